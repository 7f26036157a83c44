"""Speaker roles (guessed, changeable) and the segments analysis should look at."""

from __future__ import annotations

import json

import pytest
from test_ingest_formats import DIALOGUE

from workbench.errors import InputError
from workbench.handle import Project
from workbench.ingest import (
    analysis_segments,
    import_files,
    list_speakers,
    set_label_role,
    set_speaker_role,
)
from workbench.store import set_setting


@pytest.fixture
def imported(db, tmp_path):
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Een verhaal zonder sprekers.\n\nTweede alinea.", encoding="utf-8"
    )
    import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "a.txt", tmp_path / "b.txt"])
    return db


def test_roles_are_guessed_at_import(imported):
    assert {
        (s["label"], s["role"]) for s in list_speakers(Project.for_user(imported, "onderzoeker"))
    } == {
        ("I", "interviewer"),
        ("R", "respondent"),
    }


def test_analysis_sees_respondent_turns_and_unlabelled_documents(imported):
    rows = analysis_segments(Project.for_user(imported, "onderzoeker"))
    assert {r["role"] for r in rows} == {"respondent", None}
    assert not any("Hoe gaat het" in r["text"] for r in rows)
    assert any("zonder sprekers" in r["text"] for r in rows)


def test_setting_all_includes_the_interviewer(imported):
    set_setting(imported, "analysis_speakers", "all", actor="onderzoeker")
    assert any(
        "Hoe gaat het" in r["text"]
        for r in analysis_segments(Project.for_user(imported, "onderzoeker"))
    )


def test_changing_a_role_changes_analysis_and_is_logged(imported):
    researcher = Project.for_user(imported, "onderzoeker")
    speaker = next(s for s in list_speakers(researcher) if s["label"] == "I")
    set_speaker_role(researcher, speaker["id"], "respondent")
    assert any("Hoe gaat het" in r["text"] for r in analysis_segments(researcher, 1))
    event = imported.execute(
        "SELECT before, after FROM events WHERE action = 'speaker.role'"
    ).fetchone()
    assert json.loads(event[0])["role"] == "interviewer"
    assert json.loads(event[1])["role"] == "respondent"


def test_unknown_role_is_refused(imported):
    with pytest.raises(InputError):
        set_speaker_role(Project.for_user(imported, "onderzoeker"), 1, "boss")


def test_the_speakers_of_a_document_that_is_not_there_are_refused_not_empty(imported):
    from workbench.errors import NotFound

    me = Project.for_user(imported, "onderzoeker")
    with pytest.raises(NotFound):
        list_speakers(me, 999)


@pytest.fixture
def three_interviews(db, tmp_path):
    """Three interviews with the labels I and R; in the last, I is set to respondent."""
    researcher = Project.for_user(db, "onderzoeker")
    for n, words in enumerate(("de tuin", "het werk", "de kerk")):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"I: Hoe gaat het met {words}?\nR: Goed, dank u.\n", encoding="utf-8")
        import_files(researcher, [path])
    last = [s for s in list_speakers(researcher) if s["label"] == "I"][-1]
    set_speaker_role(researcher, last["id"], "respondent")
    return db


def test_a_label_gets_one_role_in_every_document_in_one_go(three_interviews):
    researcher = Project.for_user(three_interviews, "onderzoeker")
    before = three_interviews.execute("SELECT count(*) FROM events").fetchone()[0]
    assert set_label_role(researcher, "I", "respondent") == 2  # the third had it already
    assert {(s["label"], s["role"]) for s in list_speakers(researcher)} == {
        ("I", "respondent"),
        ("R", "respondent"),
    }
    asked = [r["text"] for r in analysis_segments(researcher) if r["text"].startswith("Hoe")]
    assert len(asked) == 3  # what analysis sees follows
    logged = three_interviews.execute(
        "SELECT json_extract(before, '$.role'), json_extract(after, '$.role') FROM events "
        "WHERE action = 'speaker.role' ORDER BY id"
    ).fetchall()
    assert logged[-2:] == [("interviewer", "respondent")] * 2
    assert three_interviews.execute("SELECT count(*) FROM events").fetchone()[0] == before + 2


@pytest.mark.parametrize("role", ["supervisor", "co-onderzoeker"])
def test_only_a_researcher_sets_a_label_role_and_a_refusal_changes_nothing(three_interviews, role):
    from workbench import accounts
    from workbench.errors import NotFound, PermissionDenied

    researcher = Project.for_user(three_interviews, "onderzoeker")
    accounts.add_user(researcher, "vera", role=role)
    before = [(s["id"], s["role"]) for s in list_speakers(researcher)]
    for call in (
        lambda: set_label_role(Project.for_user(three_interviews, "vera"), "I", "other"),
        lambda: set_speaker_role(Project.for_user(three_interviews, "vera"), before[0][0], "other"),
    ):
        with pytest.raises(PermissionDenied) as refused:
            call()
        # said as what was tried: a role change needs the import permission but is no import
        assert refused.value.message("nl") == (
            f"'vera' heeft de rol {role} en mag dit niet: sprekers een rol geven."
        )
        assert refused.value.message("en") == (
            f"'vera' has the role {role} and may not set speaker roles."
        )
    with pytest.raises(NotFound):  # a label that is nowhere is said so, not "0 changed"
        set_label_role(researcher, "Interviewer", "other")
    with pytest.raises(InputError):
        set_label_role(researcher, "I", "boss")
    assert [(s["id"], s["role"]) for s in list_speakers(researcher)] == before


def test_the_command_line_sets_a_label_role_in_every_document(three_interviews, capsys):
    from workbench.cli import main

    path = three_interviews.conn.execute("PRAGMA database_list").fetchone()[2]
    run = ["speakers", "set-label", "I", "respondent", "--project", path]
    assert main(run) == 0
    out = capsys.readouterr().out
    assert "I is nu in elk document: respondent. Aantal sprekers veranderd: 2." in out
    researcher = Project.for_user(three_interviews, "onderzoeker")
    assert {s["role"] for s in list_speakers(researcher) if s["label"] == "I"} == {"respondent"}
    assert (
        main(["--lang", "en", "speakers", "set-label", "Interviewer", "other", "--project", path])
        == 1
    )
    assert "There is no speaker 'Interviewer' in the project." in capsys.readouterr().err
