import pytest

from workbench.codebook import merge_codes
from workbench.codings import add_coding, code_id, remove_coding
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.history import undo_last
from workbench.ingest import import_files
from workbench.life_events import create_event, remove_event
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
    assert (memo["removed"], memo["text"]) == (True, "Vrienden kozen een kant.")
    undo_last(me)
    assert memo_overview(me)[0]["removed"] is False


def test_a_memo_on_a_removed_coding_stays_under_its_interview_and_code(interview):
    """Filtering on the interview or the code it was written about hid it: the removed
    coding's interview, code and quote are read from the event log."""
    me = Project.for_user(interview, ME)
    seg, doc = interview.execute(
        "SELECT id, document_id FROM segments WHERE text LIKE '%scheiding%'"
    ).fetchone()
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    code = interview.execute("SELECT id FROM codes WHERE slug = 'verlies-netwerk'").fetchone()[0]
    add_memo(me, target_type="coding", target_id=coding, text="Vrienden kozen een kant.")
    remove_coding(me, coding)
    [memo] = memo_overview(me, document_id=doc)
    assert memo["removed"] and (memo["code_id"], memo["code"]) == (code, "Verlies van netwerk")
    assert "scheiding" in memo["quote"] and memo["document_id"] == doc
    assert [m["text"] for m in memo_overview(me, code=code)] == ["Vrienden kozen een kant."]
    assert memo_overview(me, document_id=doc + 1) == []


def test_a_new_coding_never_takes_the_id_of_a_removed_one(interview):
    """SQLite reused the highest id: the memo on a removed coding ('removed', as above)
    then sat on the next coding made, with that coding's quote and code, and the undo of the
    removal was refused as a conflict."""
    me = Project.for_user(interview, ME)
    segs = dict(interview.execute("SELECT text, id FROM segments").fetchall())
    split = next(i for text, i in segs.items() if "scheiding" in text)
    question = next(i for text, i in segs.items() if "Hoe is het" in text)
    coding = add_coding(me, code="verlies-netwerk", segment_id=split)
    add_memo(me, target_type="coding", target_id=coding, text="Vrienden kozen een kant.")
    remove_coding(me, coding)
    other = add_coding(me, code="verlies-relatie", segment_id=question)
    assert other != coding
    [memo] = memo_overview(me)
    # its own quote, read from the log, not the new coding's
    assert memo["removed"] and "scheiding" in memo["quote"]
    undo_last(me)  # the new coding
    undo_last(me)  # the removal: the coding is back under its own id, with its memo
    [memo] = memo_overview(me)
    assert (memo["removed"], memo["code"]) == (False, "Verlies van netwerk")
    assert "scheiding" in memo["quote"]


def test_an_undone_coding_lends_its_id_to_no_new_one(interview):
    """Undo of 'coding.add' deletes the row; the next coding got its id and its history."""
    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    first = add_coding(me, code="verlies-netwerk", segment_id=seg)
    add_memo(me, target_type="coding", target_id=first, text="Alleen familie?")
    undo_last(me)  # the memo
    undo_last(me)  # the coding
    second = add_coding(me, code="verlies-relatie", segment_id=seg)
    assert second != first
    logged = interview.execute(
        "SELECT count(*) FROM events WHERE entity = 'codings' AND entity_id = ?", [str(second)]
    ).fetchone()[0]
    assert logged == 1


def test_a_new_memo_or_life_event_never_takes_the_id_of_a_removed_one(interview):
    """Memos and life events got the highest id plus one as well: a removed memo's id (and
    with it its history) went to the next memo, and undoing the removal was refused."""
    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    first = add_memo(me, target_type="coding", target_id=coding, text="Eerste lezing.")
    delete_memo(me, first)
    second = add_memo(me, target_type="document", target_id=1, text="Tweede lezing.")
    assert second != first
    undo_last(me)  # the second memo
    undo_last(me)  # the removal: the first memo is back on its coding
    assert [(m["id"], m["text"]) for m in list_memos(me)] == [(first, "Eerste lezing.")]

    event = create_event(me, [coding], label="vrienden weg")
    remove_event(me, event)
    assert create_event(me, [coding], label="opnieuw") != event


# --- a memo is only written on something that is there ------------------------------------


def test_a_memo_on_something_that_is_not_there_is_refused_and_nothing_is_written(interview):
    """A memo on coding 999 was stored and hung on nothing ('Codering (weggehaald)')."""
    from workbench.errors import NotFound
    from workbench.respondents import add_respondent

    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    there = {
        "document": 1,
        "segment": seg,
        "code": code_id(me, "verlies-netwerk"),
        "coding": add_coding(me, code="verlies-netwerk", segment_id=seg),
        "respondent": add_respondent(me, "R07"),
    }
    for kind, target in there.items():
        for missing in (target + 1000, None):
            with pytest.raises(NotFound) as refused:
                add_memo(me, target_type=kind, target_id=missing, text="Waar hoort dit bij?")
            assert refused.value.key == f"memos.target_gone.{kind}"
            assert refused.value.message("nl").endswith("Je memo is niet opgeslagen.")
            assert refused.value.message("en").endswith("Your memo was not saved.")
    assert _memos(interview) == []
    assert (
        interview.execute("SELECT count(*) FROM events WHERE entity = 'memos'").fetchone()[0] == 0
    )
    # what is there takes a memo, as before
    for kind, target in there.items():
        add_memo(me, target_type=kind, target_id=target, text=f"Over dit {kind}.")
    assert len(_memos(interview)) == 5


def test_a_memo_on_a_coding_another_session_just_removed_is_refused(interview, tmp_path):
    """Two coders, two sessions: anna removes the coding, then the researcher's memo on it
    (from a page drawn before the removal) comes in."""
    from workbench.accounts import add_user
    from workbench.errors import NotFound
    from workbench.store import connect

    me = Project.for_user(interview, ME)
    add_user(me, "anna", role="onderzoeker")
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    other = connect(tmp_path / "p.db")
    try:
        remove_coding(Project.for_user(other, "anna"), coding)
    finally:
        other.close()
    with pytest.raises(NotFound) as refused:
        add_memo(me, target_type="coding", target_id=coding, text="Vrienden kozen een kant.")
    assert refused.value.message("nl") == (
        "De codering waar je memo over gaat, is er niet (meer). Misschien heeft iemand anders "
        "die net weggehaald. Je memo is niet opgeslagen."
    )
    assert list_memos(me) == []


def test_the_target_is_checked_under_the_write_lock_of_the_memo(interview, tmp_path):
    """A check before the transaction sees the coding that another session is removing (its
    delete not yet committed), waits for the lock and then writes a memo on nothing."""
    import threading
    import time

    from workbench.errors import NotFound
    from workbench.store import connect

    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    other = connect(tmp_path / "p.db")
    other.execute("BEGIN IMMEDIATE")  # the other session is writing: it holds the lock
    other.execute("DELETE FROM codings WHERE id = ?", [coding])

    def commit_later() -> None:
        time.sleep(0.5)  # the memo is on its way by now, waiting for the lock
        other.execute("COMMIT")

    committer = threading.Thread(target=commit_later)
    committer.start()
    try:
        with pytest.raises(NotFound):
            add_memo(me, target_type="coding", target_id=coding, text="Te laat.")
    finally:
        committer.join()
        other.close()
    assert list_memos(me) == []


def test_a_memo_does_not_follow_into_a_coding_that_is_not_there(interview):
    from workbench.errors import NotFound
    from workbench.memos import memos_follow

    me = Project.for_user(interview, ME)
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    add_memo(me, target_type="coding", target_id=coding, text="Blijft waar hij is.")
    before = _memos(interview)
    with pytest.raises(NotFound) as refused:
        memos_follow(me, "coding", coding, coding + 1000)
    assert refused.value.key == "memos.target_gone.coding"
    assert _memos(interview) == before


def test_a_new_memo_on_a_code_merged_away_is_refused(interview):
    """A merged code stays in the table, inactive: the memo was written on it and showed up
    nowhere in the codebook or the exports, its memos having moved on with the merge."""
    from workbench.errors import NotFound
    from workbench.memos import import_memo

    me = Project.for_user(interview, ME)
    relatie = code_id(me, "verlies-relatie")
    merge_codes(me, "verlies-relatie", "verlies-netwerk", rationale="één verlies")
    with pytest.raises(NotFound) as refused:
        add_memo(me, target_type="code", target_id=relatie, text="Ook ex-partners?")
    assert "samengevoegd" in refused.value.message("nl")
    assert _memos(interview) == []
    # a note that comes back with the code from another tool (a round trip) is kept
    import_memo(me, written_by=ME, target_type="code", target_id=relatie, text="Uit NVivo.")
    assert [m["text"] for m in list_memos(me)] == ["Uit NVivo."]


def test_undoing_a_memo_removal_is_refused_when_its_coding_went_since(interview, tmp_path):
    """The researcher removes a memo on a coding; anna (a second session) then removes the
    coding. Undo put the memo back on no coding: it is blocked, as any undo that would leave
    later work in a wrong state, saying why."""
    from workbench.accounts import add_user
    from workbench.store import connect

    me = Project.for_user(interview, ME)
    add_user(me, "anna", role="onderzoeker")
    seg = interview.execute("SELECT id FROM segments WHERE text LIKE '%scheiding%'").fetchone()[0]
    coding = add_coding(me, code="verlies-netwerk", segment_id=seg)
    memo = add_memo(me, target_type="coding", target_id=coding, text="Vrienden kozen een kant.")
    delete_memo(me, memo)
    other = connect(tmp_path / "p.db")
    try:
        remove_coding(Project.for_user(other, "anna"), coding)
    finally:
        other.close()
    logged = interview.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(InputError) as refused:
        undo_last(me)
    assert refused.value.key == "history.undo_target_gone.coding"
    assert refused.value.message("nl") == (
        "Je kunt het weggooien van een memo niet meer ongedaan maken: de codering waar de memo "
        "over ging, is er niet meer. Misschien heeft iemand anders die weggehaald."
    )
    assert refused.value.message("en") == (
        "You can no longer undo deleting a memo: the coding the memo was about is no "
        "longer there. Perhaps someone else removed it."
    )
    assert list_memos(me) == []
    assert interview.execute("SELECT count(*) FROM events").fetchone()[0] == logged


def test_undoing_a_memo_removal_is_refused_when_its_code_was_merged_away(interview):
    """A merged code stays, inactive and out of the codebook: a memo put back on it would
    show up nowhere. Its memos that the merge moved come back with the merge's undo."""
    from workbench.accounts import add_user

    me = Project.for_user(interview, ME)
    add_user(me, "anna", role="onderzoeker")
    relatie = code_id(me, "verlies-relatie")
    memo = add_memo(me, target_type="code", target_id=relatie, text="Ook ex-partners tellen mee.")
    delete_memo(me, memo)
    merge_codes(
        Project.for_user(interview, "anna"),
        "verlies-relatie",
        "verlies-netwerk",
        rationale="één verlies",
    )
    with pytest.raises(InputError) as refused:
        undo_last(me)
    assert refused.value.key == "history.undo_target_gone.code"
    assert "samengevoegd" in refused.value.message("nl")
    assert list_memos(me) == []
    # once anna undoes her merge, the code is back and so can the memo be
    undo_last(Project.for_user(interview, "anna"))
    assert undo_last(me)["action"] == "memo.remove"
    assert [m["target_id"] for m in list_memos(me)] == [relatie]
