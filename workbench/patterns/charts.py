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


def frequency_chart(
    table: pd.DataFrame,
    *,
    measure: str,
    titles: Mapping[str, str],
    title: str | None = None,
    subtitle: str | None = None,
) -> alt.Chart:
    """Horizontal bars per code, one panel per attribute group, the value printed on each bar.

    ``table`` is :func:`workbench.patterns.code_frequencies`; ``measure`` is ``share``,
    ``respondents`` or ``fragments``. Bars are labelled with the code's ``name`` (when the
    table has it); each panel is headed by its group and its n (respondents in the group:
    100 % of 2 people is no 100 % of 40), under the header ``titles["group"]`` (the
    attribute). ``title`` says what the chart counts; the tooltip gives every number.
    """
    share = measure == "share"
    label = "name" if "name" in table.columns else "code"
    data = table.assign(
        panel=[f"{g} (n = {int(n)})" for g, n in zip(table["group"], table["group_size"])]
    )
    tooltip = [
        alt.Tooltip(f"{label}:N", title=titles.get("code", "code")),
        alt.Tooltip("group:N", title=titles.get("group", "group")),
        alt.Tooltip("group_size:Q", title=titles.get("group_size", "group_size")),
        alt.Tooltip("respondents:Q", title=titles.get("respondents", "respondents")),
        alt.Tooltip("share:Q", title=titles.get("share", "share"), format=".0%"),
        alt.Tooltip("fragments:Q", title=titles.get("fragments", "fragments")),
    ]
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", title=titles.get("code", "code"), sort=None),
        x=alt.X(
            f"{measure}:Q",
            title=titles.get(measure, measure),
            axis=alt.Axis(format="%" if share else "d"),
            scale=alt.Scale(domain=[0, 1]) if share else alt.Undefined,
        ),
        tooltip=tooltip,
    )
    bars = base.mark_bar(color="#4c6a92")
    text = base.mark_text(align="left", dx=3, fontSize=FONT - 1, color="black").encode(
        text=alt.Text(f"{measure}:Q", format=".0%" if share else "d")
    )
    panels = list(dict.fromkeys(data["panel"]))
    chart = (
        alt.layer(bars, text, data=data)
        .properties(width=220)
        .facet(column=alt.Column("panel:N", title=titles.get("group", ""), sort=panels))
    )
    if title:
        chart = chart.properties(
            title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, fontSize=FONT + 2)
        )
    return _print_ready(chart)


def cooccurrence_heatmap(
    pairs: pd.DataFrame, *, titles: Mapping[str, str], order: list[str]
) -> alt.Chart:
    """Code x code squares, darker = more meetings, with the count printed in each square.

    ``pairs`` has code_a, code_b, meetings for both orders; clicking a square selects the
    pair (selection name ``pair``, fields code_a and code_b). With ``name_a`` and ``name_b``
    (:func:`~workbench.patterns.fragments.with_code_names`) the axes show the codes' names;
    ``order`` lists the codes (ids) in axis order.
    """
    pick = alt.selection_point(name="pair", fields=["code_a", "code_b"], on="click")
    named = {"name_a", "name_b"} <= set(pairs.columns)
    a, b = ("name_a", "name_b") if named else ("code_a", "code_b")
    if named:
        names = dict(zip(pairs["code_a"], pairs["name_a"])) | dict(
            zip(pairs["code_b"], pairs["name_b"])
        )
        order = [names.get(c, c) for c in order]
    base = alt.Chart(pairs).encode(
        x=alt.X(
            f"{b}:N",
            sort=order,
            title=titles.get("code_b", ""),
            axis=alt.Axis(labelAngle=-45, labelOverlap=False),
        ),
        y=alt.Y(
            f"{a}:N",
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
            tooltip=[
                alt.Tooltip(f"{a}:N", title=titles.get("code_a", a)),
                alt.Tooltip(f"{b}:N", title=titles.get("code_b", b)),
                alt.Tooltip("meetings:Q", title=titles.get("meetings", "meetings")),
            ],
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
