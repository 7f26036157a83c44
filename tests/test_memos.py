import pytest

from workbench.errors import InputError, PermissionDenied
from workbench.memos import add_memo, delete_memo, list_memos, update_memo
from workbench.handle import Project


def _supervisor(db, name="sanne"):
    db["users"].insert({"name": name, "role": "supervisor", "created_at": "2026-11-21"})
    return name


def test_memo_is_stored_listed_and_logged(db):
    memo = add_memo(
        Project.for_user(db, "onderzoeker"),
        target_type="project",
        target_id=None,
        text="  Let op de rol van de huisarts.  ",
    )
    assert (
        list_memos(Project.for_user(db, "onderzoeker"), target_type="project")[0]["text"]
        == "Let op de rol van de huisarts."
    )
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE entity = 'memos'")]
    assert actions == ["memo.add"]
    update_memo(Project.for_user(db, "onderzoeker"), memo, text="Huisarts als brugfiguur?")
    assert list_memos(Project.for_user(db, "onderzoeker"))[0]["text"] == "Huisarts als brugfiguur?"


def test_empty_memo_is_refused(db):
    with pytest.raises(InputError):
        add_memo(
            Project.for_user(db, "onderzoeker"), target_type="project", target_id=None, text="   "
        )
    assert list_memos(Project.for_user(db, "onderzoeker")) == []


def test_supervisor_cannot_change_someone_elses_memo(db):
    memo = add_memo(
        Project.for_user(db, "onderzoeker"), target_type="project", target_id=None, text="x"
    )
    supervisor = _supervisor(db)
    with pytest.raises(PermissionDenied):
        update_memo(Project.for_user(db, supervisor), memo, text="y")
    with pytest.raises(PermissionDenied):
        delete_memo(Project.for_user(db, supervisor), memo)
    assert list_memos(Project.for_user(db, "onderzoeker"))[0]["text"] == "x"
