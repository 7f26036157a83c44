"""Read what an export needs from the project: codes, codings, documents, cases, memos.

Shared by the REFI-QDA and the table exports so both show the same codings, the same text
(pseudonymised or original) and the same offsets. Every reader takes the project and asks
for ``export`` itself: what it returns leaves the project, so a reader called without
:func:`require_export` first is still refused for a role that may not export.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import events
from workbench.exchange.pseudo import pseudonymised_texts
from workbench.handle import Project
from workbench.store import record_event, transaction


@dataclass
class DocumentText:
    """A document's exported text and how offsets into the stored text map onto it."""

    id: int
    text: str
    map_span: Callable[[int, int], tuple[int, int]] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.map_span is None:
            return start, end
        new_start, new_end = self.map_span(start, end)
        return new_start, max(new_end, new_start)


def require_export(project: Project, *, pseudonymise: bool) -> None:
    """Exports need ``export``; the original (not pseudonymised) text needs the key role."""
    project.require("export")
    if not pseudonymise:
        project.require_original_text()


# The export formats and the event each logs.
EXPORTS = {"csv": events.EXPORT_CSV, "xlsx": events.EXPORT_XLSX, "qdpx": events.EXPORT_QDPX}


def log_export(
    project: Project,
    *,
    format: str,
    path: str,
    pseudonymise: bool,
    include_suggestions: bool,
) -> None:
    """Record who exported what: an export of original text is a privacy-relevant act."""
    project.require("export")
    with transaction(project.db):
        record_event(
            project.db,
            project.user,
            EXPORTS[format](
                None,
                None,
                {
                    "file": Path(path).name,
                    "pseudonymised": pseudonymise,
                    "include_suggestions": include_suggestions,
                },
            ),
        )


CODER_LABEL = "[Codeur {n}]"


class CoderCodes(dict[str, str]):
    """``{user name: "[Codeur 1]", ...}`` for an export that names no team member.

    Why: coders and memo authors are the research team, not respondents, so their names are
    no pseudonyms of the interviews and go out as written by default (another tool shows who
    coded what). A privacy officer may still want no person named in a shared file; with
    ``coder_codes`` every user is a number instead, the same in every export of the project
    (accounts in the order they were made). A name no account holds gets the next number.
    """

    def __missing__(self, name: str) -> str:
        self[name] = CODER_LABEL.format(n=len(self) + 1)
        return self[name]


def coder_codes(project: Project) -> CoderCodes:
    """The :class:`CoderCodes` of this project's accounts (system accounts too: coders
    brought in from another tool are people)."""
    project.require("export")
    codes = CoderCodes()
    for (name,) in project.db.execute("SELECT name FROM users ORDER BY created_at, name"):
        codes.setdefault(name, CODER_LABEL.format(n=len(codes) + 1))
    return codes


def statuses(include_suggestions: bool, *, rejected: bool = False) -> tuple[str, ...]:
    if not include_suggestions:
        return ("accepted",)
    return ("accepted", "suggested", "rejected") if rejected else ("accepted", "suggested")


def codings(project: Project, wanted: tuple[str, ...]) -> list[dict[str, Any]]:
    """Codings with the given statuses, with code slug and document guid, in text order."""
    project.require("export")
    marks = ", ".join("?" * len(wanted))
    return list(
        project.db.query(
            "SELECT c.*, k.slug AS code, k.name AS code_name, k.guid AS code_guid "
            "FROM codings c JOIN codes k ON k.id = c.code_id "
            f"WHERE c.status IN ({marks}) "
            "ORDER BY c.document_id, c.start_char, c.end_char, c.coder, k.position, k.id",
            list(wanted),
        )
    )


def status_counts(project: Project) -> dict[str, int]:
    project.require("export")
    return {
        r["status"]: r["n"]
        for r in project.db.query("SELECT status, count(*) AS n FROM codings GROUP BY status")
    }


# How a coding of each status is counted in a report: a suggestion is not a coder's coding.
STATUS_COUNTS = {
    "accepted": "codings",
    "suggested": "suggestions",
    "rejected": "rejected_suggestions",
}


def done_marks(project: Project) -> int:
    """How many done marks ("klaar") the project holds: no export format has a place for them."""
    project.require("export")
    return int(project.db.execute("SELECT count(*) FROM done_marks").fetchone()[0])


def documents(project: Project) -> list[dict[str, Any]]:
    project.require("export")
    return list(project.db.query("SELECT * FROM documents ORDER BY id"))


def document_texts(
    project: Project, docs: list[dict[str, Any]], *, pseudonymise: bool
) -> dict[int, DocumentText]:
    """Each document's text as it leaves the project, with its offset map (the original
    text only for a role that may take names out)."""
    require_export(project, pseudonymise=pseudonymise)
    if not pseudonymise:
        return {d["id"]: DocumentText(d["id"], d["text"]) for d in docs}
    found = pseudonymised_texts(project, [d["id"] for d in docs])
    return {doc_id: DocumentText(doc_id, text, mapper) for doc_id, (text, mapper) in found.items()}


def speakers_by_position(project: Project) -> dict[int, tuple[list[int], list[str | None]]]:
    """Per document: turn start offsets (sorted) and the speaker label of each turn."""
    project.require("export")
    out: dict[int, tuple[list[int], list[str | None]]] = {}
    for r in project.db.query(
        "SELECT t.document_id, t.start_char, s.label FROM turns t "
        "LEFT JOIN speakers s ON s.id = t.speaker_id ORDER BY t.document_id, t.start_char"
    ):
        starts, labels = out.setdefault(r["document_id"], ([], []))
        starts.append(r["start_char"])
        labels.append(r["label"])
    return out


def speaker_at(index: dict[int, tuple[list[int], list[str | None]]], doc: int, offset: int):
    starts, labels = index.get(doc, ([], []))
    i = bisect.bisect_right(starts, offset) - 1
    return labels[i] if i >= 0 else None


def attributes(project: Project) -> list[dict[str, Any]]:
    project.require("export")
    return list(project.db.query("SELECT * FROM attributes ORDER BY position, name"))


def attribute_values(project: Project) -> dict[int, dict[str, str | None]]:
    project.require("export")
    out: dict[int, dict[str, str | None]] = {}
    for r in project.db.query("SELECT respondent_id, attribute, value FROM attribute_values"):
        out.setdefault(r["respondent_id"], {})[r["attribute"]] = r["value"]
    return out


def respondents(project: Project) -> list[dict[str, Any]]:
    project.require("export")
    return list(project.db.query("SELECT * FROM respondents ORDER BY code"))


def codes(project: Project) -> list[dict[str, Any]]:
    project.require("export")
    return list(project.db.query("SELECT * FROM codes ORDER BY codebook_id, position, id"))


def memos(project: Project) -> list[dict[str, Any]]:
    project.require("export")
    return list(project.db.query("SELECT * FROM memos ORDER BY id"))


@dataclass
class LifeEvents:
    """Life events with their kinds, how many codings mention them, and their links."""

    kinds: list[str]
    mentions: int
    links: list[tuple[str, str]]


def life_events(project: Project) -> LifeEvents:
    """The life events (confirmed and proposed, not rejected), their mentions and links.

    Neither REFI-QDA nor a table of codings has a place for them; an export says in its
    report what stays behind (:func:`workbench.exchange.report.ExchangeReport.lose`).
    """
    project.require("export")
    db, alive = project.db, "status != 'rejected'"
    kinds = [k for (k,) in db.execute(f"SELECT kind FROM life_events WHERE {alive} ORDER BY id")]
    mentions = db.execute(
        "SELECT count(*) FROM life_event_codings m JOIN life_events e ON e.id = m.event_id "
        f"WHERE m.{alive} AND e.{alive}"
    ).fetchone()[0]
    links = db.execute(
        "SELECT a.kind, b.kind FROM life_event_links l JOIN life_events a ON a.id = l.cause_id "
        f"JOIN life_events b ON b.id = l.effect_id WHERE l.{alive} AND a.{alive} "
        f"AND b.{alive} ORDER BY l.id"
    ).fetchall()
    return LifeEvents(kinds, mentions, [(cause, effect) for cause, effect in links])


def json_list(value: str | None) -> list[str]:
    try:
        found = json.loads(value or "[]")
    except ValueError:
        return []
    return found if isinstance(found, list) else []
