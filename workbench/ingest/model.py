"""Plain data passed between the readers, the segmenter and the importer.

Readers turn a file into a :class:`ParsedDocument`: the normalised text and its turns, each
turn a span of that text (the spoken words, without speaker label or timestamp). Nothing
here touches the database, so readers are easy to test and reuse (REFI-QDA import, benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Turn:
    """One speaker's contribution: ``text[start_char:end_char]`` is what was said."""

    start_char: int
    end_char: int
    speaker: str | None = None  # label as written (I, R, Anna); None: no label
    time_start: float | None = None  # seconds
    time_end: float | None = None
    # Above the interview (title, details block, a note naming the respondent): kept in the
    # text and segmented, but no speech, so residents in the workshop never see it.
    header: bool = False


@dataclass
class ParsedDocument:
    """A transcript as read from one file, before it is stored."""

    text: str  # normalised (see workbench.text.normalise_text)
    turns: list[Turn]
    format: str  # txt, md, docx, odt, pdf, vtt, srt
    encoding: str | None = None  # detected encoding of a text file; None for zip formats
    stripped: list[str] = field(default_factory=list)  # front matter and template tags removed
    # Text that may not read as printed (a PDF's columns or tables): {"key", "params"} each,
    # a message the importer passes on to the user.
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns if t.speaker is not None))


@dataclass
class Segment:
    """One sentence of a turn, with code-point offsets into the document text."""

    turn_index: int
    start_char: int
    end_char: int
    text: str
    lemmas: str = ""
