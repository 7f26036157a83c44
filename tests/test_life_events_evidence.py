"""Why a loss was linked reads in the reader's language: stored as keys, put into words when
shown (Dutch by default, English with ``lang="en"`` / ``--lang en``); the words quoted from
the interview stay as they were said, and a reason an older version stored as Dutch text
still shows as it is.

Fictional Dutch stories, imported with the real pipeline into a real project (the ``story``
fixture of tests/test_cascade_true_on_real_data.py).
"""

from __future__ import annotations

import json

from test_cascade_true_on_real_data import code, story  # noqa: F401  (fixture)

from workbench import life_events, patterns
from workbench.cli import main
from workbench.codings import set_life_time
from workbench.patterns import read_csv_export
from workbench.store import transaction

JOB_THEN_HOME = [
    "In 2014 verloor ik mijn baan bij de drukkerij.",
    "Daardoor kon ik de huur van mijn flat niet meer betalen.",
]
TOLD = " ".join(JOB_THEN_HOME)  # the connective's sentence and the one before it


def job_then_home(story):
    me, s = story("R31", JOB_THEN_HOME)
    code(me, s[1], "verlies-werk", 2014)
    code(me, s[2], "verlies-woning")
    return me


def test_a_proposed_link_says_why_in_dutch_by_default_and_in_english_on_request(story):
    me = job_then_home(story)
    planned = patterns.cascade_overview(me, include_proposed=True, proposals=True, lang="en")
    assert planned.links["evidence"].tolist() == [f"linking word “daardoor”: “{TOLD}”"]
    life_events.propose(me)  # stored now: the same reason, in either language
    dutch = patterns.cascade_overview(me, include_proposed=True)
    english = patterns.cascade_overview(me, include_proposed=True, lang="en")
    assert dutch.links["evidence"].tolist() == [f"verbindingswoord “daardoor”: “{TOLD}”"]
    assert english.links["evidence"].tolist() == [f"linking word “daardoor”: “{TOLD}”"]
    assert dutch.chains["path"].tolist() == ["verlies-werk -> verlies-woning"]


def test_the_cascades_export_gives_the_reason_in_the_language_of_the_command(story, tmp_path):
    job_then_home(story)
    out = tmp_path / "links.csv"
    command = ["patterns", "cascades", "--project", str(tmp_path / "project.db")]
    command += ["--table", "links", "--output", str(out)]
    assert main(["--lang", "en", *command]) == 0
    assert read_csv_export(out)[0]["evidence"].tolist() == [f"linking word “daardoor”: “{TOLD}”"]
    assert main(command) == 0
    assert read_csv_export(out)[0]["evidence"].tolist() == [
        f"verbindingswoord “daardoor”: “{TOLD}”"
    ]


def test_a_reason_an_older_version_stored_as_dutch_text_still_shows(story, tmp_path):
    me = job_then_home(story)
    life_events.propose(me)
    old = "verbindingswoord “daardoor”: “zoals een oudere versie het opsloeg”"
    with transaction(me.db):
        me.db.execute("UPDATE life_event_links SET evidence = ?", [json.dumps([old])])
    assert patterns.cascade_overview(me, lang="en").links["evidence"].tolist() == [old]
    out = tmp_path / "links.csv"
    command = ["--lang", "en", "patterns", "cascades", "--project", str(tmp_path / "project.db")]
    assert main([*command, "--stored-only", "--table", "links", "--output", str(out)]) == 0
    assert read_csv_export(out)[0]["evidence"].tolist() == [old]


def test_life_times_in_a_reason_are_words_of_the_readers_language(story):
    me, s = story(
        "R32",
        [
            "Op mijn vijftigste werd mijn contract niet verlengd.",
            "Een jaar later ging mijn relatie uit.",
            "Het jaar daarna zag ik bijna niemand meer.",
        ],
    )
    for segment, slug, age in ((s[1], "verlies-werk", 50), (s[2], "verlies-relatie", 51)):
        set_life_time(me, code(me, segment, slug), year=None, age=age)
    set_life_time(me, code(me, s[3], "isolement"), year=None, age=52)
    english = patterns.cascade_overview(me, include_proposed=True, proposals=True, lang="en")
    dutch = patterns.cascade_overview(me, include_proposed=True, proposals=True)
    assert set(english.links["evidence"]) == {
        "close together in time: age 50 and age 51",
        "isolement (age 52), after verlies-relatie (age 51)",
    }
    assert set(dutch.links["evidence"]) == {
        "kort na elkaar: 50 jaar en 51 jaar",
        "isolement (52 jaar), na verlies-relatie (51 jaar)",
    }


def test_the_patronen_page_says_why_a_link_was_proposed_in_the_readers_language(story, tmp_path):
    from page_runner import run_page

    me = job_then_home(story)
    life_events.propose(me)
    (link,) = [row[0] for row in me.db.execute("SELECT id FROM life_event_links")]
    shown = {}
    for lang, tab in (("nl", "Verliezen na elkaar"), ("en", "Loss cascades")):
        page = run_page(
            "patronen",
            tmp_path / "project.db",
            lang=lang,
            patronen_tab=tab,
            patronen_cas_person="R31",
            patronen_cas_proposed=True,
            patronen_cas_pick=f"link:{link}",
        )
        shown[lang] = [c.value for c in page.caption if "“daardoor”" in c.value]
    assert shown == {
        "nl": [f"Waarom: verbindingswoord “daardoor”: “{TOLD}”"],
        "en": [f"Why: linking word “daardoor”: “{TOLD}”"],
    }
