"""Life events of the selection in life order: the rows of every cascade overview.

Which events: those not rejected with at least one mention (not rejected) whose coding is in
the selection (attribute filters, coders, statuses, speakers), so a filter on women or on one
coder works here as everywhere. Life order, per respondent:

1. by life time (a year; an age, as a year when the birth year is known; "before/after X"
   half a step from X), and only by what was marked for the event, never borrowed;
2. an event without any time keeps its place in the telling: it sorts with the event told
   just before it (``timing`` = ``told``; the view says so), nothing is invented;
3. equal times: an event with its own time before one that borrowed it, a cause before
   its effect (linked events), then the order of telling (the first mention's place in the
   interview), never the order the codings were made.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pandas as pd
from sqlite_utils import Database

from workbench.handle import Project
from workbench.life_events import (
    Plan,
    evidence_text,
    events_frame,
    kinds,
    links_frame,
    mentions_frame,
    plan,
)
from workbench.life_events.timing import RELATIVE_STEP, birth_year, given_birth_years, life_key
from workbench.patterns.fragments import Selection, fragments

STATUS_WORDS = {"accepted": "confirmed", "suggested": "proposed"}


@dataclasses.dataclass
class LifeLines:
    """Events (losses and reactions) in life order, their kept mentions and their links."""

    events: pd.DataFrame  # one row per event, ``order`` 1..n per respondent
    mentions: pd.DataFrame  # the mentions in the selection (event, coding, text, ...)
    links: pd.DataFrame  # links between kept events, not rejected
    unplaced: pd.DataFrame  # per respondent: loss / reaction fragments in no event


def life_lines(
    project: Project, selection: Selection = Selection(), *, proposals: bool = False
) -> LifeLines:
    """The selection's life events in life order (see the module docstring).

    ``proposals`` adds what the workbench would propose (:func:`life_events.plan`, nothing
    written, negative ids) for codings that belong to no event yet, so a project nobody has
    worked through yet still shows its likely events, marked as proposals. Needs ``read``.
    """
    project.require("read")
    db = project.db
    the = kinds(project)
    selection = dataclasses.replace(selection, rollup=False)
    frags = fragments(
        project, selection, details=False, places=False, codes=[*the.losses, *the.reactions]
    )
    keys = set(zip(frags["document_id"], frags["code"], frags["start_char"], frags["end_char"]))
    events = events_frame(project)
    mentions = mentions_frame(project)
    links = links_frame(project)
    if proposals:
        events, mentions, links = _with_plan(db, plan(project), events, mentions, links)
    mentions = mentions[
        (mentions["status"] != "rejected")
        & mentions["event"].isin(events.loc[events["status"] != "rejected", "event"])
    ]
    inside = [
        k in keys
        for k in zip(
            mentions["document_id"], mentions["code"], mentions["start_char"], mentions["end_char"]
        )
    ]
    mentions = mentions[pd.Series(inside, index=mentions.index, dtype=bool)]
    events = events[events["event"].isin(mentions["event"])].copy()
    links = links[
        (links["status"] != "rejected")
        & links["cause"].isin(events["event"])
        & links["effect"].isin(events["event"])
    ].copy()

    placed = set(
        zip(mentions["document_id"], mentions["code"], mentions["start_char"], mentions["end_char"])
    )
    unplaced = _unplaced(frags, placed, the)
    return LifeLines(
        events=_ordered(db, events, mentions, links, given_birth_years(project)),
        mentions=mentions,
        links=links.reset_index(drop=True),
        unplaced=unplaced,
    )


def _with_plan(
    db: Database, planned: Plan, events: pd.DataFrame, mentions: pd.DataFrame, links: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stored rows plus the planned proposals, in the same columns."""
    if not planned.events and not planned.mentions and not planned.links:
        return events, mentions, links
    owners = dict(db.execute("SELECT id, respondent_id FROM documents").fetchall())
    new_events = pd.DataFrame(planned.events, columns=[*events.columns])
    new_events["respondent_id"] = new_events["document_id"].map(owners)
    events = _stack(events, new_events)
    mentions = _stack(mentions, pd.DataFrame(planned.mentions, columns=[*mentions.columns]))
    info = events.set_index("event")
    new_links = pd.DataFrame(planned.links, columns=[*links.columns])
    new_links["cause_kind"] = new_links["cause"].map(info["kind"])
    new_links["effect_kind"] = new_links["effect"].map(info["kind"])
    new_links["effect_role"] = new_links["effect"].map(info["role"])
    return events, mentions, _stack(links, new_links)


def _stack(stored: pd.DataFrame, planned: pd.DataFrame) -> pd.DataFrame:
    """Both frames as one, keeping the stored frame's column types where they fit."""
    if planned.empty:
        return stored
    if stored.empty:
        return planned.astype(
            {c: t for c, t in stored.dtypes.items() if str(t) in ("Int64", "object")},
            errors="ignore",
        )
    return pd.concat(
        [stored, planned.astype(stored.dtypes.to_dict(), errors="ignore")], ignore_index=True
    )


def _unplaced(frags: pd.DataFrame, placed: set[tuple], the: Any) -> pd.DataFrame:
    """Per respondent: loss and reaction fragments that no kept event mentions."""
    counts: dict[str, dict[str, int]] = {}
    if len(frags):
        for who, doc, code, start, end in zip(
            frags["respondent"],
            frags["document_id"],
            frags["code"],
            frags["start_char"],
            frags["end_char"],
        ):
            row = counts.setdefault(who, {"losses": 0, "reactions": 0})
            if (doc, code, start, end) not in placed:
                row["losses" if the.role(code) == "loss" else "reactions"] += 1
    return pd.DataFrame(
        [{"respondent": who, **n} for who, n in sorted(counts.items())],
        columns=["respondent", "losses", "reactions"],
    )


def _ordered(
    db: Database,
    events: pd.DataFrame,
    mentions: pd.DataFrame,
    links: pd.DataFrame,
    given: dict[str, float],
) -> pd.DataFrame:
    """``events`` with life_key, timing, told, order and the mention summary columns
    (``given``: the birth years from the attribute, by respondent)."""
    docs = {d: i for i, (d,) in enumerate(db.execute("SELECT id FROM documents ORDER BY id"))}
    first = (
        mentions.assign(doc_rank=mentions["document_id"].map(docs))
        .sort_values(["doc_rank", "start_char"])
        .groupby("event")
        .first()
    )
    summary = mentions.groupby("event").agg(
        mentions=("coding", "size"),
        codings=("coding", lambda c: ", ".join(str(int(i)) for i in sorted(c))),
    )
    events = events.join(summary, on="event").join(
        first[["doc_rank", "start_char", "segment", "text", "document_id", "coding"]].rename(
            columns={"document_id": "told_in"}
        ),
        on="event",
    )
    if events.empty:
        return events.assign(
            life_key=pd.Series(dtype=float),
            timing=pd.Series(dtype=object),
            order=pd.Series(dtype=int),
        )
    # Per respondent in plain Python over narrow frames split once: filtering and sorting
    # whole frames per respondent made 1,000 respondents take 20 s of CPU.
    whose = dict(zip(events["event"], events["respondent"]))
    mentions_of = dict(tuple(mentions.groupby(mentions["event"].map(whose), sort=False)))
    links_of = (
        dict(tuple(links.groupby(links["cause"].map(whose), sort=False))) if len(links) else {}
    )
    narrow = events[
        [
            "event",
            "respondent",
            "life_year",
            "life_age",
            "relation",
            "relative_to",
            "doc_rank",
            "start_char",
        ]
    ]
    keys: dict[int, float | None] = {}
    timings: dict[int, str] = {}
    ranks: dict[int, tuple] = {}
    for respondent, group in narrow.groupby("respondent", sort=False):
        one = _order_one(
            group,
            mentions_of.get(respondent, mentions.iloc[:0]),
            links_of.get(respondent, links.iloc[:0]),
            given.get(respondent),
        )
        keys.update(one[0])
        timings.update(one[1])
        ranks.update(one[2])
    ids, who = events["event"].tolist(), events["respondent"].tolist()
    out = events.iloc[sorted(range(len(ids)), key=lambda i: (who[i], ranks[ids[i]]))]
    out = out.reset_index(drop=True)
    out["life_key"] = [math.nan if keys[e] is None else float(keys[e]) for e in out["event"]]
    out["timing"] = [timings[e] for e in out["event"]]
    out["order"] = out.groupby("respondent", sort=False).cumcount() + 1
    out["status"] = out["status"].map(STATUS_WORDS).fillna(out["status"])
    out["evidence"] = out["evidence"].map(evidence_text)
    names = dict(db.execute("SELECT id, name FROM documents").fetchall())
    out["document"] = out["told_in"].map(names)
    return out.drop(columns=["doc_rank", "start_char", "told_in", "document_id"])


def _order_one(
    group: pd.DataFrame, mentions: pd.DataFrame, links: pd.DataFrame, given: float | None
) -> tuple[dict, dict, dict]:
    """One respondent's events: life key, timing and sort rank per event."""
    mine = mentions[mentions["event"].isin(group["event"])]
    pairs = list(zip(group["life_year"], group["life_age"])) + list(
        zip(mine["life_year"], mine["life_age"])
    )
    pairs = [(None if pd.isna(y) else int(y), None if pd.isna(a) else int(a)) for y, a in pairs]
    born = birth_year(pairs, given)
    ages_only = born is None and not any(y is not None for y, _ in pairs)
    key = {
        e: life_key(None if pd.isna(y) else int(y), None if pd.isna(a) else int(a), born, ages_only)
        for e, y, a in zip(group["event"], group["life_year"], group["life_age"])
    }
    timing = {
        e: ("year" if not pd.isna(y) else "age" if k is not None else None)
        for e, y, k in zip(group["event"], group["life_year"], key.values())
    }
    relation = dict(zip(group["event"], zip(group["relation"], group["relative_to"])))
    for _ in range(len(group)):  # before/after X, also when X is itself relative
        for e, (rel, other) in relation.items():
            if (
                key[e] is None
                and isinstance(rel, str)
                and not pd.isna(other)
                and key.get(int(other)) is not None
            ):
                key[e] = key[int(other)] + (RELATIVE_STEP if rel == "after" else -RELATIVE_STEP)
                timing[e] = "relative"
    told = {e: (r, s) for e, r, s in zip(group["event"], group["doc_rank"], group["start_char"])}
    # Untimed: the time of the event told just before it (else just after) for sorting only.
    by_telling = sorted(told, key=told.get)
    sort_key, last = {}, None
    for e in by_telling:
        last = key[e] if key[e] is not None else last
        sort_key[e] = last
    following = None
    for e in reversed(by_telling):
        following = key[e] if key[e] is not None else following
        if sort_key[e] is None:
            sort_key[e] = following
    events = group["event"].tolist()
    depth = _depth(events, links)

    def last_if_missing(value: Any) -> float:
        return math.inf if value is None or pd.isna(value) else float(value)

    # By time, the timed ones before those that borrow a time, causes first, then telling.
    told_doc, told_at = group["doc_rank"].tolist(), group["start_char"].tolist()
    rank = {
        e: (
            last_if_missing(sort_key[e]),
            key[e] is None,
            depth[e],
            last_if_missing(told_doc[i]),
            last_if_missing(told_at[i]),
            e,
        )
        for i, e in enumerate(events)
    }
    return key, {e: timing[e] or "told" for e in events}, rank


def _depth(events: list[int], links: pd.DataFrame) -> dict[int, int]:
    """How many linked causes come before each event (causes sort before their effects)."""
    depth = dict.fromkeys(events, 0)
    edges = [(a, b) for a, b in zip(links["cause"], links["effect"]) if a in depth and b in depth]
    for _ in range(len(events)):  # at most n rounds; a cycle just stops growing
        changed = False
        for a, b in edges:
            if depth[b] < depth[a] + 1 and depth[a] < len(events):
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    return depth
