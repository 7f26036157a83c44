"""The one place that loads Dutch NLP; everything else asks this module for docs and lemmas.

``nl_core_news_sm`` (tagger, lemmatizer, parser, NER) is used when installed. It cannot be
installed on machines that only reach PyPI (it is published on spaCy's release page), so the
offline default is ``spacy.blank("nl")`` + ``sentencizer`` + a lemmatizer component calling
``simplemma``: 0.941 lemma accuracy on UD Dutch LassySmall against 0.860 for spaCy's lookup
tables (measurements in ../shared/reference/dutch_nlp.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import re

import simplemma
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

FULL_PIPELINE = "nl_core_news_sm"

# spaCy's Dutch tokenizer knows ~500 abbreviations ending in a dot, most from legal writing.
# These are also everyday words that often end a spoken sentence ("ik schaamde me.", "dat is
# best.", "bent u."); as abbreviations they glue two sentences together. Chosen by scanning
# our demo transcripts and evaluation passages for sentence-final words on that list.
EVERYDAY_WORDS_NOT_ABBREVIATIONS = frozenset(
    {
        "al",
        "app",
        "bel",
        "best",
        "dat",
        "gem",
        "hand",
        "int",
        "max",
        "me",
        "min",
        "pas",
        "red",
        "u",
        "ver",
        "vol",
    }
)
# Dutch abbreviations spaCy's tokenizer does not know, so the sentencizer ended a sentence at
# their dot ("Ik sprak mw. Jansen.", "Op 3 jan. kwam ze.", "Dat kost ong. 5 euro."). The one
# place to extend when a transcript shows another. Lower case only where the capitalised
# form is also a word that may end a sentence ("Ik belde Jan."). A month can end a sentence
# ("Het was in jan. Daarna ..."): a capitalised word after it starts a new one. After a
# title comes a name, after the others ("incl. BTW") anything: no split there.
TITLE_ABBREVIATIONS = frozenset({"mw.", "Mw.", "mevr.", "Mevr.", "dhr.", "Dhr."})
MONTH_ABBREVIATIONS = frozenset(
    "jan. feb. mrt. apr. jun. jul. aug. sep. sept. okt. nov. dec.".split()
)
OTHER_ABBREVIATIONS = frozenset("ong. ca. incl. excl. mln. mld.".split())
FALLBACK_PIPELINE = "blank-nl+simplemma"


@Language.factory("simplemma_lemmatizer", default_config={"lang": "nl"})
def make_simplemma_lemmatizer(nlp: Language, name: str, lang: str) -> "SimplemmaLemmatizer":
    return SimplemmaLemmatizer(lang)


class SimplemmaLemmatizer:
    """A spaCy component that sets ``token.lemma_`` with simplemma (dictionary + rules).

    Lemmas are cached per lower-cased word form: transcripts repeat the same words a lot,
    and this keeps lemmatisation well above the tokenizer's own speed.
    """

    def __init__(self, lang: str = "nl") -> None:
        self.lang = lang
        self._cache: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self._cache
        for token in doc:
            if token.is_punct or token.is_space:
                token.lemma_ = token.text
                continue
            lower = token.lower_
            lemma = cache.get(lower)
            if lemma is None:
                lemma = simplemma.lemmatize(lower, lang=self.lang).lower()
                if len(cache) < 200_000:
                    cache[lower] = lemma
            token.lemma_ = lemma
        return doc


@Language.component("abbreviation_sentence_ends")
def abbreviation_sentence_ends(doc: Doc) -> Doc:
    """After a month abbreviation (``MONTH_ABBREVIATIONS``), a capital starts a sentence.

    The abbreviation is one token, so the sentencizer no longer splits at its dot; a
    sentence that ends on it ("Het was in jan. Daarna ...") is split here instead.
    """
    for token in doc[:-1]:
        if token.text in MONTH_ABBREVIATIONS and doc[token.i + 1].is_title:
            doc[token.i + 1].is_sent_start = True
    return doc


_OPENING = {"(": ")", "[": "]"}
_TIMESTAMP = re.compile(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?$")


@Language.component("bracket_sentence_starts")
def bracket_sentence_starts(doc: Doc) -> Doc:
    """A sentence never starts inside brackets; a timestamp in brackets that closes a turn
    belongs to the sentence before it.

    The sentencizer keeps an opening bracket after "?" with the sentence before and starts
    the next one inside it: "Woont u in Rotterdam? (" | "00:00:10)", "Ja. [" | "00:01:02]
    En toen ...". Each such split made a unit of half a bracket, in agreement counts and
    in the suggestion queue.
    """
    for token in doc[1:]:
        before = doc[token.i - 1]
        if _space_before_bracket(doc, token):
            # "beginnen?\u00a0[00:00:12]": a non-breaking space is a token of its own, and
            # the sentence started at it, before the bracket; decide as for a plain space.
            if _closing_stamp(doc, token.i + 1):
                token.is_sent_start = False
            continue
        if token.is_sent_start and before.text in _OPENING:
            token.is_sent_start = False
            if _closing_stamp(doc, before.i):
                continue  # "(00:00:10)" at the end: stays with the sentence before
            before.is_sent_start = True
    return doc


# Characters that end a sentence for the sentencizer; a mark holding one is no opening mark.
_SENTENCE_END_CHARS = re.compile(r"[.!?\u2026]")


@Language.component("marker_sentence_starts")
def marker_sentence_starts(doc: Doc) -> Doc:
    """Marks that open a word after a sentence end belong to the next sentence.

    The sentencizer gives every punctuation token after a full stop to the sentence before,
    so a marker that opens a word was cut in half: "Ja. *" | "zucht* Het was ...", "tijd. _" |
    "Zo_ ging dat.", 'Ja. "' | 'Nee" zei ze.', "Ja. '" | "k Weet het niet." An opening mark
    stands after white space and against the word it opens; those marks (emphasis, quotes,
    an annotation in braces) now start the sentence. A closing mark is written against the
    full stop ("*Ja.* Nee."), so it stays with its sentence. Brackets take the same way
    through ``bracket_sentence_starts``, which runs first.
    """
    for token in doc[1:]:
        if not token.is_sent_start:
            continue
        first = token.i
        while first > 0 and _opening_mark(doc[first - 1]):
            first -= 1
        if first < token.i and first > 0 and doc[first - 1].whitespace_:
            token.is_sent_start = False
            doc[first].is_sent_start = True
    return doc


def _opening_mark(token: Token) -> bool:
    """Whether ``token`` is punctuation written against the word after it, ending nothing."""
    return (
        bool(token.is_punct)
        and not token.whitespace_
        and not _SENTENCE_END_CHARS.search(token.text)
    )


def _space_before_bracket(doc: Doc, token: Token) -> bool:
    """Whether a sentence starts at a white-space token (not a plain space) before a bracket."""
    following = token.i + 1
    return (
        bool(token.is_sent_start)
        and token.is_space
        and following < len(doc)
        and doc[following].text in _OPENING
    )


def _closing_stamp(doc: Doc, opening: int) -> bool:
    """Whether the bracket at ``opening`` holds only a timestamp and closes the text."""
    close = _closing(doc, opening)
    ends_turn = close is not None and close == len(doc) - 1
    return ends_turn and all(_TIMESTAMP.match(t.text) for t in doc[opening + 1 : close])


def _closing(doc: Doc, opening: int) -> int | None:
    """The index of the bracket that closes the one at ``opening`` (None if it stays open)."""
    wanted = _OPENING[doc[opening].text]
    for token in doc[opening + 1 :]:
        if token.text == wanted:
            return token.i
    return None


def _add_abbreviations(nlp: Language) -> None:
    """Keep everyday words out of the tokenizer's abbreviations and add the Dutch ones above.

    Both lists change where a sentence ends; see their comments.
    """
    nlp.tokenizer.rules = {
        text: tokens
        for text, tokens in nlp.tokenizer.rules.items()
        if not (text.endswith(".") and text[:-1].lower() in EVERYDAY_WORDS_NOT_ABBREVIATIONS)
    }
    for text in TITLE_ABBREVIATIONS | MONTH_ABBREVIATIONS | OTHER_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(text, [{"ORTH": text}])
    # The fallback ends sentences with the sentencizer; nl_core_news_sm with its parser,
    # which keeps boundaries set before it.
    if "sentencizer" in nlp.pipe_names:
        nlp.add_pipe("abbreviation_sentence_ends", after="sentencizer")
        nlp.add_pipe("bracket_sentence_starts", after="abbreviation_sentence_ends")
        nlp.add_pipe("marker_sentence_starts", after="bracket_sentence_starts")
    elif "parser" in nlp.pipe_names:  # the parser's own boundaries are left as they are
        nlp.add_pipe("abbreviation_sentence_ends", before="parser")


def full_pipeline_installed() -> bool:
    """Whether ``nl_core_news_sm`` can be loaded here."""
    return spacy.util.is_package(FULL_PIPELINE)


@lru_cache(maxsize=2)
def load_pipeline(prefer_full: bool = True) -> Language:
    """The Dutch pipeline: ``nl_core_news_sm`` when installed (and preferred), else the fallback.

    Cached because loading costs seconds and the pipeline holds no per-project state;
    the Streamlit app wraps it in ``st.cache_resource`` as well.
    """
    if prefer_full and full_pipeline_installed():
        nlp = spacy.load(FULL_PIPELINE)
        # Segmentation runs with the parser off (see ``pipe``); a sentencizer in front gives
        # the same sentence boundaries as the fallback, and the parser keeps them when on.
        nlp.add_pipe("sentencizer", first=True)
    else:
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("simplemma_lemmatizer")
        nlp.meta["name"] = FALLBACK_PIPELINE
    _add_abbreviations(nlp)
    return nlp


def is_dutch_word(word: str) -> bool:
    """Whether ``word`` (lower case) is a Dutch word form simplemma's dictionary knows.

    The PDF reader asks this to tell a word hyphenated at a line end ("financi-" "eel")
    from a compound Dutch writes with a hyphen ("zee-egel"); the dictionary is the one the
    lemmatizer uses, so no second word list has to be kept.
    """
    return bool(word) and simplemma.is_known(word, lang="nl")


def pipeline_info(nlp: Language) -> dict[str, Any]:
    """What a user should know about the active pipeline (shown in app and CLI)."""
    full = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}" == FULL_PIPELINE
    return {
        "name": FULL_PIPELINE if full else FALLBACK_PIPELINE,
        "version": nlp.meta.get("version", spacy.__version__),
        "components": list(nlp.pipe_names),
        "has_ner": "ner" in nlp.pipe_names,
        "has_pos": "tagger" in nlp.pipe_names or "morphologizer" in nlp.pipe_names,
    }


def pipe(nlp: Language, texts: Iterable[str], batch_size: int = 256) -> Iterator[Doc]:
    """Docs for ``texts`` with only what segmentation and lemmas need (NER and parser off).

    With the full pipeline, the parser is disabled for speed and sentence boundaries come
    from the sentencizer ``load_pipeline`` puts in front, so both pipelines split sentences
    the same way.
    """
    disable = [name for name in ("ner", "parser") if name in nlp.pipe_names]
    if "parser" in disable and "sentencizer" not in nlp.pipe_names:
        raise ValueError(
            "pipe() runs without the parser and needs a 'sentencizer' for "
            "sentence boundaries; load the pipeline with load_pipeline()."
        )
    with nlp.select_pipes(disable=disable):
        yield from nlp.pipe(texts, batch_size=batch_size)


def token_lemma(token: Any) -> str:
    """A token's lower-case lemma, or its lower-case form where the lemmatiser gave none."""
    return (token.lemma_ or token.lower_).lower()


def lemmas(doc: Doc | Any, content_only: bool = False) -> list[str]:
    """Lower-case lemmas of the word tokens of ``doc`` (or of a span).

    ``content_only`` drops stop words and, when POS tags exist, everything but nouns, verbs,
    adjectives, adverbs and proper nouns.
    """
    keep_pos = {"NOUN", "VERB", "ADJ", "ADV", "PROPN"}
    out = []
    for token in doc:
        if token.is_punct or token.is_space or not token.text.strip():
            continue
        if content_only and (token.is_stop or (token.pos_ and token.pos_ not in keep_pos)):
            continue
        out.append(token_lemma(token))
    return out


def lemmatize_text(nlp: Language, text: str) -> list[str]:
    """Lemmas of a short text (a query, an indicator phrase) with the same pipeline as the data."""
    return lemmas(next(pipe(nlp, [text])))
