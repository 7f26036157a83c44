"""Find candidate names of people, places and organisations in transcripts.

With ``nl_core_news_sm`` installed (a pipeline with ``"ner"``) spaCy's entities are used.
Without it (the offline default) a heuristic does the work, tuned for Dutch: a name is a run
of capitalised words that may contain the particles of Dutch surnames ("Jan van der Berg",
"Ria de Vries", "Huis ter Heide"). Dutch capitalises far fewer words than English, so a
capitalised word inside a sentence is already a strong signal; at the start of a sentence or
line it counts only when the word never occurs in lower case in the same texts, is not a
common word and is not in simplemma's Dutch dictionary (so "Toen", "Graag" and "Bloemen" are
ignored, "Anna" is kept; "Jan" at a sentence start is missed, but once "Jan" is accepted
every occurrence is replaced). A lower-case word that is no Dutch word counts only right
after a word a person's name follows ("mijn buurvrouw marieke"). Everything found here is a
*candidate*: a person decides (see :mod:`workbench.privacy.pseudonyms`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import simplemma
from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.language import Language

from workbench.privacy.first_names import FIRST_NAMES

KINDS = ("person", "place", "organisation", "other")

# Lower-case particles inside Dutch (and a few Flemish/foreign) surnames and place names.
PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "ter",
        "ten",
        "te",
        "'t",
        "’t",
        "la",
        "le",
        "du",
        "von",
        "di",
        "da",
        "del",
        "el",
        "op",
    }
)
# Capitalised words that are not identifying names in these transcripts (besides stop words).
COMMON_WORDS = frozenset(
    {
        "interviewer",
        "respondent",
        "int",
        "resp",
        "ja",
        "nee",
        "nou",
        "oké",
        "ok",
        "okay",
        "hè",
        "he",
        "hm",
        "hmm",
        "uh",
        "uhm",
        "eh",
        "ehm",
        "ah",
        "oh",
        "o",
        "jawel",
        "precies",
        "klopt",
        "god",
        "heer",
        "here",
        "jezus",
        "mevrouw",
        "meneer",
        "mw",
        "dhr",
        "mevr",
        "dokter",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
        "kerst",
        "kerstmis",
        "pasen",
        "nederlands",
        "engels",
        "corona",
        "covid",
        "tv",
        "pc",
        "wc",
        "aow",
        "ps",
        "nb",
        "inderdaad",
        "gewoon",
        "natuurlijk",
        "tja",
        "zeg",
        "kijk",
        "goh",
        "jeetje",
        "nouja",
        "sorry",
        "dank",
        "bedankt",
        "welkom",
        "hallo",
        "hoi",
        "dag",
        "doei",
        "stilte",
        "lacht",
        "pauze",
        "onverstaanbaar",
        "zucht",
    }
)
ORGANISATION_WORDS = frozenset(
    {
        "stichting",
        "gemeente",
        "vereniging",
        "ziekenhuis",
        "kerk",
        "bank",
        "voedselbank",
        "zorg",
        "welzijn",
        "school",
        "college",
        "universiteit",
        "hogeschool",
        "bv",
        "nv",
        "centrum",
        "woningcorporatie",
        "wijkteam",
        "buurthuis",
        "huisartsenpraktijk",
        "kliniek",
        "ggz",
        "ggd",
        "uwv",
        "sociale",
        "dienst",
        "fonds",
        "club",
        "bibliotheek",
        "parochie",
        "moskee",
    }
)
PLACE_PREPOSITIONS = frozenset({"in", "naar", "uit", "te", "vanuit", "richting", "rond", "nabij"})
SENTENCE_END = frozenset(".!?…:;\"“”‘'()[]-–—\n")
# What ends a run of name words: a sentence end, a table cell's end, and a comma. "Fenna,
# Joost" and "Brouwers, Ineke" are two names; on real text a run over commas joined
# lists of people and places into one candidate, which would have given two people one
# pseudonym.
NAME_BREAK = SENTENCE_END | {",", "\t"}
# Words after which a person's name stands: "mijn buurvrouw marieke", "ze heet marieke". A
# lower-case word there that is no Dutch word is offered as a name; anywhere else a lower-case
# unknown word is mostly a compound ("koffieochtend", "schuldhulp") and would flood the review.
NAME_BEFORE = frozenset(
    {
        "man",
        "vrouw",
        "dochter",
        "zoon",
        "broer",
        "zus",
        "zuster",
        "moeder",
        "vader",
        "oma",
        "opa",
        "tante",
        "oom",
        "neef",
        "nicht",
        "buurman",
        "buurvrouw",
        "vriend",
        "vriendin",
        "kleinzoon",
        "kleindochter",
        "schoonzoon",
        "schoondochter",
        "collega",
        "heet",
        "heette",
        "genaamd",
    }
)
# Words before an ordinary noun: "een roos", "de bakker", "mijn mooie roos" (see
# :func:`ordinary_noun_at`). "n" stands for "'n", "m'n", "z'n" and "zo'n": the apostrophe
# ends the stretch looked at, as a quote does.
DETERMINERS = frozenset(
    {
        "de",
        "het",
        "een",
        "n",
        "die",
        "dat",
        "deze",
        "dit",
        "mijn",
        "je",
        "jouw",
        "zijn",
        "haar",
        "ons",
        "onze",
        "jullie",
        "hun",
        "uw",
        "elk",
        "elke",
        "ieder",
        "iedere",
        "geen",
        "welk",
        "welke",
    }
)
NER_KINDS = {
    "PERSON": "person",
    "PER": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
}

_TOKEN = re.compile(r"['’]t\b|\w+(?:['’.-]\w+)*", re.UNICODE)


@dataclass
class Occurrence:
    document_id: int
    start_char: int
    end_char: int


@dataclass
class Candidate:
    """One string that may identify someone, with where it occurs and what it looks like."""

    original: str
    kind: str
    source: str  # "ner", "heuristic" or "known"
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.occurrences)

    @property
    def document_ids(self) -> list[int]:
        return sorted({o.document_id for o in self.occurrences})


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word[:1].isdigit()


def _common(word: str) -> bool:
    lower = word.lower()
    return lower in STOP_WORDS or lower in COMMON_WORDS or any(ch.isdigit() for ch in word)


def ordinary_word(word: str) -> bool:
    """Whether ``word`` in lower case is an ordinary Dutch word: a stop word, an interjection
    or title of :data:`COMMON_WORDS`, or a word simplemma's Dutch dictionary knows."""
    lower = word.lower()
    return _common(lower) or simplemma.is_known(lower, lang="nl")


@functools.lru_cache(maxsize=4096)
def _noun_form(word: str) -> bool:
    """A dictionary word that is its own lower-case lemma ("roos", "bakker"): it can be a
    noun. Not "vries" (a form of "vriezen") nor "jan" (simplemma's lemma is "Jan")."""
    return simplemma.is_known(word, lang="nl") and simplemma.lemmatize(word, lang="nl") == word


def ordinary_noun_at(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a match of a name in another letter case, reads as an
    ordinary noun there rather than the name.

    Only a match wholly in lower case whose last word is a noun form, with nothing but
    surname particles before it in the match, and right after a word such as "de", "een" or
    "mijn" (:data:`DETERMINERS`; an adjective ending in -e between them allowed): "een roos
    uit de tuin", "de mooie roos", "bij de bakker" (also as a whole for "De Bakker" or "Van
    de Bakker"). Anywhere else another letter case is the name: simplemma knows "jan",
    "wim", "piet" and "zwolle" too, and "jan kwam gisteren" is Jan; nor is "de vries" a noun.
    """
    matched = text[start:end]
    if not matched.islower():
        return False
    words = [w for w in re.split(r"[\s_\-]+", matched) if w]
    if not words or any(w not in PARTICLES for w in words[:-1]) or not _noun_form(words[-1]):
        return False
    line = text[max(0, start - 60) : start]
    for stop in NAME_BREAK:
        line = line.rpartition(stop)[2]
    before = [w.lower() for w in _TOKEN.findall(line)] + words[:-1]
    if before and before[-1] in DETERMINERS:
        return True
    return len(before) > 1 and before[-1].endswith("e") and before[-2] in DETERMINERS


def _sentence_initial(text: str, start: int) -> bool:
    """Whether the token at ``start`` opens a line, a sentence or a table cell (a tab: Word
    tables arrive as tab-separated lines), or follows a label or quote."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        if text[i] == "\t":
            return True
        i -= 1
    return i < 0 or text[i] in SENTENCE_END


def lowercase_vocabulary(texts: Iterable[str]) -> set[str]:
    """Word forms that occur in lower case somewhere: capitalised twins are common words."""
    words: set[str] = set()
    for text in texts:
        words.update(_TOKEN.findall(text))
    return {w for w in words if w[:1].islower()}


def _kind(words: list[str], previous: str | None) -> str:
    if any(w.lower() in ORGANISATION_WORDS for w in words) or (
        len(words) == 1 and words[0].isupper() and len(words[0]) >= 2
    ):
        return "organisation"
    if previous is not None and previous.lower() in PLACE_PREPOSITIONS:
        return "place"
    return "person"


def heuristic_names(text: str, lowercase_vocab: set[str]) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of capitalised name runs in ``text`` (no NER needed)."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]

    def name_word(k: int) -> bool:
        word = tokens[k][2]
        return _is_capitalised(word) and len(word) > 1 and not _common(word)

    def after_particles(k: int) -> int:
        """Index of the first token from ``k`` on that is not a particle on the same line."""
        while k < len(tokens) and tokens[k][2].lower() in PARTICLES:
            if "\n" in text[tokens[k - 1][1] : tokens[k][0]]:
                return len(tokens)
            k += 1
        return k

    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        start, end, word = tokens[i]
        if _is_capitalised(word) and word.lower() in PARTICLES:
            # "De Boer", "Van der Berg", "Den Haag": a capitalised particle opens a name
            # when a capitalised word follows
            k = after_particles(i + 1)
            if not (k < len(tokens) and name_word(k)):
                i += 1
                continue
        elif not name_word(i):
            i += 1
            continue
        words, j, last_end = [word], i + 1, end
        if word.lower() in PARTICLES:
            words.extend(t[2] for t in tokens[i + 1 : k + 1])
            last_end, j = tokens[k][1], k + 1
        while j < len(tokens):
            k = after_particles(j)
            if (
                k >= len(tokens)
                or not name_word(k)
                or (k > j and tokens[k][2].lower() in ORGANISATION_WORDS)
            ):  # "Jan de Vries van Stichting Oost" is two names
                break
            gap = text[last_end : tokens[k][0]]
            if "\n" in gap or any(c in NAME_BREAK for c in gap if c not in " '’"):
                break
            words.extend(t[2] for t in tokens[j : k + 1])
            last_end, j = tokens[k][1], k + 1
        lower = word.lower()
        if _sentence_initial(text, start) and (
            (len(words) == 1 and (lower in lowercase_vocab or simplemma.is_known(lower, lang="nl")))
            # Before a name, a word these texts also write in lower case is a title or a
            # role ("Kapper Sander Wijnen", "Moeder Brouwers"): the name starts
            # after it, so one person gets one pseudonym. A dictionary word is not enough
            # there: "Jan de Vries" opening a turn is a name ("jan" is in the dictionary).
            or (len(words) > 1 and lower not in PARTICLES and lower in lowercase_vocab)
        ):
            i += 1
            continue
        previous = tokens[i - 1][2] if i > 0 else None
        found.append((start, last_end, _kind(words, previous)))
        i = j
    return sorted(found + _lower_case_names(text))


def _lower_case_names(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, "person")`` of a lower-case word that is no Dutch word, right after a
    word a person's name follows (:data:`NAME_BEFORE`: "mijn buurvrouw marieke"), with only
    spaces between. Transcribers typing fast write names in lower case; the capitalised
    runs above never see those."""
    found = []
    for m in _AFTER_NAME_WORD.finditer(text):
        word = m.group(1)
        if word[:1].islower() and word.isalpha() and len(word) > 1 and not ordinary_word(word):
            found.append((m.start(1), m.end(1), "person"))
    return found


_AFTER_NAME_WORD = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(NAME_BEFORE)) + r") +(\w+(?:['’.-]\w+)*)", re.IGNORECASE
)


def ner_names(nlp: Language, text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of PERSON/GPE/LOC/FAC/ORG entities, line by line."""
    lines, offsets, pos = [], [], 0
    for line in text.split("\n"):
        if line.strip():
            lines.append(line)
            offsets.append(pos)
        pos += len(line) + 1
    found = []
    # names need only the entity recogniser: skip the slow parser and the lemmatizer
    skip = [name for name in ("parser", "lemmatizer") if name in nlp.pipe_names]
    with nlp.select_pipes(disable=skip):
        for offset, doc in zip(offsets, nlp.pipe(lines, batch_size=64)):
            for ent in doc.ents:
                kind = NER_KINDS.get(ent.label_)
                if kind:
                    found.append((offset + ent.start_char, offset + ent.end_char, kind))
    return found


def find_names(
    texts: dict[int, str], *, nlp: Language | None = None, vocabulary: set[str] | None = None
) -> dict[str, Candidate]:
    """Candidates keyed by their exact string, over ``texts`` (document id -> text).

    ``vocabulary``: :func:`lowercase_vocabulary` of ``texts`` when the caller has it already
    (it reads every text: 0.4 s of the 3.7 s on 85 interviews of 8,000 words)."""
    use_ner = nlp is not None and "ner" in nlp.pipe_names
    if use_ner:
        vocab: set[str] = set()
    else:
        vocab = lowercase_vocabulary(texts.values()) if vocabulary is None else vocabulary
    candidates: dict[str, Candidate] = {}
    for document_id, text in texts.items():
        spans = ner_names(nlp, text) if use_ner else heuristic_names(text, vocab)
        for start, end, kind in spans:
            original = text[start:end]
            cand = candidates.setdefault(
                original, Candidate(original, kind, "ner" if use_ner else "heuristic")
            )
            cand.occurrences.append(Occurrence(document_id, start, end))
    return candidates


# Heuristic results by a digest of the texts they came from: stored transcripts never
# change, so the same texts give the same candidates. Exports, the workshop and the review
# ask for them often; the detector takes about a second per million characters.
_REMEMBERED: dict[str, dict[str, Candidate]] = {}
_REMEMBERED_LOCK = threading.Lock()
T = TypeVar("T")
REMEMBER = 4


def remembered_names(texts: dict[int, str]) -> dict[str, Candidate]:
    """:func:`find_names` with the Dutch heuristics, computed once per set of texts.

    The result is shared between callers: copy it before changing it. The lower-case
    vocabulary it needs is the one :func:`remembered_vocabulary` keeps, which the names
    outside the transcripts (and so the workshop's cards and fragment check) read too: the
    first call in a process reads it once, not twice."""
    return _remembered(
        _REMEMBERED,
        texts,
        lambda found: find_names(found, vocabulary=remembered_vocabulary(found)),
    )


def _remembered(cache: dict[str, T], texts: dict[int, str], compute: Callable[..., T]) -> T:
    """``compute(texts)``, kept in ``cache`` under a digest of the texts (the last
    :data:`REMEMBER` sets): the pages and the export checks ask again and again while no
    transcript changed, and each answer reads every transcript."""
    digest = hashlib.sha256()
    for document_id, text in sorted(texts.items()):
        digest.update(f"{document_id}:{len(text)}:".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
    key = digest.hexdigest()
    with _REMEMBERED_LOCK:
        found = cache.get(key)
    if found is None:
        found = compute(texts)
        with _REMEMBERED_LOCK:
            cache[key] = found
            while len(cache) > REMEMBER:
                del cache[next(iter(cache))]
    return found


def occurrences(text: str, original: str) -> list[tuple[int, int]]:
    """Where ``original`` occurs in ``text`` as whole words (case-sensitive)."""
    pattern = re.compile(r"(?<!\w)" + re.escape(original) + r"(?!\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


# "_" is a word character for _TOKEN, so "interview_Hendrika_de_Vries" would be one lower-case
# token and its name never seen; a file name's extension would stick to the last name word.
_JOINED = re.compile(r"_")
_EXTENSION = re.compile(r"\.\w{1,5}$")


def searchable(text: str, *, file_name: bool = False) -> str:
    """``text`` with "_" (and a file name's extension) as spaces, offsets unchanged.

    Document names, memo titles and attribute values join words with "_" far more often than
    transcripts do; replacing matches across "_" anyway, so the detector must see the words.
    """
    text = _JOINED.sub(" ", text)
    if file_name:
        text = _EXTENSION.sub(lambda m: " " * len(m.group()), text)
    return text


# A part of a file-like name: letters between "-", "_", ".", digits and spaces.
_FILE_NAME_PART = re.compile(r"[^\W\d_]+")


def file_name_names(text: str, known: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """``(start, end, "person")`` of each lower-case part of a document's name that is a
    first name: in :data:`FIRST_NAMES`, in ``known`` (names decided or found elsewhere, in
    normal form) or a word whose Dutch lemma is capitalised ("kim", "jan").

    Why: the capitalised runs of :func:`heuristic_names` never see "interview-marieke", so
    a "pseudonymised" export carried the name as the document's name. Only names count
    here, not any word that is no Dutch word: file names hold codes, neighbourhoods and
    English words ("final") that would each ask for a decision on every import.
    """
    known = set(known)
    found = []
    for m in _FILE_NAME_PART.finditer(text):
        part = m.group()
        if (
            part.islower()
            and len(part) > 1
            and not _common(part)
            and (
                part in FIRST_NAMES
                or part in known
                or simplemma.lemmatize(part, lang="nl")[:1].isupper()
            )
        ):
            found.append((m.start(), m.end(), "person"))
    return found


def names_in_places(
    texts: dict[str, str], vocabulary: set[str], known: Iterable[str] = ()
) -> list[tuple[str, int, int, str]]:
    """``(place, start, end, kind)`` of the Dutch heuristics' names in short texts outside the
    transcripts (memos, document names, attribute values), keyed by their place.

    The lower-case vocabulary comes from the transcripts as well (see
    :func:`lowercase_vocabulary`): a memo of one line says too little about which capitalised
    words are ordinary Dutch words. So a Dutch word opening a memo before a name that is
    ``known`` already (lower case, words joined by one space: a candidate of the transcripts
    or a decided name) is taken as a verb or a role, not as part of the name: "Vraag René
    later" gives "René", as "Moeder Brouwers" gives "Brouwers" in a transcript. So are the
    surname particles after it when only the name after them is known: "Hulp van Ria" (a
    code's brief) gives "Ria". Pass the texts through :func:`searchable` first.
    """
    known = set(known)
    out = []
    for place, text in texts.items():
        for start, end, kind in heuristic_names(text, vocabulary):
            words = list(_TOKEN.finditer(text, start, end))
            rest = words[1:]
            if (
                rest
                and _sentence_initial(text, start)
                and simplemma.is_known(words[0].group().lower(), lang="nl")
            ):
                for i, word in enumerate(rest):
                    if " ".join(w.group() for w in rest[i:]).lower() in known:
                        start = word.start()
                        break
                    if word.group().lower() not in PARTICLES:
                        break
            out.append((place, start, end, kind))
    return out


_VOCABULARY: dict[str, set[str]] = {}


def remembered_vocabulary(texts: dict[int, str]) -> set[str]:
    """:func:`lowercase_vocabulary` of the transcripts, computed once per set of texts."""
    return _remembered(_VOCABULARY, texts, lambda found: lowercase_vocabulary(found.values()))
