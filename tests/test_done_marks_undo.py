"""Undo takes back a "klaar" (done) mark like any other action.

Marking an interview done, or taking the mark away, was logged as a summary that undo could
not invert, so Ctrl+Z (or ``workbench undo``) right after it silently took back the action
before it (accepting a suggestion) and left the mark. Each mark is now logged as its whole
row: undo removes it again, or puts back the very mark (same id, who and when).
"""

import pytest
from privacy_support import add_codes, add_document, segment_ids

from workbench import accounts, codings, done_marks
from workbench.cli import main
from workbench.errors import InputError
from workbench.handle import Project
from workbench.history import document_history, undo_last
from workbench.store import open_project, row

ME = "onderzoeker"


@pytest.fixture
def doc(db):
    add_codes(db)
    return add_document(db)


def _accepted_suggestion(db, doc: int) -> int:
    me = Project.for_user(db, ME)
    made = codings.add_coding(
        me, code="verlies", segment_id=segment_ids(db, doc)[1], origin="machine"
    )
    codings.decide(me, made, "accepted")
    return made


def _marks(db) -> list[tuple]:
    return db.execute("SELECT * FROM done_marks ORDER BY id").fetchall()


def test_undo_right_after_marking_done_takes_back_the_mark_not_the_action_before(db, doc):
    me = Project.for_user(db, ME)
    accepted = _accepted_suggestion(db, doc)
    assert done_marks.mark_done(me, [doc], coder=ME) == 1
    assert undo_last(me)["action"] == "done.mark"
    assert not done_marks.is_done(me, doc, coder=ME)
    assert row(db, "codings", accepted)["status"] == "accepted"  # the action before stays
    assert [e["action"] for e in document_history(me, doc)][:2] == ["undo", "done.mark"]
    assert undo_last(me)["action"] == "suggestion.accept"  # and is the next one undone
    assert row(db, "codings", accepted)["status"] == "suggested"


def test_undo_right_after_unmarking_puts_the_same_mark_back(db, doc):
    me = Project.for_user(db, ME)
    done_marks.mark_done(me, [doc], coder=ME)
    marked = _marks(db)
    accepted = _accepted_suggestion(db, doc)
    assert done_marks.mark_done(me, [doc], coder=ME, done=False) == 1
    assert undo_last(me)["action"] == "done.unmark"
    assert _marks(db) == marked  # same id, marked by and marked at (drift by week reads it)
    assert row(db, "codings", accepted)["status"] == "accepted"


def test_one_save_of_the_form_is_one_undo(db, doc):
    me = Project.for_user(db, ME)
    second = add_document(db, name="tweede.txt")
    done_marks.mark_done(me, [doc], coder=ME)
    before = _marks(db)
    assert done_marks.set_done(me, [second], coder=ME) == 2  # one mark set, one taken away
    undone = undo_last(me)
    assert [s["action"] for s in undone["steps"]] == ["done.mark", "done.unmark"]
    assert _marks(db) == before


def test_an_undo_over_a_mark_changed_since_is_refused_not_skipped(db, doc):
    """The researcher marked an interview done for a coder, who took the mark away since:
    the undo says so, and does not quietly undo something older."""
    me = Project.for_user(db, ME)
    accounts.add_user(me, "sanne", role="supervisor")
    accepted = _accepted_suggestion(db, doc)
    done_marks.mark_done(me, [doc], coder="sanne")
    done_marks.mark_done(Project.for_user(db, "sanne"), [doc], coder="sanne", done=False)
    with pytest.raises(InputError) as refused:
        undo_last(me)
    assert refused.value.key == "history.undo_blocked"
    assert "sanne" in refused.value.message("nl")
    assert row(db, "codings", accepted)["status"] == "accepted"
    assert undo_last(me, past_blocked=True)["action"] == "suggestion.accept"  # asked for


def test_workbench_undo_takes_back_workbench_done(db, doc, project_path, capsys):
    _accepted_suggestion(db, doc)
    db.close()
    project = str(project_path)
    assert main(["done", "--project", project, "--user", ME, str(doc)]) == 0
    assert main(["undo", "--project", project, "--user", ME]) == 0
    out = capsys.readouterr().out
    assert "Ongedaan gemaakt: het op klaar zetten van interviews" in out
    db = open_project(project_path)
    assert _marks(db) == []
    assert db.execute("SELECT status FROM codings").fetchall() == [("accepted",)]
    db.close()
