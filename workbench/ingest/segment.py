"""Sentences of each turn, with offsets into the document text and their lemmas.

A sentence never crosses a line break: each non-blank line of a turn goes through the
pipeline on its own (all lines of a document in one ``nlp.pipe`` call, so spaCy batches
them). Offsets are the line's offset plus spaCy's ``start_char``/``end_char``, trimmed of
whitespace, so ``text[start_char:end_char] == segment.text`` holds by construction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.language import Language

from workbench.ingest.model import Segment, Turn
from workbench.nlp import lemmas, pipe

_LINE = re.compile(r"[^\n]+")


def segment_turns(
    nlp: Language, text: str, turns: Sequence[Turn], *, batch_size: int = 512
) -> list[Segment]:
    """All sentences of ``turns`` in document order."""
    chunks: list[tuple[int, int]] = []          # (turn index, absolute start of the line)
    lines: list[str] = []
    for index, turn in enumerate(turns):
        for found in _LINE.finditer(text, turn.start_char, turn.end_char):
            line = found.group(0)
            if line.strip():
                chunks.append((index, found.start()))
                lines.append(line)
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
