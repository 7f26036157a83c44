import pytest

from workbench.codebook import merge_codes
from workbench.codings import add_coding, code_id, remove_coding
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.history import undo_last
from workbench.ingest import import_files
from workbench.memos import (
    add_memo,
    delete_memo,
    list_memos,
    memo_overview,
    update_memo,
)

ME = "onderzoeker"


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


# --- a memo follows what it is about when that goes into something else (a code merge) ---


@pytest.fixture
def interview(tmp_path, nlp, new_project):
    """A project with one fictional interview, read by the real Dutch pipeline."""
    db = new_project(tmp_path / "p.db")
    source = tmp_path / "interview.txt"
    source.write_text(
        "I: Hoe is het nu? (verzonnen interview)\n"
        "R: Sinds de scheiding zie ik zijn familie en onze vrienden niet meer.\n",
        encoding="utf-8",
    )
    assert import_files(Project.for_user(db, ME), [source], nlp=nlp).ok
    yield db
    db.close()


def _memos(db) -> list[tuple]:
    return db.execute("SELECT * FROM memos ORDER BY id").fetchall()


def test_a_memo_on_a_duplicate_coding_moves_to_the_coding_that_stays(interview):
    """It stayed on the removed coding: the memo page showed 'Codering: None · None'."""
    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    twin = add_coding(me, code="verlies-relatie", segment_id=seg)
    stays = add_coding(me, code="verlies-netwerk", segment_id=seg)
    add_memo(me, target_type="coding", target_id=twin, text="Familie en vrienden tegelijk kwijt.")
    before = _memos(interview)
    merge_codes(me, "verlies-relatie", "verlies-netwerk", rationale="één verlies")
    [memo] = memo_overview(me)
    assert (memo["target_id"], memo["code"]) == (stays, "Verlies van netwerk")
    assert "scheiding" in memo["quote"]
    undo_last(me)
    assert _memos(interview) == before


def test_a_memo_on_a_merged_code_is_found_under_the_code_it_went_into(interview):
    me = Project.for_user(interview, ME)
    relatie, netwerk = (code_id(me, slug) for slug in ("verlies-relatie", "verlies-netwerk"))
    add_memo(me, target_type="code", target_id=relatie, text="Ook ex-partners tellen mee.")
    before = _memos(interview)
    merge_codes(me, "verlies-relatie", "verlies-netwerk", rationale="één verlies")
    assert [m["text"] for m in memo_overview(me, code=netwerk)] == ["Ook ex-partners tellen mee."]
    undo_last(me)
    assert _memos(interview) == before


def test_saving_the_same_text_again_logs_no_change(db):
    """Else undo would offer 'de wijziging in je memo' that changes nothing."""
    me = Project.for_user(db, ME)
    memo = add_memo(me, target_type="project", target_id=None, text="Let op de huisarts.")
    update_memo(me, memo, text="  Let op de huisarts. ")
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE entity = 'memos'")]
    assert actions == ["memo.add"]


def test_a_memo_on_a_removed_coding_says_so_and_keeps_its_text(interview):
    """It showed 'Codering: None · None' with no quote."""
    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    add_memo(me, target_type="coding", target_id=coding, text="Vrienden kozen een kant.")
    remove_coding(me, coding)
    [memo] = memo_overview(me)
    assert (memo["removed"], memo["text"], memo["code"]) == (True, "Vrienden kozen een kant.", None)
    undo_last(me)
    assert memo_overview(me)[0]["removed"] is False
