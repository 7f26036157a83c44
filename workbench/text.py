"""Plain text as the workbench stores it, and offsets into it.

Every document keeps one normalised text; every segment and coding is a pair of offsets into
it. Offsets here are Python string indices, which are Unicode code points: the unit REFI-QDA
and spaCy (``Span.start_char``) use. Browsers and NVivo count UTF-16 code units, so their
offsets go through :func:`convert_offset` / :func:`unit_offsets` (the one converter of the
workbench) before they are stored, and back when a file for such a tool is written.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

# The normalisation rules, shared with workbench.exchange.textmap (which keeps an offset map
# while applying exactly these steps).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


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
