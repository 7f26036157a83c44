"""Exports to CSV and XLSX: text that looks like a formula stays text, numbers stay numbers.

A fictional transcript line starts with "=HYPERLINK(...)": openpyxl stored it as a formula
(Excel showed a link; pandas read the quote back as empty) and the CSV carried it as Excel
would run it.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

import workbench
from workbench.cli import main
from workbench.codings import add_coding
from workbench.exchange import export_codings_table
from workbench.imports import import_files
from workbench.projects import create_project
from workbench.respondents import define_attribute, set_value

ME = "onderzoeker"
FORMULA = '=HYPERLINK("http://voorbeeld.invalid","klik") zei de buurvrouw.'
TRANSCRIPT = f"Fictief interview, voor tests geschreven.\n\nI: Wat zei ze?\n\nR: {FORMULA}\n"


@pytest.fixture
def project_file(tmp_path, nlp):
    (tmp_path / "formule.txt").write_text(TRANSCRIPT, encoding="utf-8")
    path = tmp_path / "p.db"
    create_project(path).close()
    with workbench.open_project(path, user=ME) as project:
        import_files(project, [tmp_path / "formule.txt"], respondent="R01", nlp=nlp)
        define_attribute(project, "leeftijd", "number")
        set_value(project, "R01", "leeftijd", 74.5)
        start = TRANSCRIPT.index(FORMULA)
        document = project.db.execute("SELECT id FROM documents").fetchone()[0]
        add_coding(
            project,
            code="isolement",
            document_id=document,
            start_char=start,
            end_char=start + len(FORMULA),
        )
    return path


def _cells(path):
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_codings_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers(
    project_file, tmp_path
):
    out = tmp_path / "codings.xlsx"
    with workbench.open_project(project_file, user=ME) as project:
        export_codings_table(project, out, pseudonymise=False)
    assert not [c.coordinate for c in _cells(out) if c.data_type == "f"]
    frame = pd.read_excel(out)
    assert frame["text"].tolist() == [FORMULA]
    assert frame["leeftijd"].tolist() == [74.5]


def test_codings_csv_puts_an_apostrophe_before_formula_like_text(project_file, tmp_path):
    out = tmp_path / "codings.csv"
    with workbench.open_project(project_file, user=ME) as project:
        export_codings_table(project, out, pseudonymise=False)
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert frame["text"].tolist() == ["'" + FORMULA]
    assert frame["leeftijd"].tolist() == [74.5]


def test_pattern_quotes_in_xlsx_and_csv_are_safe(project_file, tmp_path):
    xlsx, csv = tmp_path / "quotes.xlsx", tmp_path / "quotes.csv"
    for out in (xlsx, csv):
        args = ["patterns", "quotes", "--project", str(project_file), "--user", ME]
        assert main([*args, "--code", "isolement", "--output", str(out)]) == 0
    assert not [c.coordinate for c in _cells(xlsx) if c.data_type == "f"]
    quotes = pd.read_excel(xlsx)
    assert FORMULA in quotes["text"].tolist()
    assert quotes["leeftijd"].tolist() == [74.5]
    assert "'" + FORMULA in pd.read_csv(csv, comment="#", encoding="utf-8-sig")["text"].tolist()
