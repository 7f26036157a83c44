"""How far to trust suggestions, code by code: cross-validated figures on human codings.

For every segment people coded (by hand, or by accepting or rejecting a suggestion: both are
a person's judgement), the suggester is
trained on the other folds and asked about this one, exactly as it would be for a new
document. Folds follow documents when there are enough, so a model never learns from the
sentence next to the one it is tested on. Per code: precision, recall, F1, Krippendorff's
alpha (nominal, presence/absence per segment) between model and people, and the number of
examples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold, KFold
from spacy.language import Language
from sqlite_utils import Database

from workbench.suggest.model import Suggester
from workbench.suggest.project import ProjectSuggester, build_rules, training_data
from workbench.suggest.scores import alpha_two_coders, precision_recall_f1

MAX_FOLDS = 5


def evaluate(
    db: Database, *, nlp: Language, folds: int = MAX_FOLDS, model: ProjectSuggester | None = None
) -> list[dict[str, Any]]:
    """One row per code: examples, precision, recall, F1, alpha, and where the score comes from.

    Codes nobody has used yet get ``None`` figures: there is nothing to compare with.
    """
    rules = model.rules if model is not None else build_rules(db, nlp)
    cache = model if model is not None else ProjectSuggester(rules, Suggester(rules))
    data = training_data(db, rules.codes_)
    n, k = data.Y.shape
    segments = [{"id": s, "text": t} for s, t in zip(data.segment_ids, data.texts)]
    passages = cache.passages_for(nlp, segments)
    Y = Suggester(rules)._with_parents(data.Y)
    predicted = np.zeros((n, k), dtype=bool)
    if n >= 4:
        groups = np.asarray(data.document_ids)
        n_groups = len(set(groups.tolist()))
        folds = max(2, min(folds, n))
        splitter = (
            GroupKFold(min(folds, n_groups)).split(passages, groups=groups)
            if n_groups >= 3 else KFold(folds, shuffle=True, random_state=0).split(passages)
        )
        for train, test in splitter:
            fitted = Suggester(rules).fit([passages[i] for i in train], data.Y[train])
            for row, found in zip(test, fitted.suggest([passages[i] for i in test])):
                for s in found:
                    predicted[row, rules.codes_.index(s.code)] = True
    full = Suggester(rules).fit(passages, data.Y)
    rows = []
    for j, code in enumerate(rules.codes_):
        known = Y[:, j] >= 0
        truth = Y[known, j] == 1
        guess = predicted[known, j]
        status = full.status()[j]
        row: dict[str, Any] = {
            "code": code, "examples": int(truth.sum()), "labelled": int(known.sum()),
            "source": status["source"], "precision": None, "recall": None, "f1": None,
            "alpha": None,
        }
        if truth.sum() and n >= 4:
            p, r, f = precision_recall_f1(truth, guess)
            alpha = alpha_two_coders(truth.astype(int), guess.astype(int))
            row.update(precision=round(float(p), 3), recall=round(float(r), 3),
                       f1=round(float(f), 3),
                       alpha=None if alpha is None else round(float(alpha), 3))
        rows.append(row)
    return rows
