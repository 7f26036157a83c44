"""Events, their mentions and links: the writes (one transaction each, every changed row
logged under one stamp so undo takes the action back whole) and the reads (each checks the
``read`` right) behind the Coderen panel and the cascades.

Who may change what someone recorded is the package's one rule for codings and memos
(:func:`workbench.access.require_own`): its maker, or a researcher. An event's maker is
its ``created_by``; an open proposal of the workbench is nobody's until someone who may
decide suggestions decides it, and is then the decider's
(:func:`workbench.access.event_owner`). Its mentions and links are part of it: they say
which words tell it and what it led to or came from in the cascade, so changing them is
changing the event (:func:`_may_change`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd
from sqlite_utils import Database

from workbench import access
from workbench import events as log
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.history import one_action, stamp_of_action
from workbench.life_events.evidence import Reason, dumps, reasons
from workbench.merge_rules import FOLLOWERS, LOSS_ROOT, NOT_EVENTS, Kinds, event_after_merge
from workbench.merge_rules import read_kinds as _kinds
from workbench.store import now, record_event, row, unused_id

CASCADE_CODE = "verliescascade"
CERTAINTIES = ("sure", "about", "unsure")
RELATIONS = ("before", "after")
STATUSES = ("suggested", "accepted", "rejected")
EDITABLE = ("kind", "label", "life_year", "life_age", "relation", "relative_to", "certainty")


def kinds(
    project: Project,
    *,
    loss_root: str = LOSS_ROOT,
    exclude: Sequence[str] = NOT_EVENTS,
    followers: Sequence[str] = FOLLOWERS,
) -> Kinds:
    """The loss kinds (``verlies`` and its sub-codes but ``verliescascade``) and reaction kinds.

    Needs ``read``, as the overviews that ask; the writes here, which need ``code``, use the
    same rule without that check."""
    project.require("read")
    return _kinds(project.db, loss_root=loss_root, exclude=exclude, followers=followers)


def _respondent_of(db: Database, document_id: int) -> str:
    found = db.execute(
        "SELECT coalesce(r.code, d.name) FROM documents d LEFT JOIN respondents r "
        "ON r.id = d.respondent_id WHERE d.id = ?",
        [document_id],
    ).fetchone()
    if found is None:
        raise NotFound("life_events.unknown_document", document=document_id)
    return str(found[0])


def _event_row(db: Database, event_id: int) -> dict[str, Any]:
    found = row(db, "life_events", event_id)
    if found is None:
        raise NotFound("life_events.unknown_event", event=event_id)
    return found


def _may_change(project: Project, *events: dict[str, Any]) -> None:
    """Refuse (:class:`PermissionDenied`, naming whose event it is) unless the acting user
    may change each of these events: whoever recorded it, or a researcher; the rule of
    codings and memos, so a supervisor or another coder cannot take back or reshape an event
    someone else recorded (nor its mentions and links, which are part of it). An open
    proposal of the workbench is nobody's yet (:func:`workbench.access.event_owner`)."""
    for event in events:
        access.require_own_event(project.db, project.user, event)


def _check_time(year: int | None, age: int | None) -> None:
    for label, value, low, high in (("year", year, 1900, 2100), ("age", age, 0, 120)):
        if value is not None and not low <= int(value) <= high:
            raise InputError("codings.bad_life_time", field=label, value=value, low=low, high=high)


def _check_fields(
    db: Database, fields: dict[str, Any], event_id: int | None, respondent: str
) -> None:
    _check_time(fields.get("life_year"), fields.get("life_age"))
    if fields.get("certainty") not in (None, *CERTAINTIES):
        raise InputError(
            "life_events.bad_certainty", given=fields["certainty"], allowed=", ".join(CERTAINTIES)
        )
    if fields.get("relation") not in (None, *RELATIONS):
        raise InputError(
            "life_events.bad_relation", given=fields["relation"], allowed=", ".join(RELATIONS)
        )
    other = fields.get("relative_to")
    if (fields.get("relation") is None) != (other is None):
        raise InputError("life_events.relation_needs_event")
    if other is not None:
        found = _event_row(db, int(other))
        if int(other) == event_id or found.get("relative_to") == event_id and event_id:
            raise InputError("life_events.relative_to_itself")
        if _respondent_of(db, found["document_id"]) != respondent:
            raise InputError("life_events.other_life", event=other)


def _coding_rows(db: Database, coding_ids: Iterable[int]) -> list[dict[str, Any]]:
    out = []
    for coding_id in coding_ids:
        found = db.execute(
            "SELECT c.id, c.document_id, k.slug, c.life_year, c.life_age FROM codings c "
            "JOIN codes k ON k.id = c.code_id WHERE c.id = ?",
            [int(coding_id)],
        ).fetchone()
        if found is None:
            raise NotFound("codings.unknown_coding", coding=coding_id)
        out.append(dict(zip(["id", "document_id", "code", "life_year", "life_age"], found)))
    return out


def _action(db: Database, actor: str) -> AbstractContextManager[str]:
    """One researcher action: one transaction whose logged rows all carry one time stamp,
    so ``workbench.history`` undoes them together (:func:`workbench.history.one_action`).
    The row that names the action is logged first; rows that only follow from what
    happened to an event end in ``_with_event``, to a coding in ``_with_coding``."""
    return one_action(db, actor)


def _log(db: Database, actor: str, event: log.Event) -> None:
    record_event(db, actor, event, at=stamp_of_action())


def _check_table(kind: log.EventKind, table: str) -> None:
    if kind.entity != table:
        raise ValueError(f"{kind.action} is logged for {kind.entity}. Got {table!r} instead.")


def _insert(
    db: Database, table: str, record: dict[str, Any], actor: str, kind: log.EventKind
) -> int:
    _check_table(kind, table)
    stamp = now()
    record = {
        **record,
        "id": unused_id(db, table),  # never the id of a removed row the log still names
        "created_by": actor,
        "created_at": stamp,
        "updated_at": stamp,
    }
    new_id = int(db[table].insert(record).last_pk)
    _log(db, actor, kind(new_id, None, row(db, table, new_id)))
    return new_id


def _update(
    db: Database,
    table: str,
    item_id: int,
    changes: dict[str, Any],
    actor: str,
    kind: log.EventKind,
) -> None:
    _check_table(kind, table)
    before = row(db, table, item_id)
    if before is None:
        raise NotFound("life_events.unknown_item", table=table, id=item_id)
    if all(before.get(k) == v for k, v in changes.items()):
        return
    db[table].update(item_id, {**changes, "updated_at": now()})
    _log(db, actor, kind(item_id, before, row(db, table, item_id)))


def _settle(db: Database, event_id: int, status: str, actor: str, kind: log.EventKind) -> None:
    """Set an event's status. Deciding an open proposal of the workbench makes it the
    decider's (:func:`workbench.access.event_owner`): from then on it is changed by them or
    a researcher, as a coding is by its coder."""
    changes: dict[str, Any] = {"status": status}
    if status != "suggested" and access.event_owner(_event_row(db, event_id)) is None:
        changes["created_by"] = actor
    _update(db, "life_events", event_id, changes, actor, kind)


def _add_mention(
    project: Project,
    event_id: int,
    coding_id: int,
    *,
    origin: str,
    status: str,
    evidence: Sequence[Reason | str] | None,
) -> int:
    """One coding as a mention of an event (a human attach moves it from any other event,
    which the acting user must then be allowed to change)."""
    db, actor = project.db, project.user
    found = db.execute(
        "SELECT id, status FROM life_event_codings WHERE event_id = ? AND coding_id = ?",
        [event_id, coding_id],
    ).fetchone()
    if found is not None:
        mention = int(found[0])
        _update(
            db,
            "life_event_codings",
            mention,
            {"status": status},
            actor,
            log.LIFE_EVENT_MENTION_DECIDE,
        )
    else:
        mention = _insert(
            db,
            "life_event_codings",
            {
                "event_id": event_id,
                "coding_id": coding_id,
                "origin": origin,
                "status": status,
                "evidence": dumps(evidence),
            },
            actor,
            log.LIFE_EVENT_MENTION_ADD,
        )
    if origin == "human":
        for other, other_event in db.execute(
            "SELECT id, event_id FROM life_event_codings WHERE coding_id = ? AND "
            "event_id != ? AND status != 'rejected'",
            [coding_id, event_id],
        ).fetchall():
            _may_change(project, _event_row(db, other_event))
            _update(
                db,
                "life_event_codings",
                other,
                {"status": "rejected"},
                actor,
                log.LIFE_EVENT_MENTION_MOVE,
            )
    return mention


def create_event(
    project: Project,
    coding_ids: Sequence[int],
    *,
    kind: str | None = None,
    label: str | None = None,
    life_year: int | None = None,
    life_age: int | None = None,
    relation: str | None = None,
    relative_to: int | None = None,
    certainty: str = "sure",
    origin: str = "human",
    evidence: Sequence[Reason | str] | None = None,
) -> int:
    """A new event that these codings mention; returns its id.

    ``kind`` defaults to the first coding's code; the time defaults to the first year or
    age the codings carry (nothing is invented: no time stays no time). A researcher's event
    is confirmed at once, the workbench's (``origin="machine"``) is a proposal.
    """
    project.require("code")
    db, actor = project.db, project.user
    if not coding_ids:
        raise InputError("life_events.no_codings")
    with _action(db, actor):
        codings = _coding_rows(db, coding_ids)
        the = _kinds(db)
        kind = kind or codings[0]["code"]
        if the.role(kind) is None:
            raise InputError(
                "life_events.not_a_kind", code=kind, kinds=", ".join([*the.losses, *the.reactions])
            )
        respondent = _respondent_of(db, codings[0]["document_id"])
        if any(_respondent_of(db, c["document_id"]) != respondent for c in codings):
            raise InputError("life_events.other_life", event=kind)
        if life_year is None and life_age is None and relation is None:
            marked = next((c for c in codings if c["life_year"] or c["life_age"]), None)
            if marked:
                life_year, life_age = marked["life_year"], marked["life_age"]
        fields = {
            "life_year": life_year,
            "life_age": life_age,
            "relation": relation,
            "relative_to": relative_to,
            "certainty": certainty,
        }
        _check_fields(db, fields, None, respondent)
        status = "accepted" if origin == "human" else "suggested"
        event_id = _insert(
            db,
            "life_events",
            {
                "document_id": codings[0]["document_id"],
                "kind": kind,
                "role": the.role(kind),
                "label": label,
                **fields,
                "origin": origin,
                "status": status,
                "evidence": dumps(evidence),
            },
            actor,
            log.LIFE_EVENT_ADD,
        )
        for coding in codings:
            _add_mention(
                project, event_id, coding["id"], origin=origin, status=status, evidence=None
            )
    return event_id


def update_event(project: Project, event_id: int, **changes: Any) -> None:
    """Change what an event is or when it happened (``EDITABLE`` fields; None clears); only
    whoever recorded it, or a researcher, may (:func:`_may_change`)."""
    project.require("code")
    db, actor = project.db, project.user
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Only {EDITABLE} can change. Got {sorted(unknown)} instead.")
    with _action(db, actor):
        event = _event_row(db, event_id)
        _may_change(project, event)
        merged = {**event, **changes}
        _check_fields(
            db, {k: merged[k] for k in EDITABLE}, event_id, _respondent_of(db, event["document_id"])
        )
        if "kind" in changes:
            role = _kinds(db).role(changes["kind"])
            if role is None:
                raise InputError("life_events.not_a_kind", code=changes["kind"], kinds="")
            changes["role"] = role
        _update(db, "life_events", event_id, changes, actor, log.LIFE_EVENT_EDIT)


def attach(project: Project, event_id: int, coding_id: int) -> int:
    """The researcher says: this coding mentions that event (a re-mention, not a new event).
    A new mention changes the event, so it is the event's maker's (or a researcher's) to add;
    the coding may be anyone's, as a memo may be about anyone's coding."""
    project.require("code")
    db, actor = project.db, project.user
    with _action(db, actor):
        event = _event_row(db, event_id)
        _may_change(project, event)
        coding = _coding_rows(db, [coding_id])[0]
        if _respondent_of(db, coding["document_id"]) != _respondent_of(db, event["document_id"]):
            raise InputError("life_events.other_life", event=event_id)
        mention = _add_mention(
            project, event_id, coding_id, origin="human", status="accepted", evidence=None
        )
        if event["status"] == "suggested":
            _settle(db, event_id, "accepted", actor, log.LIFE_EVENT_ACCEPT)
        return mention


def link(
    project: Project,
    cause_id: int,
    effect_id: int,
    *,
    evidence: Sequence[Reason | str] | None = None,
) -> int:
    """The researcher says: ``cause`` led to ``effect`` (confirmed at once); returns its id.

    Only who may change both events may link them: their recorder (or a researcher). A
    link is part of both: it makes ``effect`` follow from ``cause`` in the loss timeline and
    cascade of that life, confirms an end that was a proposal and turns the opposite link
    down, so linking someone else's event changes their event. Two events recorded by
    different coders are therefore linked by a researcher; anyone else who sees the link
    says so in a memo on the codings, as about any coding that is not theirs."""
    project.require("code")
    db, actor = project.db, project.user
    if cause_id == effect_id:
        raise InputError("life_events.link_to_itself")
    with _action(db, actor):
        cause, effect = _event_row(db, cause_id), _event_row(db, effect_id)
        _may_change(project, cause, effect)
        if _respondent_of(db, cause["document_id"]) != _respondent_of(db, effect["document_id"]):
            raise InputError("life_events.other_life", event=effect_id)
        if cause["role"] == "reaction" and effect["role"] == "loss":
            raise InputError("life_events.reaction_first")
        found = db.execute(
            "SELECT id FROM life_event_links WHERE cause_id = ? AND effect_id = ?",
            [cause_id, effect_id],
        ).fetchone()
        if found is not None:
            made = int(found[0])
            _update(
                db,
                "life_event_links",
                made,
                {"status": "accepted"},
                actor,
                log.LIFE_EVENT_LINK_ACCEPT,
            )
        else:
            made = _insert(
                db,
                "life_event_links",
                {
                    "cause_id": cause_id,
                    "effect_id": effect_id,
                    "origin": "human",
                    "status": "accepted",
                    "score": None,
                    "evidence": dumps(evidence),
                },
                actor,
                log.LIFE_EVENT_LINK_ADD,
            )
        back = db.execute(
            "SELECT id FROM life_event_links WHERE cause_id = ? AND effect_id = ? "
            "AND status != 'rejected'",
            [effect_id, cause_id],
        ).fetchone()
        if back is not None:
            _update(
                db,
                "life_event_links",
                back[0],
                {"status": "rejected"},
                actor,
                log.LIFE_EVENT_LINK_REJECT,
            )
        for event in (cause, effect):
            if event["status"] != "accepted":
                _settle(db, event["id"], "accepted", actor, log.LIFE_EVENT_ACCEPT)
        return made


_TABLES = {"event": "life_events", "mention": "life_event_codings", "link": "life_event_links"}
_DECIDED = {
    ("event", "accepted"): log.LIFE_EVENT_EVENT_ACCEPT,
    ("event", "rejected"): log.LIFE_EVENT_EVENT_REJECT,
    ("event", "suggested"): log.LIFE_EVENT_EVENT_REOPEN,
    ("mention", "accepted"): log.LIFE_EVENT_MENTION_ACCEPT,
    ("mention", "rejected"): log.LIFE_EVENT_MENTION_REJECT,
    ("mention", "suggested"): log.LIFE_EVENT_MENTION_REOPEN,
    ("link", "accepted"): log.LIFE_EVENT_LINK_ACCEPT,
    ("link", "rejected"): log.LIFE_EVENT_LINK_REJECT,
    ("link", "suggested"): log.LIFE_EVENT_LINK_REOPEN,
}
# The rows that go with an event: rejected with it, removed with it.
_REJECTED_WITH_EVENT = {
    "life_event_codings": log.LIFE_EVENT_MENTION_REJECT_WITH_EVENT,
    "life_event_links": log.LIFE_EVENT_LINK_REJECT_WITH_EVENT,
}
_REMOVED_WITH_EVENT = {
    "life_event_codings": log.LIFE_EVENT_MENTION_REMOVE_WITH_EVENT,
    "life_event_links": log.LIFE_EVENT_LINK_REMOVE_WITH_EVENT,
}


def decide(project: Project, what: str, item_id: int, status: str) -> None:
    """Confirm (``accepted``) or reject a proposed event, mention or link, or reopen it.

    Confirming a mention or a link confirms the event(s) it needs; rejecting an event
    rejects its open mentions and links too (they mean nothing without it). An open
    proposal of the workbench is decided by anyone who may decide suggestions (researchers,
    supervisors), whoever asked for it: it is made from every coder's codings for the team,
    not for the one who pressed the button. The decision makes the event the decider's;
    changing it later (reopening, deciding otherwise, a mention or link of a decided event)
    is for them or a researcher (:func:`_may_change`), as a coding is its coder's.
    """
    project.require("suggestion.decide")
    db, actor = project.db, project.user
    if what not in _TABLES:
        raise ValueError(f"what must be one of {tuple(_TABLES)}. Got {what!r} instead.")
    if status not in STATUSES:
        raise InputError("patterns.bad_status", status=status, allowed=", ".join(STATUSES))
    table = _TABLES[what]
    with _action(db, actor):
        item = row(db, table, item_id)
        if item is None:
            raise NotFound("life_events.unknown_item", table=table, id=item_id)
        needed = {
            "event": [],
            "mention": [item.get("event_id")],
            "link": [item.get("cause_id"), item.get("effect_id")],
        }[what]
        _may_change(project, *(_event_row(db, e) for e in needed or [item_id]))
        if what == "event":
            _settle(db, item_id, status, actor, _DECIDED[what, status])
        else:
            _update(db, table, item_id, {"status": status}, actor, _DECIDED[what, status])
        if status == "accepted":
            for event_id in needed:
                _settle(db, event_id, "accepted", actor, log.LIFE_EVENT_EVENT_ACCEPT)
        if what == "event" and status == "rejected":
            for child_table, where in (
                ("life_event_codings", "event_id = ?"),
                ("life_event_links", "cause_id = ? OR effect_id = ?"),
            ):
                params = [item_id] * where.count("?")
                for (child,) in db.execute(
                    f"SELECT id FROM {child_table} WHERE ({where}) AND status = 'suggested'", params
                ).fetchall():
                    _update(
                        db,
                        child_table,
                        child,
                        {"status": "rejected"},
                        actor,
                        _REJECTED_WITH_EVENT[child_table],
                    )


def remove_event(project: Project, event_id: int) -> None:
    """Delete an event with its mentions and links (the event log keeps every row); only
    whoever recorded it, or a researcher, may (:func:`_may_change`)."""
    project.require("code")
    db, actor = project.db, project.user
    with _action(db, actor):
        event = _event_row(db, event_id)
        _may_change(project, event)
        _remove_event(db, actor, event)


def _remove_event(db: Database, actor: str, event: dict[str, Any]) -> None:
    event_id = event["id"]
    for (other,) in db.execute(
        "SELECT id FROM life_events WHERE relative_to = ?", [event_id]
    ).fetchall():  # "after this event" loses its anchor
        _update(
            db,
            "life_events",
            other,
            {"relation": None, "relative_to": None},
            actor,
            log.LIFE_EVENT_EDIT_WITH_EVENT,
        )
    for table, where in (
        ("life_event_codings", "event_id = ?"),
        ("life_event_links", "cause_id = ? OR effect_id = ?"),
    ):
        for (child,) in db.execute(
            f"SELECT id FROM {table} WHERE {where}", [event_id] * where.count("?")
        ).fetchall():
            _log(db, actor, _REMOVED_WITH_EVENT[table](child, row(db, table, child), None))
    db.execute("DELETE FROM life_events WHERE id = ?", [event_id])
    _log(db, actor, log.LIFE_EVENT_REMOVE(event_id, event, None))


def remove_link(project: Project, link_id: int) -> None:
    """Delete a link (the event log keeps it); only who may change both its events may
    (:func:`link` says why)."""
    project.require("code")
    db, actor = project.db, project.user
    with _action(db, actor):
        found = row(db, "life_event_links", link_id)
        if found is None:
            raise NotFound("life_events.unknown_item", table="life_event_links", id=link_id)
        _may_change(project, _event_row(db, found["cause_id"]), _event_row(db, found["effect_id"]))
        db.execute("DELETE FROM life_event_links WHERE id = ?", [link_id])
        _log(db, actor, log.LIFE_EVENT_LINK_REMOVE(link_id, found, None))


# ------------------------------------------------------ what follows a coding or a code
# Each runs inside a write on codings or codes (removing a coding, a code merge, a recode)
# and joins its action: its rows carry that action's stamp and are undone with it.


def mentions_go_with_coding(
    project: Project, coding_id: int, *, with_events: bool = False
) -> list[int]:
    """The mentions of a coding that is being removed go with it, each logged, so the undo
    of the removal brings them back. Returns the ids of the events that went too.

    When the coding is the last confirmed mention of a confirmed event, that event (and any
    cascade it is in) would be left without a word of the interview behind it: refused
    (:class:`InputError`), unless ``with_events``, when the event goes too, with its links
    (logged in the same action: one undo brings it all back), if the acting user may
    remove that event (:func:`_may_change`)."""
    project.require("code")
    db, actor = project.db, project.user
    with _action(db, actor):
        last = [
            dict(zip(("id", "kind", "label"), r))
            for r in db.execute(
                "SELECT e.id, e.kind, e.label FROM life_event_codings m JOIN life_events e "
                "ON e.id = m.event_id WHERE m.coding_id = ? AND m.status = 'accepted' "
                "AND e.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM life_event_codings "
                "o WHERE o.event_id = e.id AND o.coding_id != m.coding_id "
                "AND o.status = 'accepted') ORDER BY e.id",
                [coding_id],
            ).fetchall()
        ]
        if last and not with_events:
            names = [f"'{e['label']}' ({e['kind']})" if e["label"] else e["kind"] for e in last]
            raise InputError("codings.last_mention", event=", ".join(names))
        going = [_event_row(db, event["id"]) for event in last]
        _may_change(project, *going)
        for event in going:
            _remove_event(db, actor, event)
        for (mention,) in db.execute(
            "SELECT id FROM life_event_codings WHERE coding_id = ? ORDER BY id", [coding_id]
        ).fetchall():
            _remove_mention(db, actor, mention)
    return [e["id"] for e in last]


# A decision beats an open proposal: the status a mention keeps when two become one.
_DECIDED_FIRST = {"accepted": 2, "rejected": 1, "suggested": 0}


def mentions_follow_coding(project: Project, gone: int, stays: int) -> None:
    """The mentions of coding ``gone`` (a duplicate that a merge or a recode removes) move
    to coding ``stays``, each logged. Where ``stays`` already mentions that event, it keeps
    the more decided status of the two and the duplicate's mention goes."""
    project.require("codebook.edit")
    db, actor = project.db, project.user
    with _action(db, actor):
        for (mention,) in db.execute(
            "SELECT id FROM life_event_codings WHERE coding_id = ? ORDER BY id", [gone]
        ).fetchall():
            moving = row(db, "life_event_codings", mention)
            assert moving is not None  # just read by id in this transaction
            there = db.execute(
                "SELECT id, status FROM life_event_codings WHERE event_id = ? AND coding_id = ?",
                [moving["event_id"], stays],
            ).fetchone()
            if there is None:
                _update(
                    db,
                    "life_event_codings",
                    mention,
                    {"coding_id": stays},
                    actor,
                    log.LIFE_EVENT_MENTION_MOVE_WITH_CODING,
                )
                continue
            if _DECIDED_FIRST[moving["status"]] > _DECIDED_FIRST[there[1]]:
                _update(
                    db,
                    "life_event_codings",
                    int(there[0]),
                    {"status": moving["status"]},
                    actor,
                    log.LIFE_EVENT_MENTION_MOVE_WITH_CODING,
                )
            _remove_mention(db, actor, mention)


def _remove_mention(db: Database, actor: str, mention: int) -> None:
    before = row(db, "life_event_codings", mention)
    db.execute("DELETE FROM life_event_codings WHERE id = ?", [mention])
    _log(db, actor, log.LIFE_EVENT_MENTION_REMOVE_WITH_CODING(mention, before, None))


def events_follow_merge(project: Project, source: str, target: str) -> list[int]:
    """Events of kind ``source`` (a code merged into ``target``) become events of kind
    ``target``, each logged, so cascades, chains and life lines name the code the codings
    now carry. They take the target's role when it is a loss or a reaction, and keep their
    own otherwise. Returns the changed events' ids."""
    project.require("codebook.edit")
    db, actor = project.db, project.user
    with _action(db, actor):
        changes = event_after_merge(_kinds(db), target)
        changed = [
            int(r[0])
            for r in db.execute(
                "SELECT id FROM life_events WHERE kind = ? ORDER BY id", [source]
            ).fetchall()
        ]
        for event_id in changed:
            _update(db, "life_events", event_id, changes, actor, log.LIFE_EVENT_EDIT)
    return changed


# ----------------------------------------------------------------------------- reads
def _where(respondent: str | None, document_id: int | None) -> tuple[str, list[Any]]:
    clauses, params = ["1 = 1"], []
    if respondent is not None:
        clauses.append("coalesce(r.code, d.name) = ?")
        params.append(respondent)
    if document_id is not None:
        clauses.append(
            "coalesce(r.code, d.name) = (SELECT coalesce(r2.code, d2.name) FROM "
            "documents d2 LEFT JOIN respondents r2 ON r2.id = d2.respondent_id "
            "WHERE d2.id = ?)"
        )
        params.append(document_id)
    return " AND ".join(clauses), params


def events_frame(
    project: Project, *, respondent: str | None = None, document_id: int | None = None
) -> pd.DataFrame:
    """Every event (also rejected ones), with its respondent; ``document_id`` means: the
    events in the life of that document's respondent."""
    project.require("read")
    where, params = _where(respondent, document_id)
    return pd.read_sql_query(
        f"""
        SELECT e.id AS event, coalesce(r.code, d.name) AS respondent, d.respondent_id,
               e.document_id, e.kind, e.role, e.label, e.life_year, e.life_age, e.relation,
               e.relative_to, e.certainty, e.origin, e.status, e.evidence
        FROM life_events e JOIN documents d ON d.id = e.document_id
        LEFT JOIN respondents r ON r.id = d.respondent_id WHERE {where} ORDER BY e.id
        """,
        project.db.conn,
        params=params,
    ).astype(
        {
            "respondent_id": "Int64",
            "life_year": "Int64",
            "life_age": "Int64",
            "relative_to": "Int64",
            "label": object,
            "evidence": object,
        }
    )


def mentions_frame(
    project: Project, *, respondent: str | None = None, document_id: int | None = None
) -> pd.DataFrame:
    """Every mention: event, coding, where it is (document, start, end, segment position)."""
    project.require("read")
    where, params = _where(respondent, document_id)
    return pd.read_sql_query(
        f"""
        SELECT m.id AS mention, m.event_id AS event, m.coding_id AS coding, m.origin,
               m.status, m.evidence, c.document_id, c.start_char, c.end_char, k.slug AS code,
               c.coder, c.status AS coding_status, c.life_year, c.life_age, c.text,
               coalesce(s.position, (SELECT s2.position FROM segments s2 WHERE
                   s2.document_id = c.document_id AND s2.end_char > c.start_char
                   ORDER BY s2.end_char LIMIT 1)) AS segment
        FROM life_event_codings m JOIN codings c ON c.id = m.coding_id
        JOIN codes k ON k.id = c.code_id JOIN documents d ON d.id = c.document_id
        LEFT JOIN respondents r ON r.id = d.respondent_id
        LEFT JOIN segments s ON s.id = c.segment_id
        WHERE {where} ORDER BY c.document_id, c.start_char, m.id
        """,
        project.db.conn,
        params=params,
    ).astype({"life_year": "Int64", "life_age": "Int64", "segment": "Int64", "evidence": object})


def links_frame(
    project: Project, *, respondent: str | None = None, document_id: int | None = None
) -> pd.DataFrame:
    """Every link (also rejected ones) with the kinds of both ends."""
    project.require("read")
    where, params = _where(respondent, document_id)
    return pd.read_sql_query(
        f"""
        SELECT l.id AS link, coalesce(r.code, d.name) AS respondent, l.cause_id AS cause,
               a.kind AS cause_kind, l.effect_id AS effect, b.kind AS effect_kind,
               b.role AS effect_role, l.origin, l.status, l.score, l.evidence
        FROM life_event_links l JOIN life_events a ON a.id = l.cause_id
        JOIN life_events b ON b.id = l.effect_id JOIN documents d ON d.id = a.document_id
        LEFT JOIN respondents r ON r.id = d.respondent_id WHERE {where} ORDER BY l.id
        """,
        project.db.conn,
        params=params,
    ).astype({"evidence": object})


def event_codings(project: Project, coding_ids: Iterable[int]) -> dict[int, list[dict]]:
    """coding id -> the mentions (event id, status, origin, evidence) it has; ``evidence``
    is the stored list of reasons (:func:`evidence_text` puts it into words)."""
    project.require("read")
    out: dict[int, list[dict]] = {}
    ids = json.dumps([int(i) for i in coding_ids])
    for mention, event, coding, status, origin, evidence in project.db.execute(
        "SELECT id, event_id, coding_id, status, origin, evidence FROM life_event_codings "
        "WHERE coding_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        [ids],
    ):
        out.setdefault(coding, []).append(
            {
                "mention": mention,
                "event": event,
                "status": status,
                "origin": origin,
                "evidence": reasons(evidence),
            }
        )
    return out


def codings_at(
    project: Project, document_id: int, start_char: int, end_char: int
) -> list[dict[str, Any]]:
    """Accepted loss and reaction codings that overlap a span, each with its mentions."""
    project.require("read")
    the = kinds(project)
    found = [
        dict(zip(["id", "code", "coder", "text", "life_year", "life_age"], r))
        for r in project.db.execute(
            "SELECT c.id, k.slug, c.coder, c.text, c.life_year, c.life_age FROM codings c "
            "JOIN codes k ON k.id = c.code_id WHERE c.document_id = ? AND c.status = "
            "'accepted' AND c.start_char < ? AND c.end_char > ? "
            "ORDER BY c.start_char, k.slug, c.id",
            [document_id, end_char, start_char],
        )
        if the.role(r[1]) is not None
    ]
    mentions = event_codings(project, [c["id"] for c in found])
    for coding in found:
        coding["role"] = the.role(coding["code"])
        coding["mentions"] = [
            m for m in mentions.get(coding["id"], []) if m["status"] != "rejected"
        ]
    return found
