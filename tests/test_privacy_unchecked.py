"""A pseudonymised export never holds a name nobody checked (CLI export, pattern exports,
the Patronen downloads; the Export page is in test_page_export.py).

The researcher checked the names of the first interview, then imported a second one that
mentions the neighbour Bertus. Real project files, the real import pipeline, the real CLI;
the interviews are fictional, written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from page_runner import page_test
from workbench import codings
from workbench.cli import main
from workbench.handle import Project
from workbench.privacy import key_file
from workbench.store import open_project

FIRST = (
    "I: Hoe gaat het nu met je?\n"
    "R: Sinds Kees weg is, woon ik alleen in Zwolle. Ik mis hem elke dag.\n"
    "I: Zie je nog mensen?\n"
    "R: Op dinsdag drink ik koffie in het buurthuis.\n"
)
SECOND = (
    "I: Wie komt er bij je langs?\n"
    "R: Mijn buurman Bertus brengt soms soep. Zijn vrouw riek kookt die.\n"
    "R: Op de kalender staat BERTUS, elke vrijdag.\n"
    "I: En verder?\n"
    "R: Verder zie ik bijna niemand meer.\n"
)


def code_everything(path: Path) -> str:
    """Code every segment with the codebook's first code; returns that code."""
    db = open_project(path)
    me = Project.for_user(db, "onderzoeker")
    code = db.execute("SELECT slug FROM codes ORDER BY id LIMIT 1").fetchone()[0]
    uncoded = "SELECT id FROM segments WHERE id NOT IN (SELECT segment_id FROM codings)"
    for (segment,) in db.execute(uncoded).fetchall():
        codings.add_coding(me, code=code, segment_id=segment)
    db.close()
    return code


def build_study(path: Path) -> str:
    """The names of FIRST checked, then SECOND imported (as R02) and coded; returns a code."""
    for name, text, respondent in (("R01-eerste", FIRST, "R01"), ("R02-buurman", SECOND, "R02")):
        source = path.parent / f"{name}.txt"
        source.write_text(text, encoding="utf-8")
        assert (
            main(["import", str(source), "--project", str(path), "--respondent", respondent]) == 0
        )
        code = code_everything(path)
        if name == "R01-eerste":
            assert pseudonymise(path, "--accept", "all") == 0
    return code


def pseudonymise(path: Path, *options: str) -> int:
    return main(["pseudonymise", "--project", str(path), *options])


def export(path: Path, out: Path, *options: str) -> int:
    suffix = out.suffix.lstrip(".")
    return main(
        ["export", "--project", str(path), "--format", suffix, "--output", str(out), *options]
    )


@pytest.fixture
def study(new_project, tmp_path):
    path = tmp_path / "studie.db"
    new_project(path).close()
    return path, build_study(path)


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "qdpx"])
def test_an_export_refuses_an_interview_imported_after_the_names_were_checked(
    study, tmp_path, capsys, suffix
):
    path, _ = study
    out = tmp_path / f"uit.{suffix}"
    capsys.readouterr()
    assert export(path, out) == 1
    error = capsys.readouterr().err
    assert "'R02-buurman'" in error and "Namen vervangen" in error
    assert list(tmp_path.glob("uit.*")) == []  # no file, no report claiming names were replaced


def test_replacing_again_does_not_pass_a_name_nobody_decided_on(study, tmp_path, capsys):
    path, _ = study
    assert pseudonymise(path) == 0  # replaces the accepted names in R02 too; decides nothing
    capsys.readouterr()
    assert export(path, tmp_path / "uit.csv") == 1
    assert "'Bertus'" in capsys.readouterr().err
    assert pseudonymise(path, "--replacement", "Bertus=[Buurman]") == 0  # "BERTUS": any case
    assert export(path, tmp_path / "uit.csv") == 0
    text = (tmp_path / "uit.csv").read_text(encoding="utf-8-sig")
    assert "[Buurman]" in text and "bertus" not in text.lower()


@pytest.mark.parametrize("overview", ["quotes", "matrix"])
def test_a_pseudonymised_pattern_export_refuses_the_unchecked_interview(
    study, tmp_path, capsys, overview
):
    path, code = study
    out = tmp_path / f"{overview}.csv"
    options = ["--code", code] if overview == "quotes" else []
    capsys.readouterr()
    args = ["patterns", overview, "--project", str(path), "--output", str(out), "--pseudonymise"]
    assert main([*args, *options]) == 1
    assert "'R02-buurman'" in capsys.readouterr().err and not out.exists()
    assert pseudonymise(path, "--accept", "all") == 0
    assert main([*args, *options]) == 0
    assert "bertus" not in out.read_text(encoding="utf-8-sig").lower()


def test_a_known_name_nobody_decided_on_stops_the_export(study, tmp_path, capsys):
    """ "riek" is written in lower case: only the researcher knows it is a name."""
    path, _ = study
    assert pseudonymise(path, "--accept", "all") == 0
    assert pseudonymise(path, "--known", "R02=riek") == 0
    capsys.readouterr()
    assert export(path, tmp_path / "uit.csv") == 1
    assert "'riek'" in capsys.readouterr().err
    assert pseudonymise(path, "--accept", "known") == 0
    assert export(path, tmp_path / "uit.csv") == 0
    assert "riek" not in (tmp_path / "uit.csv").read_text(encoding="utf-8-sig")


def test_without_the_key_an_export_goes_by_what_was_open_when_names_were_last_replaced(
    study, tmp_path, capsys
):
    path, _ = study
    assert pseudonymise(path) == 0  # Bertus waits for a decision
    key = key_file(open_project(path))
    key.rename(tmp_path / "elders.key.json")  # kept apart, as the docs advise
    capsys.readouterr()
    assert export(path, tmp_path / "uit.csv") == 1
    error = capsys.readouterr().err
    assert "'R02-buurman'" in error and str(key) in error
    (tmp_path / "elders.key.json").rename(key)
    assert pseudonymise(path, "--accept", "all") == 0
    key.rename(tmp_path / "elders.key.json")
    assert export(path, tmp_path / "uit.csv") == 0
    assert "bertus" not in (tmp_path / "uit.csv").read_text(encoding="utf-8-sig").lower()


def test_the_patronen_download_with_names_replaced_is_refused(study):
    path, _ = study
    at = page_test("patronen", path, patronen_dl_matrix_pseudonymise=True).run()
    assert not at.exception
    assert any("'R02-buurman'" in e.value for e in at.error)
    assert not at.get("download_button")


def test_a_review_with_spacys_entities_also_lists_what_an_export_waits_for(study):
    """With nl_core_news_sm the review listed its entities only; an export that waits for
    "Bertus" would then name a candidate the command line could not decide by number."""
    import spacy

    from workbench.privacy import candidates

    path, _ = study
    nlp = spacy.blank("nl")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns([{"label": "GPE", "pattern": "Zwolle"}])
    found = {
        c["original"]: c
        for c in candidates(Project.for_user(open_project(path), "onderzoeker"), nlp=nlp)
    }
    assert found["Zwolle"]["source"] == "ner"
    assert found["Bertus"]["status"] == "new" and found["Bertus"]["source"] == "heuristic"


def test_a_supervisor_gets_no_real_names_from_a_project_nobody_checked(new_project, tmp_path):
    """Before anyone reviewed names, a researcher's export goes out labelled "not
    pseudonymised"; a supervisor, whose role may only take out schuilnamen, is refused."""
    path = tmp_path / "nieuw.db"
    new_project(path).close()
    source = tmp_path / "R01-eerste.txt"
    source.write_text(FIRST, encoding="utf-8")
    assert main(["import", str(source), "--project", str(path)]) == 0
    code_everything(path)
    assert main(["users", "add", "vera", "--role", "supervisor", "--project", str(path)]) == 0
    theirs, mine = tmp_path / "vera.csv", tmp_path / "mine.csv"
    assert export(path, theirs, "--user", "vera") == 1
    assert not theirs.exists()
    assert export(path, mine) == 0 and "Kees" in mine.read_text(encoding="utf-8")
