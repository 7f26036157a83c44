"""Altair pictures of loss cascades: one life line, and which losses lead to which.

A **life line** shows one respondent's losses left to right in life order, an arc with an
arrow for every link (solid: confirmed, dashed: proposed), and under each loss the reactions
linked to it. Losses without a time are drawn hollow, with "zonder tijd" under them: they
sit where they were told, not where a year would put them. Every loss, reaction and link
arrow is a point of one selection (``ELEMENT``), so the page can open its quotes on a click.

The **transition diagram** is a two-column flow: kinds of loss on the left, the kinds they
led to on the right, line width = confirmed links, proposed links dashed beside them.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from workbench.patterns.charts import FONT, _print_ready

ELEMENT = "element"  # the selection's field: "event:12" or "link:5"
SELECTION = "lifeline_pick"  # the selection's name, as the page reads it back


def life_line_data(
    events: pd.DataFrame,
    reactions: pd.DataFrame,
    links: pd.DataFrame,
    *,
    untimed: str = "zonder tijd",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points (losses, reactions, arrow heads) and the line pieces of one life line."""
    x = {int(e): i for i, e in enumerate(events.sort_values("step")["event"], start=1)}
    points, lines = [], []
    for row in events.itertuples():
        when = row.when if row.when else untimed
        points.append(
            {
                ELEMENT: f"event:{row.event}",
                "x": x[int(row.event)],
                "y": 0.0,
                "what": "loss",
                "kind": row.name,
                "label": row.name,
                "when": when,
                "status": row.status,
                "timed": row.timing != "told",
                "text": row.text,
            }
        )
    below: dict[int, int] = {}
    for row in reactions.dropna(subset=["follows"]).itertuples():
        at = x.get(int(row.follows))
        if at is None:
            continue
        below[at] = below.get(at, 0) + 1
        y = -0.9 * below[at] - 0.3
        points.append(
            {
                ELEMENT: f"event:{row.event}",
                "x": at,
                "y": y,
                "what": "reaction",
                "kind": row.reaction_name,
                "label": row.name,
                "when": row.when or "",
                "status": row.status,
                "timed": True,
                "text": row.text,
            }
        )
        lines.append(
            {
                "piece": f"r{row.event}",
                "order": 0,
                "x": at,
                "y": 0.0,
                "status": row.link or row.status,
            }
        )
        lines.append(
            {
                "piece": f"r{row.event}",
                "order": 1,
                "x": at,
                "y": y,
                "status": row.link or row.status,
            }
        )
    onward = links[links["type"] == "loss"]
    for row in onward.itertuples():
        a, b = x.get(int(row.cause)), x.get(int(row.effect))
        if a is None or b is None:
            continue
        height = 0.45 + 0.25 * abs(b - a)
        for order, (px, py) in enumerate([(a, 0.08), ((a + b) / 2, height), (b, 0.08)]):
            lines.append(
                {"piece": f"l{row.link}", "order": order, "x": px, "y": py, "status": row.status}
            )
        points.append(
            {
                ELEMENT: f"link:{row.link}",
                "x": (a + b) / 2,
                "y": height,
                "what": "link",
                "kind": f"{row.cause_name} \u2192 {row.effect_name}",
                "label": "",
                "when": "",
                "status": row.status,
                "timed": True,
                "text": row.evidence,
                "shape": "triangle-right" if b > a else "triangle-left",
            }
        )
    frame = pd.DataFrame(points)
    if not frame.empty:
        frame["shape"] = frame.get("shape", pd.Series(index=frame.index, dtype=object))
        frame["shape"] = frame["shape"].fillna(
            frame["what"].map({"loss": "circle", "reaction": "square"})
        )
    return frame, pd.DataFrame(lines, columns=["piece", "order", "x", "y", "status"])


def life_line_chart(
    events: pd.DataFrame, reactions: pd.DataFrame, links: pd.DataFrame, *, titles: Mapping[str, str]
) -> alt.LayerChart:
    """One respondent's life line (see the module docstring); click any mark to pick it."""
    points, lines = life_line_data(
        events, reactions, links, untimed=titles.get("untimed", "zonder tijd")
    )
    width = max(140 * max(len(events), 1), 320)
    depth = float(points["y"].min()) if len(points) else 0.0
    high = float(points["y"].max()) if len(points) else 1.0
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0.4, max(len(events), 1) + 0.6]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[depth - 0.6, high + 0.6]))
    dash = alt.condition(alt.datum.status == "proposed", alt.value([5, 4]), alt.value([1, 0]))
    pick = alt.selection_point(name=SELECTION, fields=[ELEMENT], on="click")
    drawn = (
        alt.Chart(lines)
        .mark_line(color="#666666", strokeWidth=1.6)
        .encode(x=x, y=y, detail="piece:N", order="order:Q", strokeDash=dash)
    )
    marks = (
        alt.Chart(points)
        .mark_point(size=260, strokeWidth=2)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape("shape:N", scale=None),
            color=alt.Color(
                "what:N",
                legend=None,
                scale=alt.Scale(
                    domain=["loss", "reaction", "link"], range=["#8c2d2d", "#4c6a92", "#333333"]
                ),
            ),
            fill=alt.condition(
                "datum.timed && datum.status == 'confirmed'",
                "what:N",
                alt.value("white"),
                legend=None,
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("kind:N", title=titles.get("kind", "")),
                alt.Tooltip("when:N", title=titles.get("when", "")),
                alt.Tooltip("status:N", title=titles.get("status", "")),
                alt.Tooltip("text:N", title=titles.get("text", "")),
            ],
        )
        .add_params(pick)
    )
    losses = points[points["what"] == "loss"] if len(points) else points
    others = points[points["what"] == "reaction"] if len(points) else points
    name = (
        alt.Chart(losses)
        .mark_text(dy=-22, fontSize=FONT, fontWeight="bold")
        .encode(x=x, y=y, text="label:N")
    )
    when = (
        alt.Chart(losses)
        .mark_text(dy=22, fontSize=FONT - 1, color="#333333")
        .encode(x=x, y=y, text="when:N")
    )
    after = (
        alt.Chart(others)
        .mark_text(align="left", dx=12, fontSize=FONT - 1, fontStyle="italic")
        .encode(x=x, y=y, text="label:N")
    )
    chart = alt.layer(drawn, marks, name, when, after).properties(
        width=width, height=max(220, int(70 * (high - depth + 1.2)))
    )
    return _print_ready(chart)


def transition_chart(transitions: pd.DataFrame, *, titles: Mapping[str, str]) -> alt.LayerChart:
    """Which kinds of loss led to which (confirmed solid, proposed dashed and thinner)."""
    table = transitions.copy()
    label = dict(zip(table["from"], table["from_name"])) | dict(zip(table["to"], table["to_name"]))
    left = sorted(set(table["from"]), key=lambda n: label[n]) if len(table) else []
    right = sorted(set(table["to"]), key=lambda n: label[n]) if len(table) else []
    rows, nodes = [], []
    for side, names in ((0, left), (1, right)):
        for i, name in enumerate(names):
            nodes.append({"x": side, "y": -i, "label": label[name], "side": side})
    y_left = {n: -i for i, n in enumerate(left)}
    y_right = {n: -i for i, n in enumerate(right)}
    pairs = zip(table["from"], table["to"], table["confirmed"], table["proposed"])
    for i, (a, b, confirmed, proposed) in enumerate(pairs):
        for kind, count, shift in (("confirmed", confirmed, 0.0), ("proposed", proposed, 0.08)):
            if not count:
                continue
            for order, (px, py) in enumerate([(0, y_left[a] - shift), (1, y_right[b] - shift)]):
                rows.append(
                    {
                        "pair": f"{i}-{kind}",
                        "order": order,
                        "x": px,
                        "y": py,
                        "status": kind,
                        "links": int(count),
                        "pair_label": f"{label[a]} \u2192 {label[b]}",
                    }
                )
    lines = pd.DataFrame(rows, columns=["pair", "order", "x", "y", "status", "links", "pair_label"])
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.6, 1.6]))
    y = alt.Y("y:Q", axis=None)
    flows = (
        alt.Chart(lines)
        .mark_line()
        .encode(
            x=x,
            y=y,
            detail="pair:N",
            order="order:Q",
            strokeWidth=alt.StrokeWidth(
                "links:Q", scale=alt.Scale(range=[1.5, 10]), title=titles.get("links", "")
            ),
            strokeDash=alt.condition(
                alt.datum.status == "proposed", alt.value([5, 4]), alt.value([1, 0])
            ),
            color=alt.Color(
                "status:N",
                title=titles.get("status", ""),
                scale=alt.Scale(domain=["confirmed", "proposed"], range=["#8c2d2d", "#999999"]),
                legend=alt.Legend(
                    labelExpr=f"datum.label == 'confirmed' ? "
                    f"'{titles.get('confirmed', 'confirmed')}' : "
                    f"'{titles.get('proposed', 'proposed')}'"
                ),
            ),
            tooltip=[
                alt.Tooltip("pair_label:N", title=titles.get("pair", "")),
                alt.Tooltip("status:N", title=titles.get("status", "")),
                alt.Tooltip("links:Q", title=titles.get("links", "")),
            ],
        )
    )
    node_frame = pd.DataFrame(nodes, columns=["x", "y", "label", "side"])
    names_left = (
        alt.Chart(node_frame[node_frame["side"] == 0])
        .mark_text(align="right", dx=-8, fontSize=FONT)
        .encode(x=x, y=y, text="label:N")
    )
    names_right = (
        alt.Chart(node_frame[node_frame["side"] == 1])
        .mark_text(align="left", dx=8, fontSize=FONT)
        .encode(x=x, y=y, text="label:N")
    )
    dots = alt.Chart(node_frame).mark_point(filled=True, size=80, color="#333333").encode(x=x, y=y)
    height = max(180, 44 * max(len(left), len(right), 1))
    return _print_ready(
        alt.layer(flows, dots, names_left, names_right).properties(width=520, height=height)
    )
