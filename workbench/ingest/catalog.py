"""What a project holds: its documents with their source details, and overall counts.

Read-only views for the Project page and the CLI (pages do not run SQL themselves).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from workbench.handle import Project

COUNTED = ("documents", "speakers", "turns", "segments", "respondents")
# Open suggestions and rejected ones are rows of ``codings`` too, but nobody coded them: counted
# with the codings they read as "851 codings" in a project with 688 codings and 163 suggestions.
CODINGS = "SELECT count(*) FROM codings WHERE status = 'accepted'"
SUGGESTIONS = "SELECT count(*) FROM codings WHERE status = 'suggested'"


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
    ``codings`` only accepted ones, ``suggestions`` the open ones (neither counts rejected).
    Counts only, nothing about anyone: ``workbench info`` shows them without a ``--user``.
    """
    counts = {t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED}
    counts["codings"] = int(db.execute(CODINGS).fetchone()[0])
    counts["suggestions"] = int(db.execute(SUGGESTIONS).fetchone()[0])
    return counts
