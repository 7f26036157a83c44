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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import t
from workbench.spreadsheets import csv_text, xlsx_bytes
from workbench.patterns.fragments import Selection, _speakers_used

FORMATS = ("csv", "xlsx")
FILTERS_SHEET = "filters"


_FRAGMENT = (
    "(a fragment: one coded place, document + code; overlapping spans of one code, by one or "
    "more coders, count once)"
)
_COUNTS = {  # what a number in the file is, by overview (the page's and the CLI's names)
    "matrix": f"fragments per respondent and code {_FRAGMENT}",
    "cooccurrence": f"pairs of fragments with different codes that meet (scope) {_FRAGMENT}; "
    "the diagonal: the code's fragments",
    "frequencies": f"fragments {_FRAGMENT}; respondents: people with the code; share: "
    "respondents / group_size (people in the group with an interview; a document linked to "
    "nobody counts as one)",
    "quotes": f"one row per fragment {_FRAGMENT}",
    "cascades": "life events, not codings (a re-mention is part of its event); cascades follow "
    "confirmed links (include_proposed: proposed too); respondents and who: confirmed links "
    "only",
    "profile": f"fragments of this person {_FRAGMENT}; share_of_fragments: part of this "
    "person's fragments",
}
_OVERVIEWS = {
    "samen": "cooccurrence",
    "frequenties": "frequencies",
    "citaten": "quotes",
    "verliescascades": "cascades",
    "persoon": "profile",
}


def about_rows(
    table: str, project: str | Path | None, settings: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The header rows every export carries: what, from which project, when, what a number
    in it counts (``counts``: a reader of the file cannot ask the page), with what."""
    rows = [("table", table)]
    if project is not None:
        rows.append(("project", Path(project).name))
    rows.append(("made", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))
    overview = table.split(":")[0].split("-")[0]  # cascades:rows, persoon-R01
    counts = _COUNTS.get(_OVERVIEWS.get(overview, overview))
    if counts:
        rows.append(("counts", counts))
    return rows + list(settings)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        return frame.reset_index()
    return frame


def table_bytes(
    tables: Mapping[str, pd.DataFrame], about: Sequence[tuple[str, str]], fmt: str
) -> bytes:
    """The file contents; CSV holds only the first table."""
    if fmt not in FORMATS:
        raise InputError("patterns.bad_format", given=fmt, allowed=", ".join(FORMATS))
    if not tables:
        raise ValueError("tables must hold at least one table")
    if fmt == "csv":
        first = _flat(next(iter(tables.values())))
        notes = "".join(f"# {name}: {value}\n" for name, value in about)
        return (notes + csv_text(first)).encode("utf-8-sig")
    sheets = {name: _flat(frame) for name, frame in tables.items()}
    sheets[FILTERS_SHEET] = pd.DataFrame(list(about), columns=["name", "value"])
    return xlsx_bytes(sheets)


def format_of(path: str | Path) -> str:
    """``csv`` or ``xlsx`` from the file name; anything else is refused."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("patterns.bad_output", file=str(path), allowed=", ".join(FORMATS))
    return fmt


def export_tables(
    project: Project,
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    about: Sequence[tuple[str, str]],
    *,
    pseudonymise: bool = False,
    coder_codes: bool = False,
    lang: str = "nl",
) -> Path:
    """Write ``tables`` to ``path`` (.csv or .xlsx); see :func:`export_bytes`."""
    path = Path(path)
    data = export_bytes(
        project,
        tables,
        about,
        format_of(path),
        pseudonymise=pseudonymise,
        coder_codes=coder_codes,
        lang=lang,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def export_bytes(
    project: Project,
    tables: Mapping[str, pd.DataFrame],
    about: Sequence[tuple[str, str]],
    fmt: str,
    *,
    pseudonymise: bool = False,
    coder_codes: bool = False,
    headers: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> bytes:
    """The file a pattern export writes, the same from the CLI and from the Patronen page.

    Exporting needs the ``export`` right, and a file that is not pseudonymised the right to
    take original text out (researchers; :data:`workbench.access.ORIGINAL_TEXT`), as every
    export: names sit in quotes, respondent codes and attribute values. The settings say which speakers were used (not
    "(project setting)") and whether the file is pseudonymised. ``pseudonymise`` replaces
    every accepted name, in any letter case and inside joined words, in every text cell
    (quotes, respondent codes, document names, speaker labels, attribute values), in the
    column labels and in the settings, like every other export: refused while decisions are
    not applied, and labelled plainly "not pseudonymised" when no name was ever reviewed.
    ``coder_codes`` names coders by number, as ``export --coder-codes`` does (see
    :func:`_coders_coded`). ``headers`` renames columns (the Patronen page's words in the
    reader's language) before the coders are numbered, in the renamed coder columns too.
    """
    project.require("export")
    if not pseudonymise:  # one rule with `export --original-text` (access.ORIGINAL_TEXT)
        project.require_original_text()
    db = project.db
    rows = _used_settings(db, about)
    headers = dict(headers or {})
    if headers:
        tables = {name: frame.rename(columns=headers) for name, frame in tables.items()}
    if coder_codes:
        columns = [headers.get(c, c) for c in CODER_COLUMNS]
        tables, rows = _coders_coded(project, tables, rows, columns)
    if pseudonymise:
        from workbench.privacy.pseudonyms import (
            replace_in_tables,
            replace_names,
            require_pseudonymised,
            reviewed,
        )

        require_pseudonymised(project)
        names = list(tables)
        frames = replace_in_tables(project, [_flat(tables[n]) for n in names])
        tables = dict(zip(replace_names(project, names), frames))
        rows = list(zip([k for k, _ in rows], replace_names(project, [str(v) for _, v in rows])))
        if reviewed(project):
            rows.append(("pseudonymised", "yes"))
        else:
            rows += [
                ("pseudonymised", "no"),
                ("warning", t("privacy.warn.not_pseudonymised", lang)),
            ]
    else:
        rows.append(("pseudonymised", "no"))
    return table_bytes(tables, rows, fmt)


CODER_COLUMNS = ("coders", "coder")  # "anna,bram" (fragments) or "anna" (cascades' quotes)


def _coders_coded(
    project: Project,
    tables: Mapping[str, pd.DataFrame],
    rows: list[tuple[str, str]],
    columns: Sequence[str] = CODER_COLUMNS,
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str]]]:
    """Every coder named in the coder ``columns`` and in the ``coders`` filter as "[Codeur n]",
    the numbering of the codings export (``gather.coder_codes``: accounts in the order they
    were made), so one coder has one number in every file of the project. Coders are the
    team, not respondents, so pseudonymising leaves them as written; this is the choice for
    a file that names no team member at all."""
    from workbench.exchange.gather import coder_codes

    codes = coder_codes(project)

    def coded(value: Any, sep: str = ",") -> Any:
        if not isinstance(value, str) or not value:
            return value
        return sep.join(codes[name.strip()] for name in value.split(","))

    out = {}
    for name, frame in tables.items():
        frame = _flat(frame).copy()
        for column in columns:
            if column in frame.columns:
                frame[column] = frame[column].map(coded)
        out[name] = frame
    rows = [(k, coded(v, ", ") if k == "coders" and v != "(all)" else v) for k, v in rows]
    return out, rows


def check_pseudonymised(project: Project) -> bool:
    """Refuse (InputError) while name decisions are not applied; else whether any name was
    ever reviewed (False: a "pseudonymised" file would be labelled not pseudonymised).

    The first step of a pseudonymised export, so it needs ``export``."""
    from workbench.privacy.pseudonyms import require_pseudonymised, reviewed

    project.require("export")
    require_pseudonymised(project)
    return reviewed(project)


def export_file_name(project: Project, stem: str, fmt: str, *, pseudonymise: bool) -> str:
    """``stem.fmt``; pseudonymised, with accepted names replaced (a stem can hold a
    respondent code or a document name). Names an export, so it needs ``export``."""
    project.require("export")
    if pseudonymise:
        from workbench.privacy.pseudonyms import replace_names

        stem = replace_names(project, [stem])[0]
    return f"{stem}.{fmt}"


def _used_settings(db: Database, about: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The settings with "speakers: (project setting)" replaced by the value that was used:
    a reader of the file cannot look up what the project setting was (issue 13)."""
    used = _speakers_used(db, Selection())
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
CASCADE_ROW_COLUMNS = [
    "row",
    "respondent",
    "step",
    "event",
    "code",
    "name",
    "role",
    "life_time",
    "life_year",
    "life_age",
    "timing",
    "certainty",
    "codings",
    "status",
    "confirmed",
    "evidence",
    "text",
]
CASCADE_SHEETS = (
    "rows",
    "events",
    "reactions",
    "links",
    "chains",
    "transitions",
    "first_losses",
    "reaction_counts",
    "lengths",
    "unplaced",
)


def cascade_rows(overview: Any) -> pd.DataFrame:
    """One row per loss event and per link, in life order: respondent, step, event, code
    (the kind) and its name, life time, source codings, status and whether it is confirmed.

    A link row sits under the loss it comes from (its ``step``); ``event`` is "cause ->
    effect" (event ids), ``code`` the two kinds (a reaction shows here as "verlies-x ->
    isolement"), ``life_time`` the two life times and ``codings`` the source codings of both
    ends ("12, 13 -> 40"). Reactions without a link are in the ``reactions`` table.
    """
    losses = overview.events
    as_events = pd.DataFrame(
        {
            "row": "event",
            "respondent": losses["respondent"],
            "step": losses["step"],
            "event": losses["event"].astype(str),
            "code": losses["code"],
            "name": losses["name"],
            "role": "loss",
            "life_time": losses["when"],
            "life_year": losses["life_year"],
            "life_age": losses["life_age"],
            "timing": losses["timing"],
            "certainty": losses["certainty"],
            "codings": losses["codings"],
            "status": losses["status"],
            "evidence": losses["evidence"],
            "text": losses["text"],
        }
    )
    every = pd.concat([losses[["event", "codings"]], overview.reactions[["event", "codings"]]])
    codings = every.set_index("event")["codings"]
    links = overview.links

    def pair(a: pd.Series, b: pd.Series) -> pd.Series:
        text = [s.astype(object).fillna("").astype(str) for s in (a, b)]
        return text[0] + " -> " + text[1]

    as_links = pd.DataFrame(
        {
            "row": "link",
            "respondent": links["respondent"],
            "step": links["cause"].map(losses.set_index("event")["step"]),
            "event": pair(links["cause"], links["effect"]),
            "code": pair(links["cause_code"], links["effect_code"]),
            "name": pair(links["cause_name"], links["effect_name"]),
            "role": links["type"],
            "life_time": pair(links["cause_when"], links["effect_when"]),
            "codings": pair(links["cause"].map(codings), links["effect"].map(codings)),
            "status": links["status"],
            "evidence": links["evidence"],
        }
    )
    out = pd.concat([as_events, as_links], ignore_index=True).reindex(columns=CASCADE_ROW_COLUMNS)
    out["confirmed"] = (out["status"] == "confirmed").map({True: "yes", False: "no"})
    out["step"] = out["step"].astype("Int64")
    return out.sort_values(["respondent", "step", "row"], kind="stable").reset_index(drop=True)


def cascade_tables(overview: Any) -> dict[str, pd.DataFrame]:
    """Every cascade table by sheet name (``CASCADE_SHEETS``), ``rows`` first."""
    tables = {"rows": cascade_rows(overview)}
    for name in CASCADE_SHEETS[1:]:
        tables[name] = getattr(overview, name)
    tables["events"] = tables["events"].drop(columns=["respondent_id"], errors="ignore")
    return tables
