"""Every agreement figure a supervisor sees is right and says what it covers.

A fictional two-coder project (tests/two_coders.py) where one code was applied once, by both
coders, to one passage of 42: its alpha is 1.000, but one agreement is no evidence that the
code is applied reliably. And the review list counts the same differences as the table.
"""

from __future__ import annotations

import numpy as np
import pytest

import two_coders as tc
from page_runner import run_page
from workbench import agreement
from workbench import consistency as cons
from workbench import done_marks
from workbench.cli import main
from workbench.handle import Project

# 42 passages, every one read by both coders (marked done). Verlies: once, by both.
# Schaamte: 10 agreements, 2 passages only anna saw it. Isolement: 5 agreements, 1 passage
# only anna (the passage where she also gave Schaamte alone: one passage, two differences).
DESIGN = (
    [((), ())] * 24
    + [(("verlies",), ("verlies",))]
    + [(("schaamte",), ("schaamte",))] * 10
    + [(("schaamte",), ())]
    + [(("schaamte", "isolement"), ())]
    + [(("isolement",), ("isolement",))] * 5
)


@pytest.fixture
def rare(db):
    tc.build(db, DESIGN)
    for coder in ("anna", "bram"):
        done_marks.mark_done(Project.for_user(db, coder), None, coder=coder)
    return db


def report(db, **kwargs):
    return cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="document", **kwargs
    )


def test_a_code_applied_once_is_not_called_reliable(rare):
    """Old: Verlies 1.000 with interval [1.000, 1.000], "reliable", because the draws
    without its one passage (about a third) were left out."""
    verlies = report(rare)["codes"]["Verlies"]
    assert verlies["alpha"] == 1.0
    assert verlies["alpha_ci"] == [None, 1.0]
    assert verlies["verdict"] == "unreliable"
    # codes that occur often enough keep a full interval, read as before
    schaamte = report(rare)["codes"]["Schaamte"]
    assert None not in schaamte["alpha_ci"]
    assert schaamte["verdict"] == agreement.verdict(schaamte["alpha"], schaamte["alpha_ci"][0])


def test_draws_without_the_code_rank_lowest():
    """20 of 1,000 draws undefined, 10 at 0.5: the 2.5% bound is 0.5 (old: 1.0, with the
    undefined draws left out); with 30 undefined there is no lower bound."""
    draws = np.array([np.nan] * 20 + [0.5] * 10 + [1.0] * 970)
    assert agreement._interval(draws, 0.95) == (0.5, 1.0)
    assert agreement._interval(np.array([np.nan] * 30 + [1.0] * 970), 0.95) == (None, 1.0)
    assert agreement._interval(np.array([np.nan] * 990 + [1.0] * 10), 0.95) == (None, None)
    assert agreement.verdict(1.0, None, drawn=True) == "unreliable"
    assert agreement.verdict(1.0, None) == "reliable"  # no interval drawn: the point value


def test_the_table_counts_the_differences_the_review_lists(rare):
    found = report(rare)
    assert {name: f["n_differ"] for name, f in found["codes"].items()} == {
        "Verlies": 0,
        "Schaamte": 2,
        "Isolement": 1,
    }
    assert found["overall"]["n_differ"] == 3
    listed = cons.disagreements(
        Project.for_user(rare, "sanne"), coders=["anna", "bram"], unit="document"
    )
    assert len(listed) == 2  # passages
    assert sum(not c["agree"] for item in listed for c in item["codes"]) == 3


def test_the_cli_says_how_all_codes_together_pools_and_shows_a_missing_bound(
    rare, project_path, capsys
):
    run = ["--lang", "en", "agreement", "--project", str(project_path), "--unit", "document"]
    assert main([*run, "--coders", "anna,bram"]) == 0
    out = capsys.readouterr().out
    verlies = next(line for line in out.splitlines() if line.startswith("Verlies"))
    assert "[-, 1.000]" in verlies and verlies.endswith("do not rely on it")
    header = next(line for line in out.splitlines() if line.startswith("code"))
    assert header.split()[-2:] == ["differences", "verdict"]
    assert (
        "All codes together: one document with one code is one choice "
        "(42 documents × 3 codes = 126 choices, 3 of them different)." in out
    )
    assert "An interval without a lower bound: the code was missing from more than 2.5%" in out


def test_the_page_shows_differences_that_match_the_review(rare, project_path):
    at = run_page("consistentie", project_path, user="sanne", lang="en")
    at.selectbox(key="consistency_unit").set_value("document").run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["Code"]) == ["Verlies", "Schaamte", "Isolement"]
    assert list(table["Differences"]) == [0, 2, 1]
    assert table["95% interval alpha"][0] == "— – 1.000"
    assert table["Verdict"][0] == "do not rely on it"
    captions = [c.value for c in at.caption]
    assert any("42 documents × 3 codes = 126 choices, 3 of them different" in c for c in captions)
    assert any(c.startswith("An interval without a lower bound") for c in captions)
    assert any(
        c.startswith("2 documents where the coders differ, with 3 differences in all")
        for c in captions
    )


def test_a_bound_just_below_zero_is_not_shown_as_minus_zero():
    assert agreement.shown(-0.0003) == "0.000"
    assert agreement.shown(-0.2) == "-0.200"
