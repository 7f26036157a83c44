"""Word families for lemma search: the lemmas of a project made from a query word.

A query word in lemma mode matches every lemma it may have, whatever its word class
(:func:`query_lemmas`: "zitten" finds "zat" and "gezeten"), and the lemmas of the project
made from it, checked against Dutch suffixes and known words (:func:`word_family`:
"schamen" finds "schaamte", "missen" not "misschien"). Used by :mod:`workbench.search`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import simplemma
from spacy.lang.nl.stop_words import STOP_WORDS
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
# After a whole word: endings that keep the word's sense. A state ("eenzaamheid"), a small
# one ("huisje"), a plural or linking form, an adjective of the thing ("angstig"), and the
# thing missing or in full ("werkloos", "hoopvol", :data:`LACK_OR_FULL_SUFFIXES`). Not a bare
# "s": "trouwen" + "s" is "trouwens". Not "-lijk": it mostly makes a word of its own
# ("werkelijk" is real, "natuurlijk" of course, "eigenlijk" actually); measured on the
# demo in docs/search.md.
LACK_OR_FULL_SUFFIXES = ("loos", "loze", "lozen", "vol", "volle")
WORD_SUFFIXES = frozenset(
    "heid heden te e en tje tjes je jes pje pjes etje etjes schap schappen ig ige isch ische "
    "baar bare".split()
) | frozenset(LACK_OR_FULL_SUFFIXES)
# "-loos" and "-vol" say the thing is missing or there in full, and so the theme
# ("werkloos", "de daklozen", "hoopvol"). They count after a word of three letters too
# ("dakloos", "zinvol": "dak" takes no other suffix), after the word as spelt before an "e"
# ("hoop" -> "hopeloos", "nut" -> "nutteloos") and after a verb's stem ("hopen" ->
# "hopeloos", "hoopvol"; "slapen" -> "slapeloos", :func:`_lacking_or_full`).
MIN_ROOT_BEFORE_LOOS = 3
# A person who does something ("mantelzorger"), only after a word of five letters or more:
# "moed" + "er" is "moeder"; after four, only a pair the lemmatiser files each under the
# other ("werker" and "werkster", :func:`_person_pair`).
PERSON_SUFFIXES = frozenset({"er", "ers", "ster", "sters"})
PERSON_MIN_ROOT = 5
# Sounds between the parts of a compound: "levensverhaal", "eenzaamheidsgevoel". Also
# "er" after a word whose plural ends in "-eren" ("kinderwagen", :func:`_linkers`).
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

# Also used by the suggestion rules (workbench.suggest.rules), through is_word_part.
# Endings that make a new word out of a stem rather than join two words: a word is no
# compound of a theme word when what is left is one of these ("natuurlijk" is not about
# nature, "overlevenden" not about surviving, "eenzaamheid" is matched as a lemma anyway).
DERIVATION_SUFFIXES = frozenset(
    {
        "lijk",
        "lijke",
        "lijker",
        "lijks",
        "heid",
        "heden",
        "ig",
        "ige",
        "iger",
        "isch",
        "ische",
        "baar",
        "bare",
        "loos",
        "loze",
        "achtig",
        "achtige",
        "schap",
        "dom",
        "ing",
        "ingen",
        "en",
        "ende",
        "enden",
        "den",
        "de",
        "der",
        "ders",
        "te",
        "ten",
        "er",
        "ers",
        "es",
        "tje",
        "tjes",
        "je",
        "jes",
        "st",
        "ste",
        "sel",
        "ling",
        "lingen",
        "aar",
        "aars",
        "ist",
        "isten",
        "iteit",
        "erij",
        "elijk",
        "elijke",
        "ster",
        "e",
        "s",
        "t",
        "d",
        "n",
        "ie",
        "ies",
    }
)
# Prepositions and particles that make a new word when put before a stem rather than join
# two words: "onderscheiding" is a distinction, not a divorce ("scheiding"); "uitdagen",
# "voorkomen" and "aanvaarden" are words of their own. A theme word is not matched inside a
# word that starts with one of these. ("weg", "mee", "terug" and "samen" keep the meaning:
# "wegsterven" is still dying.)
DERIVATION_PREFIXES = frozenset(
    {
        "onder",
        "over",
        "door",
        "voor",
        "achter",
        "tegen",
        "uit",
        "aan",
        "toe",
        "ont",
        "ver",
        "her",
        "mis",
    }
)


def fold(text: str) -> str:
    """Lower case without diacritics, as the index stores its terms ("ideeën" -> "ideeen")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_lemma(word: str) -> bool:
    return simplemma.is_known(word, lang="nl") and _lemma(word) == word


def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="nl").lower()


# Per project file: the index's structure record and its lemmas spelt backwards
# (:meth:`Vocabulary.ending_with`). A few files at a time: the app holds one, tests many.
_REVERSED_LEMMAS: dict[str, tuple[bytes, list[str]]] = {}
_REVERSED_LEMMAS_KEPT = 8


class Vocabulary:
    """The lemmas in a project's search index (FTS5 vocabulary), looked up by prefix.

    Each look-up is a range or point query on the index's term list, so its cost does not
    grow with the size of the project; a whole scan of the list would (half a second for
    500 interviews).
    """

    def __init__(self, db: Any) -> None:
        self.db = db
        self._documents: dict[str, int] = {}  # one search asks some words many times

    def starting_with(self, prefix: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT term FROM segments_fts_vocab WHERE col = 'lemmas' "
                "AND term >= ? AND term < ?",
                [prefix, prefix + "\U0010ffff"],
            )
        ]

    def ending_with(self, suffix: str) -> list[str]:
        """The lemmas that end in ``suffix`` ("zorg" -> "mantelzorg", "thuiszorg")."""
        reversed_terms = self._reversed_lemmas()
        key = suffix[::-1]
        found = []
        for term in reversed_terms[bisect.bisect_left(reversed_terms, key) :]:
            if not term.startswith(key):
                break
            found.append(term[::-1])
        return found

    def _reversed_lemmas(self) -> list[str]:
        """Every lemma of the index spelt backwards, sorted: a suffix is then a range.

        The index keeps its terms in order from the front only, and reading all of them
        takes a scan of the whole index (250 ms for 1,000 interviews), so the list is kept
        per project file until the index changes. Every change to an FTS5 index rewrites its
        structure record (row 10 of ``segments_fts_data``, which leads with a counter), so
        that record says whether the list is still the index's.
        """
        files = [r[2] for r in self.db.execute("PRAGMA database_list") if r[1] == "main"]
        row = self.db.execute("SELECT block FROM segments_fts_data WHERE id = 10").fetchone()
        key = (files[0] if files else "", bytes(row[0]) if row else b"")
        cached = _REVERSED_LEMMAS.get(key[0])
        if key[0] and cached is not None and cached[0] == key[1]:
            return cached[1]
        terms = sorted(
            r[0][::-1]
            for r in self.db.execute("SELECT term FROM segments_fts_vocab WHERE col = 'lemmas'")
        )
        if key[0]:  # not for a database in memory, which has no name to keep it under
            if len(_REVERSED_LEMMAS) >= _REVERSED_LEMMAS_KEPT:
                _REVERSED_LEMMAS.pop(next(iter(_REVERSED_LEMMAS)))
            _REVERSED_LEMMAS[key[0]] = (key[1], terms)
        return terms

    def __contains__(self, term: str) -> bool:
        return self._holds("lemmas", term)

    def documents(self, word: str) -> int:
        """In how many segments the texts hold this word form. Counting reads the word's
        whole entry in the index (milliseconds for a common word in 1,000 interviews), so
        each word is counted once per vocabulary, which lives for one search."""
        if word not in self._documents:
            row = self.db.execute(
                "SELECT doc FROM segments_fts_vocab WHERE col = 'text' AND term = ?", [word]
            ).fetchone()
            self._documents[word] = row[0] if row else 0
        return self._documents[word]

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

    A past form of a strong verb that the lemmatiser files under another word is a form of
    two words, and has the lemmas of both: "vroeg" is early and the past of "vragen"
    (:func:`other_verbs`). Out of context nothing tells which one a researcher means, and
    dropping either loses hits without a word; the search page says that both were searched.
    """
    word = word.lower()
    found = _lemmas_of(nlp, word, vocabulary)
    for verb in other_verbs(word):  # "vroeg": early, and the past of "vragen"
        found |= _lemmas_of(nlp, verb, vocabulary)
    return found


def _lemmas_of(nlp: Language, word: str, vocabulary: Vocabulary | None) -> set[str]:
    """The lemmas of one reading of a query word (:func:`query_lemmas`)."""
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


def is_word_part(rest: str, *, after: bool) -> bool:
    """Whether ``rest`` (what a compound leaves beside a theme word) is a word of its own.

    A compound joins two words ("geld" + "zorgen", "schaamte" + "gevoel", "leven" + "s" +
    "geluk"); a derived word adds an ending ("natuur" + "lijk", "overleven" + "den") or a
    particle in front ("onder" + "scheiding"). Only the first is evidence for the theme word:
    the ending or the particle changes the meaning. ``after``: the
    rest follows the theme word (a joining sound then starts it), else it comes before.
    """
    for link in LINKERS:
        if after and rest.startswith(link):
            word = rest[len(link) :]
        elif not after and rest.endswith(link):
            word = rest[: len(rest) - len(link)]
        else:
            continue
        derived = DERIVATION_SUFFIXES if after else DERIVATION_PREFIXES
        if len(word) >= 3 and word not in derived and simplemma.is_known(word, lang="nl"):
            return True
    return False


def _is_part(word: str, vocabulary: Vocabulary) -> bool:
    """Whether ``word`` may follow a root in a compound: a word the dictionary or the project
    knows, or two words the dictionary knows, joined: "werkervaringsplaats" is "werk" +
    "ervaring" + "s" + "plaats", and the dictionary knows no "ervaringsplaats". Not a word
    and an ending ("schijn" + "lijk"): "waar" + "schijnlijk" is no kind of truth."""
    if len(word) < MIN_PART:
        return False
    if simplemma.is_known(word, lang="nl") or word in vocabulary:
        return True
    for end in range(MIN_PART, len(word) - MIN_PART + 1):
        if not simplemma.is_known(word[:end], lang="nl"):
            continue
        for linker in LINKERS:
            second = word[end + len(linker) :]
            if (
                word.startswith(linker, end)
                and len(second) >= MIN_PART
                and second not in DERIVATION_SUFFIXES
                and simplemma.is_known(second, lang="nl")
            ):
                return True
    return False


def _linkers(root: str) -> tuple[str, ...]:
    """The sounds that may join ``root`` to a next word: also "er" after a word whose plural
    ends in "-eren" ("kind", "kinderen": "kinderwagen"), not after "moed" ("moeder")."""
    return (*LINKERS, "er") if _lemma(root + "eren") == root else LINKERS


def _person_pair(root: str, rest: str) -> bool:
    """Whether ``root + rest`` is a person who does what the root names where the root has
    four letters: only where the lemmatiser files the "-er" and "-ster" forms each under the
    other ("werker" is stored as "werkster", "werkster" as "werker"), since "moed" + "er" is
    "moeder" and "wond" + "er" "wonder" (:data:`PERSON_MIN_ROOT`)."""
    if rest not in PERSON_SUFFIXES:
        return False
    base = rest.removesuffix("s")
    other = root + ("er" if base == "ster" else "ster")
    return _lemma(root + base) == other or _lemma(other) == root + base


def _after_root(rest: str, root: str, vocabulary: Vocabulary) -> bool:
    """Whether ``root + rest`` is a word of the root's family: a suffix, or a compound."""
    suffixes = WORD_SUFFIXES | (PERSON_SUFFIXES if len(root) >= PERSON_MIN_ROOT else set())
    if not rest or rest in suffixes or _person_pair(root, rest):
        return True
    linkers = _linkers(root)
    for suffix in ("", *suffixes):  # "eenzaam" + "heid" + "s" + "gevoel"
        if not rest.startswith(suffix):
            continue
        after = rest[len(suffix) :]
        for linker in linkers:
            second = after[len(linker) :]
            if (
                after.startswith(linker)
                and second not in DERIVATION_SUFFIXES  # "natuur" + "lijk" is no corpse
                and _is_part(second, vocabulary)
                and not _read_elsewhere(root + suffix + linker, second, vocabulary)
            ):
                return True
    return False


def _read_elsewhere(first: str, second: str, vocabulary: Vocabulary) -> bool:
    """Whether the compound ``first + second`` is better read with its seam a letter or two
    away, both halves words there too: "buurthuis" is "buurt" + "huis", not "buur" +
    "thuis", so "thuis" does not find it (nor "buur"), while "huis" and "buurt" do.

    Both readings are words, so the dictionary cannot tell (preferring the later seam
    always would read "meeleven" as "meel" + "even"); the project's texts can: the reading
    whose halves its texts use more as words of their own wins, by the product of their
    counts (:func:`_uses`; Koehn and Knight's rule for splitting compounds, 2003). A tie,
    as where the texts use neither, keeps the reading.
    """
    compound = first + second
    own: int | None = None
    for shift in (-2, -1, 1, 2):
        cut = len(first) + shift
        other_first, other_second = compound[:cut], compound[cut:]
        if len(other_first) < MIN_STEM or len(other_second) < MIN_PART:
            continue
        if not (_is_lemma(other_first) and _is_lemma(other_second)):
            continue
        if own is None:  # "welzijns" + "werk": the first part without its joining sound
            first_uses = max(_uses(first.removesuffix(link), vocabulary) for link in LINKERS)
            own = first_uses * _uses(second, vocabulary)
        if _uses(other_first, vocabulary) * _uses(other_second, vocabulary) > own:
            return True
    return False


def _uses(word: str, vocabulary: Vocabulary) -> int:
    """How often the texts use ``word`` as a word of its own, to weigh a compound's halves
    by; none for a function word, whose count says nothing of compounds: "wantrouwen" is
    "wan" + "trouwen", though the texts say "want" (because) far more than "wan"."""
    return 0 if word in STOP_WORDS else vocabulary.documents(word)


def _before_schwa(root: str) -> str:
    """``root`` with the "e" that joins it to "-loos", spelt as Dutch spells an open
    syllable: "hoop" -> "hope" (hopeloos), "raad" -> "rade"; a short vowel doubles the
    consonant after it: "nut" -> "nutte" (nutteloos); else "zorg" -> "zorge"."""
    if root[-1] in _VOWELS:  # "waarde": "waardeloos"
        return root
    if root[-3:-1] in _DOUBLED:
        return root[:-2] + root[-1] + "e"
    one_syllable = len(re.findall("[aeiouy]+", root)) == 1
    if one_syllable and root[-2] in _VOWELS and root[-3:-2] not in _VOWELS:
        return root + root[-1] + "e"
    return root + "e"


def _lacking_or_full(base: str, vocabulary: Vocabulary, *, plain: bool) -> set[str]:
    """The lemmas of the index that say ``base`` is missing or there in full, where the rest
    of the family does not find them: after the word and an "e", as spelt then ("hoop" ->
    "hopeloos", "hopeloosheid"; "zorg" -> "zorgeloos"), and with ``plain`` after the word
    as it is: a word of three letters ("dak" -> "dakloos", "daklozenopvang"; "zin" ->
    "zinvol") or a verb's stem ("hopen" -> "hoopvol"). A longer word as it is ("werkloos")
    is a suffix in :func:`_after_root` already."""
    starts = {_before_schwa(base), base + "e"}  # "zorgeloos", "werkeloos"
    if plain:
        starts.add(base)
    found = set()
    for start in starts:
        for term in vocabulary.starting_with(start):
            rest = term[len(start) :]
            if rest.startswith(LACK_OR_FULL_SUFFIXES) and _after_root(rest, base, vocabulary):
                found.add(term)
    return found


def _compounds_ending_in(root: str, vocabulary: Vocabulary) -> set[str]:
    """The lemmas of the index that end in ``root`` after a word of their own, with or
    without a suffix: "zorg" -> "mantelzorg", "geldzorg", "thuiszorg", "mantelzorger".

    A Dutch compound is a kind of its last part ("mantelzorg" is care, "geldzorgen" are
    worries), so it belongs to that part's family; what comes before must be a word
    (:func:`_is_first_part`), not a particle or a prefix: "bezorgen" (deliver) and
    "aanvraag" (application) are words of their own. A person suffix counts after five
    letters of the whole ("mantelzorg" + "er"), as after a root alone. A compound better
    read at another seam is left out (:func:`_read_elsewhere`: "buurthuis" for "thuis").
    """
    found: set[str] = set()
    for suffix in ("", *WORD_SUFFIXES, *PERSON_SUFFIXES):
        for term in vocabulary.ending_with(root + suffix):
            before = term[: len(term) - len(root) - len(suffix)]
            if suffix in PERSON_SUFFIXES and len(term) - len(suffix) < PERSON_MIN_ROOT:
                continue
            if (
                before
                and _is_first_part(before, vocabulary)
                and not _read_elsewhere(before, term[len(before) :], vocabulary)
            ):
                found.add(term)
    return found


def _is_first_part(before: str, vocabulary: Vocabulary) -> bool:
    """Whether ``before`` (what a compound holds before its last word) is a word of its own,
    with or without a joining sound: one the dictionary knows (:func:`is_word_part`), or one
    the project holds or two known words (:func:`_is_part`): "welzijn" + "s" + "werk", which
    the dictionary does not know. Never a prefix or particle ("onder", "over")."""
    if is_word_part(before, after=False):
        return True
    for linker in LINKERS:
        word = before[: len(before) - len(linker)]
        if (
            before.endswith(linker)
            and word not in DERIVATION_PREFIXES
            and _is_part(word, vocabulary)
        ):
            return True
    return False


def _heads_compounds(root: str) -> bool:
    """Whether a compound that ends in ``root`` is a kind of it: when the root is a word of
    its own ("zorg": "mantelzorg") or a verb ("lopen": "stuklopen"), not when the
    lemmatiser reads it as a form of another word. "loop" came with "lopen" (the lemma
    stored for "ik loop"), and "kringloop" (a second-hand shop) is no form of lopen. A
    word the lemmatiser does not know keeps its compounds: it cannot tell."""
    return not simplemma.is_known(root, lang="nl") or _lemma(root) == root or is_verb(root)


def is_verb(word: str) -> bool:
    """Whether ``word`` is the infinitive of a Dutch verb: a strong verb of the table, or
    one whose regular past the lemmatiser files under it ("zorgde" -> "zorgen"; "loop" has
    no "-en", "huizen" no known past "huisde")."""
    if strong_forms(word):
        return True
    past = (f for f in regular_forms(word) if f.endswith(("de", "te")))
    return any(simplemma.is_known(f, lang="nl") and _lemma(f) == word for f in past)


def word_family(
    vocabulary: Vocabulary, lemmas: Iterable[str], *, with_roots: bool = True
) -> set[str]:
    """The lemmas in a project's search index (its ``vocabulary``) that belong to the family
    of ``lemmas``.

    The roots are the lemmas and the words they are made from ("schaamte" -> "schamen",
    "eenzaamheid" -> "eenzaam"); the family is each root, the root with a Dutch suffix
    ("eenzaamheid", "mantelzorger"), a compound that starts with it ("levensverhaal",
    "eenzaamheidsgevoel") and a verb stem with a noun or adjective suffix ("schaamte",
    "verhuizing", "levend").
    A word that says the root is missing joins after three letters or a changed spelling
    too, and after a verb's stem ("dakloos", "hopeloos", "hoopvol" for "hopen",
    :func:`_lacking_or_full`).
    A compound that ends in a root is a kind of it and joins too ("zorg" finds
    "mantelzorg", "geldzorgen", :func:`_compounds_ending_in`), unless the lemmatiser reads
    that root as a form of another word (:func:`_heads_compounds`: "lopen" comes with
    "loop", yet does not find "kringloop").
    Every member is a lemma the project holds, checked morpheme by morpheme: "missen" does
    not bring "misschien", nor "leven" "leeftijd".

    ``with_roots=False`` leaves out the words a lemma is made from, and their families: what
    a NOT takes away. "eenzaam NOT eenzaamheid" kept nothing, as "eenzaamheid" came with
    its root "eenzaam" and all of that root's words.
    """
    lemmas = {fold(w) for w in lemmas}
    roots = {w for w in lemmas if w.isalpha()}  # not "zo'n", "e-mail" or "2024"
    if with_roots:
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
            if _heads_compounds(root):
                family |= _compounds_ending_in(root, vocabulary)
        if len(root) >= MIN_ROOT_BEFORE_LOOS:
            family |= _lacking_or_full(root, vocabulary, plain=len(root) < MIN_ROOT)
        if is_verb(root):  # "hopen": "hopeloos" and "hoopvol" are made from "hoop"
            for stem in verb_stems(root):
                family |= _lacking_or_full(stem, vocabulary, plain=True)
        for stem in verb_stems(root):
            for term in vocabulary.starting_with(stem):
                rest = term[len(stem) :]
                if rest in STEM_SUFFIXES and (rest != "te" or len(stem) >= MIN_STEM_BEFORE_TE):
                    family.add(term)
    return family


# Strong and irregular Dutch verbs: infinitive, past singular, past plural, participle, from
# Dutch grammar. Most of these forms the lemmatiser knows ("zat" -> "zitten"); the list is
# there for the few it stores as another word (:func:`misread_forms`). A verb with a
# prefix that takes no "ge-" ("vertrekken", "begrijpen") is derived from its base verb.
STRONG_VERBS = {
    line.split()[0]: tuple(line.split()[1:])
    for line in """
    bedriegen bedroog bedrogen bedrogen; beginnen begon begonnen begonnen
    bevelen beval bevalen bevolen; bidden bad baden gebeden; bieden bood boden geboden
    bijten beet beten gebeten; binden bond bonden gebonden; blazen blies bliezen geblazen
    blijken bleek bleken gebleken; blijven bleef bleven gebleven; breken brak braken gebroken
    brengen bracht brachten gebracht; buigen boog bogen gebogen; denken dacht dachten gedacht
    doen deed deden gedaan; dragen droeg droegen gedragen; drijven dreef dreven gedreven
    dringen drong drongen gedrongen; drinken dronk dronken gedronken; duiken dook doken gedoken
    dwingen dwong dwongen gedwongen; eten at aten gegeten; gaan ging gingen gegaan
    gelden gold golden gegolden; genezen genas genazen genezen; genieten genoot genoten genoten
    geven gaf gaven gegeven; gieten goot goten gegoten; glijden gleed gleden gegleden
    graven groef groeven gegraven; grijpen greep grepen gegrepen; hangen hing hingen gehangen
    hebben had hadden gehad; heffen hief hieven geheven; helpen hielp hielpen geholpen
    houden hield hielden gehouden; jagen joeg joegen gejaagd; kiezen koos kozen gekozen
    kijken keek keken gekeken; klimmen klom klommen geklommen; klinken klonk klonken geklonken
    komen kwam kwamen gekomen; kopen kocht kochten gekocht; krijgen kreeg kregen gekregen
    kruipen kroop kropen gekropen; kunnen kon konden gekund; laten liet lieten gelaten
    lezen las lazen gelezen; liegen loog logen gelogen; liggen lag lagen gelegen
    lijden leed leden geleden; lijken leek leken geleken; lopen liep liepen gelopen
    meten mat maten gemeten; moeten moest moesten gemoeten; mogen mocht mochten gemogen
    nemen nam namen genomen; prijzen prees prezen geprezen; rijden reed reden gereden
    roepen riep riepen geroepen; ruiken rook roken geroken; schelden schold scholden gescholden
    schenken schonk schonken geschonken; scheppen schiep schiepen geschapen
    schieten schoot schoten geschoten; schijnen scheen schenen geschenen
    schrijven schreef schreven geschreven; schrikken schrok schrokken geschrokken
    schuiven schoof schoven geschoven; slaan sloeg sloegen geslagen
    slapen sliep sliepen geslapen; sluiten sloot sloten gesloten; smelten smolt smolten gesmolten
    snijden sneed sneden gesneden; spreken sprak spraken gesproken
    springen sprong sprongen gesprongen; staan stond stonden gestaan; steken stak staken gestoken
    stelen stal stalen gestolen; sterven stierf stierven gestorven; stijgen steeg stegen gestegen
    strijden streed streden gestreden; treffen trof troffen getroffen
    trekken trok trokken getrokken; vallen viel vielen gevallen; vangen ving vingen gevangen
    varen voer voeren gevaren; vechten vocht vochten gevochten; verliezen verloor verloren verloren
    vinden vond vonden gevonden; vliegen vloog vlogen gevlogen; vragen vroeg vroegen gevraagd
    vriezen vroor vroren gevroren; wegen woog wogen gewogen; werpen wierp wierpen geworpen
    weten wist wisten geweten; wijzen wees wezen gewezen; winnen won wonnen gewonnen
    worden werd werden geworden; zeggen zei zeiden gezegd; zenden zond zonden gezonden
    zien zag zagen gezien; zijn was waren geweest; zingen zong zongen gezongen
    zitten zat zaten gezeten; zoeken zocht zochten gezocht; zullen zou zouden
    zwemmen zwom zwommen gezwommen; zwijgen zweeg zwegen gezwegen
    """.replace("\n", ";").split(";")
    if line.strip()
}
# Prefixes that make a verb of their own and take no "ge-": "vertrekken" -> "vertrok",
# "vertrokken"; "overlijden" -> "overleed", "overleden".
UNSTRESSED_PREFIXES = ("be", "ver", "ont", "her", "ge", "er", "over", "onder")
# Forms not added although the lemmatiser stores them as another word: that other word is
# the usual one. "geleden" is mostly "ago" ("twee jaar geleden"), not "suffered"; "reden"
# a reason, "vocht" damp, "rook" and "roken" smoke and smoking, "stal" and "stalen" a
# stable and steel, "voer" and "voeren" fodder and feeding, "mat" and "maten" a mat and
# sizes, "wezen" a being, "leden" members. Judged from how Dutch is spoken, not measured.
OTHER_WORD_FIRST = frozenset(
    "geleden reden vocht rook roken stal stalen voer voeren mat maten wezen leden".split()
)


# Words that, right before a past form, show it is the other word, not the verb: a past
# tense never follows "te" (that takes an infinitive, "te vragen"), and these degree words
# go before an adjective ("te vroeg geboren", "heel vroeg", "erg dronken"). Not "zo" ("zo
# vroeg hij", thus he asked) nor a time ("'s avonds vroeg ze hoe het ging"). Checked on
# sentences of our own in tests/test_search.py; the index ignores a comma between the two
# words, so "vond je het erg, vroeg ze" is taken for early too.
DEGREE_WORDS = ("te", "heel", "erg", "zeer", "nogal")
# Each past form and participle of the table, with the verbs it is a form of.
_VERBS_OF_FORM = {
    form: {verb for verb, its in STRONG_VERBS.items() if form in its}
    for forms in STRONG_VERBS.values()
    for form in forms
}


def other_verbs(form: str) -> set[str]:
    """The strong verbs ``form`` is a past form of, where the lemmatiser files it under
    another word: "vroeg" -> {"vragen"} (it reads "vroeg" as early), "dronken" ->
    {"drinken"}, "vertrok" stays empty as the lemmatiser knows it ("vertrekken"). Empty for
    forms whose other word is the usual one (:data:`OTHER_WORD_FIRST`: "geleden")."""
    form = fold(form)
    if form in OTHER_WORD_FIRST:
        return set()
    verbs = set(_VERBS_OF_FORM.get(form, ()))
    for prefix in UNSTRESSED_PREFIXES:  # "overleed" -> "overlijden"
        rest = form.removeprefix(prefix)
        if rest != form:
            for base in _VERBS_OF_FORM.get(rest, set()) | _VERBS_OF_FORM.get("ge" + rest, set()):
                verb = prefix + base
                if _is_lemma(verb) and form in strong_forms(verb):  # not "ge" + "varen"
                    verbs.add(verb)
    return {v for v in verbs if fold(_lemma(form)) != v}


def strong_forms(infinitive: str) -> set[str]:
    """The past forms and participle of a strong or irregular verb: "vragen" -> "vroeg",
    "vroegen", "gevraagd"; "vertrekken" -> "vertrok", "vertrokken". Empty for other words."""
    if infinitive in STRONG_VERBS:
        return set(STRONG_VERBS[infinitive])
    for prefix in UNSTRESSED_PREFIXES:
        base = infinitive.removeprefix(prefix)
        if base != infinitive and base in STRONG_VERBS:
            *past, participle = STRONG_VERBS[base]
            return {prefix + f for f in past} | {prefix + participle.removeprefix("ge")}
    return set()


def misread_forms(vocabulary: Vocabulary, lemmas: Iterable[str]) -> set[str]:
    """Past forms of the query's strong verbs that the texts hold but the index stores under
    another lemma, to be searched as written: "vragen" -> "vroeg".

    "Ik vroeg hem" was stored under the adjective "vroeg" (early), so searching "vragen"
    missed every past singular. Searching the lemma "vroeg" would bring "vroeger" (formerly)
    too, stored under it as well; the form as written does not. It still brings "vroeg" as
    early where nothing before it says so (:data:`DEGREE_WORDS`: "te vroeg geboren" stays
    out, "vroeg naar bed" not): on the demo the form adds 11 sentences of asking and 0 of
    early, the lemma would have added 11 and 17 (16 of them "vroeger"). A researcher looks
    for a theme: an early among eleven questions is better than none of the eleven. Forms
    whose other word is the usual one stay out (:data:`OTHER_WORD_FIRST`).
    """
    forms: set[str] = set()
    for lemma in {fold(w) for w in lemmas}:
        for form in strong_forms(lemma):
            if form in OTHER_WORD_FIRST or fold(_lemma(form)) == lemma:
                continue  # the lemmatiser stores it under the verb: found by the lemma
            if vocabulary.has_form(fold(form)):
                forms.add(fold(form))
    return forms
