"""Read-side views of documents for the coding screens: turns, segments and their codings.

One query per table per document (not per segment), so opening an 8,000-word transcript stays
well under the 300 ms the coding page may spend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


from workbench.consistency import visible_codings
from workbench.ingest.catalog import list_documents  # noqa: F401  (re-exported for pages)
from workbench.errors import NotFound
from workbench.handle import Project
from workbench.text import convert_offset, unit_length


@dataclass
class SegmentView:
    id: int
    start_char: int
    end_char: int
    text: str
    codings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TurnView:
    id: int
    position: int
    speaker: str | None
    role: str | None
    time_start: float | None
    segments: list[SegmentView] = field(default_factory=list)


@dataclass
class DocumentView:
    id: int
    name: str
    respondent: str | None
    text: str
    turns: list[TurnView]
    free_codings: list[dict[str, Any]]  # codings on spans that are not exactly one segment


def document_view(
    project: Project,
    document_id: int,
    *,
    coders: list[str] | None = None,
    statuses: tuple[str, ...] = ("accepted", "suggested"),
) -> DocumentView:
    """Turns with their segments and the codings the acting user may see (blind coding
    respected), limited to the given coders and statuses."""
    project.require("read")  # co-researchers see pseudonymised fragments only
    db = project.db
    doc = db.execute(
        "SELECT d.id, d.name, r.code, d.text FROM documents d "
        "LEFT JOIN respondents r ON r.id = d.respondent_id WHERE d.id = ?",
        [document_id],
    ).fetchone()
    if doc is None:
        raise NotFound("codings.unknown_document", document=document_id)
    turns: dict[int, TurnView] = {}
    for t in db.query(
        "SELECT t.id, t.position, s.label, s.role, t.time_start FROM turns t "
        "LEFT JOIN speakers s ON s.id = t.speaker_id WHERE t.document_id = ? ORDER BY t.position",
        [document_id],
    ):
        turns[t["id"]] = TurnView(t["id"], t["position"], t["label"], t["role"], t["time_start"])
    segments: dict[int, SegmentView] = {}
    for s in db.query(
        "SELECT id, turn_id, start_char, end_char, text FROM segments "
        "WHERE document_id = ? ORDER BY position",
        [document_id],
    ):
        segment = SegmentView(s["id"], s["start_char"], s["end_char"], s["text"])
        segments[s["id"]] = segment
        turns[s["turn_id"]].segments.append(segment)
    free = []
    for coding in visible_codings(project, document_id=document_id):
        if coding["status"] not in statuses or (
            coders is not None and coding["coder"] not in coders
        ):
            continue
        coding["evidence"] = json.loads(coding["evidence"]) if coding["evidence"] else []
        if coding["segment_id"] in segments:
            segments[coding["segment_id"]].codings.append(coding)
        else:
            free.append(coding)
    return DocumentView(doc[0], doc[1], doc[2], doc[3], list(turns.values()), free)


def span_from_selection(
    project: Project, segment_id: int, start_utf16: int, end_segment_id: int, end_utf16: int
) -> tuple[int, int, int]:
    """Document offsets (code points) for a browser selection given in UTF-16 units.

    The browser reports where a selection starts and ends as (element, UTF-16 offset inside
    it); segments are the elements. Returns ``(document_id, start_char, end_char)``, ordered,
    without the white space at either end: a drag that starts just after a full stop or ends
    after a word's space would otherwise store a coding whose text starts or ends with a space
    or line break. Punctuation inside stays: it is part of what was said. But a drag that
    starts on the full stop (or closing quote) of the sentence before, or ends on the opening
    mark of the sentence after, would store '. Het was ...' or '... tijd. "': a sentence's
    tail or head without a word is left out when the selection goes on past it. All white
    space gives an empty span (start == end). The offsets are counted in the segments' text,
    which only readers of the project (the coding page) may see.
    """
    project.require("read")
    db = project.db
    ends = []
    for seg_id, offset in ((segment_id, start_utf16), (end_segment_id, end_utf16)):
        found = db.execute(
            "SELECT document_id, start_char, text FROM segments WHERE id = ?", [seg_id]
        ).fetchone()
        if found is None:
            raise NotFound("codings.unknown_segment", segment=seg_id)
        offset = min(offset, unit_length(found[2], "utf16"))
        ends.append((found[0], found[1] + convert_offset(found[2], offset, "utf16", "codepoint")))
    (doc_a, a), (doc_b, b) = ends
    if doc_a != doc_b:
        raise ValueError("A selection cannot span two documents.")
    a, b = min(a, b), max(a, b)
    tail = db.execute(
        "SELECT end_char, substr(text, ? - start_char + 1) FROM segments"
        " WHERE document_id = ? AND start_char <= ? AND ? < end_char AND end_char < ?",
        [a, doc_a, a, a, b],
    ).fetchone()
    if tail and not any(ch.isalnum() for ch in tail[1]):
        a = tail[0]
    head = db.execute(
        "SELECT start_char, substr(text, 1, ? - start_char) FROM segments"
        " WHERE document_id = ? AND start_char < ? AND ? <= end_char AND start_char > ?",
        [b, doc_a, b, b, a],
    ).fetchone()
    if head and not any(ch.isalnum() for ch in head[1]):
        b = head[0]
    chosen = db.execute(
        "SELECT substr(text, ? + 1, ? - ?) FROM documents WHERE id = ?", [a, b, a, doc_a]
    ).fetchone()[0]
    lead = len(chosen) - len(chosen.lstrip())
    return doc_a, a + lead, a + max(lead, len(chosen.rstrip()))
