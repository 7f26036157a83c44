"""The Patronen page on the small project of tests/test_patterns.py (known answers).

Tabs are lazy (issue 17): only the open tab computes anything, so each test opens its tab
first, as a user would by clicking it (the tab's state lives under ``patronen_tab``).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from page_runner import page_test, switch_language
from test_patterns import CODES, build_project
from test_patterns_cascades import coding, english_names

from workbench import life_events, patterns
from workbench.codebook import merge_codes
from workbench.codings import add_coding
from workbench.handle import Project
from workbench.store import now

TAB = {
    "matrix": "Overzicht per persoon",
    "frequencies": "Hoe vaak per groep",
    "cooccurrence": "Samen genoemd",
    "quotes": "Citaten",
    "cascades": "Verliezen na elkaar",
    "profile": "Eén persoon",
}


@pytest.fixture
def page(db, project_path):
    build_project(db)
    return page_test("patronen", project_path)


def _frames(at):
    return [d.value for d in at.dataframe]


def test_matrix_shows_counts_and_tabs(page):
    page.run()
    assert not page.exception
    matrix = _frames(page)[0]
    assert list(matrix.index) == ["R01", "R02", "R03", "R04"]
    assert matrix.loc["R03", "Verlies woning"] == 2
    assert [t.label for t in page.tabs][:2] == ["Overzicht per persoon", "Hoe vaak per groep"]


def test_choosing_a_cell_shows_its_quotes(page):
    page.run()
    page.selectbox(key="patronen_cell_respondent").select("R03")
    page.selectbox(key="patronen_cell_code").select("verlies-woning").run()
    assert not page.exception
    quotes = next(f for f in _frames(page) if "Tekst" in f.columns and len(f) == 2)
    assert quotes["Tekst"].tolist() == [
        "Zin 2 van interview-R03, verzonnen.",
        "Zin 5 van interview-R03, verzonnen.",
    ]


def test_attribute_filter_limits_the_rows(page):
    page.run()
    page.multiselect(key="patronen_attr_geslacht").select("vrouw").run()
    assert list(_frames(page)[0].index) == ["R01", "R02"]
    assert any("geslacht=vrouw" in c.value for c in page.caption)


def test_coder_filter_and_status(page):
    page.run()
    page.multiselect(key="patronen_coders").select("anna").run()
    assert _frames(page)[0].loc["R03"].sum() == 0


def test_cooccurrence_pair_shows_where_codes_meet(page):
    page.session_state["patronen_tab"] = TAB["cooccurrence"]
    page.run()
    page.radio(key="patronen_co_scope").set_value("turn").run()
    page.selectbox(key="patronen_co_pair").select(("verlies-woning", "isolement", 3)).run()
    assert not page.exception
    where = next(f for f in _frames(page) if "Tekst B" in f.columns)
    assert where["Persoon"].tolist() == ["R01", "R02", "R03"]


def test_quotes_with_and(page):
    page.session_state["patronen_tab"] = TAB["quotes"]
    page.run()
    page.multiselect(key="patronen_q_codes").select("isolement")
    page.multiselect(key="patronen_q_and").select("verlies-woning")
    page.radio(key="patronen_q_scope").set_value("turn").run()
    assert any("3 citaten" in s.value for s in page.success)


def test_quotes_offer_no_merged_code(db, project_path):
    """A code merged into another has no quotes left: the pickers offered it anyway."""
    build_project(db)
    merge_codes(Project.for_user(db, "onderzoeker"), "verlies-woning", "verlies", rationale="x")
    at = page_test("patronen", project_path, patronen_tab=TAB["quotes"]).run()
    assert not at.exception, [e.message for e in at.exception]
    for key in ("patronen_q_codes", "patronen_q_and", "patronen_q_not"):
        offered = at.multiselect(key=key).options
        assert "Verlies woning" not in offered and "Verlies" in offered, offered


def test_only_the_open_tab_is_computed(page):
    page.run()
    assert not page.exception
    assert not any("verliescascade" in m.value for m in page.markdown)
    assert not page.get("vega_lite_chart")  # no tab with charts ran
    page.session_state["patronen_tab"] = TAB["frequencies"]
    page.run()
    assert page.get("vega_lite_chart") and len(page.dataframe) == 1


@pytest.fixture
def story(db, project_path):
    """R02's losses as events: dierbare (1985) -> werk (1990) confirmed, woning (no time)
    with isolement after it; R03's woning told twice, as one event."""
    segments = build_project(db)
    db.segments = segments
    researcher = Project.for_user(db, "onderzoeker")
    ids = {
        name: life_events.create_event(researcher, [coding(db, "R02", pos, code)])
        for name, pos, code in (
            ("werk", 1, "verlies-werk"),
            ("dierbare", 2, "verlies-dierbare"),
            ("woning", 4, "verlies-woning"),
            ("isolement", 5, "isolement"),
        )
    }
    link = life_events.link(researcher, ids["dierbare"], ids["werk"])
    life_events.link(researcher, ids["woning"], ids["isolement"])
    again = life_events.create_event(researcher, [coding(db, "R03", 2, "verlies-woning")])
    life_events.attach(researcher, again, coding(db, "R03", 5, "verlies-woning"))
    at = page_test("patronen", project_path, patronen_tab=TAB["cascades"], patronen_cas_plans=False)
    at.ids, at.link = ids, link
    return at


@pytest.mark.slow
def test_cascades_tab_shows_a_life_line_and_what_leads_to_what(story):
    story.run()
    assert not story.exception, [e.message for e in story.exception]
    assert any("1 van de 4 personen heeft een verliescascade" in m.value for m in story.markdown)
    frames = _frames(story)
    events = next(f for f in frames if "Stap" in f.columns)
    assert events["Code"].tolist() == ["Verlies dierbare", "Verlies woning", "Verlies werk"]
    assert events.set_index("Code").loc["Verlies woning", "Wanneer"] == ""
    assert any("zonder tijd" in c.value.lower() for c in story.caption)
    moves = next(f for f in frames if "Van" in f.columns).set_index(["Van", "Naar"])
    assert moves.loc[("Verlies dierbare", "Verlies werk"), "Bevestigd"] == 1
    after = next(f for f in frames if "Reactie" in f.columns and "Verlies" in f.columns)
    assert after.set_index("Verlies").loc["Verlies woning", "Reactie"] == "Isolement"


@pytest.mark.slow
def test_a_click_on_the_life_line_opens_the_quotes(story):
    story.session_state["patronen_cas_chart"] = {
        "selection": {"lifeline_pick": [{"element": f"event:{story.ids['werk']}"}]}
    }
    story.run()
    assert not story.exception
    quotes = next(f for f in _frames(story) if "Codeur" in f.columns)
    assert quotes["Tekst"].tolist() == ["Zin 1 van interview-R02, verzonnen."]


@pytest.mark.slow
def test_picking_a_link_shows_its_evidence_and_both_ends(story):
    story.run()
    story.selectbox(key="patronen_cas_pick").set_value(f"link:{story.link}").run()
    assert not story.exception
    assert any("Verlies dierbare → Verlies werk" in m.value for m in story.markdown)
    quotes = next(f for f in _frames(story) if "Codeur" in f.columns)
    assert sorted(quotes["Tekst"]) == [
        "Zin 1 van interview-R02, verzonnen.",
        "Zin 2 van interview-R02, verzonnen.",
    ]


@pytest.mark.slow
def test_codings_in_no_event_show_as_proposals_until_decided(story):
    story.session_state["patronen_cas_plans"] = True
    story.session_state["patronen_cas_person"] = "R01"
    story.run()
    assert not story.exception, [e.message for e in story.exception]
    events = next(f for f in _frames(story) if "Stap" in f.columns)
    assert events["Code"].tolist() == ["Verlies dierbare", "Verlies woning"]
    assert set(events["Status"]) == {"voorstel"}  # "proposed", in the reader's language
    assert any("1 van de 4 personen" in m.value for m in story.markdown)  # still confirmed only


@pytest.mark.slow
def test_a_re_mention_stays_one_event_on_the_page(story):
    story.session_state["patronen_cas_person"] = "R03"
    story.run()
    events = next(f for f in _frames(story) if "Stap" in f.columns)
    assert events["Code"].tolist() == ["Verlies woning"]
    assert events["Vermeldingen"].tolist() == [2]


def test_cascade_tables_show_dutch_words_not_internal_values(story, project_path):
    """Zekerheid, Status and Verband read "zeker", "bevestigd", "voorstel" in Dutch, not the
    stored "sure", "confirmed", "proposed"; in English the English words."""
    story.session_state["patronen_cas_person"] = "R02"
    story.run()
    assert not story.exception, [e.message for e in story.exception]
    events = next(f for f in _frames(story) if "Stap" in f.columns)
    assert set(events["Zekerheid"]) == {"zeker"} and set(events["Status"]) == {"bevestigd"}
    reactions = next(f for f in _frames(story) if "Verband" in f.columns)
    assert set(reactions["Verband"]) == {"bevestigd"} and set(reactions["Status"]) == {"bevestigd"}
    words = {v for f in _frames(story) for c in f.columns for v in f[c] if isinstance(v, str)}
    assert not words & {"sure", "about", "unsure", "confirmed", "proposed", "accepted"}
    english = page_test(
        "patronen",
        project_path,
        lang="en",
        patronen_tab="Loss cascades",
        patronen_cas_plans=False,
        patronen_cas_person="R02",
    ).run()
    assert not english.exception, [e.message for e in english.exception]
    events = next(f for f in _frames(english) if "Certainty" in f.columns)
    assert set(events["Certainty"]) == {"sure"} and set(events["Status"]) == {"confirmed"}


SLUGS = {slug for slug, _ in CODES} - {"verlies", "verliescascade"}  # also words of the page


def ids_in_sight(at) -> set[str]:
    """Code ids the reader sees anywhere: table cells, text, picker options, chart data
    (the labels, tooltips and captions of the charts)."""
    texts = [v for f in _frames(at) for c in f.columns for v in f[c] if isinstance(v, str)]
    texts += [e.value for e in (*at.markdown, *at.caption)]
    texts += [str(o) for box in at.selectbox for o in box.options]
    for chart in at.get("vega_lite_chart"):
        shown = set(re.findall(r'"field": "([^"]+)"', chart.proto.spec))  # drawn, tooltips
        for data in chart.proto.datasets:
            frame = pa.ipc.open_stream(data.data.data).read_all().to_pandas()
            texts += [v for c in shown & set(frame.columns) for v in frame[c] if isinstance(v, str)]
    return {w for text in texts for w in re.split(r"[\s,→\"'()]+|->", text)} & SLUGS


@pytest.mark.parametrize(
    "lang, tab, dierbare, isolement",
    [
        ("nl", TAB["cascades"], "Verlies dierbare", "Isolement"),
        ("en", "Loss cascades", "Loss of a loved one", "Isolation"),
    ],
)
def test_the_cascade_tab_names_codes_as_the_codebook_does(
    story, db, project_path, lang, tab, dierbare, isolement
):
    """Every table, chart, picker and title of the tab reads the codes' names (in English
    the English name where the codebook has one), never their ids."""
    english_names(db)
    at = page_test(
        "patronen",
        project_path,
        lang=lang,
        patronen_tab=tab,
        patronen_cas_plans=False,
        patronen_cas_person="R02",
    ).run()
    at.selectbox(key="patronen_cas_pick").set_value(f"link:{story.link}").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not ids_in_sight(at)
    frames = _frames(at)
    steps = next(f for f in frames if len(f) == 3 and f.iloc[:, 0].tolist() == [1, 2, 3])
    assert dierbare in steps.iloc[:, 2].tolist()
    assert any(f"{dierbare} →" in m.value for m in at.markdown)  # the picked link's title
    counts = [f for f in frames if isolement in f.to_numpy()]
    assert len(counts) >= 2  # the reactions of R02 and the reaction counts across people


def test_the_profile_life_line_names_codes_in_english(story, db, project_path):
    english_names(db)
    at = page_test("patronen", project_path, lang="en", patronen_tab="Respondent profile").run()
    at.selectbox(key="patronen_profile").select("R02").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not ids_in_sight(at)
    timeline = next(f for f in _frames(at) if "Order" in f.columns)
    assert "Loss of a loved one" in timeline["Code"].tolist()


def test_the_other_tabs_name_codes_in_english_too(page, db):
    """One rule on the whole page: the matrix and the frequencies read the English names."""
    english_names(db)
    page.session_state["lang"] = "en"
    page.run()
    assert "Loss of a loved one" in _frames(page)[0].columns
    page.session_state["patronen_tab"] = "Frequencies by group"
    page.run()
    assert not page.exception, [e.message for e in page.exception]
    assert any("Loss of a loved one" in f.to_numpy() for f in _frames(page))


def test_profile_shows_attributes_and_story(page):
    page.session_state["patronen_tab"] = TAB["profile"]
    page.run()
    page.selectbox(key="patronen_profile").select("R02").run()
    frames = _frames(page)
    attributes = next(f for f in frames if "Kenmerk" in f.columns)
    assert dict(attributes.values.tolist()) == {"geslacht": "vrouw", "wijk": "Zuid"}
    story = next(f for f in frames if "Volgorde" in f.columns)
    assert story["Code"].tolist()[0] == "Verlies dierbare"


def test_co_researcher_is_refused(page, db):
    db["users"].insert({"name": "buurvrouw", "role": "co-onderzoeker", "created_at": now()})
    page.session_state["user"] = "buurvrouw"
    page.run()
    assert page.warning and not page.dataframe


def test_english_labels(page):
    page.session_state["lang"] = "en"
    page.run()
    assert [t.label for t in page.tabs][0] == "Framework matrix"


def test_selecting_a_matrix_cell_opens_its_quotes(page):
    page.session_state["patronen_matrix"] = {"selection": {"cells": [[2, "Verlies woning"]]}}
    page.run()
    assert not page.exception
    assert any("R03" in h.value and "Verlies woning" in h.value for h in page.subheader)


def test_clicking_a_heatmap_square_shows_where_the_pair_meets(page):
    page.session_state["patronen_tab"] = TAB["cooccurrence"]
    page.session_state["patronen_co_scope"] = "turn"
    page.session_state["patronen_heatmap"] = {
        "selection": {"pair": [{"code_a": "verlies-dierbare", "code_b": "schaamte"}]}
    }
    page.run()
    assert not page.exception
    where = next(f for f in _frames(page) if "Tekst B" in f.columns)
    assert where["Persoon"].tolist() == ["R01"]


def test_a_new_coding_shows_up_on_the_next_run(page, db):
    page.run()
    assert _frames(page)[0].loc["R04"].sum() == 0
    segment = db.execute(
        "SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE d.name = 'interview-R04' AND s.position = 1"
    ).fetchone()[0]
    add_coding(Project.for_user(db, "anna"), code="herstel", segment_id=segment)
    page.run()
    assert _frames(page)[0].loc["R04", "Herstel"] == 1


@pytest.mark.parametrize("language, everyone", [("nl", "alle"), ("en", "all")])
def test_the_frequency_groups_are_named_in_the_reader_language(page, language, everyone):
    page.session_state["lang"] = language
    page.session_state["patronen_tab"] = (
        TAB["frequencies"] if language == "nl" else "Frequencies by group"
    )
    page.run()
    assert not page.exception
    assert set(page.dataframe[0].value.iloc[:, 0]) == {everyone}


def test_number_groups_are_written_with_the_readers_decimal_sign(db, project_path):
    """Grouped by a number attribute, the Dutch page read "67.5" where every other Dutch
    figure has a decimal comma; the table the downloads are made of keeps "67.5"."""
    from workbench.respondents import define_attribute, set_value

    build_project(db)
    researcher = Project.for_user(db, "onderzoeker")
    define_attribute(researcher, "leeftijd", "number")
    set_value(researcher, "R01", "leeftijd", "67.5")
    for language, tab, shown, not_shown in (
        ("nl", TAB["frequencies"], "67,5", "67.5"),
        ("en", "Frequencies by group", "67.5", "67,5"),
    ):
        at = page_test(
            "patronen", project_path, lang=language, patronen_tab=tab, patronen_freq_by="leeftijd"
        ).run()
        assert not at.exception, [e.message for e in at.exception]
        groups = set(at.dataframe[0].value.iloc[:, 0])
        assert shown in groups and not_shown not in groups
    data = patterns.code_frequencies(researcher, by="leeftijd", lang="nl")
    assert "67.5" in set(data["group"])  # CSV/XLSX cells stay machine-readable


def test_a_number_filter_shows_the_readers_decimal_sign_and_filters_on_the_number(db, project_path):
    """The filter menu of a number attribute read "67.5" on the Dutch page, where the groups
    of the same attribute read "67,5". The menu now writes 67,5 in Dutch (67.5 in English),
    as does the line that says the filters used; the filter keeps the stored number 67.5."""
    from workbench.respondents import define_attribute, set_value

    build_project(db)
    researcher = Project.for_user(db, "onderzoeker")
    define_attribute(researcher, "leeftijd", "number")
    set_value(researcher, "R01", "leeftijd", "67.5")
    set_value(researcher, "R02", "leeftijd", "70")
    for language, shown in (("nl", "67,5"), ("en", "67.5")):
        at = page_test("patronen", project_path, lang=language).run()
        menu = at.multiselect(key="patronen_attr_leeftijd")
        assert menu.options == [shown, "70"]
        menu.select("67.5").run()
        assert not at.exception, [e.message for e in at.exception]
        assert at.multiselect(key="patronen_attr_leeftijd").value == ["67.5"]
        assert list(_frames(at)[0].index) == ["R01"]
        used = [c.value for c in at.caption if "leeftijd=" in c.value]
        assert len(used) == 1 and f"leeftijd={shown}" in used[0]


def test_the_open_tab_and_the_choices_stay_when_the_language_changes(page):
    """The open tab was kept as its Dutch label, which no English tab has: a switch to
    English opened the first tab, and the co-occurrence choices were out of sight."""
    page.session_state["patronen_tab"] = TAB["cooccurrence"]
    page.run()
    page.radio(key="patronen_co_scope").set_value("turn").run()
    page.multiselect(key="patronen_status").set_value(["accepted", "suggested"]).run()
    page.multiselect(key="patronen_attr_geslacht").select("vrouw").run()
    page.session_state["lang"] = "en"
    page.run()
    assert not page.exception, [e.message for e in page.exception]
    assert page.session_state["patronen_tab"] == "Co-occurrence"
    scope = page.radio(key="patronen_co_scope")
    assert scope.value == "turn" and scope.options[1] == "in the same turn"
    assert page.multiselect(key="patronen_status").value == ["accepted", "suggested"]
    assert page.multiselect(key="patronen_attr_geslacht").value == ["vrouw"]
    assert any("gender=female" in c.value or "geslacht=vrouw" in c.value for c in page.caption)


def test_english_option_words_can_be_clicked(page, db):
    """The option words were looked up when the test harness formatted a click, outside the
    run, where the language is unknown: Dutch words on an English page, and the click
    failed ("'in dezelfde zin' is not in list")."""
    page.session_state["lang"] = "en"
    page.session_state["patronen_tab"] = "Co-occurrence"
    page.run()
    page.multiselect(key="patronen_status").set_value(["accepted", "suggested"]).run()
    page.radio(key="patronen_co_scope").set_value("turn").run()
    assert not page.exception, [e.message for e in page.exception]
    pairs = patterns.cooccurrence_pairs(
        Project.for_user(db, "onderzoeker"),
        patterns.Selection.build(statuses=["accepted", "suggested"]),
        scope="turn",
    )
    pair = next(
        p for p in zip(pairs["code_a"], pairs["code_b"], pairs["meetings"]) if "schaamte" in p
    )
    page.selectbox(key="patronen_co_pair").set_value(pair).run()
    assert not page.exception, [e.message for e in page.exception]
    assert any("Text B" in f.columns for f in _frames(page))
    page.session_state["patronen_tab"] = "Frequencies by group"
    page.run()
    page.radio(key="patronen_freq_measure").set_value("fragments").run()
    assert not page.exception, [e.message for e in page.exception]
    assert page.radio(key="patronen_freq_measure").value == "fragments"


@pytest.mark.parametrize(
    "lang, nobody",
    [
        ("nl", "Nog niemand heeft een verliescascade met alleen bevestigde verbanden."),
        ("en", "Nobody has a loss cascade of confirmed links only yet."),
    ],
)
def test_with_no_cascade_the_summary_says_nobody_has_one(db, project_path, lang, nobody):
    """One loss and no link read "0 of 1 person have a loss cascade ... The longest has 0
    losses"."""
    db.segments = build_project(db)
    researcher = Project.for_user(db, "onderzoeker")
    life_events.create_event(researcher, [coding(db, "R02", 2, "verlies-dierbare")])
    tab = "Verliezen na elkaar" if lang == "nl" else "Loss cascades"
    at = page_test(
        "patronen", project_path, lang=lang, patronen_tab=tab, patronen_cas_plans=False
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    said = [m.value for m in at.markdown]
    assert nobody in said
    assert not any(" 0 " in m for m in said), said


def test_the_code_pickers_of_each_tab_stay_when_the_language_changes(story, db, project_path):
    """A guard: on each tab the code pickers keep what was picked across a switch (a key and
    ids as options) and show the codes by their English names in English."""
    english_names(db)
    rounds = {
        TAB["matrix"]: {
            ("selectbox", "patronen_cell_respondent"): "R02",
            ("selectbox", "patronen_cell_code"): "verlies-dierbare",
        },
        TAB["quotes"]: {
            ("multiselect", "patronen_q_codes"): ["verlies-dierbare"],
            ("multiselect", "patronen_q_and"): ["verlies-werk"],
            ("multiselect", "patronen_q_not"): ["isolement"],
        },
        TAB["cascades"]: {("selectbox", "patronen_cas_pick"): f"link:{story.link}"},
    }
    for tab, picks in rounds.items():
        at = page_test("patronen", project_path, patronen_tab=tab, patronen_cas_plans=False).run()
        for (widget, key), value in picks.items():
            getattr(at, widget)(key=key).set_value(value).run()
        switch_language(at)
        for (widget, key), value in picks.items():
            assert getattr(at, widget)(key=key).value == value, key
            shown = " ".join(getattr(at, widget)(key=key).options)
            assert "Loss of a loved one" in shown or key == "patronen_cell_respondent", key
