"""Where a quote sits in its interview: the place a jump to the coding page opens.

Every quote table of the patterns overviews carries the id of a coding behind each row
(``coding``; ``coding_a``/``coding_b`` for a co-occurrence). :func:`place_of` turns it into
the place the coding page selects: the segment for a segment coding, the span for a free span
(see workbench.app.jump).
"""

from __future__ import annotations

from typing import Any

from workbench.errors import NotFound
from workbench.handle import Project


def place_of(project: Project, coding: int) -> dict[str, Any]:
    """``{document_id, segment_id, start_char, end_char}`` of coding ``coding``.

    A segment coding gives its segment (and no span: the coding page selects the whole
    segment); a free span gives its offsets and ``segment_id`` None. Needs ``read``.
    """
    project.require("read")
    found = project.db.execute(
        "SELECT document_id, segment_id, start_char, end_char FROM codings WHERE id = ?",
        [int(coding)],
    ).fetchone()
    if found is None:
        raise NotFound("patterns.unknown_coding", coding=coding)
    document_id, segment_id, start, end = found
    if segment_id is not None:
        return {
            "document_id": document_id,
            "segment_id": segment_id,
            "start_char": None,
            "end_char": None,
        }
    return {"document_id": document_id, "segment_id": None, "start_char": start, "end_char": end}
