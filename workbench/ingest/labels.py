"""Speaker labels at the start of a line: ``I:``, ``Respondent:``, ``Int.``, ``Anna:``.

A transcript in plain text marks who speaks with a label at line start, sometimes with a
timestamp before or after it (``[00:01:23] I: ...``, ``00:01:23 I: ...``,
``Anna (00:01:23): ...``). Known labels count from their first use; any other name must recur
(at least twice) and must not be an ordinary phrase such as "Let op:" or "Ik zei:", so a colon
in a sentence never invents a speaker. Without labels, each paragraph (text between blank lines) is one turn.
The document text keeps the labels; turns point at the spoken words only.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.lang.nl.stop_words import STOP_WORDS

from workbench.ingest.model import Turn

TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TS = rf"[\[(]\s*{TIMESTAMP}\s*[\])]"
# Labels that are speaker labels whenever they start a line with a separator.
# Words in any case; single letters only as capitals ("a:" may start a list item).
KNOWN_LABELS = (
    "(?i:interviewer|interviewster|interviewee|respondent|respondente|geïnterviewde|"
    "geinterviewde|onderzoeker|deelnemer|deelneemster|moderator|gespreksleider|vraag|"
    "antwoord|int|resp)|[IRVAQ]"
)
_WORD = r"[^\W\d_][\w'’]*\.?"  # a word, maybe abbreviated (Dhr., Mw.)
_PARTICLE = r"(?:van|de|der|den|het|ten|ter|te|'t|von|la|le|du|da|di|el|al|bin|ben)"
_NAME = rf"{_WORD}(?:\d{{1,2}})?(?:[ ](?:{_PARTICLE}|{_WORD})){{0,3}}"
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
}
_KNOWN = re.compile(rf"(?:{KNOWN_LABELS})\d{{0,2}}")


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


def _candidate(line: str) -> re.Match[str] | None:
    found = LINE.match(line)
    if found is None:
        return None
    if found.group("dotted"):
        return found
    label = found.group("label")
    if label.lower().rstrip(".") in NOT_SPEAKERS:
        return None
    if not is_known_label(label):
        words = label.split(" ")
        # A name: every word capitalised except particles (van, de, ter ...).
        if not words[0][:1].isupper() or not all(
            w[:1].isupper() or re.fullmatch(_PARTICLE, w) for w in words
        ):
            return None
        if all(w.lower().rstrip(".") in STOP_WORDS for w in words):
            return None
    return found


def _label_of(found: re.Match[str]) -> str:
    return (found.group("dotted") or found.group("label")).strip()


def find_labels(text: str, *, min_count: int = 2) -> set[str]:
    """The speaker labels ``text`` uses: known ones, and other names used ``min_count`` times.

    Subtitles pass ``min_count=1``: there a cue opening with "Name:" is nearly always a speaker.
    """
    counts: Counter[str] = Counter()
    for line in text.split("\n"):
        found = _candidate(line)
        if found is not None:
            counts[_label_of(found)] += 1
    accepted = {label for label, n in counts.items() if is_known_label(label) or n >= min_count}
    # One stray "R:" in an unlabelled text is not a labelled transcript.
    if sum(counts[label] for label in accepted) < 2:
        return set()
    return accepted


def parse_turns(text: str) -> list[Turn]:
    """Turns of a normalised text: by speaker labels when it has them, else by paragraph."""
    labels = find_labels(text)
    if not labels:
        return paragraph_turns(text)
    turns: list[Turn] = []
    current: Turn | None = None
    pending = False  # a label alone on its line: the words follow below
    offset = 0
    for line in text.split("\n"):
        line_end = offset + len(line)
        found = _candidate(line)
        if found is not None and _label_of(found) in labels:
            _close(turns, current)
            stamp = (
                found.group("ts0") or found.group("ts1") or found.group("ts2") or found.group("ts3")
            )
            rest_start = offset + found.start("rest")
            current = Turn(rest_start, line_end, _label_of(found), parse_seconds(stamp))
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
    _close(turns, current)
    return turns


def _close(turns: list[Turn], turn: Turn | None) -> None:
    if turn is not None and turn.end_char > turn.start_char:
        turns.append(turn)


def paragraph_turns(text: str) -> list[Turn]:
    """One turn per paragraph (text between blank lines), without a speaker."""
    turns = []
    for found in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        block = found.group(0).rstrip()
        turns.append(Turn(found.start(), found.start() + len(block)))
    return turns
