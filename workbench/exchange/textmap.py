"""Which way a REFI-QDA source's offsets were counted, guessed from its selections.

The text and offset machinery is the core's (:mod:`workbench.text`): ``normalise_mapped``
keeps an offset map while normalising, ``reading_map`` reads offsets counted in UTF-16 code
units or with ``\\r\\n`` as one character. What is specific to exchanging projects is the
guess: NVivo (a .NET program) counts UTF-16 code units instead of code points, which differs
as soon as a text contains an emoji; ATLAS.ti and QualCoder's "line endings for MAXQDA" write
``\\r\\n`` into the file but count it as one character. A ``.qdpx`` does not say which, so
:func:`guess_reading` picks, per source, the reading under which the selections fall on word
boundaries (and match their own quoted text); when the evidence cannot tell two readings
apart and they would place codings differently, it says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.text import STANDARD, Reading, candidate_readings, reading_map


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
