"""Retrieve every segment of a code: the QDA "code retrieval" list, each row a place to jump to.

The coding page shows it for the chosen code; each row carries the document and the
segment (or free span) so the page can open the transcript at that place. Blind double
coding is respected through :func:`workbench.consistency.visible_codings`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.codings import code_id
from workbench.consistency import visible_codings
from workbench.handle import Project


def code_segments(
    project: Project,
    code: int | str,
    *,
    coders: Iterable[str] | None = None,
    statuses: tuple[str, ...] = ("accepted",),
) -> list[dict[str, Any]]:
    """Every coded place of ``code`` that the acting user may see, in document order.

    Rows: coding id, document id and name, respondent code, segment id (None for a free span),
    start/end offsets, the coded text, coder and when it was coded.
    """
    project.require("read")
    db = project.db
    cid = code_id(project, code)
    wanted = None if coders is None else set(coders)
    documents = db.execute(
        "SELECT DISTINCT c.document_id, d.name, r.code FROM codings c "
        "JOIN documents d ON d.id = c.document_id "
        "LEFT JOIN respondents r ON r.id = d.respondent_id "
        "WHERE c.code_id = ? ORDER BY c.document_id",
        [cid],
    ).fetchall()
    rows = []
    for document_id, name, respondent in documents:
        for c in visible_codings(project, document_id=document_id):
            if c["code_id"] != cid or c["status"] not in statuses:
                continue
            if wanted is not None and c["coder"] not in wanted:
                continue
            rows.append(
                {
                    "coding_id": c["id"],
                    "document_id": document_id,
                    "document": name,
                    "respondent": respondent,
                    "segment_id": c["segment_id"],
                    "start_char": c["start_char"],
                    "end_char": c["end_char"],
                    "text": c["text"],
                    "coder": c["coder"],
                    "created_at": c["created_at"],
                }
            )
    return rows
