"""Tables from outside: the one reader of CSV and XLSX files.

A table comes as a path or as ``(file name, bytes)`` (an upload). Its size is checked before
it is read (:mod:`workbench.limits`). CSV is decoded like every text file
(:func:`workbench.encoding.decode`: byte order marks, strict UTF-8, then the western
encodings) and its delimiter (``,`` ``;`` or tab) sniffed from the first 4 KB, falling back to
commas. XLSX (and .xlsm) is checked by the zip guard before openpyxl opens it, and its first
sheet is read with the values as Excel shows them (numbers, dates, text). Rows come back as
found, header included: what a row means is the caller's business. Every refusal is an
:class:`InputError` naming the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Union

from workbench.encoding import decode
from workbench.errors import InputError
from workbench.limits import check_size, read_limited
from workbench.zipguard import open_zip

Source = Union[str, Path, tuple[str, bytes]]
SUFFIXES = (".csv", ".xlsx", ".xlsm")
DELIMITERS = ",;\t"
SNIFF_CHARS = 4096


def read_rows(source: Source) -> tuple[str, list[list[Any]]]:
    """(file name, rows) of a CSV or XLSX file; values as found (str, number, date, None)."""
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
        return name, _read_csv(data, name)
    if ext in (".xlsx", ".xlsm"):
        return name, _read_xlsx(data, name)
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


def _read_xlsx(data: bytes, name: str) -> list[list[Any]]:
    import openpyxl  # loaded on the first spreadsheet only

    open_zip(data, name=name).close()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways on damaged files
        reason = (str(exc) or type(exc).__name__)[:200]
        raise InputError("tables.bad_file", file=name, reason=reason) from None
    return rows
