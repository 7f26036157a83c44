"""Life events of the selection in life order: the rows of every cascade overview.

Which events: those not rejected with at least one mention (not rejected) whose coding is in
the selection (attribute filters, coders, statuses, speakers), so a filter on women or on one
coder works here as everywhere. Life order, per respondent:

1. by life time (a year; an age, as a year when the birth year is known; "before/after X"
   half a step from X), and only by what was marked for the event, never borrowed;
2. an event without any time keeps its place in the telling: it sorts with the event told
   just before it (``timing`` = ``told``; the view says so), nothing is invented, unless
   its links say otherwise: then it sits after its causes and before its effects (confirmed
   links first, a proposed one where it leaves room), since a place in the telling is no
   fact about the life and a link is;
3. a cause before its effect wherever the times allow it (events with their own times keep
   time order, even against a link); equal times otherwise: an event with its own time
   before one that borrowed it, then the order of telling (the first mention's place in
   the interview), never the order the codings were made.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from typing import Any

import pandas as pd
from sqlite_utils import Database

from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE
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
from workbench.patterns.fragments import Selection, fragments_and_members

STATUS_WORDS = {"accepted": "confirmed", "suggested": "proposed"}


@dataclasses.dataclass
class LifeLines:
    """Events (losses and reactions) in life order, their kept mentions and their links."""

    events: pd.DataFrame  # one row per event, ``order`` 1..n per respondent
    mentions: pd.DataFrame  # the mentions in the selection (event, coding, text, ...)
    links: pd.DataFrame  # links between kept events, not rejected
    unplaced: pd.DataFrame  # per respondent: loss / reaction fragments in no event


def life_lines(
    project: Project,
    selection: Selection = Selection(),
    *,
    proposals: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> LifeLines:
    """The selection's life events in life order (see the module docstring).

    ``proposals`` adds what the workbench would propose (:func:`life_events.plan`, nothing
    written, negative ids) for codings that belong to no event yet, so a project nobody has
    worked through yet still shows its likely events, marked as proposals. The ``evidence``
    of events and links is put into words in ``lang``. Needs ``read``.
    """
    project.require("read")
    db = project.db
    the = kinds(project)
    selection = dataclasses.replace(selection, rollup=False)
    frags, members = fragments_and_members(
        project, selection, places=False, codes=[*the.losses, *the.reactions]
    )
    events = events_frame(project)
    mentions = mentions_frame(project)
    links = links_frame(project)
    if proposals:
        events, mentions, links = _with_plan(db, plan(project), events, mentions, links)
    mentions = mentions[
        (mentions["status"] != "rejected")
        & mentions["event"].isin(events.loc[events["status"] != "rejected", "event"])
    ]
    # a mention counts when its coding is in the selection; overlapping spans of one code
    # (two coders' selections of one sentence) are one fragment, and so one mention
    fragment = mentions["coding"].map(members)
    mentions = mentions[fragment.notna()].assign(fragment=fragment.dropna().astype("int64"))
    events = events[events["event"].isin(mentions["event"])].copy()
    links = links[
        (links["status"] != "rejected")
        & links["cause"].isin(events["event"])
        & links["effect"].isin(events["event"])
    ].copy()

    unplaced = _unplaced(frags, set(mentions["fragment"]), the)
    events = _ordered(db, events, mentions, links, given_birth_years(project))
    events["evidence"] = events["evidence"].map(lambda why: evidence_text(why, lang))
    links["evidence"] = links["evidence"].map(lambda why: evidence_text(why, lang))
    return LifeLines(
        events=events,
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


def _unplaced(frags: pd.DataFrame, placed: set[int], the: Any) -> pd.DataFrame:
    """Per respondent: loss and reaction fragments that no kept event mentions."""
    counts: dict[str, dict[str, int]] = {}
    if len(frags):
        for who, fragment, code in zip(frags["respondent"], frags["fragment_id"], frags["code"]):
            row = counts.setdefault(who, {"losses": 0, "reactions": 0})
            if fragment not in placed:
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
    # All coders' codings of one place (overlapping spans, one code) are one mention;
    # ``codings`` lists them all.
    spans = mentions.drop_duplicates(["event", "fragment"])
    summary = pd.DataFrame(
        {
            "mentions": spans.groupby("event").size(),
            "codings": mentions.groupby("event")["coding"].agg(
                lambda c: ", ".join(str(int(i)) for i in sorted(c))
            ),
        }
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
    sort_key = _borrowed(key, told)
    events = group["event"].tolist()
    edges = _edges(events, links)
    _place_by_links(sort_key, key, edges)

    # By time, the timed ones before those that borrow a time, then telling; causes before
    # their effects wherever the times allow it (see _causes_first).
    told_doc, told_at = group["doc_rank"].tolist(), group["start_char"].tolist()
    rank = {
        e: (
            _at(sort_key[e]),
            key[e] is None,
            _at(told_doc[i]),
            _at(told_at[i]),
            e,
        )
        for i, e in enumerate(events)
    }
    return key, {e: timing[e] or "told" for e in events}, _causes_first(rank, edges)


def _borrowed(key: dict[int, float | None], told: dict[int, tuple]) -> dict[int, float | None]:
    """For sorting only: an untimed event takes the time of the event told just before it
    (else just after it), so it keeps its place in the telling."""
    by_telling = sorted(told, key=told.get)
    sort_key: dict[int, float | None] = {}
    last = None
    for e in by_telling:
        last = key[e] if key[e] is not None else last
        sort_key[e] = last
    following = None
    for e in reversed(by_telling):
        following = key[e] if key[e] is not None else following
        if sort_key[e] is None:
            sort_key[e] = following
    return sort_key


def _edges(events: list[int], links: pd.DataFrame) -> list[tuple[int, int, bool]]:
    """(cause, effect, confirmed) for the links between these events, confirmed ones first."""
    mine = set(events)
    status = links["status"] if "status" in links else pd.Series("accepted", index=links.index)
    edges = [
        (int(a), int(b), s == "accepted")
        for a, b, s in zip(links["cause"], links["effect"], status)
        if a in mine and b in mine and a != b
    ]
    return sorted(edges, key=lambda edge: not edge[2])


def _place_by_links(
    sort_key: dict[int, float | None],
    key: dict[int, float | None],
    edges: list[tuple[int, int, bool]],
) -> None:
    """An event without its own time sits after its causes and before its effects: its
    borrowed time (a place in the telling, not a fact) is moved between theirs. Only times
    an event has (its own, or where its causes put it) bound it from below, and only own
    times from above, so one borrowed time cannot pin another. Confirmed links bound first;
    a proposed link only where it leaves room. Events with their own time keep it."""
    untimed = [e for e in sort_key if key[e] is None]
    if not untimed or not edges:
        return
    high = _latest_allowed(key, edges)
    for _ in range(len(untimed) + 1):  # a cause may itself be untimed and move
        moved = False
        for e in untimed:
            causes = [(_at(sort_key[a], -math.inf), c) for a, b, c in edges if b == e]
            low = _after_causes(causes, high[e][0])
            top = high[e][1] if high[e][1] >= low else high[e][0]
            value = _at(sort_key[e])
            placed = max(low, min(value, top))
            if not math.isinf(placed) and placed != value:
                sort_key[e], moved = placed, True
        if not moved:
            break


def _latest_allowed(
    key: dict[int, float | None], edges: list[tuple[int, int, bool]]
) -> dict[int, tuple[float, float]]:
    """Per event, the earliest own time among its effects (and their effects, through
    untimed ones): (by confirmed links, by all links), +infinity for none."""
    high = {e: (_at(k), _at(k)) for e, k in key.items()}
    for _ in range(len(key) + 1):
        changed = False
        for e in (e for e in key if key[e] is None):
            sure = min([math.inf, *(high[b][0] for a, b, c in edges if a == e and c)])
            every = min([sure, *(high[b][1] for a, b, c in edges if a == e)])
            if (sure, every) != high[e]:
                high[e], changed = (sure, every), True
        if not changed:
            break
    return high


def _after_causes(causes: list[tuple[float, bool]], limit: float) -> float:
    """The lower bound from the causes' times: confirmed links always, proposed links only
    when that keeps the event before its confirmed effects (``limit``)."""
    sure = max([-math.inf, *(t for t, confirmed in causes if confirmed)])
    every = max([sure, *(t for t, _ in causes)])
    return every if every <= limit else sure


def _at(value: float | None, missing: float = math.inf) -> float:
    """A sort time; no time at all counts as ``missing``."""
    return missing if value is None or pd.isna(value) else float(value)


def _causes_first(rank: dict[int, tuple], edges: list[tuple[int, int, bool]]) -> dict[int, tuple]:
    """The final rank: ``rank`` order, except that an effect never comes before a cause whose
    time is not later than its own (a link against the times is left to the times). Of the
    events free to come next the lowest rank goes first; a cycle of links breaks the same
    way. A heap keeps this n log n for a respondent with many events."""
    waiting = {e: 0 for e in rank}
    onward: dict[int, list[int]] = {e: [] for e in rank}
    for a, b, _ in edges:
        if rank[a][0] <= rank[b][0]:
            waiting[b] += 1
            onward[a].append(b)
    free = [(rank[e], e) for e in rank if not waiting[e]]
    heapq.heapify(free)
    out: dict[int, tuple] = {}
    while len(out) < len(rank):
        if not free:  # a cycle: the lowest-ranked event still waiting goes next
            e = min((e for e in rank if e not in out), key=rank.get)
            waiting[e] = 0
            heapq.heappush(free, (rank[e], e))
        _, e = heapq.heappop(free)
        if e in out:
            continue
        out[e] = (len(out),)
        for b in onward[e]:
            waiting[b] -= 1
            if waiting[b] == 0 and b not in out:
                heapq.heappush(free, (rank[b], b))
    return out
