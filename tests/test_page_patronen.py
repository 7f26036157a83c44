"""The Patronen page on the small project of tests/test_patterns.py (known answers)."""

from __future__ import annotations


import pytest
from test_patterns import build_project

from workbench.codings import add_coding
from workbench.store import now
from page_runner import page_test



@pytest.fixture
def page(db, project_path):
    build_project(db)
    return page_test("patronen", project_path)


def _frames(at):
    return [d.value for d in at.dataframe]


def test_matrix_shows_counts_and_tabs(page):
    page.run()
    assert not page.exception
    matrix = _frames(page)[0]
    assert list(matrix.index) == ["R01", "R02", "R03", "R04"]
    assert matrix.loc["R03", "verlies-woning"] == 2
    assert [t.label for t in page.tabs][:2] == ["Overzicht per persoon", "Hoe vaak per groep"]


def test_choosing_a_cell_shows_its_quotes(page):
    page.run()
    page.selectbox(key="patronen_cell_respondent").select("R03")
    page.selectbox(key="patronen_cell_code").select("verlies-woning").run()
    assert not page.exception
    quotes = next(f for f in _frames(page) if "Tekst" in f.columns and len(f) == 2)
    assert quotes["Tekst"].tolist() == ["Zin 2 van interview-R03, verzonnen.",
                                        "Zin 5 van interview-R03, verzonnen."]


def test_attribute_filter_limits_the_rows(page):
    page.run()
    page.multiselect(key="patronen_attr_geslacht").select("vrouw").run()
    assert list(_frames(page)[0].index) == ["R01", "R02"]
    assert any("geslacht=vrouw" in c.value for c in page.caption)


def test_coder_filter_and_status(page):
    page.run()
    page.multiselect(key="patronen_coders").select("anna").run()
    assert _frames(page)[0].loc["R03"].sum() == 0


def test_cooccurrence_pair_shows_where_codes_meet(page):
    page.run()
    page.radio(key="patronen_co_scope").set_value("turn").run()
    page.selectbox(key="patronen_co_pair").select(("verlies-woning", "isolement", 3)).run()
    assert not page.exception
    where = next(f for f in _frames(page) if "Tekst B" in f.columns)
    assert where["Persoon"].tolist() == ["R01", "R02", "R03"]


def test_quotes_with_and(page):
    page.run()
    page.multiselect(key="patronen_q_codes").select("isolement")
    page.multiselect(key="patronen_q_and").select("verlies-woning")
    page.radio(key="patronen_q_scope").set_value("turn").run()
    assert any("3 citaten" in s.value for s in page.success)


def test_cascades_tab_lists_transitions_and_patterns(page):
    page.run()
    frames = _frames(page)
    moves = next(f for f in frames if "Overgang" in f.columns)
    top = moves.set_index("Overgang")
    assert top.loc["verlies-dierbare -> verlies-woning -> isolement", "Personen"] == 3
    shared = next(f for f in frames if "Patroon" in f.columns)
    assert "R01, R03" in shared["Wie"].tolist()
    assert any("3 van de 4 personen" in m.value for m in page.markdown)


def test_profile_shows_attributes_and_story(page):
    page.run()
    page.selectbox(key="patronen_profile").select("R02").run()
    frames = _frames(page)
    attributes = next(f for f in frames if "Kenmerk" in f.columns)
    assert dict(attributes.values.tolist()) == {"geslacht": "vrouw", "wijk": "Zuid"}
    story = next(f for f in frames if "Volgorde" in f.columns)
    assert story["Code"].tolist()[0] == "verlies-dierbare"


def test_co_researcher_is_refused(page, db):
    db["users"].insert({"name": "buurvrouw", "role": "co-onderzoeker", "created_at": now()})
    page.session_state["user"] = "buurvrouw"
    page.run()
    assert page.warning and not page.dataframe


def test_english_labels(page):
    page.session_state["lang"] = "en"
    page.run()
    assert [t.label for t in page.tabs][0] == "Framework matrix"


def test_selecting_a_matrix_cell_opens_its_quotes(page):
    page.session_state["patronen_matrix"] = {"selection": {"cells": [[2, "verlies-woning"]]}}
    page.run()
    assert not page.exception
    assert any("R03" in h.value and "verlies-woning" in h.value for h in page.subheader)


def test_clicking_a_heatmap_square_shows_where_the_pair_meets(page):
    page.session_state["patronen_co_scope"] = "turn"
    page.session_state["patronen_heatmap"] = {
        "selection": {"pair": [{"code_a": "verlies-dierbare", "code_b": "schaamte"}]}}
    page.run()
    assert not page.exception
    where = next(f for f in _frames(page) if "Tekst B" in f.columns)
    assert where["Persoon"].tolist() == ["R01"]


def test_a_new_coding_shows_up_on_the_next_run(page, db):
    page.run()
    assert _frames(page)[0].loc["R04"].sum() == 0
    segment = db.execute(
        "SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE d.name = 'interview-R04' AND s.position = 1").fetchone()[0]
    add_coding(db, coder="anna", code="herstel", segment_id=segment)
    page.run()
    assert _frames(page)[0].loc["R04", "herstel"] == 1
