"""Loss cascades from life events and links, on the small project of tests/test_patterns.py.

Known by construction (see that module's docstring): R02 tells werk (1990) in s1, then
dierbare (1985) in s2, then woning (no time) in s4, isolement in s5 and schaamte in s7;
R03 tells woning twice (s2, s5), all coded by bram; R01 has no marked times.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_patterns import ME, build_project

from workbench import life_events
from workbench.codebook import rename_code
from workbench.cli import main
from workbench.codings import add_coding
from workbench.errors import InputError
from workbench.handle import Project
from workbench.patterns import (
    Selection,
    cascade_overview,
    cascade_rows,
    life_lines,
    loss_events,
    read_csv_export,
)
from workbench.patterns import cascade_charts


@pytest.fixture
def project(db):
    segments = build_project(db)
    db.segments = segments  # segment ids per respondent, by position
    return db


@pytest.fixture
def researcher(project):
    """The project as seen by a researcher (every overview checks who reads)."""
    return Project.for_user(project, ME)


def coding(db, respondent: str, position: int, code: str, coder: str | None = None) -> int:
    """The accepted coding of ``code`` on that segment (the first coder's when two coded it)."""
    sql = (
        "SELECT c.id FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.segment_id = ? "
        "AND k.slug = ? AND c.status = 'accepted'"
        + (" AND c.coder = ?" if coder else "")
        + " ORDER BY c.id"
    )
    params = [db.segments[respondent][position], code] + ([coder] if coder else [])
    return db.execute(sql, params).fetchone()[0]


def event(db, respondent, position, code, **fields) -> int:
    return life_events.create_event(
        Project.for_user(db, ME), [coding(db, respondent, position, code)], **fields
    )


def r02_story(db) -> dict[str, int]:
    """R02's losses as events: werk 1990 (told first), dierbare 1985, woning without time."""
    ids = {
        name: event(db, "R02", pos, code)
        for name, pos, code in (
            ("werk", 1, "verlies-werk"),
            ("dierbare", 2, "verlies-dierbare"),
            ("woning", 4, "verlies-woning"),
        )
    }
    ids["isolement"] = event(db, "R02", 5, "isolement")
    return ids


def test_events_run_in_life_order_and_an_untimed_loss_keeps_its_place_in_the_telling(
    project, researcher
):
    r02_story(project)
    events = loss_events(researcher, proposals=False).set_index("code")
    # dierbare (1985) before werk (1990) although werk was told first; woning has no time:
    # it stays right after dierbare, the event told just before it.
    assert events.sort_values("step").index.tolist() == [
        "verlies-dierbare",
        "verlies-woning",
        "verlies-werk",
    ]
    assert events.loc["verlies-werk", "life_year"] == 1990  # taken from the coding's mark
    assert events.loc["verlies-woning", "timing"] == "told"
    assert events.loc["verlies-woning", "when"] == ""  # nothing invented
    assert pd_isna(events.loc["verlies-woning", "life_key"])


def pd_isna(value) -> bool:
    return value != value or value is None


def test_a_re_mention_is_part_of_its_event_not_a_new_loss(project, researcher):
    first = event(project, "R03", 2, "verlies-woning")
    life_events.attach(researcher, first, coding(project, "R03", 5, "verlies-woning"))
    event(project, "R03", 1, "verlies-dierbare")
    r03 = loss_events(researcher, proposals=False).query("respondent == 'R03'")
    assert r03["code"].tolist() == ["verlies-dierbare", "verlies-woning"]
    assert r03.set_index("code").loc["verlies-woning", "mentions"] == 2


def test_two_losses_in_one_sentence_order_by_link_not_by_which_coding_came_first(db):
    build_project(db)
    for first, second in (("verlies-woning", "verlies-werk"), ("verlies-werk", "verlies-woning")):
        segment = db.execute(
            "SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id "
            "WHERE d.name = 'interview-R04' AND s.position = 1"
        ).fetchone()[0]
        db.execute("DELETE FROM life_events")
        db.execute("DELETE FROM codings WHERE segment_id = ?", [segment])
        ids = {
            code: add_coding(Project.for_user(db, "anna"), code=code, segment_id=segment)
            for code in (first, second)
        }
        work, home = (
            life_events.create_event(Project.for_user(db, ME), [ids[c]], life_year=2008)
            for c in ("verlies-werk", "verlies-woning")
        )
        life_events.link(Project.for_user(db, ME), work, home)
        r04 = loss_events(Project.for_user(db, ME), proposals=False).query("respondent == 'R04'")
        assert r04["code"].tolist() == ["verlies-werk", "verlies-woning"], (first, second)


def test_ages_become_years_with_the_birth_year_and_before_after_sits_next_to_the_other(
    project, researcher
):
    born = event(project, "R01", 4, "verlies-woning", life_year=1980, life_age=40)
    later = event(project, "R01", 1, "verlies-dierbare", life_age=45)  # told first: 1985
    before = event(project, "R01", 7, "zingeving-hoop", relation="before", relative_to=born)
    events = life_lines(researcher, proposals=False).events.set_index("event")
    assert events.loc[later, "life_key"] == 1985.0 and events.loc[later, "timing"] == "age"
    assert events.loc[before, "life_key"] == 1979.5
    assert events.loc[before, "timing"] == "relative"
    r01 = events[events["respondent"] == "R01"].sort_values("order")
    assert r01.index.tolist() == [before, born, later]


def test_reactions_belong_to_the_loss_they_are_linked_to(project, researcher):
    ids = r02_story(project)
    life_events.link(researcher, ids["woning"], ids["isolement"])
    overview = cascade_overview(researcher, proposals=False)
    r02 = overview.events.query("respondent == 'R02'").set_index("code")
    assert r02.loc["verlies-woning", "followed_by"] == "isolement"
    assert r02.loc["verlies-dierbare", "followed_by"] == ""
    reaction = overview.reactions.set_index("event").loc[ids["isolement"]]
    assert reaction["follows"] == ids["woning"] and reaction["link"] == "confirmed"
    counts = overview.reaction_counts.set_index(["loss", "reaction"])
    assert counts.loc[("verlies-woning", "isolement"), "confirmed"] == 1


def test_a_cascade_needs_two_linked_losses_and_proposals_are_counted_apart(project, researcher):
    ids = r02_story(project)
    overview = cascade_overview(researcher, proposals=False)
    assert overview.chains.empty  # three losses, but nothing links them
    assert overview.lengths.set_index("respondent")["length"].to_dict() == {
        "R01": 0,
        "R02": 0,
        "R03": 0,
        "R04": 0,
    }
    life_events.link(researcher, ids["dierbare"], ids["werk"])
    proposed = life_events.propose(researcher)
    assert proposed["links"] >= 1
    overview = cascade_overview(researcher, proposals=False)
    chain = overview.chains.iloc[0]
    assert (chain["respondent"], chain["length"], chain["first"]) == ("R02", 2, "verlies-dierbare")
    moves = overview.transitions.set_index(["from", "to"])
    assert moves.loc[
        ("verlies-dierbare", "verlies-werk"), ["confirmed", "respondents"]
    ].tolist() == [1, 1]
    firsts = overview.first_losses.set_index("code")
    assert firsts.loc["verlies-dierbare", "cascades"] == 1
    assert overview.length_counts.set_index("length")["respondents"].to_dict() == {0: 3, 2: 1}


def test_a_cascade_path_draws_an_arrow_only_where_a_link_is(project, researcher):
    """R02: the death (1985) led to the move (no time, told after it) and, apart, to the
    job loss (1990). In life order that reads death, move, job; joined by arrows it said
    "move -> job", a link nobody made. The path gives the links: a branch after "; "."""
    ids = r02_story(project)
    life_events.link(researcher, ids["dierbare"], ids["woning"])
    life_events.link(researcher, ids["dierbare"], ids["werk"])
    chain = cascade_overview(researcher, proposals=False).chains.iloc[0]
    assert chain["length"] == 3 and chain["first"] == "verlies-dierbare"
    assert chain["events"] == f"{ids['dierbare']}, {ids['woning']}, {ids['werk']}"  # life order
    assert chain["path"] == "verlies-dierbare -> verlies-woning; verlies-dierbare -> verlies-werk"
    assert chain["path_names"] == (
        "Verlies dierbare -> Verlies woning; Verlies dierbare -> Verlies werk"
    )
    # one loss after the other stays one run
    life_events.link(researcher, ids["woning"], ids["werk"])
    chain = cascade_overview(researcher, proposals=False).chains.iloc[0]
    assert chain["path"] == (
        "verlies-dierbare -> verlies-woning -> verlies-werk; verlies-dierbare -> verlies-werk"
    )


def test_include_proposed_builds_cascades_from_proposed_links_too(project, researcher):
    ids = r02_story(project)
    project.execute("DELETE FROM life_event_links")
    made = life_events.propose(researcher)
    assert made["links"] >= 1
    sure = cascade_overview(researcher, proposals=False)
    assert sure.chains.empty
    assert (sure.transitions["proposed"] > 0).any() and (sure.transitions["confirmed"] == 0).all()
    loose = cascade_overview(researcher, include_proposed=True, proposals=False)
    assert loose.chains["respondent"].tolist() == ["R02"]
    assert loose.chains["proposed_links"].iloc[0] >= 1
    assert set(map(int, loose.chains["events"].iloc[0].split(", "))) >= {
        ids["dierbare"],
        ids["werk"],
    }


def test_selection_and_containing_apply_to_events(project, researcher):
    event(project, "R03", 2, "verlies-woning")  # bram's coding
    r02 = r02_story(project)
    anna = loss_events(researcher, Selection(coders=("anna",)), proposals=False)
    assert set(anna["respondent"]) == {"R02"}
    women = loss_events(researcher, Selection.build(filters=["geslacht=man"]), proposals=False)
    assert set(women["respondent"]) == {"R03"}
    life_events.link(researcher, r02["dierbare"], r02["werk"])
    only = cascade_overview(researcher, containing="verlies-werk", proposals=False)
    assert only.lengths["respondent"].tolist() == ["R02"]
    with pytest.raises(InputError):
        cascade_overview(researcher, containing="schaamte")


def test_loss_codings_without_an_event_are_counted_not_dropped_silently(project, researcher):
    r02_story(project)
    unplaced = life_lines(researcher, proposals=False).unplaced.set_index("respondent")
    assert unplaced.loc["R02", "losses"] == 0
    assert unplaced.loc["R03", "losses"] == 3  # dierbare, woning twice (accepted only)
    assert unplaced.loc["R02", "reactions"] == 1  # schaamte


def test_rejected_events_and_links_do_not_count(project, researcher):
    ids = r02_story(project)
    link = life_events.link(researcher, ids["dierbare"], ids["werk"])
    life_events.decide(researcher, "link", link, "rejected")
    assert cascade_overview(researcher, proposals=False).links.query("type == 'loss'").empty
    life_events.decide(researcher, "event", ids["woning"], "rejected")
    assert "verlies-woning" not in loss_events(researcher, proposals=False)["code"].tolist()


def test_export_rows_one_per_event_and_per_link(project, researcher):
    ids = r02_story(project)
    life_events.link(researcher, ids["dierbare"], ids["werk"])
    rows = cascade_rows(cascade_overview(researcher, proposals=False))
    events = rows[rows["row"] == "event"]
    assert len(events) == 3 and set(events["respondent"]) == {"R02"}
    assert rows["row"].tolist() == ["event", "link", "event", "event"]  # link under its cause
    werk = events.set_index("code").loc["verlies-werk"]
    assert werk["life_time"] == "1990" and werk["confirmed"] == "yes"
    assert werk["codings"] == str(coding(project, "R02", 1, "verlies-werk"))
    link = rows[rows["row"] == "link"].iloc[0]
    assert link["code"] == "verlies-dierbare -> verlies-werk"
    assert link["life_time"] == "1985 -> 1990" and link["confirmed"] == "yes"
    assert link["event"] == f"{ids['dierbare']} -> {ids['werk']}"


def test_life_line_chart_marks_every_element_for_a_click(project, researcher):
    ids = r02_story(project)
    life_events.link(researcher, ids["dierbare"], ids["werk"])
    life_events.link(researcher, ids["woning"], ids["isolement"])
    overview = cascade_overview(researcher, proposals=False)
    points, lines = cascade_charts.life_line_data(
        overview.events, overview.reactions, overview.links
    )
    assert set(points[cascade_charts.ELEMENT]) == {
        *(f"event:{e}" for e in ids.values()),
        *(f"link:{link}" for link in overview.links.query("type == 'loss'")["link"]),
    }
    untimed = points.set_index(cascade_charts.ELEMENT).loc[f"event:{ids['woning']}"]
    assert untimed["when"] == "zonder tijd" and not untimed["timed"]
    spec = cascade_charts.life_line_chart(
        overview.events, overview.reactions, overview.links, titles={}
    ).to_dict()
    assert spec["params"][0]["name"] == cascade_charts.SELECTION
    flow = cascade_charts.transition_chart(overview.transitions, titles={}).to_dict()
    assert "layer" in flow


def test_a_project_nobody_worked_through_shows_proposals_without_writing(project, researcher):
    before = [
        project.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("life_events", "life_event_links", "events")
    ]
    overview = cascade_overview(researcher, proposals=True)
    r02 = overview.events.query("respondent == 'R02'")
    assert (r02["event"] < 0).all() and set(r02["status"]) == {"proposed"}
    assert r02["code"].tolist() == ["verlies-dierbare", "verlies-woning", "verlies-werk"]
    assert overview.chains.empty  # proposals are no cascade ...
    loose = cascade_overview(researcher, include_proposed=True, proposals=True)
    assert "R02" in set(loose.chains["respondent"])  # ... unless you ask for them
    assert int(overview.unplaced["losses"].sum()) == 0
    after = [
        project.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("life_events", "life_event_links", "events")
    ]
    assert after == before  # nothing was written
    planned = life_events.plan(researcher)
    stored = life_events.propose(researcher)  # what propose() stores is the same
    again = cascade_overview(researcher).events.query("respondent == 'R02'")
    assert again["code"].tolist() == r02["code"].tolist() and (again["event"] > 0).all()
    assert stored == {
        "events": len(planned.events),
        "mentions": len(planned.mentions),
        "links": len(planned.links),
    }


def test_a_span_coded_by_two_coders_is_one_mention(project, researcher):
    """docs/patterns.md: all coders' codings of one span and code are one mention."""
    s2 = project.segments["R01"][2]
    told_again = [
        add_coding(Project.for_user(project, who), code="isolement", segment_id=s2)
        for who in ("anna", "bram")
    ]
    first = [coding(project, "R01", 5, "isolement", who) for who in ("anna", "bram")]
    made = life_events.create_event(researcher, [*first, *told_again])
    line = life_lines(researcher, proposals=False).events.set_index("event").loc[made]
    assert line["mentions"] == 2  # two sentences, four codings
    assert line["codings"] == ", ".join(str(c) for c in sorted([*first, *told_again]))


def life_times(project) -> dict[str, int]:
    """R01: woning 1980 (age 40), dierbare at 45, zingeving-hoop before woning."""
    born = event(project, "R01", 4, "verlies-woning", life_year=1980, life_age=40)
    later = event(project, "R01", 1, "verlies-dierbare", life_age=45)
    before = event(project, "R01", 7, "zingeving-hoop", relation="before", relative_to=born)
    return {"born": born, "later": later, "before": before}


def test_life_times_read_in_the_language_asked_for(project, researcher):
    ids = life_times(project)
    for lang, age, before in (("nl", "45 jaar", "voor #"), ("en", "age 45", "before #")):
        overview = cascade_overview(researcher, proposals=False, lang=lang)
        both = pd.concat([overview.events, overview.reactions])
        when = dict(zip(both["event"], both["when"]))
        assert when == {
            ids["born"]: "1980",
            ids["later"]: age,
            ids["before"]: f"{before}{ids['born']}",
        }


def test_the_cascades_export_writes_life_times_in_the_language_of_the_command(
    project, project_path, tmp_path
):
    ids = life_times(project)
    command = ["patterns", "cascades", "--project", str(project_path), "--stored-only"]
    rows, reactions = tmp_path / "rows.csv", tmp_path / "reactions.csv"
    assert main(["--lang", "en", *command, "--output", str(rows)]) == 0
    assert set(read_csv_export(rows)[0]["life_time"].dropna()) == {"1980", "age 45"}
    assert main(["--lang", "en", *command, "--table", "reactions", "--output", str(reactions)]) == 0
    assert read_csv_export(reactions)[0]["when"].tolist() == [f"before #{ids['born']}"]


ENGLISH = {
    "verlies-dierbare": "Loss of a loved one",
    "verlies-werk": "Job loss",
    "isolement": "Isolation",
}


def english_names(db) -> None:
    """English names for three codes, as a researcher gives them in the codebook (the test
    project's Dutch name stays: "Verlies dierbare"); verlies-woning keeps only its Dutch name."""
    editor = Project.for_user(db, ME)
    for slug, name_en in ENGLISH.items():
        dutch = slug.replace("-", " ").capitalize()
        rename_code(editor, slug, dutch, rationale="English name", name_en=name_en)


def linked_story(db, researcher) -> dict[str, int]:
    """R02's story with dierbare -> werk (a cascade) and woning -> isolement (a reaction)."""
    ids = r02_story(db)
    life_events.link(researcher, ids["dierbare"], ids["werk"])
    life_events.link(researcher, ids["woning"], ids["isolement"])
    return ids


@pytest.mark.parametrize(
    "lang, dierbare, werk, woning, isolement",
    [
        ("nl", "Verlies dierbare", "Verlies werk", "Verlies woning", "Isolement"),
        ("en", "Loss of a loved one", "Job loss", "Verlies woning", "Isolation"),
    ],
)
def test_every_cascade_table_names_its_codes_and_keeps_their_ids(
    project, researcher, lang, dierbare, werk, woning, isolement
):
    """Researchers read the names the codebook gives (in English the English name where
    there is one); the id stays beside it, to join on."""
    linked_story(project, researcher)
    english_names(project)
    overview = cascade_overview(researcher, proposals=False, lang=lang)
    woning_row = overview.events.set_index("code").loc["verlies-woning"]
    assert woning_row[["name", "followed_by", "followed_by_names"]].tolist() == [
        woning,
        "isolement",
        isolement,
    ]
    reaction = overview.reactions.iloc[0]
    assert reaction[["code", "name", "reaction", "reaction_name"]].tolist() == [
        "isolement",
        isolement,
        "isolement",
        isolement,
    ]
    assert reaction[["follows_code", "follows_name"]].tolist() == ["verlies-woning", woning]
    onward = overview.links.query("type == 'loss'").iloc[0]
    assert onward[["cause_code", "cause_name", "effect_code", "effect_name"]].tolist() == [
        "verlies-dierbare",
        dierbare,
        "verlies-werk",
        werk,
    ]
    chain = overview.chains.iloc[0]
    assert chain[["path", "path_names", "first", "first_name"]].tolist() == [
        "verlies-dierbare -> verlies-werk",
        f"{dierbare} -> {werk}",
        "verlies-dierbare",
        dierbare,
    ]
    assert overview.transitions[["from", "from_name", "to", "to_name"]].values.tolist() == [
        ["verlies-dierbare", dierbare, "verlies-werk", werk]
    ]
    assert overview.first_losses[["code", "name"]].values.tolist() == [
        ["verlies-dierbare", dierbare]
    ]
    counts = overview.reaction_counts[["loss", "loss_name", "reaction", "reaction_name"]]
    assert counts.values.tolist() == [["verlies-woning", woning, "isolement", isolement]]
    assert set(overview.quotes["name"]) == {dierbare, werk, woning, isolement}
    rows = cascade_rows(overview)
    assert rows[["code", "name"]].values.tolist() == [
        ["verlies-dierbare", dierbare],
        ["verlies-dierbare -> verlies-werk", f"{dierbare} -> {werk}"],
        ["verlies-woning", woning],
        ["verlies-woning -> isolement", f"{woning} -> {isolement}"],
        ["verlies-werk", werk],
    ]


def test_two_kinds_sharing_a_name_are_told_apart_by_their_id(project, researcher):
    """As on the other tabs: a name two codes share gets the code's id in brackets."""
    linked_story(project, researcher)
    rename_code(Project.for_user(project, ME), "verlies-werk", "Verlies dierbare", rationale="x")
    overview = cascade_overview(researcher, proposals=False)
    assert overview.chains["path_names"].tolist() == [
        "Verlies dierbare (verlies-dierbare) -> Verlies dierbare (verlies-werk)"
    ]


def test_the_charts_label_codes_by_name(project, researcher):
    """Life line dots, their tooltips and the transition diagram read names, not ids."""
    ids = linked_story(project, researcher)
    english_names(project)
    overview = cascade_overview(researcher, proposals=False, lang="en")
    points, _ = cascade_charts.life_line_data(overview.events, overview.reactions, overview.links)
    shown = points.set_index(cascade_charts.ELEMENT)
    assert shown.loc[f"event:{ids['dierbare']}", ["kind", "label"]].tolist() == [
        "Loss of a loved one",
        "Loss of a loved one",
    ]
    assert shown.loc[f"event:{ids['isolement']}", ["kind", "label"]].tolist() == [
        "Isolation",
        "Isolation",
    ]
    assert shown.query("what == 'link'")["kind"].tolist() == ["Loss of a loved one \u2192 Job loss"]
    flow = cascade_charts.transition_chart(overview.transitions, titles={}).to_dict()
    words = {
        str(value)
        for frame in flow["datasets"].values()
        for row in frame
        for key, value in row.items()
        if key in ("label", "pair_label")
    }
    assert words == {"Loss of a loved one", "Job loss", "Loss of a loved one \u2192 Job loss"}


def test_the_cascades_export_has_ids_and_names_in_the_language_of_the_command(
    project, researcher, project_path, tmp_path
):
    linked_story(project, researcher)
    english_names(project)
    command = ["patterns", "cascades", "--project", str(project_path), "--stored-only"]
    moves = tmp_path / "transitions.csv"
    assert main(["--lang", "en", *command, "--table", "transitions", "--output", str(moves)]) == 0
    table = read_csv_export(moves)[0]
    assert table[["from", "from_name", "to", "to_name"]].values.tolist() == [
        ["verlies-dierbare", "Loss of a loved one", "verlies-werk", "Job loss"]
    ]
    events = tmp_path / "events.xlsx"
    assert main([*command, "--table", "events", "--output", str(events)]) == 0
    sheet = pd.read_excel(events, sheet_name="events").set_index("code")
    assert sheet.loc["verlies-woning", ["name", "followed_by", "followed_by_names"]].tolist() == [
        "Verlies woning",
        "isolement",
        "Isolement",
    ]
