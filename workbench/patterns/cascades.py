"""Loss cascades as the research means them: linked events in a life story.

The source research (Resokit, "De binnenkant van sociaal isolement") describes a loss
cascade as one loss setting off the next (a partner dies, the house must be sold, work goes,
the network thins), each loss bringing reactions (isolation, shame, exhaustion). Here:

- the rows are **life events** (:mod:`workbench.life_events`), not codings: a re-mention is
  part of its event, and life order comes from :mod:`workbench.patterns.life_line`;
- a **cascade** is a chain of at least two losses in one life joined by links ("this led to
  that"): a connected group of loss events under confirmed links (``include_proposed``
  also follows the workbench's proposed links, and says so);
- **reactions** belong to the loss they are linked to (the workbench proposes that link by
  life time when known), not to whatever is told within N sentences;
- **across respondents**: which kinds of loss lead to which (confirmed and proposed links
  counted apart), first losses, chain lengths, and which reactions follow which losses.

:func:`life_order` (fragments in life-story order) stays for the respondent profile.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE, t
from workbench.life_events.evidence import life_time, reason_text
from workbench.life_events.events import FOLLOWERS, LOSS_ROOT, NOT_EVENTS, kinds  # noqa: F401
from workbench.life_events.timing import BIRTH_YEAR_ATTRIBUTE
from workbench.patterns.fragments import (
    NAME_OF,
    Selection,
    check_codes,
    codes_table,
    joined,
    respondents,
    with_code_names,
)
from workbench.patterns.life_line import LifeLines, life_lines

ARROW = " -> "
BRANCH = "; "  # between the runs of a cascade's path that branch off
# Every column of the cascade tables holding code ids -> the column with their names
# (``path`` and ``followed_by`` list several ids, their names column lists the names).
CASCADE_NAMES = {
    **NAME_OF,
    "reaction": "reaction_name",
    "follows_code": "follows_name",
    "cause_code": "cause_name",
    "effect_code": "effect_name",
    "followed_by": "followed_by_names",
    "maybe_followed_by": "maybe_followed_by_names",
    "path": "path_names",
    "first": "first_name",
    "from": "from_name",
    "to": "to_name",
    "loss": "loss_name",
}
EVENT_COLUMNS = [
    "respondent",
    "step",
    "event",
    "code",
    "label",
    "when",
    "life_year",
    "life_age",
    "life_key",
    "timing",
    "certainty",
    "status",
    "mentions",
    "codings",
    "followed_by",
    "led_to",
    "maybe_followed_by",
    "maybe_led_to",
    "evidence",
    "document",
    "segment",
    "text",
    "coding",
    "respondent_id",
]
REACTION_COLUMNS = [
    "respondent",
    "event",
    "code",
    "reaction",
    "follows",
    "follows_code",
    "link",
    "when",
    "life_year",
    "life_age",
    "timing",
    "certainty",
    "status",
    "mentions",
    "codings",
    "evidence",
    "document",
    "segment",
    "text",
    "coding",
]
LINK_COLUMNS = [
    "respondent",
    "link",
    "type",
    "cause",
    "cause_code",
    "cause_when",
    "effect",
    "effect_code",
    "effect_when",
    "status",
    "origin",
    "score",
    "evidence",
]


@dataclasses.dataclass
class Cascades:
    """The cascade overview: every table the page and the exports show."""

    events: pd.DataFrame  # one row per loss event, in life order (``step``)
    reactions: pd.DataFrame  # one row per reaction event, with the loss it follows
    links: pd.DataFrame  # one row per link (loss -> loss, loss -> reaction)
    chains: pd.DataFrame  # one row per cascade: >= 2 linked losses in one life
    lengths: pd.DataFrame  # per respondent: longest cascade (0 = none) and how many
    length_counts: pd.DataFrame  # longest cascade -> number of respondents
    transitions: pd.DataFrame  # loss kind -> loss kind: confirmed, proposed, who
    first_losses: pd.DataFrame  # the kind that starts a cascade: cascades, respondents
    reaction_counts: pd.DataFrame  # loss kind -> reaction: confirmed, proposed, respondents
    unplaced: pd.DataFrame  # per respondent: loss / reaction fragments in no event
    quotes: pd.DataFrame  # every kept mention: event, coding, document, coder, text
    include_proposed: bool = False


def descendants(project: Project, root: str) -> list[str]:
    """``root`` and every code below it, in codebook order."""
    table = codes_table(project)
    found = {root}
    while True:
        more = set(table.loc[table["parent"].isin(found), "code"]) - found
        if not more:
            break
        found |= more
    return [c for c in table["code"] if c in found]


def _birth_years(db: Database, frame: pd.DataFrame) -> pd.Series:
    both = frame.dropna(subset=["life_year", "life_age"])
    marked = (both["life_year"] - both["life_age"]).groupby(both["respondent"]).median()
    attr = pd.read_sql_query(
        "SELECT coalesce(r.code, '') AS respondent, v.value FROM attribute_values v "
        "JOIN respondents r ON r.id = v.respondent_id WHERE v.attribute = ?",
        db.conn,
        params=[BIRTH_YEAR_ATTRIBUTE],
    )
    given = pd.to_numeric(attr.set_index("respondent")["value"], errors="coerce").dropna()
    return marked.combine_first(given)


def life_order(project: Project, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (fragments) sorted in life-story order, with ``story_rank`` 1..n per respondent.

    Adds ``life_key`` (the year, or age, used for ordering, filled from the nearest mark)
    and ``marked`` (whether the fragment itself carries a year or age). Needs ``read``: an
    age becomes a year through the respondent's birth year (an attribute).
    """
    project.require("read")
    db = project.db
    out = frame.copy()
    # Integer keys for the respondent: grouping and sorting on them is far cheaper than on text.
    out["respondent_key"] = pd.factorize(out["respondent"], sort=True)[0]
    out = out.sort_values(
        ["respondent_key", "document_id", "start_char", "end_char", "fragment_id"]
    ).reset_index(drop=True)
    born = _birth_years(db, out).reindex(out["respondent"]).to_numpy(dtype=float)
    years = out["life_year"].astype(float).to_numpy()
    ages = out["life_age"].astype(float).to_numpy()
    by = out["respondent_key"]
    key = pd.Series(np.where(np.isnan(years), born + ages, years), index=out.index)
    has_year = key.notna().groupby(by).transform("any")
    key = key.where(has_year, pd.Series(ages, index=out.index))
    out["marked"] = key.notna()
    out["life_key"] = key.groupby(by).ffill().groupby(by).bfill()
    out["_transcript"] = np.arange(len(out))
    out = out.sort_values(["respondent_key", "life_key", "_transcript"], na_position="last")
    out["story_rank"] = out.groupby("respondent_key").cumcount() + 1
    return out.drop(columns="_transcript").reset_index(drop=True)


def _when(frame: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.Series:
    """How the life time reads in ``lang``: 2018, "57 jaar" / "age 57", "na #12" / "after
    #12", or "" (no time: told order)."""

    def one(year: Any, age: Any, relation: Any, other: Any) -> str:
        if not pd.isna(year) or not pd.isna(age):
            return reason_text(
                life_time(None if pd.isna(year) else year, None if pd.isna(age) else age), lang
            )
        if relation in ("before", "after") and not pd.isna(other):
            return t(f"life_events.evidence.{relation}", lang, event=int(other))
        return ""

    times = zip(frame["life_year"], frame["life_age"], frame["relation"], frame["relative_to"])
    return pd.Series([one(*time) for time in times], index=frame.index, dtype=object)


QUOTE_COLUMNS = [
    "respondent",
    "event",
    "coding",
    "code",
    "document",
    "coder",
    "status",
    "segment",
    "text",
]


def _quotes(db: Database, lines: LifeLines) -> pd.DataFrame:
    """The mentions behind every kept event, in the order they were told."""
    names = dict(db.execute("SELECT id, name FROM documents").fetchall())
    who = lines.events.set_index("event")["respondent"] if len(lines.events) else pd.Series()
    quotes = lines.mentions.assign(
        respondent=lines.mentions["event"].map(who),
        document=lines.mentions["document_id"].map(names),
    )
    return quotes.reindex(columns=QUOTE_COLUMNS).reset_index(drop=True)


def _lines(
    project: Project, selection: Selection, *, proposals: bool = False, lang: str = DEFAULT_LANGUAGE
) -> tuple[pd.DataFrame, ...]:
    """Loss events, reaction events, links, unplaced counts and quotes of the selection."""
    lines = life_lines(project, selection, proposals=proposals, lang=lang)
    events = lines.events
    quotes = _quotes(project.db, lines)
    if events.empty:
        empty = pd.DataFrame(columns=EVENT_COLUMNS)
        return (
            empty,
            pd.DataFrame(columns=REACTION_COLUMNS),
            pd.DataFrame(columns=LINK_COLUMNS),
            lines.unplaced,
            quotes,
        )
    the = kinds(project)
    events = events.assign(when=_when(events, lang), code=events["kind"])
    links = lines.links.assign(
        status=lines.links["status"].map({"accepted": "confirmed", "suggested": "proposed"})
    )
    when = events.set_index("event")["when"]
    links = links.assign(
        type=links["effect_role"].map({"loss": "loss", "reaction": "reaction"}),
        cause_code=links["cause_kind"],
        effect_code=links["effect_kind"],
        cause_when=links["cause"].map(when),
        effect_when=links["effect"].map(when),
    )

    losses = events[events["role"] == "loss"].copy()
    losses["step"] = losses.groupby("respondent").cumcount() + 1
    after = links[links["type"] == "reaction"]
    reactions = events[events["role"] == "reaction"].copy()
    reactions["reaction"] = reactions["kind"].map(the.reactions)
    first_cause = (
        after.sort_values(["status", "link"]).drop_duplicates("effect").set_index("effect")
    )
    reactions["follows"] = reactions["event"].map(first_cause["cause"]).astype("Int64")
    reactions["follows_code"] = reactions["event"].map(first_cause["cause_kind"])
    reactions["link"] = reactions["event"].map(first_cause["status"]).astype(object).fillna("")
    followed = after.merge(reactions[["event", "reaction"]], left_on="effect", right_on="event")
    onward = links[links["type"] == "loss"].assign(to=lambda f: f["effect"].astype(str))
    for status, prefix in (("confirmed", ""), ("proposed", "maybe_")):
        mine = followed[followed["status"] == status].drop_duplicates(["cause", "reaction"])
        losses[f"{prefix}followed_by"] = (
            losses["event"].map(joined(mine, "cause", "reaction", ", ")).astype(object).fillna("")
        )
        mine = onward[onward["status"] == status]
        losses[f"{prefix}led_to"] = (
            losses["event"].map(joined(mine, "cause", "to", ", ")).astype(object).fillna("")
        )
    return (
        losses[EVENT_COLUMNS].reset_index(drop=True),
        reactions[REACTION_COLUMNS].reset_index(drop=True),
        links[LINK_COLUMNS].reset_index(drop=True),
        lines.unplaced,
        quotes,
    )


def loss_events(
    project: Project,
    selection: Selection = Selection(),
    *,
    proposals: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Per respondent, the loss events in life order (``step``), with the reactions linked
    to each (``followed_by``) and the losses each led to (``led_to``, event ids), by
    confirmed links; ``maybe_followed_by`` and ``maybe_led_to`` by proposed links; the
    ``evidence`` in ``lang``. Needs ``read``."""
    project.require("read")
    return _lines(project, selection, proposals=proposals, lang=lang)[0]


def _chains(losses: pd.DataFrame, links: pd.DataFrame, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Connected groups of >= 2 loss events under links with these statuses."""
    onward = links[(links["type"] == "loss") & links["status"].isin(statuses)]
    parent = {e: e for e in losses["event"]}

    def root(e: int) -> int:
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    for a, b in zip(onward["cause"], onward["effect"]):
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    group = losses.assign(chain_root=[root(e) for e in losses["event"]])
    size = group.groupby("chain_root")["event"].transform("size")
    group = group[size >= 2].sort_values(["respondent", "step"])
    if group.empty:
        return pd.DataFrame(
            columns=[
                "respondent",
                "chain",
                "length",
                "path",
                "first",
                "first_event",
                "events",
                "confirmed_links",
                "proposed_links",
            ]
        )
    effects = set(onward["effect"])
    rows = []
    for (respondent, _), members in group.groupby(["respondent", "chain_root"], sort=False):
        ids = set(members["event"])
        inner = onward[onward["cause"].isin(ids) & onward["effect"].isin(ids)]
        starts = members[~members["event"].isin(effects)]
        start = (starts if len(starts) else members).iloc[0]
        rows.append(
            {
                "respondent": respondent,
                "length": len(members),
                "path": _path(members, inner),
                "first": start["code"],
                "first_event": int(start["event"]),
                "events": ", ".join(str(int(e)) for e in members["event"]),
                "confirmed_links": int((inner["status"] == "confirmed").sum()),
                "proposed_links": int((inner["status"] == "proposed").sum()),
            }
        )
    out = pd.DataFrame(rows)
    out.insert(1, "chain", out.groupby("respondent").cumcount() + 1)
    return out


def _path(members: pd.DataFrame, inner: pd.DataFrame) -> str:
    """The cascade's links as the reader follows them: runs "A -> B -> C", a branch as a run
    of its own after "; " ("A -> B -> C; B -> D"), losses by kind, each link once.

    Why not the losses in life order joined by arrows: an arrow then says "led to" between
    two losses that no link joins (a death that led to a move and, apart, to a lonelier
    network read "death -> network -> move"). Runs start at the losses no link leads to, in
    life order (``members`` is in life order); a link back into a loop starts a run too.
    """
    rank = {e: i for i, e in enumerate(members["event"])}
    kind = dict(zip(members["event"], members["code"]))
    out: dict[int, list[int]] = {e: [] for e in rank}
    for a, b in sorted(zip(inner["cause"], inner["effect"]), key=lambda ab: rank[ab[1]]):
        if b not in out[a]:
            out[a].append(b)
    led_to = {b for bs in out.values() for b in bs}
    runs: list[list[int]] = []

    def walk(e: int) -> None:
        run = [e]
        runs.append(run)
        while out[run[-1]]:
            run.append(out[run[-1]].pop(0))
        for branch in run:  # the other links out of a loss on this run
            while out[branch]:
                walk(branch)

    for e in sorted(rank, key=lambda e: (e in led_to, rank[e])):
        while out[e]:
            walk(e)
    return BRANCH.join(ARROW.join(kind[e] for e in run) for run in runs)


def _pair_counts(links: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """confirmed / proposed counts per pair of kinds, and who has a confirmed one."""
    if links.empty:
        return pd.DataFrame(columns=[*by, "confirmed", "proposed", "respondents", "who"])
    counts = (
        links.assign(
            confirmed=links["status"] == "confirmed", proposed=links["status"] == "proposed"
        )
        .groupby(by)[["confirmed", "proposed"]]
        .sum()
        .astype(int)
        .reset_index()
    )
    sure = links[links["status"] == "confirmed"].drop_duplicates([*by, "respondent"])
    people = sure.groupby(by)["respondent"].nunique().rename("respondents")
    who = joined(sure, by, "respondent", ", ").rename("who")
    counts = counts.join(people, on=by).join(who, on=by)
    counts["respondents"] = counts["respondents"].fillna(0).astype(int)
    counts["who"] = counts["who"].fillna("")
    return counts.sort_values(
        ["confirmed", "proposed", *by], ascending=[False, False, *[True] * len(by)]
    ).reset_index(drop=True)


def cascade_overview(
    project: Project,
    selection: Selection = Selection(),
    *,
    containing: str | None = None,
    include_proposed: bool = False,
    proposals: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> Cascades:
    """Loss cascades per respondent and across respondents (see the module docstring).

    Every column of code ids has a column of the codes' names (in ``lang``) next to it
    (:data:`CASCADE_NAMES`): the name to read, the id to join on.

    ``containing`` keeps only respondents with a loss event of that kind;
    ``include_proposed`` builds cascades from proposed links too (transitions and reactions
    always count confirmed and proposed links apart). By default only stored events and
    links count; ``proposals`` adds what the workbench would propose for codings in no event
    yet (computed, not written; negative ids), as the page and the CLI do. Why the
    workbench proposed an event or a link (``evidence``) reads in ``lang``. Needs ``read``.
    """
    project.require("read")
    if containing is not None:
        check_codes(project, [containing])
        losses_kinds = kinds(project).losses
        if containing not in losses_kinds:
            raise InputError("patterns.not_a_loss", code=containing, losses=", ".join(losses_kinds))
    losses, reactions, links, unplaced, quotes = _lines(
        project, selection, proposals=proposals, lang=lang
    )
    people = respondents(project, selection)[["respondent"]]
    if containing is not None:
        keep = set(losses.loc[losses["code"] == containing, "respondent"])
        losses, reactions, links, unplaced, people, quotes = (
            t[t["respondent"].isin(keep)].reset_index(drop=True)
            for t in (losses, reactions, links, unplaced, people, quotes)
        )
    statuses = ("confirmed", "proposed") if include_proposed else ("confirmed",)
    chains = _chains(losses, links, statuses)
    longest = chains.groupby("respondent").agg(length=("length", "max"), cascades=("chain", "size"))
    lengths = people.join(longest, on="respondent")
    lengths[["length", "cascades"]] = lengths[["length", "cascades"]].fillna(0).astype(int)
    lengths = lengths.reset_index(drop=True)
    length_counts = lengths.groupby("length").size().rename("respondents").reset_index()
    firsts = (
        chains.groupby("first")
        .agg(cascades=("chain", "size"), respondents=("respondent", "nunique"))
        .reset_index()
        .rename(columns={"first": "code"})
        .sort_values(["cascades", "code"], ascending=[False, True])
        .reset_index(drop=True)
    )
    onward = links[links["type"] == "loss"].rename(
        columns={"cause_code": "from", "effect_code": "to"}
    )
    transitions = _pair_counts(onward, ["from", "to"])
    the = kinds(project)
    after = links[links["type"] == "reaction"]
    after = after.assign(loss=after["cause_code"], reaction=after["effect_code"].map(the.reactions))
    reaction_counts = _pair_counts(after, ["loss", "reaction"])
    named = partial(with_code_names, project, columns=CASCADE_NAMES, lang=lang)
    return Cascades(
        events=named(losses),
        reactions=named(reactions),
        links=named(links),
        chains=named(chains),
        lengths=lengths,
        length_counts=length_counts,
        transitions=named(transitions),
        first_losses=named(firsts),
        reaction_counts=named(reaction_counts),
        unplaced=unplaced,
        quotes=named(quotes),
        include_proposed=include_proposed,
    )
