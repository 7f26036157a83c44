"""Altair charts of the overviews, made to be readable on paper.

Print rules kept here: every mark carries its number or name as text (grey print loses
colour), sequential colour ramps only (light = few, dark = many), fonts of 12 pt or more,
and no interactivity needed to read a chart. Axis titles come from the caller (the page
passes them in the reader's language).
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

FONT = 12


def _print_ready(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT + 1, labelLimit=260)
        .configure_legend(labelFontSize=FONT, titleFontSize=FONT + 1)
        .configure_header(labelFontSize=FONT + 1, titleFontSize=FONT + 1)
        .configure_view(stroke=None)
    )


def frequency_chart(table: pd.DataFrame, *, measure: str, titles: Mapping[str, str]) -> alt.Chart:
    """Horizontal bars per code, one panel per attribute group, the value printed on each bar.

    ``table`` is :func:`workbench.patterns.code_frequencies`; ``measure`` is ``share``,
    ``respondents`` or ``fragments``.
    """
    share = measure == "share"
    base = alt.Chart(table).encode(
        y=alt.Y("code:N", title=titles.get("code", "code"), sort=None),
        x=alt.X(
            f"{measure}:Q",
            title=titles.get(measure, measure),
            axis=alt.Axis(format="%" if share else "d"),
            scale=alt.Scale(domain=[0, 1]) if share else alt.Undefined,
        ),
    )
    bars = base.mark_bar(color="#4c6a92")
    text = base.mark_text(align="left", dx=3, fontSize=FONT - 1, color="black").encode(
        text=alt.Text(f"{measure}:Q", format=".0%" if share else "d")
    )
    chart = (
        alt.layer(bars, text, data=table)
        .properties(width=220)
        .facet(column=alt.Column("group:N", title=titles.get("group", "")))
    )
    return _print_ready(chart)


def cooccurrence_heatmap(
    pairs: pd.DataFrame, *, titles: Mapping[str, str], order: list[str]
) -> alt.Chart:
    """Code x code squares, darker = more meetings, with the count printed in each square.

    ``pairs`` has code_a, code_b, meetings for both orders; clicking a square selects the
    pair (selection name ``pair``, fields code_a and code_b).
    """
    pick = alt.selection_point(name="pair", fields=["code_a", "code_b"], on="click")
    base = alt.Chart(pairs).encode(
        x=alt.X(
            "code_b:N",
            sort=order,
            title=titles.get("code_b", ""),
            axis=alt.Axis(labelAngle=-45, labelOverlap=False),
        ),
        y=alt.Y(
            "code_a:N",
            sort=order,
            title=titles.get("code_a", ""),
            axis=alt.Axis(labelOverlap=False),
        ),
    )
    top = max(int(pairs["meetings"].max()), 1) if len(pairs) else 1
    squares = (
        base.mark_rect(stroke="white")
        .encode(
            color=alt.Color(
                "meetings:Q",
                scale=alt.Scale(scheme="blues", domain=[0, top]),
                title=titles.get("meetings", ""),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
            tooltip=["code_a", "code_b", "meetings"],
        )
        .add_params(pick)
    )
    text = (
        base.mark_text(fontSize=FONT - 1)
        .transform_filter(alt.datum.meetings > 0)
        .encode(
            text="meetings:Q",
            color=alt.condition(
                alt.datum.meetings > top / 2, alt.value("white"), alt.value("black")
            ),
        )
    )
    return _print_ready(
        alt.layer(squares, text).properties(width=alt.Step(28), height=alt.Step(24))
    )


def count_bars(
    table: pd.DataFrame, *, x: str, y: str, titles: Mapping[str, str], horizontal: bool = False
) -> alt.Chart:
    """Plain bars with the count printed on each (cascade lengths, a respondent's codes)."""
    if horizontal:
        base = alt.Chart(table).encode(
            y=alt.Y(f"{x}:N", sort=None, title=titles.get(x, x)),
            x=alt.X(f"{y}:Q", title=titles.get(y, y), axis=alt.Axis(format="d", tickMinStep=1)),
        )
        text = base.mark_text(align="left", dx=3, fontSize=FONT - 1).encode(text=f"{y}:Q")
    else:
        base = alt.Chart(table).encode(
            x=alt.X(f"{x}:O", title=titles.get(x, x), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=titles.get(y, y), axis=alt.Axis(format="d", tickMinStep=1)),
        )
        text = base.mark_text(dy=-6, fontSize=FONT - 1).encode(text=f"{y}:Q")
    return _print_ready(alt.layer(base.mark_bar(color="#4c6a92"), text))
