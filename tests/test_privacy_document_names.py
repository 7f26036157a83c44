"""A first name held only by a lower-case document name ("interview-marieke.txt") is offered
for review and replaced in a pseudonymised export; ordinary file-name words are not."""

from __future__ import annotations

import json
import zipfile

from workbench.cli import main
from workbench.handle import Project
from workbench.privacy import candidates
from workbench.store import open_project

# Fictional: the transcript never says the respondent's name.
TRANSCRIPT = (
    "I: Hoe gaat het nu met u?\n"
    "R: Goed hoor. Ik fiets elke ochtend naar de markt en drink daar koffie.\n"
    "I: En de buren?\n"
    "R: Die zie ik bijna nooit. Dat vind ik soms jammer."
)


def _listed(project, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["pseudonymise", "--project", str(project), "--json"]) == 0
    return {c["original"]: c for c in json.loads(capsys.readouterr().out)}


def test_a_first_name_only_in_a_lower_case_document_name_is_decided_and_replaced(tmp_path, capsys):
    project = tmp_path / "studie.db"
    source = tmp_path / "interview-marieke.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    assert main(["import", str(source), "--project", str(project)]) == 0
    found = _listed(project, capsys)
    assert found["marieke"]["places"] == [
        {"key": "privacy.where.document_name", "params": {"document": "interview-marieke"}}
    ]
    assert main(["pseudonymise", "--project", str(project), "--accept", "all"]) == 0
    out = tmp_path / "export.qdpx"
    assert main(["export", "--project", str(project), "--output", str(out)]) == 0
    with zipfile.ZipFile(out) as qdpx:
        qde = qdpx.read("project.qde").decode("utf-8")
    assert "marieke" not in qde.lower()
    assert 'name="interview-[Naam 1]"' in qde


def test_ordinary_file_name_words_and_codes_are_no_names():
    from workbench.privacy.detect import file_name_names

    for name in (
        "interview-r01",
        "gesprek_deel_2",
        "ronde-1-verhaal",
        "transcript.final.v2",
        "R07 definitief concept kopie",
    ):
        assert file_name_names(name) == [], name
    text = "R09-kim-spoorzicht_interview-henk"
    assert [text[s:e] for s, e, _ in file_name_names(text)] == ["kim", "henk"]


def test_the_demo_document_names_give_no_new_candidates_but_their_first_names(
    demo_project, tmp_path
):
    """The demo's names ("R09-kim-spoorzicht") hold first names on purpose: those now say
    they are in a document name, under the spelling the transcripts or speakers found; no
    other word of a document name becomes a candidate of its own."""
    from built_once import copy_project

    db = open_project(copy_project(demo_project, tmp_path / "demo.db"))
    found = candidates(Project.for_user(db, "onderzoeker"))
    in_names = {
        c["original"]
        for c in found
        if any(p["key"] == "privacy.where.document_name" for p in c["places"])
    }
    first = {"Gerda", "Henk", "Yonas", "Daan", "Ronald", "Annie", "Yvonne", "Marloes", "Kim"}
    assert first | {"Mehmet"} <= in_names
    assert all(
        c["original"][:1].isupper()
        for c in found
        if c["original"].lower() in {n.lower() for n in in_names}
    )
    assert not {"R", "r", "ter", "aa", "oude", "kern"} & {c["original"] for c in found}
    db.close()
