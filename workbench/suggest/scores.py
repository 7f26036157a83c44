"""Agreement and accuracy figures the evaluation reports (precision, recall, F1, alpha)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def precision_recall_f1(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Binary precision, recall and F1 (0 where undefined, as scikit-learn's zero_division=0)."""
    truth, predicted = np.asarray(truth, bool), np.asarray(predicted, bool)
    tp = float((truth & predicted).sum())
    p = tp / predicted.sum() if predicted.sum() else 0.0
    r = tp / truth.sum() if truth.sum() else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _alpha_nominal(a: Sequence[int], b: Sequence[int]) -> float:
    """Krippendorff's alpha (nominal) for two coders, every unit coded by both.

    Kept private: the agreement module's ``krippendorff_alpha`` replaces it once available.
    """
    a, b = np.asarray(a), np.asarray(b)
    values = np.union1d(a, b)
    if len(values) < 2:
        return float("nan")
    n = 2 * len(a)
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for x, y in zip(a, b):
        o[index[x], index[y]] += 1
        o[index[y], index[x]] += 1
    marg = o.sum(axis=1)
    observed = o.sum() - np.trace(o)
    expected = (n * n - (marg**2).sum()) / (n - 1)
    return float(1 - observed / expected) if expected else float("nan")


def alpha_two_coders(a: Sequence[int], b: Sequence[int]) -> float:
    """Nominal alpha between two coders' presence/absence decisions on the same units."""
    try:
        from workbench.agreement import krippendorff_alpha
    except ImportError:
        return _alpha_nominal(a, b)
    return _call_agreement(krippendorff_alpha, a, b)


def _call_agreement(fn, a, b) -> float:  # pragma: no cover - adapter, shape checked in tests
    try:
        return float(fn([list(a), list(b)], level="nominal"))
    except TypeError:
        return _alpha_nominal(a, b)
