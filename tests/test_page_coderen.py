"""The coding page on a real project: choose a sentence, apply a code, decide on a suggestion."""

import pytest

from workbench.codings import add_coding, list_codings
from workbench.ingest import import_files
from workbench.projects import create_project
from page_runner import run_page



@pytest.fixture
def project(tmp_path, nlp):
    path = tmp_path / "p.db"
    db = create_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "I: Hoe gaat het?\nR: Sinds mijn man overleed ben ik veel alleen.\n", encoding="utf-8")
    assert import_files(db, [tmp_path / "R01-a.txt"], actor="onderzoeker", nlp=nlp).ok
    seg = db.execute("SELECT id, start_char, end_char FROM segments ORDER BY position DESC").fetchone()
    return path, db, {"document_id": 1, "segment_id": seg[0], "start_char": seg[1], "end_char": seg[2]}


def _page(path, target=None, lang="nl"):
    return run_page("coderen", path, lang=lang, **({"coding_target": target} if target else {}))


def test_without_a_selection_the_page_explains_what_to_do(project):
    at = _page(project[0])
    assert not at.exception
    assert any("Klik op een zin" in i.value for i in at.info)


def test_applying_a_code_to_the_selected_sentence(project):
    path, db, target = project
    at = _page(path, target)
    assert "Sinds mijn man overleed" in at.markdown[1].value
    at.selectbox(key="coding_code").set_value("verlies-dierbare").run()
    at.button(key="coding_apply").click().run()
    assert not at.exception
    codings = list_codings(db)
    assert [(c["code"], c["segment_id"], c["origin"]) for c in codings] == [
        ("verlies-dierbare", target["segment_id"], "human")]


def test_accepting_a_suggestion_on_the_page(project):
    path, db, target = project
    coding = add_coding(db, coder="onderzoeker", code="isolement", segment_id=target["segment_id"],
                        origin="machine", score=0.7, evidence=["alleen"])
    at = _page(path, target)
    assert any("alleen" in c.value for c in at.caption)
    at.button(key=f"accept-{coding}").click().run()
    assert list_codings(db, statuses=["accepted"])[0]["id"] == coding


def test_undo_takes_back_the_last_coding(project):
    path, db, target = project
    add_coding(db, coder="onderzoeker", code="isolement", segment_id=target["segment_id"])
    at = _page(path, target)
    at.button(key="coding_undo").click().run()
    assert list_codings(db) == []


def test_page_speaks_english_when_asked(project):
    at = _page(project[0], lang="en")
    assert any("Click a sentence" in i.value for i in at.info)


def test_marking_the_year_of_a_loss(project):
    path, db, target = project
    coding = add_coding(db, coder="onderzoeker", code="verlies-dierbare",
                        segment_id=target["segment_id"])
    at = _page(path, target)
    at.number_input(key=f"year-{coding}").set_value(2019)
    at.button(key=f"when-{coding}").click().run()
    assert not at.exception
    assert list_codings(db)[0]["life_year"] == 2019


def test_memo_on_the_chosen_code(project):
    from workbench.memos import list_memos

    path, db, target = project
    at = _page(path, target)
    at.selectbox(key="coding_code").set_value("verlies-dierbare").run()
    at.radio(key="coding_memo_target").set_value("code").run()
    at.text_area(key="coding_memo").input("Ook rouw om een huisdier?").run()
    at.button(key="coding_memo_save").click().run()
    assert not at.exception
    [memo] = list_memos(db, target_type="code")
    assert memo["text"] == "Ook rouw om een huisdier?"
