"""Speakers per document, their roles, and the segments analysis should look at.

Interviews mix the interviewer's questions with the respondent's story; most analysis
(search counts, suggestions, patterns) should see only the respondent. The project setting
``analysis_speakers`` ("respondent" or "all") says which; :func:`analysis_segments` is the
one place that applies it, so every module limits analysis the same way. A document without
any speaker labels has nobody to exclude: all its segments count.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

from workbench.errors import NotFound
from workbench.handle import Project
from workbench.store import get_setting


def list_speakers(project: Project, document_id: int | None = None) -> list[dict[str, Any]]:
    """Speakers with their document, role, how much they say, and the start of their first turn.

    The acting user needs the ``read`` right: labels can be names and the sample is raw text.

    Aggregates per speaker first and cuts the samples in a second query, so the (large)
    document text is read once per speaker, not once per turn.
    """
    project.require("read")
    db = project.db
    if (
        document_id is not None
        and db.execute("SELECT 1 FROM documents WHERE id = ?", [document_id]).fetchone() is None
    ):  # an empty list would say the document has no speakers
        raise NotFound("codings.unknown_document", document=document_id)
    doc_filter = "AND document_id = ?" if document_id is not None else ""
    params = [document_id] if document_id is not None else []
    cur = db.execute(
        "SELECT s.id, s.document_id, d.name AS document, s.label, s.role, "
        "coalesce(a.n_turns, 0) AS n_turns, coalesce(a.n_chars, 0) AS n_chars "
        "FROM speakers s JOIN documents d ON d.id = s.document_id LEFT JOIN ("
        "  SELECT speaker_id, count(*) AS n_turns, sum(end_char - start_char) AS n_chars, "
        "  min(position) AS first FROM turns "
        f"  WHERE speaker_id IS NOT NULL {doc_filter} GROUP BY speaker_id"
        f") a ON a.speaker_id = s.id {'WHERE s.document_id = ?' if doc_filter else ''} "
        "ORDER BY s.document_id, a.first",
        params * 2,
    )
    names = [c[0] for c in cur.description]
    speakers = [dict(zip(names, r)) for r in cur.fetchall()]
    samples = dict(
        db.execute(
            "SELECT t.speaker_id, "
            "substr(d.text, t.start_char + 1, min(t.end_char - t.start_char, 100)) "
            "FROM turns t JOIN documents d ON d.id = t.document_id "
            "WHERE (t.speaker_id, t.position) IN (SELECT speaker_id, min(position) FROM turns "
            f"WHERE speaker_id IS NOT NULL {doc_filter} GROUP BY speaker_id)",
            params,
        ).fetchall()
    )
    for speaker in speakers:
        speaker["sample"] = samples.get(speaker["id"], "")
    return speakers


def analysis_segments(project: Project, document_id: int | None = None) -> list[dict[str, Any]]:
    """Segments to analyse, honouring the setting ``analysis_speakers``.

    With "respondent": segments of respondent turns, plus all segments of documents that
    have no speakers at all. With "all": every segment. Each row carries the speaker label and
    role and the document's respondent id, in document order.

    The rows hold transcript text. Analysis reads them to code (suggestions for a coder,
    the system coder too) and to evaluate (researchers and supervisors, who also code), so
    the acting user needs the ``code`` right; co-researchers are refused.
    """
    project.require("code")
    return _analysis_segments(project.db, document_id)


def analysis_segment_ids(db: Database, document_id: int) -> list[int]:
    """The ids of one document's segments analysis sees, in document order (internal: ids
    only, for the suggestion engine's training data, read after its callers' checks).

    Only the ids are read: a refit asks this for every document marked done, and reading
    their texts too cost about 0.05 s of a 0.65 s refit (85 interviews marked done)."""
    cur = _analysis_query(db, document_id, "s.id")
    return [r[0] for r in cur.fetchall()]


def _analysis_segments(db: Database, document_id: int | None) -> list[dict[str, Any]]:
    cur = _analysis_query(
        db,
        document_id,
        "s.id, s.document_id, s.turn_id, s.position, s.start_char, s.end_char, s.text, "
        "s.lemmas, sp.label AS speaker, sp.role, d.respondent_id",
    )
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _analysis_query(db: Database, document_id: int | None, columns: str) -> sqlite3.Cursor:
    """``columns`` of the segments analysis sees (one document, or all), in document order."""
    where, params = [], []
    if get_setting(db, "analysis_speakers") != "all":
        where.append(
            "(sp.role = 'respondent' OR (t.speaker_id IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM speakers x WHERE x.document_id = s.document_id)))"
        )
    if document_id is not None:
        where.append("s.document_id = ?")
        params.append(document_id)
    return db.execute(
        f"SELECT {columns} "
        "FROM segments s JOIN turns t ON t.id = s.turn_id "
        "JOIN documents d ON d.id = s.document_id "
        "LEFT JOIN speakers sp ON sp.id = t.speaker_id "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} "
        "ORDER BY s.document_id, s.position",
        params,
    )
