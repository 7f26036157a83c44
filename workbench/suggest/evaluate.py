"""How far to trust suggestions, code by code: cross-validated figures on every sentence.

The suggester is trained on the other folds and asked about every sentence of the test
documents, exactly as it would be for a new document. Folds follow documents when there are
enough, so a model never learns from the sentence next to the one it is tested on.

What counts (the scope, reported with every figure): the documents in which a person made at
least one decision (coded by hand, accepted or rejected a suggestion) or which a person marked
done, and in them every sentence analysis sees. A sentence is an example of a code when any
coder gave it the code or one of its children (accepted suggestions included); the workbench
proposes a code when it proposes the code or one of its children, so both sides count children
for their parents alike. A sentence nobody coded with a code counts as "not this code". Counting
only sentences that carry some code (as this module once did) made precision look three to
five times better than what a researcher meets in a transcript, where most sentences carry no
code at all.

Per code: precision, recall, F1, Krippendorff's alpha (nominal, presence/absence per sentence)
between model and people, the counts behind them, 95 % Wilson intervals for precision and
recall, which engine makes the code's suggestions now (``source``) and which produced the
figure in each fold (``fold_sources``: ``model``, ``rules`` or ``silenced``), which engines
made the proposals of the codes below it that its figures count (``sub_sources``; a parent on
its rules may owe its figures to a child's learned model),
and a plain verdict: are its suggestions worth looking at yet (``proposes_nothing`` when it
proposed no sentence at all while people used the code: no figure to judge it by, and no
reason to wait for one). With them, the words that no longer propose the code alone and why
(``distrusted_detail``: rejected suggestions, or sentences people coded otherwise or left
uncoded).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import binomtest
from sklearn.model_selection import GroupKFold, KFold
from spacy.language import Language

from workbench.handle import Project
from workbench.ingest import analysis_segments
from workbench.suggest.model import Passage, Suggester
from workbench.suggest.project import (
    ProjectSuggester,
    _build_rules,
    _rejections,
    most_specific,
    training_data,
)
from workbench.suggest.rules import RuleScorer
from workbench.suggest.scores import alpha_two_coders, precision_recall_f1

MAX_FOLDS = 5
# A code's suggestions are worth looking at when, with 95 % confidence, at least half of
# what it proposes is right; not yet when even the upper bound is below that.
WORTH_PRECISION = 0.5
VERDICTS = (
    "worth",
    "not_yet",
    "unsure",
    "proposes_nothing",
    "no_examples",
    "too_little",
    "silenced",
)
# Fewer sentences than this in scope leave no folds to test on: nothing is measured.
MIN_SENTENCES = 4


def wilson(successes: int, trials: int) -> tuple[float, float] | None:
    """The 95 % Wilson interval of a proportion (None without trials)."""
    if trials <= 0:
        return None
    ci = binomtest(int(successes), int(trials)).proportion_ci(0.95, method="wilson")
    return round(float(ci.low), 3), round(float(ci.high), 3)


def verdict(*, examples: int, proposed: int, correct: int, source: str, tested: bool = True) -> str:
    """Whether a code's suggestions are worth a researcher's time yet (one of VERDICTS).

    "unsure" needs proposals whose precision interval straddles 0.5; a code that proposed
    nothing while people used it is "proposes_nothing" (its recall is 0, not unknown).
    "too_little" when nothing was tested (too few sentences in scope): "no examples" there
    would contradict the examples column beside it.
    """
    if source == "silenced":
        return "silenced"
    if not tested:
        return "too_little"
    if not examples:
        return "no_examples"
    interval = wilson(correct, proposed)
    if interval is None:
        return "proposes_nothing"
    low, high = interval
    if low >= WORTH_PRECISION:
        return "worth"
    if high < WORTH_PRECISION:
        return "not_yet"
    return "unsure"


def evaluate(
    project: Project,
    *,
    nlp: Language,
    folds: int = MAX_FOLDS,
    model: ProjectSuggester | None = None,
) -> list[dict[str, Any]]:
    """One row per code: counts, precision, recall, F1, alpha, intervals, sources, verdict.

    Every row also carries the scope (``documents``, ``sentences``): what the figures cover.
    Codes nobody has used yet get ``None`` figures: there is nothing to compare with. With
    fewer than MIN_SENTENCES sentences in scope nothing is tested: ``proposed`` and
    ``correct`` are ``None`` too and the verdict is ``too_little``.
    Reading the project's codings needs the ``read`` permission.
    """
    project.require("read")
    found = out_of_fold(project, nlp=nlp, folds=folds, model=model)
    rules, segments, documents = found.rules, found.segments, found.documents
    passages, Y, groups, sources = found.passages, found.Y, found.groups, found.sources
    truth_all = Suggester(rules)._with_parents(Y) == 1
    n, tested = len(segments), found.tested
    # A child's proposal counts for its parent, as a child's coding does in the truth: in a
    # project the parent is not asked about beside its child (accepting the child counts for
    # both), so a researcher meets the parent through the child.
    predicted = Suggester(rules)._with_parents(found.predicted.astype(int)) == 1
    full = (
        Suggester(rules)
        .fit(passages, Y, groups=groups)
        .explain_distrust(
            passages, Y, _rejections(project.db, [s["id"] for s in segments], rules.codes_)
        )
        .status()
    )
    below = _descendants(rules.parent_index_)
    rows = []
    for j, code in enumerate(rules.codes_):
        truth, guess = truth_all[:, j], predicted[:, j]
        examples, proposed = int(truth.sum()), int(guess.sum())
        correct = int((truth & guess).sum())
        row: dict[str, Any] = {
            "code": code,
            "examples": examples,
            "proposed": proposed,
            "correct": correct,
            "documents": len(documents),
            "sentences": n,
            "source": full[j]["source"],
            "fold_sources": dict(sorted(sources[j].items())),
            # what made the children's proposals counted here: in the folds, else now
            "sub_sources": sorted(
                {
                    name
                    for d in below[j]
                    for name in (sources[d] or {full[d]["source"]: 1})
                    if name != "silenced"
                }
            ),
            "distrusted": full[j]["distrusted"],
            "distrusted_detail": full[j]["distrusted_detail"],
            "precision": None,
            "recall": None,
            "f1": None,
            "alpha": None,
            "precision_interval": None,
            "recall_interval": None,
        }
        if not tested:  # no fold ran: a 0 here would read as a measured "proposed nothing"
            row.update(proposed=None, correct=None)
        elif examples:
            p, r, f = precision_recall_f1(truth, guess)
            alpha = alpha_two_coders(truth.astype(int), guess.astype(int))
            row.update(
                precision=round(float(p), 3) if proposed else None,
                recall=round(float(r), 3),
                f1=round(float(f), 3),
                alpha=None if alpha is None else round(float(alpha), 3),
                precision_interval=wilson(correct, proposed),
                recall_interval=wilson(correct, examples),
            )
        row["verdict"] = verdict(
            examples=examples,
            proposed=proposed,
            correct=correct,
            source=row["source"],
            tested=tested,
        )
        rows.append(row)
    return rows


@dataclass
class OutOfFold:
    """What the workbench proposes on every sentence in scope, each sentence judged by a
    model trained without its document (the folds of :func:`evaluate`)."""

    rules: RuleScorer
    segments: list[dict[str, Any]]
    documents: list[int]
    passages: list[Passage]
    Y: np.ndarray  # what people said: 1 coded, 0 not (a rejection or silence), -1 unknown
    groups: np.ndarray  # document id per sentence
    predicted: (
        np.ndarray
    )  # sentences x codes, as a project stores them (no parent beside its child)
    sources: list[Counter]  # per code, the engine of each fold
    tested: bool  # False with fewer than MIN_SENTENCES sentences: no fold ran


def out_of_fold(
    project: Project,
    *,
    nlp: Language,
    folds: int = MAX_FOLDS,
    model: ProjectSuggester | None = None,
) -> OutOfFold:
    """Cross-validated proposals on every sentence analysis sees in the documents where a
    person made a decision or which a person marked done. Folds follow documents (from three
    documents on). Needs ``read``.
    """
    project.require("read")
    rules = model.rules if model is not None else _build_rules(project.db, nlp)
    cache = model if model is not None else ProjectSuggester(rules, Suggester(rules))
    data = training_data(project, rules.codes_)
    labels = dict(zip(data.segment_ids, data.Y))
    documents = sorted({d for d, row in zip(data.document_ids, data.Y) if (row >= 0).any()})
    segments = [s for d in documents for s in analysis_segments(project, d)]
    k = len(rules.codes_)
    passages = cache.passages_for(nlp, segments)
    # Training labels keep "unknown" (-1); the test truth is what people coded, 0 elsewhere.
    Y = (
        np.vstack([labels.get(s["id"], np.full(k, -1)) for s in segments])
        if segments
        else np.zeros((0, k), dtype=int)
    )
    n = len(segments)
    predicted = np.zeros((n, k), dtype=bool)
    sources: list[Counter] = [Counter() for _ in range(k)]
    groups = np.asarray([s["document_id"] for s in segments])
    tested = n >= MIN_SENTENCES
    if tested:
        splitter = (
            GroupKFold(min(folds, len(documents))).split(passages, groups=groups)
            if len(documents) >= 3
            else KFold(max(2, min(folds, n)), shuffle=True, random_state=0).split(passages)
        )
        labelled = np.asarray((Y >= 0).any(axis=1), dtype=bool)
        for train, test in splitter:
            # as a project learns (``training_data``): from the sentences people decided on,
            # not from every sentence of the other folds (their words changed the TF-IDF)
            train = train[labelled[train]]
            fitted = Suggester(rules).fit(
                [passages[i] for i in train], Y[train], groups=groups[train]
            )
            for j, status in enumerate(fitted.status()):
                sources[j][status["source"]] += 1
            found = fitted.suggest([passages[i] for i in test])
            for row, suggestions in zip(test, found):
                for s in most_specific(rules, suggestions):
                    predicted[row, rules.codes_.index(s.code)] = True
    return OutOfFold(rules, segments, documents, passages, Y, groups, predicted, sources, tested)


@dataclass
class Proposals:
    """The workbench as one more coder: per sentence, the codes a model trained without that
    sentence's document proposes (:func:`out_of_fold`), as codings, and the documents it
    judged (every sentence analysis sees in them)."""

    documents: set[int]
    codings: list[tuple[int, int, int, int, str]]  # document, start, end, code id, "" (no time)


def proposals(project: Project, *, nlp: Language, folds: int = MAX_FOLDS) -> Proposals:
    """What the workbench proposes, judged out of fold, for comparing it with people.

    Not the stored suggestions: those are never made where the coder already gave the code,
    so compared with that coder they agree nowhere by construction (on the demo, anna
    against the stored suggestions: alpha about 0 for every code, where :func:`evaluate`
    measures 0.1-0.4). Needs ``read``.
    """
    found = out_of_fold(project, nlp=nlp, folds=folds)
    ids = dict(project.db.execute("SELECT slug, id FROM codes").fetchall())
    codings = [
        (seg["document_id"], seg["start_char"], seg["end_char"], ids[found.rules.codes_[j]], "")
        for i, seg in enumerate(found.segments)
        for j in np.nonzero(found.predicted[i])[0]
        if found.rules.codes_[j] in ids
    ]
    return Proposals(set(found.documents) if found.tested else set(), codings)


def _descendants(parent_index: list[int | None]) -> list[set[int]]:
    """Per code, the codes below it at any depth: their proposals count in its figures."""
    below: list[set[int]] = [set() for _ in parent_index]
    for child, parent in enumerate(parent_index):
        while parent is not None:
            below[parent].add(child)
            parent = parent_index[parent]
    return below
