"""Loss cascades: the order of losses in a life story, and what followed each one.

Life stories about loneliness often tell a chain: a partner dies, the house is too big,
a move, the neighbourhood is new, contact fades. No coding tool models that order. Here:

- **Life-story order.** Fragments are in transcript order (documents in import order, then
  position). Where a coder marked a year (``codings.life_year``) or an age (``life_age``),
  that mark decides: a fragment without a mark takes the mark of the nearest marked
  fragment told before it (at the start of an interview: the first one after it), and
  fragments with the same mark keep transcript order. Ages become years when the
  respondent's birth year is known (from fragments that carry both, or the attribute
  ``geboortejaar``); a respondent with only ages is ordered by age.
- **Loss events.** Fragments of ``verlies`` and its sub-codes (not ``verliescascade``, which
  names a chain, not a loss). The same loss told in consecutive fragments is one event
  (unless both carry different years).
- **What followed.** The codes among schaamte, energiebalans, isolement, zingeving (with its
  sub-codes) and herstel that start in the loss's own segments or in the ``follow_window``
  segments after it, but before the next loss is told (so one reaction is not credited to
  two losses), in order of appearance.
- **Across respondents.** Cascade lengths, transitions (loss -> loss, loss -> what
  followed, and three-step paths such as verlies-dierbare -> verlies-woning -> isolement)
  with how many respondents share each, and the respondents who share a whole pattern.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlite_utils import Database

from workbench.errors import InputError
from workbench.patterns.fragments import (
    Selection, check_codes, codes_table, fragments, joined, respondents, texts,
)

LOSS_ROOT = "verlies"
NOT_EVENTS = ("verliescascade",)
FOLLOWERS = ("schaamte", "energiebalans", "isolement", "zingeving", "herstel")
BIRTH_YEAR_ATTRIBUTE = "geboortejaar"
ARROW = " -> "
FOLLOW_WINDOW = 10   # segments (sentences): a turn or two of talk after the loss
EVENT_COLUMNS = ["respondent", "step", "code", "life_year", "life_age", "life_key", "document",
                 "segment", "text", "fragments", "followed_by", "respondent_id"]


@dataclasses.dataclass
class Cascades:
    """The cascade overview: every table the page and the exports show."""

    events: pd.DataFrame        # one row per loss event, in life-story order
    followers: pd.DataFrame     # what followed each loss event
    lengths: pd.DataFrame       # per respondent: length and pattern
    length_counts: pd.DataFrame  # length -> number of respondents
    transitions: pd.DataFrame   # path, steps, occurrences, respondents, who
    patterns: pd.DataFrame      # whole cascades shared by respondents


def descendants(db: Database, root: str) -> list[str]:
    """``root`` and every code below it, in codebook order."""
    table = codes_table(db)
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
        db.conn, params=[BIRTH_YEAR_ATTRIBUTE],
    )
    given = pd.to_numeric(attr.set_index("respondent")["value"], errors="coerce").dropna()
    return marked.combine_first(given)


def life_order(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (fragments) sorted in life-story order, with ``story_rank`` 1..n per respondent.

    Adds ``life_key`` (the year, or age, used for ordering, filled from the nearest mark)
    and ``marked`` (whether the fragment itself carries a year or age).
    """
    out = frame.copy()
    # Integer keys for the respondent: grouping and sorting on them is far cheaper than on text.
    out["respondent_key"] = pd.factorize(out["respondent"], sort=True)[0]
    out = out.sort_values(["respondent_key", "document_id", "start_char", "end_char",
                           "fragment_id"]).reset_index(drop=True)
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


def _follower_labels(db: Database, followers: Sequence[str]) -> pd.Series:
    """code -> the follower it counts as (a sub-code of zingeving counts as zingeving)."""
    table = codes_table(db).set_index("code")
    label = pd.Series(pd.NA, index=table.index, dtype="object")
    for column in ("root", "parent"):
        label = label.where(~table[column].isin(followers), table[column])
    return label.where(~table.index.isin(followers), table.index.to_series()).dropna()


def _events_and_followers(
    db: Database,
    selection: Selection,
    *,
    user: str,
    follow_window: int,
    followers: Sequence[str],
    loss_root: str,
    exclude: Sequence[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    selection = dataclasses.replace(selection, rollup=False)
    losses = [c for c in descendants(db, loss_root) if c not in exclude]
    labels = _follower_labels(db, followers)
    # Only losses, what may follow them, and fragments with a year or age (they order the rest).
    ordered = life_order(db, fragments(db, selection, user=user, details=False,
                                       codes=[*losses, *labels.index], keep_marked=True))
    loss = ordered[ordered["code"].isin(losses)].copy()

    # One event per run of the same loss (unless two different years are marked).
    group = loss.groupby("respondent_key")
    prev_code, prev_key = group["code"].shift(), group["life_key"].shift()
    prev_marked = group["marked"].shift(fill_value=False).astype(bool)
    same = (loss["code"] == prev_code) & ~(
        loss["marked"] & prev_marked & (loss["life_key"] != prev_key)
    )
    loss["step"] = (~same).astype(int).groupby(loss["respondent_key"]).cumsum()
    # A merged run is dated by its first marked fragment (else by the mark it inherited).
    loss["run_key"] = loss["life_key"].where(loss["marked"])
    events = (
        loss.groupby(["respondent_key", "step"], sort=True)
        .agg(respondent=("respondent", "first"), code=("code", "first"),
             life_year=("life_year", "max"),
             life_age=("life_age", "max"), life_key=("life_key", "first"),
             run_key=("run_key", "first"),
             document=("document", "first"), segment=("seg_first", "first"),
             first_fragment=("fragment_id", "first"), fragments=("fragment_id", "size"),
             respondent_id=("respondent_id", "first"))
        .reset_index()
    )
    events["life_key"] = events.pop("run_key").fillna(events["life_key"])
    events.insert(8, "text", texts(db, events.pop("first_fragment")))

    # What followed: follower fragments starting in the loss's segments or the window after.
    after = ordered[ordered["code"].isin(labels.index)].copy()
    after["follower"] = after["code"].map(labels)
    near = loss[["respondent_key", "step", "fragment_id", "document_id", "seg_first",
                 "seg_last"]].assign(next_loss=_next_loss(loss))
    met = near.merge(
        after[["document_id", "fragment_id", "seg_first", "start_char", "follower", "code"]],
        on="document_id", suffixes=("", "_f"),
    )
    met = met[(met["seg_first_f"] >= met["seg_first"])
              & (met["seg_first_f"] <= met["seg_last"] + follow_window)
              & ((met["seg_first_f"] <= met["seg_last"])
                 | (met["seg_first_f"] < met["next_loss"]))
              & (met["fragment_id_f"] != met["fragment_id"])]
    met = met.sort_values(["respondent_key", "step", "seg_first_f", "start_char"])
    met = met.drop_duplicates(["respondent_key", "step", "fragment_id_f"])
    met = met.assign(text=texts(db, met["fragment_id_f"]))
    follow = met.rename(columns={"seg_first_f": "segment", "code": "follower_code"})[
        ["respondent_key", "step", "follower", "follower_code", "segment", "text"]
    ].merge(events[["respondent_key", "respondent", "step", "code"]],
            on=["respondent_key", "step"])
    firsts = follow.drop_duplicates(["respondent_key", "step", "follower"])
    events = events.merge(joined(firsts, ["respondent_key", "step"], "follower", ", ",
                                 sort=False).rename("followed_by").reset_index(),
                          on=["respondent_key", "step"], how="left")
    events["followed_by"] = events["followed_by"].fillna("").astype(object)
    follow = follow[["respondent", "step", "code", "follower", "follower_code", "segment",
                     "text"]].reset_index(drop=True)
    return events[EVENT_COLUMNS], follow


def _next_loss(loss: pd.DataFrame) -> np.ndarray:
    """Per loss fragment: where the next loss starts in the same document (after its own
    segments), by one binary search over all loss starts; no next loss gives infinity."""
    big = 1 << 32
    doc = loss["document_id"].to_numpy(dtype=np.int64)
    first = loss["seg_first"].fillna(-1).to_numpy(dtype=np.int64)
    last = loss["seg_last"].fillna(-1).to_numpy(dtype=np.int64)
    starts = np.unique(doc * big + first)
    at = np.searchsorted(starts, doc * big + last, side="right")
    found = np.append(starts, np.iinfo(np.int64).max)[at]
    same_doc = (found // big) == doc
    return np.where(same_doc, (found - doc * big).astype(float), np.inf)


def loss_events(
    db: Database,
    selection: Selection = Selection(),
    *,
    user: str,
    follow_window: int = FOLLOW_WINDOW,
    followers: Sequence[str] = FOLLOWERS,
    loss_root: str = LOSS_ROOT,
    exclude: Sequence[str] = NOT_EVENTS,
) -> pd.DataFrame:
    """Per respondent, the loss events in life-story order with what followed each.

    Columns: respondent, step (1..n), code, life_year, life_age, life_key, document,
    segment, text (the first fragment), fragments (how many were merged), respondent_id,
    followed_by (e.g. "schaamte, isolement").
    """
    return _events_and_followers(db, selection, user=user, follow_window=follow_window,
                                 followers=followers, loss_root=loss_root, exclude=exclude)[0]


def _paths(events: pd.DataFrame, follow: pd.DataFrame) -> pd.DataFrame:
    """Every transition as rows (respondent, path, steps)."""
    group = events.groupby("respondent")
    nxt = events.assign(next=group["code"].shift(-1), next2=group["code"].shift(-2))
    two = nxt.dropna(subset=["next"])
    three = nxt.dropna(subset=["next2"])
    firsts = follow.drop_duplicates(["respondent", "step", "follower"])
    after_next = two.assign(step=two["step"] + 1).merge(
        firsts[["respondent", "step", "follower"]], on=["respondent", "step"]
    )
    parts = [
        pd.DataFrame({"respondent": two["respondent"], "path": two["code"] + ARROW + two["next"],
                      "steps": 2}),
        pd.DataFrame({"respondent": firsts["respondent"],
                      "path": firsts["code"] + ARROW + firsts["follower"], "steps": 2}),
        pd.DataFrame({"respondent": three["respondent"],
                      "path": three["code"] + ARROW + three["next"] + ARROW + three["next2"],
                      "steps": 3}),
        pd.DataFrame({"respondent": after_next["respondent"],
                      "path": after_next["code"] + ARROW + after_next["next"] + ARROW
                      + after_next["follower"], "steps": 3}),
    ]
    return pd.concat(parts, ignore_index=True)


def cascade_overview(
    db: Database,
    selection: Selection = Selection(),
    *,
    user: str,
    follow_window: int = FOLLOW_WINDOW,
    followers: Sequence[str] = FOLLOWERS,
    loss_root: str = LOSS_ROOT,
    exclude: Sequence[str] = NOT_EVENTS,
    containing: str | None = None,
) -> Cascades:
    """Loss cascades per respondent and across respondents (see the module docstring).

    ``containing`` keeps only respondents whose cascade has that loss code.
    """
    if containing is not None:
        check_codes(db, [containing])
        losses = [c for c in descendants(db, loss_root) if c not in exclude]
        if containing not in losses:
            raise InputError("patterns.not_a_loss", code=containing, losses=", ".join(losses))
    events, follow = _events_and_followers(db, selection, user=user, follow_window=follow_window,
                                           followers=followers, loss_root=loss_root,
                                           exclude=exclude)
    people = respondents(db, selection, user=user)[["respondent"]]
    if containing is not None:
        keep = set(events.loc[events["code"] == containing, "respondent"])
        events = events[events["respondent"].isin(keep)].reset_index(drop=True)
        follow = follow[follow["respondent"].isin(keep)].reset_index(drop=True)
        people = people[people["respondent"].isin(keep)]
    pattern = joined(events, "respondent", "code", ARROW, sort=False)
    lengths = people.merge(
        events.groupby("respondent").size().rename("length").reset_index(),
        on="respondent", how="left",
    ).merge(pattern.rename("pattern").reset_index(), on="respondent", how="left")
    lengths["length"] = lengths["length"].fillna(0).astype(int)
    lengths["pattern"] = lengths["pattern"].fillna("")
    length_counts = (lengths.groupby("length").size().rename("respondents").reset_index())
    paths = _paths(events, follow)
    who = joined(paths.drop_duplicates(["path", "respondent"]), "path", "respondent", ", ")
    transitions = (
        paths.groupby(["path", "steps"])
        .agg(occurrences=("respondent", "size"), respondents=("respondent", "nunique"))
        .reset_index()
        .assign(who=lambda t: t["path"].map(who))
        .sort_values(["respondents", "occurrences", "steps", "path"],
                     ascending=[False, False, True, True])
        .reset_index(drop=True)
    )
    shared = lengths[lengths["length"] > 0]
    patterns = (
        shared.groupby("pattern")
        .agg(length=("length", "first"), respondents=("respondent", "size"))
        .reset_index()
        .assign(who=lambda t: t["pattern"].map(joined(shared, "pattern", "respondent", ", ")))
        .sort_values(["respondents", "length", "pattern"], ascending=[False, False, True])
        .reset_index(drop=True)
    )
    return Cascades(events=events, followers=follow, lengths=lengths,
                    length_counts=length_counts, transitions=transitions, patterns=patterns)
