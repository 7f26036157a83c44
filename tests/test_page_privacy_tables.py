"""The tables on the privacy page read in the reader's language (AppTest, real project):
the history in neutral words, accounts and workshop assignments without raw column names."""

from __future__ import annotations

import re

import pytest

from page_runner import run_page
from privacy_support import add_codes, add_document, segment_ids
from workbench import accounts, codings
from workbench.handle import Project
from workbench.privacy import apply_pseudonyms, decide
from workbench.privacy.workshop import assign_fragments, record_choice

MONTHS = {
    "nl": "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december",
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
}


def readable(moment: str, lang: str = "nl") -> bool:
    """ "7 december 2026, 14:05", not "2026-12-07T13:05:00.000+00:00"."""
    return re.fullmatch(rf"\d{{1,2}} ({MONTHS[lang]}) \d{{4}}, \d\d:\d\d", moment) is not None


def frame(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def project(db):
    add_codes(db)
    doc = add_document(db)
    researcher = Project.for_user(db, "onderzoeker")
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    accounts.set_password(researcher, "onderzoeker", "geheim-genoeg")
    accounts.add_user(researcher, "vera", role="supervisor")
    return db


def test_history_tells_a_supervisor_what_someone_else_did_without_je(project, project_path):
    history = frame(run_page("privacy", project_path, user="vera"), "Wat")
    assert history["Wie"].tolist() == ["onderzoeker"]
    assert history["Wat"].tolist() == ["code toegevoegd"]  # not "de code die je toevoegde"
    assert readable(history["Wanneer"][0])
    english = frame(run_page("privacy", project_path, user="vera", lang="en"), "What")
    assert english["What"].tolist() == ["code added"]  # not "the code you applied"
    assert readable(english["When"][0], "en")


def test_history_tables_show_no_internal_number(project, project_path):
    """The row id behind an event ("Nummer" 1, 2, ...) pointed at nothing the reader can see:
    not in the history of a document nor in "my last actions", in either language."""
    for lang, columns in (("nl", ["Wanneer", "Wie", "Wat"]), ("en", ["When", "Who", "What"])):
        at = run_page("privacy", project_path, lang=lang)
        tables = [d.value for d in at.dataframe if columns[2] in d.value.columns]
        assert len(tables) == 2  # my last actions, and the chosen document's history
        for table in tables:
            assert list(table.columns)[:3] == columns
            assert not {"Nummer", "Number"} & set(table.columns)
        history = tables[1]
        assert list(history.columns) == [
            *columns,
            *(["Waarover", "Ongedaan gemaakt"] if lang == "nl" else ["About", "Undone"]),
        ]


def test_accounts_table_and_role_choices_name_roles_as_people_read_them(project, project_path):
    """The stored role ("onderzoeker") is internal: English readers see "researcher", the
    same words as `workbench users list`."""
    accounts.add_user(Project.for_user(project, "onderzoeker"), "sanne", role="co-onderzoeker")
    table = frame(run_page("privacy", project_path), "Rol")
    assert dict(zip(table["Naam"], table["Rol"])) == {
        "onderzoeker": "onderzoeker",
        "vera": "supervisor",
        "sanne": "co-onderzoeker",
    }
    at = run_page("privacy", project_path, lang="en")
    english = frame(at, "Role")
    assert dict(zip(english["Name"], english["Role"])) == {
        "onderzoeker": "researcher",
        "vera": "supervisor",
        "sanne": "co-researcher",
    }
    # the role pickers show the same words; the value they give is the stored role
    role = at.selectbox(key="privacy_new_role")
    assert role.options == ["researcher", "co-researcher", "supervisor"]
    assert role.value == "onderzoeker"


def test_accounts_table_has_headers_yes_no_and_dates_in_the_readers_language(project, project_path):
    table = frame(run_page("privacy", project_path), "Gemaakt op")
    assert list(table.columns) == ["Naam", "Rol", "Wachtwoord", "Gemaakt op"]
    vera = table[table["Naam"] == "vera"].iloc[0]
    assert (vera["Rol"], vera["Wachtwoord"]) == ("supervisor", "nee")  # not False
    assert table[table["Naam"] == "onderzoeker"]["Wachtwoord"].tolist() == ["ja"]
    assert all(readable(m) for m in table["Gemaakt op"])
    english = frame(run_page("privacy", project_path, lang="en"), "Created")
    assert list(english.columns) == ["Name", "Role", "Password", "Created"]
    assert set(english["Password"]) == {"yes", "no"}


def test_workshop_assignments_name_the_groups_choice_and_leave_no_choice_empty(
    project, project_path
):
    researcher = Project.for_user(project, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    for name in ("Jan", "Jan de Vries", "Kees", "Ria van der Berg", "Stichting Welzijn Oost"):
        decide(researcher, name, accept=True)
    decide(researcher, "Zwolle", accept=False)
    apply_pseudonyms(researcher)
    segs = segment_ids(project, 1)
    assign_fragments(
        researcher, co_researcher="sanne", segment_ids=[segs[3], segs[1]], group="buurt"
    )
    record_choice(Project.for_user(project, "sanne"), segs[3], "schaamte")
    table = frame(run_page("privacy", project_path), "Keuze van de groep")
    assert list(table.columns) == [
        "Co-onderzoeker",
        "Groep",
        "Stukje",
        "Document",
        "Keuze van de groep",
    ]
    assert table.values.tolist() == [
        ["sanne", "buurt", 1, "interview.txt", "Schaamte"],  # the code's name, not its slug
        ["sanne", "buurt", 2, "interview.txt", ""],  # nothing chosen yet: empty, not None
    ]
    english = frame(run_page("privacy", project_path, lang="en"), "Group's choice")
    assert list(english.columns) == [
        "Co-researcher",
        "Group",
        "Piece",
        "Document",
        "Group's choice",
    ]
