"""``workbench patterns ... --coder-codes``: pattern exports name no coder.

The audit found that ``patterns quotes --pseudonymise`` still wrote the coders' user names
("anna,bram") in its ``coders`` column and its ``coders`` filter: pseudonymising replaces
the names of respondents, not of the team. ``export --coder-codes`` already names every
coder "[Codeur n]" (accounts in the order they were made); the pattern exports now offer
the same numbering. On a copy of the demo (fictional), pseudonymised as the docs say
(``workbench pseudonymise --accept all``), through the real CLI.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.cli import main
from workbench.patterns import read_csv_export
from workbench.store import open_project


@pytest.fixture(scope="module")
def demo(demo_project):
    assert main(["pseudonymise", "--project", str(demo_project), "--accept", "all"]) == 0
    db = open_project(demo_project)
    # the numbering written out here from its rule, not taken from the package
    users = db.execute("SELECT name FROM users ORDER BY created_at, name").fetchall()
    db.close()
    return demo_project, {name: f"[Codeur {n}]" for n, (name,) in enumerate(users, 1)}


def quotes(path, out, *extra: str) -> pd.DataFrame:
    args = ["patterns", "quotes", "--project", str(path), "--code", "schaamte"]
    assert main([*args, "--pseudonymise", "--output", str(out), *extra]) == 0
    return read_csv_export(out)


def test_quotes_name_coders_by_number_with_coder_codes(demo, tmp_path):
    path, numbers = demo
    named, _ = quotes(path, tmp_path / "named.csv")
    coded, about = quotes(path, tmp_path / "coded.csv", "--coder-codes")

    assert "anna,bram" in set(named["coders"])  # what the file said before
    expected = named["coders"].map(lambda v: ",".join(numbers[n] for n in v.split(",")))
    assert list(coded["coders"]) == list(expected)
    assert f"{numbers['anna']},{numbers['bram']}" in set(coded["coders"])
    pd.testing.assert_frame_equal(coded.drop(columns="coders"), named.drop(columns="coders"))
    text = (tmp_path / "coded.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r"\b(anna|bram)\b", text, re.IGNORECASE)
    assert about["pseudonymised"] == ["yes"]


def test_the_coders_filter_is_numbered_too(demo, tmp_path):
    path, numbers = demo
    out = tmp_path / "bram.xlsx"
    args = ["patterns", "quotes", "--project", str(path), "--code", "schaamte", "--coder", "bram"]
    assert main([*args, "--pseudonymise", "--coder-codes", "--output", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    filters = dict(zip(sheets["filters"]["name"], sheets["filters"]["value"]))
    assert filters["coders"] == numbers["bram"]
    assert set(sheets["quotes"]["coders"]) == {numbers["bram"]}
