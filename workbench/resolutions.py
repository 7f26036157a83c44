"""The team's decisions on disagreements between coders: the ``resolutions`` table (issue 7).

This module writes that table and no other does. :mod:`workbench.consistency` reads it for
the review and records a decision through :func:`record_resolution`; a decision follows what
it is about when the codebook changes: a code merge (``workbench.codebook.editing``) and a
duplicate that a merge or a recode removes (``workbench.codings``) move it with
:func:`resolutions_follow_merge` and :func:`resolutions_follow_coding`. Why a module of its
own: consistency imports the codebook and the codings (a decision writes a consensus coding
and a note on the code), so they could not call it back without an import cycle; this one
imports only the core and ``workbench.history``, below all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.handle import Project
from workbench.history import one_action, stamp_of_action
from workbench.merge_rules import decisions_meet
from workbench.store import record_event, row, transaction


def record_resolution(
    project: Project, record: dict[str, Any], before: dict[str, Any] | None
) -> int:
    """Store the decision ``record`` (replacing ``before``, the earlier decision on the same
    unit and code, when there is one) and log it; returns its id.

    :func:`workbench.consistency.resolve` says what the record holds (it writes or removes
    the consensus coding first, in the same transaction)."""
    project.require("consistency.resolve")
    db = project.db
    with transaction(db):
        if before:
            resolution_id = int(before["id"])
            _set(db, resolution_id, record)
        else:
            names = list(record)
            cur = db.execute(
                f"INSERT INTO resolutions ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})",
                [record[n] for n in names],
            )
            resolution_id = int(cur.lastrowid or 0)  # a rowid table: always set
        record_event(
            db,
            project.user,
            events.CONSISTENCY_RESOLVE(resolution_id, before, {**record, "id": resolution_id}),
        )
    return resolution_id


def _set(db: Database, resolution_id: int, values: dict[str, Any]) -> None:
    names = list(values)
    db.execute(
        f"UPDATE resolutions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
        [*(values[n] for n in names), resolution_id],
    )


def _rows(db: Database, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cur = db.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def resolution_on(project: Project, unit: str, unit_id: int, code_id: int) -> dict[str, Any] | None:
    """The decision on one unit for one code, or None (a unit holds one per code); needs
    ``read``."""
    project.require("read")
    db = project.db
    found = _rows(
        db,
        "SELECT * FROM resolutions WHERE unit = ? AND unit_id = ? AND code_id = ?",
        [unit, unit_id, code_id],
    )
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Decisions follow their code and their consensus coding (a codebook merge, a recode)
# Each runs inside the codebook action (workbench.codebook.editing.merge_codes, a merge or a
# recode in workbench.codings) and joins it: its rows carry that action's stamp, are logged
# whole and are undone with it, like the memos and mentions that follow a code or a coding.


def resolutions_follow_merge(
    project: Project, source_id: int, target_id: int
) -> dict[str, list[int]]:
    """The team's decisions on code ``source_id`` (merged into ``target_id``) move to the
    target, each logged, so the disagreement review of the target shows them decided and
    the undo of the merge moves them back.

    A unit can hold one decision per code. Where the target already has one on the same
    unit, the two become one, the way two codings of one span do
    (:func:`workbench.codings.merge_code_codings`) and the way mentions of one event do:
    "present" stays over "absent" (the merged code is present wherever either code was, and
    that decision's consensus coding moves with the merge), on a tie the target's own stays.
    The other decision goes from the table but not from the record: its row is logged whole
    (the history shows it, one undo brings it back), and its note, like the memos of a
    removed duplicate, is added to the note of the one that stays, marked with its code and
    decision, so what the team wrote stays in view. Returns the ids of the decisions that
    moved and of those that went.
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    moved: list[int] = []
    removed: list[int] = []
    with one_action(db, actor):
        source_slug, target_slug = (
            db.execute("SELECT slug FROM codes WHERE id = ?", [c]).fetchone()[0]
            for c in (source_id, target_id)
        )
        # read at once: each row is another unit, so no turn changes a row still to come
        for moving in _rows(
            db, "SELECT * FROM resolutions WHERE code_id = ? ORDER BY id", [source_id]
        ):
            there = resolution_on(project, moving["unit"], moving["unit_id"], target_id)
            if there is None:
                _update_resolution(
                    db, actor, moving, {"code_id": target_id}, events.CONSISTENCY_MOVE_WITH_CODE
                )
                moved.append(moving["id"])
                continue
            stays, gone, changes = decisions_meet(
                moving, there, source=source_slug, target=target_slug
            )
            db.execute("DELETE FROM resolutions WHERE id = ?", [gone["id"]])
            _log(db, actor, events.CONSISTENCY_REMOVE_WITH_CODE(gone["id"], gone, None))
            removed.append(gone["id"])
            if changes:
                _update_resolution(db, actor, stays, changes, events.CONSISTENCY_MOVE_WITH_CODE)
            if stays is moving:
                moved.append(moving["id"])
    return {"moved": moved, "removed": removed}


def resolutions_follow_coding(project: Project, gone: int, stays: int) -> list[int]:
    """Decisions whose consensus coding ``gone`` a merge or a recode removes as a duplicate
    now name the coding ``stays`` that took its place, each logged; returns their ids.

    Without this the database would empty ``coding_id`` itself (``ON DELETE SET NULL``)
    without a row in the log: the undo would bring the coding back but not the link, and a
    later "absent" would leave that consensus coding standing. Called before ``gone`` is
    deleted, like the memos and mentions that follow a coding."""
    project.require("codebook.edit")
    db, actor = project.db, project.user
    with one_action(db, actor):
        found = _rows(db, "SELECT * FROM resolutions WHERE coding_id = ? ORDER BY id", [gone])
        for before in found:
            _update_resolution(
                db, actor, before, {"coding_id": stays}, events.CONSISTENCY_MOVE_WITH_CODING
            )
    return [r["id"] for r in found]


def _update_resolution(
    db: Database,
    actor: str,
    before: dict[str, Any],
    changes: dict[str, Any],
    kind: events.EventKind,
) -> None:
    """Change one decision and log its whole row before and after under the action's stamp
    (the decision keeps who took it and when: it follows, it is not taken again)."""
    _set(db, before["id"], changes)
    _log(db, actor, kind(before["id"], before, row(db, "resolutions", before["id"])))


def _log(db: Database, actor: str, event: events.Event) -> None:
    record_event(db, actor, event, at=stamp_of_action())
