"""Overviews show a code by its current name; files keep the id next to it (a tester renamed
a code with `workbench codebook rename` and the matrix, frequencies and CSV still showed
the id).

The small project of tests/test_patterns.py; the rename goes through the real CLI.
"""

from __future__ import annotations

import pytest
from test_patterns import build_project

from workbench.cli import main
from workbench.handle import Project
from workbench.patterns import (
    code_frequencies,
    cooccurrence_pairs,
    framework_cells,
    matrix_quotes,
    read_csv_export,
    respondent_profile,
)

NEW = "Alleen en buitengesloten"


@pytest.fixture
def renamed(db, project_path):
    build_project(db)
    args = ["codebook", "rename", "isolement", NEW, "--project", str(project_path)]
    assert main([*args, "--why", "Een duidelijker naam voor de groep."]) == 0
    return Project.for_user(db, "onderzoeker")


def test_tables_carry_the_current_name_next_to_the_id(renamed):
    freq = code_frequencies(renamed).set_index("code")
    assert freq.loc["isolement", "name"] == NEW
    cells = framework_cells(renamed)
    assert set(cells.loc[cells["code"] == "isolement", "name"]) == {NEW}
    pairs = cooccurrence_pairs(renamed, scope="turn").set_index(["code_a", "code_b"])
    assert pairs.loc[("verlies-woning", "isolement"), "name_b"] == NEW
    assert set(matrix_quotes(renamed, code="isolement")["name"]) == {NEW}
    assert NEW in set(respondent_profile(renamed, "R01").timeline["name"])


def test_two_codes_with_one_name_stay_apart(renamed):
    from workbench.patterns.fragments import code_names

    renamed.db.execute("UPDATE codes SET name = ? WHERE slug = 'schaamte'", [NEW])
    names = code_names(renamed)
    assert names["isolement"] == f"{NEW} (isolement)" and names["schaamte"] == f"{NEW} (schaamte)"


def _export(project_path, tmp_path, overview: str, *extra: str):
    out = tmp_path / f"{overview}.csv"
    args = ["patterns", overview, "--project", str(project_path), *extra]
    assert main([*args, "--output", str(out)]) == 0
    return read_csv_export(out)


def test_matrix_csv_is_headed_by_names_and_lists_each_column_id(renamed, project_path, tmp_path):
    table, about = _export(project_path, tmp_path, "matrix")
    assert NEW in table.columns and "isolement" not in table.columns
    assert table.set_index("respondent").loc["R02", NEW] == 1
    assert f"{NEW} = isolement" in about["column"]


def test_frequency_and_quote_csv_keep_id_and_name(renamed, project_path, tmp_path):
    freq, _ = _export(project_path, tmp_path, "frequencies")
    assert freq.set_index("code").loc["isolement", "name"] == NEW
    found, _ = _export(project_path, tmp_path, "quotes", "--code", "isolement")
    assert list(found.columns[found.columns.get_loc("code") :][:2]) == ["code", "name"]
    assert set(found["name"]) == {NEW} and set(found["code"]) == {"isolement"}
