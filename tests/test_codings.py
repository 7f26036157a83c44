import pytest

from workbench.codings import add_coding, decide, list_codings, remove_coding, set_life_time
from workbench.errors import InputError, PermissionDenied
from workbench.ingest import import_files
from workbench.handle import Project


@pytest.fixture
def project(tmp_path, nlp, new_project):
    db = new_project(tmp_path / "p.db")
    (tmp_path / "a.txt").write_text(
        "I: Vraag?\nR: Ik ben mijn baan kwijt. Daarna kwam de schuld.\n"
    )
    assert import_files(db, [tmp_path / "a.txt"], actor="onderzoeker", nlp=nlp).ok
    db["users"].insert({"name": "sanne", "role": "supervisor", "created_at": "x"})
    return db


def _segment(db, text):
    return db.execute("SELECT id FROM segments WHERE text = ?", [text]).fetchone()[0]


def test_coding_a_segment_stores_its_span_and_snippet(project):
    seg = _segment(project, "Ik ben mijn baan kwijt.")
    coding = add_coding(project, coder="onderzoeker", code="verlies-werk", segment_id=seg)
    [row] = list_codings(project, actor="onderzoeker")
    assert (row["id"], row["text"], row["status"], row["origin"]) == (
        coding,
        "Ik ben mijn baan kwijt.",
        "accepted",
        "human",
    )


def test_a_free_span_must_lie_inside_the_document(project):
    with pytest.raises(InputError):
        add_coding(
            project,
            coder="onderzoeker",
            code="isolement",
            document_id=1,
            start_char=5,
            end_char=10_000,
        )
    assert list_codings(project, actor="onderzoeker", statuses=None) == []


def test_applying_a_suggested_code_accepts_the_suggestion(project):
    seg = _segment(project, "Daarna kwam de schuld.")
    proposal = add_coding(
        project,
        coder="onderzoeker",
        code="bestaansonzekerheid",
        segment_id=seg,
        origin="machine",
        score=0.8,
    )
    again = add_coding(project, coder="onderzoeker", code="bestaansonzekerheid", segment_id=seg)
    assert again == proposal
    assert [c["status"] for c in list_codings(project, actor="onderzoeker", statuses=None)] == [
        "accepted"
    ]


def test_decisions_and_removals_are_in_the_event_log(project):
    seg = _segment(project, "Daarna kwam de schuld.")
    proposal = add_coding(
        project,
        coder="onderzoeker",
        code="bestaansonzekerheid",
        segment_id=seg,
        origin="machine",
        score=0.8,
    )
    decide(project, proposal, "rejected", actor="onderzoeker")
    remove_coding(project, proposal, actor="onderzoeker")
    actions = [r[0] for r in project.execute("SELECT action FROM events WHERE entity = 'codings'")]
    assert actions == ["suggestion.add", "suggestion.reject", "coding.remove"]


def test_supervisor_cannot_change_a_researchers_coding(project):
    seg = _segment(project, "Ik ben mijn baan kwijt.")
    coding = add_coding(project, coder="onderzoeker", code="verlies-werk", segment_id=seg)
    with pytest.raises(PermissionDenied):
        remove_coding(project, coding, actor="sanne")
    with pytest.raises(PermissionDenied):
        add_coding(project, coder="onderzoeker", code="isolement", segment_id=seg, actor="sanne")
    assert len(list_codings(project, actor="onderzoeker")) == 1


def test_marking_when_in_the_life_story_is_logged_and_undoable(project):
    from workbench.history import undo_last

    seg = _segment(project, "Ik ben mijn baan kwijt.")
    coding = add_coding(project, coder="onderzoeker", code="verlies-werk", segment_id=seg)
    set_life_time(project, coding, year=2015, age=52, actor="onderzoeker")
    assert (
        list_codings(project, actor="onderzoeker")[0]["life_year"],
        list_codings(project, actor="onderzoeker")[0]["life_age"],
    ) == (2015, 52)
    with pytest.raises(InputError):
        set_life_time(project, coding, year=15, age=None, actor="onderzoeker")
    undo_last(Project.for_user(project, "onderzoeker"))
    assert list_codings(project, actor="onderzoeker")[0]["life_year"] is None
