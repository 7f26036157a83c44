"""Smoke test on the fictional demo corpus: the overviews agree with its codings.jsonl."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import DEMO

from workbench import patterns
from workbench.demo import load_demo
from workbench.store import DEFAULT_USER, open_project

ME = DEFAULT_USER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("patterns-demo") / "demo.db"
    load_demo(path)
    database = open_project(path)
    yield database
    database.close()


def _codings() -> pd.DataFrame:
    lines = (DEMO / "codings.jsonl").read_text(encoding="utf-8").splitlines()
    rows = pd.DataFrame([json.loads(line) for line in lines if line.strip()])
    manifest = pd.read_csv(DEMO / "manifest.csv")
    return rows.merge(manifest, on="file")


def test_every_demo_code_shows_up_for_its_respondent(demo):
    matrix = patterns.framework_matrix(demo, patterns.Selection(speakers="all"), user=ME)
    for row in _codings().drop_duplicates(["respondent", "code"]).itertuples():
        assert matrix.loc[row.respondent, row.code] >= 1, (row.respondent, row.code)


def test_demo_cascades_run_in_life_story_order(demo):
    events = patterns.cascade_overview(demo, patterns.Selection(speakers="all"), user=ME).events
    assert not events.empty
    for _, person in events.groupby("respondent"):
        keys = person.sort_values("step")["life_key"].tolist()
        assert keys == sorted(keys)
    losses = set(patterns.descendants(demo, "verlies")) - set(patterns.NOT_EVENTS)
    marked = _codings().dropna(subset=["life_year"])
    marked = marked[marked["code"].isin(losses)]
    found = set(zip(events["respondent"], events["code"], events["life_year"].astype(float)))
    for row in marked.itertuples():
        assert (row.respondent, row.code, float(row.life_year)) in found, row
