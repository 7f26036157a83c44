"""``workbench agreement`` prints percent agreement as a percentage in the reader's language;
``--json`` keeps the fraction (a contract)."""

from __future__ import annotations

import json

import pytest

from test_consistency import build_project, code
from workbench.cli import main


@pytest.fixture
def coded(db):
    """Anna and bram agree on three of the four segments they both saw."""
    segments = next(iter(build_project(db).values()))
    code(db, "anna", "verlies", segments[0])
    code(db, "anna", "verlies", segments[1])
    code(db, "bram", "verlies", segments[0])


def agreement(capsys, project_path, lang: str, *options: str) -> str:
    run = ["agreement", "--project", str(project_path), "--coders", "anna,bram", "--user", "sanne"]
    assert main(["--lang", lang, *run, *options]) == 0
    return capsys.readouterr().out


def rows(out: str) -> dict[str, list[str]]:
    """The table's rows by their first cell, split on runs of two spaces or more."""
    lines = [line.split("  ") for line in out.splitlines() if "  " in line]
    return {cells[0]: [c.strip() for c in cells if c.strip()] for cells in lines}


def test_the_table_prints_a_percentage_and_json_keeps_the_fraction(db, coded, project_path, capsys):
    dutch = rows(agreement(capsys, project_path, "nl"))
    assert dutch["code"][5] == "procent" and dutch["Verlies"][5] == "75,0%"
    assert dutch["Alle codes samen"][5] == "75,0%"
    english = rows(agreement(capsys, project_path, "en"))
    assert english["code"][5] == "percent" and english["Verlies"][5] == "75.0%"
    report = json.loads(agreement(capsys, project_path, "nl", "--json"))
    assert report["codes"]["Verlies"]["percent"] == pytest.approx(0.75)  # the contract
    assert report["overall"]["percent"] == pytest.approx(0.75)
