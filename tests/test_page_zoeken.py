"""The search page on a real project: keyword-in-context hits and 'code all hits' as suggestions."""

import pytest

from workbench.codings import list_codings
from workbench.handle import Project
from workbench.ingest import import_files
from page_runner import run_page, switch_language


@pytest.fixture
def project(tmp_path, nlp, new_project):
    path = tmp_path / "p.db"
    db = new_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "I: En toen?\nR: Ik schaamde me. Die schaamte bleef.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R01-a.txt"], nlp=nlp).ok
    return path, db


def _search(path, query):
    at = run_page("zoeken", path)
    at.text_input(key="search_query").input(query).run()
    return at


def test_search_shows_hits_in_context(project):
    at = _search(project[0], "schamen")
    assert not at.exception
    assert "2" in at.success[0].value
    table = at.dataframe[0].value
    assert list(table["Treffer"]) == ["schaamde", "schaamte"]


def test_code_all_hits_only_suggests(project):
    path, db = project
    at = _search(path, "schamen")
    at.selectbox[0].set_value("schaamte")
    at.button[0].click().run()
    assert not at.exception
    assert list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted"]) == []
    assert len(list_codings(Project.for_user(db, "onderzoeker"), statuses=["suggested"])) == 2


@pytest.mark.parametrize(
    "lang, found, button",
    [
        ("nl", "Gevonden in 2 zinnen", "Maak van alle treffers een suggestie (2 zinnen)"),
        ("en", "Found in 2 sentences", "Turn all hits into suggestions (2 sentences)"),
    ],
)
def test_the_count_says_it_counts_sentences_not_occurrences(
    tmp_path, nlp, new_project, lang, found, button
):
    """The word is there 3 times, in 2 sentences: 2 rows and 2 suggestions. The page said
    "2 keer gevonden" (found 2 times), which reads as 2 occurrences."""
    path = tmp_path / "p.db"
    db = new_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "R: Ik schaamde me en ik schaam me nog. Die schaamte bleef.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R01-a.txt"], nlp=nlp).ok
    at = run_page("zoeken", path, lang=lang, search_query="schamen")
    assert len(at.dataframe[0].value) == 2
    assert at.success[0].value.startswith(found)
    assert at.button[0].label == button


def test_a_bad_query_gets_a_plain_message(project):
    at = _search(project[0], "schaamte OF")
    assert "EN, OF of NIET" in at.error[0].value


def test_a_hit_opens_its_place_in_the_interview(project):
    from test_page_memos import _walk, in_the_app

    path, db = project
    at = in_the_app(
        "zoeken",
        path,
        search_query="schamen",
        search_hits={"selection": {"rows": [1], "columns": [], "cells": []}},
    )
    links = [
        e
        for e in at.main.children.values()
        for e in _walk(e)
        if getattr(e, "type", None) == "page_link"
    ]
    seg = db.execute("SELECT id FROM segments WHERE text LIKE 'Die schaamte%'").fetchone()[0]
    assert [link.proto.query_string for link in links] == [f"doc=1&seg={seg}"]


def test_only_respondents_keeps_a_text_without_speaker_labels(project, tmp_path, nlp):
    path, db = project
    (tmp_path / "dagboek.txt").write_text(
        "Ik schaam me voor de rommel in huis.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "dagboek.txt"], nlp=nlp).ok
    at = _search(path, "schamen")
    at.toggle[0].set_value(True).run()
    assert at.success[0].value.startswith("Gevonden in 3 zinnen")
    assert "dagboek" in list(at.dataframe[0].value["Interview"])


@pytest.fixture
def many_hits(tmp_path, nlp, new_project):
    """205 hits: more than the 200 rows the page shows."""
    path = tmp_path / "veel.db"
    db = new_project(path)
    lines = [f"R: Op dag {i} schaamde ik me weer.\n" for i in range(1, 206)]
    (tmp_path / "R02-dagboek.txt").write_text("".join(lines), encoding="utf-8")
    researcher = Project.for_user(db, "onderzoeker")
    assert import_files(researcher, [tmp_path / "R02-dagboek.txt"], nlp=nlp).ok
    return path, db


def test_the_page_says_how_many_hits_are_not_in_the_table(many_hits):
    at = _search(many_hits[0], "schamen")
    assert len(at.dataframe[0].value) == 200
    assert "Gevonden in 205 zinnen" in at.success[0].value
    assert "Nog 5 zinnen staan er niet in" in at.success[0].value


def test_code_all_hits_suggests_every_hit_also_beyond_the_table(many_hits):
    path, db = many_hits
    at = _search(path, "schamen")
    at.selectbox[0].set_value("schaamte")
    at.button[0].click().run()
    assert not at.exception
    suggested = list_codings(Project.for_user(db, "onderzoeker"), statuses=["suggested"])
    assert len(suggested) == 205
    assert "205 nieuwe suggesties" in at.success[-1].value


@pytest.mark.parametrize("lang, words", [("nl", ["ja", "nee"]), ("en", ["yes", "no"])])
def test_a_yes_no_filter_reads_yes_and_no_not_true_and_false(project, lang, words):
    from workbench import respondents

    path, db = project
    me = Project.for_user(db, "onderzoeker")
    respondents.define_attribute(me, "uitkering", "boolean")
    for code, value in (("R01", True), ("R02", False)):
        respondents.add_respondent(me, code)
        respondents.set_value(me, code, "uitkering", value)
    at = run_page("zoeken", path, lang=lang)
    box = at.selectbox(key="search_filter_uitkering")
    assert sorted(box.options[1:]) == sorted(words)


@pytest.mark.parametrize("lang, shown", [("nl", "67,5"), ("en", "67.5")])
def test_a_number_filter_shows_the_readers_decimal_sign(project, lang, shown):
    """The filter menu read "67.5" on the Dutch page, where Dutch writes 67,5; the value
    chosen, and filtered on, is the stored number."""
    from workbench import respondents

    path, db = project
    me = Project.for_user(db, "onderzoeker")
    respondents.define_attribute(me, "leeftijd", "number")
    for code, value in (("R01", "67.5"), ("R02", "70")):
        respondents.add_respondent(me, code)
        respondents.set_value(me, code, "leeftijd", value)
    respondents.link_document(me, 1, "R02")
    at = run_page("zoeken", path, lang=lang, search_query="schaamde")
    box = at.selectbox(key="search_filter_leeftijd")
    assert box.options[1:] == [shown, "70"]
    box.set_value("67.5").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="search_filter_leeftijd").value == "67.5"
    assert not at.dataframe and at.info  # the interview is R02's: no hits for 67.5
    at.selectbox(key="search_filter_leeftijd").set_value("70").run()
    assert set(at.dataframe[0].value.iloc[:, 0]) == {"R02"}  # both sentences


def test_a_form_of_two_words_says_both_were_searched(project, tmp_path, nlp):
    """ "vroeg" is early and the past of "vragen": the page says why "gevraagd" is a hit."""
    path, db = project
    (tmp_path / "R03-b.txt").write_text(
        "R: Ik sta vroeg op. Ze heeft het me gevraagd.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R03-b.txt"], nlp=nlp).ok
    at = _search(path, "vroeg")
    assert list(at.dataframe[0].value["Treffer"]) == ["vroeg", "gevraagd"]
    assert any("'vroeg' kan ook een vorm zijn van 'vragen'" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "lang, had, rejected",
    [
        (
            "nl",
            "1 zin had deze code al van jou, of als open suggestie.",
            "In 1 zin had je deze code eerder afgewezen.",
        ),
        (
            "en",
            "1 sentence already had this code from you, or as an open suggestion.",
            "In 1 sentence you had rejected this code before.",
        ),
    ],
)
def test_code_all_hits_says_apart_what_you_gave_and_what_you_rejected(project, lang, had, rejected):
    """A code rejected on a sentence was counted as 'had this code from you'."""
    from workbench.codings import add_coding, decide

    path, db = project
    me = Project.for_user(db, "onderzoeker")
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    start = text.index("schaamde")  # a span selected by hand, part of the sentence
    add_coding(me, code="schaamte", document_id=1, start_char=start, end_char=start + 8)
    start = text.index("schaamte bleef")
    decide(
        me,
        add_coding(me, code="schaamte", document_id=1, start_char=start, end_char=start + 8),
        "rejected",
    )
    at = run_page("zoeken", path, lang=lang, search_query="schamen")
    at.selectbox[0].set_value("schaamte")
    at.button[0].click().run()
    assert not at.exception
    assert at.info[0].value.startswith(had)
    assert rejected in at.info[0].value
    assert list_codings(me, statuses=["suggested"]) == []


@pytest.mark.parametrize(
    "lang, found",
    [
        ("nl", "Gevonden in 205 zinnen uit 1 interview"),
        ("en", "Found in 205 sentences from 1 interview"),
    ],
)
def test_the_count_says_from_how_many_interviews(many_hits, tmp_path, nlp, lang, found):
    """Beyond the 200 rows shown too: a second interview's hit is number 206."""
    path, db = many_hits
    at = run_page("zoeken", path, lang=lang, search_query="schamen")
    assert at.success[0].value.startswith(found)
    (tmp_path / "R03-b.txt").write_text("R: Ik schaamde me niet meer.\n", encoding="utf-8")
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R03-b.txt"], nlp=nlp).ok
    at = run_page("zoeken", path, lang=lang, search_query="schamen")
    assert len(at.dataframe[0].value) == 200
    more = found.replace("205", "206").replace("1 interview", "2 interviews")
    assert at.success[0].value.startswith(more)


def test_the_search_settings_stay_when_the_language_changes(project):
    """The mode radio and the respondents toggle had no key: their id was made from their
    Dutch or English label, so switching the language made new widgets, back at their
    defaults, and a filter's yes/no read Dutch on an English page when clicked."""
    from workbench import respondents

    path, db = project
    me = Project.for_user(db, "onderzoeker")
    respondents.define_attribute(me, "uitkering", "boolean")
    respondents.add_respondent(me, "R01")
    respondents.set_value(me, "R01", "uitkering", True)
    respondents.link_document(me, 1, "R01")
    at = run_page("zoeken", path, search_query="schaamde")
    at.radio(key="search_mode").set_value("word").run()
    at.toggle(key="search_only_respondents").set_value(True).run()
    at.selectbox(key="search_filter_uitkering").set_value("true").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="search_mode").value == "word"
    assert at.radio(key="search_mode").options == ["word family (lemma)", "exact word"]
    assert at.toggle(key="search_only_respondents").value is True
    assert at.selectbox(key="search_filter_uitkering").value == "true"
    assert at.success[0].value.startswith("Found in 1 sentence")
    at.selectbox(key="search_code_all").set_value("schaamte")
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[-1].value.startswith("1 new suggestion made for code ")
    assert len(list_codings(me, statuses=["suggested"])) == 1


def test_every_search_picker_is_the_same_widget_in_both_languages(project):
    """A guard: the code for all hits (in a form, so a pick waits in the browser until the
    click) and the other pickers keep their id across a switch, and speak the new language."""
    path, db = project
    at = run_page("zoeken", path, search_query="schaamde")
    at.radio(key="search_mode").set_value("word").run()
    switch_language(at)
    assert at.radio(key="search_mode").value == "word"
    assert at.selectbox(key="search_code_all").label == "Code (type to search)"
    assert at.selectbox(key="search_code_all").placeholder == "Choose a code"


def test_code_all_hits_leaves_the_interviewers_question_and_says_so(tmp_path, nlp, new_project):
    """The interviewer's question is found and shown, marked as not counting; the button
    counts and suggests only the respondent's sentences, as analysis reads them by default
    (before: 'Maak van alle treffers een suggestie (3 zinnen)' and 3 suggestions)."""
    path = tmp_path / "p.db"
    db = new_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "I: Schaamt u zich daarvoor?\nR: Ik schaamde me. Die schaamte bleef.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R01-a.txt"], nlp=nlp).ok
    at = _search(path, "schamen")
    # the switch starts as the project's setting says: only what respondents say
    assert at.toggle(key="search_only_respondents").value is True
    assert at.success[0].value.startswith("Gevonden in 2 zinnen")
    at.toggle(key="search_only_respondents").set_value(False).run()
    assert at.success[0].value.startswith("Gevonden in 3 zinnen")
    table = at.dataframe[0].value
    assert list(table["Telt mee"]) == [False, True, True]
    assert at.button[0].label == "Maak van alle treffers een suggestie (2 zinnen)"
    assert any("1 gevonden zin telt niet mee" in c.value for c in at.caption)
    at.selectbox[0].set_value("schaamte")
    at.button[0].click().run()
    assert not at.exception
    suggested = list_codings(Project.for_user(db, "onderzoeker"), statuses=["suggested"])
    assert sorted(c["text"] for c in suggested) == ["Die schaamte bleef.", "Ik schaamde me."]
    assert "2 nieuwe suggesties" in at.success[-1].value
    assert "1 zin is niet van een respondent" in at.info[-1].value
