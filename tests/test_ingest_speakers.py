"""Speaker roles (guessed, changeable) and the segments analysis should look at."""

from __future__ import annotations

import json

import pytest
from test_ingest_formats import DIALOGUE

from workbench.errors import InputError
from workbench.handle import Project
from workbench.ingest import analysis_segments, import_files, list_speakers, set_speaker_role
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
