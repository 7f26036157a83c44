"""`workbench patterns ...` exports, read back: values and the filters written in."""

from __future__ import annotations

import pandas as pd
import pytest
from test_patterns import build_project

from workbench.cli import main
from workbench.handle import Project
from workbench.patterns import read_csv_export


@pytest.fixture
def project(db, project_path):
    build_project(db)
    return project_path


def test_matrix_csv_holds_counts_and_the_filters(project, tmp_path, capsys):
    out = tmp_path / "matrix.csv"
    assert (
        main(
            [
                "patterns",
                "matrix",
                "--project",
                str(project),
                "--filter",
                "geslacht=vrouw",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    table, about = read_csv_export(out)
    assert table["respondent"].tolist() == ["R01", "R02"]
    assert table.set_index("respondent").loc["R02", "Verlies werk"] == 1  # the code's name
    assert about["filter"] == ["geslacht=vrouw"] and about["status"] == ["accepted"]
    assert "2" in capsys.readouterr().out


def test_matrix_xlsx_has_a_filters_sheet_and_the_quotes(project, tmp_path):
    out = tmp_path / "matrix.xlsx"
    assert (
        main(
            [
                "patterns",
                "matrix",
                "--project",
                str(project),
                "--filter",
                "wijk=Noord",
                "--coder",
                "bram",
                "--code",
                "verlies-woning",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["matrix", "citaten", "filters"]
    matrix = sheets["matrix"].set_index("respondent")
    assert matrix["Verlies woning"].to_dict() == {"R01": 0, "R03": 2}
    settings = dict(sheets["filters"].values.tolist())
    assert settings["filter"] == "wijk=Noord" and settings["coders"] == "bram"
    assert settings["code"] == "verlies-woning"
    assert sheets["citaten"]["fragments"].tolist() == [2]


def test_cooccurrence_export_per_scope(project, tmp_path):
    out = tmp_path / "co.csv"
    assert (
        main(
            [
                "patterns",
                "cooccurrence",
                "--project",
                str(project),
                "--scope",
                "window",
                "--window",
                "2",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    table, about = read_csv_export(out)
    table = table.set_index("code")  # rows: the code's id and name; columns: names
    assert table.loc["verlies-dierbare", "Verlies woning"] == 2
    assert table.loc["verlies-dierbare", "name"] == "Verlies dierbare"
    assert "Verlies woning = verlies-woning" in about["column"]
    assert about["scope"] == ["window"] and about["window"] == ["2"]


def _story(path) -> None:
    """R02's losses as events, dierbare (1985) -> werk (1990) confirmed."""
    from test_patterns_cascades import coding

    from workbench import life_events
    from workbench.store import open_project

    db = open_project(path)
    db.segments = {
        "R02": [
            r[0]
            for r in db.execute(
                "SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id "
                "WHERE d.name = 'interview-R02' ORDER BY s.position"
            )
        ]
    }
    werk, dierbare = (
        life_events.create_event(
            Project.for_user(db, "onderzoeker"), [coding(db, "R02", pos, code)]
        )
        for pos, code in ((1, "verlies-werk"), (2, "verlies-dierbare"))
    )
    life_events.link(Project.for_user(db, "onderzoeker"), dierbare, werk)
    db.close()


def test_cascades_xlsx_holds_one_row_per_event_and_link_and_every_table(project, tmp_path):
    _story(project)
    out = tmp_path / "cascades.xlsx"
    assert main(["patterns", "cascades", "--project", str(project), "--output", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, keep_default_na=False)
    assert list(sheets)[:3] == ["rows", "events", "reactions"] and "filters" in sheets
    rows = sheets["rows"].query("respondent == 'R02' and status == 'confirmed'")
    assert rows["row"].tolist() == ["event", "link", "event"]
    assert rows.loc[rows["row"] == "event", "code"].tolist() == ["verlies-dierbare", "verlies-werk"]
    assert rows.loc[rows["row"] == "link", "confirmed"].tolist() == ["yes"]
    moves = sheets["transitions"].set_index(["from", "to"])
    assert moves.loc[("verlies-dierbare", "verlies-werk"), "confirmed"] == 1
    assert sheets["chains"]["length"].tolist() == [2]


def test_cascades_csv_table_choice_and_propose(project, tmp_path, capsys):
    out = tmp_path / "lengths.csv"
    assert (
        main(
            [
                "patterns",
                "cascades",
                "--project",
                str(project),
                "--table",
                "lengths",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    table, about = read_csv_export(out)
    assert table.set_index("respondent")["length"].to_dict() == {
        "R01": 0,
        "R02": 0,
        "R03": 0,
        "R04": 0,
    }
    assert about["table"] == ["cascades:lengths"] and about["include_proposed"] == ["no"]
    assert about["proposals"] == ["yes"]
    assert (
        main(
            [
                "patterns",
                "cascades",
                "--project",
                str(project),
                "--propose",
                "--include-proposed",
                "--table",
                "chains",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert "Voorgesteld" in capsys.readouterr().out
    table, about = read_csv_export(out)
    assert table["respondent"].tolist() == ["R02"] and about["include_proposed"] == ["yes"]


def test_quotes_and_not_export(project, tmp_path):
    out = tmp_path / "quotes.csv"
    assert (
        main(
            [
                "patterns",
                "quotes",
                "--project",
                str(project),
                "--code",
                "isolement",
                "--not",
                "verlies-dierbare",
                "--scope",
                "window",
                "--window",
                "3",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    table, about = read_csv_export(out)
    assert table["respondent"].tolist() == ["R01"]
    assert about["not"] == ["verlies-dierbare"] and about["window"] == ["3"]
    out = tmp_path / "quotes.xlsx"
    assert (
        main(
            [
                "patterns",
                "quotes",
                "--project",
                str(project),
                "--code",
                "isolement",
                "--and",
                "verlies-woning",
                "--scope",
                "turn",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    quotes = pd.read_excel(out, sheet_name="quotes")
    assert quotes["respondent"].tolist() == ["R01", "R02", "R03"]
    assert quotes["geslacht"].tolist() == ["vrouw", "vrouw", "man"]


def test_frequencies_export(project, tmp_path):
    out = tmp_path / "freq.csv"
    assert (
        main(
            [
                "patterns",
                "frequencies",
                "--project",
                str(project),
                "--by",
                "geslacht",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    table, _ = read_csv_export(out)
    row = table.query("group == 'man' and code == 'isolement'")
    assert row["share"].item() == 0.5


def test_bad_input_prints_an_error(project, tmp_path, capsys):
    assert (
        main(
            [
                "patterns",
                "matrix",
                "--project",
                str(project),
                "--filter",
                "leeftijd=70",
                "--output",
                str(tmp_path / "m.csv"),
            ]
        )
        == 1
    )
    assert "leeftijd" in capsys.readouterr().err
    assert (
        main(["patterns", "matrix", "--project", str(project), "--output", str(tmp_path / "m.txt")])
        == 1
    )
    assert (
        main(
            [
                "patterns",
                "matrix",
                "--project",
                str(tmp_path / "missing.db"),
                "--output",
                str(tmp_path / "m.csv"),
            ]
        )
        == 1
    )
    assert not (tmp_path / "missing.db").exists()


def test_unknown_coder_empty_filter_value_and_unknown_table_are_refused(tmp_path, capsys):
    from workbench.cli import main
    from workbench.projects import create_project

    create_project(tmp_path / "p.db").close()
    base = ["patterns", "--project", str(tmp_path / "p.db")]
    out = str(tmp_path / "x.csv")
    assert main([*base[:1], "matrix", *base[1:], "--coder", "niemand", "--output", out]) == 1
    assert main([*base[:1], "matrix", *base[1:], "--filter", "geslacht=", "--output", out]) == 1
    with pytest.raises(SystemExit):
        main([*base[:1], "cascades", *base[1:], "--table", "nonsense", "--output", out])
    assert "niemand" in capsys.readouterr().err


def test_frequencies_name_their_groups_in_the_chosen_language(project, tmp_path):
    out = tmp_path / "freq.csv"
    args = ["patterns", "frequencies", "--project", str(project), "--output", str(out)]
    assert main(["--lang", "en", *args]) == 0
    assert set(read_csv_export(out)[0]["group"]) == {"all"}
    assert main(args) == 0
    assert set(read_csv_export(out)[0]["group"]) == {"alle"}


@pytest.mark.parametrize(
    "command, extra, unit",
    [
        ("matrix", [], "fragments per respondent and code (a fragment: one coded place"),
        ("cooccurrence", [], "pairs of fragments"),
        ("frequencies", ["--by", "geslacht"], "share: respondents / group_size"),
        ("cascades", [], "life events, not codings"),
        ("quotes", ["--code", "schaamte"], "one row per fragment"),
    ],
)
def test_every_file_says_what_its_numbers_count(project, tmp_path, command, extra, unit):
    """A file read away from the page says its unit: fragments (overlapping spans once),
    pairs of fragments, people and the denominator of a share, or life events."""
    out = tmp_path / f"{command}.csv"
    args = ["patterns", command, "--project", str(project), *extra, "--output", str(out)]
    assert main(args) == 0
    table, about = read_csv_export(out)
    assert len(about["counts"]) == 1 and unit in about["counts"][0]
    if command == "matrix":  # R01's two coders on one span of verlies-dierbare: one fragment
        assert table.set_index("respondent").loc["R01", "Verlies dierbare"] == 1
