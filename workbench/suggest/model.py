"""The learning part: per code, logistic regression on lemma TF-IDF, stacked with the rules.

Why this shape: with a few dozen coded passages a linear model over lemmas (and, when given,
sentence embeddings) is as good as anything and trains in milliseconds, so it can be refit
after every decision. Its out-of-fold scores and the code's rule score go into a second, tiny
logistic regression that learns how far to trust each in this project and returns a
calibrated probability. Codes with fewer than ``min_examples`` confirmed examples stay on the
rules (measured: below 12 the model did worse than the rules), but learn from the first
rejections all the same: a word whose proposals the coders turned down no longer proposes the
code alone. Each trained code gets its own
threshold: the F1-best cut-off on held-out scores, pulled towards the default so a handful of
examples cannot push it to an extreme. A code the coders never used in a fully coded training
set, though the rules proposed it on at least five of its passages or they used its parent
five times, is silenced: they saw its chance and said no every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import simplemma
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted
from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.language import Language

from workbench.nlp import pipe
from workbench.suggest.rules import RuleScorer, content_lemmas


@dataclass
class Passage:
    """A text as the suggester sees it: content lemmas, rule scores and rule evidence."""

    text: str
    lemmas: str
    rule_scores: np.ndarray
    rule_evidence: list[list[str]]
    embedding: np.ndarray | None = None


def analyse(
    nlp: Language, rules: RuleScorer, texts: Sequence[str], *, embeddings: bool = False
) -> list[Passage]:
    """Run ``texts`` through the pipeline and the rules once; everything else reuses this.

    ``embeddings`` adds a sentence embedding per text (see :mod:`workbench.suggest.embed`).
    """
    texts = list(texts)
    docs = list(pipe(nlp, texts))
    lemma_texts = [content_lemmas(d) for d in docs]
    result = rules.transform(docs, lemma_texts)
    vectors = None
    if embeddings and texts:
        from workbench.suggest.embed import embed

        vectors = embed(texts)
    return [
        Passage(
            text, lem, result.scores[i], result.evidence[i], None if vectors is None else vectors[i]
        )
        for i, (text, lem) in enumerate(zip(texts, lemma_texts))
    ]


@dataclass
class Suggestion:
    code: str
    score: float
    evidence: list[str]

    def as_dict(self) -> dict:
        return {"code": self.code, "score": round(float(self.score), 4), "evidence": self.evidence}


class Suggester(BaseEstimator):
    """Rules first, then per-code logistic regression once a code has enough examples.

    ``fit(passages, Y)`` takes :class:`Passage` objects and a label matrix ``Y`` (passages x
    codes, in ``rules.codes_`` order) holding 1 (coded), 0 (rejected / coded otherwise) or -1
    (unknown: not used for that code). ``predict_proba`` gives scores in [0, 1];
    ``suggest`` lists, per passage, the codes above their threshold, highest first.
    """

    def __init__(
        self,
        rules: RuleScorer,
        *,
        min_examples: int = 12,
        C: float = 1.0,
        rule_feature_weight: float = 0.0,
        embedding_weight: float = 1.0,
        default_threshold: float = 0.5,
        threshold_shrink: float = 0.3,
        tune_thresholds: bool = True,
        silence_after: int = 30,
        silence_after_proposals: int = 5,
        stack: bool = True,
        guard: bool = True,
        max_evidence: int = 4,
        distrust_after: int = 2,
        distrust_factor: float = 0.5,
    ) -> None:
        self.rules = rules
        self.min_examples = min_examples
        self.C = C
        self.rule_feature_weight = rule_feature_weight
        self.embedding_weight = embedding_weight
        self.default_threshold = default_threshold
        self.threshold_shrink = threshold_shrink
        self.tune_thresholds = tune_thresholds
        self.silence_after = silence_after
        self.silence_after_proposals = silence_after_proposals
        self.stack = stack
        self.guard = guard
        self.max_evidence = max_evidence
        self.distrust_after = distrust_after
        self.distrust_factor = distrust_factor

    # -- fitting -----------------------------------------------------------------------
    def fit(
        self,
        passages: Sequence[Passage],
        Y: np.ndarray | None = None,
        *,
        groups: Sequence[Any] | np.ndarray | None = None,
    ) -> "Suggester":
        """Learn from labelled passages; with none, the suggester runs on rules alone.

        ``groups`` (a document id per passage, as in scikit-learn's group splitters) keeps
        the sentences of one document in one fold of the out-of-fold check: neighbouring
        sentences share words and people, and a model tested on the neighbours of what it
        learnt from looks better than it is on a new interview.
        """
        check_is_fitted(self.rules, "terms_")
        self.codes_ = list(self.rules.codes_)
        k = len(self.codes_)
        passages = list(passages)
        Y = np.full((0, k), -1) if Y is None else np.asarray(Y, dtype=int)
        if Y.shape != (len(passages), k):
            raise ValueError(f"Y must have shape ({len(passages)}, {k}). Got {Y.shape} instead.")
        Y = self._with_parents(Y)
        self.thresholds_ = np.full(k, self.default_threshold)
        self.silenced_ = np.zeros(k, dtype=bool)
        self.n_positive_ = (Y == 1).sum(axis=0)
        self.n_negative_ = (Y == 0).sum(axis=0)
        self.models_: dict[int, LogisticRegression] = {}
        self.combiners_ = {}
        self.vectorizer_ = None
        self.uses_embeddings_ = False
        self.feature_names_ = np.array([], dtype=object)
        # Silenced: the coders said no where the rules proposed the code, again and again,
        # or they code its theme with the parent and never with this child. A rare code
        # that simply did not occur in a few dozen passages is no such evidence.
        rule = np.vstack([p.rule_scores for p in passages]) if passages else np.zeros((0, k))
        declined = ((rule >= self.default_threshold) & (Y == 0)).sum(axis=0)
        for j, parent in enumerate(self.rules.parent_index_):
            seen = declined[j] >= self.silence_after_proposals or (
                parent is not None and self.n_positive_[parent] >= self.silence_after_proposals
            )
            if self.n_positive_[j] == 0 and self.n_negative_[j] >= self.silence_after and seen:
                self.silenced_[j] = True
        self.distrusted_ = self._distrusted(passages, Y, rule)
        self.distrust_detail_ = None  # why, per word: explain_distrust (needs rejections)
        trainable = [
            j
            for j in range(k)
            if self.n_positive_[j] >= self.min_examples and self.n_negative_[j] >= 2
        ]
        if not trainable:
            return self
        self.vectorizer_ = TfidfVectorizer(
            token_pattern=r"[^ ]+",
            lowercase=False,
            sublinear_tf=True,
            ngram_range=(1, 2),
            min_df=1 if len(passages) < 1000 else 2,
            max_features=50_000,
        )
        self.uses_embeddings_ = all(p.embedding is not None for p in passages)
        text_features = self.vectorizer_.fit_transform([p.lemmas for p in passages])
        self.feature_names_ = self.vectorizer_.get_feature_names_out()
        X = self._features(text_features, passages)
        self.combiners_: dict[int, LogisticRegression] = {}
        documents = None if groups is None else np.asarray(groups)
        for j in trainable:
            rows = np.nonzero(Y[:, j] >= 0)[0]
            y = Y[rows, j]
            self.models_[j] = self._new_model().fit(X[rows], y)
            oof = self._out_of_fold(X[rows], y, None if documents is None else documents[rows])
            if oof is None:
                continue
            scores = oof
            if self.stack:
                # How far to trust the text model and the code's own rules, learnt from
                # out-of-fold scores: a calibrated probability, not a guess of weights.
                Z = self._stack_features(oof, rule[rows, j])
                self.combiners_[j] = LogisticRegression(
                    C=1.0, solver="liblinear", random_state=0
                ).fit(Z, y)
                scores = self.combiners_[j].predict_proba(Z)[:, 1]
            threshold = (
                self._best_threshold(scores, y) if self.tune_thresholds else self.default_threshold
            )
            # Learned first, but only where it has shown itself clearly better on this
            # project's own decisions: out of fold, against the code's rules at their
            # threshold, on most bootstrap resamples. On real text a model fitted on a few
            # dozen examples was often worse than the rules it replaced (../shared/dev-real,
            # 160 passages: macro F1 0.22 when the model always took over, 0.33 when it had
            # to win once, 0.49 with the rules of December 2026 and the resampling check).
            if self.guard and not _clearly_better(
                scores >= threshold, rule[rows, j] >= self.default_threshold, y
            ):
                del self.models_[j]
                self.combiners_.pop(j, None)
                continue
            self.thresholds_[j] = threshold
        return self

    def _distrusted(
        self, passages: Sequence[Passage], Y: np.ndarray, rule: np.ndarray
    ) -> list[dict[str, str]]:
        """Per code, the evidence words whose proposals the coders turned down (by their
        key, with the form first seen, to show).

        Learning from the first decisions, not after ``min_examples``: when the rules proposed
        a code on the strength of a word and the coders said no at least ``distrust_after``
        times, with at most one yes in four (a Beta(1, 1) prior: (yes + 1) / (yes + no + 2) <=
        0.25), that word no longer proposes the code alone. This is how a coder teaches the
        workbench that "een hoop mensen" is no hope or "alleen maar" no loneliness in this
        project. Every word of a rejected proposal shares the blame; a word that also led to
        accepted proposals keeps its trust until the rejections outweigh them three to one.
        A single content word counts by its lemma, so rejecting "begrafenis" also covers
        "begrafenissen" (the class of error, not the one form); phrases count as written.
        A "no" is any sentence labelled 0 for the code: a rejected suggestion, a sentence
        coded with other codes, or one left uncoded in a document read in full.
        """
        said = self._word_counts(passages, Y, rule)
        return [
            {
                key: c["word"]
                for key, c in said[j].items()
                if c["no"] >= self.distrust_after
                and (c["yes"] + 1) / (c["yes"] + c["no"] + 2) <= 0.25
            }
            for j in range(rule.shape[1])
        ]

    def _word_counts(
        self,
        passages: Sequence[Passage],
        Y: np.ndarray,
        rule: np.ndarray,
        rejected: np.ndarray | None = None,
    ) -> list[dict[str, dict[str, Any]]]:
        """Per code and evidence word (by key) of the rules' proposals: how often the coders
        said yes and no, and (with ``rejected``) how many of the no's were rejections."""
        k = rule.shape[1]
        said: list[dict[str, dict[str, Any]]] = [{} for _ in range(k)]
        rows, codes = np.nonzero((rule >= self.default_threshold) & (Y >= 0))
        for i, j in zip(rows.tolist(), codes.tolist()):
            keys: dict[str, str] = {}
            for word in passages[i].rule_evidence[j]:
                keys.setdefault(_word_key(word), word)
            for key, word in keys.items():
                count = said[j].setdefault(key, {"word": word, "no": 0, "yes": 0, "rejected": 0})
                count["yes" if Y[i, j] == 1 else "no"] += 1
                if Y[i, j] == 0 and rejected is not None and rejected[i, j]:
                    count["rejected"] += 1
        return said

    def explain_distrust(
        self, passages: Sequence[Passage], Y: np.ndarray, rejected: np.ndarray
    ) -> "Suggester":
        """Record why each word that no longer counts alone got there (for :meth:`status`).

        ``passages`` and ``Y`` are what :meth:`fit` saw; ``rejected`` (same shape as ``Y``)
        is True where a person rejected a suggestion of the code on that passage. A "no" may
        also be a sentence people coded with other codes or left uncoded in a document they
        read in full: on the demo project nobody rejected anything, and words still stopped
        counting alone that way. Changes no score.
        """
        check_is_fitted(self, "codes_")
        passages = list(passages)
        Y = self._with_parents(np.asarray(Y, dtype=int))
        rejected = np.asarray(rejected, dtype=bool)
        if rejected.shape != Y.shape:
            raise ValueError(
                f"rejected must have the shape of Y {Y.shape}. Got {rejected.shape} instead."
            )
        rule = np.vstack([p.rule_scores for p in passages]) if passages else Y * 0.0
        said = self._word_counts(passages, Y, rule, rejected)
        self.distrust_detail_ = [
            sorted(
                (
                    {
                        "word": word,
                        "rejected": said[j][key]["rejected"],
                        "not_coded": said[j][key]["no"] - said[j][key]["rejected"],
                        "accepted": said[j][key]["yes"],
                    }
                    for key, word in self.distrusted_[j].items()
                    if key in said[j]
                ),
                key=lambda d: d["word"],
            )
            for j in range(len(self.codes_))
        ]
        return self

    @staticmethod
    def _stack_features(text_scores: np.ndarray, rule_scores: np.ndarray) -> np.ndarray:
        p = np.clip(text_scores, 1e-4, 1 - 1e-4)
        return np.c_[np.log(p / (1 - p)), rule_scores]

    def _new_model(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=500, solver="liblinear", random_state=0
        )

    def _with_parents(self, Y: np.ndarray) -> np.ndarray:
        """A passage coded with a child is coded with its parent too."""
        Y = Y.copy()
        for child, parent in enumerate(self.rules.parent_index_):
            if parent is None:
                continue
            j, seen = child, set()
            while self.rules.parent_index_[j] is not None and j not in seen:
                seen.add(j)
                up = self.rules.parent_index_[j]
                Y[Y[:, child] == 1, up] = 1
                j = up
        return Y

    def _features(self, text_features: sparse.spmatrix, passages: Sequence[Passage]):
        """Lemma TF-IDF, plus sentence embeddings when the model was trained with them."""
        blocks = [text_features]
        if self.rule_feature_weight:
            rule = np.vstack([p.rule_scores for p in passages])
            blocks.append(sparse.csr_matrix(rule * self.rule_feature_weight))
        if self.uses_embeddings_ and self.embedding_weight:
            missing = [p for p in passages if p.embedding is None]
            if missing:  # embed once and keep it on the passage
                from workbench.suggest.embed import embed

                for passage, vector in zip(missing, embed([p.text for p in missing])):
                    passage.embedding = vector
            vectors = np.vstack([p.embedding for p in passages])
            blocks.append(sparse.csr_matrix(vectors * self.embedding_weight))
        return sparse.hstack(blocks, format="csr")

    def _out_of_fold(self, X, y: np.ndarray, groups: np.ndarray | None) -> np.ndarray | None:
        """Text-model scores for each training row from a model that did not see it (nor,
        with ``groups``, any row of its document)."""
        folds = min(4 if len(y) < 1000 else 2, int(y.sum()), int((y == 0).sum()))
        if folds < 2:
            return None
        scores = np.zeros(len(y))
        if groups is not None and len(set(groups)) >= folds:
            splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=0)
            split = splitter.split(X, y, groups=groups)
        else:
            split = StratifiedKFold(folds, shuffle=True, random_state=0).split(X, y)
        for train, test in split:
            if len(np.unique(y[train])) < 2:
                # Whole documents without an example (read in full, nothing coded) can make
                # up a training fold: a model that never saw the code finds nothing.
                scores[test] = float(y[train].mean())
                continue
            scores[test] = self._new_model().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
        return scores

    def _best_threshold(self, scores: np.ndarray, y: np.ndarray) -> float:
        """The F1-best cut-off on held-out scores, shrunk towards the default."""
        best, best_f1 = self.default_threshold, -1.0
        # From 0.05: the calibrated probability of a rare code is low on every sentence of
        # an interview (a few in a hundred carry it), and a cut-off range from 0.2 left a
        # model trained on the silence of documents read in full almost mute (demo, verlies:
        # 9 proposals for 55 coded sentences; F1 0.20 -> 0.26 with this range).
        for cut in np.linspace(0.05, 0.8, 25):
            f1 = _f1(scores >= cut, y)
            if f1 > best_f1 + 1e-9:
                best, best_f1 = cut, f1
        shrink = self.threshold_shrink
        return float((1 - shrink) * best + shrink * self.default_threshold)

    # -- predicting --------------------------------------------------------------------
    def predict_proba(self, passages: Sequence[Passage]) -> np.ndarray:
        """Scores in [0, 1], passages x codes: the model where trained, else the rules."""
        check_is_fitted(self, "codes_")
        passages = list(passages)
        if not passages:
            return np.zeros((0, len(self.codes_)))
        scores = np.vstack([p.rule_scores for p in passages]).astype(float)
        for j, words in enumerate(self.distrusted_):
            if not words or j in self.models_:
                continue
            for i in np.nonzero(scores[:, j] > 0)[0]:
                found = passages[i].rule_evidence[j]
                if found and len(self._distrusted_in(found, j)) == len(found):
                    scores[i, j] *= self.distrust_factor  # every word of it, none else
        if self.models_:
            X = self._features(self.vectorizer_.transform([p.lemmas for p in passages]), passages)
            for j, model in self.models_.items():
                text = model.predict_proba(X)[:, 1]
                combiner = self.combiners_.get(j)
                scores[:, j] = (
                    text
                    if combiner is None
                    else combiner.predict_proba(self._stack_features(text, scores[:, j]))[:, 1]
                )
        scores[:, self.silenced_] = 0.0
        return np.clip(scores, 0.0, 1.0)

    def suggest(self, passages: Sequence[Passage]) -> list[list[Suggestion]]:
        """Per passage: the codes above their threshold, highest score first, with evidence."""
        passages = list(passages)
        scores = self.predict_proba(passages)
        out: list[list[Suggestion]] = []
        for i, passage in enumerate(passages):
            hits = [
                Suggestion(self.codes_[j], float(scores[i, j]), self.evidence(passage, j))
                for j in np.nonzero(scores[i] >= self.thresholds_)[0]
                if scores[i, j] > 0
            ]
            out.append(sorted(hits, key=lambda s: (-s.score, s.code)))
        return out

    def evidence(self, passage: Passage, j: int) -> list[str]:
        """Matched indicators when there are any, else the lemmas that weighed most."""
        found = list(passage.rule_evidence[j][: self.max_evidence])
        model = self.models_.get(j)
        if model is None or len(found) >= self.max_evidence:
            return found
        row = self.vectorizer_.transform([passage.lemmas])
        weights = row.multiply(model.coef_[0][: row.shape[1]]).tocsr()
        order = np.argsort(-weights.data)
        for idx in order:
            if weights.data[idx] <= 0 or len(found) >= self.max_evidence:
                break
            name = str(self.feature_names_[weights.indices[idx]])
            if name not in found:
                found.append(name)
        return found

    def distrusted_words(self, passage: Passage, j: int) -> list[str]:
        """The passage's evidence words for code ``j`` that no longer count alone."""
        check_is_fitted(self, "codes_")
        return self._distrusted_in(passage.rule_evidence[j], j)

    def rejected_words(self, passage: Passage, j: int) -> list[str]:
        """Of :meth:`distrusted_words`, those whose suggestions people rejected (known after
        :meth:`explain_distrust`; none before). The others stopped counting alone because
        people coded their sentences otherwise or left them uncoded."""
        detail = getattr(self, "distrust_detail_", None)
        if not detail:
            return []
        keys = {_word_key(d["word"]) for d in detail[j] if d["rejected"]}
        return [w for w in self.distrusted_words(passage, j) if _word_key(w) in keys]

    def _distrusted_in(self, evidence: Sequence[str], j: int) -> list[str]:
        return [w for w in evidence if _word_key(w) in self.distrusted_[j]]

    def status(self) -> list[dict]:
        """Per code: examples, whether it is learned, on rules or silenced, its threshold, and
        the words that no longer propose it alone (see :meth:`_distrusted`).

        ``distrusted_detail`` says per such word how the coders said no (after
        :meth:`explain_distrust`; None before): ``rejected`` suggestions with it, and
        ``not_coded`` sentences with it that people coded otherwise or left uncoded in a
        document read in full, plus how many they ``accepted``.
        """
        check_is_fitted(self, "codes_")
        detail = getattr(self, "distrust_detail_", None)
        return [
            {
                "code": code,
                "positives": int(self.n_positive_[j]),
                "negatives": int(self.n_negative_[j]),
                "source": "silenced"
                if self.silenced_[j]
                else ("model" if j in self.models_ else "rules"),
                "threshold": round(float(self.thresholds_[j]), 3),
                "distrusted": sorted(self.distrusted_[j].values()),
                "distrusted_detail": None if detail is None else detail[j],
            }
            for j, code in enumerate(self.codes_)
        ]


@lru_cache(maxsize=50_000)
def _word_key(evidence: str) -> str:
    """One content word by its lemma ("begrafenissen" -> "begrafenis"); a phrase or a
    function word as written: "niet meer" is no "niet veel", though meer's lemma is veel."""
    text = evidence.lower().strip()
    if " " in text or text in STOP_WORDS:
        return text
    return simplemma.lemmatize(text, lang="nl")


def _clearly_better(
    model: np.ndarray, rules: np.ndarray, y: np.ndarray, *, draws: int = 200, level: float = 0.9
) -> bool:
    """Whether the model's predictions beat the rules' in F1 on resamples of the same rows.

    With a few dozen examples one lucky split can make a model look better than rules that
    are better on new text: the model takes over only when it wins on at least ``level`` of
    ``draws`` bootstrap resamples of the out-of-fold rows (a fixed seed keeps refits stable).
    A row matters only by its kind (model yes/no, rules yes/no, coded yes/no), so resampling
    the counts of the eight kinds is the same bootstrap at a fraction of the cost.
    """
    kind = model.astype(int) * 4 + rules.astype(int) * 2 + (y == 1).astype(int)
    counts = np.bincount(kind, minlength=8)
    drawn = np.random.default_rng(0).multinomial(len(y), counts / counts.sum(), size=draws)
    m, r, t = (np.arange(8) >> 2) & 1, (np.arange(8) >> 1) & 1, np.arange(8) & 1
    coded = drawn @ t

    def f1(predicted: np.ndarray) -> np.ndarray:
        tp = drawn @ (predicted & t)
        return np.where(tp > 0, 2 * tp / np.maximum(drawn @ predicted + coded, 1), 0.0)

    return float((f1(m) > f1(r)).mean()) >= level


def _f1(predicted: np.ndarray, y: np.ndarray) -> float:
    """F1 of boolean predictions against 0/1 labels (0 without a true positive)."""
    tp = float((predicted & (y == 1)).sum())
    return 2 * tp / (predicted.sum() + (y == 1).sum()) if tp else 0.0
