"""Sentences of each turn, with offsets into the document text and their lemmas.

A sentence never crosses a line break: each non-blank line of a turn goes through the
pipeline on its own (all lines of a document in one ``nlp.pipe`` call, so spaCy batches
them). Offsets are the line's offset plus spaCy's ``start_char``/``end_char``, trimmed of
whitespace, so ``text[start_char:end_char] == segment.text`` holds by construction.

A very long line (a whole interview pasted as one paragraph; spaCy refuses a text over
``nlp.max_length``, 1,000,000 characters, with error E088, and slows down long before) is
cut into pieces of at most ``MAX_PIECE_CHARS`` after a sentence end, else after a space,
before spaCy sees it. Pieces keep their offsets, so nothing else changes: the importer and
the REFI-QDA importer (both call :func:`segment_turns`) never refuse such a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from spacy.language import Language

from workbench.ingest.model import Segment, Turn
from workbench.nlp import lemmas, pipe

_LINE = re.compile(r"[^\n]+")
MAX_PIECE_CHARS = 10_000
# A sentence end: . ! ? or ... (and closing quotes or brackets) followed by white space.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+")


def segment_turns(
    nlp: Language, text: str, turns: Sequence[Turn], *, batch_size: int = 512
) -> list[Segment]:
    """All sentences of ``turns`` in document order."""
    chunks: list[tuple[int, int]] = []  # (turn index, absolute start of the line)
    lines: list[str] = []
    for index, turn in enumerate(turns):
        for found in _LINE.finditer(text, turn.start_char, turn.end_char):
            for start, piece in pieces(found.group(0), found.start()):
                if piece.strip():
                    chunks.append((index, start))
                    lines.append(piece)
    segments: list[Segment] = []
    for (index, offset), doc in zip(chunks, pipe(nlp, lines, batch_size=batch_size)):
        for sent in doc.sents:
            sent_text = sent.text
            stripped = sent_text.strip()
            if not stripped:
                continue
            start = offset + sent.start_char + (len(sent_text) - len(sent_text.lstrip()))
            end = start + len(stripped)
            segments.append(Segment(index, start, end, stripped, " ".join(lemmas(sent))))
    return segments


def pieces(line: str, offset: int = 0, limit: int = MAX_PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` pieces of ``line`` of at most ``limit`` characters.

    A piece ends after the last sentence end in the second half of its window, else after
    the last space, else (a run without spaces) at the limit itself.
    """
    start = 0
    while len(line) - start > limit:
        end = start + limit
        cut = None
        for found in _SENTENCE_END.finditer(line, start + limit // 2, end):
            cut = found.end()
        if cut is None:
            cut = line.rfind(" ", start + 1, end) + 1
        if cut <= start:
            cut = end
        yield offset + start, line[start:cut]
        start = cut
    yield offset + start, line[start:]
