"""An event's ``mentions`` counts places in the interview, not codings: a sentence two coders
gave the same code is one mention (docs/patterns.md, "Fragments, not codings"). A tester
saw 6 mentions of isolement for 4 sentences coded by two coders.

The small project of tests/test_patterns.py: R01's s1 (verlies-dierbare) and s5
(isolement) are each coded by anna and bram.
"""

from __future__ import annotations

from test_patterns import build_project

from workbench.handle import Project
from workbench.patterns import cascade_overview, framework_matrix


def test_two_coders_on_one_sentence_make_one_mention(db):
    build_project(db)
    me = Project.for_user(db, "onderzoeker")
    overview = cascade_overview(me, proposals=True)
    loss = overview.events.query("respondent == 'R01' and code == 'verlies-dierbare'")
    reaction = overview.reactions.query("respondent == 'R01' and code == 'isolement'")
    matrix = framework_matrix(me)
    assert loss["mentions"].tolist() == [matrix.loc["R01", "verlies-dierbare"]] == [1]
    assert reaction["mentions"].tolist() == [matrix.loc["R01", "isolement"]] == [1]
