"""The demo loader: transcripts, respondents, links and human codings; idempotent."""

from __future__ import annotations

import json

import pytest
from conftest import DEMO, REPO
from streamlit.testing.v1 import AppTest
from test_ingest_formats import DIALOGUE

from workbench.demo import first_start, load_demo, locate_quote
from workbench.store import open_project


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "R01-test.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / "R02-test.txt").write_text(
        "Een verhaal zonder labels.\n\nMijn kat is er altijd.", encoding="utf-8"
    )
    (folder / "respondents.csv").write_text(
        "respondent,leeftijdsgroep\nR01,65+\nR02,45-64\n", encoding="utf-8"
    )
    (folder / "manifest.csv").write_text(
        "file,respondent\nR01-test.txt,R01\nR02-test.txt,R02\n", encoding="utf-8"
    )
    codings = [
        {
            "file": "R01-test.txt",
            "quote": "mijn vrouw overleed",
            "code": "verlies-dierbare",
            "coder": "anna",
            "life_year": 2019,
            "life_age": 70,
        },
        {
            "file": "R02-test.txt",
            "quote": "Mijn kat",
            "code": "zingeving-dieren",
            "coder": "bram",
            "life_year": None,
            "life_age": None,
        },
    ]
    (folder / "codings.jsonl").write_text(
        "\n".join(json.dumps(c) for c in codings) + "\n", encoding="utf-8"
    )
    return folder


def test_demo_is_loaded_once_and_again_changes_nothing(tmp_path, corpus):
    path = tmp_path / "demo.db"
    first = load_demo(path, corpus=corpus)
    assert (first["created"], first["documents"], first["respondents"], first["codings"]) == (
        True,
        2,
        2,
        2,
    )
    assert first["problems"] == []
    second = load_demo(path, corpus=corpus)
    assert (second["created"], second["documents"], second["codings"]) == (False, 0, 0)
    db = open_project(path)
    assert (
        db.execute("SELECT count(*) FROM documents WHERE respondent_id IS NOT NULL").fetchone()[0]
        == 2
    )


def test_each_demo_coder_marks_the_interviews_they_coded_done(tmp_path, corpus):
    # The fictional coders read their interviews in full: their silence counts too.
    path = tmp_path / "demo.db"
    load_demo(path, corpus=corpus)
    load_demo(path, corpus=corpus)  # again: no second mark
    db = open_project(path)
    marks = db.execute(
        "SELECT d.source_name, m.coder FROM done_marks m JOIN documents d ON d.id = m.document_id"
    ).fetchall()
    assert sorted(marks) == [("R01-test.txt", "anna"), ("R02-test.txt", "bram")]


def test_demo_codings_span_the_sentences_holding_the_quote(tmp_path, corpus):
    load_demo(tmp_path / "demo.db", corpus=corpus)
    db = open_project(tmp_path / "demo.db")
    text, coder, year, age, segment = db.execute(
        "SELECT text, coder, life_year, life_age, segment_id FROM codings ORDER BY id"
    ).fetchone()
    assert text == "Sinds mijn vrouw overleed ben ik veel alleen."
    assert (coder, year, age) == ("anna", 2019, 70)
    assert segment is not None


def test_missing_quote_is_a_problem_not_a_crash(tmp_path, corpus):
    with (corpus / "codings.jsonl").open("a", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {
                    "file": "R01-test.txt",
                    "quote": "staat er niet",
                    "code": "schaamte",
                    "coder": "anna",
                }
            )
            + "\n"
        )
    result = load_demo(tmp_path / "demo.db", corpus=corpus)
    assert [p.key for p in result["problems"]] == ["demo.quote_not_found"]
    assert result["codings"] == 2


def test_quotes_are_found_across_different_whitespace():
    assert locate_quote("een  twee\ndrie", "twee drie") == (5, 14)


@pytest.mark.slow
@pytest.mark.skipif(not (DEMO / "manifest.csv").exists(), reason="demo corpus not written yet")
def test_the_shipped_demo_corpus_loads_without_problems(tmp_path):
    result = load_demo(tmp_path / "demo.db")
    assert [p.message("en") for p in result["problems"]] == []
    assert result["documents"] >= 8


NO_DEMO = not (DEMO / "manifest.csv").exists()


@pytest.mark.parametrize(
    "name,toast,documents",
    [
        pytest.param(
            "demo.db",
            "Het voorbeeldproject is geladen. Alle interviews daarin zijn verzonnen.",
            10,
            marks=[pytest.mark.slow, pytest.mark.skipif(NO_DEMO, reason="no demo corpus")],
            id="demo",
        ),
        # `workbench app --project mijnstudie.db` is the researcher's own project: fictional
        # demo interviews in it would count in its patterns and agreement.
        pytest.param(
            "mijnstudie.db",
            "Nieuw project mijnstudie.db gemaakt, met het standaardcodeboek. "
            "Voeg je interviews toe op de pagina Project.",
            0,
            id="own-project",
        ),
    ],
)
def test_first_start_makes_the_demo_only_for_demo_db_and_an_empty_project_otherwise(
    tmp_path, name, toast, documents
):
    path = tmp_path / name
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=120)
    at.session_state["project_path"] = str(path)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.toast] == [toast]
    db = open_project(path)
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == documents
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] > 0  # the default codebook
    db.close()
    assert first_start(path) is None  # there now: nothing is made or changed a second time
