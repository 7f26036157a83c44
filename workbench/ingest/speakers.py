"""Speakers per document, their roles, and the segments analysis should look at.

Interviews mix the interviewer's questions with the respondent's story; most analysis
(search counts, suggestions, patterns) should see only the respondent. The project setting
``analysis_speakers`` ("respondent" or "all") says which; :func:`analysis_segments` is the
one place that applies it, so every module limits analysis the same way. A document without
any speaker labels has nobody to exclude: all its segments count but its header (title,
details block: ``turns.header``). :func:`speech_sql` is the one rule for whose words a turn
holds; analysis, search, the overviews and the workshop all ask it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from workbench.errors import NotFound
from workbench.handle import Project
from workbench.ingest.roles import ROLES
from workbench.store import get_setting


def speech_sql(
    roles: Iterable[str], *, turn: str = "t", speaker: str = "sp", unknown: bool = False
) -> str:
    """SQL condition: turn ``turn`` (LEFT JOINed to its speaker as ``speaker``) holds words
    said by someone with one of ``roles`` (``unknown``: or by someone not named).

    One rule, so a researcher asking for speech gets the same turns everywhere:

    - a labelled turn is its speaker's, by the speaker's role;
    - a turn without speaker that is a header is nobody's speech: ingest marks it
      (``turns.header``: a title, a details block, a note naming the respondent by code and
      age, with or without labels), and in a labelled transcript every such turn above the
      first label is one (imported before migration m019 they carry no mark);
    - in a document without any speaker label the other turns are the respondent's story;
    - in a labelled document a turn without label after the first (a subtitle cue without
      a voice) is speech by someone unknown, only counted when ``unknown``.

    Roles outside :data:`~workbench.ingest.roles.ROLES` match nothing (they are never
    stored), so only known words reach the SQL text.
    """
    wanted = set(roles)
    known = [r for r in ROLES if r in wanted]
    parts = [f"{speaker}.role IN ({', '.join(repr(r) for r in known)})"] if known else []
    no_label = f"{turn}.speaker_id IS NULL AND NOT {turn}.header"
    if unknown:  # in a document without labels no turn comes after a first label
        parts.append(f"({no_label} AND {turn}.position > {_first_label(turn)})")
    elif "respondent" in known:
        parts.append(
            f"({no_label} AND NOT EXISTS "
            f"(SELECT 1 FROM speakers sx WHERE sx.document_id = {turn}.document_id))"
        )
    return f"({' OR '.join(parts) or '0'})"


def header_sql(turn: str = "t") -> str:
    """SQL condition: turn ``turn`` is a header line (a title, a details block), by the rule
    of :func:`speech_sql`: a turn without speaker marked so, or above the first label of a
    labelled transcript. Nobody's speech; a report that leaves out what is not a
    respondent's counts these apart, so it can name them next to the interviewer's turns."""
    return (
        f"({turn}.speaker_id IS NULL AND ({turn}.header OR {turn}.position < {_first_label(turn)}))"
    )


def _first_label(turn: str) -> str:
    """SQL: the position of the first labelled turn in ``turn``'s document (-1: none)."""
    return (
        f"coalesce((SELECT min(tx.position) FROM turns tx WHERE tx.document_id = "
        f"{turn}.document_id AND tx.speaker_id IS NOT NULL), -1)"
    )


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

    With "respondent": segments of respondent turns, plus the segments of documents that
    have no speakers at all but their header (:func:`speech_sql`). With "all": every
    segment, header lines too (the whole text, as agreement's ``all_speakers`` reads it).
    Each row carries the speaker label and role and the document's respondent id, in
    document order.

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


def analyses_respondents_only(project: Project) -> bool:
    """Whether analysis reads only what respondents say (setting ``analysis_speakers``, the
    default) rather than every turn; needs ``read``. Zoeken starts its "only respondents"
    switch from it, as the Project page says the setting counts for search too."""
    project.require("read")
    return get_setting(project.db, "analysis_speakers") != "all"


def analysis_sql(db: Any) -> str:
    """SQL condition: turn ``t`` (LEFT JOINed to its speaker as ``sp``) is one analysis sees,
    by the setting ``analysis_speakers``: a respondent's words (:func:`speech_sql`), or, with
    "all", every turn. Search asks it too, so hits turned into suggestions follow the same
    rule as the suggestion engine and agreement."""
    return "1" if get_setting(db, "analysis_speakers") == "all" else speech_sql(["respondent"])


def _analysis_query(db: Database, document_id: int | None, columns: str) -> sqlite3.Cursor:
    """``columns`` of the segments analysis sees (one document, or all), in document order."""
    where, params = [analysis_sql(db)], []
    if document_id is not None:
        where.append("s.document_id = ?")
        params.append(document_id)
    return db.execute(
        f"SELECT {columns} "
        "FROM segments s JOIN turns t ON t.id = s.turn_id "
        "JOIN documents d ON d.id = s.document_id "
        "LEFT JOIN speakers sp ON sp.id = t.speaker_id "
        f"WHERE {' AND '.join(where)} ORDER BY s.document_id, s.position",
        params,
    )
