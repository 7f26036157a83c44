"""Write overview tables to CSV or XLSX with the selection written into the file.

A table without its filters is a trap: "12 women mention shame" means nothing once nobody
remembers the export was limited to one neighbourhood and one coder. So:

- **XLSX**: one sheet per table (the table starts at A1, ready for sorting and pivots), plus
  a sheet ``filters`` with one row per setting (name, value).
- **CSV**: one table, UTF-8 with a byte order mark (Excel then reads accents right), comma
  separated. Above the header, lines starting with ``#`` list the settings; spreadsheets
  show them as a few notes above the table, and ``pandas.read_csv(path, comment="#")``
  skips them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from workbench import access
from workbench.errors import InputError
from workbench.store import get_setting

FORMATS = ("csv", "xlsx")
FILTERS_SHEET = "filters"


def about_rows(table: str, project: str | Path | None,
               settings: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The header rows every export carries: what, from which project, when, with what."""
    rows = [("table", table)]
    if project is not None:
        rows.append(("project", Path(project).name))
    rows.append(("made", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))
    return rows + list(settings)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        return frame.reset_index()
    return frame


def table_bytes(tables: Mapping[str, pd.DataFrame], about: Sequence[tuple[str, str]],
                fmt: str) -> bytes:
    """The file contents; CSV holds only the first table."""
    if fmt not in FORMATS:
        raise InputError("patterns.bad_format", given=fmt, allowed=", ".join(FORMATS))
    if not tables:
        raise ValueError("tables must hold at least one table")
    if fmt == "csv":
        first = _flat(next(iter(tables.values())))
        notes = "".join(f"# {name}: {value}\n" for name, value in about)
        return (notes + first.to_csv(index=False, lineterminator="\n")).encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            _flat(frame).to_excel(writer, sheet_name=name[:31], index=False)
        pd.DataFrame(list(about), columns=["name", "value"]).to_excel(
            writer, sheet_name=FILTERS_SHEET, index=False
        )
    return buffer.getvalue()


def format_of(path: str | Path) -> str:
    """``csv`` or ``xlsx`` from the file name; anything else is refused."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("patterns.bad_output", file=str(path), allowed=", ".join(FORMATS))
    return fmt


def export_tables(
    db: Database,
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    about: Sequence[tuple[str, str]],
    *,
    actor: str,
) -> Path:
    """Write ``tables`` to ``path`` (.csv or .xlsx); exporting needs the ``export`` right."""
    access.require(db, actor, "export")
    path = Path(path)
    data = table_bytes(tables, used_settings(db, about), format_of(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def used_settings(db: Database, about: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The settings with "speakers: (project setting)" replaced by the value that was used:
    a reader of the file cannot look up what the project setting was (issue 13)."""
    used = get_setting(db, "analysis_speakers") or "all"
    return [(k, used if (k, v) == ("speakers", "(project setting)") else v) for k, v in about]


def read_csv_export(path: str | Path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Read a CSV export back: the table and its settings (name -> values)."""
    about: dict[str, list[str]] = {}
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if not line.startswith("# "):
                break
            name, _, value = line[2:].rstrip("\n").partition(": ")
            about.setdefault(name, []).append(value)
    return pd.read_csv(path, encoding="utf-8-sig", skiprows=sum(map(len, about.values()))), about


# ----------------------------------------------------------------------------- cascades
CASCADE_ROW_COLUMNS = ["row", "respondent", "event", "kind", "role", "life_time", "life_year",
                       "life_age", "timing", "certainty", "codings", "status", "confirmed",
                       "evidence", "text"]
CASCADE_SHEETS = ("rows", "events", "reactions", "links", "chains", "transitions",
                  "first_losses", "reaction_counts", "lengths", "unplaced")


def cascade_rows(overview: Any) -> pd.DataFrame:
    """One row per event (losses and reactions) and per link, as the issue asks: respondent,
    event, kind, life time, source codings, and whether it is confirmed.

    For a link, ``event`` is "cause -> effect" (event ids), ``kind`` the two kinds, ``life_time``
    the two life times and ``codings`` the source codings of both ends ("12, 13 -> 40").
    """
    losses = overview.events.assign(role="loss")
    reactions = overview.reactions.assign(role="reaction")
    events = pd.concat([losses, reactions], ignore_index=True)
    as_events = pd.DataFrame({
        "row": "event", "respondent": events["respondent"],
        "event": events["event"].astype(str), "kind": events["code"], "role": events["role"],
        "life_time": events["when"], "life_year": events["life_year"],
        "life_age": events["life_age"], "timing": events["timing"],
        "certainty": events.get("certainty"), "codings": events["codings"],
        "status": events["status"], "evidence": events.get("evidence", ""),
        "text": events["text"],
    })
    codings = events.set_index("event")["codings"]
    links = overview.links

    def pair(a: pd.Series, b: pd.Series) -> pd.Series:
        text = [s.astype(object).fillna("").astype(str) for s in (a, b)]
        return text[0] + " -> " + text[1]

    as_links = pd.DataFrame({
        "row": "link", "respondent": links["respondent"],
        "event": pair(links["cause"], links["effect"]),
        "kind": pair(links["cause_code"], links["effect_code"]), "role": links["type"],
        "life_time": pair(links["cause_when"], links["effect_when"]),
        "codings": pair(links["cause"].map(codings), links["effect"].map(codings)),
        "status": links["status"], "evidence": links["evidence"],
    })
    out = pd.concat([as_events, as_links], ignore_index=True).reindex(
        columns=CASCADE_ROW_COLUMNS)
    out["confirmed"] = (out["status"] == "confirmed").map({True: "yes", False: "no"})
    return out.sort_values(["respondent", "row"], kind="stable").reset_index(drop=True)


def cascade_tables(overview: Any) -> dict[str, pd.DataFrame]:
    """Every cascade table by sheet name (``CASCADE_SHEETS``), ``rows`` first."""
    tables = {"rows": cascade_rows(overview)}
    for name in CASCADE_SHEETS[1:]:
        tables[name] = getattr(overview, name)
    tables["events"] = tables["events"].drop(columns=["respondent_id"], errors="ignore")
    return tables
