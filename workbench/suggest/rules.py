"""Cold-start rules: lemma patterns per code, Dutch negation, similarity to the definition.

Before anyone has coded, the only knowledge is the codebook. Each code's ``indicators`` (and
short ``examples``) plus the headline lexicon (:mod:`workbench.suggest.lexicon`) become spaCy
``PhraseMatcher`` patterns on LEMMA (and on LOWER, for words the lemmatiser gets wrong), built
with the same pipeline as the data so "schaamde", "schaam" and "schaamte" meet. Dutch
compounds ("schaamtegevoel", "geldzorgen") are matched by their first or last part when the
rest is a word of its own ("natuurlijk" is no compound of "natuur", "onderscheiding" none of
"scheiding"). Ambiguous (weak) words never make a suggestion alone, however many of them
meet; some count as strong when the words around them give the theme's sense ("daarna
verloor ik mijn baan", "ik heb niet veel energie"), and states like "geen energie" count only
in a sentence that names a person (``lexicon.CONTEXT_RULES``, ``lexicon.PERSON_BOUND``). A negation
cue close to a match ("niet", "geen", "nooit") lowers its weight, unless the term needs the
negation to mean anything ("geen energie", "durfde niet"). A TF-IDF cosine between a segment
and the code's definition and examples adds a little where no indicator matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from workbench.nlp import lemmas as doc_lemmas
from workbench.nlp import pipe, token_lemma
from workbench.suggest import lexicon
from workbench.suggest.codes import CodeSpec
from workbench.word_family import is_word_part

CONTEXT_WINDOW = 4  # words between an ambiguous term and what gives it its sense
MIN_COMPOUND_PART = 5  # "geld" is too short to find inside a compound safely
MAX_EXAMPLE_WORDS = 6  # longer examples are used for similarity only
SHOW_SIMILARITY = 0.3  # similarity evidence is worked out for scores from here on
EVIDENCE_PASS_UP = 0.4  # a child passes its evidence to its parent from this score on


@dataclass(frozen=True)
class Term:
    """One pattern: which code, its text, its weight, and whether negation leaves it alone."""

    code: int
    text: str
    lemmas: tuple[str, ...]
    weight: float
    negation_proof: bool
    exact: bool = False  # match the word form only (lexicon entries written "=form")


@dataclass
class RuleResult:
    """Scores (passages x codes, in [0, 1]) and the evidence for each score."""

    scores: np.ndarray
    evidence: list[list[list[str]]]


def content_lemmas(doc: Doc) -> str:
    """The lemmas a classifier and the similarity look at: content words, space separated."""
    return " ".join(doc_lemmas(doc, content_only=True))


class RuleScorer(BaseEstimator):
    """Scores passages per code from indicator matches and similarity; no training data.

    ``fit(codes, nlp=nlp)`` compiles the patterns; ``transform(docs)`` returns a
    :class:`RuleResult`. A passage's evidence strength is the summed weight of the distinct
    terms found (negated ones count ``negation_factor`` of their weight) plus the similarity
    bonus; the score is ``strength / (strength + saturation)``, so one strong indicator gives
    about 0.6 and every further one adds less.
    """

    def __init__(
        self,
        *,
        use_lexicon: bool = True,
        indicator_weight: float = 0.7,
        phrase_weight: float = 0.9,
        strong_weight: float = 0.8,
        weak_weight: float = 0.3,
        topic_weight: float = 0.55,
        example_weight: float = 0.8,
        negation_window: int = 3,
        negation_factor: float = 0.25,
        similarity_weight: float = 2.0,
        similarity_floor: float = 0.08,
        saturation: float = 0.6,
        spread_weight: float = 0.35,
        weak_alone_cap: float | None = 0.45,
    ) -> None:
        self.use_lexicon = use_lexicon
        self.indicator_weight = indicator_weight
        self.phrase_weight = phrase_weight
        self.strong_weight = strong_weight
        self.weak_weight = weak_weight
        self.topic_weight = topic_weight
        self.example_weight = example_weight
        self.negation_window = negation_window
        self.negation_factor = negation_factor
        self.similarity_weight = similarity_weight
        self.similarity_floor = similarity_floor
        self.saturation = saturation
        self.spread_weight = spread_weight
        self.weak_alone_cap = weak_alone_cap

    # -- fitting -----------------------------------------------------------------------
    def fit(self, codes: Sequence[CodeSpec], y: object = None, *, nlp: Language) -> "RuleScorer":
        """Compile the patterns of ``codes`` with ``nlp`` (the pipeline the data goes through)."""
        codes = list(codes)
        if not codes:
            raise ValueError("codes must hold at least one CodeSpec. Got an empty list instead.")
        ids = [c.id for c in codes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"code ids must be unique. Got duplicates in {ids!r} instead.")
        self.codes_ = ids
        self.code_specs_ = codes
        index = {c: i for i, c in enumerate(ids)}
        self.parent_index_ = [index.get(c.parent) if c.parent else None for c in codes]
        # (code, text, weight, whether our lexicon vouches for it as written)
        raw: list[tuple[int, str, float, bool]] = []
        for i, code in enumerate(codes):
            raw += [
                (i, t, self.phrase_weight if len(t.split()) > 1 else self.indicator_weight, False)
                for t in code.indicators
            ]
            raw += [
                (i, e, self.example_weight, False)
                for e in code.examples
                if len(e.split()) <= MAX_EXAMPLE_WORDS
            ]
            if self.use_lexicon and code.id in lexicon.HEADLINE_TERMS:
                strong, weak = lexicon.HEADLINE_TERMS[code.id]
                raw += [(i, t, self.strong_weight, True) for t in strong]
                raw += [(i, t, self.weak_weight, True) for t in weak]
        topics = self._lemma_set(nlp, lexicon.TOPIC_WORDS)
        self.terms_ = self._compile(nlp, raw, self._weak_lemmas(nlp, codes), topics)
        self.terms_ = self._lift_children(self.terms_)
        # Codes the rules cannot find at all: no indicator words, no short examples, not in
        # our lexicon (a codebook from another tool: names and descriptions). Their cold
        # start is silent, and the app says so instead of leaving a researcher guessing.
        found = {t.code for t in self.terms_}
        self.wordless_ = [c.id for i, c in enumerate(codes) if i not in found]
        self.matcher_lemma_ = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.matcher_lower_ = PhraseMatcher(nlp.vocab, attr="LOWER")
        for k, term in enumerate(self.terms_):
            if not term.exact:
                self.matcher_lemma_.add(str(k), [self._docs[term.text]])
            self.matcher_lower_.add(str(k), [nlp.make_doc(term.text.lower())])
        del self._docs
        self.compound_parts_: dict[str, list[int]] = {}
        for k, term in enumerate(self.terms_):
            single = len(term.lemmas) == 1 and not term.exact
            if single and len(term.lemmas[0]) >= MIN_COMPOUND_PART:
                self.compound_parts_.setdefault(term.lemmas[0], []).append(k)
        self._compound_cache: dict[str, list[int]] = {}
        # Per term, once: the words that give it the theme's sense nearby (CONTEXT_RULES, for
        # the rule's code and its children), and whether it needs a person in the sentence.
        self.term_context_: dict[int, list[tuple[set[str], bool]]] = {}
        for code, words, near, person in lexicon.CONTEXT_RULES:
            if code not in index:
                continue
            lemmas, cues = self._lemma_set(nlp, words), _single_lemmas(self._lemma_set(nlp, near))
            for k, term in enumerate(self.terms_):
                if term.lemmas in lemmas and index[code] in [
                    term.code,
                    *self.ancestors(term.code),
                ]:
                    self.term_context_.setdefault(k, []).append((cues, person))
        # A topic word ("hond", "muziek") counts only in a sentence that says what it means
        # to someone (lexicon.MEANING_CUES); elsewhere it is weak.
        self.topic_terms_ = {k for k, t in enumerate(self.terms_) if t.lemmas in topics}
        self.meaning_cues_ = self._lemma_set(nlp, lexicon.MEANING_CUES)
        person_bound = self._lemma_set(nlp, lexicon.PERSON_BOUND)
        self.person_bound_ = {k for k, t in enumerate(self.terms_) if t.lemmas in person_bound}
        self.person_words_ = _single_lemmas(self._lemma_set(nlp, lexicon.PERSON_WORDS))
        profiles = [content_lemmas(d) for d in pipe(nlp, [c.profile_text for c in codes])]
        indicator_lemmas = [
            " ".join(t.lemmas[0].replace(" ", "_") for t in self.terms_ if t.code == i)
            for i in range(len(codes))
        ]
        documents = [f"{p} {q}" for p, q in zip(profiles, indicator_lemmas)]
        self.vectorizer_ = TfidfVectorizer(
            token_pattern=r"[^ ]+", sublinear_tf=True, lowercase=False
        ).fit(documents)
        self.profiles_ = self.vectorizer_.transform(documents)
        self.profiles_dense_ = self.profiles_.toarray()
        self.feature_names_ = self.vectorizer_.get_feature_names_out()
        return self

    def _weak_lemmas(self, nlp: Language, codes: Sequence[CodeSpec]) -> set[tuple[str, ...]]:
        """Lemma sequences that count as weak evidence whichever list names them.

        The general words, and every word a headline lexicon calls weak: a word known to be
        ambiguous ("ziekenhuis", "energie") stays weak when a codebook's indicator list
        names it too, for the headline code and its children alike.
        """
        if not self.use_lexicon:
            return set()
        words = list(lexicon.GENERAL_WORDS)
        words += [w for _, weak in lexicon.HEADLINE_TERMS.values() for w in weak]
        return {tuple(doc_lemmas(d)) for d in pipe(nlp, words)}

    def _lemma_set(self, nlp: Language, words: Sequence[str]) -> set[tuple[str, ...]]:
        if not self.use_lexicon:
            return set()
        return {tuple(doc_lemmas(d)) for d in pipe(nlp, words)}

    def _compile(
        self,
        nlp: Language,
        raw: list[tuple[int, str, float, bool]],
        weak: set[tuple[str, ...]],
        topics: set[tuple[str, ...]] = frozenset(),
    ) -> list[Term]:
        """Lemmatise every term once; keep the highest weight per (code, lemma sequence)."""
        texts = [t for _, t, _, _ in raw]
        best: dict[tuple[int, tuple[str, ...]], Term] = {}
        self._docs: dict[str, Doc] = {}  # each term's doc, reused for its pattern
        proof = set(lexicon.NEGATION_PROOF) | set(lexicon.NEGATION_CUES)
        for (code, text, weight, vouched), doc in zip(raw, pipe(nlp, texts)):
            self._docs.setdefault(text, doc)
            exact = text.startswith("=")
            lems = (
                tuple(t.lower_ for t in doc if t.text != "=") if exact else tuple(doc_lemmas(doc))
            )
            if not lems:
                continue
            if lems in weak or (not vouched and _function_words_only(doc)):
                weight = min(weight, self.weak_weight)  # "alleen", "op elkaar": ambiguous alone
            elif lems in topics:
                weight = min(weight, self.topic_weight)  # "hond", "koor": needs company
            key = (code, lems)
            term = Term(code, text.lstrip("="), lems, weight, bool(proof & set(lems)), exact)
            if key not in best or best[key].weight < weight:
                best[key] = term
        return list(best.values())

    def _lift_children(self, terms: list[Term]) -> list[Term]:
        """A child's indicator that its headline parent's lexicon calls strong is strong."""
        strong: dict[int, set[tuple[str, ...]]] = {}
        for t in terms:
            if t.weight >= self.strong_weight:
                strong.setdefault(t.code, set()).add(t.lemmas)
        out = []
        for t in terms:
            parent = self.parent_index_[t.code]
            if (
                parent is not None
                and t.lemmas in strong.get(parent, set())
                and (t.weight < self.strong_weight)
            ):
                t = Term(t.code, t.text, t.lemmas, self.strong_weight, t.negation_proof, t.exact)
            out.append(t)
        return out

    # -- scoring -----------------------------------------------------------------------
    def transform(
        self, docs: Iterable[Doc], lemma_texts: Sequence[str] | None = None
    ) -> RuleResult:
        """Scores and evidence for each doc; ``lemma_texts`` (content lemmas) saves recomputing."""
        check_is_fitted(self, "terms_")
        docs = list(docs)
        if lemma_texts is None:
            lemma_texts = [content_lemmas(d) for d in docs]
        n, k = len(docs), len(self.codes_)
        strength = np.zeros((n, k))
        # Where a code was found by weak words only ("thuis", "avond", "alleen"): ambiguous
        # words never make a suggestion alone, however many of them meet in one sentence.
        weak_only = np.zeros((n, k), dtype=bool)
        evidence: list[list[list[str]]] = [[[] for _ in range(k)] for _ in range(n)]
        for row, doc in enumerate(docs):
            per_sentence: dict[tuple[int, int], float] = {}
            strong: set[int] = set()
            matches = self._matches(doc)
            strong_in = {(c, s) for c, w, _, s in matches if w > self.weak_weight}
            for code, weight, surface, sentence in matches:
                if weight <= self.weak_weight and self._parent_strong(code, sentence, strong_in):
                    weight = self.indicator_weight
                per_sentence[code, sentence] = per_sentence.get((code, sentence), 0.0) + weight
                if weight > self.weak_weight:
                    strong.add(code)
                if surface not in evidence[row][code]:
                    evidence[row][code].append(surface)
            # A passage is as strong as its strongest sentence; other sentences add a little,
            # so weak words scattered over a long passage do not add up to a suggestion.
            for (code, _), value in per_sentence.items():
                strength[row, code] = max(strength[row, code], value)
            for (code, _), value in per_sentence.items():
                strength[row, code] += self.spread_weight * value
            for code in {c for c, _ in per_sentence}:
                strength[row, code] -= self.spread_weight * max(
                    v for (c, _), v in per_sentence.items() if c == code
                )
                weak_only[row, code] = code not in strong
        if n:
            vectors = self.vectorizer_.transform(lemma_texts)
            sims = (vectors @ self.profiles_.T).toarray()
            bonus = self.similarity_weight * np.clip(sims - self.similarity_floor, 0, None)
            # One shared word is an indicator's job; similarity counts from two shared lemmas.
            shared = (vectors > 0).astype(np.int32) @ (self.profiles_ > 0).astype(np.int32).T
            bonus[shared.toarray() < 2] = 0.0
            strength += bonus
            # Evidence for a score that came from similarity alone: the shared lemmas (only
            # where the score could matter, computing it for every pair costs more than all
            # the rest).
            worth = bonus * (strength >= self.saturation * SHOW_SIMILARITY / (1 - SHOW_SIMILARITY))
            surface: dict[int, dict[str, str]] = {}
            for row, code in zip(*np.nonzero(worth)):
                if not evidence[row][code]:
                    if row not in surface:  # show the words as written, not their lemmas
                        surface[row] = {}
                        for token in docs[row]:
                            surface[row].setdefault(token_lemma(token), token.lower_)
                    evidence[row][code] = [
                        surface[row].get(lemma, lemma)
                        for lemma in self._shared_lemmas(vectors, row, code)
                    ]
        scores = strength / (strength + self.saturation)
        if self.weak_alone_cap is not None:
            scores[weak_only] = np.minimum(scores[weak_only], self.weak_alone_cap)
        scores, evidence = self._propagate(scores, evidence)
        return RuleResult(np.clip(scores, 0.0, 1.0), evidence)

    def _parent_strong(self, code: int, sentence: int, strong_in: set[tuple[int, int]]) -> bool:
        """Whether an ancestor of ``code`` has strong evidence in ``sentence``.

        An ambiguous word says which kind once the sentence is known to be about the
        parent: "verhuizen" alone is no loss, but in "mijn man is overleden en daarna moest
        ik verhuizen" it names the kind of loss (verlies-woning).
        """
        return any((parent, sentence) in strong_in for parent in self.ancestors(code))

    def ancestors(self, code: int) -> list[int]:
        """The parents of ``code`` up to its headline code, nearest first.

        A cycle in a broken codebook ends the walk instead of looping.
        """
        found: list[int] = []
        parent = self.parent_index_[code]
        while parent is not None and parent != code and parent not in found:
            found.append(parent)
            parent = self.parent_index_[parent]
        return found

    def _matches(self, doc: Doc) -> list[tuple[int, float, str, int]]:
        """(code, weight, surface text, sentence start) for the distinct terms in ``doc``."""
        spans: dict[int, tuple[int, int]] = {}
        for matcher in (self.matcher_lemma_, self.matcher_lower_):
            for key, start, end in matcher(doc):
                k = int(doc.vocab.strings[key])
                if k not in spans or (end - start) > spans[k][1] - spans[k][0]:
                    spans[k] = (start, end)
        # A word that is a term itself ("energierekening") means only that: its parts
        # ("energie") are looked for in words no term names.
        whole = {i for start, end in spans.values() for i in range(start, end)}
        for i, token in enumerate(doc):
            lemma = token.lemma_ or token.lower_
            if len(lemma) < MIN_COMPOUND_PART + 3 or i in whole:
                continue
            for k in self._compound_terms(lemma):
                spans.setdefault(k, (i, i + 1))
        # Per code, a longer match covers the shorter ones inside it ("geen energie" > "energie").
        # Longest first; on equal length the heavier term wins ("=schulden" over "schuld").
        by_length = sorted(
            spans.items(),
            key=lambda kv: (kv[1][0] - kv[1][1], -self.terms_[kv[0]].weight),
        )
        covered: dict[int, set[int]] = {}
        found: list[tuple[int, float, str, int]] = []
        seen: set[tuple[int, str]] = set()
        for term_index, (start, end) in by_length:
            term = self.terms_[term_index]
            cover = covered.setdefault(term.code, set())
            positions = set(range(start, end))
            if positions <= cover:
                continue
            cover |= positions
            weight = term.weight
            if self._context_supports(term_index, doc, start, end):
                weight = max(weight, self.strong_weight)
            elif term_index in self.person_bound_ and not self._names_a_person(doc, start):
                weight = min(weight, self.weak_weight)
            elif term_index in self.topic_terms_ and not self._says_meaning(doc, start, end):
                weight = min(weight, self.weak_weight)
            if not term.negation_proof and self._negated(doc, start, end):
                weight *= self.negation_factor
            surface = doc[start:end].text.lower()
            if (term.code, " ".join(term.lemmas)) in seen:
                continue
            seen.add((term.code, " ".join(term.lemmas)))
            sentence = _sentence(doc, start).start
            found.append((term.code, weight, surface, sentence))
        return found

    def _context_supports(self, term_index: int, doc: Doc, start: int, end: int) -> bool:
        """Whether the words near an ambiguous term give it the theme's sense.

        "Verliezen" alone is as often a game or the way as a wife; "daarna verloor ik mijn
        baan" says what was lost. "Energie" is a person's only with a lack near it ("ik heb
        niet veel energie"). See ``lexicon.CONTEXT_RULES``: within ``CONTEXT_WINDOW`` words
        in the same sentence.
        """
        rules = self.term_context_.get(term_index)
        if not rules:
            return False
        sentence = _sentence(doc, start)
        lo = max(sentence.start, start - CONTEXT_WINDOW)
        hi = min(sentence.end, end + CONTEXT_WINDOW)
        nearby = {token_lemma(t) for t in doc[lo:hi] if not start <= t.i < end}
        return any(
            nearby & cues and (not person or self._names_a_person(doc, start))
            for cues, person in rules
        )

    def _says_meaning(self, doc: Doc, start: int, end: int) -> bool:
        """Whether the sentence around a topic word says what it means to someone."""
        lemmas = [token_lemma(t) for t in _sentence(doc, start) if not start <= t.i < end]
        return any(
            tuple(lemmas[i : i + len(cue)]) == cue
            for cue in self.meaning_cues_
            for i in range(len(lemmas) - len(cue) + 1)
        )

    def _names_a_person(self, doc: Doc, start: int) -> bool:
        """Whether the sentence around ``start`` names a person ("ik", "haar", "we").

        Exhaustion is a person's state: "geen energie" counts in "ik heb geen energie
        meer", not in "de batterij had geen energie meer".
        """
        return any(token_lemma(t) in self.person_words_ for t in _sentence(doc, start))

    def _shared_lemmas(self, vectors, row: int, code: int, top: int = 3) -> list[str]:
        """The lemmas a passage shares with a code's profile, most weighty first."""
        lo, hi = vectors.indptr[row], vectors.indptr[row + 1]
        columns = vectors.indices[lo:hi]
        weights = vectors.data[lo:hi] * self.profiles_dense_[code, columns]
        order = [i for i in np.argsort(-weights)[:top] if weights[i] > 0]
        return [str(self.feature_names_[columns[i]]).replace("_", " ") for i in order]

    def _compound_terms(self, lemma: str) -> list[int]:
        """Terms that are the first or last part of a compound lemma ("schaamtegevoel")."""
        cached = self._compound_cache.get(lemma)
        if cached is not None:
            return cached
        hits: list[int] = []
        parts = self.compound_parts_
        for cut in range(MIN_COMPOUND_PART, len(lemma) - 2):
            head, tail = lemma[:cut], lemma[len(lemma) - cut :]
            if head in parts and is_word_part(lemma[cut:], after=True):
                hits += parts[head]
            if (
                tail in parts
                and len(lemma) - cut >= 3
                and is_word_part(lemma[: len(lemma) - cut], after=False)
            ):
                hits += parts[tail]
        if len(self._compound_cache) < 100_000:
            self._compound_cache[lemma] = hits
        return hits

    def _negated(self, doc: Doc, start: int, end: int) -> bool:
        """A negation cue within the window before or after the match, in the same clause."""
        cues, breaks = lexicon.NEGATION_CUES, lexicon.CLAUSE_BREAKS
        sent = _sentence(doc, start)
        for i in range(start - 1, max(sent.start, start - self.negation_window) - 1, -1):
            low = doc[i].lower_
            if low in cues:
                return True
            if low in breaks or doc[i].is_punct:
                break
        for i in range(end, min(sent.end, end + self.negation_window)):
            low = doc[i].lower_
            if low in cues:
                return True
            if low in breaks or doc[i].is_punct:
                break
        return False

    def _propagate(
        self, scores: np.ndarray, evidence: list[list[list[str]]]
    ) -> tuple[np.ndarray, list[list[list[str]]]]:
        """A child's score (and evidence) counts for its parent too: parents and children both."""
        order = self._depth_order()
        for child in order:
            parent = self.parent_index_[child]
            if parent is None:
                continue
            higher = scores[:, child] > scores[:, parent]
            scores[higher, parent] = scores[higher, child]
            for row in np.nonzero(scores[:, child] >= EVIDENCE_PASS_UP)[0]:
                for item in evidence[row][child]:
                    if item not in evidence[row][parent]:
                        evidence[row][parent].append(item)
        return scores, evidence

    def _depth_order(self) -> list[int]:
        """Codes deepest first, so grandchildren reach grandparents."""

        def depth(i: int) -> int:
            d, seen = 0, set()
            while self.parent_index_[i] is not None and i not in seen:
                seen.add(i)
                i = self.parent_index_[i]
                d += 1
            return d

        return sorted(range(len(self.codes_)), key=depth, reverse=True)


def _sentence(doc: Doc, i: int) -> Span:
    """The sentence of token ``i``, or the whole doc when it has no sentence boundaries."""
    return doc[i].sent if doc.has_annotation("SENT_START") else doc[:]


def _function_words_only(doc: Doc) -> bool:
    """Whether a codebook's indicator is made of words that say nothing alone ("alleen",
    "op elkaar", "er niet meer"): everyday Dutch, weak evidence wherever it stands."""
    return all(t.is_stop or t.lower_ in lexicon.FUNCTION_WORDS for t in doc)


def _single_lemmas(sequences: set[tuple[str, ...]]) -> set[str]:
    """The one-word entries of a set of lemma sequences."""
    return {lems[0] for lems in sequences if len(lems) == 1}
