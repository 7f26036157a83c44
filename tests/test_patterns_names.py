"""Overviews show a code by its current name; files keep the id next to it (a tester renamed
a code with `workbench codebook rename` and the matrix, frequencies and CSV still showed
the id).

The small project of tests/test_patterns.py; the rename goes through the real CLI.
"""

from __future__ import annotations

import pytest
from test_patterns import build_project
from test_patterns_cascades import english_names

from workbench.cli import main
from workbench.handle import Project
from workbench.patterns import (
    code_frequencies,
    cooccurrence,
    cooccurrence_fragments,
    cooccurrence_pairs,
    framework_cells,
    framework_matrix,
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


def _export(project_path, tmp_path, overview: str, *extra: str, lang: str = "nl"):
    out = tmp_path / f"{overview}.csv"
    args = ["--lang", lang, "patterns", overview, "--project", str(project_path), *extra]
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


@pytest.fixture
def english(db):
    """The test project with English names for verlies-dierbare, verlies-werk and
    isolement (verlies-woning has only its Dutch name)."""
    build_project(db)
    english_names(db)
    return Project.for_user(db, "onderzoeker")


def test_name_columns_follow_the_language_and_ids_stay(english):
    from workbench.patterns.fragments import named_columns

    cells = framework_cells(english, lang="en").drop_duplicates("code").set_index("code")
    assert cells.loc["isolement", "name"] == "Isolation"
    assert cells.loc["verlies-woning", "name"] == "Verlies woning"  # no English name: Dutch
    assert set(framework_cells(english)["name"]) >= {"Isolement", "Verlies dierbare"}
    pairs = cooccurrence_pairs(english, scope="turn", lang="en").set_index(["code_a", "code_b"])
    assert tuple(pairs.loc[("verlies-woning", "isolement"), ["name_a", "name_b"]]) == (
        "Verlies woning",
        "Isolation",
    )
    where = cooccurrence_fragments(english, "verlies-woning", "isolement", "turn", lang="en")
    assert set(where["name_b"]) == {"Isolation"} and set(where["code_b"]) == {"isolement"}
    assert set(matrix_quotes(english, code="isolement", lang="en")["name"]) == {"Isolation"}
    table, settings = named_columns(english, framework_matrix(english), "en")
    assert {"Loss of a loved one", "Job loss", "Isolation", "Verlies woning"} <= set(table.columns)
    assert ("column", "Loss of a loved one = verlies-dierbare") in settings
    table, settings = named_columns(english, cooccurrence(english))
    assert "Verlies dierbare" in table.columns and "Loss of a loved one" not in table.columns


def test_english_matrix_cooccurrence_and_quote_files_from_the_cli(english, project_path, tmp_path):
    """``--lang en`` names the codes in English in every file, as the cascade files; the
    ids stay in ``code`` (``code_a``, ``code_b``) and in the ``column`` settings."""
    table, about = _export(project_path, tmp_path, "matrix", lang="en")
    assert table.set_index("respondent").loc["R02", "Isolation"] == 1
    assert "Isolation = isolement" in about["column"]
    table, about = _export(project_path, tmp_path, "cooccurrence", lang="en")
    assert table.set_index("code").loc["isolement", "name"] == "Isolation"
    assert "Isolation" in table.columns and "Job loss = verlies-werk" in about["column"]
    found, _ = _export(project_path, tmp_path, "quotes", "--code", "isolement", lang="en")
    assert set(zip(found["code"], found["name"])) == {("isolement", "Isolation")}
