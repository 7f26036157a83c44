"""Done marks ("klaar"): a coder says they have read a whole document.

Why (issue 13): agreement may count a coder's silence on a unit as "code absent" only when the
coder saw the unit. Applying a code shows that for one document, but many passages rightly
get no code at all; without a mark, documents where a coder rightly coded nothing fall out of
the comparison and the figures come out too high. A done mark is per document per coder;
this module alone writes the ``done_marks`` table (migration m011).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from workbench import access, events
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.history import one_action
from workbench.store import SYSTEM_USERS, now, record_event


def _check_coder(db: Database, coder: str) -> None:
    access.role_of(db, coder)  # NotFound for an unknown name
    if coder in SYSTEM_USERS:
        raise InputError("agreement.system_coder", coder=coder)


def _check_documents(db: Database, documents: Iterable[int] | None) -> list[int]:
    if documents is None:
        documents = [r[0] for r in db.execute("SELECT id FROM documents")]
    ids = sorted({int(d) for d in documents})
    if not ids:
        raise InputError("agreement.done_needs_documents")
    known = {
        r[0]
        for r in db.execute(
            f"SELECT id FROM documents WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
    }
    for doc in ids:
        if doc not in known:
            raise NotFound("codings.unknown_document", document=doc)
    return ids


def mark_done(
    project: Project, documents: Iterable[int] | None, *, coder: str, done: bool = True
) -> int:
    """Mark (``done=False``: unmark) documents as read in full by ``coder``; None: every one.

    Everyone who codes may mark their own documents; a researcher may also mark them for
    another coder (e.g. after importing that coder's work). Returns how many marks changed.
    Each changed mark is logged as its whole row under one stamp, so one undo
    (``history.undo_last``) takes the click back, as for any other action.
    """
    project.require("code")
    project.require_own(coder)
    db = project.db
    _check_coder(db, coder)
    ids = _check_documents(db, documents)
    with one_action(db, project.user) as stamp:
        present = {r["document_id"]: r for r in _marks(db, coder, ids)}
        if done:
            changed = [d for d in ids if d not in present]
            at = now()
            db["done_marks"].insert_all(
                {"document_id": d, "coder": coder, "marked_by": project.user, "marked_at": at}
                for d in changed
            )
            for mark in _marks(db, coder, changed):
                record_event(db, project.user, events.DONE_MARK(mark["id"], None, mark), at=stamp)
        else:
            changed = [d for d in ids if d in present]
            db.execute(  # an empty list matches nothing
                f"DELETE FROM done_marks WHERE id IN ({', '.join('?' * len(changed))})",
                [present[d]["id"] for d in changed],
            )
            for d in changed:
                mark = present[d]
                record_event(db, project.user, events.DONE_UNMARK(mark["id"], mark, None), at=stamp)
    return len(changed)


def _marks(db: Database, coder: str, documents: list[int]) -> list[dict[str, Any]]:
    """The whole rows of ``coder``'s marks on ``documents`` (as the event log keeps them)."""
    cur = db.execute(
        f"SELECT * FROM done_marks WHERE coder = ? AND document_id IN "
        f"({', '.join('?' * len(documents))}) ORDER BY document_id",
        [coder, *documents],
    )
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def done_documents(db: Database, coder: str) -> set[int]:
    """The documents ``coder`` marked done (internal: callers check the reader's role).

    Takes the database, not a handle: only document ids, read inside the agreement figures
    of :mod:`workbench.consistency` after they checked ``consistency.review``."""
    return {r[0] for r in db.execute("SELECT document_id FROM done_marks WHERE coder = ?", [coder])}


def done_by_anyone(db: Database) -> set[int]:
    """The documents some coder marked done (internal: callers check the reader's role).

    A suggestion model learns from them that a sentence nobody coded carries no code
    (:func:`workbench.suggest.project.training_data`, which checks ``read``)."""
    return {r[0] for r in db.execute("SELECT DISTINCT document_id FROM done_marks")}


def is_done(project: Project, document: int, *, coder: str) -> bool:
    """Whether ``coder`` marked ``document`` done (for the coding page's "klaar" button)."""
    project.require("read")
    return (
        project.db.execute(
            "SELECT 1 FROM done_marks WHERE coder = ? AND document_id = ?", [coder, int(document)]
        ).fetchone()
        is not None
    )


def list_marks(project: Project, *, coder: str | None = None) -> list[dict[str, Any]]:
    """Every done mark (or one coder's) with the document name, for the page and the CLI."""
    project.require("read")
    where, params = ("WHERE m.coder = ?", [coder]) if coder else ("", [])
    cur = project.db.execute(
        "SELECT m.document_id, d.name AS document, m.coder, m.marked_by, m.marked_at "
        f"FROM done_marks m JOIN documents d ON d.id = m.document_id {where} "
        "ORDER BY m.coder, m.document_id",
        params,
    )
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def mark_imported(project: Project, documents: Iterable[int]) -> int:
    """After importing a project of two or more coders: every imported document is done
    for each coder who coded in them.

    A REFI-QDA project in which several people coded is a double-coded project: each of them
    read every document, also those where they applied no code. With fewer than two coders
    nothing is marked. Returns the number of new marks (each checked by :func:`mark_done`).
    """
    ids = sorted({int(d) for d in documents})
    if not ids:
        return 0
    leave_out = [*SYSTEM_USERS]
    coders = [
        r[0]
        for r in project.db.execute(
            f"SELECT DISTINCT coder FROM codings WHERE origin = 'human' AND status = 'accepted' "
            f"AND document_id IN ({', '.join('?' * len(ids))}) "
            f"AND coder NOT IN ({', '.join('?' * len(leave_out))}) ORDER BY coder",
            [*ids, *leave_out],
        )
    ]
    if len(coders) < 2:
        return 0
    with one_action(project.db, project.user):  # one undo takes back every coder's marks
        return sum(mark_done(project, ids, coder=c) for c in coders)


def set_done(project: Project, documents: Iterable[int], *, coder: str) -> int:
    """Make ``documents`` exactly the set ``coder`` marked done (one action, as the
    page's form saves it). Returns how many marks changed (checked by :func:`mark_done`)."""
    db = project.db
    wanted = set(_check_documents(db, documents)) if documents else set()
    with one_action(db, project.user):  # one undo takes the whole form back
        current = done_documents(db, coder)
        changed = 0
        if wanted - current:
            changed += mark_done(project, wanted - current, coder=coder)
        if current - wanted:
            changed += mark_done(project, current - wanted, coder=coder, done=False)
    return changed


def latest_marks(db: Database, coders: Iterable[str]) -> dict[int, str]:
    """Per document, when one of ``coders`` last marked it done (for drift by week).

    Takes the database, not a handle: only ids and times, read inside
    :func:`workbench.consistency.unit_matrix` after it checked ``consistency.review``."""
    names = list(coders)
    if not names:
        return {}
    return dict(
        db.execute(
            f"SELECT document_id, max(marked_at) FROM done_marks WHERE coder IN "
            f"({', '.join('?' * len(names))}) GROUP BY document_id",
            names,
        ).fetchall()
    )
