"""The one table reader (workbench.tables) on real files: CSV in the encodings and with the
delimiters people save, XLSX, uploads as bytes, and the refusals with their messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from workbench.errors import InputError
from workbench.tables import FormulaWithoutValue, read_rows, read_sheet


def test_a_semicolon_csv_saved_by_dutch_excel_in_cp1252(tmp_path: Path):
    path = tmp_path / "respondenten.csv"
    path.write_bytes(
        "code;wijk;leeftijd\r\nR01;Spoorzicht;71\r\nR02;Ter Aa é;68\r\n".encode("cp1252")
    )
    name, rows = read_rows(path)
    assert name == "respondenten.csv"
    assert rows == [
        ["code", "wijk", "leeftijd"],
        ["R01", "Spoorzicht", "71"],
        ["R02", "Ter Aa é", "68"],
    ]


def test_a_tab_separated_upload_with_a_byte_order_mark():
    data = "\ufeffcode\tnotities\nR01\tkomma, in de tekst\n".encode("utf-8")
    assert read_rows(("lijst.csv", data)) == (
        "lijst.csv",
        [["code", "notities"], ["R01", "komma, in de tekst"]],
    )


def test_an_xlsx_gives_its_first_sheet_with_typed_values(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "leeftijd", "interview"])
    sheet.append(["R01", 71, dt.datetime(2024, 3, 1)])
    book.create_sheet("tweede").append(["niet", "dit"])
    path = tmp_path / "respondenten.xlsx"
    book.save(path)
    name, rows = read_rows(path)
    assert rows == [["code", "leeftijd", "interview"], ["R01", 71, dt.datetime(2024, 3, 1)]]


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("lijst.xls", b"\xd0\xcf\x11\xe0", "tables.unsupported"),
        ("lijst.ods", b"PK\x03\x04 not really a spreadsheet", "zip.damaged"),
        ("lijst.xlsx", b"PK\x03\x04 not really a spreadsheet", "zip.damaged"),
        ("lijst.csv", b"", "files.empty_file"),
        ("lijst.csv", b"code,x\x00\x00\x00\x01\x02", "files.binary_file"),
    ],
)
def test_bad_tables_are_refused_with_a_message(name, data, key):
    with pytest.raises(InputError) as caught:
        read_rows((name, data))
    assert caught.value.key == key
    assert name in caught.value.message("nl") and name in caught.value.message("en")


def test_an_ods_gives_its_first_sheet_with_typed_values_and_its_blank_rows(tmp_path: Path):
    """An .ods from LibreOffice was refused ("use a .csv or .xlsx file"). It reads as an
    XLSX does: numbers, dates and yes/no typed, an empty cell None, and a blank row kept,
    so the row numbers a message names are the spreadsheet's."""
    import pandas as pd

    rows = [
        ["code", "leeftijd", "vrijwilliger", "interview", "postcode"],
        [None] * 5,
        ["R01", 67.5, True, dt.datetime(2024, 3, 5, 14, 30), "0123"],
        ["R02", 70, False, None, "0456"],
    ]
    path = tmp_path / "respondenten.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(rows).to_excel(writer, sheet_name="Respondenten", header=False, index=False)
        pd.DataFrame([["uitleg"]]).to_excel(writer, sheet_name="Toelichting", header=False)
    sheet = read_sheet(path)
    assert (sheet.name, sheet.sheet, sheet.unread) == (
        "respondenten.ods",
        "Respondenten",
        ("Toelichting",),
    )
    assert sheet.rows == rows
    assert [type(v) for v in sheet.rows[2]] == [str, float, bool, dt.datetime, str]
    assert type(sheet.rows[3][1]) is int


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        read_rows(tmp_path / "weg.csv")
    assert caught.value.key == "files.not_found"


def test_a_workbook_names_its_sheets_and_marks_formulas_without_a_stored_result():
    """openpyxl gives a formula's stored result, and None when there is none (a file a
    script wrote); that None was an empty cell like any other."""
    import io
    import zipfile

    book = openpyxl.Workbook()
    book.active.title = "Respondenten"
    book.active.append(["code", "dubbel", "som"])
    book.active.append(["R01", "=1+1", "=2+2"])
    book.create_sheet("Toelichting")
    written = io.BytesIO()
    book.save(written)
    # as a spreadsheet program saves it: the result of C2 stored beside its formula
    data = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>2+2</f><v></v>", b"<f>2+2</f><v>4</v>")
            target.writestr(item, content)
    sheet = read_sheet(("lijst.xlsx", data.getvalue()))
    assert (sheet.sheet, sheet.unread) == ("Respondenten", ("Toelichting",))
    assert sheet.rows == [["code", "dubbel", "som"], ["R01", "", 4]]
    assert isinstance(sheet.rows[1][1], FormulaWithoutValue)
    assert read_sheet(("lijst.csv", b"code\nR01\n")).unread == ()
