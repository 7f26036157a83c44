"""The search page on a real project: keyword-in-context hits and 'code all hits' as suggestions."""


import pytest

from workbench.codings import list_codings
from workbench.ingest import import_files
from workbench.projects import create_project
from page_runner import run_page



@pytest.fixture
def project(tmp_path, nlp):
    path = tmp_path / "p.db"
    db = create_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "I: En toen?\nR: Ik schaamde me. Die schaamte bleef.\n", encoding="utf-8")
    assert import_files(db, [tmp_path / "R01-a.txt"], actor="onderzoeker", nlp=nlp).ok
    return path, db


def _search(path, query):
    at = run_page("zoeken", path)
    at.text_input(key="search_query").input(query).run()
    return at


def test_search_shows_hits_in_context(project):
    at = _search(project[0], "schamen")
    assert not at.exception
    assert "2" in at.success[0].value
    table = at.dataframe[0].value
    assert list(table["Treffer"]) == ["schaamde", "schaamte"]


def test_code_all_hits_only_suggests(project):
    path, db = project
    at = _search(path, "schamen")
    at.selectbox[0].set_value("schaamte")
    at.button[0].click().run()
    assert not at.exception
    assert list_codings(db, statuses=["accepted"]) == []
    assert len(list_codings(db, statuses=["suggested"])) == 2


def test_a_bad_query_gets_a_plain_message(project):
    at = _search(project[0], "schaamte OF")
    assert "EN, OF of NIET" in at.error[0].value
