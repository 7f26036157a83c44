"""The figures the Codeboek page and ``workbench codebook list`` show per code, recounted.

The page's title said "106 keer gecodeerd" for a parent code (its sub-codes counted) where
the command line said 4 under "gecodeerd" (the code itself), and neither said in how many
interviews a code was used: a code coded 40 times in one interview looked as common as one
coded once in each of 40.
"""

from __future__ import annotations

import json

import pytest

from workbench import codebook as cb
from workbench.cli import main
from workbench.codings import add_coding, decide
from workbench.handle import Project
from workbench.ingest import import_files
from workbench.respondents import ensure_respondent, link_document

ACTOR = "onderzoeker"
# Two fictional interviews of two respondents (written for this test).
TEXTS = {
    "r01.txt": "I: Hoe gaat het?\nR: Mijn vrouw is overleden en ik kom de deur niet uit.\n"
    "I: En daarna?\nR: Ik moest ons huis uit, dat was te duur.\n",
    "r02.txt": "I: Hoe gaat het?\nR: Ik schaam me dat ik geen werk meer heb.\n"
    "I: En verder?\nR: Mijn broer is vorig jaar overleden.\n",
}


@pytest.fixture
def project(project_path, tmp_path, nlp, new_project):
    db = new_project(project_path)
    files = []
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    me = Project.for_user(db, ACTOR)
    import_files(me, files, nlp=nlp)
    for doc_id, name in db.execute("SELECT id, source_name FROM documents").fetchall():
        link_document(me, doc_id, ensure_respondent(me, name.split(".")[0].upper()))
    db["users"].insert({"name": "bram", "role": "onderzoeker", "created_at": "2026-12-01"})
    yield db
    db.close()


def segment(db, words: str) -> int:
    return db.execute("SELECT id FROM segments WHERE text LIKE ?", [f"%{words}%"]).fetchone()[0]


def coded(db) -> None:
    """verlies-dierbare in both interviews (by two coders in the first), verlies-woning in
    one, an open and a rejected suggestion on verlies-werk."""
    anna, bram = Project.for_user(db, ACTOR), Project.for_user(db, "bram")
    add_coding(anna, code="verlies-dierbare", segment_id=segment(db, "vrouw is overleden"))
    add_coding(bram, code="verlies-dierbare", segment_id=segment(db, "vrouw is overleden"))
    add_coding(anna, code="verlies-dierbare", segment_id=segment(db, "broer"))
    add_coding(anna, code="verlies-woning", segment_id=segment(db, "huis uit"))
    add_coding(anna, code="verlies-werk", segment_id=segment(db, "geen werk"), origin="machine")
    rejected = add_coding(
        anna, code="verlies-werk", segment_id=segment(db, "deur niet uit"), origin="machine"
    )
    decide(anna, rejected, "rejected")


def test_the_tree_says_in_how_many_interviews_and_of_how_many_respondents(project):
    coded(project)
    tree = {n["slug"]: n for n in cb.code_tree(Project.for_user(project, ACTOR))}
    dierbare, woning, werk, verlies = (
        tree[s] for s in ("verlies-dierbare", "verlies-woning", "verlies-werk", "verlies")
    )
    assert (dierbare["n_accepted"], dierbare["n_documents_total"]) == (3, 2)
    assert dierbare["n_respondents_total"] == 2
    assert (woning["n_accepted"], woning["n_documents_total"]) == (1, 1)
    # suggestions, open or rejected, are no use of the code
    assert (werk["n_suggested"], werk["n_rejected"], werk["n_documents_total"]) == (1, 1, 0)
    # the parent: its sub-codes' codings and interviews, each interview once
    assert (verlies["n_accepted"], verlies["n_accepted_total"]) == (0, 4)
    assert (verlies["n_documents_total"], verlies["n_respondents_total"]) == (2, 2)
    assert tree["schaamte"]["n_documents_total"] == 0


def test_the_list_shows_the_total_with_sub_codes_and_the_interviews_and_says_so(
    project, project_path, capsys
):
    coded(project)
    assert main(["codebook", "list", "--project", str(project_path)]) == 0
    out = capsys.readouterr().out
    header, rows = out.splitlines()[0], out.splitlines()[1:]
    assert header.split()[2:6] == ["gecodeerd", "totaal", "interviews", "voorstellen"]
    verlies = next(r for r in rows if r.startswith("verlies "))
    assert verlies.split()[1:5] == ["0", "4", "2", "0"]
    assert "totaal: met de codes eronder erbij" in out and "tellen twee keer" in out
    assert main(["codebook", "list", "--project", str(project_path), "--json"]) == 0
    listed = {n["slug"]: n for n in json.loads(capsys.readouterr().out)}
    assert listed["verlies"]["n_documents_total"] == 2
    assert listed["verlies-dierbare"]["n_respondents_total"] == 2


def test_a_merge_counts_an_interview_once_and_undo_gives_the_figures_back(project):
    coded(project)
    me = Project.for_user(project, ACTOR)
    before = {n["slug"]: n for n in cb.code_tree(me)}
    cb.merge_codes(me, "verlies-woning", "verlies-dierbare", rationale="test")
    after = {n["slug"]: n for n in cb.code_tree(me)}
    assert (
        after["verlies-dierbare"]["n_accepted"],
        after["verlies-dierbare"]["n_documents_total"],
    ) == (4, 2)
    assert after["verlies"]["n_accepted_total"] == 4 and "verlies-woning" not in after
    from workbench.history import undo_last

    undo_last(me)
    assert {n["slug"]: n for n in cb.code_tree(me)} == before
