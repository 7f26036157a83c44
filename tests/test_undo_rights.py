"""Undo is a write: it passes the checks doing that change would pass now.

An undo took back an action with only the permission its kind of event declares (``code``,
``memo.write``): who owned the rows was never asked again. A researcher who decided another
coder's suggestion, edited her memo or coded for her, and was then made a supervisor, could
still change that coder's work through undo, which doing it now refuses
(``access.require_own``). Real project files (tests/conftest.py ``db``).
"""

from __future__ import annotations

import pytest

from privacy_support import add_codes, add_document, segment_ids
from workbench import accounts, codings
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.history import undo_last
from workbench.memos import add_memo, update_memo
from workbench.store import row

RESEARCHER = "onderzoeker"


@pytest.fixture
def team(db):
    """The researcher, a second researcher ``anna`` and a coder ``bo`` (supervisor)."""
    add_codes(db)
    doc = add_document(db)
    researcher = Project.for_user(db, RESEARCHER)
    accounts.add_user(researcher, "anna", role="onderzoeker")
    accounts.add_user(researcher, "bo", role="supervisor")
    return db, segment_ids(db, doc)


def demote(db, name: str, role: str) -> None:
    accounts.set_role(Project.for_user(db, RESEARCHER), name, role)


def log_size(db) -> int:
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_researcher_made_supervisor_cannot_undo_her_decision_on_someone_elses_suggestion(team):
    db, segs = team
    bo, anna = Project.for_user(db, "bo"), Project.for_user(db, "anna")
    proposal = codings.add_coding(bo, code="verlies", segment_id=segs[1], origin="machine")
    codings.decide(anna, proposal, "rejected")
    demote(db, "anna", "supervisor")
    logged = log_size(db)
    with pytest.raises(PermissionDenied) as refused:
        undo_last(anna)
    assert refused.value.key == "access.not_own_coding"
    assert row(db, "codings", proposal)["status"] == "rejected" and log_size(db) == logged
    with pytest.raises(PermissionDenied):  # as doing it now
        codings.decide(anna, proposal, "suggested")


def test_a_coding_made_for_someone_else_is_not_undone_after_a_demotion(team):
    db, segs = team
    anna = Project.for_user(db, "anna")
    made = codings.add_coding(anna, coder="bo", code="schaamte", segment_id=segs[2])
    demote(db, "anna", "supervisor")
    with pytest.raises(PermissionDenied):
        undo_last(anna)
    assert row(db, "codings", made)["coder"] == "bo"


def test_a_memo_edited_as_researcher_is_not_undone_as_supervisor(team):
    db, segs = team
    bo, anna = Project.for_user(db, "bo"), Project.for_user(db, "anna")
    memo = add_memo(bo, target_type="segment", target_id=segs[1], text="Eerste gedachte.")
    update_memo(anna, memo, text="Aangevuld door Anna.")
    demote(db, "anna", "supervisor")
    with pytest.raises(PermissionDenied) as refused:
        undo_last(anna)
    assert refused.value.key == "access.not_own_memo"
    assert row(db, "memos", memo)["text"] == "Aangevuld door Anna."


def test_a_demoted_researcher_still_undoes_her_own_work(team):
    """The guard against refusing too much (passes on the old code too)."""
    db, segs = team
    anna = Project.for_user(db, "anna")
    own = codings.add_coding(anna, code="verlies", segment_id=segs[1])
    demote(db, "anna", "supervisor")
    assert undo_last(anna)["action"] == "coding.add"
    assert row(db, "codings", own) is None


def test_her_older_own_work_is_still_undone_past_the_refused_action(team):
    db, segs = team
    bo, anna = Project.for_user(db, "bo"), Project.for_user(db, "anna")
    own = codings.add_coding(anna, code="verlies", segment_id=segs[1])
    proposal = codings.add_coding(bo, code="schaamte", segment_id=segs[2], origin="machine")
    codings.decide(anna, proposal, "accepted")
    demote(db, "anna", "supervisor")
    with pytest.raises(InputError) as offered:  # names why, and the one before
        undo_last(anna)
    assert offered.value.key == "history.undo_blocked"
    assert "'bo'" in offered.value.message("en")
    undone = undo_last(anna, past_blocked=True)
    assert undone["action"] == "coding.add"
    assert [a["reason"].key for a in undone["passed"]] == ["access.not_own_coding"]
    assert row(db, "codings", own) is None
    assert row(db, "codings", proposal)["status"] == "accepted"
