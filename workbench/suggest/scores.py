"""Agreement and accuracy figures the evaluation reports (precision, recall, F1, alpha)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workbench.agreement import krippendorff_alpha


def precision_recall_f1(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Binary precision, recall and F1 (0 where undefined, as scikit-learn's zero_division=0)."""
    truth, predicted = np.asarray(truth, bool), np.asarray(predicted, bool)
    tp = float((truth & predicted).sum())
    p = tp / predicted.sum() if predicted.sum() else 0.0
    r = tp / truth.sum() if truth.sum() else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def alpha_two_coders(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> float | None:
    """Nominal Krippendorff's alpha between two coders' presence/absence on the same units.

    None when undefined (for instance when both say "absent" everywhere).
    """
    return krippendorff_alpha([list(map(int, a)), list(map(int, b))], level="nominal")
