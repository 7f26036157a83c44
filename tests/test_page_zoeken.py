"""The search page on a real project: keyword-in-context hits and 'code all hits' as suggestions."""

import pytest

from workbench.codings import list_codings
from workbench.handle import Project
from workbench.ingest import import_files
from page_runner import run_page


@pytest.fixture
def project(tmp_path, nlp, new_project):
    path = tmp_path / "p.db"
    db = new_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "I: En toen?\nR: Ik schaamde me. Die schaamte bleef.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R01-a.txt"], nlp=nlp).ok
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
    assert list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted"]) == []
    assert len(list_codings(Project.for_user(db, "onderzoeker"), statuses=["suggested"])) == 2


def test_a_bad_query_gets_a_plain_message(project):
    at = _search(project[0], "schaamte OF")
    assert "EN, OF of NIET" in at.error[0].value


def test_a_hit_opens_its_place_in_the_interview(project):
    from test_page_memos import _walk, in_the_app

    path, db = project
    at = in_the_app(
        "zoeken",
        path,
        search_query="schamen",
        search_hits={"selection": {"rows": [1], "columns": [], "cells": []}},
    )
    links = [
        e
        for e in at.main.children.values()
        for e in _walk(e)
        if getattr(e, "type", None) == "page_link"
    ]
    seg = db.execute("SELECT id FROM segments WHERE text LIKE 'Die schaamte%'").fetchone()[0]
    assert [link.proto.query_string for link in links] == [f"doc=1&seg={seg}"]


def test_only_respondents_keeps_a_text_without_speaker_labels(project, tmp_path, nlp):
    path, db = project
    (tmp_path / "dagboek.txt").write_text(
        "Ik schaam me voor de rommel in huis.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "dagboek.txt"], nlp=nlp).ok
    at = _search(path, "schamen")
    at.toggle[0].set_value(True).run()
    assert at.success[0].value.startswith("3 keer gevonden")
    assert "dagboek" in list(at.dataframe[0].value["Interview"])
