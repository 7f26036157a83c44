"""Normalise a source's plain text while keeping REFI-QDA offsets pointing at the same words.

Other tools count positions in the text *as they wrote it*: with a byte order mark left off,
``\\r\\n`` line ends counted as two characters, decomposed accents, trailing spaces. The
workbench stores one normalised text per document (``text.normalise_text``). Every step
here records, for each output character, the position in the raw text it came from, so an
offset into the raw text maps to the offset of the same place in the normalised text.

NVivo (a .NET program) counts UTF-16 code units instead of code points, which differs as
soon as a text contains an emoji or another character outside the Basic Multilingual Plane.
:func:`guess_unit` picks the reading under which the selections fall on word boundaries.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.text import normalise_text

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


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


def _sub(pattern: re.Pattern[str], repl: str, text: str, origin: list[int]) -> tuple[str, list[int]]:
    out: list[str] = []
    out_origin: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(text[last:match.start()])
        out_origin.extend(origin[last:match.start()])
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
    text, origin = _sub(_LINE_BREAKS, "\n", text, origin)
    text, origin = _sub(_CONTROL, "", text, origin)
    text, origin = _strip_lines(text, origin)
    return MappedText(raw=raw, text=text, origin=origin)


def utf16_to_codepoints(text: str) -> dict[int, int]:
    """Map every UTF-16 offset that falls on a character boundary to its code-point offset."""
    mapping: dict[int, int] = {}
    unit = 0
    for i, char in enumerate(text):
        mapping[unit] = i
        unit += 2 if ord(char) > 0xFFFF else 1
    mapping[unit] = len(text)
    return mapping


def _on_boundary(text: str, offset: int | None) -> bool:
    if offset is None or not 0 <= offset <= len(text):
        return False
    if offset in (0, len(text)):
        return True
    return not (text[offset - 1].isalnum() and text[offset].isalnum())


def guess_unit(text: str, offsets: Iterable[int]) -> str:
    """``"codepoint"`` (the standard) or ``"utf16"``: the reading that puts more offsets on
    word boundaries. Only texts with characters beyond U+FFFF can tell the two apart."""
    offsets = list(offsets)
    if not offsets or all(ord(c) <= 0xFFFF for c in text):
        return "codepoint"
    as_utf16 = utf16_to_codepoints(text)
    cp = sum(_on_boundary(text, o) for o in offsets)
    u16 = sum(_on_boundary(text, as_utf16.get(o)) for o in offsets)
    return "utf16" if u16 > cp else "codepoint"
