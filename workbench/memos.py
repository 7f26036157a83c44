"""Memos: a researcher's notes on the project, a document, a segment, a code or a respondent.

Memos are part of the analysis (REFI-QDA exports them as Notes), so they are logged like
codings: who wrote what, when, and what it said before an edit.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError, NotFound, PermissionDenied
from workbench.handle import Project
from workbench.history import one_action, stamp_of_action
from workbench.store import now, record_event, row, target_there, transaction, unused_id

TARGETS = ("project", "document", "segment", "code", "coding", "respondent")
# the table of each target a memo hangs on (a memo on the project hangs on nothing)
TARGET_TABLES = events.MEMO_TARGETS


def add_memo(
    project: Project,
    *,
    target_type: str,
    target_id: int | None,
    text: str,
    title: str | None = None,
) -> int:
    """Write a new memo and return its id.

    What it is about must be there when it is written: a coding another coder removed a
    moment ago (a second session) or a code merged away is refused (:class:`NotFound`), not
    given a memo that hangs on nothing."""
    project.require("memo.write")
    if not text.strip():
        raise InputError("memos.empty")
    stamp = now()
    return _insert(
        project.db,
        project.user,
        True,
        {
            "target_type": target_type,
            "target_id": target_id,
            "author": project.user,
            "title": title,
            "text": text.strip(),
            "created_at": stamp,
            "updated_at": stamp,
        },
    )


def import_memo(
    project: Project,
    *,
    written_by: str,
    target_type: str,
    target_id: int | None,
    text: str,
    title: str | None = None,
    guid: str | None = None,
    start_char: int | None = None,
    end_char: int | None = None,
    created_at: str | None = None,
    updated_at: str | None = None,
    description: str | None = None,
    selection_guid: str | None = None,
) -> int:
    """A memo from another tool (a REFI-QDA note), kept as it came: its author, guid, range,
    dates, description and the guid of the selection it was on, even an empty text, so a
    round trip gives it back. The acting user imports it.

    ``created_at``/``updated_at`` are when it was written and last changed over there (the
    import time when the file does not say); a change never comes before the writing.
    """
    project.require("import")
    created = created_at or updated_at or now()
    return _insert(
        project.db,
        project.user,
        False,  # a code merged away here may come back with its notes (a round trip)
        {
            "target_type": target_type,
            "target_id": target_id,
            "author": written_by,
            "title": title or None,
            "text": text.strip(),
            "description": (description or "").strip() or None,
            "guid": guid,
            "selection_guid": selection_guid,
            "start_char": start_char,
            "end_char": end_char,
            "created_at": created,
            "updated_at": max(created, updated_at or created),
        },
    )


def _insert(db: Database, actor: str, live: bool, record: dict[str, Any]) -> int:
    if record["target_type"] not in TARGETS:
        raise ValueError(
            f"target_type must be one of {TARGETS}. Got {record['target_type']!r} instead."
        )
    with transaction(db):
        # checked under the write lock: nobody removes the target between check and write
        _require_target(db, record["target_type"], record["target_id"], live=live)
        record = {"id": unused_id(db, "memos"), **record}  # never a removed memo's id
        memo_id = db["memos"].insert(record).last_pk
        record_event(db, actor, events.MEMO_ADD(memo_id, None, record))
    return int(memo_id)


def _require_target(db: Database, target_type: str, target_id: int | None, *, live: bool) -> None:
    """Refuse a memo on a document, sentence, code, coding or respondent that is not there
    (never was, or was just removed), and when ``live`` on a code merged away (it stays,
    inactive, out of the codebook and the exports); the caller holds the write's transaction."""
    table = TARGET_TABLES.get(target_type)
    if table is None:  # the whole project
        return
    if not target_there(db, table, target_id, live=live):
        raise NotFound(f"memos.target_gone.{target_type}", id=target_id)


def update_memo(project: Project, memo_id: int, *, text: str) -> None:
    """Change a memo's text in place: it keeps its id, target and author, ``updated_at``
    moves on and the change is logged, so one undo brings the old text back. Only its author
    (or a researcher) may. The same text again changes and logs nothing."""
    project.require("memo.write")
    db = project.db
    if not text.strip():
        raise InputError("memos.empty")
    with transaction(db):
        before = _own_memo(project, memo_id)
        if before["text"] == text.strip():
            return
        db.execute(
            "UPDATE memos SET text = ?, updated_at = ? WHERE id = ?", [text.strip(), now(), memo_id]
        )
        record_event(db, project.user, events.MEMO_EDIT(memo_id, before, row(db, "memos", memo_id)))


def delete_memo(project: Project, memo_id: int) -> None:
    """Remove a memo (the event log keeps it, so undo can bring it back)."""
    project.require("memo.write")
    db = project.db
    with transaction(db):
        before = _own_memo(project, memo_id)
        db.execute("DELETE FROM memos WHERE id = ?", [memo_id])
        record_event(db, project.user, events.MEMO_REMOVE(memo_id, before, None))


def memos_follow(project: Project, target_type: str, gone: int, stays: int) -> list[int]:
    """Memos on the coding or code ``gone`` move to ``stays``, each logged; returns their ids.

    What a memo is about can go into something else: a coding that a code merge or a recode
    removes as a duplicate into the coding that stays, a merged code into the code it went
    into. The memo follows it, whoever wrote it, and the undo of that action moves it back;
    its text and dates stay. Only someone who may change the codebook merges or recodes.
    A ``stays`` that is not there is refused (:class:`NotFound`): nothing moves."""
    project.require("codebook.edit")
    db, actor = project.db, project.user
    kind = {"coding": events.MEMO_MOVE_WITH_CODING, "code": events.MEMO_MOVE_WITH_CODE}[target_type]
    with one_action(db, actor):
        moved = [
            int(r[0])
            for r in db.execute(
                "SELECT id FROM memos WHERE target_type = ? AND target_id = ? ORDER BY id",
                [target_type, gone],
            ).fetchall()
        ]
        if moved:
            _require_target(db, target_type, stays, live=True)
        for memo_id in moved:
            before = row(db, "memos", memo_id)
            db.execute("UPDATE memos SET target_id = ? WHERE id = ?", [stays, memo_id])
            after = row(db, "memos", memo_id)
            record_event(db, actor, kind(memo_id, before, after), at=stamp_of_action())
    return moved


def can_change_memo(project: Project, written_by: str) -> bool:
    """Whether the acting user may edit or delete a memo ``written_by`` someone: its writer
    (with the right to write memos) or a researcher. Pages ask this before they offer it."""
    if not project.can("memo.write"):
        return False
    try:
        project.require_own(written_by)
    except PermissionDenied:
        return False
    return True


def _own_memo(project: Project, memo_id: int) -> dict[str, Any]:
    memo = row(project.db, "memos", memo_id)
    if memo is None:
        raise NotFound("memos.unknown", memo=memo_id)
    if not can_change_memo(project, memo["author"]):
        raise PermissionDenied("access.not_own_memo", user=project.user, author=memo["author"])
    return memo


def list_memos(
    project: Project, *, target_type: str | None = None, target_id: int | None = None
) -> list[dict[str, Any]]:
    """Memos, newest first, optionally for one target; the user needs the ``read`` right."""
    project.require("read")
    where, params = [], []
    if target_type is not None:
        where.append("target_type = ?")
        params.append(target_type)
    if target_id is not None:
        where.append("target_id = ?")
        params.append(target_id)
    sql = "SELECT * FROM memos" + (f" WHERE {' AND '.join(where)}" if where else "")
    return list(project.db.query(sql + " ORDER BY updated_at DESC, id DESC", params))


def memo_overview(
    project: Project,
    *,
    document_id: int | None = None,
    code: int | None = None,
    written_by: str | None = None,
    sub_codes: bool = True,
) -> list[dict[str, Any]]:
    """Every memo with what it is about, newest first, for the memo manager.

    Each row has the memo's ``description`` (a REFI-QDA note's, kept apart from its text)
    and adds ``about`` (the document name, code name, respondent code or the quoted
    sentence) and ``document_id``/``segment_id``/``start_char``/``end_char`` when the memo
    belongs to a place in an interview, so the page can jump there. ``removed`` is true when
    what it is about is no longer there (a coding someone removed): the memo stays readable,
    and a removed coding's interview, place, code and quote are read from the event log, so
    filtering on that interview or code still finds the memo.
    ``document_id`` keeps memos on that document, on its segments and codings, and on its
    respondent (a person's memo belongs to each of their interviews, so filtering on one
    interview does not hide it); ``code`` memos on that code and on its codings, and with
    ``sub_codes`` (the default) on every code below it and their codings: a parent code holds
    its sub-codes, as the codebook's counts say, so a researcher filtering on "verlies" looks
    for what was written about any kind of loss.
    """
    project.require("read")
    rows = project.db.execute(
        "SELECT m.id, m.target_type, m.target_id, m.author, m.title, m.text, m.description, "
        "m.created_at, m.updated_at, "
        "CASE m.target_type WHEN 'document' THEN m.target_id "
        "  WHEN 'segment' THEN s.document_id WHEN 'coding' THEN c.document_id END, "
        "CASE m.target_type WHEN 'segment' THEN m.target_id WHEN 'coding' THEN c.segment_id END, "
        "coalesce(s.start_char, c.start_char), coalesce(s.end_char, c.end_char), "
        "CASE m.target_type WHEN 'code' THEN m.target_id WHEN 'coding' THEN c.code_id END, "
        "coalesce(s.text, c.text), k.name, d.name, r.code, "
        "CASE m.target_type WHEN 'document' THEN d.id IS NULL WHEN 'segment' THEN s.id IS NULL "
        "  WHEN 'coding' THEN c.id IS NULL WHEN 'code' THEN k.id IS NULL "
        "  WHEN 'respondent' THEN r.id IS NULL ELSE 0 END "
        "FROM memos m "
        "LEFT JOIN segments s ON m.target_type = 'segment' AND s.id = m.target_id "
        "LEFT JOIN codings c ON m.target_type = 'coding' AND c.id = m.target_id "
        "LEFT JOIN codes k ON k.id = CASE m.target_type WHEN 'code' THEN m.target_id "
        "  WHEN 'coding' THEN c.code_id END "
        "LEFT JOIN documents d ON d.id = CASE m.target_type WHEN 'document' THEN m.target_id "
        "  WHEN 'segment' THEN s.document_id WHEN 'coding' THEN c.document_id END "
        "LEFT JOIN respondents r ON m.target_type = 'respondent' AND r.id = m.target_id "
        "ORDER BY m.updated_at DESC, m.id DESC"
    ).fetchall()
    keys = (
        "id",
        "target_type",
        "target_id",
        "author",
        "title",
        "text",
        "description",
        "created_at",
        "updated_at",
        "document_id",
        "segment_id",
        "start_char",
        "end_char",
        "code_id",
        "quote",
        "code",
        "document",
        "respondent",
        "removed",
    )
    memos = [{**dict(zip(keys, r)), "removed": bool(r[-1])} for r in rows]
    for memo in memos:
        if memo["removed"] and memo["target_type"] == "coding":
            memo.update(_where_a_removed_coding_was(project.db, memo["target_id"]))
    # whose interview it is; a document without a respondent matches no respondent memo
    person = (
        project.db.execute(
            "SELECT respondent_id FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        or (None,)
    )[0]
    # the code and, with sub_codes, every code below it (a memo's code may be gone: then
    # only a filter on that very code finds it)
    wanted = (
        {
            r[0]
            for r in project.db.execute(
                "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT k.id FROM codes k JOIN sub "
                "ON k.parent_id = sub.id) SELECT id FROM sub",
                [code],
            )
        }
        if code is not None and sub_codes
        else {code}
    )
    return [
        m
        for m in memos
        if (
            document_id is None
            or m["document_id"] == document_id
            or (person is not None and (m["target_type"], m["target_id"]) == ("respondent", person))
        )
        and (code is None or m["code_id"] in wanted)
        and (written_by is None or m["author"] == written_by)
    ]


def _where_a_removed_coding_was(db: Database, coding_id: int) -> dict[str, Any]:
    """The interview, place, code and quote of a removed coding, from its last row in the
    event log (empty when the log has none): without them a memo on it fell out of every
    interview and code filter, though it was written about that text."""
    found = db.execute(
        "SELECT before FROM events WHERE entity = 'codings' AND CAST(entity_id AS INTEGER) = ? "
        "AND before IS NOT NULL AND after IS NULL ORDER BY id DESC LIMIT 1",
        [coding_id],
    ).fetchone()
    if found is None:
        return {}
    was = json.loads(found[0])
    # the interview, sentence or code may have gone since: then it is not linked
    names = db.execute(
        "SELECT (SELECT name FROM documents WHERE id = ?), (SELECT name FROM codes WHERE id = ?), "
        "(SELECT id FROM segments WHERE id = ?)",
        [was["document_id"], was["code_id"], was.get("segment_id")],
    ).fetchone()
    return {
        "document_id": was["document_id"] if names[0] is not None else None,
        "segment_id": names[2],
        "start_char": was["start_char"],
        "end_char": was["end_char"],
        "code_id": was["code_id"],
        "quote": was["text"],
        "document": names[0],
        "code": names[1],
    }
