"""Tables from outside: the one reader of CSV, XLSX and ODS files.

A table comes as a path or as ``(file name, bytes)`` (an upload). Its size is checked before
it is read (:mod:`workbench.limits`). CSV is decoded like every text file
(:func:`workbench.encoding.decode`: byte order marks, strict UTF-8, then the western
encodings) and its delimiter (``,`` ``;`` or tab) sniffed from the first 4 KB, falling back to
commas. XLSX (and .xlsm) is checked by the zip guard before openpyxl opens it, and its first
sheet is read with the values as Excel shows them (numbers, dates, text); an ODS
(LibreOffice, OpenOffice) passes the same zip guard and its first sheet is read the same way
(through pandas and odfpy, blank rows kept so row numbers match). Rows come back as
found, header included: what a row means is the caller's business. Every refusal is an
:class:`InputError` naming the file.

What the reader sees but cannot give is handed on, for the caller to say: the other sheets
of a workbook (:class:`Sheet`), and a formula whose result the file does not store (an XLSX
written by a script and never opened in a spreadsheet program), which comes back as
:class:`FormulaWithoutValue`: an empty text to whoever reads it as a value.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from workbench.encoding import decode
from workbench.errors import InputError
from workbench.limits import check_size, read_limited
from workbench.zipguard import open_zip

Source = Union[str, Path, tuple[str, bytes]]
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".ods")
DELIMITERS = ",;\t"
SNIFF_CHARS = 4096


class FormulaWithoutValue(str):
    """An XLSX cell with a formula but no stored result: it reads as empty text (as the cell
    it stands for has no value), and a caller that must say so can ask ``isinstance``."""

    def __new__(cls) -> FormulaWithoutValue:
        return super().__new__(cls, "")


@dataclass(frozen=True)
class Sheet:
    """A table as read: the file's name, its rows, and for a workbook the sheet read and
    the sheets that were not (only the first is read)."""

    name: str
    rows: list[list[Any]]
    sheet: str | None = None
    unread: tuple[str, ...] = ()


def cell_name(column: int, row: int) -> str:
    """A cell as a spreadsheet names it ("B1") from its column (0 for A) and row (from 1),
    so a message points at the cell the researcher opens."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row}"


def read_rows(source: Source) -> tuple[str, list[list[Any]]]:
    """(file name, rows) of a CSV, XLSX or ODS file; values as found (str, number, date,
    None)."""
    sheet = read_sheet(source)
    return sheet.name, sheet.rows


def read_sheet(source: Source) -> Sheet:
    """The first (or only) sheet of a CSV, XLSX or ODS file, with the sheets that were not
    read."""
    if isinstance(source, tuple):
        name, data = source
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError("files.not_found", file=str(path))
        name, data = path.name, read_limited(path)  # the size is checked before reading
    check_size(len(data), name=name)
    ext = Path(name).suffix.lower()
    if ext == ".csv":
        return Sheet(name, _read_csv(data, name))
    if ext in (".xlsx", ".xlsm"):
        return _read_xlsx(data, name)
    if ext == ".ods":
        return _read_ods(data, name)
    raise InputError("tables.unsupported", file=name, ext=ext or "-")


def _read_csv(data: bytes, name: str) -> list[list[Any]]:
    text = decode(data, name=name).text
    try:
        dialect = csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        # The sniffer wants the same number of cells in every row; one row with an extra
        # cell made a semicolon file one column of "R01;70;extra". The header line decides.
        dialect, delimiter = csv.excel, _header_delimiter(text)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), dialect, delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError("tables.bad_file", file=name, reason=str(exc)) from None


def _header_delimiter(text: str) -> str:
    """The delimiter the first line uses most (a comma when it uses none)."""
    first = text.split("\n", 1)[0]
    best = max(DELIMITERS, key=first.count)
    return best if first.count(best) else ","


def _read_xlsx(data: bytes, name: str) -> Sheet:
    """The first sheet's values as stored; read a second time for its formulas, since a
    formula's stored result is all openpyxl gives, and None when there is none."""
    import openpyxl  # loaded on the first spreadsheet only

    open_zip(data, name=name).close()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        titles = [sheet.title for sheet in book.worksheets]
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for cells, values in zip(book.worksheets[0].iter_rows(), rows):
            for index, cell in enumerate(cells[: len(values)]):
                if cell.data_type == "f" and values[index] is None:
                    values[index] = FormulaWithoutValue()
        book.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways on damaged files
        reason = (str(exc) or type(exc).__name__)[:200]
        raise InputError("tables.bad_file", file=name, reason=reason) from None
    return Sheet(name, rows, titles[0], tuple(titles[1:]))


def _read_ods(data: bytes, name: str) -> Sheet:
    """The first sheet of an OpenDocument spreadsheet, with values typed as in an XLSX: an
    empty cell None, a date a ``datetime``, a yes/no cell a ``bool``. LibreOffice stores
    every formula's result, so a formula reads as its value."""
    import pandas as pd  # loaded on the first spreadsheet only

    open_zip(data, name=name).close()
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="odf") as book:
            titles = [str(title) for title in book.sheet_names]
            frame = pd.read_excel(book, titles[0], header=None, dtype=object, na_filter=False)
    except Exception as exc:  # noqa: BLE001 - odfpy fails in many ways on damaged files
        reason = (str(exc) or type(exc).__name__)[:200]
        raise InputError("tables.bad_file", file=name, reason=reason) from None
    rows = [[_ods_value(v) for v in r] for r in frame.itertuples(index=False, name=None)]
    return Sheet(name, rows, titles[0], tuple(titles[1:]))


def _ods_value(value: Any) -> Any:
    """A cell as :func:`_read_xlsx` gives it: no empty text, no pandas timestamp."""
    if isinstance(value, str) and not value:
        return None
    to_datetime = getattr(value, "to_pydatetime", None)  # a pandas Timestamp
    return to_datetime() if to_datetime else value
