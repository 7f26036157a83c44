"""Migration m017 repairs projects whose code merges were made before a merge took the
team's decisions, life events and memos along (workbench/migrations.py).

Each test builds a real project file with today's code, makes the merge the way the old
``merge_codes`` did (the codings move, the code goes inactive, the codebook log and a
summary event say so; nothing else moves), marks m017 as not yet applied, and opens the file
again with ``store.open_project``, which runs it.
"""

from __future__ import annotations

import json

import pytest
from test_consistency import _decided, build_project, disagreeing

from workbench import consistency as cons
from workbench import events
from workbench.codebook import merge_codes
from workbench.handle import Project
from workbench.history import undo_last, undoable_actions
from workbench.life_events import create_event
from workbench.memos import add_memo
from workbench.migrations import migrations
from workbench.store import now, open_project, record_event, transaction

REPAIR = "m017_merged_codes_hand_on_what_hangs_on_them"
REPAIR_ACTOR = "workbench:m017"
TABLES = ("resolutions", "memos", "life_events", "codings", "codes", "events")


@pytest.fixture
def project(db):
    return build_project(db)


def _id(db, slug):
    return db.execute("SELECT id FROM codes WHERE slug = ?", [slug]).fetchone()[0]


def merge_as_before(db, source, target):
    """What ``merge_codes`` did before the fixes: codings moved to the target, the source
    became inactive, ``codebook_changes`` and a summary event recorded it."""
    src, dst = _id(db, source), _id(db, target)
    with transaction(db):
        moved = [r[0] for r in db.execute("SELECT id FROM codings WHERE code_id = ?", [src])]
        db.execute("UPDATE codings SET code_id = ? WHERE code_id = ?", [dst, src])
        db.execute("UPDATE codes SET active = 0 WHERE id = ?", [src])
        details = {"into": target, "codings_moved": moved, "children": [], "duplicates_removed": []}
        db.execute(
            "INSERT INTO codebook_changes (codebook_id, at, author, action, code_slug, "
            "rationale, details) SELECT codebook_id, ?, 'anna', 'merge', slug, 'één gevoel', ? "
            "FROM codes WHERE id = ?",
            [now(), json.dumps(details), src],
        )
        record_event(
            db, "anna", events.CODEBOOK_MERGE(src, {"slug": source}, {**details, "rationale": "x"})
        )


def reopen(db, path):
    """Close the project as the previous release left it (m017 not applied) and open it with
    today's code."""
    with transaction(db):
        db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [REPAIR])
    db.close()
    return open_project(path)


def snapshot(db):
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


def old_state(db, project):
    """schaamte decided on two units (on one of them isolement was decided too), with a memo
    and a life event, then merged into isolement the old way."""
    s = disagreeing(db, project)
    sanne = Project.for_user(db, "sanne")
    decided = cons.resolve(
        sanne, unit="segment", unit_id=s[3], code="schaamte", decision="present", note="Zwijgen."
    )
    absent = cons.resolve(
        sanne, unit="segment", unit_id=s[2], code="isolement", decision="absent", note="Alleen."
    )
    present = cons.resolve(
        sanne, unit="segment", unit_id=s[2], code="schaamte", decision="present", note="Verborgen."
    )
    anna = Project.for_user(db, "anna")
    memo = add_memo(anna, target_type="code", target_id=_id(db, "schaamte"), text="Stil verdriet.")
    coding = db.execute(
        "SELECT id FROM codings WHERE coder = 'anna' AND code_id = ?", [_id(db, "schaamte")]
    ).fetchone()[0]
    event = create_event(anna, [coding], kind="schaamte", label="het geheim")
    merge_as_before(db, "schaamte", "isolement")
    return s, {"decided": decided, "absent": absent, "present": present, "memo": memo}, event


def test_an_old_merge_hands_decisions_memos_and_life_events_to_the_target(
    db, project, project_path
):
    s, ids, event = old_state(db, project)
    assert _decided(db) == {(s[2], "isolement"): "absent", (s[3], "isolement"): None}  # the bug

    db = reopen(db, project_path)
    try:
        isolement = _id(db, "isolement")
        assert db.execute(
            "SELECT id, unit_id, code_id, decision, note FROM resolutions ORDER BY id"
        ).fetchall() == [
            (ids["decided"], s[3], isolement, "present", "Zwijgen."),
            # two decisions on one unit became one: present over absent, both notes kept
            (
                ids["present"],
                s[2],
                isolement,
                "present",
                "Verborgen.\n\nisolement (absent): Alleen.",
            ),
        ]
        assert _decided(db) == {(s[2], "isolement"): "present", (s[3], "isolement"): "present"}
        assert db.execute(
            "SELECT target_type, target_id FROM memos WHERE id = ?", [ids["memo"]]
        ).fetchone() == ("code", isolement)
        assert db.execute(
            "SELECT kind, role FROM life_events WHERE id = ?", [event]
        ).fetchone() == (
            "isolement",
            "reaction",
        )
        logged = db.execute(
            "SELECT actor, action, entity_id, count(DISTINCT at) FROM events WHERE actor = ? "
            "GROUP BY action, entity_id ORDER BY min(id)",
            [REPAIR_ACTOR],
        ).fetchall()
        assert logged == [
            (REPAIR_ACTOR, "memo.move_with_code", str(ids["memo"]), 1),
            (REPAIR_ACTOR, "life_event.edit", str(event), 1),
            (REPAIR_ACTOR, "consistency.move_with_code", str(ids["decided"]), 1),
            (REPAIR_ACTOR, "consistency.remove_with_code", str(ids["absent"]), 1),
            (REPAIR_ACTOR, "consistency.move_with_code", str(ids["present"]), 1),
        ]
        removed = db.execute(
            "SELECT before FROM events WHERE action = 'consistency.remove_with_code'"
        ).fetchone()[0]
        assert json.loads(removed)["note"] == "Alleen."  # the decision that went is on record

        # the repair is nobody's action: no undo offers it or takes it back
        for user in ("anna", "sanne", "onderzoeker"):
            steps = [
                step for a in undoable_actions(Project.for_user(db, user)) for step in a["steps"]
            ]
            assert all(step["actor"] != REPAIR_ACTOR for step in steps)

        before = snapshot(db)
        db.close()
        db = open_project(project_path)  # a second open changes nothing
        assert snapshot(db) == before
        with transaction(db):  # nor does the repair itself, run again on the repaired file
            next(m for m in migrations._migrations if m.name == REPAIR).fn(db)
        assert snapshot(db) == before
    finally:
        db.close()


def test_a_chain_of_old_merges_ends_on_the_last_target(db, project, project_path):
    """schaamte into isolement, later isolement into verlies: everything ends on verlies, by
    the rules of each merge in turn; the reaction becomes a loss, as verlies is one."""
    s, ids, event = old_state(db, project)
    verlies = cons.resolve(
        Project.for_user(db, "sanne"),
        unit="segment",
        unit_id=s[3],
        code="verlies",
        decision="absent",
    )
    merge_as_before(db, "isolement", "verlies")

    db = reopen(db, project_path)
    try:
        target = _id(db, "verlies")
        assert db.execute(
            "SELECT id, unit_id, code_id, decision, note FROM resolutions ORDER BY id"
        ).fetchall() == [
            (ids["decided"], s[3], target, "present", "Zwijgen."),
            (ids["present"], s[2], target, "present", "Verborgen.\n\nisolement (absent): Alleen."),
        ]
        assert verlies not in [r[0] for r in db.execute("SELECT id FROM resolutions")]
        assert db.execute("SELECT target_id FROM memos WHERE id = ?", [ids["memo"]]).fetchone() == (
            target,
        )
        assert db.execute(
            "SELECT kind, role FROM life_events WHERE id = ?", [event]
        ).fetchone() == (
            "verlies",
            "loss",
        )
    finally:
        db.close()


def test_a_merge_made_with_todays_code_is_left_alone_beside_an_old_one(db, project, project_path):
    """An old merge (eenzaam into verlies) is repaired; a merge made since the fixes
    (schaamte into isolement) has nothing left behind: its rows stay as they are, nothing is
    logged for it, and its one undo still takes it back whole."""
    s = disagreeing(db, project)
    with transaction(db):
        db.execute(
            "INSERT INTO codes (codebook_id, slug, name, position) "
            "SELECT codebook_id, 'eenzaam', 'Eenzaam', 3 FROM codes WHERE slug = 'verlies'"
        )
    sanne = Project.for_user(db, "sanne")
    old = cons.resolve(sanne, unit="segment", unit_id=s[1], code="eenzaam", decision="absent")
    merge_as_before(db, "eenzaam", "verlies")
    today = cons.resolve(sanne, unit="segment", unit_id=s[3], code="schaamte", decision="present")
    anna = Project.for_user(db, "anna")
    add_memo(anna, target_type="code", target_id=_id(db, "schaamte"), text="Stil verdriet.")
    merge_codes(anna, "schaamte", "isolement", rationale="één gevoel")
    before = snapshot(db)

    db = reopen(db, project_path)
    try:
        after = snapshot(db)
        assert [e for e in after["events"] if e[2] != REPAIR_ACTOR] == before["events"]
        assert [e[3] for e in after["events"] if e[2] == REPAIR_ACTOR] == [
            "consistency.move_with_code"
        ]
        assert {t: after[t] for t in ("memos", "codings", "codes", "life_events")} == {
            t: before[t] for t in ("memos", "codings", "codes", "life_events")
        }
        assert db.execute("SELECT id, code_id FROM resolutions ORDER BY id").fetchall() == [
            (old, _id(db, "verlies")),
            (today, _id(db, "isolement")),
        ]
        undone = undo_last(Project.for_user(db, "anna"))
        assert undone["action"] == "codebook.merge"
        assert db.execute("SELECT code_id FROM resolutions WHERE id = ?", [today]).fetchone() == (
            _id(db, "schaamte"),
        )
    finally:
        db.close()
