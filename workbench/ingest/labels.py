"""Speaker labels at the start of a line: ``I:``, ``Respondent:``, ``Int.``, ``Anna:``.

A transcript in plain text marks who speaks with a label at line start, sometimes with a
timestamp before or after it (``[00:01:23] I: ...``, ``00:01:23 I: ...``,
``Anna (00:01:23): ...``, ``Spreker 2: ...``). Transcription services and Word's dictation
put the label and a timestamp on a line of their own, without a colon, with the words below
(``Spreker 1 [00:00:01]``, ``00:00:05 Spreker 1``, ``[00:00:00.00] - Speaker 1``,
``Speaker 1  0:03``): such a header line is a label too, and so is a line with only a
standard label ("Interviewer", "Spreker 1") when a document uses that layout more than once. Known labels count from their first
use; any other name must recur (at least twice) and must not be an ordinary phrase such as
"Let op:" or "Ik zei:", so a colon in a sentence never invents a speaker. Without labels, each
paragraph (text between blank lines) is one turn. The document text keeps the labels; turns
point at the spoken words only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import takewhile

from spacy.lang.nl.stop_words import STOP_WORDS

from workbench.ingest.model import Turn
from workbench.nlp import is_dutch_word

TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TS = rf"[\[(]\s*{TIMESTAMP}\s*[\])]"
# Labels that are speaker labels whenever they start a line with a separator.
# Words in any case; single letters only as capitals ("a:" may start a list item).
_KNOWN_WORDS = (
    "(?i:interviewer|interviewster|interviewee|respondent|respondente|geïnterviewde|"
    "geinterviewde|onderzoeker|deelnemer|deelneemster|moderator|gespreksleider|vraag|"
    "antwoord|int|resp|spreker|speaker)"
)
KNOWN_LABELS = rf"{_KNOWN_WORDS}|[IRVAQ]"
# A word, maybe abbreviated (Dhr., Mw.), maybe hyphenated: Dutch double names and surnames
# are written with a hyphen (Anne-Marie, Jan-Willem, Bakker-de Wit, 't Hart-van Dijk).
_PART = r"[^\W\d_][\w'’]*"
_WORD = rf"{_PART}(?:-{_PART})*\.?"
_PARTICLE = r"(?:van|de|der|den|het|ten|ter|te|'t|von|la|le|du|da|di|el|al|bin|ben)"
# Spreker 2, R1; not the hours of a time after the label ("R 00:01:23 Ja." is no "R 00").
_NUMBER = r"(?:[ ]?\d{1,2}(?!\d|[:.,]\d))?"
_NAME = rf"{_WORD}{_NUMBER}(?:[ ](?:{_PARTICLE}|{_WORD})){{0,3}}"
LINE = re.compile(
    rf"""^[ \t]*
    (?:(?P<ts1>{_TS})[ \t]*|(?P<ts0>{TIMESTAMP})[ \t]+)?     # [00:01:23] or 00:01:23
    (?:
        (?P<dotted>(?i:int|resp|interv)\.)(?:[ \t]*:)?(?=\s|$)      # Int. / Resp.
      | (?P<label>{_NAME})(?:[ \t]*(?P<ts2>{_TS}))?[ \t]*(?::|\t)   # Name: / I: / Name<TAB>
    )
    [ \t]*(?:(?P<ts3>{_TS})[ \t]*)?
    (?P<rest>.*)$""",
    re.VERBOSE,
)
# A standard label, a bare time and the words on one line ("R 00:01:23 Ja."). Only standard
# labels: "Gerda 10:15 ging ik weg" may be a sentence.
STAMPED = re.compile(
    rf"^[ \t]*(?P<label>(?:{KNOWN_LABELS}){_NUMBER})[ \t]+(?P<ts>{TIMESTAMP})[ \t]+(?P<rest>\S.*)$"
)
# A header line: only a label and a timestamp, in either order, maybe with a dash between.
# There a name may be "Jansen, Gerda" (Teams transcripts): the line holds nothing else.
_LISTED = rf"{_NAME}(?:,[ ]{_NAME})?"
HEADER = re.compile(
    rf"""^[ \t]*
    (?:
        (?P<ts0>{_TS}|{TIMESTAMP})[ \t]*(?:[-–][ \t]*)?(?P<label0>{_LISTED})
      | (?P<label1>{_LISTED})(?:[ \t]+|[ \t]*[-–][ \t]*|(?=[\[(]))(?P<ts1>{_TS}|{TIMESTAMP})
    )
    [ \t]*:?[ \t]*$""",
    re.VERBOSE,
)
# A line that is only a standard label, without colon or time ("Interviewer", "SPREKER 1",
# "**Respondent**" in Markdown), the words on the lines below. Only words: a lone "I" or "V"
# is as likely a Roman section number. Counted as a label only when a document uses this
# layout at least BARE_MIN times (``uses_bare_labels``), so one heading "Respondent" above a
# paragraph invents no speaker.
BARE = re.compile(rf"^[ \t]*(?P<label>{_KNOWN_WORDS}{_NUMBER})[ \t]*$")
BARE_MIN = 2
# Phrases that look like "Name:" but introduce a note, not a speaker.
NOT_SPEAKERS = {
    "let op",
    "let wel",
    "noot",
    "nb",
    "n.b.",
    "ps",
    "p.s.",
    "opmerking",
    "tip",
    "datum",
    "tijd",
    "plaats",
    "locatie",
    "duur",
    "bron",
    "titel",
    "onderwerp",
    "interview",
    "transcript",
    "transcriptie",
    "pauze",
    "einde",
    "begin",
    "thema",
    "vraagnummer",
    "naam",
    "leeftijd",
    "geslacht",
    "wijk",
    "opname",
    "toelichting",
    "samenvatting",
    "conclusie",
    "voorbeeld",
    "bijvoorbeeld",
    "citaat",
    "definitie",
    "fictief",
    "verzonnen",
    "let",
    "note",
    "date",
    "time",
    "location",
    "duration",
    "title",
    "example",
    # Days, months and times of day: a diary's "Maandag 12:30" is a date line, not a speaker.
    *"maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split(),
    *"januari februari maart april mei juni juli augustus september oktober november".split(),
    *"december vandaag gisteren morgen ochtend middag avond nacht".split(),
    *"monday tuesday wednesday thursday friday saturday sunday today".split(),
}
_KNOWN = re.compile(rf"(?:{KNOWN_LABELS}){_NUMBER}")

# A transcript's title block: a title, then fields such as "Datum: 12 maart 2024",
# "Interviewer: Anna de Vries", "Respondent: R07 (vrouw, 68 jaar)". There a standard label
# names a person, it does not open a turn: read as a turn, the interviewer's name was a
# question and the respondent's age and the interview's length were analysed as their words.
_FIELD = re.compile(
    r"^[ \t]*(?P<key>[^\W\d_][\w'’.]*(?:[ ][\w'’.]+){0,2})[ \t]*(?::|\t)[ \t]*(?P<value>\S.*)$"
)
# Keys that name a person (only in full: "I: ..." is a turn).
_PERSON_KEY = re.compile(
    rf"(?i:interviewers?|interviewster|interviewee|respondente?|geïnterviewde|geinterviewde|"
    rf"onderzoekers?|deelnemers?|deelneemster|moderator|gespreksleider){_NUMBER}"
)
# Words that end a sentence: a question, an exclamation, a closing full stop; a full stop
# after a longer word inside the value ("Drs. A. de Vries" is a name, "Dag. Zullen we ...").
_SENTENCE_END = re.compile(r"[?!…]|[.:;]$|[^\W\d_]{4,}\.\s")
TITLE_LINES = 3  # a title block opens with at most this many lines without a colon
FIELD_WORDS = 12  # a field's value (and a title) is at most this many words


# Words that open a first turn, not a name: "Interviewer: Goedemiddag" under the fields is
# the interview starting, even without punctuation; "Respondent: Hmm." is no name either.
_OPENERS = {
    *"goedemiddag goedemorgen goedenavond goedendag dag hallo hoi hey welkom".split(),
    *"ja nee nou oké ok zo dank bedankt fijn goed prima".split(),
    *"jazeker uh uhm eh ehm hm hmm mm oh oei hè joh".split(),
}
# A person named in a title block: a code ("R07", "P-12") or a name of capitalised words
# ("Anna", "Anna de Vries", "Dhr. A. Bakker"), maybe followed by attributes ("(vrouw, 68
# jaar)", ", vrouw, 68 jaar"). Only capitals and particles: "Dat Klopt" has a stop word.
_CAPITAL = r"(?:[A-Z]\.|[^\W\d_a-z][\w'’-]*\.?)"
_ATTRIBUTES = r"[ \t]*(?:\([^()]*\)|,.*)?"
_CODE_PART = r"[A-Z]{1,4}-?\d{1,4}"  # R07, P-12; not "In 2019, toen ..."
_CODE = re.compile(rf"{_CODE_PART}{_ATTRIBUTES}")
_NAME_WORDS = re.compile(
    rf"(?P<name>{_CAPITAL}(?:[ ](?:{_PARTICLE}|{_CAPITAL})){{0,4}}){_ATTRIBUTES}"
)


def _field_value(value: str) -> bool:
    return len(value.split()) <= FIELD_WORDS and not _SENTENCE_END.search(value.strip())


def title_line(line: str) -> bool:
    """Whether ``line`` may be a title or a field above a transcript: a few words (a Markdown
    heading too), no sentence."""
    return _field_value(line.lstrip("# "))


def _person_kind(value: str) -> str | None:
    """How a person field's value reads: ``code`` ("R07 (vrouw, 68 jaar)"), ``name``
    ("Anna de Vries", "Anna."), ``word`` (one capitalised word that is also an everyday
    word, without a full stop: "Jan", "Roos"; "Klopt." is an answer), ``short`` (no
    sentence, no name: only in a block with a note field), or None: words said
    ("Goedemiddag", "Ja, dat was moeilijk.").

    A full stop may close a name ("Interviewer: Anna."); a one-word name is told from a
    one-word answer by the words a name cannot be (greetings, "ja", stop words).
    """
    value = value.strip()
    words = value.split()
    if not words or words[0].strip(",.").lower() in _OPENERS:
        return None
    if not _field_value(value.removesuffix(".")):
        return None  # a sentence, also after "Anna, ..."
    if _CODE.fullmatch(value):
        return "code"
    found = _NAME_WORDS.fullmatch(value)
    if found:
        names = [w.rstrip(".").lower() for w in found.group("name").split(" ")]
        names = [w for w in names if not re.fullmatch(_PARTICLE, w)]
        if not any(len(w) > 1 and w in STOP_WORDS for w in names):
            if len(names) > 1 or len(names[0]) < 2 or not is_dutch_word(names[0]):
                return "name"
            return None if value.endswith(".") else "word"  # "Klopt." is an answer
    return "short" if _field_value(value) else None


def title_block_end(lines: list[str]) -> int:
    """How many of ``lines`` form the title block: 0 when the text has none.

    A title block is a few title lines at the top, then fields (``Key: value``, in Markdown
    bold too, or a table row ``Key<TAB>value``; blank lines between them allowed). A person
    field ("Interviewer: Anna de Vries") has a short value that is no sentence and does not
    open with a greeting ("Interviewer: Goedemiddag" is the first turn); a person key used a
    second time ends the block, as does the first line that is no field. The block counts
    with a note field ("Datum:", "Duur:", "Locatie:": a word of :data:`NOT_SPEAKERS`) and a
    person field. Without a note field its person fields must name people
    (:func:`_person_kind`), and it counts with a code ("Respondent: R07 (vrouw, 68 jaar)" alone: a code is never
    words said), with two names, or with one under a title. A one-word name that is an
    everyday word too ("Interviewer: Jan") counts only next to another line of the block, a
    title or field before it or a field after it.
    """
    end = titles = notes = 0
    persons: list[tuple[str, int]] = []  # how each person field reads, and the block's end
    keys: set[str] = set()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        found = _FIELD.match(_masked(line))  # "**Datum:** ...", a table row "Datum<TAB>..."
        key = found.group("key").lower().rstrip(".") if found else ""
        if found and key in NOT_SPEAKERS:
            notes += 1
        elif found and _PERSON_KEY.fullmatch(key):
            kind = _person_kind(found.group("value"))
            if kind == "word" and not (end or _field_follows(lines, index + 1, {*keys, key})):
                kind = None  # "Interviewer: Precies." on its own is a turn
            if key in keys or kind is None:
                break  # the interview starts: "Interviewer: Goedemiddag"
            keys.add(key)
            persons.append((kind, index + 1))
        elif notes or persons or titles >= TITLE_LINES or not title_line(line):
            break
        else:
            titles += 1
        end = index + 1
    if not persons:
        return 0
    if notes:
        return end
    named = list(takewhile(lambda person: person[0] != "short", persons))
    if not named:
        return 0
    if any(kind == "code" for kind, _ in named) or len(named) >= 2 or titles:
        return named[-1][1]
    return 0


def _field_follows(lines: list[str], index: int, keys: set[str]) -> bool:
    """Whether the next line that is not blank is a note field or names another person."""
    found = _FIELD.match(_masked(next((line for line in lines[index:] if line.strip()), "")))
    if found is None:
        return False
    key = found.group("key").lower().rstrip(".")
    if key in NOT_SPEAKERS:
        return True
    return (
        bool(_PERSON_KEY.fullmatch(key))
        and key not in keys
        and _person_kind(found.group("value")) in ("code", "name")
    )


def is_known_label(label: str) -> bool:
    """Whether ``label`` (without separator) is one of the standard transcript labels."""
    return bool(_KNOWN.fullmatch(label.rstrip(".").strip()))


def parse_seconds(stamp: str | None) -> float | None:
    """``[00:01:23]`` or ``(1:23.5)`` as seconds, None when absent."""
    if not stamp:
        return None
    parts = stamp.strip("[]() \t").replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


@dataclass(frozen=True)
class LineLabel:
    """A speaker label found at the start of a line."""

    label: str
    stamp: str | None
    rest: int  # where the spoken words start in the line (its length: they follow below)


# Markup around a label at line start: Markdown bold or italics ("**I:**", "*Anna*:"), square
# brackets ("[I]:", "[Interviewer]") and a dash after it ("Anna - ..."). It is masked
# (spaces, or a colon for the dash and a bracketed standard label) before the label grammar
# is tried again, so every offset stays in place. A Markdown heading counts only with a
# standard label ("### Interviewer"): a document repeats its own section headings too.
_WRAPPED = re.compile(
    r"^[ \t]*(?P<open>\*\*|__|\*|_|\[)[^*_\[\]:\n]{1,60}?(?P<inside>:?)(?P<close>\*\*|__|\*|_|\])"
)
_CLOSING = {"**": "**", "__": "__", "*": "*", "_": "_", "[": "]"}
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<label>[^#:\n]{1,60}?)[ \t]*:?[ \t]*$")
_DASH = re.compile(r"^[ \t]*[^\W\d_][^:\n]{0,40}?[ \t]+(?P<dash>[-–—])[ \t]+\S")


def _masked(line: str) -> str:
    chars = list(line)
    wrapped = _WRAPPED.match(line)
    if wrapped and _CLOSING[wrapped.group("open")] == wrapped.group("close"):
        colon = wrapped.group("inside") or line[wrapped.end() :].lstrip(" \t").startswith(":")
        inner = line[wrapped.end("open") : wrapped.start("close")].strip()
        for group in ("open", "close"):
            chars[wrapped.start(group) : wrapped.end(group)] = " " * len(wrapped.group(group))
        if not colon and wrapped.group("open") == "[" and is_known_label(inner):
            chars[wrapped.start("close")] = ":"  # "[Interviewer] Hoe ..." reads as "Interviewer:"
    dash = _DASH.match("".join(chars))
    if dash:
        chars[dash.start("dash")] = ":"
    return "".join(chars)


# The heading row of a Word table transcript ("Spreker | Tekst", "Tijd | Spreker | Tekst"):
# read as "Spreker<TAB>Tekst" it made a speaker "Spreker" who said "Tekst".
_HEAD = r"(?i:spreker|speaker|naam|name|wie|tijd|time|tijdcode|tijdstip|timestamp|tekst|text|transcript|transcriptie|uitspraak|inhoud)"
_COLUMN_HEADS = re.compile(rf"{_HEAD}(?:\t+{_HEAD})+")


def line_label(line: str, *, bare: bool = False) -> LineLabel | None:
    """The speaker label that starts ``line`` (any grammar above), or None.

    ``bare``: also a line that is only a standard label without a colon (``BARE``); pass
    what :func:`uses_bare_labels` says of the whole document.
    """
    if _COLUMN_HEADS.fullmatch(line.strip()):
        return None
    found = _match(line)
    if found is not None:
        return found
    heading = _HEADING.match(line)
    # Standard labels only: a document repeats its own section headings too.
    if heading is not None and is_known_label(heading.group("label")):
        return LineLabel(heading.group("label").strip(), None, len(line))
    masked = _masked(line)
    if masked != line:
        found = _match(masked)
    if found is None and bare:
        found = _bare(masked)
    return found


def _bare(line: str) -> LineLabel | None:
    """A line that is only a standard label ("Interviewer", "Spreker 2"): words follow below."""
    found = BARE.match(line)
    return LineLabel(found.group("label"), None, len(line)) if found else None


def uses_bare_labels(text: str) -> bool:
    """Whether ``text`` puts standard labels alone on a line, the words on the next line.

    At least ``BARE_MIN`` such lines, each followed (blank lines aside: a Word paragraph
    each) by a line of words that is no label itself.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    n = 0
    for line, after in zip(lines, lines[1:]):
        if _bare(_masked(line)) and line_label(after, bare=True) is None:
            n += 1
            if n >= BARE_MIN:
                return True
    return False


def _match(line: str) -> LineLabel | None:
    found = LINE.match(line)
    if found is not None:
        stamp = found.group("ts0") or found.group("ts1") or found.group("ts2") or found.group("ts3")
        if found.group("dotted"):
            return LineLabel(found.group("dotted").strip(), stamp, found.start("rest"))
        label, rest = found.group("label"), found.start("rest")
    elif (found := STAMPED.match(line)) is not None:
        label, stamp, rest = found.group("label"), found.group("ts"), found.start("rest")
    else:
        found = HEADER.match(line)
        if found is None:
            return None
        label = found.group("label0") or found.group("label1")
        stamp, rest = found.group("ts0") or found.group("ts1"), len(line)
    return LineLabel(label.strip(), stamp, rest) if _plausible(label) else None


def _plausible(label: str) -> bool:
    """A standard label, or a name: not a note word, every word capitalised except particles
    (van, de, ter ...), which may come first ("de Vries:") when a capitalised word follows,
    and not only stop words."""
    label = label.strip()
    if re.sub(r" ?\d+$", "", label).lower().rstrip(".") in NOT_SPEAKERS:  # "Interview 2:" too
        return False
    if is_known_label(label):
        return True
    words = [w.rstrip(",") for w in label.split(" ") if not w.isdigit()]
    names = [w for w in words if not re.fullmatch(_PARTICLE, w)]
    if not names or not all(w[:1].isupper() for w in names):
        return False
    return not all(w.lower().rstrip(".") in STOP_WORDS for w in words)


def find_labels(text: str, *, min_count: int = 2, bare: bool = False) -> set[str]:
    """The speaker labels ``text`` uses: known ones, and other names used ``min_count`` times.

    Subtitles pass ``min_count=1``: there a cue opening with "Name:" is nearly always a speaker.
    ``bare`` counts lines that are only a standard label (see :func:`uses_bare_labels`).
    """
    counts: Counter[str] = Counter()
    for line in text.split("\n"):
        found = line_label(line, bare=bare)
        if found is not None:
            counts[found.label] += 1
    accepted = {label for label, n in counts.items() if is_known_label(label) or n >= min_count}
    # One stray "R:" in an unlabelled text is not a labelled transcript.
    if sum(counts[label] for label in accepted) < 2:
        return set()
    return accepted


def parse_turns(text: str) -> list[Turn]:
    """Turns of a normalised text: by speaker labels when it has them, else by paragraph."""
    lines = text.split("\n")
    title = title_block_end(lines)  # its fields are no turns; it is a turn without speaker
    bare = uses_bare_labels(text)
    labels = find_labels("\n".join(lines[title:]), bare=bare)
    if not labels:
        paragraphs = paragraph_turns(text)
        for turn in paragraphs[: _header_paragraphs(text, paragraphs, title)]:
            turn.header = True
        return paragraphs
    turns: list[Turn] = []
    current: Turn | None = None
    pending = False  # a label alone on its line: the words follow below
    offset = 0
    for index, line in enumerate(lines):
        line_end = offset + len(line)
        found = line_label(line, bare=bare) if index >= title else None
        if found is not None and found.label in labels:
            _close(text, turns, current)
            rest_start = offset + found.rest
            current = Turn(rest_start, line_end, found.label, parse_seconds(found.stamp))
            pending = rest_start == line_end
        elif line.strip():
            start = offset + len(line) - len(line.lstrip())
            if current is None:
                current = Turn(start, line_end)
            elif pending:
                current.start_char = start
                current.end_char = line_end
            else:
                current.end_char = line_end
            pending = False
        offset = line_end + 1
    _close(text, turns, current)
    for turn in takewhile(lambda turn: turn.speaker is None, turns):
        turn.header = True  # above the first label: a title, the details, no speech
    for before, turn in zip(turns, turns[1:]):  # f4: a turn starts where the one before ended
        if turn.time_start is None and turn.time_end is not None:
            turn.time_start = before.time_end
    return turns


# The time f4/f5transkript writes at the end of a paragraph: "#00:01:23-4#" (tenths after the
# dash). It is when the turn ends, not something said.
F4_STAMP = re.compile(r"[ \t]*#(?P<time>\d{1,2}:\d{2}:\d{2})(?:[-.,](?P<tenths>\d))?#[ \t]*$")


def _close(text: str, turns: list[Turn], turn: Turn | None) -> None:
    if turn is None:
        return
    stamp = F4_STAMP.search(text, turn.start_char, turn.end_char)
    if stamp is not None:
        turn.end_char = stamp.start()
        turn.time_end = (parse_seconds(stamp.group("time")) or 0.0) + int(
            stamp.group("tenths") or 0
        ) / 10
    if turn.end_char > turn.start_char:
        turns.append(turn)


def paragraph_turns(text: str) -> list[Turn]:
    """One turn per paragraph (text between blank lines), without a speaker."""
    turns = []
    for found in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        block = found.group(0).rstrip()
        turns.append(Turn(found.start(), found.start() + len(block)))
    return turns


# A respondent named by a code with an age or a gender, in a title or a note above the text:
# "Levensverhaal R03 (31 jaar), wijk Noord", "R07 (vrouw)"; not "Covid-19 (toen)".
_CODED = re.compile(
    rf"(?<![\w-]){_CODE_PART}[ \t]*"
    r"\([^()\n]*?\b(?:\d{1,3}[ -]?jaar|vrouw|man|[MVF])\b[^()\n]*\)"
)


def header_count(paragraphs: list[str]) -> int:
    """How many of the first ``paragraphs`` of a text without speaker labels are its header,
    by the rule :func:`parse_turns` applies to a text file; for a reader whose paragraphs
    come apart (subtitle cues, each one line), so a title and details cue are no speech."""
    text = "\n\n".join(paragraphs)
    return _header_paragraphs(text, paragraph_turns(text), title_block_end(text.split("\n")))


def _header_paragraphs(text: str, turns: list[Turn], title: int) -> int:
    """How many of an unlabelled text's first paragraphs (``turns``) are its header: a title
    and details above the story, no speech, as the lines above the first label are in a
    labelled transcript.

    The header is the title block (``title`` lines, :func:`title_block_end`) and the
    paragraphs after it that are titles or fields (lines of at most FIELD_WORDS words, no
    sentence) or name the respondent by a code with attributes (:data:`_CODED`). Short
    lines alone are no header (an unpunctuated transcript has them too): it needs the
    title block, a note field ("Datum: ...") or such a code. A text that is all header
    has none.
    """
    block_end = len("\n".join(text.split("\n")[:title])) if title else 0
    count, confirmed = 0, bool(title)
    for turn in turns:
        lines = text[turn.start_char : turn.end_char].split("\n")
        if turn.end_char <= block_end or any(_CODED.search(line) for line in lines):
            confirmed = True
        elif all(title_line(line) for line in lines):
            fields = [_FIELD.match(_masked(line)) for line in lines]
            confirmed = confirmed or any(
                f is not None and f.group("key").lower().rstrip(".") in NOT_SPEAKERS for f in fields
            )
        else:
            break
        count += 1
    return count if confirmed and count < len(turns) else 0
