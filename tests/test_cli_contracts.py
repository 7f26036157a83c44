"""The external command-line contracts (issues 2, 4, 6, 7, 8, 9), called exactly as written.

Outside evaluators script these commands, so each test runs ``workbench.cli.main`` with the
argument list of the contract on the demo project or on fresh files, then reads the output
files back the way an outsider would (json, csv, openpyxl/pandas, zipfile, sqlite3). Bad
input must end in ``Error: ...`` on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import io
import os
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
import yaml

from built_once import codebook, copy_project
from workbench.cli import main
from workbench.codebook.yaml_io import DEFAULT_CODEBOOK

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"
PASSAGES = REPO / "corpora" / "eval" / "passages.jsonl"
CODE_IDS = {code.id for code in codebook(DEFAULT_CODEBOOK).codes}
CODE_NAMES = {code.name for code in codebook(DEFAULT_CODEBOOK).codes}
PARENT = {code.id: code.parent for code in codebook(DEFAULT_CODEBOOK).codes}


def top_code(code: str) -> str:
    while PARENT[code]:
        code = PARENT[code]
    return code


ROOT = {code: top_code(code) for code in PARENT}
MEASURES = {"alpha", "alpha_ci", "kappa", "ac1", "percent", "n_units"}


# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def demo(demo_project: Path) -> Path:
    """The demo project, one copy for this module; tests that change it use a copy of it."""
    return demo_project


@pytest.fixture
def demo_copy(demo: Path, tmp_path: Path) -> Path:
    return copy_project(demo, tmp_path / "copy.db")


def run(capsys, *argv, lang: str = "en") -> tuple[int, str, str]:
    code = main(["--lang", lang, *[str(a) for a in argv]])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_error(code: int, err: str, lang: str = "en") -> None:
    """A refusal meant for a person: non-zero, ``Error: ...`` (``Fout: ...``), no traceback."""
    assert code != 0
    assert err.startswith({"en": "Error: ", "nl": "Fout: "}[lang]), err
    assert "Traceback" not in err


def count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as con:
        return con.execute(sql).fetchone()[0]


def read_table(path: Path) -> pd.DataFrame:
    """A patterns CSV as a spreadsheet user sees it: the '# ...' settings lines skipped."""
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    body = "".join(
        line
        for i, line in enumerate(lines)
        if not (line.startswith("# ") and all(x.startswith("# ") for x in lines[:i]))
    )
    return pd.read_csv(io.StringIO(body))


def passages(n: int, start: int = 0) -> list[dict]:
    rows = [json.loads(line) for line in PASSAGES.read_text(encoding="utf-8").splitlines()]
    return rows[start : start + n]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


# ---------------------------------------------------------------------------------------------
# workbench demo, workbench info (issue 2)


def test_demo_on_existing_project_keeps_it_and_exits_zero(capsys, demo_copy):
    before = count(demo_copy, "SELECT count(*) FROM codings")
    code, out, _ = run(capsys, "demo", "--project", demo_copy)
    assert code == 0 and str(demo_copy) in out
    assert count(demo_copy, "SELECT count(*) FROM codings") == before


def test_info_json_counts_the_demo_project(capsys, demo):
    code, out, _ = run(capsys, "info", "--project", demo, "--json")
    info = json.loads(out)
    assert code == 0
    manifest = (DEMO / "manifest.csv").read_text(encoding="utf-8").strip().splitlines()
    assert info["counts"]["documents"] == len(manifest) - 1
    assert info["counts"]["codings"] > 0 and info["pipeline"]["name"]


def test_info_without_a_project_still_names_the_pipeline(capsys, tmp_path):
    project = tmp_path / "nog-niet.db"
    code, out, _ = run(capsys, "info", "--project", project, "--json")
    info = json.loads(out)
    assert code == 0 and info["exists"] is False and info["pipeline"]["name"]
    assert not project.exists()


@pytest.mark.slow
def test_demo_on_fresh_path_creates_the_demo_project(capsys, demo, tmp_path):
    project = tmp_path / "projects" / "demo.db"
    code, out, _ = run(capsys, "demo", "--project", project)
    assert code == 0 and "fictional" in out.lower()
    for table in ("documents", "respondents", "codings"):
        sql = f"SELECT count(*) FROM {table}"
        assert count(project, sql) == count(demo, sql) > 0


# ---------------------------------------------------------------------------------------------
# workbench import FILE... [--project PATH] [--respondent ID] (issue 2)


def test_import_formats_into_new_project_and_bad_file_gives_nonzero(capsys, tmp_path):
    txt = tmp_path / "gesprek.txt"
    txt.write_text(
        "Fictief interview.\n\nI: Hoe gaat het met u?\nR: Niet zo goed. Mijn man is "
        "vorig jaar overleden.\nI: Dat spijt me.\nR: Ik zie bijna niemand meer.\n",
        encoding="utf-8",
    )
    files = [txt, DEMO / "R04-daan-bloemenbuurt.docx", DEMO / "R03-yonas-rietlanden.vtt"]
    bad = tmp_path / "kapot.txt"
    bad.write_bytes(b"\x00\x01\x02\xff binary")
    project = tmp_path / "nieuw.db"
    code, out, _ = run(capsys, "import", *files, bad, "--project", project, "--respondent", "R42")
    assert code == 1
    assert "kapot.txt" in out
    assert count(project, "SELECT count(*) FROM documents") == 3
    assert count(project, "SELECT count(*) FROM documents WHERE respondent_id IS NULL") == 0
    assert count(project, "SELECT count(*) FROM respondents WHERE code = 'R42'") == 1


def test_import_of_good_files_only_exits_zero(capsys, tmp_path):
    project = tmp_path / "p.db"
    code, _, _ = run(capsys, "import", DEMO / "R01-gerda-spoorzicht.txt", "--project", project)
    assert code == 0 and count(project, "SELECT count(*) FROM segments") > 0


def test_import_duplicate_and_missing_file_exit_nonzero(capsys, tmp_path):
    project = tmp_path / "p.db"
    source = DEMO / "R01-gerda-spoorzicht.txt"
    assert run(capsys, "import", source, "--project", project)[0] == 0
    code, out, err = run(capsys, "import", source, tmp_path / "weg.txt", "--project", project)
    assert code == 1 and "Traceback" not in out + err
    assert count(project, "SELECT count(*) FROM documents") == 1


# ---------------------------------------------------------------------------------------------
# workbench suggest --codebook PATH [--train TRAIN.jsonl] --input IN.jsonl --output OUT.jsonl
# (issue 4)

TURNS = (
    "I: Hoe gaat het nu met u?\nR: Mijn vrouw is overleden. Daarna moest ik verhuizen. "
    "Ik schaam me dat ik geen geld heb.\nI: En hoe is het nu?\nR: Ik zie niemand meer."
)


@pytest.fixture(scope="module")
def suggest_input(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("suggest")
    rows = [{"id": p["id"], "text": p["text"]} for p in passages(40, start=200)]
    rows += [
        {"id": "turns", "text": TURNS},
        {"id": "leeg", "text": ""},
        {"id": "niets", "text": "Het regent al de hele dag."},
    ]
    return write_jsonl(folder / "in.jsonl", rows), [r["id"] for r in rows]


def check_suggestions(out_path: Path, ids: list[str]) -> list[dict]:
    lines = [json.loads(line) for line in out_path.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ids
    for line in lines:
        assert set(line) == {"id", "suggestions"}
        scores = [s["score"] for s in line["suggestions"]]
        assert scores == sorted(scores, reverse=True)
        for s in line["suggestions"]:
            assert set(s) == {"code", "score", "evidence"}
            assert s["code"] in CODE_IDS
            assert 0 <= s["score"] <= 1
            assert isinstance(s["evidence"], list)
            assert all(isinstance(e, str) and e for e in s["evidence"])
        assert len({s["code"] for s in line["suggestions"]}) == len(line["suggestions"])
    return lines


def test_suggest_cold_start_writes_one_line_per_input_in_order(capsys, tmp_path, suggest_input):
    in_path, ids = suggest_input
    out_path = tmp_path / "out.jsonl"
    code, out, _ = run(
        capsys, "suggest", "--codebook", DEFAULT_CODEBOOK, "--input", in_path, "--output", out_path
    )
    assert code == 0 and out == ""  # stdout stays clean for scripts
    lines = {line["id"]: line for line in check_suggestions(out_path, ids)}
    assert lines["leeg"]["suggestions"] == []
    turns = {s["code"] for s in lines["turns"]["suggestions"]}
    assert {"verlies", "schaamte"} <= turns
    # useful at cold start: for a good share of the labelled passages a proposed code (or
    # its parent) is one of the human labels
    labelled = [p for p in passages(40, start=200) if p["codes"]]
    hits = sum(
        bool(set(p["codes"]) & {ROOT[s["code"]] for s in lines[p["id"]]["suggestions"]})
        for p in labelled
    )
    assert hits >= len(labelled) / 3


def test_suggest_with_train_file_uses_text_and_codes(capsys, tmp_path, suggest_input):
    in_path, ids = suggest_input
    train = write_jsonl(
        tmp_path / "train.jsonl", [{"text": p["text"], "codes": p["codes"]} for p in passages(150)]
    )
    out_path = tmp_path / "out.jsonl"
    code, _, _ = run(
        capsys,
        "suggest",
        "--codebook",
        DEFAULT_CODEBOOK,
        "--train",
        train,
        "--input",
        in_path,
        "--output",
        out_path,
    )
    assert code == 0
    lines = {line["id"]: line for line in check_suggestions(out_path, ids)}
    assert "verlies" in {s["code"] for s in lines["turns"]["suggestions"]}


def test_suggest_takes_labelled_lines_with_extra_fields(capsys, tmp_path):
    """The eval set's own lines ({"id", "text", "codes", "genre"}) serve as --train and
    --input as they are; blank lines are skipped."""
    train = write_jsonl(tmp_path / "train.jsonl", passages(60))
    rows = passages(20, start=300)
    in_path = write_jsonl(tmp_path / "in.jsonl", rows)
    in_path.write_text(in_path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    out_path = tmp_path / "out.jsonl"
    code, _, err = run(
        capsys,
        "suggest",
        "--codebook",
        DEFAULT_CODEBOOK,
        "--train",
        train,
        "--input",
        in_path,
        "--output",
        out_path,
    )
    assert code == 0, err
    check_suggestions(out_path, [r["id"] for r in rows])


def test_suggest_broken_jsonl_line_names_file_and_line(capsys, tmp_path):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": "a", "text": "Mijn man is dood."}\n{kapot\n', encoding="utf-8")
    code, _, err = run(
        capsys,
        "suggest",
        "--codebook",
        DEFAULT_CODEBOOK,
        "--input",
        bad,
        "--output",
        tmp_path / "out.jsonl",
    )
    assert_error(code, err)
    assert "in.jsonl" in err and "2" in err


@pytest.mark.parametrize(
    "train_line, expected",
    [
        ({"text": "Mijn man is dood.", "codes": ["bestaat-niet"]}, "bestaat-niet"),
        ({"text": "Mijn man is dood.", "codes": "verlies"}, "codes"),
        ({"codes": ["verlies"]}, "text"),
    ],
)
def test_suggest_bad_train_file_is_refused(capsys, tmp_path, suggest_input, train_line, expected):
    train = write_jsonl(tmp_path / "train.jsonl", [train_line])
    code, _, err = run(
        capsys,
        "suggest",
        "--codebook",
        DEFAULT_CODEBOOK,
        "--train",
        train,
        "--input",
        suggest_input[0],
        "--output",
        tmp_path / "out.jsonl",
    )
    assert_error(code, err)
    assert expected in err and "train.jsonl" in err


@pytest.mark.parametrize("which", ["codebook", "input", "train"])
def test_suggest_missing_file_is_refused(capsys, tmp_path, suggest_input, which):
    files = {"codebook": DEFAULT_CODEBOOK, "input": suggest_input[0], "train": None}
    files[which] = tmp_path / "bestaat-niet.jsonl"
    argv = [
        "suggest",
        "--codebook",
        files["codebook"],
        "--input",
        files["input"],
        "--output",
        tmp_path / "out.jsonl",
    ]
    if files["train"]:
        argv += ["--train", files["train"]]
    code, _, err = run(capsys, *argv)
    assert_error(code, err)
    assert "bestaat-niet" in err


# ---------------------------------------------------------------------------------------------
# workbench evaluate [--project PATH] (issue 4)


def test_evaluate_reports_per_code_scores_on_demo(capsys, demo):
    code, out, _ = run(capsys, "evaluate", "--project", demo, "--json")
    rows = json.loads(out)
    assert code == 0
    by_code = {r["code"]: r for r in rows}
    assert {"verlies", "schaamte", "isolement"} <= set(by_code)
    for r in rows:
        assert {"examples", "precision", "recall", "f1", "alpha"} <= set(r)
        assert r["examples"] >= 0
    assert by_code["verlies"]["examples"] > 0
    # The demo coders never coded a funeral alone as a loss: the word no longer counts alone.
    assert "begrafenis" in by_code["verlies"]["distrusted"]
    assert by_code["schaamte"]["distrusted"] == []


def test_evaluate_table_lists_the_words_that_no_longer_count_alone(capsys, demo):
    code, out, _ = run(capsys, "evaluate", "--project", demo, lang="nl")
    assert code == 0
    tail = out.split("Woorden die niet meer alleen tellen", 1)[1]
    verlies = next(line for line in tail.splitlines() if line.startswith("  verlies: "))
    assert "begrafenis" in verlies


# ---------------------------------------------------------------------------------------------
# workbench patterns matrix|cooccurrence|cascades|quotes --project PATH [--code ID]
#   [--filter KEY=VALUE ...] --output FILE.csv|FILE.xlsx (issue 6)

WOMEN = {"R01", "R06", "R07", "R08", "R09"}  # corpora/demo/respondents.csv, geslacht=vrouw


def respondents_of(frame: pd.DataFrame) -> set[str]:
    return set(frame["respondent"].astype(str))


@pytest.mark.parametrize("overview", ["matrix", "cooccurrence", "cascades", "quotes"])
@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_patterns_export_holds_demo_data(capsys, demo, tmp_path, overview, ext):
    out = tmp_path / f"{overview}.{ext}"
    extra = ["--code", "schaamte"] if overview == "quotes" else []
    code, _, err = run(capsys, "patterns", overview, "--project", demo, *extra, "--output", out)
    assert code == 0, err
    if ext == "csv":
        table = read_table(out)
    else:
        sheets = pd.read_excel(out, sheet_name=None)
        assert "filters" in sheets
        table = next(iter(sheets.values()))
    assert len(table) > 0
    if overview in ("matrix", "cascades", "quotes"):
        assert respondents_of(table) <= {f"R{n:02d}" for n in range(1, 11)}


def test_patterns_matrix_counts_are_numbers_per_respondent(capsys, demo, tmp_path):
    out = tmp_path / "m.csv"
    assert run(capsys, "patterns", "matrix", "--project", demo, "--output", out)[0] == 0
    table = read_table(out).set_index("respondent")
    assert len(table) == 10
    assert "Shame and taboo" in table.columns and table["Shame and taboo"].sum() > 0  # --lang en
    assert all(pd.api.types.is_numeric_dtype(table[c]) for c in table.columns)


@pytest.mark.parametrize("overview", ["matrix", "cascades", "quotes"])
def test_patterns_filter_narrows_to_matching_respondents(capsys, demo, tmp_path, overview):
    extra = ["--code", "schaamte"] if overview == "quotes" else []
    full, narrow = tmp_path / "all.csv", tmp_path / "vrouw.csv"
    assert run(capsys, "patterns", overview, "--project", demo, *extra, "--output", full)[0] == 0
    assert (
        run(
            capsys,
            "patterns",
            overview,
            "--project",
            demo,
            *extra,
            "--filter",
            "geslacht=vrouw",
            "--output",
            narrow,
        )[0]
        == 0
    )
    everyone, women = respondents_of(read_table(full)), respondents_of(read_table(narrow))
    assert women and women <= WOMEN and everyone - WOMEN
    assert len(read_table(narrow)) < len(read_table(full))
    settings = [r for r in narrow.read_text(encoding="utf-8-sig").splitlines() if r[:1] == "#"]
    assert any("geslacht" in r for r in settings), settings


def test_patterns_same_filter_key_twice_means_either(capsys, demo, tmp_path):
    out = tmp_path / "m.xlsx"
    assert (
        run(
            capsys,
            "patterns",
            "matrix",
            "--project",
            demo,
            "--filter",
            "wijk=Rietlanden",
            "--filter",
            "wijk=Spoorzicht",
            "--output",
            out,
        )[0]
        == 0
    )
    sheets = pd.read_excel(out, sheet_name=None)
    assert respondents_of(sheets["matrix"]) == {"R01", "R03", "R08", "R09"}
    settings = " ".join(sheets["filters"].astype(str).agg(" ".join, axis=1))
    assert "Rietlanden" in settings and "Spoorzicht" in settings


def test_patterns_two_filters_must_both_hold(capsys, demo, tmp_path):
    out = tmp_path / "m.csv"
    assert (
        run(
            capsys,
            "patterns",
            "matrix",
            "--project",
            demo,
            "--filter",
            "geslacht=vrouw",
            "--filter",
            "wijk=Rietlanden",
            "--output",
            out,
        )[0]
        == 0
    )
    assert respondents_of(read_table(out)) == {"R08"}


@pytest.mark.parametrize("overview", ["matrix", "cooccurrence", "cascades", "quotes"])
def test_patterns_filter_matching_nobody_gives_no_traceback(capsys, demo, tmp_path, overview):
    extra = ["--code", "schaamte"] if overview == "quotes" else []
    out = tmp_path / "leeg.csv"
    code, _, err = run(
        capsys,
        "patterns",
        overview,
        "--project",
        demo,
        *extra,
        "--filter",
        "wijk=Nergensdorp",
        "--output",
        out,
    )
    if code == 0:
        assert len(read_table(out)) == 0 or overview == "cooccurrence"
    else:
        assert_error(code, err)


def test_patterns_cooccurrence_code_narrows_rows(capsys, demo, tmp_path):
    full, one = tmp_path / "all.csv", tmp_path / "one.csv"
    assert run(capsys, "patterns", "cooccurrence", "--project", demo, "--output", full)[0] == 0
    assert (
        run(
            capsys,
            "patterns",
            "cooccurrence",
            "--project",
            demo,
            "--code",
            "schaamte",
            "--output",
            one,
        )[0]
        == 0
    )
    assert 1 == len(read_table(one)) < len(read_table(full))


def test_patterns_quotes_are_fragments_of_the_code(capsys, demo, tmp_path):
    out = tmp_path / "q.csv"
    assert (
        run(capsys, "patterns", "quotes", "--project", demo, "--code", "schaamte", "--output", out)[
            0
        ]
        == 0
    )
    table = read_table(out)
    demo_quotes = [
        json.loads(line)
        for line in (DEMO / "codings.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    expected = {q["quote"] for q in demo_quotes if q["code"] == "schaamte"}
    texts = " ".join(table["text"].astype(str))
    assert sum(quote in texts for quote in expected) >= len(expected) * 0.9


def test_patterns_cascades_follow_life_story_order(capsys, demo, tmp_path):
    out = tmp_path / "c.csv"
    assert run(capsys, "patterns", "cascades", "--project", demo, "--output", out)[0] == 0
    events = read_table(out)
    assert events["code"].str.startswith("verlies").all()
    for _, steps in events.groupby("respondent"):
        assert list(steps["step"]) == sorted(steps["step"])


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["matrix", "--output", "{tmp}/m.pdf"], "m.pdf"),
        (["matrix", "--code", "bestaat-niet", "--output", "{tmp}/m.csv"], "bestaat-niet"),
        (["quotes", "--code", "bestaat-niet", "--output", "{tmp}/m.csv"], "bestaat-niet"),
        (["cascades", "--code", "bestaat-niet", "--output", "{tmp}/m.csv"], "bestaat-niet"),
        (["matrix", "--filter", "geslacht", "--output", "{tmp}/m.csv"], "geslacht"),
        (["matrix", "--filter", "kleur=rood", "--output", "{tmp}/m.csv"], "kleur"),
    ],
)
def test_patterns_bad_input_is_refused(capsys, demo, tmp_path, argv, expected):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, _, err = run(capsys, "patterns", argv[0], "--project", demo, *argv[1:])
    assert_error(code, err)
    assert expected in err
    assert not list(tmp_path.glob("m.*"))


# ---------------------------------------------------------------------------------------------
# workbench agreement --project PATH [--coders a,b,...] [--unit segment|turn|document]
#   [--all-documents] [--json] (issue 7)


def agreement_json(capsys, *argv) -> dict:
    code, out, err = run(capsys, "agreement", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def check_agreement_shape(report: dict, unit: str) -> None:
    # issue 13: every report says what it covers (scope) and how its interval was drawn
    assert set(report) == {
        *("unit", "coders", "n_units", "codes", "overall", "scope", "interval"),
        "blind_left_out",  # what the blind review leaves out: nothing, as nobody codes blind
        "codes_not_given",  # the codebook's codes nobody gave on these units: not in the table
    }
    assert report["blind_left_out"] == {"n_units": 0, "n_differ": 0}
    assert not set(report["codes_not_given"]) & set(report["codes"])
    assert report["unit"] == unit and report["coders"] == ["anna", "bram"]
    assert report["n_units"] > 0 and report["codes"]
    assert report["scope"]["n_units"] == report["n_units"] <= report["scope"]["n_units_total"]
    assert report["interval"]["resampled"] in {"codings", "documents"}
    for name, figures in report["codes"].items():
        assert set(figures) == MEASURES | {"verdict", "n_differ"}, name
        assert name in CODE_NAMES  # code names as the user sees them, not slugs
        assert 0 <= figures["percent"] <= 1 and 0 < figures["n_units"] <= report["n_units"]
        assert 0 <= figures["n_differ"] <= figures["n_units"]
        assert len(figures["alpha_ci"]) == 2
        if figures["kappa"] is not None:
            assert -1 <= figures["kappa"] <= 1
    assert MEASURES <= set(report["overall"])
    assert report["overall"]["alpha"] is not None and -1 <= report["overall"]["alpha"] <= 1


def test_agreement_json_shape_on_demo(capsys, demo):
    report = agreement_json(capsys, "--project", demo, "--coders", "anna,bram")
    check_agreement_shape(report, "segment")
    assert "Verlies van woning" in report["codes"]  # verlies-woning by its name
    lo, hi = report["overall"]["alpha_ci"]
    assert lo <= report["overall"]["alpha"] <= hi


def test_agreement_without_coders_compares_every_human_coder(capsys, demo):
    report = agreement_json(capsys, "--project", demo)
    assert report["coders"] == ["anna", "bram"]
    assert report == agreement_json(capsys, "--project", demo, "--coders", "anna,bram")


@pytest.mark.parametrize("unit", ["turn", "document"])
def test_agreement_units(capsys, demo, unit):
    report = agreement_json(capsys, "--project", demo, "--coders", "anna,bram", "--unit", unit)
    check_agreement_shape(report, unit)
    segments = agreement_json(capsys, "--project", demo, "--coders", "anna,bram")
    assert report["n_units"] < segments["n_units"]


def test_agreement_all_documents_widens_the_scope(capsys, demo_copy, tmp_path):
    source = tmp_path / "extra.txt"
    source.write_text(
        "Fictief.\n\nI: Hoe gaat het?\nR: Goed hoor, ik wandel veel.\n", encoding="utf-8"
    )
    assert run(capsys, "import", source, "--project", demo_copy)[0] == 0
    scoped = agreement_json(capsys, "--project", demo_copy, "--unit", "document")
    widened = agreement_json(
        capsys, "--project", demo_copy, "--unit", "document", "--all-documents"
    )
    assert widened["n_units"] == scoped["n_units"] + 1


def test_agreement_text_output_prints_the_same_alpha(capsys, demo):
    report = agreement_json(capsys, "--project", demo)
    code, out, _ = run(capsys, "agreement", "--project", demo)
    assert code == 0
    assert f"{report['overall']['alpha']:.3f}" in out


@pytest.mark.parametrize(
    "coders, expected",
    [
        ("anna,niemand", "niemand"),
        ("anna", "anna"),
        (",", ","),
    ],
)
def test_agreement_bad_coders_are_refused(capsys, demo, coders, expected):
    code, _, err = run(capsys, "agreement", "--project", demo, "--coders", coders, "--json")
    assert_error(code, err)
    assert expected in err


# ---------------------------------------------------------------------------------------------
# workbench export / import .qdpx / codebook import / codebook export (issue 8)


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("export")
    files = {}
    for fmt in ("qdpx", "qdc", "csv", "xlsx"):
        files[fmt] = folder / f"demo.{fmt}"
        assert (
            main(["export", "--project", str(demo), "--format", fmt, "--output", str(files[fmt])])
            == 0
        )
    return files


def test_export_csv_and_xlsx_have_one_row_per_accepted_coding(demo, exported):
    accepted = count(demo, "SELECT count(*) FROM codings WHERE status = 'accepted'")
    table = pd.read_csv(exported["csv"])
    assert len(table) == accepted == len(pd.read_excel(exported["xlsx"]))
    assert {"document", "respondent", "start_char", "end_char", "text", "code", "coder"} <= set(
        table.columns
    )
    assert set(table["coder"]) == {"anna", "bram"}
    assert set(table["code"]) <= CODE_IDS


def test_export_qdpx_and_qdc_are_refi_files(exported):
    with zipfile.ZipFile(exported["qdpx"]) as z:
        names = z.namelist()
    assert "project.qde" in names
    assert sum(n.lower().startswith("sources/") for n in names) == 10
    qdc = exported["qdc"].read_text(encoding="utf-8")
    assert "<CodeBook" in qdc and "Verlieservaring" in qdc


def test_export_writes_a_dataloss_report_next_to_the_file(exported):
    for path in exported.values():
        assert path.with_name(path.name + ".dataloss.txt").is_file()


def test_qdpx_round_trip_into_new_project(capsys, demo, exported, tmp_path):
    project = tmp_path / "terug.db"
    code, out, _ = run(capsys, "import", exported["qdpx"], "--project", project)
    assert code == 0, out
    for table in ("documents", "codings", "respondents", "attributes", "attribute_values"):
        sql = f"SELECT count(*) FROM {table}"
        assert count(project, sql) == count(demo, sql), table
    sql = (
        "SELECT k.slug, k.name, c.coder, d.name, c.end_char - c.start_char FROM codings c "
        "JOIN codes k ON k.id = c.code_id JOIN documents d ON d.id = c.document_id "
        "ORDER BY 1, 2, 3, 4, 5"
    )
    with sqlite3.connect(project) as new, sqlite3.connect(demo) as old:
        assert new.execute(sql).fetchall() == old.execute(sql).fetchall()
    report = agreement_json(capsys, "--project", project)
    assert report["coders"] == ["anna", "bram"]
    # the code ids survive, so the id-based commands work on the imported project
    out = tmp_path / "cascades.csv"
    assert (
        run(
            capsys,
            "patterns",
            "cascades",
            "--project",
            project,
            "--code",
            "verlies-dierbare",
            "--output",
            out,
        )[0]
        == 0
    )
    assert len(read_table(out)) > 0


@pytest.mark.parametrize("fmt", ["qdc", "yaml", "md", "docx"])
def test_codebook_export_formats(capsys, demo, tmp_path, fmt):
    out = tmp_path / f"codeboek.{fmt}"
    code, _, err = run(
        capsys, "codebook", "export", "--project", demo, "--format", fmt, "--output", out
    )
    assert code == 0, err
    if fmt == "yaml":
        assert {
            c["id"] for c in yaml.safe_load(out.read_text(encoding="utf-8"))["codes"]
        } == CODE_IDS
    elif fmt == "docx":
        assert "Verlieservaring" in "\n".join(p.text for p in docx.Document(out).paragraphs)
    else:
        assert "Verlieservaring" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["qdc", "yaml"])
def test_codebook_import_into_new_project(capsys, demo, tmp_path, fmt):
    book = tmp_path / f"codeboek.{fmt}"
    assert (
        run(capsys, "codebook", "export", "--project", demo, "--format", fmt, "--output", book)[0]
        == 0
    )
    project = tmp_path / "leeg.db"
    code, _, err = run(capsys, "codebook", "import", book, "--project", project)
    assert code == 0, err
    with sqlite3.connect(project) as con:
        assert {r[0] for r in con.execute("SELECT slug FROM codes")} == CODE_IDS


def test_codebook_import_of_shipped_yaml(capsys, tmp_path):
    project = tmp_path / "p.db"
    code, _, _ = run(
        capsys,
        "codebook",
        "import",
        REPO / "codebooks" / "sociale-kwaliteit.yaml",
        "--project",
        project,
    )
    assert code == 0
    assert count(project, "SELECT count(*) FROM codes WHERE slug = 'sociale-cohesie'") == 1


@pytest.mark.parametrize(
    "name, content",
    [
        ("codeboek.txt", "geen codeboek"),
        ("codeboek.qdc", "<CodeBook><Codes><Code"),
        ("codeboek.yaml", "codes: [kapot"),
    ],
)
def test_codebook_import_bad_file_is_refused(capsys, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "codebook", "import", path, "--project", tmp_path / "p.db")
    assert_error(code, err)
    assert name in err


def test_export_bad_format_is_refused(capsys, demo, tmp_path):
    code, _, err = run(capsys, "export", "--project", demo, "--output", tmp_path / "x.pdf")
    assert_error(code, err)
    assert not (tmp_path / "x.pdf").exists()


def test_import_bad_qdpx_is_refused_and_others_import(capsys, tmp_path):
    bad = tmp_path / "kapot.qdpx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    project = tmp_path / "p.db"
    code, out, err = run(
        capsys, "import", bad, DEMO / "R01-gerda-spoorzicht.txt", "--project", project
    )
    assert code == 1 and "kapot.qdpx" in out and "Traceback" not in out + err
    assert count(project, "SELECT count(*) FROM documents") == 1


# ---------------------------------------------------------------------------------------------
# workbench backup / restore / pseudonymise (issue 9)


def test_backup_then_restore_into_new_path(capsys, demo, tmp_path):
    copy = tmp_path / "kopie" / "demo.bak"
    assert run(capsys, "backup", "--project", demo, "--output", copy)[0] == 0
    restored = tmp_path / "terug.db"
    code, out, _ = run(capsys, "restore", copy, "--project", restored)
    assert code == 0 and str(restored) in out
    for table in ("documents", "segments", "codings", "respondents", "codes"):
        sql = f"SELECT count(*) FROM {table}"
        assert count(restored, sql) == count(demo, sql), table
    with sqlite3.connect(restored) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_over_existing_project_keeps_the_old_one(capsys, demo, demo_copy, tmp_path):
    copy = tmp_path / "demo.bak"
    assert run(capsys, "backup", "--project", demo, "--output", copy)[0] == 0
    code, _, _ = run(capsys, "restore", copy, "--project", demo_copy)
    assert code == 0
    assert list(tmp_path.glob("copy.db.*.bak"))


@pytest.mark.parametrize("content", [None, b"geen database", b""])
def test_restore_bad_backup_is_refused(capsys, tmp_path, content):
    backup = tmp_path / "demo.bak"
    if content is not None:
        backup.write_bytes(content)
    code, _, err = run(capsys, "restore", backup, "--project", tmp_path / "p.db")
    assert_error(code, err)
    assert "demo.bak" in err


def test_pseudonymise_lists_candidates(capsys, demo_copy):
    code, out, _ = run(capsys, "pseudonymise", "--project", demo_copy, "--json")
    found = json.loads(out)
    assert code == 0
    names = {c["original"] for c in found}
    assert "Yonas" in names  # the respondent of R03
    assert all(c["status"] == "new" for c in found)


def test_pseudonymise_review_applies_accepted_names(capsys, demo_copy, monkeypatch, tmp_path):
    before = tmp_path / "voor.csv"
    assert run(capsys, "export", "--project", demo_copy, "--output", before)[0] == 0
    texts = " ".join(pd.read_csv(before)["text"].astype(str))
    found = json.loads(run(capsys, "pseudonymise", "--project", demo_copy, "--json")[1])
    index, name = next((i, c["original"]) for i, c in enumerate(found) if c["original"] in texts)
    # --review asks about each new candidate in list order: Enter skips, j accepts
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" * index + "j\n"))
    code, out, _ = run(capsys, "pseudonymise", "--project", demo_copy, "--review", "--json")
    assert code == 0
    after = {c["original"]: c for c in json.loads(out)}
    assert after[name]["status"] == "accepted" and after[name]["replacement"]
    assert sum(c["status"] == "accepted" for c in after.values()) == 1
    assert list(demo_copy.parent.glob("*.key.json"))
    export = tmp_path / "na.csv"
    code, _, err = run(capsys, "export", "--project", demo_copy, "--output", export)
    assert_error(code, err)  # the names nobody decided on yet stop a pseudonymised export
    assert "nobody decided on" in err and not export.exists()
    rest = [str(n) for n, c in enumerate(json.loads(out), start=1) if c["status"] == "new"]
    assert run(capsys, "pseudonymise", "--project", demo_copy, "--reject", ",".join(rest))[0] == 0
    assert run(capsys, "export", "--project", demo_copy, "--output", export)[0] == 0
    texts = " ".join(pd.read_csv(export)["text"].astype(str))
    assert name not in texts and after[name]["replacement"] in texts


# ---------------------------------------------------------------------------------------------
# Any command: a project that does not exist, an output that cannot be written


MISSING_PROJECT = [
    ["evaluate"],
    ["agreement", "--json"],
    ["pseudonymise"],
    ["export", "--format", "csv", "--output", "{tmp}/x.csv"],
    ["codebook", "export", "--format", "yaml", "--output", "{tmp}/x.yaml"],
    ["backup", "--output", "{tmp}/x.bak"],
    ["patterns", "matrix", "--output", "{tmp}/x.csv"],
    ["suggest"],
]


@pytest.mark.parametrize("argv", MISSING_PROJECT, ids=lambda a: " ".join(a[:2]))
def test_missing_project_is_an_error_and_not_created(capsys, tmp_path, argv):
    project = tmp_path / "bestaat-niet.db"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, _, err = run(capsys, *argv, "--project", project)
    assert_error(code, err)
    assert "bestaat-niet.db" in err
    assert not project.exists() and not list(tmp_path.glob("x.*"))


def test_missing_project_message_is_dutch_by_default(capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", "--project", tmp_path / "p.db", lang="nl")
    assert_error(code, err, "nl")
    assert "bestaat niet" in err


def test_the_refusal_prefix_follows_the_language(tmp_path, monkeypatch):
    """The command's own refusal line: "Fout:" in Dutch (the default), "Error:" in
    English (by --lang or $WORKBENCH_LANG); never a Dutch sentence behind "Error:"."""
    import subprocess
    import sys

    monkeypatch.delenv("WORKBENCH_LANG", raising=False)
    for extra, env, prefix, words in (
        ([], {}, "Fout: ", "bestaat niet"),
        (["--lang", "en"], {}, "Error: ", "does not exist"),
        ([], {"WORKBENCH_LANG": "en"}, "Error: ", "does not exist"),
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "workbench",
                *extra,
                "evaluate",
                "--project",
                tmp_path / "weg.db",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
            cwd=Path(__file__).resolve().parents[1],  # this checkout's package, not another
        )
        assert done.returncode == 1
        assert done.stderr.startswith(prefix) and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--format", "csv", "--output", "{out}.csv"],
        ["backup", "--output", "{out}.bak"],
        ["codebook", "export", "--format", "md", "--output", "{out}.md"],
        ["patterns", "matrix", "--output", "{out}.csv"],
    ],
    ids=lambda a: a[0],
)
def test_output_in_unwritable_place_is_an_error(capsys, demo, tmp_path, argv):
    blocker = tmp_path / "bestand"
    blocker.write_text("een bestand, geen map", encoding="utf-8")
    argv = [a.replace("{out}", str(blocker / "uit")) for a in argv]
    code, _, err = run(capsys, *argv, "--project", demo)
    assert_error(code, err)


def test_not_a_project_file_is_refused(capsys, tmp_path):
    fake = tmp_path / "project.db"
    shutil.copy(DEMO / "respondents.csv", fake)
    code, _, err = run(capsys, "info", "--project", fake)
    assert_error(code, err)
    assert "project.db" in err


def test_damaged_project_file_is_an_error(capsys, demo, tmp_path):
    damaged = tmp_path / "kapot.db"
    damaged.write_bytes(demo.read_bytes()[:5000])  # a valid header, the rest cut off
    for argv in (["info"], ["agreement", "--json"], ["export", "--output", tmp_path / "x.csv"]):
        code, _, err = run(capsys, *argv, "--project", damaged)
        assert_error(code, err)
        assert "kapot.db" in err


def test_backup_onto_the_project_itself_is_refused(capsys, demo_copy):
    before = demo_copy.read_bytes()
    code, _, err = run(capsys, "backup", "--project", demo_copy, "--output", demo_copy)
    assert_error(code, err)
    assert count(demo_copy, "PRAGMA integrity_check") == "ok"
    assert len(demo_copy.read_bytes()) >= len(before) - 4096 * 4


@pytest.mark.parametrize(
    "argv",
    [
        ["agreement", "--unit", "paragraph"],
        ["patterns", "taart"],
        ["export", "--format", "pdf"],
        ["suggest", "--bogus"],
    ],
    ids=lambda a: " ".join(a),
)
def test_wrong_option_prints_error_line_and_usage(capsys, demo, argv):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--project", str(demo)])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith("gebruik: workbench") and "\nFout: workbench" in err


def test_installed_workbench_command_runs_a_contract(tmp_path):
    """The console script itself (not only main()): what an outside evaluator calls."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "workbench"
    assert script.is_file(), "the package is not installed with its 'workbench' script"
    done = subprocess.run(
        [
            str(script),
            "--lang",
            "en",
            "export",
            "--project",
            str(tmp_path / "weg.db"),
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and "weg.db" in done.stderr
    assert "Traceback" not in done.stderr


def test_lang_is_taken_after_the_command_too(demo, capsys):
    """``workbench info --project P --lang en`` was refused as an unknown argument; every
    command (and subcommand) takes it, and the output is in that language."""
    code = main(["info", "--project", str(demo), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "documents: 10" in out.out and "Project:" in out.out
    code = main(["codebook", "list", "--project", str(demo), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 0, out.err
    # the default stays Dutch when it is not given, before or after
    code = main(["history", "--project", str(demo), "--document", "1", "--limit", "1"])
    assert code == 0 and "Wanneer" in capsys.readouterr().out
    code = main(
        ["history", "--project", str(demo), "--document", "1", "--limit", "1", "--lang", "en"]
    )
    assert code == 0 and "When" in capsys.readouterr().out
