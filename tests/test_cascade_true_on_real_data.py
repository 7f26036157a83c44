"""Loss cascades on imported interviews: a re-mention is no new loss and no new link, and an
event without its own time sits where its links put it (docs/patterns.md, loss cascades).

Every story is fictional Dutch, imported with the real pipeline into a real project with the
default codebook; codings are made sentence by sentence as a coder would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import imports, life_events, patterns
from workbench import respondents as people
from workbench.codings import add_coding, set_life_time
from workbench.handle import Project
from workbench.store import DEFAULT_USER

ME = DEFAULT_USER


@pytest.fixture
def story(new_project, tmp_path: Path, nlp):
    """``story(respondent, sentences)``: the project and the respondent's sentence ids, in
    order (segment 0 is the interviewer's question)."""
    database = new_project(tmp_path / "project.db")
    me = Project.for_user(database, ME)

    def tell(respondent: str, sentences: list[str]) -> tuple[Project, list[int]]:
        path = tmp_path / f"{respondent}.txt"
        path.write_text(
            "Interviewer: Vertel eens.\nRespondent: " + " ".join(sentences) + "\n",
            encoding="utf-8",
        )
        document = imports.import_file(me, path, nlp=nlp).document_id
        people.add_respondent(me, respondent)
        people.link_document(me, document, respondent)
        segments = [
            s
            for (s,) in database.execute(
                "SELECT id FROM segments WHERE document_id = ? ORDER BY position", [document]
            )
        ]
        assert len(segments) == len(sentences) + 1, "one segment per sentence"
        return me, segments

    yield tell
    database.close()


def code(me: Project, segment: int, slug: str, year: int | None = None) -> int:
    coding = add_coding(me, code=slug, segment_id=segment)
    if year is not None:
        set_life_time(me, coding, year=year, age=None)
    return coding


def loss_links(overview) -> set[tuple[str, str, str, str]]:
    links = overview.links[overview.links["type"] == "loss"]
    return set(
        zip(links["cause_code"], links["cause_when"], links["effect_code"], links["effect_when"])
    )


def test_a_re_mention_after_a_connective_is_no_new_effect(story):
    me, s = story(
        "R21",
        [
            "Mijn moeder overleed in 2005.",
            "Mijn vader overleed in 2019.",
            "Het overlijden van mijn moeder knaagt nog steeds.",
            "Daardoor raakte ik mijn werk kwijt.",
            "Mijn vader mis ik ook.",
        ],
    )
    code(me, s[1], "verlies-dierbare", 2005)
    code(me, s[2], "verlies-dierbare", 2019)
    code(me, s[3], "verlies-dierbare")
    code(me, s[4], "verlies-werk")
    code(me, s[5], "verlies-dierbare")
    overview = patterns.cascade_overview(me, proposals=True, include_proposed=True)
    assert overview.events["mentions"].tolist() == [2, 2, 1]  # both re-mentions joined
    # the connective of the job's sentence links the mother to the job, nothing more
    assert loss_links(overview) == {("verlies-dierbare", "2005", "verlies-werk", "")}
    assert overview.chains["path"].tolist() == ["verlies-dierbare -> verlies-werk"]
    # what propose() stores is the same
    life_events.propose(me)
    stored = life_events.links_frame(me, respondent="R21")
    assert stored[["cause_kind", "effect_kind"]].values.tolist() == [
        ["verlies-dierbare", "verlies-werk"]
    ]


def test_a_connective_speaks_for_its_own_sentence_or_the_next_when_it_has_no_new_loss(story):
    me, s = story(
        "R22",
        [
            "In 2012 ging mijn huwelijk kapot.",
            "Daardoor moest ik mijn huis uit.",
            "Mijn hond is later ook doodgegaan.",
        ],
    )
    code(me, s[1], "verlies-relatie", 2012)
    code(me, s[2], "verlies-woning")
    code(me, s[3], "verlies-dierbare")  # a new loss, but "daardoor" was about the house
    me, s = story(
        "R23",
        [
            "Mijn man overleed in 2010.",
            "Na de dood van mijn man ging alles mis.",
            "Ik moest het huis uit.",
        ],
    )
    code(me, s[1], "verlies-dierbare", 2010)
    code(me, s[2], "verlies-dierbare")  # a re-mention: the connective names the cause
    code(me, s[3], "verlies-woning")
    overview = patterns.cascade_overview(me, proposals=True)
    assert loss_links(overview) == {
        ("verlies-relatie", "2012", "verlies-woning", ""),
        ("verlies-dierbare", "2010", "verlies-woning", ""),
    }
    assert set(overview.links["respondent"]) == {"R22", "R23"}


def test_an_untimed_loss_sits_after_its_cause_and_before_its_effect(story):
    me, s = story(
        "R24",
        [
            "Mijn man overleed in 2010.",
            "In 2016 moest ik verhuizen.",
            "Na zijn dood verloor ik mijn werk.",
        ],
    )
    husband = life_events.create_event(me, [code(me, s[1], "verlies-dierbare")], life_year=2010)
    house = life_events.create_event(me, [code(me, s[2], "verlies-woning")], life_year=2016)
    job = life_events.create_event(me, [code(me, s[3], "verlies-werk")])
    life_events.link(me, husband, job)
    life_events.link(me, job, house)
    overview = patterns.cascade_overview(me)
    assert overview.events["event"].tolist() == [husband, job, house]
    assert overview.events["when"].tolist() == ["2010", "", "2016"]  # nothing invented
    assert overview.chains["path"].tolist() == [
        "verlies-dierbare -> verlies-werk -> verlies-woning"
    ]


def test_an_untimed_effect_follows_its_cause_and_own_times_keep_time_order(story):
    me, s = story(
        "R25",
        [
            "Ik kreeg in 2015 een hernia.",
            "Mijn vriendenclub zag ik daarna niet meer.",
            "Mijn vrouw is in 2011 overleden.",
            "In 2018 raakte ik mijn baan kwijt.",
        ],
    )
    back = life_events.create_event(me, [code(me, s[1], "verlies-gezondheid")], life_year=2015)
    friends = life_events.create_event(me, [code(me, s[2], "verlies-netwerk")])
    wife = life_events.create_event(me, [code(me, s[3], "verlies-dierbare")], life_year=2011)
    job = life_events.create_event(me, [code(me, s[4], "verlies-werk")], life_year=2018)
    life_events.link(me, job, friends)  # told before the job, it still comes after it
    life_events.link(me, job, wife)  # against the times: the times win
    overview = patterns.cascade_overview(me)
    assert overview.events["event"].tolist() == [wife, back, job, friends]
