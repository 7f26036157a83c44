"""Codes that meet: in the same segment, the same speaker turn, or within N segments.

A *meeting* is a pair of fragments with different codes in one document whose places are
close enough: they share a segment (``scope="segment"``), share a turn (``"turn"``), or lie
at most ``window`` segments apart (``"window"``; window 0 is the same as "segment"). The
table counts meetings, like ATLAS.ti's code co-occurrence table counts quotation pairs;
the diagonal holds each code's number of fragments.

Pairs are found set-wise: every fragment becomes the range of positions it reaches
(numpy repeat), and one merge on (document, position) finds all pairs at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE
from workbench.patterns.fragments import (
    Selection,
    check_codes,
    codes_table,
    fragments,
    with_attributes,
    with_code_names,
    with_text,
)

SCOPES = ("segment", "turn", "window")


def check_scope(scope: str, window: int) -> None:
    if scope not in SCOPES:
        raise InputError("patterns.bad_scope", scope=scope, allowed=", ".join(SCOPES))
    if window < 0:
        raise InputError("patterns.bad_window", window=window)


def _reach(frame: pd.DataFrame, first: str, last: str, extra: int = 0) -> pd.DataFrame:
    """One row per (fragment, position) the fragment covers, widened by ``extra`` both ways."""
    valid = frame.dropna(subset=[first, last])
    lo = valid[first].to_numpy(dtype=np.int64) - extra
    hi = valid[last].to_numpy(dtype=np.int64) + extra
    n = hi - lo + 1
    take = np.repeat(np.arange(len(valid)), n)
    step = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return pd.DataFrame(
        {
            "fragment_id": valid["fragment_id"].to_numpy()[take],
            "document_id": valid["document_id"].to_numpy()[take],
            "pos": lo[take] + step,
        }
    )


def meeting_pairs(
    left: pd.DataFrame, right: pd.DataFrame, *, scope: str = "segment", window: int = 0
) -> pd.DataFrame:
    """All (fragment_a, fragment_b) pairs, a from ``left`` and b from ``right``, that meet.

    Both frames are :func:`fragments` rows. A fragment never meets itself.
    """
    check_scope(scope, window)
    if scope == "turn":
        a, b = _reach(left, "turn_first", "turn_last"), _reach(right, "turn_first", "turn_last")
    else:
        extra = window if scope == "window" else 0
        a, b = _reach(left, "seg_first", "seg_last", extra), _reach(right, "seg_first", "seg_last")
    pairs = a.merge(b, on=["document_id", "pos"], suffixes=("_a", "_b"))
    pairs = pairs[["fragment_id_a", "fragment_id_b"]].drop_duplicates()
    pairs = pairs[pairs["fragment_id_a"] != pairs["fragment_id_b"]]
    return pairs.rename(columns={"fragment_id_a": "fragment_a", "fragment_id_b": "fragment_b"})


def _coded_pairs(frame: pd.DataFrame, scope: str, window: int) -> pd.DataFrame:
    pairs = meeting_pairs(frame, frame, scope=scope, window=window)
    info = frame.set_index("fragment_id")
    pairs["code_a"] = info["code"].reindex(pairs["fragment_a"]).to_numpy()
    pairs["code_b"] = info["code"].reindex(pairs["fragment_b"]).to_numpy()
    pairs["respondent"] = info["respondent"].reindex(pairs["fragment_a"]).to_numpy()
    return pairs[pairs["code_a"] != pairs["code_b"]]


def cooccurrence(
    project: Project,
    selection: Selection = Selection(),
    *,
    scope: str = "segment",
    window: int = 0,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Code x code table of meetings (symmetric); the diagonal is each code's fragments.

    Rows and columns are the codes used in the selection, in codebook order; ``codes``
    keeps only those rows (the columns stay, so one code's partners can be read off).
    Needs ``read``.
    """
    project.require("read")
    check_scope(scope, window)
    frame = fragments(project, selection, details=False)
    present = set(frame["code"].unique())
    order = [c for c in codes_table(project)["code"] if c in present]
    counts = _coded_pairs(frame, scope, window).groupby(["code_a", "code_b"]).size()
    table = counts.unstack("code_b").reindex(index=order, columns=order).fillna(0).astype(int)
    sizes = frame["code"].value_counts()
    for code in order:
        table.loc[code, code] = int(sizes.get(code, 0))
    if codes:
        wanted = check_codes(project, codes, rollup=selection.rollup)
        table = table.reindex(index=wanted, fill_value=0)
    table.index.name = "code"
    table.columns.name = None
    return table


def cooccurrence_pairs(
    project: Project,
    selection: Selection = Selection(),
    *,
    scope: str = "segment",
    window: int = 0,
    codes: Sequence[str] | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Each pair of codes that meets, once: code_a, name_a, code_b, name_b (the codes'
    names, in ``lang``), meetings, respondents.

    ``respondents`` is in how many respondents' interviews the pair meets; sorted by
    meetings (most first). ``codes`` keeps the pairs that involve one of them. Needs ``read``.
    """
    project.require("read")
    check_scope(scope, window)
    frame = fragments(project, selection, details=False)
    rank = {c: i for i, c in enumerate(codes_table(project)["code"])}
    pairs = _coded_pairs(frame, scope, window)
    pairs = pairs[pairs["code_a"].map(rank) < pairs["code_b"].map(rank)]
    if codes:
        wanted = check_codes(project, codes, rollup=selection.rollup)
        pairs = pairs[pairs["code_a"].isin(wanted) | pairs["code_b"].isin(wanted)]
    table = (
        pairs.groupby(["code_a", "code_b"])
        .agg(meetings=("fragment_a", "size"), respondents=("respondent", "nunique"))
        .reset_index()
        .sort_values(
            ["meetings", "respondents", "code_a", "code_b"], ascending=[False, False, True, True]
        )
    )
    return with_code_names(project, table.reset_index(drop=True), lang=lang)


def cooccurrence_fragments(
    project: Project,
    code_a: str,
    code_b: str,
    scope: str = "segment",
    *,
    window: int = 0,
    selection: Selection = Selection(),
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Where two codes meet: one row per meeting, with both fragments side by side.

    Columns: respondent, document, speaker, code_a, name_a, text_a, segment_a, code_b,
    name_b, text_b, segment_b, coding_a, coding_b (a coding behind each fragment, for
    :func:`~workbench.patterns.place_of`), then the respondent's attributes; names in
    ``lang``. Needs ``read``.
    """
    project.require("read")
    check_scope(scope, window)
    code_a, code_b = (
        check_codes(project, [c], rollup=selection.rollup)[0] for c in (code_a, code_b)
    )
    frame = fragments(project, selection, details=False)
    left, right = frame[frame["code"] == code_a], frame[frame["code"] == code_b]
    pairs = meeting_pairs(left, right, scope=scope, window=window)
    left = with_text(project, left[left["fragment_id"].isin(pairs["fragment_a"])])
    right = with_text(project, right[right["fragment_id"].isin(pairs["fragment_b"])])
    cols = [
        "fragment_id",
        "respondent_id",
        "respondent",
        "document",
        "speaker",
        "code",
        "text",
        "seg_first",
        "start_char",
    ]
    a = left[cols].add_suffix("_a")
    b = right[["fragment_id", "code", "text", "seg_first"]].add_suffix("_b")
    out = pairs.merge(a, left_on="fragment_a", right_on="fragment_id_a").merge(
        b, left_on="fragment_b", right_on="fragment_id_b"
    )
    out = out.rename(
        columns={
            "respondent_id_a": "respondent_id",
            "respondent_a": "respondent",
            "document_a": "document",
            "speaker_a": "speaker",
            "seg_first_a": "segment_a",
            "seg_first_b": "segment_b",
        }
    )
    out = out.sort_values(["respondent", "document", "start_char_a", "segment_b"])
    out = out.rename(columns={"fragment_a": "coding_a", "fragment_b": "coding_b"})
    out = out[
        [
            "respondent_id",
            "respondent",
            "document",
            "speaker",
            "code_a",
            "text_a",
            "segment_a",
            "code_b",
            "text_b",
            "segment_b",
            "coding_a",
            "coding_b",
        ]
    ]
    out = with_code_names(project, out.reset_index(drop=True), lang=lang)
    return with_attributes(project, out).drop(columns="respondent_id")


def cooccurrence_dot(
    pairs: pd.DataFrame, *, min_meetings: int = 1, labels: dict[str, str] | None = None
) -> str:
    """A Graphviz DOT network of :func:`cooccurrence_pairs`: thicker line, more meetings.

    Rendered by ``st.graphviz_chart`` in the browser; no Graphviz install needed.
    """
    kept = pairs[pairs["meetings"] >= min_meetings]
    top = max(int(kept["meetings"].max()), 1) if len(kept) else 1
    labels = labels or {}

    def quote(text: str) -> str:
        return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'

    nodes = sorted(set(kept["code_a"]) | set(kept["code_b"]))
    lines = [
        "graph cooccurrence {",
        "  layout=neato; overlap=false; splines=true;",
        '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
        '  edge [color="#555555", fontname="Helvetica", fontsize=9];',
    ]
    lines += [f"  {quote(n)} [label={quote(labels.get(n, n))}];" for n in nodes]
    for row in kept.itertuples(index=False):
        width = 1 + 5 * row.meetings / top
        lines.append(
            f"  {quote(row.code_a)} -- {quote(row.code_b)} "
            f'[penwidth={width:.1f}, label="{row.meetings}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def heatmap_data(table: pd.DataFrame) -> pd.DataFrame:
    """The square :func:`cooccurrence` table as long rows (code_a, code_b, meetings) for a
    heatmap, without the diagonal (a code does not meet itself)."""
    long = table.rename_axis(index="code_a", columns="code_b").stack().rename("meetings")
    long = long.reset_index()
    return long[long["code_a"] != long["code_b"]].reset_index(drop=True)
