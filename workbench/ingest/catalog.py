"""What a project holds: its documents with their source details, and overall counts.

Read-only views for the Project page and the CLI (pages do not run SQL themselves).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from workbench.handle import Project
from workbench.ingest.speakers import header_sql, speech_sql

# Open suggestions and rejected ones are rows of ``codings`` too, but nobody coded them: counted
# with the codings they read as "851 codings" in a project with 688 codings and 163 suggestions.
CODINGS = "SELECT count(*) FROM codings WHERE status = 'accepted'"
SUGGESTIONS = "SELECT count(*) FROM codings WHERE status = 'suggested'"
# The sentences of header lines: a title, a details block (see project_counts).
HEADER_SEGMENTS = (
    f"SELECT count(*) FROM segments s JOIN turns t ON t.id = s.turn_id WHERE {header_sql()}"
)
# The sentences respondents say, by the one rule analysis reads them by (no header lines).
RESPONDENT_SEGMENTS = (
    "SELECT count(*) FROM segments s JOIN turns t ON t.id = s.turn_id "
    f"LEFT JOIN speakers sp ON sp.id = t.speaker_id WHERE {speech_sql(['respondent'])}"
)
# What `workbench info` and the Project page count, in the order they show it.
COUNTS = {
    "documents": "SELECT count(*) FROM documents",
    "speakers": "SELECT count(*) FROM speakers",
    "turns": "SELECT count(*) FROM turns",
    "header_turns": f"SELECT count(*) FROM turns t WHERE {header_sql()}",
    "segments": "SELECT count(*) FROM segments",
    "header_segments": HEADER_SEGMENTS,
    "respondent_segments": RESPONDENT_SEGMENTS,
    "respondents": "SELECT count(*) FROM respondents",
    "codings": CODINGS,
    "suggestions": SUGGESTIONS,
}


def list_documents(project: Project) -> list[dict[str, Any]]:
    """Documents in import order with format, encoding, words, respondent and speakers.

    Document names often hold names: the acting user needs the ``read`` right.
    """
    project.require("read")
    cur = project.db.execute(
        "SELECT d.id, d.name, d.source_name, d.source_format, d.encoding, d.n_words, "
        "r.code AS respondent, d.imported_at, d.imported_by, "
        "(SELECT count(*) FROM speakers s WHERE s.document_id = d.id) AS n_speakers, "
        "(SELECT count(*) FROM segments g WHERE g.document_id = d.id) AS n_segments "
        "FROM documents d LEFT JOIN respondents r ON r.id = d.respondent_id ORDER BY d.id"
    )
    names = [c[0] for c in cur.description]
    return [dict(zip(names, found)) for found in cur.fetchall()]


def project_counts(db: Database) -> dict[str, int]:
    """How many documents, speakers, turns, segments, respondents, codings and suggestions.

    ``speakers`` counts a speaker once per document (the interviewer of ten interviews is ten);
    ``turns`` every turn and ``header_turns`` how many are header lines (a title, a details
    block: :func:`~workbench.ingest.speakers.header_sql`); ``segments`` every sentence,
    ``header_segments`` how many of them are in header lines, which no analysis reads, and
    ``respondent_segments`` how many are respondents' words
    (:func:`~workbench.ingest.speakers.speech_sql`), what analysis reads by default, so
    "2068 sentences" is not taken for what analysis sees;
    ``codings`` only accepted ones, ``suggestions`` the open ones (neither counts rejected).
    Counts only, nothing about anyone: ``workbench info`` shows them without a ``--user``.
    """
    return {name: int(db.execute(sql).fetchone()[0]) for name, sql in COUNTS.items()}
