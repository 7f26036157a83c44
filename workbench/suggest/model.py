"""The learning part: one logistic regression per code on lemma TF-IDF plus the rule scores.

Why this shape: with a few dozen coded passages a linear model over lemmas is as good as
anything and trains in milliseconds, so it can be refit after every decision. The rule scores
are extra features, so the model learns how far to trust each code's indicators in this
project. Codes with fewer than ``min_examples`` confirmed examples stay on the rules. Each
trained code gets its own threshold, chosen by cross-validation on the training data (the
F1-best cut-off, pulled towards the default so a handful of examples cannot push it to an
extreme). A code the coders never used in a fully coded training set is silenced: they saw
its chance and said no every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted
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


def analyse(nlp: Language, rules: RuleScorer, texts: Sequence[str]) -> list[Passage]:
    """Run ``texts`` through the pipeline and the rules once; everything else reuses this."""
    docs = list(pipe(nlp, texts))
    lemma_texts = [content_lemmas(d) for d in docs]
    result = rules.transform(docs, lemma_texts)
    return [
        Passage(text, lem, result.scores[i], result.evidence[i])
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
        min_examples: int = 8,
        C: float = 4.0,
        rule_feature_weight: float = 3.0,
        default_threshold: float = 0.5,
        threshold_shrink: float = 0.3,
        tune_thresholds: bool = True,
        silence_after: int = 30,
        max_evidence: int = 4,
    ) -> None:
        self.rules = rules
        self.min_examples = min_examples
        self.C = C
        self.rule_feature_weight = rule_feature_weight
        self.default_threshold = default_threshold
        self.threshold_shrink = threshold_shrink
        self.tune_thresholds = tune_thresholds
        self.silence_after = silence_after
        self.max_evidence = max_evidence

    # -- fitting -----------------------------------------------------------------------
    def fit(self, passages: Sequence[Passage], Y: np.ndarray | None = None) -> "Suggester":
        """Learn from labelled passages; with none, the suggester runs on rules alone."""
        check_is_fitted(self.rules, "terms_")
        self.codes_ = list(self.rules.codes_)
        k = len(self.codes_)
        passages = list(passages)
        Y = np.full((0, k), -1) if Y is None else np.asarray(Y, dtype=int)
        if Y.shape != (len(passages), k):
            raise ValueError(
                f"Y must have shape ({len(passages)}, {k}). Got {Y.shape} instead."
            )
        Y = self._with_parents(Y)
        self.thresholds_ = np.full(k, self.default_threshold)
        self.silenced_ = np.zeros(k, dtype=bool)
        self.n_positive_ = (Y == 1).sum(axis=0)
        self.n_negative_ = (Y == 0).sum(axis=0)
        self.models_: dict[int, LogisticRegression] = {}
        self.vectorizer_ = None
        self.feature_names_ = np.array([], dtype=object)
        for j in range(k):
            if self.n_positive_[j] == 0 and self.n_negative_[j] >= self.silence_after:
                self.silenced_[j] = True
        trainable = [
            j for j in range(k)
            if self.n_positive_[j] >= self.min_examples and self.n_negative_[j] >= 2
        ]
        if not trainable:
            return self
        self.vectorizer_ = TfidfVectorizer(
            token_pattern=r"[^ ]+", lowercase=False, sublinear_tf=True, ngram_range=(1, 2),
            min_df=1, max_features=50_000,
        )
        text_features = self.vectorizer_.fit_transform([p.lemmas for p in passages])
        self.feature_names_ = self.vectorizer_.get_feature_names_out()
        X = self._features(text_features, passages)
        for j in trainable:
            rows = np.nonzero(Y[:, j] >= 0)[0]
            self.models_[j] = self._new_model().fit(X[rows], Y[rows, j])
            if self.tune_thresholds:
                self.thresholds_[j] = self._tuned_threshold(X[rows], Y[rows, j])
        return self

    def _new_model(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=500,
                                  solver="liblinear")

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
        rule = np.vstack([p.rule_scores for p in passages]) if passages else np.zeros((0, 0))
        return sparse.hstack(
            [text_features, sparse.csr_matrix(rule * self.rule_feature_weight)], format="csr"
        )

    def _tuned_threshold(self, X, y: np.ndarray) -> float:
        """The F1-best threshold on out-of-fold scores, shrunk towards the default."""
        folds = min(4, int(y.sum()), int((y == 0).sum()))
        if folds < 2:
            return self.default_threshold
        scores = np.zeros(len(y))
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(X, y):
            if len(set(y[train])) < 2:
                return self.default_threshold
            scores[test] = self._new_model().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
        best, best_f1 = self.default_threshold, -1.0
        for cut in np.linspace(0.2, 0.8, 25):
            predicted = scores >= cut
            tp = float((predicted & (y == 1)).sum())
            f1 = 2 * tp / (predicted.sum() + y.sum()) if tp else 0.0
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
        if self.models_:
            X = self._features(self.vectorizer_.transform([p.lemmas for p in passages]), passages)
            for j, model in self.models_.items():
                scores[:, j] = model.predict_proba(X)[:, 1]
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

    def status(self) -> list[dict]:
        """Per code: examples, whether it is learned, on rules or silenced, and its threshold."""
        check_is_fitted(self, "codes_")
        return [
            {
                "code": code,
                "positives": int(self.n_positive_[j]),
                "negatives": int(self.n_negative_[j]),
                "source": "silenced" if self.silenced_[j]
                else ("model" if j in self.models_ else "rules"),
                "threshold": round(float(self.thresholds_[j]), 3),
            }
            for j, code in enumerate(self.codes_)
        ]
