"""Events are declared once (``workbench/events.py``, issue 16).

The scan reads every module's ``record_event`` calls, like tests/test_table_owners.py reads
its writes: an event is recorded through a declared kind (``events.MEMO_ADD(id, b, a)``),
never by a free string. ``workbench.codebook`` still uses the older string form until its
split lands; its names must be declared. Then every kind declared undoable is done and undone
on a real project (the small one of tests/test_patterns.py): the tables are as before.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_patterns import ME
from test_patterns_cascades import coding, event, project  # noqa: F401  (fixture)

from workbench import access, codings, consistency, done_marks, events, life_events, memos
from workbench.codebook import edit_code, merge_codes, move_code, rename_code
from workbench.events import EventKind
from workbench.handle import Project
from workbench.history import code_history, undo_last, undoable_actions
from workbench.store import record_event, transaction
from workbench.handle import Project

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
TABLES = (
    "codings",
    "memos",
    "codes",
    "life_events",
    "life_event_codings",
    "life_event_links",
    "resolutions",
    "done_marks",
)


def _modules(package: Path = PACKAGE):
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        yield module.removesuffix(".__init__"), ast.parse(path.read_text(encoding="utf-8"))


def _records(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (
            getattr(node.func, "id", None) == "record_event"
            or getattr(node.func, "attr", None) == "record_event"
        ):
            yield node


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def free_strings(tree: ast.AST) -> list[int]:
    """Lines of ``record_event`` calls that name the event by text instead of a kind."""
    return [
        call.lineno
        for call in _records(tree)
        if len(call.args) != 3 or _is_text(call.args[2]) or call.keywords[1:]
    ]


def kind_names(tree: ast.AST) -> set[str]:
    """The names a module reads from ``workbench.events`` (under whatever it imports it as)."""
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "workbench"
        for alias in node.names
        if alias.name == "events"
    }
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
    }


def test_the_scan_finds_events_named_by_text():
    tree = ast.parse(
        "record_event(db, actor, events.MEMO_ADD(1, None, {}))\n"
        "record_event(db, actor, kind(1, None, {}), at=stamp)\n"
        'record_event(db, actor, "memo.add", "memos", 1, None, {})\n'
        'record_event(db, actor, f"export.{format}", "project", None)\n'
        'record_event(db, actor, "a" if done else "b", "t", None)\n'
        'self.record_event(db, actor, "life_event.propose_" + table)\n'
    )
    assert free_strings(tree) == [3, 4, 5, 6]


def test_no_module_records_an_event_by_a_free_string():
    found = {module: lines for module, tree in _modules() if (lines := free_strings(tree))}
    assert found == {}, "record events through a kind declared in workbench/events.py"


def test_every_kind_a_module_names_is_declared_and_every_declared_kind_is_used():
    used = {name for _, tree in _modules() for name in kind_names(tree)}
    declared = {name for name, value in vars(events).items() if isinstance(value, EventKind)}
    assert used - set(vars(events)) == set()
    unused = {name for name in declared - used if not vars(events)[name].legacy}
    assert unused == set(), "declared but never recorded: mark it legacy=True or remove it"


def test_only_workbench_events_declares_kinds():
    declaring = {
        module
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "EventKind"
    }
    assert declaring == {"workbench.events"}


def test_an_event_with_partial_rows_cannot_be_declared_undoable():
    with pytest.raises(ValueError, match="whole rows"):
        EventKind("coding.life_time", "codings", "part", undo="code")
    with pytest.raises(ValueError, match="whole rows"):
        EventKind("codebook.merge", "codes", "summary", undo="codebook.edit")
    with pytest.raises(ValueError):  # neither how nor why not
        EventKind("memo.add", "memos", "whole")
    with pytest.raises(ValueError):
        EventKind("life_event.propose", "life_events", "summary", grouped=True, not_undone="x")


def test_an_undo_needs_a_real_permission_and_existing_names_stay():
    allowed = set().union(*access.PERMISSIONS.values())
    assert {k.undo for k in events.KINDS.values() if k.undo} <= allowed
    assert events.kind_of("coding.add", "codings") is events.CODING_ADD
    assert events.kind_of("life_event.remove_with_event", "life_event_links") is (
        events.LIFE_EVENT_LINK_REMOVE_WITH_EVENT
    )


def test_record_event_refuses_anything_but_a_declared_event(db):
    with transaction(db), pytest.raises(TypeError, match="declared"):
        record_event(db, ME, "coding.add")
    with transaction(db), pytest.raises(TypeError):
        record_event(db, ME, events.CODING_ADD(1), "codings")
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


# --- every undoable kind, done and undone on a real project ---------------------------------
# Each recipe prepares the project and returns the change that logs that kind.
Recipe = Callable[[Any], Callable[[], object]]


def _my_coding(db, code: str = "herstel", position: int = 0, **fields: Any) -> int:
    segment = db.segments["R01"][position]
    return codings.add_coding(Project.for_user(db, ME), code=code, segment_id=segment, **fields)


def _suggestion(status: str, first: str | None = None) -> Recipe:
    def recipe(db):
        suggestion = _my_coding(db, "isolement", origin="machine")
        if first:
            codings.decide(Project.for_user(db, ME), suggestion, first)
        return lambda: codings.decide(Project.for_user(db, ME), suggestion, status)

    return recipe


def _recode(db):
    moving = _my_coding(db)
    target = codings.code_id(Project.for_user(db, "onderzoeker"), "isolement")
    return lambda: codings.recode(Project.for_user(db, ME), moving, target)


def _memo(change: str) -> Recipe:
    def recipe(db):
        target = codings.code_id(Project.for_user(db, "onderzoeker"), "herstel")
        if change == "add":
            return lambda: memos.add_memo(
                Project.for_user(db, ME), target_type="code", target_id=target, text="x"
            )
        memo = memos.add_memo(
            Project.for_user(db, ME), target_type="code", target_id=target, text="x"
        )
        if change == "edit":
            return lambda: memos.update_memo(Project.for_user(db, ME), memo, text="y")
        return lambda: memos.delete_memo(Project.for_user(db, ME), memo)

    return recipe


def _proposed(what: str, status: str, first: str | None = None) -> Recipe:
    table = {"event": "life_events", "mention": "life_event_codings", "link": "life_event_links"}

    def recipe(db):
        life_events.propose(Project.for_user(db, ME))
        item = db.execute(
            f"SELECT id FROM {table[what]} WHERE status = 'suggested' ORDER BY id"
        ).fetchone()[0]
        if first:
            life_events.decide(Project.for_user(db, ME), what, item, first)
        return lambda: life_events.decide(Project.for_user(db, ME), what, item, status)

    return recipe


def _rejected_with_event(db):
    life_events.propose(Project.for_user(db, ME))
    linked = db.execute(
        "SELECT l.cause_id FROM life_event_links l JOIN life_events e ON e.id = l.cause_id "
        "WHERE l.status = 'suggested' AND e.status = 'suggested' ORDER BY l.id"
    ).fetchone()[0]
    return lambda: life_events.decide(Project.for_user(db, ME), "event", linked, "rejected")


def _removed_with_links(db):
    wim = event(db, "R01", 1, "verlies-dierbare")
    event(db, "R01", 4, "verlies-woning", relation="after", relative_to=wim)
    shame = event(db, "R01", 2, "schaamte")
    life_events.link(Project.for_user(db, ME), wim, shame)
    return lambda: life_events.remove_event(Project.for_user(db, ME), wim)


def _attached_to_a_proposal(db):
    proposal = life_events.create_event(
        Project.for_user(db, ME), [coding(db, "R01", 4, "verlies-woning")], origin="machine"
    )
    return lambda: life_events.attach(
        Project.for_user(db, ME), proposal, coding(db, "R01", 1, "verlies-dierbare")
    )


def _proposed_mention_attached(db):
    life_events.propose(Project.for_user(db, ME))
    event_id, coding_id = db.execute(
        "SELECT event_id, coding_id FROM life_event_codings WHERE status = 'suggested'"
    ).fetchone()
    return lambda: life_events.attach(Project.for_user(db, ME), event_id, coding_id)


def _moved(db):
    home = coding(db, "R01", 4, "verlies-woning")
    life_events.create_event(Project.for_user(db, ME), [home])
    other = event(db, "R01", 1, "verlies-dierbare")
    return lambda: life_events.attach(Project.for_user(db, ME), other, home)


def _linked(db):
    home, shame = event(db, "R01", 4, "verlies-woning"), event(db, "R01", 2, "schaamte")
    return lambda: life_events.link(Project.for_user(db, ME), home, shame)


def _unlinked(db):
    home, shame = event(db, "R01", 4, "verlies-woning"), event(db, "R01", 2, "schaamte")
    made = life_events.link(Project.for_user(db, ME), home, shame)
    return lambda: life_events.remove_link(Project.for_user(db, ME), made)


def _new_event(db):
    return lambda: life_events.create_event(
        Project.for_user(db, ME), [coding(db, "R01", 4, "verlies-woning")]
    )


def _edited_event(db):
    wim = event(db, "R01", 1, "verlies-dierbare")
    return lambda: life_events.update_event(Project.for_user(db, ME), wim, life_year=2018)


def _merged_with_a_twin(db):
    """anna coded R01's segment 1 with both codes: her woning coding there goes as a
    duplicate, its memo and mention move to her dierbare coding, the code's memo and event
    to dierbare."""
    me = Project.for_user(db, ME)
    twin = codings.add_coding(
        Project.for_user(db, "anna"), code="verlies-woning", segment_id=db.segments["R01"][1]
    )
    memos.add_memo(me, target_type="coding", target_id=twin, text="x")
    home = codings.code_id(me, "verlies-woning")
    memos.add_memo(me, target_type="code", target_id=home, text="y")
    life_events.create_event(me, [twin])
    return lambda: merge_codes(me, "verlies-woning", "verlies-dierbare", rationale="test")


def _merged_with_decisions(db):
    """The team decided R01's segment 1 present for both codes (their consensus codings are
    twins: one goes, its decision names the other, then the two decisions become one) and
    segment 2 absent for woning only (that decision moves to dierbare)."""
    me = Project.for_user(db, ME)
    for position, code, decision in (
        (1, "verlies-dierbare", "present"),
        (1, "verlies-woning", "present"),
        (2, "verlies-woning", "absent"),
    ):
        consistency.resolve(
            me, unit="segment", unit_id=db.segments["R01"][position], code=code, decision=decision
        )
    return lambda: merge_codes(me, "verlies-woning", "verlies-dierbare", rationale="test")


def _removed_with_a_mention(db):
    homes = [coding(db, "R03", pos, "verlies-woning") for pos in (2, 5)]
    life_events.create_event(Project.for_user(db, ME), homes)
    return lambda: codings.remove_coding(Project.for_user(db, ME), homes[1])


def _documents(db) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]


def _unmarked(db):
    """Two documents marked, then both unmarked in one click (one action, two rows)."""
    me = Project.for_user(db, ME)
    done_marks.mark_done(me, _documents(db)[:2], coder=ME)
    return lambda: done_marks.mark_done(me, _documents(db)[:2], coder=ME, done=False)


RECIPES: dict[EventKind, Recipe] = {
    events.DONE_MARK: lambda db: (
        lambda: done_marks.mark_done(Project.for_user(db, ME), _documents(db)[:2], coder=ME)
    ),
    events.DONE_UNMARK: _unmarked,
    events.CODING_ADD: lambda db: lambda: _my_coding(db),
    events.SUGGESTION_ADD: lambda db: lambda: _my_coding(db, "isolement", origin="machine"),
    events.SUGGESTION_ACCEPT: _suggestion("accepted"),
    events.SUGGESTION_REJECT: _suggestion("rejected"),
    events.SUGGESTION_REOPEN: _suggestion("suggested", first="accepted"),
    events.CODING_WHEN: lambda db: (
        lambda c: lambda: codings.set_life_time(Project.for_user(db, ME), c, year=2001, age=None)
    )(_my_coding(db)),
    events.CODING_REMOVE: lambda db: (
        lambda c: lambda: codings.remove_coding(Project.for_user(db, ME), c)
    )(_my_coding(db)),
    events.CODING_RECODE: _recode,
    events.LIFE_EVENT_MENTION_REMOVE_WITH_CODING: _removed_with_a_mention,
    events.MEMO_ADD: _memo("add"),
    events.MEMO_EDIT: _memo("edit"),
    events.MEMO_REMOVE: _memo("remove"),
    events.MEMO_MOVE_WITH_CODING: _merged_with_a_twin,
    events.MEMO_MOVE_WITH_CODE: _merged_with_a_twin,
    events.CODEBOOK_MERGE: _merged_with_a_twin,
    events.LIFE_EVENT_MENTION_MOVE_WITH_CODING: _merged_with_a_twin,
    events.CONSISTENCY_MOVE_WITH_CODE: _merged_with_decisions,
    events.CONSISTENCY_REMOVE_WITH_CODE: _merged_with_decisions,
    events.CONSISTENCY_MOVE_WITH_CODING: _merged_with_decisions,
    events.CODEBOOK_EDIT: lambda db: (
        lambda: edit_code(
            Project.for_user(db, ME), "herstel", rationale="test", definition="Weer op de been."
        )
    ),
    events.CODEBOOK_RENAME: lambda db: (
        lambda: rename_code(Project.for_user(db, ME), "herstel", "Opknappen", rationale="test")
    ),
    events.CODEBOOK_MOVE: lambda db: (
        lambda: move_code(Project.for_user(db, ME), "herstel", "zingeving", rationale="test")
    ),
    events.LIFE_EVENT_ADD: _new_event,
    events.LIFE_EVENT_MENTION_ADD: _new_event,
    events.LIFE_EVENT_EDIT: _edited_event,
    events.LIFE_EVENT_ACCEPT: _attached_to_a_proposal,
    events.LIFE_EVENT_REMOVE: _removed_with_links,
    events.LIFE_EVENT_EDIT_WITH_EVENT: _removed_with_links,
    events.LIFE_EVENT_MENTION_REMOVE_WITH_EVENT: _removed_with_links,
    events.LIFE_EVENT_LINK_REMOVE_WITH_EVENT: _removed_with_links,
    events.LIFE_EVENT_EVENT_ACCEPT: _proposed("event", "accepted"),
    events.LIFE_EVENT_EVENT_REJECT: _proposed("event", "rejected"),
    events.LIFE_EVENT_EVENT_REOPEN: _proposed("event", "suggested", first="rejected"),
    events.LIFE_EVENT_MENTION_ACCEPT: _proposed("mention", "accepted"),
    events.LIFE_EVENT_MENTION_REJECT: _proposed("mention", "rejected"),
    events.LIFE_EVENT_MENTION_REOPEN: _proposed("mention", "suggested", first="rejected"),
    events.LIFE_EVENT_MENTION_DECIDE: _proposed_mention_attached,
    events.LIFE_EVENT_MENTION_MOVE: _moved,
    events.LIFE_EVENT_MENTION_REJECT_WITH_EVENT: _rejected_with_event,
    events.LIFE_EVENT_LINK_REJECT_WITH_EVENT: _rejected_with_event,
    events.LIFE_EVENT_LINK_ADD: _linked,
    events.LIFE_EVENT_LINK_ACCEPT: _proposed("link", "accepted"),
    events.LIFE_EVENT_LINK_REJECT: _proposed("link", "rejected"),
    events.LIFE_EVENT_LINK_REOPEN: _proposed("link", "suggested", first="rejected"),
    events.LIFE_EVENT_LINK_REMOVE: _unlinked,
}
UNDOABLE = sorted((k for k in events.KINDS.values() if k.undo), key=lambda k: (k.action, k.entity))


def snapshot(db) -> dict[str, list[tuple]]:
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in TABLES}


@pytest.mark.parametrize("kind", UNDOABLE, ids=lambda k: f"{k.action}@{k.entity}")
def test_every_undoable_kind_is_undone_on_a_real_project(project, kind):
    assert kind in RECIPES, f"add a recipe that logs {kind.action} on {kind.entity}"
    change = RECIPES[kind](project)
    before = snapshot(project)
    change()
    assert snapshot(project) != before
    undone = undo_last(Project.for_user(project, ME))
    assert kind in {events.kind_of(s["action"], s["entity"]) for s in undone["steps"]}
    assert snapshot(project) == before


def test_an_older_projects_log_still_shows_and_undoes(project):
    """Rows an older release logged: the old demo loader's partial ``coding.life_time`` and a
    name no release declares are passed over by undo (and shown); the coding before them
    undoes."""
    added = _my_coding(project)
    herstel = codings.code_id(Project.for_user(project, "onderzoeker"), "herstel")
    old = [
        ("coding.life_time", '{"life_year": null, "life_age": null}', '{"life_year": 1990}'),
        ("coding.retired_name", None, f'{{"id": {added}, "code_id": {herstel}}}'),
    ]
    with transaction(project):
        for action, before, after in old:
            project.execute(
                "INSERT INTO events (at, actor, action, entity, entity_id, before, after) "
                "VALUES ('2099-01-01T00:00:00', ?, ?, 'codings', ?, ?, ?)",
                [ME, action, str(added), before, after],
            )
    assert [a["action"] for a in undoable_actions(Project.for_user(project, ME))][:1] == [
        "coding.add"
    ]
    shown = [e["action"] for e in code_history(Project.for_user(project, ME), herstel)]
    assert shown[:2] == ["coding.retired_name", "coding.add"]
    undo_last(Project.for_user(project, ME))
    assert project.execute("SELECT count(*) FROM codings WHERE id = ?", [added]).fetchone()[0] == 0
