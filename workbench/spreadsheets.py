"""Tables out to CSV and XLSX that a spreadsheet opens as text, never as a formula.

A transcript can hold a line that starts with ``=``, ``+``, ``-`` or ``@``; so can an
attribute typed in by hand. Written as it is, Excel and LibreOffice run it as a formula
(formula injection: ``=HYPERLINK(...)`` becomes a link, and openpyxl itself stores a string
starting with ``=`` as a formula, which pandas then reads back as empty). So:

- **XLSX** keeps the text exactly: every cell written as a formula is turned back into text
  before the file is closed (the workbench never writes formulas of its own).
- **CSV** has no cell types, so a text cell that starts with one of those characters (or a
  tab or carriage return) gets a leading apostrophe, as OWASP advises; numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a formula (see the module)."""

    def cell(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return "'" + value
        return value

    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            # kept as it was: map() would make a column of 6 and 2.5 all floats (6.0)
            values = [cell(v) for v in out[column]]
            out[column] = pd.Series(values, index=out.index, dtype=out[column].dtype)
    out.columns = [cell(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text (header included, no index, ``\\n`` line ends), made safe."""
    return csv_safe(frame).to_csv(index=False, lineterminator="\n")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX file with one sheet per frame (no index), every cell value as data."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        for sheet in writer.book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # a string openpyxl took for a formula
                        cell.data_type = "s"
    return buffer.getvalue()
