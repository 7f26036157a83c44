"""Codings: a code on a segment or on a free character span, by one coder.

A human coding is ``origin="human", status="accepted"``. A machine proposal is
``origin="machine", status="suggested"`` for the coder it was proposed to, and stays so until
that coder accepts or rejects it (both decisions are training data). Nothing here applies a
code without a person asking for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError, NotFound, PermissionDenied
from workbench.handle import Project
from workbench.history import one_action, stamp_of_action
from workbench.life_events.events import mentions_follow_coding, mentions_go_with_coding
from workbench.memos import memos_follow
from workbench.resolutions import resolutions_follow_coding
from workbench.store import now, record_event, row, transaction, unused_id

STATUSES = ("suggested", "accepted", "rejected")
ORIGINS = ("human", "machine")


def code_id(project: Project, code: int | str) -> int:
    """The numeric id of a code given its id or its slug.

    Every caller reads the project (the coding page, code retrieval, history, consistency,
    the researcher choosing workshop codes), so ``read`` is asked; a coding in the making
    resolves its code with :func:`_code_id` under the ``code`` right (the system coder has
    only that).
    """
    project.require("read")
    return _code_id(project.db, code)


def _code_id(db: Database, code: int | str) -> int:
    if isinstance(code, int):
        found = db.execute("SELECT id FROM codes WHERE id = ?", [code]).fetchone()
    else:
        found = db.execute("SELECT id FROM codes WHERE slug = ?", [code]).fetchone()
    if found is None:
        raise NotFound("codings.unknown_code", code=code)
    return int(found[0])


def _segment_span(db: Database, segment_id: int) -> tuple[int, int, int]:
    found = db.execute(
        "SELECT document_id, start_char, end_char FROM segments WHERE id = ?", [segment_id]
    ).fetchone()
    if found is None:
        raise NotFound("codings.unknown_segment", segment=segment_id)
    return int(found[0]), int(found[1]), int(found[2])


def add_coding(
    project: Project,
    *,
    coder: str | None = None,
    code: int | str,
    segment_id: int | None = None,
    document_id: int | None = None,
    start_char: int | None = None,
    end_char: int | None = None,
    origin: str = "human",
    status: str | None = None,
    score: float | None = None,
    evidence: Sequence[str] | None = None,
    guid: str | None = None,
    selection_guid: str | None = None,
    created_at: str | None = None,
) -> int:
    """Store one coding and return its id.

    Give either ``segment_id`` (the span is the segment's) or ``document_id`` with
    ``start_char``/``end_char`` (a free span; the segment is filled in when the span is
    exactly one segment). ``coder`` is whose coding it is (defaults to the acting user; a
    supervisor may only code as themselves). Applying the same code to the same span twice
    by the same coder returns the existing id. ``guid`` is the coding's identity in another
    tool (REFI-QDA import), kept so an export gives it back and that tool recognises it;
    ``selection_guid`` likewise for the REFI-QDA selection the coding came in.
    ``created_at`` is when it was coded over there (a REFI-QDA ``creationDateTime``), so
    an import does not date another tool's work to the day it was imported; default now.
    """
    project.require("code")
    db, actor = project.db, project.user
    coder = coder or actor
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}. Got {origin!r} instead.")
    status = status or ("accepted" if origin == "human" else "suggested")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}. Got {status!r} instead.")
    if score is not None and not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be in [0, 1]. Got {score!r} instead.")
    if actor != coder and project.role == "supervisor":
        raise PermissionDenied("access.not_own_coding", user=actor, coder=coder)
    with transaction(db):
        if segment_id is not None:
            document_id, start_char, end_char = _segment_span(db, segment_id)
        if document_id is None or start_char is None or end_char is None:
            raise ValueError("Give segment_id, or document_id with start_char and end_char.")
        text_row = db.execute(
            "SELECT substr(text, ? + 1, ? - ?), length(text) FROM documents WHERE id = ?",
            [start_char, end_char, start_char, document_id],
        ).fetchone()
        if text_row is None:
            raise NotFound("codings.unknown_document", document=document_id)
        if not 0 <= start_char < end_char <= text_row[1]:
            raise InputError("codings.bad_span", start=start_char, end=end_char, length=text_row[1])
        if segment_id is None:
            seg = db.execute(
                "SELECT id FROM segments WHERE document_id = ? AND start_char = ? AND end_char = ?",
                [document_id, start_char, end_char],
            ).fetchone()
            segment_id = int(seg[0]) if seg else None
        cid = _code_id(db, code)
        if not db.execute("SELECT active FROM codes WHERE id = ?", [cid]).fetchone()[0]:
            # a merged code: its codings went to the code it went into, and new ones would
            # sit where no overview, agreement or export looks
            raise InputError("codings.inactive_code", code=code)
        existing = db.execute(
            "SELECT id, status FROM codings WHERE document_id = ? AND code_id = ? AND coder = ? "
            "AND start_char = ? AND end_char = ?",
            [document_id, cid, coder, start_char, end_char],
        ).fetchone()
        if existing:
            # A person applying a code that was proposed (or rejected earlier) to them decides
            # that proposal: the row is accepted, not duplicated.
            if origin == "human" and existing[1] != status:
                decide(project, int(existing[0]), status)
            return int(existing[0])
        stamp = created_at or now()
        record = {
            "id": unused_id(db, "codings"),
            "document_id": document_id,
            "segment_id": segment_id,
            "start_char": start_char,
            "end_char": end_char,
            "text": text_row[0],
            "code_id": cid,
            "coder": coder,
            "origin": origin,
            "status": status,
            "score": score,
            "evidence": json.dumps(list(evidence), ensure_ascii=False) if evidence else None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        if guid is not None:
            record["guid"] = guid
        if selection_guid is not None:
            record["selection_guid"] = selection_guid
        new_id = db["codings"].insert(record).last_pk
        kind = events.SUGGESTION_ADD if origin == "machine" else events.CODING_ADD
        record_event(db, actor, kind(new_id, None, record))
        return int(new_id)


def decide(project: Project, coding_id: int, status: str) -> None:
    """Accept or reject a coding (normally a suggestion), or put it back to suggested."""
    project.require("suggestion.decide")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}. Got {status!r} instead.")
    db = project.db
    with transaction(db):
        before = _own_coding(project, coding_id)
        if before["status"] == status:
            return
        db.execute(
            "UPDATE codings SET status = ?, updated_at = ? WHERE id = ?",
            [status, now(), coding_id],
        )
        after = row(db, "codings", coding_id)
        record_event(db, project.user, _DECIDED[status](coding_id, before, after))


_DECIDED = {
    "accepted": events.SUGGESTION_ACCEPT,
    "rejected": events.SUGGESTION_REJECT,
    "suggested": events.SUGGESTION_REOPEN,
}


def set_life_time(project: Project, coding_id: int, *, year: int | None, age: int | None) -> int:
    """Mark when in the life story a coded event happened (a year, an age, or both).

    Loss cascades order losses by this where it is marked, and by transcript order elsewhere.
    ``None`` clears a value. Returns the coding id.
    """
    project.require("code")
    db = project.db
    for label, value, low, high in (("year", year, 1900, 2100), ("age", age, 0, 120)):
        if value is not None and not low <= value <= high:
            raise InputError("codings.bad_life_time", field=label, value=value, low=low, high=high)
    with transaction(db):
        before = _own_coding(project, coding_id)
        db.execute(
            "UPDATE codings SET life_year = ?, life_age = ?, updated_at = ? WHERE id = ?",
            [year, age, now(), coding_id],
        )
        record_event(
            db, project.user, events.CODING_WHEN(coding_id, before, row(db, "codings", coding_id))
        )
    return coding_id


def remove_coding(project: Project, coding_id: int, *, with_events: bool = False) -> list[int]:
    """Delete a coding with the mentions of life events that point at it; the event log
    keeps every row, so one undo brings them all back.

    Refused (:class:`InputError`) when the coding is the last confirmed mention of a
    confirmed life event: the event, and any cascade it is in, would lose the text behind
    it. The researcher attaches another coding to the event first, or says
    ``with_events=True``: then that event goes too, with its links, in the same undoable
    action. Returns the ids of the life events that went with the coding.
    """
    project.require("code")
    db, actor = project.db, project.user
    with one_action(db, actor):
        before = _own_coding(project, coding_id)
        gone = mentions_go_with_coding(project, coding_id, with_events=with_events)
        db.execute("DELETE FROM codings WHERE id = ?", [coding_id])
        _log(db, actor, events.CODING_REMOVE(coding_id, before, None))
    return gone


def _log(db: Database, actor: str, event: events.Event) -> None:
    record_event(db, actor, event, at=stamp_of_action())


# Which of two codings of one code, coder and span stays when a merge or a recode makes them
# one: the accepted one, then a decision over an open proposal, then the one with a life time.
_KEEP_FIRST = {"accepted": 2, "rejected": 1, "suggested": 0}


def _moving_one_stays(moving: dict[str, Any], there: dict[str, Any]) -> bool:
    """Whether coding ``moving`` (to another code) stays rather than the coding ``there``
    that already has that code on the same span by the same coder (on a tie: ``there``)."""

    def weight(coding: dict[str, Any]) -> tuple[int, bool]:
        timed = coding["life_year"] is not None or coding["life_age"] is not None
        return _KEEP_FIRST[coding["status"]], timed

    return weight(moving) > weight(there)


def _remove_duplicate(project: Project, gone: dict[str, Any], stays: int) -> None:
    """Remove coding ``gone`` as a duplicate of ``stays``: its mentions and memos move to
    ``stays`` first, and the decisions on disagreements that it was the consensus coding of
    now name ``stays``; then it goes. Every row is logged under the action's stamp."""
    db, actor = project.db, project.user
    mentions_follow_coding(project, gone["id"], stays)
    memos_follow(project, "coding", gone["id"], stays)
    resolutions_follow_coding(project, gone["id"], stays)
    db.execute("DELETE FROM codings WHERE id = ?", [gone["id"]])
    _log(db, actor, events.CODING_REMOVE(gone["id"], gone, None))


def _move_to_code(db: Database, actor: str, coding: dict[str, Any], target_id: int) -> None:
    db.execute(
        "UPDATE codings SET code_id = ?, updated_at = ? WHERE id = ?",
        [target_id, now(), coding["id"]],
    )
    _log(db, actor, events.CODING_RECODE(coding["id"], coding, row(db, "codings", coding["id"])))


def _twin(db: Database, coding: dict[str, Any], code_id: int) -> dict[str, Any] | None:
    """The coding the same coder made with ``code_id`` on the same span, if any."""
    found = db.execute(
        "SELECT id FROM codings WHERE code_id = ? AND document_id = ? AND coder = ? "
        "AND start_char = ? AND end_char = ?",
        [code_id, coding["document_id"], coding["coder"], coding["start_char"], coding["end_char"]],
    ).fetchone()
    return row(db, "codings", found[0]) if found else None


def merge_code_codings(
    project: Project, source_id: int, target_id: int
) -> tuple[list[int], list[dict[str, Any]]]:
    """Move every coding of code ``source_id`` to code ``target_id`` (a code merge).

    Where the same coder already has the target on the same span, the two become one: an
    accepted coding always stays (then a decision over an open proposal, then the one with a
    life time; else the target's), and the other's mentions of life events and memos move
    to it before it is removed. Every row is logged whole under the merge's stamp (one undo
    takes it all back). Returns the ids of the codings now on the target that came from the
    source, and the removed rows.
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    moved: list[int] = []
    removed: list[dict[str, Any]] = []
    with one_action(db, actor):
        ids = [
            int(r[0])
            for r in db.execute(
                "SELECT id FROM codings WHERE code_id = ? ORDER BY id", [source_id]
            ).fetchall()
        ]
        staying = []
        for coding_id in ids:  # first make duplicates one, so no move meets its twin
            coding = row(db, "codings", coding_id)
            there = _twin(db, coding, target_id)
            if there is None:
                staying.append(coding_id)
            elif _moving_one_stays(coding, there):
                _remove_duplicate(project, there, coding_id)
                removed.append(there)
                staying.append(coding_id)
            else:
                _remove_duplicate(project, coding, there["id"])
                removed.append(coding)
        for coding_id in staying:
            _move_to_code(db, actor, row(db, "codings", coding_id), target_id)
            moved.append(coding_id)
    return moved, removed


def recode(project: Project, coding_id: int, target_id: int) -> bool:
    """Move one coding to code ``target_id`` (after a split), logged with the whole row.

    When the coder already has the target on that span, the two become one as in a merge
    (:func:`merge_code_codings`): the accepted one stays and takes the other's mentions and
    memos. Returns False when it already was on the target.
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    with one_action(db, actor):
        before = row(db, "codings", coding_id)
        if before is None:
            raise NotFound("codings.unknown_coding", coding=coding_id)
        if before["code_id"] == target_id:
            return False
        there = _twin(db, before, target_id)
        if there is not None and not _moving_one_stays(before, there):
            _remove_duplicate(project, before, there["id"])
            return True
        if there is not None:
            _remove_duplicate(project, there, coding_id)
        _move_to_code(db, actor, before, target_id)
    return True


def _own_coding(project: Project, coding_id: int) -> dict[str, Any]:
    """The coding row, if the acting user may change it: supervisors and co-researchers may
    only change their own codings."""
    coding = row(project.db, "codings", coding_id)
    if coding is None:
        raise NotFound("codings.unknown_coding", coding=coding_id)
    project.require_own(coding["coder"])
    return coding


def list_codings(
    project: Project,
    *,
    document_id: int | None = None,
    coders: Iterable[str] | None = None,
    statuses: Iterable[str] | None = ("accepted",),
    codes: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Codings joined with their code slug and name, in document order.

    Coded text is protected data: the acting user needs the ``read`` right (co-researchers
    are refused, as in search).
    """
    project.require("read")
    db = project.db
    where, params = ["1 = 1"], []
    if document_id is not None:
        where.append("c.document_id = ?")
        params.append(document_id)
    for column, values in (("c.coder", coders), ("c.status", statuses), ("k.slug", codes)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    cur = db.execute(
        "SELECT c.*, k.slug AS code, k.name AS code_name, k.color AS code_color "
        "FROM codings c JOIN codes k ON k.id = c.code_id "
        f"WHERE {' AND '.join(where)} ORDER BY c.document_id, c.start_char, c.end_char, c.id",
        params,
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
