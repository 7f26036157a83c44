"""Codings as a table (CSV or XLSX): one row per coding, for spreadsheets, R and SPSS.

Columns: document, respondent, one column per attribute, speaker, start_char, end_char,
text, code, code_name, coder, status, origin, score, time, life_year, life_age (the moment in
the life a coding is about, when someone gave one). Life events and their links do not fit
one row per coding: the report lists them as left behind. Text and offsets are those of the
pseudonymised document by default, like every export.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.exchange import gather
from workbench.exchange.files import write_bytes_atomically
from workbench.exchange.pseudo import free_text
from workbench.exchange.report import ExchangeReport
from workbench.handle import Project
from workbench.privacy.pseudonyms import export_warning
from workbench.respondents import typed_value
from workbench.spreadsheets import csv_text, xlsx_bytes

BASE_COLUMNS = ["document", "respondent"]
CODING_COLUMNS = [
    "speaker",
    "start_char",
    "end_char",
    "text",
    "code",
    "code_name",
    "coder",
    "status",
    "origin",
    "score",
    "time",
    "life_year",
    "life_age",
]
FORMATS = ("csv", "xlsx")


def codings_table(
    project: Project,
    *,
    include_suggestions: bool = False,
    pseudonymise: bool = True,
    coder_codes: bool = False,
) -> pd.DataFrame:
    """The codings as a DataFrame (accepted only, or also suggested and rejected ones);
    with ``coder_codes`` the coder is a number (:class:`gather.CoderCodes`)."""
    gather.require_export(project, pseudonymise=pseudonymise)
    coders = gather.coder_codes(project) if coder_codes else None

    @functools.cache  # the same names, codes and speakers come back on many rows
    def free(text: str | None) -> str | None:
        return free_text(project, text) if pseudonymise else text

    docs = {d["id"]: d for d in gather.documents(project)}
    texts = gather.document_texts(project, list(docs.values()), pseudonymise=pseudonymise)
    respondents = {r["id"]: free(r["code"]) for r in gather.respondents(project)}
    types = {a["name"]: a["type"] for a in gather.attributes(project)}
    attributes = list(types)
    reserved = set(BASE_COLUMNS + CODING_COLUMNS)
    # An attribute called like a fixed column ("text", "code") gets its own column name.
    columns = {a: f"{a} (attribute)" if a in reserved else a for a in attributes}
    values = gather.attribute_values(project)
    speakers = gather.speakers_by_position(project)
    names = {d_id: free(d["name"]) for d_id, d in docs.items()}
    rows = []
    for c in gather.codings(project, gather.statuses(include_suggestions, rejected=True)):
        doc = docs[c["document_id"]]
        text = texts[doc["id"]]
        start, end = text.span(c["start_char"], c["end_char"])
        rid = doc["respondent_id"]
        row: dict[str, Any] = {"document": names[doc["id"]], "respondent": respondents.get(rid)}
        for attr in attributes:
            value = values.get(rid, {}).get(attr) if rid is not None else None
            if types[attr] != "text":  # numbers, dates and yes/no as such, not as text
                row[columns[attr]] = typed_value(value, types[attr])
            else:
                row[columns[attr]] = free(value)
        speaker = gather.speaker_at(speakers, doc["id"], c["start_char"])
        row.update(
            {
                "speaker": free(speaker),
                "start_char": start,
                "end_char": end,
                "text": text.text[start:end],
                "code": free(c["code"]),  # a code may be named after someone
                "code_name": free(c["code_name"]),
                "coder": coders[c["coder"]] if coders is not None else c["coder"],
                "status": c["status"],
                "origin": c["origin"],
                "score": c["score"],
                "time": c["updated_at"],
                "life_year": c["life_year"],
                "life_age": c["life_age"],
            }
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=BASE_COLUMNS + list(columns.values()) + CODING_COLUMNS)
    for attr in attributes:
        if types[attr] == "number":  # as entered: 6 and 2.5 in one column, not 6.0
            frame[columns[attr]] = pd.Series(
                [_as_entered(v) for v in frame[columns[attr]]], index=frame.index, dtype=object
            )
    # Whole numbers with gaps: 1985, not 1985.0 next to an empty cell.
    return frame.astype({"life_year": "Int64", "life_age": "Int64"})


def _as_entered(value: Any) -> int | float | None:
    """A number attribute's value as the researcher entered it: a whole number without
    ``.0`` (pandas makes every number of a column a float), no value as an empty cell."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def export_codings_table(
    project: Project,
    path: str | Path,
    *,
    format: str | None = None,
    include_suggestions: bool = False,
    pseudonymise: bool = True,
    coder_codes: bool = False,
    lang: str | None = None,
) -> ExchangeReport:
    """Write the codings table as CSV (UTF-8 with BOM, so Excel reads accents) or XLSX; the
    data-loss report next to it reads in ``lang`` (default: the handle's language)."""
    gather.require_export(project, pseudonymise=pseudonymise)
    db = project.db
    path = Path(path)
    format = (format or path.suffix.lstrip(".")).lower()
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}. Got {format!r} instead.")
    frame = codings_table(
        project,
        include_suggestions=include_suggestions,
        pseudonymise=pseudonymise,
        coder_codes=coder_codes,
    )
    report = ExchangeReport(operation="export", format=format, path=str(path))
    report.warn(export_warning(project) if pseudonymise else "exchange.warn.original_text")
    report.count("codings", 0)  # "codings: 0" rather than nothing when there are none
    for status, n in frame["status"].value_counts().items():
        report.count(gather.STATUS_COUNTS[status], int(n))
    written = gather.statuses(include_suggestions, rejected=True)
    report.lose_coding_work(
        gather.status_counts(project),
        gather.done_marks(project),
        written=written,
        rejected_fit=True,
        reason="table_no_done_marks",
    )
    report.lose("codebook_tree", "table_flat")
    memos = db.execute("SELECT count(*) FROM memos").fetchone()[0]
    if memos:
        report.lose("memo", "table_flat", count=memos)
    # What belongs to a respondent or a document, not to a coding, has no row of its own.
    for kind, column in (("respondent_notes", "notes"), ("respondent_pseudonym", "pseudonym")):
        n = db.execute(f"SELECT count(*) FROM respondents WHERE {column} != ''").fetchone()[0]
        if n:
            report.lose(kind, "table_flat", count=n)
    marks = ", ".join("?" * len(written))
    for (name,) in db.execute(
        "SELECT name FROM documents WHERE id NOT IN "
        f"(SELECT document_id FROM codings WHERE status IN ({marks})) ORDER BY id",
        written,
    ):
        report.lose("source", "table_no_codings", name)
    report.lose_life_events(gather.life_events(project), "table_no_life_events")
    if pseudonymise:
        report.rewrite_examples(functools.partial(free_text, project))
    if format == "csv":
        write_bytes_atomically(path, csv_text(frame).encode("utf-8-sig"))
    else:
        write_bytes_atomically(path, xlsx_bytes({"codings": frame}))
    report.write_next_to(path, lang or project.lang)
    gather.log_export(
        project,
        format=format,
        path=str(path),
        pseudonymise=pseudonymise,
        include_suggestions=include_suggestions,
    )
    return report
