"""The ``workbench suggest --codebook`` contract on real files, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from built_once import codebook
from workbench.cli import main
from workbench.codebook.yaml_io import DEFAULT_CODEBOOK
from workbench.handle import Project

PASSAGES = Path(__file__).with_name("test_suggest_passages.jsonl")


def write(path: Path, objects) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    return path


def run(tmp_path: Path, items, train=None) -> list[dict]:
    args = [
        "suggest",
        "--codebook",
        str(DEFAULT_CODEBOOK),
        "--input",
        str(write(tmp_path / "in.jsonl", items)),
        "--output",
        str(tmp_path / "out.jsonl"),
    ]
    if train is not None:
        args += ["--train", str(write(tmp_path / "train.jsonl", train))]
    assert main(args) == 0
    return [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]


ITEMS = [
    {"id": "a", "text": "Mijn man is overleden en daarna moest ik verhuizen."},
    {"id": "b", "text": "We woonden aan de rand van het dorp."},
    {"id": "c", "text": "I: Hoe ging het toen?\nR: Ik schaamde me, niemand mocht het weten."},
]


def test_one_output_line_per_input_in_the_same_order(tmp_path):
    out = run(tmp_path, ITEMS)
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert all(set(o) == {"id", "suggestions"} for o in out)


def test_suggestions_use_codebook_ids_highest_first(tmp_path):
    ids = set(codebook(DEFAULT_CODEBOOK).ids)
    for o in run(tmp_path, ITEMS):
        scores = [s["score"] for s in o["suggestions"]]
        assert scores == sorted(scores, reverse=True)
        for s in o["suggestions"]:
            assert s["code"] in ids and 0 <= s["score"] <= 1 and s["evidence"]


def test_parents_and_children_are_both_listed(tmp_path):
    codes = [s["code"] for s in run(tmp_path, ITEMS)[0]["suggestions"]]
    assert {"verlies", "verlies-dierbare", "verlies-woning"} <= set(codes)


def test_train_file_changes_what_is_proposed(tmp_path):
    train = [json.loads(line) for line in PASSAGES.read_text("utf-8").splitlines()]
    cold = run(tmp_path, ITEMS)
    trained = run(tmp_path, ITEMS, train=train)
    assert cold != trained
    headline = {
        "verlies",
        "schaamte",
        "energiebalans",
        "zingeving",
        "isolement",
        "bestaansonzekerheid",
    }
    assert {s["code"] for o in trained for s in o["suggestions"]} <= headline


def test_bad_json_line_is_named(tmp_path, capsys):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": "1", "text": "goed"}\n{"id": "2", "text": \n', "utf-8")
    code = main(
        [
            "--lang",
            "en",
            "suggest",
            "--codebook",
            str(DEFAULT_CODEBOOK),
            "--input",
            str(bad),
            "--output",
            str(tmp_path / "o.jsonl"),
        ]
    )
    assert code == 1
    assert "line 2" in capsys.readouterr().err


def test_missing_field_is_named(tmp_path, capsys):
    bad = write(tmp_path / "in.jsonl", [{"id": "1"}])
    code = main(
        [
            "--lang",
            "en",
            "suggest",
            "--codebook",
            str(DEFAULT_CODEBOOK),
            "--input",
            str(bad),
            "--output",
            str(tmp_path / "o.jsonl"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "line 1" in err and "'text'" in err


def test_unknown_code_in_train_is_refused(tmp_path, capsys):
    args = [
        "--lang",
        "en",
        "suggest",
        "--codebook",
        str(DEFAULT_CODEBOOK),
        "--train",
        str(write(tmp_path / "t.jsonl", [{"text": "x", "codes": ["nope"]}])),
        "--input",
        str(write(tmp_path / "in.jsonl", ITEMS)),
        "--output",
        str(tmp_path / "o.jsonl"),
    ]
    assert main(args) == 1
    assert "nope" in capsys.readouterr().err


def test_every_command_has_help(capsys):
    for command in ("suggest", "evaluate"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "--project" in capsys.readouterr().out


def project_with_interview(tmp_path: Path, nlp) -> Path:
    from workbench.ingest import import_files
    from workbench.projects import create_project

    source = tmp_path / "R97-cli.txt"
    source.write_text(
        "Fictief interview voor de tests.\n\nI: Hoe gaat het?\n"
        "R: Sinds mijn man is overleden ben ik zo eenzaam.\n"
        "I: En geld?\nR: We hebben schulden, de deurwaarder kwam langs.\n",
        "utf-8",
    )
    db = create_project(tmp_path / "cli.db")
    import_files(Project.for_user(db, "onderzoeker"), [source], nlp=nlp)
    db.close()
    return tmp_path / "cli.db"


def test_project_mode_stores_open_suggestions(tmp_path, nlp, capsys):
    from workbench.codings import list_codings
    from workbench.store import open_project

    path = project_with_interview(tmp_path, nlp)
    assert main(["suggest", "--project", str(path), "--document", "1"]) == 0
    assert "nieuwe suggesties" in capsys.readouterr().out
    rows = list_codings(Project.for_user(open_project(path), "onderzoeker"), statuses=None)
    assert rows and {r["status"] for r in rows} == {"suggested"}


def project_with_decisions(tmp_path, nlp, capsys):
    """A project whose suggestions were all accepted (output so far discarded)."""
    from workbench.codings import decide, list_codings
    from workbench.store import open_project

    path = project_with_interview(tmp_path, nlp)
    main(["suggest", "--project", str(path)])
    db = open_project(path)
    for r in list_codings(Project.for_user(db, "onderzoeker"), statuses=None):
        decide(Project.for_user(db, "onderzoeker"), r["id"], "accepted")
    capsys.readouterr()
    return path


def test_evaluate_prints_json_per_code(tmp_path, nlp, capsys):
    path = project_with_decisions(tmp_path, nlp, capsys)
    assert main(["evaluate", "--project", str(path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {
        "code",
        "examples",
        "precision",
        "recall",
        "f1",
        "alpha",
        "proposed",
        "correct",
        "documents",
        "sentences",
        "verdict",
        "precision_interval",
    } <= set(rows[0])
    assert any(r["examples"] for r in rows)
    assert rows[0]["documents"] == 1


def test_evaluate_table_says_what_it_covers(tmp_path, nlp, capsys):
    path = project_with_decisions(tmp_path, nlp, capsys)
    assert main(["evaluate", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "in 1 interview waarin iemand codeerde" in out.splitlines()[0]
    assert "precisie [95%]" in out and "oordeel" in out
    assert main(["evaluate", "--project", str(path), "--user", "niemand"]) == 1


def evaluate_text(path: Path, capsys, *lang: str) -> tuple[str, dict[str, str], str]:
    """``workbench evaluate`` as printed: the header line, each code's table row (the cells
    one space apart) and the whole output."""
    assert main([*lang, "evaluate", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    return lines[1], {line.split()[0]: line for line in lines[2:] if line}, out


def test_evaluate_prints_its_table_in_the_chosen_language(tmp_path, nlp, new_project, capsys):
    from test_suggest_project import funerals_read_in_full

    db, path = funerals_read_in_full(tmp_path, nlp, new_project)
    db.close()
    header, rows, _ = evaluate_text(path, capsys)
    assert (
        header
        == "code voorbeelden voorgesteld precisie [95%] gevonden [95%] F1 alpha werkt met oordeel"
    )
    assert rows["omgeving-digitaal"].endswith("regels stelt niets voor")
    assert rows["isolement"].endswith("regels nog onzeker")
    header, rows, _ = evaluate_text(path, capsys, "--lang", "en")
    assert (
        header == "code examples proposed precision [95%] recall [95%] F1 alpha works from verdict"
    )
    assert rows["omgeving-digitaal"].endswith("rules proposes nothing")


def test_evaluate_says_why_a_word_no_longer_counts_alone(tmp_path, nlp, new_project, capsys):
    """Nobody rejected the funerals: their sentences were left uncoded in an interview read
    in full. The list says so, and does not call them rejected."""
    from test_suggest_project import funerals_read_in_full

    db, path = funerals_read_in_full(tmp_path, nlp, new_project)
    db.close()
    assert main(["evaluate", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  verlies-dierbare: begrafenis (3 zinnen zonder deze code)" in out.splitlines()
    assert "afgewezen:" not in out and "steeds" not in out
    assert main(["--lang", "en", "evaluate", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  verlies-dierbare: begrafenis (3 sentences without this code)" in out.splitlines()
    assert "again and again" not in out


@pytest.mark.slow
def test_evaluate_on_the_demo_speaks_dutch_and_says_what_happened(demo_project, capsys):
    """The demo's coders accepted all their codings and rejected nothing (a new user's
    first run): plain Dutch values, no rejections claimed, a mute code named as one."""
    header, rows, out = evaluate_text(demo_project, capsys)
    assert "verdict" not in header and "oordeel" in header
    assert rows["verlies-werk"].split()[1:3] == ["9", "0"]
    assert rows["verlies-werk"].endswith("stelt niets voor")
    assert rows["beleefde-vermijding"].endswith("uit uit: nooit gebruikt")
    assert not any(word in out for word in ("rules", "silenced", "-0.00"))
    assert "afgewezen" not in out  # nobody rejected anything
    assert "  bestaansonzekerheid: bijstand (" in out and "zinnen zonder deze code" in out


def test_interviewer_turns_are_not_evidence(tmp_path):
    out = run(
        tmp_path,
        [
            {
                "id": "q",
                "text": "I: Voelde u zich eenzaam, alleen, verlaten?\n"
                "R: Nee hoor. Ik ga elke week naar de markt.",
            }
        ],
    )
    assert "isolement" not in [s["code"] for s in out[0]["suggestions"]]


OWN_CODEBOOK = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Fictief voorbeeld voor de tests">
  <Codes>
    <Code guid="11111111-1111-1111-1111-111111111111" name="Rouw" isCodable="true">
      <Description>Over het overlijden van een naaste en het gemis daarna.</Description>
    </Code>
    <Code guid="22222222-2222-2222-2222-222222222222" name="Geldzorgen" isCodable="true">
      <Description>Zorgen over geld, schulden en rekeningen.</Description>
    </Code>
  </Codes>
</CodeBook>
"""


def test_a_codebook_without_words_is_named_and_fixed_by_adding_indicator_words(
    tmp_path, nlp, capsys
):
    """A researcher's own codebook from another tool: names and descriptions only. The cold
    start cannot find such codes; the command says which and what to do, and indicator
    words added on the codebook make suggestions appear."""
    from workbench.codebook.editing import edit_code
    from workbench.codings import list_codings
    from workbench.ingest import import_files
    from workbench.store import open_project

    path = tmp_path / "eigen.db"
    assert main(["codebook", "init", "--project", str(path), "--empty"]) == 0
    (tmp_path / "eigen.qdc").write_text(OWN_CODEBOOK, encoding="utf-8")
    assert main(["codebook", "import", "--project", str(path), str(tmp_path / "eigen.qdc")]) == 0
    source = tmp_path / "R96-eigen.txt"
    source.write_text(
        "Fictief interview voor de tests.\n\nI: Hoe gaat het?\n"
        "R: Mijn man is in maart overleden. Ik mis hem elke dag.\n"
        "I: En geld?\nR: Ik heb schulden bij de energieleverancier.\n",
        "utf-8",
    )
    db = open_project(path)
    researcher = Project.for_user(db, "onderzoeker")
    import_files(researcher, [source], nlp=nlp)
    capsys.readouterr()
    assert main(["suggest", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 nieuwe suggesties" in out
    assert "2 codes hebben geen signaalwoorden of korte voorbeelden: Rouw, Geldzorgen." in out
    assert main(["--lang", "en", "suggest", "--project", str(path)]) == 0
    assert "2 codes have no indicator words or short examples: Rouw, Geldzorgen." in (
        capsys.readouterr().out
    )
    slug = db.execute("SELECT slug FROM codes WHERE name = 'Rouw'").fetchone()[0]
    edit_code(researcher, slug, rationale="signaalwoorden", indicators=["overlijden", "gemis"])
    assert main(["suggest", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 code heeft geen signaalwoorden of korte voorbeelden: Geldzorgen." in out
    rows = list_codings(researcher, statuses=["suggested"])
    assert [r["code"] for r in rows] == [slug]
    db.close()


def test_evaluate_says_what_each_figure_covers_and_what_measured_it(
    tmp_path, nlp, new_project, capsys
):
    """verlies-werk works from its rules now, but in the fold that tested its one example it
    was silenced: the row says so, instead of crediting the rules with that figure. The
    legend says who the examples come from and that a child counts for its parent."""
    from test_suggest_project import work_lost_once

    db, path = work_lost_once(tmp_path, nlp, new_project)
    db.close()
    header, rows, out = evaluate_text(path, capsys)
    assert "regels; gemeten: 2× regels, 1× uit" in rows["verlies-werk"]
    assert "gemeten" not in rows["schaamte"]  # the same engine in every fold: said once
    assert "(of die iemand op klaar zette)" in out.splitlines()[0]
    assert "ook als er nog een suggestie op wacht" in out.splitlines()[0]
    assert "elke codeur telt mee" in out and "telt ook voor die andere code" in out
    _, rows, out = evaluate_text(path, capsys, "--lang", "en")
    assert "rules; measured: 2× rules, 1× off" in rows["verlies-werk"]
    assert "every coder counts" in out and "also counts for that other code" in out


def test_evaluate_says_the_rule_behind_each_verdict(tmp_path, nlp, new_project, capsys):
    """The verdicts ("nog onzeker", "bekijk ze") mean nothing without the rule: the legend
    gives it, with the figures it is read from (the precision's interval against 0.5)."""
    from test_suggest_project import funerals_read_in_full

    db, path = funerals_read_in_full(tmp_path, nlp, new_project)
    db.close()
    _, rows, out = evaluate_text(path, capsys)
    assert rows["isolement"].endswith("nog onzeker")
    assert (
        "Oordeel: 'bekijk ze' als met 95% zekerheid minstens de helft van de voorstellen klopt "
        "(de ondergrens van de precisie is 0.5 of meer). 'Nog niet' als ook de bovengrens "
        "onder 0.5 ligt. 'Nog onzeker' daartussen." in out
    )
    assert "'Stelt niets voor': mensen gaven de code" in out
    _, _, out = evaluate_text(path, capsys, "--lang", "en")
    assert "Verdict: 'worth a look' when with 95% certainty at least half" in out
    assert "'Not yet' when even the upper end is below 0.5. 'Unsure' in between." in out
