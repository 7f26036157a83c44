"""Normalise a source's plain text while keeping REFI-QDA offsets pointing at the same words.

Other tools count positions in the text *as they wrote it*: with a byte order mark left off,
``\\r\\n`` line ends counted as two characters, decomposed accents, trailing spaces. The
workbench stores one normalised text per document (``text.normalise_text``). Every step
here records, for each output character, the position in the raw text it came from, so an
offset into the raw text maps to the offset of the same place in the normalised text.

Tools also differ in how they count (a *reading* of the offsets): NVivo (a .NET program)
counts UTF-16 code units instead of code points, which differs as soon as a text contains an
emoji; ATLAS.ti and QualCoder's "line endings for MAXQDA" write ``\\r\\n`` into the file but
count it as one character. :func:`guess_reading` picks, per source, the reading under which
the selections fall on word boundaries (and match their own quoted text); when the evidence
cannot tell two readings apart and they would place codings differently, it says so instead
of guessing.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.text import CONTROL, LINE_BREAKS, codepoint_at, normalise_text, unit_offsets


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


def _on_boundary(text: str, offset: int | None) -> bool:
    if offset is None or not 0 <= offset <= len(text):
        return False
    if offset in (0, len(text)):
        return True
    return not (text[offset - 1].isalnum() and text[offset].isalnum())


def _splits_crlf(raw: str, offset: int) -> bool:
    return 0 < offset < len(raw) and raw[offset - 1] == "\r" and raw[offset] == "\n"


def _same_words(a: str, b: str) -> bool:
    """Does a selection's name quote this text (our own names are cut off with "…")?"""
    a, b = " ".join(a.split()), " ".join(b.split())
    if not a or not b:
        return False
    if a.endswith("…"):
        return b.startswith(a[:-1])
    return a == b


class AmbiguousReading(Exception):
    """Two readings fit the selections equally well but put codings in different places."""

    def __init__(self, readings: list[Reading]) -> None:
        super().__init__(readings)
        self.readings = readings


def candidate_readings(raw: str) -> list[Reading]:
    """The readings that can differ for this text (the standard one first)."""
    units = ["codepoint"] + (["utf16"] if any(ord(c) > 0xFFFF for c in raw) else [])
    crlf = [False] + ([True] if "\r\n" in raw else [])
    return [Reading(u, c) for c in crlf for u in units]


def guess_reading(raw: str, spans: Sequence[tuple[int, int, str | None]]) -> Reading:
    """The reading under which the selections ``(start, end, name)`` fit ``raw`` best.

    A selection scores a point for each end on a word boundary, three when its name quotes
    the selected text, and loses everything when it falls outside the text. Readings that put
    every selection in the same place are equivalent (the standard one is kept); a tie
    between readings that do not is :class:`AmbiguousReading`.
    """
    candidates = candidate_readings(raw)
    if len(candidates) == 1 or not spans:
        return STANDARD
    scored = []
    for reading in candidates:
        to_raw = reading_map(raw, reading)
        placed, score = [], 0
        for start, end, name in spans:
            a, b = to_raw(start), to_raw(end)
            placed.append((a, b))
            if a is None or b is None or not a < b or _splits_crlf(raw, a) or _splits_crlf(raw, b):
                score -= 10
                continue
            score += _on_boundary(raw, a) + _on_boundary(raw, b)
            if name and _same_words(name, raw[a:b]):
                score += 3
        scored.append((score, reading, placed))
    best = max(s for s, _, _ in scored)
    top = [(r, p) for s, r, p in scored if s == best]
    if any(p != top[0][1] for _, p in top[1:]):
        raise AmbiguousReading([r for r, _ in top])
    return top[0][0]
