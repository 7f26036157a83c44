import pytest

from workbench.codings import add_coding, decide, list_codings, remove_coding, set_life_time
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.ingest import import_files
from workbench.handle import Project


@pytest.fixture
def project(tmp_path, nlp, new_project):
    db = new_project(tmp_path / "p.db")
    (tmp_path / "a.txt").write_text(
        "I: Vraag?\nR: Ik ben mijn baan kwijt. Daarna kwam de schuld.\n"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "a.txt"], nlp=nlp).ok
    db["users"].insert({"name": "sanne", "role": "supervisor", "created_at": "x"})
    return db


def _segment(db, text):
    return db.execute("SELECT id FROM segments WHERE text = ?", [text]).fetchone()[0]


def test_coding_a_segment_stores_its_span_and_snippet(project):
    seg = _segment(project, "Ik ben mijn baan kwijt.")
    researcher = Project.for_user(project, "onderzoeker")
    coding = add_coding(researcher, code="verlies-werk", segment_id=seg)
    [row] = list_codings(researcher)
    assert (row["id"], row["text"], row["status"], row["origin"]) == (
        coding,
        "Ik ben mijn baan kwijt.",
        "accepted",
        "human",
    )


def test_a_free_span_must_lie_inside_the_document(project):
    with pytest.raises(InputError):
        add_coding(
            Project.for_user(project, "onderzoeker"),
            code="isolement",
            document_id=1,
            start_char=5,
            end_char=10_000,
        )
    assert list_codings(Project.for_user(project, "onderzoeker"), statuses=None) == []


def test_applying_a_suggested_code_accepts_the_suggestion(project):
    seg = _segment(project, "Daarna kwam de schuld.")
    researcher = Project.for_user(project, "onderzoeker")
    proposal = add_coding(
        researcher,
        code="bestaansonzekerheid",
        segment_id=seg,
        origin="machine",
        score=0.8,
    )
    again = add_coding(researcher, code="bestaansonzekerheid", segment_id=seg)
    assert again == proposal
    assert [c["status"] for c in list_codings(researcher, statuses=None)] == ["accepted"]


def test_decisions_and_removals_are_in_the_event_log(project):
    seg = _segment(project, "Daarna kwam de schuld.")
    researcher = Project.for_user(project, "onderzoeker")
    proposal = add_coding(
        researcher,
        code="bestaansonzekerheid",
        segment_id=seg,
        origin="machine",
        score=0.8,
    )
    decide(researcher, proposal, "rejected")
    remove_coding(researcher, proposal)
    actions = [r[0] for r in project.execute("SELECT action FROM events WHERE entity = 'codings'")]
    assert actions == ["suggestion.add", "suggestion.reject", "coding.remove"]


def test_supervisor_cannot_change_a_researchers_coding(project):
    seg = _segment(project, "Ik ben mijn baan kwijt.")
    researcher = Project.for_user(project, "onderzoeker")
    coding = add_coding(researcher, code="verlies-werk", segment_id=seg)
    with pytest.raises(PermissionDenied):
        remove_coding(Project.for_user(project, "sanne"), coding)
    with pytest.raises(PermissionDenied):
        add_coding(
            Project.for_user(project, "sanne"),
            coder="onderzoeker",
            code="isolement",
            segment_id=seg,
        )
    assert len(list_codings(researcher)) == 1


def test_marking_when_in_the_life_story_is_logged_and_undoable(project):
    from workbench.history import undo_last

    seg = _segment(project, "Ik ben mijn baan kwijt.")
    researcher = Project.for_user(project, "onderzoeker")
    coding = add_coding(researcher, code="verlies-werk", segment_id=seg)
    set_life_time(researcher, coding, year=2015, age=52)
    assert (
        list_codings(researcher)[0]["life_year"],
        list_codings(researcher)[0]["life_age"],
    ) == (2015, 52)
    with pytest.raises(InputError):
        set_life_time(researcher, coding, year=15, age=None)
    undo_last(researcher)
    assert list_codings(researcher)[0]["life_year"] is None
