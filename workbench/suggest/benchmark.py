"""Repeated-split evaluation on labelled passages (the quality targets of issue 4).

Used by ``benchmarks/eval_suggest.py`` and the tests: cold start (rules only) and trained on
``n_train`` passages, over several random splits, reported as mean and spread per code. The
passages are analysed once; each split only refits the classifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from spacy.language import Language

from workbench.suggest.codes import CodeSpec
from workbench.suggest.model import Suggester, analyse
from workbench.suggest.passages import label_matrix, respondent_text
from workbench.suggest.rules import RuleScorer
from workbench.suggest.scores import precision_recall_f1

HEADLINE_CODES = (
    "verlies",
    "schaamte",
    "energiebalans",
    "zingeving",
    "isolement",
    "bestaansonzekerheid",
)


def _per_code(suggester: Suggester, passages, Y: np.ndarray, codes: Sequence[str]) -> dict:
    index = {c: j for j, c in enumerate(suggester.codes_)}
    predicted = np.zeros((len(passages), len(codes)), dtype=bool)
    for i, found in enumerate(suggester.suggest(passages)):
        for s in found:
            if s.code in codes:
                predicted[i, codes.index(s.code)] = True
    out = {}
    for j, code in enumerate(codes):
        truth = Y[:, index[code]] == 1
        out[code] = precision_recall_f1(truth, predicted[:, j])
    return out


def evaluate_passages(
    codes: Sequence[CodeSpec],
    nlp: Language,
    data: Sequence[dict[str, Any]],
    *,
    n_train: int = 150,
    repeats: int = 5,
    seed: int = 0,
    scored_codes: Sequence[str] = HEADLINE_CODES,
    rules: RuleScorer | None = None,
    embeddings: bool = False,
    test_data: Sequence[dict[str, Any]] | None = None,
    **params: Any,
) -> dict[str, dict[str, dict[str, float]]]:
    """``{"cold": {code: {p, r, f1, p_sd, ...}}, "trained": {...}}``, mean over splits.

    Without ``test_data`` each repeat trains on ``n_train`` random passages of ``data`` and
    tests on the rest; with it, training passages are drawn from ``data`` and every repeat is
    tested on the same ``test_data`` (a held-out set). Cold start is measured on the same test
    passages as the trained model, so the two compare like with like.
    """
    rules = rules if rules is not None else RuleScorer().fit(codes, nlp=nlp)
    data = list(data) + list(test_data or [])
    n_pool = len(data) - len(test_data or [])
    texts = [respondent_text(d["text"]) for d in data]
    passages = analyse(nlp, rules, texts, embeddings=embeddings)
    Y = Suggester(rules)._with_parents(label_matrix(rules.codes_, [d["codes"] for d in data]))
    scored = [c for c in scored_codes if c in rules.codes_]
    rng = np.random.default_rng(seed)
    runs: dict[str, list[dict]] = {"cold": [], "trained": []}
    if test_data is None:
        n_train = min(n_train, n_pool - max(10, n_pool // 5))
    else:
        n_train = min(n_train, n_pool)
    cold_model = Suggester(rules, **params).fit([], None)
    for _ in range(repeats):
        order = rng.permutation(n_pool)
        train = order[:n_train]
        test = order[n_train:] if test_data is None else np.arange(n_pool, len(data))
        test_passages = [passages[i] for i in test]
        runs["cold"].append(_per_code(cold_model, test_passages, Y[test], scored))
        model = Suggester(rules, **params).fit([passages[i] for i in train], Y[train])
        runs["trained"].append(_per_code(model, test_passages, Y[test], scored))
    return {mode: _summarise(results, scored) for mode, results in runs.items()}


def _summarise(results: list[dict], codes: Sequence[str]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for code in codes:
        values = np.array([r[code] for r in results])
        mean, sd = values.mean(axis=0), values.std(axis=0)
        out[code] = {
            "precision": mean[0],
            "recall": mean[1],
            "f1": mean[2],
            "precision_sd": sd[0],
            "recall_sd": sd[1],
            "f1_sd": sd[2],
        }
    per_run = np.array([[r[c] for c in codes] for r in results]).mean(axis=1)  # runs x (p, r, f)
    out["macro"] = {
        "precision": float(per_run[:, 0].mean()),
        "recall": float(per_run[:, 1].mean()),
        "f1": float(per_run[:, 2].mean()),
        "precision_sd": float(per_run[:, 0].std()),
        "recall_sd": float(per_run[:, 1].std()),
        "f1_sd": float(per_run[:, 2].std()),
    }
    return out
