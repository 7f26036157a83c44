"""Smoke test on the fictional demo corpus: the overviews agree with its codings.jsonl."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import DEMO

from workbench import patterns
from workbench.demo import load_demo
from workbench.handle import Project
from workbench.store import DEFAULT_USER, open_project

ME = DEFAULT_USER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_project):
    database = open_project(demo_project)
    yield database
    database.close()


def _codings() -> pd.DataFrame:
    lines = (DEMO / "codings.jsonl").read_text(encoding="utf-8").splitlines()
    rows = pd.DataFrame([json.loads(line) for line in lines if line.strip()])
    manifest = pd.read_csv(DEMO / "manifest.csv")
    return rows.merge(manifest, on="file")


def test_every_demo_code_shows_up_for_its_respondent(demo):
    matrix = patterns.framework_matrix(
        Project.for_user(demo, ME), patterns.Selection(speakers="all")
    )
    for row in _codings().drop_duplicates(["respondent", "code"]).itertuples():
        assert matrix.loc[row.respondent, row.code] >= 1, (row.respondent, row.code)


def test_demo_cascades_run_in_life_order_and_place_every_loss(demo):
    overview = patterns.cascade_overview(
        Project.for_user(demo, ME), patterns.Selection(speakers="all")
    )
    assert not overview.events.empty
    for _, person in overview.events.groupby("respondent"):
        keys = person.sort_values("step")["life_key"].dropna().tolist()
        assert keys == sorted(keys)
    # every accepted loss coding is a mention of some event (confirmed, or proposed)
    assert int(overview.unplaced["losses"].sum()) == 0
    marked = _codings().dropna(subset=["life_year"])
    losses = set(patterns.descendants(Project.for_user(demo, ME), "verlies")) - set(
        patterns.NOT_EVENTS
    )
    quotes = overview.quotes
    for row in marked[marked["code"].isin(losses)].itertuples():
        found = quotes[
            (quotes["respondent"] == row.respondent)
            & (quotes["code"] == row.code)
            & quotes["text"].str.contains(row.quote[:30], regex=False)
        ]
        assert len(found), row


# ----------------------------------------------------------------------------- loss cascades
# What the fictional stories say (corpora/demo/life_events.json follows them):
# R01 Gerda: Wim dies 2018 -> the house must be sold 2019; after Wim the couples' friends
#   fade; her job goes in 2020 (corona, not the house); isolation in 2018 and again in 2019.
# R05 Ronald: the divorce 2019 -> out of the house within two months -> his daughter comes
#   less; the divorce -> their friends stay with Marjolein. Work goes in 2021 (reorganisation).
# R07 Yvonne: her mother dies 2019 -> burn-out 2020 -> friends stop texting, job ends 2022;
#   "that still gnaws at me" is about her mother, not a new loss.
# R09 Kim: she leaves her ex 2021 -> he keeps the rented house (told first, same year).
# R10 Mehmet: his back 2008 -> no more work 2008 (one sentence); Ayşe dies 2020 and is
#   mentioned again later without a year ("als ik verhuis", "twee glaasjes thee").


@pytest.fixture(scope="module")
def cascades(demo):
    return patterns.cascade_overview(Project.for_user(demo, ME), patterns.Selection(speakers="all"))


def _losses(cascades, respondent):
    return cascades.events[cascades.events["respondent"] == respondent].sort_values("step")


def test_demo_cascades_are_the_chains_the_stories_tell(cascades):
    chains = cascades.chains.set_index("respondent")
    # Wim's death led to the move and, apart, to the thinner network: two runs, no
    # "netwerk -> woning" arrow that no link makes
    assert chains.loc["R01", "path"] == (
        "verlies-dierbare -> verlies-netwerk; verlies-dierbare -> verlies-woning"
    )
    assert chains.loc["R05", "length"] == 4 and chains.loc["R05", "first"] == "verlies-relatie"
    assert chains.loc["R07", "length"] == 4 and chains.loc["R07", "first"] == "verlies-dierbare"
    assert chains.loc["R10", "path"] == "verlies-gezondheid -> verlies-werk"
    assert "R04" not in chains.index  # losses, but the story links none of them
    r01 = _losses(cascades, "R01").set_index("code")
    assert r01.loc["verlies-werk", "led_to"] == ""  # corona took the job, not the house
    moves = cascades.transitions.set_index(["from", "to"])
    assert moves.loc[("verlies-gezondheid", "verlies-werk"), "who"] == "R07, R08, R10"


def test_demo_re_mentions_join_their_event(cascades):
    r10 = _losses(cascades, "R10")
    wife = r10[r10["code"] == "verlies-dierbare"]
    assert len(wife) == 1 and wife["life_year"].item() == 2020
    quotes = cascades.quotes[cascades.quotes["event"] == wife["event"].item()]["text"]
    assert quotes.str.contains("Als ik verhuis").any()
    assert quotes.str.contains("twee glaasjes thee").any()
    r07 = _losses(cascades, "R07")
    assert r07["code"].tolist().count("verlies-dierbare") == 1
    mother = r07[r07["code"] == "verlies-dierbare"]["event"].item()
    told = cascades.quotes[cascades.quotes["event"] == mother]["text"]
    assert told.str.contains("Dat knaagt nog steeds").any()
    assert 2022 not in r07.loc[r07["code"] == "verlies-dierbare", "life_year"].tolist()


def test_demo_order_is_life_time_not_telling_or_coding_id(cascades):
    r09 = _losses(cascades, "R09")
    # the house is told before the break-up, both in 2021; the break-up led to it
    assert r09["code"].tolist() == ["verlies-netwerk", "verlies-relatie", "verlies-woning"]
    assert r09["timing"].tolist()[0] == "relative"  # friends lost while still with him
    r10 = _losses(cascades, "R10")
    assert r10["code"].tolist()[:2] == ["verlies-gezondheid", "verlies-werk"]
    assert r10["life_year"].tolist() == sorted(r10["life_year"].tolist())
    r08 = _losses(cascades, "R08").set_index("code")
    assert (
        r08.loc["verlies-netwerk", "timing"] == "told" and r08.loc["verlies-netwerk", "when"] == ""
    )


def test_demo_reactions_follow_their_loss_by_life_time(cascades):
    reactions = cascades.reactions[
        (cascades.reactions["respondent"] == "R01") & (cascades.reactions["link"] == "confirmed")
    ]
    isolation = reactions[reactions["code"] == "isolement"].set_index("life_year")
    assert isolation.loc[2018, "follows_code"] == "verlies-dierbare"
    assert isolation.loc[2019, "follows_code"] == "verlies-woning"
    after = _losses(cascades, "R01").set_index("code")["followed_by"]
    assert after["verlies-werk"] == "energiebalans"


@pytest.fixture(scope="module")
def proposed(tmp_path_factory):
    """The demo without its confirmed events: only the workbench's proposals."""
    import shutil

    corpus = tmp_path_factory.mktemp("demo-corpus")
    for item in DEMO.iterdir():
        if item.is_file() and item.name != "life_events.json":
            shutil.copy(item, corpus / item.name)
    path = tmp_path_factory.mktemp("demo-proposed") / "demo.db"
    load_demo(path, corpus=corpus)
    database = open_project(path)
    from workbench import life_events

    life_events.propose(Project.for_user(database, ME))
    yield database
    database.close()


def test_proposals_on_the_demo_join_re_mentions_and_place_reactions_by_life_time(proposed):
    overview = patterns.cascade_overview(
        Project.for_user(proposed, ME), patterns.Selection(speakers="all"), include_proposed=True
    )
    r10 = overview.events[overview.events["respondent"] == "R10"]
    assert r10["code"].tolist().count("verlies-dierbare") == 1
    wife = r10.loc[r10["code"] == "verlies-dierbare", "event"].item()
    quotes = overview.quotes[overview.quotes["event"] == wife]["text"]
    assert quotes.str.contains("Als ik verhuis").any()
    r07 = overview.events[overview.events["respondent"] == "R07"]
    assert r07["code"].tolist().count("verlies-dierbare") == 1
    r01 = (
        overview.reactions[
            (overview.reactions["respondent"] == "R01")
            & (overview.reactions["code"] == "isolement")
        ]
        .dropna(subset=["life_year"])
        .set_index("life_year")
    )
    assert r01.loc[2018, "follows_code"] == "verlies-dierbare"
    assert r01.loc[2019, "follows_code"] == "verlies-woning"
    assert overview.chains.empty is False
    assert (overview.transitions["confirmed"] == 0).all()  # nothing confirmed by anyone
    far = overview.links[
        (overview.links["respondent"] == "R06") & (overview.links["type"] == "loss")
    ]
    assert not ((far["cause_when"] == "2009") & (far["effect_when"] == "2020")).any()
