"""The framework matrix (respondents x codes) and code frequencies by attribute group.

The framework method (Ritchie & Spencer) reads a study as a grid: one row per case, one
column per theme, each cell pointing at what that person said about it. Here a cell holds the
number of fragments; :func:`matrix_quotes` returns the fragments behind any cell or row.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE, t
from workbench.patterns.fragments import (
    Selection,
    attribute_names,
    check_codes,
    codes_table,
    fragments,
    joined,
    one_spelling,
    respondents,
    value_label,
    with_attributes,
    with_code_names,
    with_text,
)


def _code_order(
    project: Project, present: Sequence[str], codes: Sequence[str] | None, rollup: bool = False
) -> list[str]:
    order = codes_table(project)["code"].tolist()
    wanted = set(check_codes(project, codes, rollup=rollup)) if codes else set(present)
    return [c for c in order if c in wanted]


def framework_matrix(
    project: Project,
    selection: Selection = Selection(),
    *,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Respondents x codes: the number of fragments per cell.

    Rows are every respondent in the selection with an interview (zero rows included: that
    someone never mentions a theme is a finding); columns are the codes used (or ``codes``),
    in codebook order. The index is named ``respondent``. Needs ``read``.
    """
    project.require("read")
    frame = fragments(project, selection, details=False, places=False)
    columns = _code_order(project, frame["code"].unique().tolist(), codes, selection.rollup)
    rows = respondents(project, selection)["respondent"].tolist()
    counts = (
        frame[frame["code"].isin(columns)]
        .groupby(["respondent", "code"])
        .size()
        .unstack("code", fill_value=0)
    )
    matrix = counts.reindex(index=rows, columns=columns, fill_value=0).fillna(0).astype(int)
    matrix.index.name = "respondent"
    matrix.columns.name = None
    return matrix


def framework_cells(
    project: Project,
    selection: Selection = Selection(),
    *,
    codes: Sequence[str] | None = None,
    separator: str = " | ",
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """The matrix in long form with the quotes behind each non-empty cell.

    Columns: respondent, code, name (the code's name, in ``lang``), fragments, quotes (the
    fragments' text joined by ``separator``), documents. What a framework chart's cell
    summarises, ready for export. Needs ``read``.
    """
    project.require("read")
    frame = fragments(project, selection, places=False)
    if codes:
        frame = frame[frame["code"].isin(check_codes(project, codes, rollup=selection.rollup))]
    keys = ["respondent", "code"]
    cells = frame.groupby(keys).size().rename("fragments").reset_index()
    quotes = joined(frame.fillna({"text": ""}), keys, "text", separator, sort=False)
    documents = joined(
        frame.drop_duplicates([*keys, "document"]), keys, "document", ", ", sort=False
    )
    index = pd.MultiIndex.from_frame(cells[keys])
    cells["quotes"] = quotes.reindex(index).to_numpy()
    cells["documents"] = documents.reindex(index).to_numpy()
    order = {c: i for i, c in enumerate(codes_table(project)["code"])}
    cells["_order"] = cells["code"].map(order)
    cells = cells.sort_values(["respondent", "_order"]).drop(columns="_order")
    return with_code_names(project, cells.reset_index(drop=True), lang=lang)


def matrix_quotes(
    project: Project,
    selection: Selection = Selection(),
    *,
    respondent: str | None = None,
    code: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """The fragments behind one cell (or a whole row or column when one side is None).

    ``coding`` is a coding behind each fragment (:func:`~workbench.patterns.place_of`);
    ``name`` is the code's name in ``lang``. Needs ``read``."""
    project.require("read")
    frame = fragments(
        project,
        selection,
        details=False,
        respondent=respondent,
        codes=None if code is None else [code],
    )
    frame = with_code_names(project, frame.assign(coding=frame["fragment_id"]), lang=lang)
    return with_attributes(project, with_text(project, frame.reset_index(drop=True)))


def code_frequencies(
    project: Project,
    selection: Selection = Selection(),
    *,
    by: str | None = None,
    codes: Sequence[str] | None = None,
    lang: str = "nl",
) -> pd.DataFrame:
    """How often each code occurs per attribute group, as counts and as share of respondents.

    One row per (group, code), zeros included. Columns: group, code, name (the code's
    name), fragments, respondents (with the code), group_size (respondents in the group
    with an interview), share (respondents / group_size, 0..1). ``by=None`` gives one group,
    "alle" ("all" in English, ``lang``). Respondents without a value for ``by`` form the
    group "(geen waarde)" ("(no value)"); a yes/no attribute's groups are "ja" and "nee"
    ("yes", "no"); groups of a number attribute are in number order. Text values that differ
    only in case or spaces ("Noord", "noord ") are one group, named as most respondents write
    it, as the filters take them as one. The codes' ``name`` is in ``lang`` too. Needs
    ``read``.
    """
    project.require("read")
    names = attribute_names(project)
    if by is not None and by not in names:
        raise InputError("patterns.unknown_attribute", name=by, known=", ".join(names))
    people = respondents(project, selection)
    order: dict[str, float] = {}
    if by is None:
        people["group"] = t("patterns.group.all", lang)
    else:
        kind = project.db.execute("SELECT type FROM attributes WHERE name = ?", [by]).fetchone()[0]
        values = pd.read_sql_query(
            "SELECT respondent_id, value AS [group] FROM attribute_values WHERE attribute = ?",
            project.db.conn,
            params=[by],
        ).astype({"respondent_id": "Int64"})
        if kind == "number":
            order = {v: float(v) for v in values["group"].dropna() if v != ""}
        values["group"] = values["group"].map(lambda v: value_label(v, kind, lang))
        if kind == "text":
            values["group"] = one_spelling(values["group"])
        people = people.merge(values, on="respondent_id", how="left")
        no_value = t("patterns.group.no_value", lang)
        people["group"] = people["group"].fillna(no_value).replace("", no_value)
    frame = fragments(project, selection, details=False, places=False)
    frame = frame.merge(people[["respondent", "group"]], on="respondent")
    columns = _code_order(project, frame["code"].unique().tolist(), codes, selection.rollup)
    frame = frame[frame["code"].isin(columns)]
    counted = frame.groupby(["group", "code"]).agg(
        fragments=("fragment_id", "size"), respondents=("respondent", "nunique")
    )
    sizes = people.groupby("group")["respondent"].nunique().rename("group_size")
    groups = sorted(sizes.index, key=lambda g: (g not in order, order.get(g, 0.0), g))
    full = pd.MultiIndex.from_product([groups, columns], names=["group", "code"])
    table = counted.reindex(full, fill_value=0).reset_index().merge(sizes.reset_index(), on="group")
    table["share"] = (table["respondents"] / table["group_size"]).round(4)
    table = with_code_names(project, table, lang=lang)
    return table[["group", "code", "name", "fragments", "respondents", "group_size", "share"]]
