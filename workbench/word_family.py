"""Word families for lemma search: the lemmas of a project made from a query word.

A query word in lemma mode matches every lemma it may have, whatever its word class
(:func:`query_lemmas`: "zitten" finds "zat" and "gezeten"), and the lemmas of the project
made from it, checked against Dutch suffixes and known words (:func:`word_family`:
"schamen" finds "schaamte", "missen" not "misschien"). Used by :mod:`workbench.search`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import simplemma
from spacy.language import Language

from workbench.nlp import lemmatize_text

_VOWELS = set("aeiou")

# Word families in lemma mode, built from the project's own lemmas (the vocabulary of the
# search index), never from a bare prefix: "miss*" found "misschien" and "misselijk" for
# "missen", "leef*" found "leeftijd" for "leven". A lemma of the index belongs to a family
# when it is one of its roots, a root with a Dutch suffix or a compound that starts with a
# root, or a verb stem with a verb ending. The suffix lists are ours, from Dutch grammar.
#
# After a verb stem ("schaam" of "schamen", "verhuiz" of "verhuizen"): the nouns and
# adjectives made from a stem ("schaamte", "verhuizing", "levend"). The verb's own forms
# are found by their stored lemmas (:func:`query_lemmas`), not here: "win" + "d" is "wind".
# A verb stem never starts a compound here: "leef" + "tijd" is an age, not a way of living.
STEM_SUFFIXES = frozenset({"te", "end", "ende", "ing", "ingen"})
MIN_STEM_BEFORE_TE = 4  # "len" + "te" is "lente", not a kind of "lenen"
# After a whole word: derived nouns and adjectives, diminutives, plural and linking forms.
# Not a bare "s": "trouwen" + "s" is "trouwens".
WORD_SUFFIXES = frozenset(
    "heid heden te e en tje tjes je jes pje pjes etje etjes schap schappen loos loze "
    "ig ige lijk lijke elijk elijke isch ische baar bare".split()
)
# A person who does something ("mantelzorger"), only after a word of five letters or more:
# "moed" + "er" is "moeder".
PERSON_SUFFIXES = frozenset({"er", "ers", "ster", "sters"})
PERSON_MIN_ROOT = 5
# Sounds between the parts of a compound: "levensverhaal", "eenzaamheidsgevoel".
LINKERS = ("", "s", "e", "en")
MIN_STEM = 3  # a verb stem takes its suffixes from this length on: "won" + "ing"
# A word takes suffixes and starts compounds from four letters on: "kop" + "en" is "kopen",
# "man" + "tel" is "mantel". The second part of a compound has four letters or more:
# "blij" + "ven" is "blijven".
MIN_ROOT = 4
MIN_PART = 4
# Endings taken off a query word to find the word it was made from: for "heid" the rest is
# the word itself ("eenzaamheid" -> "eenzaam"); for "te" and "ing" it is a verb's stem
# ("schaamte" -> "schamen", "verhuizing" -> "verhuizen"), since "gemeente" is no kind of
# "gemeen"; for a person the rest must be five letters or more ("mantelzorger" ->
# "mantelzorg", but "water" is no kind of "wat").
DERIVED_FROM_WORD = ("heid", "heden")
DERIVED_FROM_VERB = ("te", "ingen", "ing")
DERIVED_PERSON = ("sters", "ster", "ers", "er")
_DOUBLED = {"aa", "ee", "oo", "uu"}


def fold(text: str) -> str:
    """Lower case without diacritics, as the index stores its terms ("ideeën" -> "ideeen")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_lemma(word: str) -> bool:
    return simplemma.is_known(word, lang="nl") and _lemma(word) == word


def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="nl").lower()


class Vocabulary:
    """The lemmas in a project's search index (FTS5 vocabulary), looked up by prefix.

    Each look-up is a range or point query on the index's term list, so its cost does not
    grow with the size of the project; a whole scan of the list would (half a second for
    500 interviews).
    """

    def __init__(self, db: Any) -> None:
        self.db = db

    def starting_with(self, prefix: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT term FROM segments_fts_vocab WHERE col = 'lemmas' "
                "AND term >= ? AND term < ?",
                [prefix, prefix + "\U0010ffff"],
            )
        ]

    def __contains__(self, term: str) -> bool:
        return self._holds("lemmas", term)

    def has_form(self, word: str) -> bool:
        """Whether the texts themselves hold this word form."""
        return self._holds("text", word)

    def _holds(self, column: str, term: str) -> bool:
        return bool(
            self.db.execute(
                "SELECT 1 FROM segments_fts_vocab WHERE col = ? AND term = ?", [column, term]
            ).fetchone()
        )


def query_lemmas(nlp: Language, word: str, vocabulary: Vocabulary | None = None) -> set[str]:
    """Every lemma a query word may have, whatever its word class.

    Out of context a lemmatiser has to guess: simplemma reads "zitten" as the plural of the
    noun "zit", while in a sentence "zitten" and "zat" are forms of the verb "zitten". So the
    word itself counts as a lemma, and so do the lemmas the pipeline and simplemma give it.
    Each of these, and each regular form of a verb among them (:func:`regular_forms`), that
    the project's texts hold as a word adds the lemma stored for it: "zitten" in a text was
    stored as "zit", "mist" as "misten", yet "hij mist haar" is a form of "missen". So
    "zitten", "zat" and "gezeten" all search for the same set. Without a ``vocabulary``
    each lemma's own lemma is added.
    """
    word = word.lower()
    found = {word, _lemma(word)}
    lemmas = lemmatize_text(nlp, word)
    if len(lemmas) == 1:  # not for "zo'n", which the pipeline reads as two words
        found.add(lemmas[0])
    if vocabulary is None:
        found |= {_lemma(w) for w in found}
    else:
        forms = found | {f for w in found for f in regular_forms(w)}
        found |= {_lemma(f) for f in forms if vocabulary.has_form(fold(f))}
    return {w for w in found if w.strip()}


def regular_forms(infinitive: str) -> set[str]:
    """The forms a regular Dutch verb would have: "missen" -> "mis", "mist", "miste",
    "misten", "gemist", "missend"; "leven" -> "leef", "leeft", "leefde", "leefden",
    "geleefd", "levend". Empty for a word that does not end in "-en". An irregular verb's
    own forms ("zat", "liep") are known to the lemmatiser; these catch what it misread."""
    base = infinitive[:-2]
    if not (len(base) > 2 and infinitive.endswith("en") and infinitive.isalpha()):
        return set()
    if base[-1] in _VOWELS:  # "alleen": no verb stem
        return set()
    if base[-1] == base[-2] and base[-1] not in _VOWELS:
        stems = {base[:-1]}  # "miss" -> "mis"
    elif base[-1] not in _VOWELS and base[-2] in _VOWELS and base[-3] not in _VOWELS:
        # an open syllable: "lev" -> "leev"; "wandel" may keep its short vowel
        syllables = len(re.findall("[aeiouy]+", base))
        stems = {base[:-1] + base[-2] + base[-1]} | ({base} if syllables > 1 else set())
    else:
        stems = {base}
    voiceless = base[-1] in "tkfsxp" or base.endswith("ch")  # 't kofschip: "miste", "leefde"
    # "gebeld", "verhuisd": both are tried, as "bellen" starts like "be-leven"
    prefixes = ("", "ge")
    forms = {infinitive + "d"}
    for stem in stems:
        stem = stem[:-1] + {"z": "s", "v": "f"}.get(stem[-1], stem[-1])  # "leev" -> "leef"
        ending = "t" if voiceless else "d"
        forms |= {stem, stem.removesuffix("t") + "t"}
        forms |= {ge + stem.removesuffix(ending) + ending for ge in prefixes}
        forms |= {stem + ("te" if voiceless else "de"), stem + ("ten" if voiceless else "den")}
    return forms


def _verb_of_stem(stem: str) -> str | None:
    """The known Dutch verb with this stem, if any: "schaam" -> "schamen", "verhuis" ->
    "verhuizen", "won" -> "wonen". The most regular spelling first, so "won" does not give
    "wonnen" (a form of "winnen")."""
    candidates = [stem + "en"]
    if stem[-3:-1] in _DOUBLED:  # "schaam" -> "schamen", "leeg" -> "legen"
        candidates.append(stem[:-2] + stem[-1] + "en")
    voiced = {"s": "z", "f": "v"}.get(stem[-1])
    if voiced:  # "verhuis" -> "verhuizen", "leef" -> "leven"
        candidates += [c[:-3] + voiced + "en" for c in candidates]
    candidates.append(stem + stem[-1] + "en")  # "zit" -> "zitten"
    return next((c for c in candidates if simplemma.is_known(c, lang="nl")), None)


def _derived_from(lemma: str, vocabulary: Vocabulary) -> set[str]:
    """The words ``lemma`` is made from: "eenzaamheid" -> "eenzaam", "schaamte" -> "schamen"."""
    roots: set[str] = set()
    for suffix in DERIVED_FROM_WORD:
        rest = lemma.removesuffix(suffix)
        if rest != lemma and len(rest) >= MIN_ROOT and _is_lemma(rest):
            roots.add(rest)
    for suffix in DERIVED_FROM_VERB:
        rest = lemma.removesuffix(suffix)
        if rest != lemma and len(rest) >= MIN_STEM:
            verb = _verb_of_stem(rest)
            if verb:
                roots |= {verb, _lemma(verb)}
            break
    for suffix in DERIVED_PERSON:
        rest = lemma.removesuffix(suffix)
        if rest != lemma and len(rest) >= PERSON_MIN_ROOT:
            if _is_lemma(rest) or rest in vocabulary:
                roots.add(rest)
            break
    return roots


def verb_stems(lemma: str) -> set[str]:
    """Stems of a Dutch verb, as its forms spell them: "schamen" -> "scham", "schaam";
    "verhuizen" -> "verhuiz", "verhuis"; "leven" -> "lev", "leev", "lef", "leef";
    "zitten" -> "zitt", "zit". Empty for a word that does not end in "-en"."""
    if not (lemma.endswith("en") and len(lemma) > 4):
        return set()
    stem = lemma[:-2]
    variants = {stem}
    if len(stem) >= 3 and stem[-1] not in _VOWELS and stem[-2] in _VOWELS:
        if stem[-3] not in _VOWELS:
            variants.add(stem[:-1] + stem[-2] + stem[-1])  # open syllable: "scham" -> "schaam"
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        variants.add(stem[:-1])  # "zitt" -> "zit", "miss" -> "mis"
    for variant in list(variants):
        devoiced = {"z": "s", "v": "f"}.get(variant[-1])
        if devoiced:
            variants.add(variant[:-1] + devoiced)
    return {v for v in variants if len(v) >= MIN_STEM}


def _is_part(word: str, vocabulary: Vocabulary) -> bool:
    return len(word) >= MIN_PART and (simplemma.is_known(word, lang="nl") or word in vocabulary)


def _after_root(rest: str, root: str, vocabulary: Vocabulary) -> bool:
    """Whether ``root + rest`` is a word of the root's family: a suffix, or a compound."""
    suffixes = WORD_SUFFIXES | (PERSON_SUFFIXES if len(root) >= PERSON_MIN_ROOT else set())
    if not rest or rest in suffixes:
        return True
    for suffix in ("", *suffixes):  # "eenzaam" + "heid" + "s" + "gevoel"
        if not rest.startswith(suffix):
            continue
        after = rest[len(suffix) :]
        for linker in LINKERS:
            if after.startswith(linker) and _is_part(after[len(linker) :], vocabulary):
                return True
    return False


def word_family(vocabulary: Vocabulary, lemmas: Iterable[str]) -> set[str]:
    """The lemmas in a project's search index (its ``vocabulary``) that belong to the family
    of ``lemmas``.

    The roots are the lemmas and the words they are made from ("schaamte" -> "schamen",
    "eenzaamheid" -> "eenzaam"); the family is each root, the root with a Dutch suffix
    ("eenzaamheid", "mantelzorger"), a compound that starts with it ("levensverhaal",
    "eenzaamheidsgevoel") and a verb stem with a noun or adjective suffix ("schaamte",
    "verhuizing", "levend").
    Every member is a lemma the project holds, checked morpheme by morpheme: "missen" does
    not bring "misschien", nor "leven" "leeftijd".
    """
    lemmas = {fold(w) for w in lemmas}
    roots = {w for w in lemmas if w.isalpha()}  # not "zo'n", "e-mail" or "2024"
    for lemma in list(roots):
        roots |= {fold(r) for r in _derived_from(lemma, vocabulary)}
    family = lemmas | roots
    for root in roots:
        if len(root) >= MIN_ROOT:
            family |= {
                t
                for t in vocabulary.starting_with(root)
                if _after_root(t[len(root) :], root, vocabulary)
            }
        for stem in verb_stems(root):
            for term in vocabulary.starting_with(stem):
                rest = term[len(stem) :]
                if rest in STEM_SUFFIXES and (rest != "te" or len(stem) >= MIN_STEM_BEFORE_TE):
                    family.add(term)
    return family
