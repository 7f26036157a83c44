"""History and undo, both read from the append-only event log.

Every change is already an event with its row before and after (``store.record_event``), so
the history of a document or a code is a query, and undo is "apply the inverse of the event,
and log that as a new event": the log itself is never changed. Undo works per user and
backwards, one action per call, over the kinds of event that ``workbench.events`` declares
undoable (with the permission the undo needs): those whose events hold whole rows of
``codings``, ``memos`` or ``codes`` (adding, removing or recoding a coding, deciding on a
suggestion, writing, editing or removing a memo, editing, renaming, moving or merging a
code), of the life-event tables (making an event, attaching a coding to it, linking two
events, deciding on a proposal, setting when it happened) and of ``done_marks`` (marking
documents "klaar" or taking the mark away). Every other kind (imports,
settings, pseudonymisation, the workbench's life-event proposals) is shown in the history
but not undone here; its declaration says why and what the way back is.

One action can log several rows (an event and its mentions; a link that also confirms both
events; a coding and the mentions that went with it; a code merge with every coding, memo
and life event it moved): those rows share one time stamp (:func:`one_action`), later than
anything the user logged before, and are undone together, newest row first (their kinds are
declared ``grouped``).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from workbench import access, events
from workbench.errors import InputError, NotFound, PermissionDenied, WorkbenchError
from workbench.handle import Project
from workbench.i18n import Term, catalogue
from workbench.store import now, record_event, row, target_there, transaction

# Rows that point at a row and would silently go (or lose their anchor) with it: an undo
# that deletes a row still pointed at refuses, as that is later work.
DEPENDENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "codings": (("life_event_codings", "coding_id"),),
    "life_events": (
        ("life_event_codings", "event_id"),
        ("life_event_links", "cause_id"),
        ("life_event_links", "effect_id"),
        ("life_events", "relative_to"),
    ),
}

_EVENT_COLUMNS = "id, at, actor, action, entity, entity_id, before, after"


def _event(found: tuple) -> dict[str, Any]:
    keys = _EVENT_COLUMNS.split(", ")
    event = dict(zip(keys, found))
    for side in ("before", "after"):
        event[side] = json.loads(event[side]) if event[side] else None
    return event


def _undone_ids(db: Database) -> set[int]:
    return {
        int(r[0])
        for r in db.execute(
            "SELECT entity_id FROM events WHERE action = ? AND entity = ?",
            [events.UNDO.action, events.UNDO.entity],
        )
    }


def _undo_kind(event: dict[str, Any]) -> events.EventKind | None:
    """The declared kind of a logged event when it can be undone, else None."""
    kind = events.kind_of(event["action"], event["entity"])
    return kind if kind is not None and kind.undo is not None else None


def _query(db: Database, where: str, params: list[Any], limit: int) -> list[dict[str, Any]]:
    undone = _undone_ids(db)
    rows = db.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE {where} ORDER BY id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    out = []
    for found in rows:
        event = _event(found)
        event["undone"] = event["id"] in undone
        out.append(event)
    return out


def _row_field(field: str) -> str:
    return f"coalesce(json_extract(after, '$.{field}'), json_extract(before, '$.{field}'))"


def _either(field: str, test: str) -> str:
    """The row before or after the event passes ``test`` on ``field`` (one ``?`` each): a
    coding moved from one code to another (a merge, a recode, their undo) belongs to both."""
    return f"(json_extract(after, '$.{field}') {test} OR json_extract(before, '$.{field}') {test})"


def _mentions(codings: str) -> str:
    """Rows that attach one of ``codings`` (a query) to a life event, or undo that."""
    return (
        f"entity IN ('life_event_codings', 'events') AND {_either('coding_id', f'IN ({codings})')}"
    )


def document_history(
    project: Project, document_id: int, *, limit: int = 500
) -> list[dict[str, Any]]:
    """Newest first: the import, codings, decisions, done marks, memos (document or its
    segments), life events in it and codings attached to one, names replaced in it, undos.

    A replacement of names is logged once for the project with the documents it changed
    (``after.documents``: id -> places replaced and taken back); here its ``documents`` hold
    this document's entry only, so :func:`event_about` says what changed in this one."""
    project.require("read")
    segments = "SELECT id FROM segments WHERE document_id = ?"
    codings = "SELECT id FROM codings WHERE document_id = ?"
    where = (
        "(entity = 'documents' AND entity_id = ?)"
        " OR (entity IN ('codings', 'life_events', 'done_marks', 'events')"
        f"     AND {_either('document_id', '= ?')})"
        f" OR (entity IN ('memos', 'events') AND {_row_field('target_type')} = 'document'"
        f"     AND {_either('target_id', '= ?')})"
        f" OR (entity IN ('memos', 'events') AND {_row_field('target_type')} = 'segment'"
        f"     AND {_either('target_id', f'IN ({segments})')})"
        f" OR ({_mentions(codings)})"
        " OR (action = ? AND entity = ? AND EXISTS"
        "     (SELECT 1 FROM json_each(events.after, '$.documents') WHERE key = ?))"
    )
    replaced = events.PSEUDONYMISE_APPLY
    params = [str(document_id), *[document_id] * 8, replaced.action, replaced.entity]
    found = _query(project.db, where, [*params, str(document_id)], limit)
    for event in found:
        if (event["action"], event["entity"]) == (replaced.action, replaced.entity):
            here = event["after"]["documents"][str(document_id)]
            event["after"] = {**event["after"], "documents": {str(document_id): here}}
    return _one_per_action(found)


def code_history(project: Project, code_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Newest first: edits of the code, its codings and decisions (also those a merge or a
    recode moved to or from it), memos on it, merges into it, codings of it attached to a
    life event, undos."""
    project.require("read")
    db = project.db
    into = [event for event, target in merge_targets(project).items() if target == code_id]
    codings = "SELECT id FROM codings WHERE code_id = ?"
    where = (
        "(entity = 'codes' AND entity_id = ?)"
        f" OR (entity IN ('codings', 'events') AND {_either('code_id', '= ?')})"
        f" OR (entity IN ('memos', 'events') AND {_row_field('target_type')} = 'code'"
        f"     AND {_either('target_id', '= ?')})"
        f" OR (entity = 'events' AND {_row_field('slug')} IS NOT NULL"
        f"     AND {_either('id', '= ?')})"
        f" OR (entity = 'codes' AND id IN ({', '.join('?' * len(into))}))"
        f" OR (entity = 'events' AND entity_id IN ({', '.join('?' * len(into))}))"
        f" OR ({_mentions(codings)})"
    )
    params = [str(code_id), *[code_id] * 6, *into, *map(str, into), code_id, code_id]
    return _one_per_action(_query(db, where, params, limit))


def _one_per_action(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leave out the mention rows logged with the life event they belong to (one action:
    "life event made" with its codings), so the action is listed once."""
    events_made = {(e["actor"], e["at"]) for e in found if e["entity"] == "life_events"}
    return [
        e
        for e in found
        if not (e["entity"] == "life_event_codings" and (e["actor"], e["at"]) in events_made)
    ]


def merge_targets(project: Project) -> dict[int, int]:
    """Each logged code merge (its event id) -> the id of the code it merged into; needs
    ``read``, as the histories that name it.

    The merge's event holds the merged code's row; where it went is in the codebook's change
    log (``details.into``), written by the same action: the entry for that code by that
    person nearest in time."""
    project.require("read")
    db = project.db
    out: dict[int, int] = {}
    for event_id, at, actor, slug in db.execute(
        "SELECT id, at, actor, coalesce(json_extract(after, '$.slug'), "
        "json_extract(before, '$.slug')) FROM events "
        "WHERE action = ? AND entity = ?",
        [events.CODEBOOK_MERGE.action, events.CODEBOOK_MERGE.entity],
    ).fetchall():
        found = db.execute(
            "SELECT k.id FROM codebook_changes c JOIN codes k "
            "ON k.slug = json_extract(c.details, '$.into') "
            "WHERE c.action = 'merge' AND c.code_slug = ? AND c.author = ? "
            "ORDER BY abs(julianday(c.at) - julianday(?)) LIMIT 1",
            [slug, actor, at],
        ).fetchone()
        if found is not None:
            out[int(event_id)] = int(found[0])
    return out


def _columns(db: Database, table: str) -> set[str]:
    return {c.name for c in db[table].columns}


def _stored(value: Any) -> Any:
    """A value from the event log in the form its column stores it (JSON lists as text)."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _as_row(value: Any, columns: set[str]) -> dict[str, Any] | None:
    """The event side as a stored row, or None when it is not a whole row of the table."""
    if not isinstance(value, dict):
        return None
    value = {k: v for k, v in value.items() if k != "rationale"}  # codebook events add it
    if "id" not in value or not set(value) <= columns:
        return None
    return {k: _stored(v) for k, v in value.items()}


def _inverse(db: Database, event: dict[str, Any]) -> tuple[Any, Any] | None:
    """``(before, after)`` as stored rows when the event can be inverted, else None.

    Its kind must be declared undoable, and the rows it logged must be whole rows of its
    table (an older release may have logged less).
    """
    if _undo_kind(event) is None:
        return None
    columns = _columns(db, event["entity"])
    before, after = (_as_row(event[side], columns) for side in ("before", "after"))
    if (
        (event["before"] is not None and before is None)
        or (event["after"] is not None and after is None)
        or (before is None and after is None)
    ):
        return None
    return before, after


def action_stamp(db: Database, actor: str) -> str:
    """The one time stamp for every row an action of ``actor`` logs: now, or just after the
    actor's last logged event when the clock has not moved on, so the rows that share it
    (of kinds declared ``grouped``) are exactly that action's (as long as the clock does not
    go back).

    Takes the database and a name, not a handle: it is called inside an action that has
    already been checked, and ``actor`` is only whose log to look at."""
    stamp = now()
    last = db.execute(
        "SELECT at FROM events WHERE actor = ? ORDER BY id DESC LIMIT 1", [actor]
    ).fetchone()
    last = last[0] if last else None
    if last and last >= stamp:
        later = dt.datetime.fromisoformat(last) + dt.timedelta(milliseconds=1)
        stamp = later.isoformat(timespec="milliseconds")
    return stamp


_STAMP: contextvars.ContextVar[str | None] = contextvars.ContextVar("action_stamp", default=None)


@contextlib.contextmanager
def one_action(db: Database, actor: str) -> Iterator[str]:
    """One action of ``actor``: one transaction whose logged rows all carry one stamp (the
    one it yields), so :func:`undo_last` takes them back together when their kinds are
    declared ``grouped``. An action inside another (a merge removes codings, a removed
    coding takes its mentions along) joins the outer one and its stamp.

    Like :func:`action_stamp` it takes the database and a name: the caller has checked the
    right to act."""
    with transaction(db):
        stamp = _STAMP.get()
        if stamp is not None:
            yield stamp
            return
        stamp = action_stamp(db, actor)
        token = _STAMP.set(stamp)
        try:
            yield stamp
        finally:
            _STAMP.reset(token)


def stamp_of_action() -> str | None:
    """The stamp of the action under way (:func:`one_action`), or None outside one."""
    return _STAMP.get()


def _steps(db: Database, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The logged rows of the action whose newest row is ``event``, oldest first.

    One action's rows are one transaction's, so they follow each other in the log (the
    write lock keeps others out) and share its stamp.
    """
    kind = _undo_kind(event)
    if kind is None or not kind.grouped:
        return [event]
    steps = []
    for found in db.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE actor = ? AND id <= ? ORDER BY id DESC",
        [event["actor"], event["id"]],
    ):
        step = _event(found)
        step_kind = _undo_kind(step)
        if step["at"] != event["at"] or step_kind is None or not step_kind.grouped:
            break
        steps.append(step)
    return steps[::-1]


def _lead(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The step that names the action: the first that is not a consequence for the rows of
    an event, a coding or a code (``..._with_event``, ``..._with_coding``, ``..._with_code``:
    the mentions, links and memos going or moving with it)."""
    return next((s for s in steps if not _consequence(s["action"])), steps[0])


def _consequence(action: str) -> bool:
    return action.endswith(("_with_event", "_with_coding", "_with_code"))


def undoable_actions(project: Project, *, limit: int = 10) -> list[dict[str, Any]]:
    """The user's most recent actions that :func:`undo_last` would undo, newest first.

    Each is the event that names the action, with ``steps``: every logged row of it, oldest
    first (one for most changes to codings, memos and codes). Actions that cannot be
    inverted (imports, adding or splitting codes, settings, proposals) are passed over: the
    conflict check in :func:`undo_last` keeps an undo from overwriting anything done later.
    The steps hold the rows as logged (quotes, memo texts), so showing them needs ``read``.
    """
    project.require("read")
    return _undoable(project.db, project.user, limit)


def _undoable(db: Database, actor: str, limit: int) -> list[dict[str, Any]]:
    return list(itertools.islice(_actions(db, actor), limit))


def _actions(db: Database, actor: str) -> Iterator[dict[str, Any]]:
    """The actions of ``actor`` that can be inverted and are not undone, newest first, each
    as :func:`undoable_actions` gives it. Lazy, so an undo reads no further back than the
    action it takes back; the log's ids are read first, as an undo adds to the log."""
    undone = _undone_ids(db)
    seen: set[int] = set()
    tables = sorted({kind.entity for kind in events.KINDS.values() if kind.undo is not None})
    ids = db.execute(
        f"SELECT id FROM events WHERE actor = ? "
        f"AND entity IN ({', '.join('?' * len(tables))}) ORDER BY id DESC",
        [actor, *tables],
    ).fetchall()
    for (event_id,) in ids:
        if event_id in undone or event_id in seen:
            continue
        event = _event(
            db.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", [event_id]).fetchone()
        )
        if _undo_kind(event) is None:
            continue
        steps = _steps(db, event)
        seen.update(s["id"] for s in steps)
        if any(s["id"] in undone or _inverse(db, s) is None for s in steps):
            continue
        yield {**_lead(steps), "steps": steps}


def _apply_inverse(project: Project, event: dict[str, Any]) -> None:
    """Put one logged row back as it was before ``event`` and log the undo (if the user may:
    each kind of event declares the permission its undo needs)."""
    db = project.db
    table = event["entity"]
    kind = _undo_kind(event)
    if kind is None or kind.undo is None:
        raise ValueError(f"{event['action']} on {table} is not declared undoable.")
    before, after = _inverse(db, event)
    project.require(kind.undo)
    pk = (after or before)["id"]
    current = row(db, table, pk)
    _require_own_rows(project, event, current)
    if after is None:
        if current is not None:
            raise _conflict(project, event, pk)
        names = list(before)
        try:
            db.execute(
                f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) "
                f"VALUES ({', '.join('?' * len(names))})",
                [before[n] for n in names],
            )
        except sqlite3.IntegrityError:  # its document or code is gone, or a twin exists
            raise _conflict(project, event, pk) from None
    else:
        if current is None or any(current.get(k) != v for k, v in after.items()):
            raise _conflict(project, event, pk)
        if before is None:
            if any(
                db.execute(f"SELECT 1 FROM [{child}] WHERE [{column}] = ? LIMIT 1", [pk]).fetchone()
                for child, column in DEPENDENTS.get(table, ())
            ):
                raise InputError("history.undo_in_use", action=action_words(event["action"]))
            db.execute(f"DELETE FROM [{table}] WHERE id = ?", [pk])
        else:
            names = [n for n in before if n != "id"]
            db.execute(
                f"UPDATE [{table}] SET {', '.join(f'[{n}] = ?' for n in names)} WHERE id = ?",
                [*(before[n] for n in names), pk],
            )
    record_event(db, project.user, events.UNDO(event["id"], current, row(db, table, pk)))


# Whose a row is, for the tables whose rows only their maker (or a researcher) changes: the
# column naming them, or the life events the row is part of (a mention, a link).
_PART_OF_EVENTS = {
    "life_event_codings": ("event_id",),
    "life_event_links": ("cause_id", "effect_id"),
}


def _require_own_rows(
    project: Project, event: dict[str, Any], current: dict[str, Any] | None
) -> None:
    """Undo is a write: refuse it (:class:`PermissionDenied`) unless the user may change the
    row now, as it is and as the undo would put it back: a coding or a done mark is its
    coder's, a memo its
    author's, a life event (with its mentions and links) its recorder's, or a researcher's
    (``workbench.access``). Roles change: a researcher who decided a coder's suggestion and
    is now a supervisor may no longer take that decision back. A row that only followed
    from the action (``..._with_event`` and the like) is checked through the row that names
    it, as the action itself was."""
    if _consequence(event["action"]):
        return
    db, actor, table = project.db, project.user, event["entity"]
    for item in (current, event["before"]):
        if item is None:
            continue
        if table in ("codings", "done_marks"):
            access.require_own(db, actor, item["coder"])
        elif table == "memos":
            access.require_own_memo(db, actor, item["author"])
        elif table == "life_events":
            access.require_own_event(db, actor, item)
        for column in _PART_OF_EVENTS.get(table, ()):
            part_of = row(db, "life_events", item.get(column))
            if part_of is not None:  # gone since: the undo is refused as blocked
                access.require_own_event(db, actor, part_of)


def _require_targets(project: Project, action: dict[str, Any]) -> None:
    """Refuse the undo of ``action`` when a row it put back or moved back hangs on nothing:
    what it is about (its kind declares ``targets``) was removed since, or is a code merged
    away. A memo removed before another coder removed its coding would otherwise come back
    on no coding. Checked once the whole action is back, as a merge's undo brings back the
    code its memos move back to; a row the undo leaves on its target is not checked."""
    db = project.db
    for step in action["steps"]:
        kind, before, after = _undo_kind(step), step["before"], step["after"]
        if kind is None or kind.targets is None or before is None:
            continue
        where = (before.get("target_type"), before.get("target_id"))
        if after is not None and (after.get("target_type"), after.get("target_id")) == where:
            continue
        table = kind.targets.get(str(where[0]))
        if table is None:  # the whole project
            continue
        if target_there(db, table, where[1]):
            continue
        raise InputError(
            f"history.undo_target_gone.{where[0]}", action=action_words(action["action"])
        )


def _conflict(project: Project, event: dict[str, Any], pk: Any) -> InputError:
    """The refusal to undo ``event`` because its row was changed since: it names the action
    and, when the log says, who changed the row last. A change of the user's own (one undo
    cannot take back) or one the log does not tie to the row reads "changed afterwards"."""
    found = project.db.execute(
        "SELECT actor FROM events WHERE entity = ? AND entity_id = ? AND id > ? "
        "ORDER BY id DESC LIMIT 1",
        [event["entity"], str(pk), event["id"]],
    ).fetchone()
    action = action_words(event["action"])
    if found is None or found[0] == project.user:
        return InputError("history.undo_conflict", action=action)
    return InputError("history.undo_conflict_by", action=action, by=found[0])


def action_words(action: str) -> Term:
    """What an action did, in words for the reader ("de code die je toevoegde"); the
    action's own name is internal."""
    key = "app.action." + action.replace(".", "_")
    return Term(key if key in catalogue() else "app.action.other")


def event_words(action: str) -> Term:
    """What an action did, in neutral words for a history table ("code toegevoegd"), whoever
    did it. :func:`action_words` speaks to the user about their own action (the undo toast)."""
    key = "app.event." + action.replace(".", "_")
    return Term(key if key in catalogue() else "app.event.other")


def codebook_changes_passed(project: Project, action: dict[str, Any]) -> int:
    """How many of the user's codebook changes newer than ``action`` undo cannot take back
    (splitting, adding or removing codes or codebooks: their codings would go with them; a
    merge an older release logged only in summary), so a message can say that this undo
    went past them, not that it took back the last change. Only someone who may change the
    codebook has such changes to pass, so the question needs ``codebook.edit``."""
    project.require("codebook.edit")
    db = project.db
    newest = max(step["id"] for step in action["steps"])
    n = 0
    for found in db.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE actor = ? AND id > ? "
        "AND entity IN ('codes', 'codebooks')",
        [project.user, newest],
    ).fetchall():
        event = _event(found)
        if events.kind_of(event["action"], event["entity"]) is None:
            continue
        n += _inverse(db, event) is None
    return n


# Why an undo of one action is refused while older ones may still go: a row of it was changed
# since (by anyone), later work points at a row it would delete, or what a row it would put
# back is about is gone since (a memo's coding).
BLOCKED = (
    "history.undo_conflict",
    "history.undo_conflict_by",
    "history.undo_in_use",
    *sorted(
        {
            f"history.undo_target_gone.{target}"
            for kind in events.KINDS.values()
            for target in kind.targets or ()
        }
    ),
)


def undo_last(project: Project, *, past_blocked: bool = False) -> dict[str, Any]:
    """Undo the user's last undoable action and return the (original) event that names it.

    Applies the inverse of each of its logged rows, newest first (delete what was added, put
    back what was removed, restore the old values of what was changed) and logs an ``undo``
    event per row (entity ``events``, entity_id = the undone event; before/after = the row
    around the undo). Raises :class:`NotFound` when there is nothing to undo. The permission
    is checked per row, before it is changed: the one its kind of event declares (``code``,
    ``memo.write``, ``codebook.edit``), and who owns the row (:func:`_require_own_rows`):
    an undo is a write and passes the checks of making that change now, with the user's
    role as it is now. An action that fails them is blocked as below, with that
    :class:`PermissionDenied` as its reason.

    An action is *blocked* when a row of it was changed since (by anyone: a co-researcher
    edited the memo, rejected the suggestion) or later work points at a row it would delete
    (a life event holds the coding), or what a row it would put back is about is gone since
    (another coder removed the coding of a removed memo): undoing it would overwrite or orphan
    that work, or leave a memo on nothing, so it is refused, naming the action and why
    (``history.undo_conflict_by`` says who changed it).
    That refusal used to be the end: undo only ever tried the newest action, so one blocked
    action kept the user from undoing anything older. Now:

    - by default a blocked newest action is refused with ``history.undo_blocked`` when an
      older action can be undone: the message names both, and nothing is changed. The user
      pressed undo for their last action; taking back an older one they may not have in mind
      is their choice to make, not ours;
    - ``past_blocked=True`` is that choice: the blocked actions stay as they are, and the
      newest action that can be undone is undone. The returned event then has ``passed``:
      the blocked actions it went past, newest first, each with ``reason`` (its refusal).

    Passing over loses nothing: each row is only put back when it is still exactly as the
    action left it, so an older action that touched a row the blocked one (or anyone) changed
    later is blocked too and passed over in turn. Without ``past_blocked`` the result is the
    same as before for an action that is not blocked, and a blocked action with nothing older
    to undo is refused with its own reason.
    """
    db = project.db
    passed: list[dict[str, Any]] = []
    with transaction(db):
        for action in _actions(db, project.user):
            refused = _undo(project, action, keep=past_blocked or not passed)
            if refused is not None:
                passed.append({**action, "reason": refused})
                continue
            if not past_blocked and passed:  # the older one could go: offer it, change nothing
                blocked = passed[0]
                raise InputError(
                    "history.undo_blocked",
                    reason=Term(blocked["reason"].key, blocked["reason"].params),
                    older=action_words(action["action"]),
                )
            return {**action, "passed": passed}
        if passed and not past_blocked:
            raise passed[0]["reason"]
    raise NotFound("history.nothing_to_undo", user=project.user)


class _Trial(Exception):
    """Raised inside a savepoint to take a trial undo back (see :func:`_undo`)."""


def _undo(project: Project, action: dict[str, Any], *, keep: bool) -> WorkbenchError | None:
    """Undo ``action`` in a savepoint; the refusal when it is blocked (nothing of it stays).

    ``keep=False`` only tries: whether it would go, with everything taken back afterwards.
    An action the user may no longer change (:class:`PermissionDenied`: the role changed,
    the rows are someone else's) is blocked too: it stays, and older ones may still go."""
    try:
        with transaction(project.db):  # nested: a savepoint
            for step in reversed(action["steps"]):
                _apply_inverse(project, step)
            _require_targets(project, action)
            _log_codebook_undo(project.db, project.user, action["steps"])
            if not keep:
                raise _Trial
    except _Trial:
        pass
    except PermissionDenied as refused:
        return refused
    except InputError as refused:
        if refused.key not in BLOCKED:
            raise
        return refused
    return None


def _log_codebook_undo(db: Database, actor: str, steps: list[dict[str, Any]]) -> None:
    """One entry in the codebook's own change log for an undo that changed codes back,
    naming what was undone ("undo_merge"), so a supervisor does not read an undone merge or
    move as a changed description, nor one entry per sub-code that went back with it."""
    codes = [s for s in steps if s["entity"] == "codes"]
    if not codes:
        return
    lead = codes[0]["before"]  # as restored: the merged or moved code, in its codebook
    db["codebook_changes"].insert(
        {
            "codebook_id": lead["codebook_id"],
            "at": now(),
            "author": actor,
            "action": "undo_" + codes[0]["action"].rsplit(".", 1)[-1],
            "code_slug": lead["slug"],
            "rationale": "undo",
            "details": json.dumps(
                {
                    "undo_of": codes[0]["id"],
                    "codes": list(dict.fromkeys(s["before"]["slug"] for s in codes)),
                },
                ensure_ascii=False,
            ),
        }
    )
