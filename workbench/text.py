"""Plain text as the workbench stores it, and offsets into it: the one normaliser and the
one offset map of the workbench.

Every document keeps one normalised text (:func:`normalise_text`); every segment and coding
is a pair of offsets into it. Offsets here are Python string indices, which are Unicode code
points: the unit REFI-QDA and spaCy (``Span.start_char``) use. Browsers and NVivo count UTF-16
code units, so their offsets go through :func:`convert_offset` / :func:`unit_offsets` (the
one converter) before they are stored, and back when a file for such a tool is written.

Text from another tool comes with offsets into the text *as that tool wrote it* (a byte order
mark left on, ``\\r\\n`` line ends, decomposed accents, trailing spaces).
:func:`normalise_mapped` applies the same steps as :func:`normalise_text` while recording, for
each output character, where it came from, so such an offset maps onto the same place in the
normalised text; a :class:`Reading` says how a tool counted (code points or UTF-16 units,
``\\r\\n`` as one character or two) and :func:`reading_map` turns its offsets into code points.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# The normalisation rules: applied by normalise_text, and step by step (keeping an offset map)
# by normalise_mapped.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def id_words(name: str) -> str:
    """``name`` as an id writes it: ASCII, lower case, words joined by "-" ("Hulp van René"
    -> "hulp-van-rene"). One rule for the code ids (``codebook.slugify``) and for finding a
    name inside them (``privacy.pseudonyms``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def normalise_text(raw: str) -> str:
    """The canonical form of a transcript's text.

    NFC (so 'é' is one code point whatever the source wrote), ``\\n`` line ends, no byte order
    mark or other invisible control characters, no trailing spaces on a line, no leading or
    trailing blank lines. Tabs stay (tables in Word files become tab-separated lines).
    """
    text = unicodedata.normalize("NFC", raw)
    text = LINE_BREAKS.sub("\n", text)
    text = CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip("\n")


def count_words(text: str) -> int:
    """Words as a reader counts them (hyphenated and apostrophe words count once)."""
    return len(_WORD.findall(text))


UNITS = ("codepoint", "utf16", "utf8")


def _unit_length(char: str, unit: str) -> int:
    if unit == "codepoint":
        return 1
    if unit == "utf16":
        return 2 if ord(char) > 0xFFFF else 1
    return len(char.encode("utf-8"))


def unit_length(text: str, unit: str) -> int:
    """The length of ``text`` counted in ``unit`` (a browser's selection ends there at most)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be among {UNITS}. Got {unit!r} instead.")
    return sum(_unit_length(char, unit) for char in text) if unit != "codepoint" else len(text)


def unit_offsets(text: str, unit: str) -> list[int]:
    """Where each code point of ``text`` starts, counted in ``unit``; one entry more for the
    end. Strictly increasing, so an offset in ``unit`` is found with a binary search."""
    if unit not in UNITS:
        raise ValueError(f"unit must be among {UNITS}. Got {unit!r} instead.")
    if unit == "codepoint":
        return list(range(len(text) + 1))
    out = [0] * (len(text) + 1)
    total = 0
    for i, char in enumerate(text):
        out[i] = total
        total += _unit_length(char, unit)
    out[len(text)] = total
    return out


def codepoint_at(table: list[int], offset: int) -> int | None:
    """The code point index whose start is ``offset`` in the table's unit (see
    :func:`unit_offsets`), or None when ``offset`` falls inside a character or past the end."""
    i = bisect.bisect_left(table, offset)
    return i if i < len(table) and table[i] == offset else None


def convert_offset(text: str, offset: int, from_unit: str, to_unit: str) -> int:
    """Convert an offset into ``text`` between code points, UTF-16 code units and UTF-8 bytes.

    An offset that falls inside a character (half a surrogate pair, a byte in the middle of
    a UTF-8 sequence) raises ``ValueError``: silently rounding would shift a coding.
    """
    if from_unit not in UNITS or to_unit not in UNITS:
        raise ValueError(f"units must be among {UNITS}. Got {from_unit!r}, {to_unit!r} instead.")
    if offset < 0:
        raise ValueError(f"offset must be >= 0. Got {offset} instead.")
    if from_unit == to_unit:
        return offset
    index = codepoint_at(unit_offsets(text, from_unit), offset)
    if index is None:
        raise ValueError(
            f"offset {offset} ({from_unit}) is not on a character boundary of the text"
        )
    return unit_offsets(text, to_unit)[index] if to_unit != "codepoint" else index


# --- normalising with an offset map ------------------------------------------------------


@dataclass(frozen=True)
class MappedText:
    """A normalised text and, per character, where it came from in the raw text."""

    raw: str
    text: str
    origin: list[int]  # origin[i] = index in raw of text[i]; non-decreasing

    def map_offset(self, offset: int) -> int:
        """The offset in ``text`` of the place at ``offset`` in ``raw``.

        Characters removed by normalisation collapse onto the next kept character, so a span
        keeps exactly the characters of the raw span that survived.
        """
        return bisect.bisect_left(self.origin, offset)

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        return self.map_offset(start), self.map_offset(end)


def _nfc(raw: str, origin: list[int]) -> tuple[str, list[int]]:
    """NFC per base character and its combining marks, so each output char knows its source."""
    if unicodedata.is_normalized("NFC", raw):
        return raw, origin
    out: list[str] = []
    out_origin: list[int] = []
    start = 0
    for i in range(1, len(raw) + 1):
        if i == len(raw) or unicodedata.combining(raw[i]) == 0:
            piece = unicodedata.normalize("NFC", raw[start:i])
            out.append(piece)
            out_origin.extend([origin[start]] * len(piece))
            start = i
    return "".join(out), out_origin


def _sub(
    pattern: re.Pattern[str], repl: str, text: str, origin: list[int]
) -> tuple[str, list[int]]:
    out: list[str] = []
    out_origin: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(text[last : match.start()])
        out_origin.extend(origin[last : match.start()])
        out.append(repl)
        out_origin.extend([origin[match.start()]] * len(repl))
        last = match.end()
    out.append(text[last:])
    out_origin.extend(origin[last:])
    return "".join(out), out_origin


def _strip_lines(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Drop trailing whitespace on every line, then blank lines at the start and end."""
    keep = [True] * len(text)
    pos = 0
    for line in text.split("\n"):
        for i in range(pos + len(line.rstrip()), pos + len(line)):
            keep[i] = False
        pos += len(line) + 1
    text = "".join(c for c, k in zip(text, keep) if k)
    origin = [o for o, k in zip(origin, keep) if k]
    lead = len(text) - len(text.lstrip("\n"))
    tail = len(text.rstrip("\n"))
    if tail <= lead:
        return "", []
    return text[lead:tail], origin[lead:tail]


def normalise_mapped(raw: str) -> MappedText:
    """``text.normalise_text(raw)`` with the offset map that goes with it."""
    mapped = _steps(raw, compose=True)
    if mapped.text != normalise_text(raw):
        # Only scripts whose base characters compose with each other (Hangul jamo) get
        # here: keep them as written rather than risk shifting a coding.
        mapped = _steps(raw, compose=False)
    return mapped


def _steps(raw: str, *, compose: bool) -> MappedText:
    origin = list(range(len(raw)))
    text = raw
    if compose:
        text, origin = _nfc(text, origin)
    text, origin = _sub(LINE_BREAKS, "\n", text, origin)
    text, origin = _sub(CONTROL, "", text, origin)
    text, origin = _strip_lines(text, origin)
    return MappedText(raw=raw, text=text, origin=origin)


# --- how other tools count offsets ------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """How a tool counted its offsets: in ``unit`` (codepoint or utf16), with ``\\r\\n``
    counted as one character (``crlf_one``) or as two (the raw text as written)."""

    unit: str = "codepoint"
    crlf_one: bool = False

    @property
    def standard(self) -> bool:
        return self.unit == "codepoint" and not self.crlf_one


STANDARD = Reading()


def reading_map(raw: str, reading: Reading) -> Callable[[int], int | None]:
    """A function from an offset counted under ``reading`` to a code-point offset into
    ``raw`` (None when the offset falls inside a character or outside the text)."""
    if reading.standard:
        return lambda o: o if 0 <= o <= len(raw) else None
    text = raw.replace("\r\n", "\n") if reading.crlf_one else raw
    table = unit_offsets(text, reading.unit)
    # Where each collapsed "\r\n" sits in ``text``: every one before an offset adds a "\r".
    folded = (
        [m.start() - k for k, m in enumerate(re.finditer("\r\n", raw))] if reading.crlf_one else []
    )

    def to_raw(offset: int) -> int | None:
        index = codepoint_at(table, offset)
        if index is None:
            return None
        return index + bisect.bisect_left(folded, index)

    return to_raw


def candidate_readings(raw: str) -> list[Reading]:
    """The readings that can differ for this text (the standard one first)."""
    units = ["codepoint"] + (["utf16"] if any(ord(c) > 0xFFFF for c in raw) else [])
    crlf = [False] + ([True] if "\r\n" in raw else [])
    return [Reading(u, c) for c in crlf for u in units]
