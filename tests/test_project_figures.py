"""The figures `workbench info`, restore and the Project page show, against a count of our own.

Each figure is checked on a copy of the demo project with plain ``sqlite3`` queries written
here, not with the function under test: a label must say what its number counts.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest
from built_once import copy_project
from conftest import REPO

from workbench.cli import main
from workbench.codings import add_coding, decide
from workbench.handle import Project
from workbench.ingest import list_speakers
from workbench.store import open_project

PAGE = str(REPO / "workbench" / "app" / "pages" / "project.py")


def own_count(path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


# Our own rule for a header line, written out from docs/ingest.md ("Header turns"): a turn
# without speaker marked as header, or above the first label of a labelled transcript.
HEADER_SEGMENTS = """
SELECT count(*) FROM segments s JOIN turns t ON t.id = s.turn_id
WHERE t.speaker_id IS NULL AND (
    t.header = 1
    OR t.position < (SELECT min(f.position) FROM turns f
                     WHERE f.document_id = t.document_id AND f.speaker_id IS NOT NULL))
"""

HEADER_TURNS = """
SELECT count(*) FROM turns t
WHERE t.speaker_id IS NULL AND (
    t.header = 1
    OR t.position < (SELECT min(f.position) FROM turns f
                     WHERE f.document_id = t.document_id AND f.speaker_id IS NOT NULL))
"""
# Our own rule for what analysis reads by default, from docs/ingest.md: a respondent's turn,
# or a turn that is not a header in a document without any speaker.
RESPONDENT_SEGMENTS = """
SELECT count(*) FROM segments s JOIN turns t ON t.id = s.turn_id
LEFT JOIN speakers p ON p.id = t.speaker_id
WHERE p.role = 'respondent'
   OR (t.speaker_id IS NULL AND t.header = 0
       AND NOT EXISTS (SELECT 1 FROM speakers q WHERE q.document_id = t.document_id))
"""


@pytest.fixture
def suggested(demo_template, tmp_path):
    """The demo with two machine suggestions on a sentence: one left open, one rejected."""
    path = copy_project(demo_template, tmp_path / "demo.db")
    db = open_project(path)
    me = Project.for_user(db, "onderzoeker")
    [segment] = db.execute("SELECT id FROM segments ORDER BY id LIMIT 1 OFFSET 30").fetchone()
    [first, second] = [r[0] for r in db.execute("SELECT slug FROM codes ORDER BY id LIMIT 2")]
    add_coding(me, code=first, segment_id=segment, origin="machine")
    decide(me, add_coding(me, code=second, segment_id=segment, origin="machine"), "rejected")
    db.close()
    return path


def test_info_counts_what_its_labels_say(suggested, capsys):
    """It printed "coderingen: 690" for 688 codings, one open and one rejected suggestion."""
    accepted = own_count(suggested, "SELECT count(*) FROM codings WHERE status = 'accepted'")
    assert (accepted, own_count(suggested, "SELECT count(*) FROM codings")) == (688, 690)
    assert main(["info", "--project", str(suggested), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts == {
        "documents": own_count(suggested, "SELECT count(*) FROM documents"),
        "speakers": own_count(suggested, "SELECT count(*) FROM speakers"),
        "turns": own_count(suggested, "SELECT count(*) FROM turns"),
        "header_turns": own_count(suggested, HEADER_TURNS),
        "segments": own_count(suggested, "SELECT count(*) FROM segments"),
        "header_segments": own_count(suggested, HEADER_SEGMENTS),
        "respondent_segments": own_count(suggested, RESPONDENT_SEGMENTS),
        "respondents": own_count(suggested, "SELECT count(*) FROM respondents"),
        "codings": 688,
        "suggestions": 1,
    }
    assert (counts["documents"], counts["turns"], counts["segments"]) == (10, 398, 2068)
    # "zinnen" are all sentences; the 54 of the demo's title lines (a note above the first
    # label in each interview, a title in the life story) are no one's words in analysis
    assert counts["header_segments"] == 54
    # and not the interviewer's questions either: analysis reads 1804 (as agreement does)
    assert (counts["header_turns"], counts["respondent_segments"]) == (11, 1804)
    assert list(counts)[2:7] == [  # each shown right below what it is part of
        "turns",
        "header_turns",
        "segments",
        "header_segments",
        "respondent_segments",
    ]
    assert main(["info", "--project", str(suggested)]) == 0
    out = capsys.readouterr().out
    assert "  coderingen (goedgekeurd): 688\n" in out and "  open suggesties: 1\n" in out
    assert "  sprekers (per interview geteld): 18\n" in out
    assert "  beurten: 398\n    waarvan kopregels (titel, gegevens): 11\n" in out
    assert (
        "  zinnen: 2068\n    waarvan in kopregels (titel, gegevens; tellen niet mee in de "
        "analyse): 54\n    waarvan gezegd door respondenten (die leest de analyse "
        "standaard): 1804\n" in out
    )
    assert main(["--lang", "en", "info", "--project", str(suggested)]) == 0
    out = capsys.readouterr().out
    assert "  turns: 398\n    of which header lines (title, details): 11\n" in out
    assert (
        "  segments: 2068\n    of which in header lines (title, details; not part of any "
        "analysis): 54\n    of which by respondents (what analysis reads by default): 1804\n" in out
    )


def test_info_leaves_out_header_turns_when_there_are_none(tmp_path, capsys):
    """A transcript without a title or details block: no "of which header lines: 0"."""
    text = tmp_path / "r01.txt"
    text.write_text("I: Hoe gaat het?\nR: Goed. Ik wandel elke dag.\n", encoding="utf-8")
    project = str(tmp_path / "p.db")
    assert main(["--lang", "en", "import", str(text), "--project", project]) == 0
    capsys.readouterr()
    assert own_count(tmp_path / "p.db", HEADER_TURNS) == 0
    assert own_count(tmp_path / "p.db", RESPONDENT_SEGMENTS) == 2
    assert main(["--lang", "en", "info", "--project", project]) == 0
    out = capsys.readouterr().out
    assert "  turns: 2\n  segments: 3\n" in out
    assert "of which by respondents (what analysis reads by default): 2\n" in out


def test_the_project_page_leaves_suggestions_out_of_the_codings(suggested):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(suggested)
    at.session_state["user"] = "onderzoeker"
    for lang, counts in (
        (
            "nl",
            "10 documenten, 2068 zinnen (waarvan 54 in kopregels en 1804 gezegd door "
            "respondenten: die leest de analyse standaard), 10 respondenten, 688 coderingen, "
            "1 open suggestie",
        ),
        (
            "en",
            "10 documents, 2068 sentences (54 of them in header lines and 1804 by respondents: "
            "what analysis reads by default), 10 respondents, 688 codings, 1 open suggestion",
        ),
    ):
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        assert any(c.value == counts for c in at.caption), lang


def test_restore_names_the_accepted_codings(suggested, tmp_path, capsys):
    target = tmp_path / "teruggezet.db"
    assert main(["restore", str(suggested), "--project", str(target)]) == 0
    assert "(10 documenten, 688 coderingen)" in capsys.readouterr().out


def test_setting_a_role_says_whom_and_what_it_changes(demo_template, tmp_path, capsys):
    path = copy_project(demo_template, tmp_path / "demo.db")
    [interviewer] = [
        s
        for s in list_speakers(Project.for_user(open_project(path), "onderzoeker"), 1)
        if s["role"] == "interviewer"
    ]
    assert (
        main(["speakers", "set", str(interviewer["id"]), "respondent", "--project", str(path)]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Spreker {interviewer['id']} ({interviewer['label']}) is nu: respondent."
    assert out[1].startswith(f"Wat {interviewer['label']} zegt is nu tekst van een respondent.")


def test_the_speakers_tab_says_what_a_role_change_does(demo_template, tmp_path):
    path = copy_project(demo_template, tmp_path / "demo.db")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(path)
    at.session_state["user"] = "onderzoeker"
    at.session_state["lang"] = "nl"
    at.run()
    [respondent] = [
        s
        for s in list_speakers(Project.for_user(open_project(path), "onderzoeker"), 1)
        if s["role"] == "respondent"
    ]
    at.selectbox(key=f"role_{respondent['id']}").select("other").run()
    assert not at.exception
    # the same label is another speaker in each of the ten interviews: the toast says which
    assert [t.value for t in at.toast] == [
        f"{respondent['label']} in {respondent['document']} is veranderd. "
        f"Wat {respondent['label']} zegt is nu geen tekst van een respondent. Het telt niet "
        "mee in Zoeken, Patronen en Suggesties als alleen tekst van respondenten meetelt."
    ]
    assert own_count(path, f"SELECT role FROM speakers WHERE id = {respondent['id']}") == "other"


def test_users_actions_say_what_they_did(db, project_path, capsys):
    db.close()
    project = str(project_path)
    assert main(["users", "add", "eva", "--role", "supervisor", "--project", project]) == 0
    assert capsys.readouterr().out.startswith(
        "Gebruiker eva is toegevoegd met de rol supervisor, zonder wachtwoord."
    )
    assert main(["users", "role", "eva", "co-onderzoeker", "--project", project]) == 0
    assert capsys.readouterr().out == "eva heeft nu de rol co-onderzoeker.\n"
    assert own_count(project_path, "SELECT role FROM users WHERE name = 'eva'") == "co-onderzoeker"
