"""What the Patronen page says its numbers are (a new user's findings): the profile's share
is a share of this person's fragments, the frequency chart names what it counts and each
group's n, codes show by their current name, and yes/no filters read "ja"/"nee".

The small project of tests/test_patterns.py plus typed attributes
(tests/test_patterns_filters.py); the downloads are built as the page builds them.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pytest
from page_runner import page_test
from test_page_patronen import TAB
from test_page_patronen_exports import files  # noqa: F401 (a fixture)
from test_patterns import build_project
from test_patterns_filters import add_typed_attributes

from workbench.codebook import rename_code
from workbench.handle import Project


@pytest.fixture
def path(db, project_path):
    build_project(db)
    add_typed_attributes(db)
    return project_path


def frame_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def chart(at) -> tuple[dict, pd.DataFrame]:
    """The first chart's Vega-Lite spec and the data it was given."""
    proto = at.get("vega_lite_chart")[0].proto
    data = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in proto.datasets]
    return json.loads(proto.spec), pd.concat(data) if data else pd.DataFrame()


@pytest.mark.parametrize(
    "lang, tab, label, wrong",
    [
        ("nl", TAB["profile"], "Deel van de fragmenten van deze persoon", "Deel van de groep"),
        ("en", "Respondent profile", "Share of this person's fragments", "Share of group"),
    ],
)
def test_profile_share_is_labelled_as_a_share_of_the_persons_fragments(
    path, files, lang, tab, label, wrong
):
    at = page_test("patronen", path, lang=lang, patronen_tab=tab, patronen_profile="R01").run()
    assert not at.exception, [e.message for e in at.exception]
    codes = frame_with(at, label)
    assert wrong not in codes.columns
    assert codes[label].sum() == pytest.approx(1.0, abs=0.001)  # all of R01's fragments
    sheet = pd.read_excel(io.BytesIO(files["persoon-R01.xlsx"]()), sheet_name="codes")
    assert label in sheet.columns and wrong not in sheet.columns


def test_frequency_chart_says_what_it_counts_and_each_groups_n(path):
    at = page_test("patronen", path, patronen_tab=TAB["frequencies"], patronen_freq_by="geslacht")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    spec, data = chart(at)
    assert spec["title"]["text"] == "Deel van de personen bij wie de code voorkomt"
    assert spec["title"]["subtitle"].startswith("Per geslacht. n = ")
    assert spec["facet"]["column"]["title"] == "geslacht"
    assert set(data["panel"]) == {"man (n = 2)", "vrouw (n = 2)"}
    tips = [t["field"] for t in spec["spec"]["layer"][0]["encoding"]["tooltip"]]
    assert "group_size" in tips


def test_screens_show_a_renamed_code_by_its_new_name(path, db):
    me = Project.for_user(db, "onderzoeker")
    rename_code(me, "isolement", "Alleen en buitengesloten", rationale="Duidelijker.")
    at = page_test("patronen", path).run()
    assert "Alleen en buitengesloten" in at.dataframe[0].value.columns
    assert "isolement" not in at.dataframe[0].value.columns
    at.session_state["patronen_tab"] = TAB["frequencies"]
    at.run()
    assert "Alleen en buitengesloten" in set(frame_with(at, "Code")["Code"])
    spec, data = chart(at)
    assert spec["spec"]["layer"][0]["encoding"]["y"]["field"] == "name"
    assert "Alleen en buitengesloten" in set(data["name"])


def test_yes_no_filter_reads_ja_nee_and_selects(path):
    at = page_test("patronen", path).run()
    box = at.multiselect(key="patronen_attr_uitkering")
    assert box.options == ["nee", "ja"]
    box.select("true").run()
    assert list(at.dataframe[0].value.index) == ["R01", "R03"]
    assert any("uitkering=ja" in c.value for c in at.caption)
    english = page_test("patronen", path, lang="en").run()
    assert english.multiselect(key="patronen_attr_uitkering").options == ["no", "yes"]
