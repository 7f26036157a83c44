"""Every figure on the Patronen page says what it covers, and the figure is the one counted
by hand from the project's rows: whose words count (the speakers actually used, not "as set
for the project"), what a number in the co-occurrence heatmap is (pairs of fragments) and
where codes meet (a segment is a sentence, "zin", not a "fragment"), a document linked to
nobody (a person of its own in every n), loss or reaction fragments left out of the cascade
counts, and whether proposed links make a cascade.

The small project of tests/test_patterns.py, on a real project file.
"""

from __future__ import annotations

import pytest
from page_runner import page_test
from test_page_patronen import TAB, story  # noqa: F401 (a fixture)
from test_page_patronen_exports import files, settings_of  # noqa: F401 (a fixture)
from test_page_patronen_labels import chart
from test_patterns import add_interview, build_project

from workbench import life_events
from workbench.codings import add_coding
from workbench.handle import Project
from workbench.i18n import t
from workbench.ingest import import_files
from workbench.respondents import ensure_respondent
from workbench.store import set_setting

RESPONDENT_TURNS = """
    SELECT DISTINCT c.document_id, k.slug, c.start_char, c.end_char
    FROM codings c JOIN codes k ON k.id = c.code_id
    JOIN segments g ON g.id = c.segment_id JOIN turns t ON t.id = g.turn_id
    JOIN speakers s ON s.id = t.speaker_id
    WHERE c.status = 'accepted' AND s.role != 'interviewer'
"""  # fragments by hand: distinct coded spans, accepted, outside interviewer turns


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    "setting, lang, said",
    [
        ("respondent", "nl", "sprekers: alleen de geïnterviewde"),
        ("all", "nl", "sprekers: iedereen"),
        ("respondent", "en", "speakers: the respondent only"),
    ],
)
def test_the_caption_names_the_speakers_counted_not_the_project_setting(
    db, project_path, setting, lang, said
):
    build_project(db)
    set_setting(db, "analysis_speakers", setting, actor="onderzoeker")
    at = page_test("patronen", project_path, lang=lang).run()
    assert not at.exception, [e.message for e in at.exception]
    text = captions(at)
    assert said in text
    assert "zoals ingesteld" not in text and "as set for the project" not in text
    # and the matrix counts those speakers: R03's schaamte sits in an interviewer turn
    matrix = at.dataframe[0].value
    assert matrix.loc["R03", "Schaamte"] == (1 if setting == "all" else 0)


def test_the_heatmap_says_what_a_number_counts_and_where_codes_meet(db, project_path):
    build_project(db)
    at = page_test(
        "patronen",
        project_path,
        patronen_tab=TAB["cooccurrence"],
        patronen_co_scope="window",
        patronen_co_window=1,
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    text = captions(at)
    assert "hooguit 1 zin uit elkaar" in text and "paren van fragmenten" in text
    assert "uit elkaar" in at.number_input(key="patronen_co_window").label
    scope = at.radio(key="patronen_co_scope")
    assert scope.format_func("segment") == "in dezelfde zin"  # a segment is a sentence
    # By hand (tests/test_patterns.py): Verlies dierbare and Schaamte are one segment apart
    # only in R01 (s1, s2); R02's are five apart, R03's schaamte is the interviewer's.
    _, data = chart(at)
    pair = data[(data["code_a"] == "verlies-dierbare") & (data["code_b"] == "schaamte")]
    assert pair["meetings"].tolist() == [1]
    at.radio(key="patronen_co_scope").set_value("segment").run()
    assert "in dezelfde zin staan" in captions(at)


def test_a_document_of_nobody_is_said_to_count_as_a_person_of_its_own(db, project_path):
    build_project(db)
    loose = add_interview(db, None, "losse-notitie")
    add_coding(Project.for_user(db, "anna"), code="schaamte", segment_id=loose[1])
    at = page_test(
        "patronen", project_path, patronen_tab=TAB["frequencies"], patronen_freq_by=None
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "1 document hoort bij geen persoon: losse-notitie" in captions(at)
    people = db.execute(
        "SELECT count(*) FROM (SELECT DISTINCT coalesce(r.code, d.name) FROM documents d "
        "LEFT JOIN respondents r ON r.id = d.respondent_id)"
    ).fetchone()[0]
    _, data = chart(at)
    assert people == 5 and set(data["group_size"]) == {people}  # 4 respondents + the note


def test_reactions_in_no_event_are_said_also_when_every_loss_is_placed(db, project_path):
    """Every loss fragment is an event, no reaction is: the page must still say that the
    reaction fragments are left out of "which reactions follow which loss"."""
    build_project(db)
    researcher = Project.for_user(db, "onderzoeker")
    the = life_events.kinds(researcher)
    spans: dict[tuple, list[int]] = {}
    for cid, doc, code, start, end in db.execute(
        "SELECT c.id, c.document_id, k.slug, c.start_char, c.end_char FROM codings c "
        "JOIN codes k ON k.id = c.code_id WHERE c.status = 'accepted' ORDER BY c.id"
    ).fetchall():
        if code in the.losses:
            spans.setdefault((doc, code, start, end), []).append(cid)
    for ids in spans.values():
        life_events.create_event(researcher, ids)
    fragments = db.execute(RESPONDENT_TURNS).fetchall()
    reactions = sum(code in the.reactions for _, code, _, _ in fragments)
    assert reactions == 7  # by hand: R01 4 (s2, s5, s7, s8), R02 2 (s5, s7), R03 1 (s4)
    at = page_test(
        "patronen", project_path, patronen_tab=TAB["cascades"], patronen_cas_plans=False
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    said = [i.value for i in at.info]
    assert any(
        f"0 fragmenten met een verliescode en {reactions} fragmenten met een reactiecode" in s
        for s in said
    ), said


def test_the_cascade_count_says_whether_proposed_links_count(story):  # noqa: F811
    story.run()
    assert any(
        "1 van de 4 personen heeft een verliescascade met alleen bevestigde verbanden" in m.value
        for m in story.markdown
    )
    story.toggle(key="patronen_cas_proposed").set_value(True).run()
    assert not story.exception, [e.message for e in story.exception]
    assert any("voorgestelde verbanden meegeteld" in m.value for m in story.markdown)


def test_people_beside_link_counts_are_said_to_be_confirmed_only(story):  # noqa: F811
    """With the proposals shown, reactions follow losses by proposed links only (R01's
    schaamte after verlies-dierbare): Voorgesteld counts the link, Personen stays 0, which
    the page must say; R02's isolement after verlies-woning is confirmed, by one person."""
    story.session_state["patronen_cas_plans"] = True
    story.run()
    assert not story.exception, [e.message for e in story.exception]
    after = next(d.value for d in story.dataframe if "Reactie" in d.value.columns)
    after = after.set_index(["Verlies", "Reactie"])
    assert after.loc[("Verlies dierbare", "Schaamte"), ["Bevestigd", "Voorgesteld"]].tolist() == [
        0,
        1,
    ]
    assert after.loc[("Verlies dierbare", "Schaamte"), "Personen"] == 0
    assert after.loc[("Verlies woning", "Isolement"), ["Bevestigd", "Personen"]].tolist() == [1, 1]
    assert "Personen en Wie tellen alleen de personen met een bevestigd verband" in captions(story)


@pytest.mark.parametrize(
    "tab, name, unit",
    [
        ("matrix", "matrix.csv", "fragments per respondent and code"),
        ("frequencies", "frequenties.csv", "group_size"),
        ("cooccurrence", "samen.csv", "pairs of fragments"),
        ("cascades", "verliescascades.csv", "life events, not codings"),
        ("profile", "persoon-R01.csv", "fragments of this person"),
    ],
)
def test_every_download_says_what_its_numbers_count(db, project_path, files, tab, name, unit):  # noqa: F811
    build_project(db)
    at = page_test("patronen", project_path, patronen_tab=TAB[tab], patronen_profile="R01").run()
    assert not at.exception, [e.message for e in at.exception]
    about = settings_of(files[name]())
    assert len(about["counts"]) == 1 and unit in about["counts"][0]


def test_every_status_is_said_to_include_open_and_rejected_suggestions(db, project_path):
    """Clearing the status choice counts every coding: R03's machine suggestion of
    verlies-werk (open, s7) becomes a fragment, and the caption says suggestions count."""
    build_project(db)
    at = page_test("patronen", project_path).run()
    assert at.dataframe[0].value.loc["R03", "Verlies werk"] == 0  # accepted only
    at.multiselect(key="patronen_status").set_value([]).run()
    assert not at.exception, [e.message for e in at.exception]
    open_ones = db.execute(
        "SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id "
        "WHERE k.slug = 'verlies-werk' AND c.status = 'suggested'"
    ).fetchone()[0]
    assert at.dataframe[0].value.loc["R03", "Verlies werk"] == open_ones == 1
    assert "status: alle, ook open voorstellen en afgewezen voorstellen" in captions(at)


def test_the_matrix_says_rows_join_interviews_and_unused_codes_are_left_out(db, project_path):
    build_project(db)
    rid = db.execute("SELECT id FROM respondents WHERE code = 'R01'").fetchone()[0]
    second = add_interview(db, rid, "interview-R01-deel-2")
    add_coding(Project.for_user(db, "anna"), code="schaamte", segment_id=second[1])
    at = page_test("patronen", project_path).run()
    assert not at.exception, [e.message for e in at.exception]
    matrix = at.dataframe[0].value
    assert list(matrix.index).count("R01") == 1
    assert matrix.loc["R01", "Schaamte"] == 2  # s2 of the first interview, s1 of the second
    assert "Energiebalans" not in matrix.columns  # in the codebook, never coded
    text = captions(at)
    assert "met al haar of zijn interviews samen" in text
    assert "een code zonder fragmenten staat er niet" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_tab_breaks_on_an_empty_project_or_on_one_interview(tmp_path, nlp, new_project, lang):
    """A new project (codebook, no interview) says there is nothing to count yet; one
    interview with a loss told twice and one that followed from it shows every tab."""
    tabs = ("matrix", "frequencies", "cooccurrence", "quotes", "cascades", "profile")
    path = tmp_path / "p.db"
    db = new_project(path)
    for tab in tabs:
        at = page_test("patronen", path, lang=lang, patronen_tab=t(f"patronen.tab.{tab}", lang))
        at.run()
        assert not at.exception, (tab, [e.message for e in at.exception])
        assert [i.value for i in at.info] == [t("patronen.empty", lang)]
    (tmp_path / "R01.txt").write_text(
        "I: Wat gebeurde er?\nR: In 2018 is mijn man overleden. Daardoor moest ik het huis "
        "verkopen. Sindsdien ken ik hier niemand.\nI: En nu?\nR: Mijn man mis ik nog elke dag.\n",
        encoding="utf-8",
    )
    me = Project.for_user(db, "onderzoeker")
    respondent = ensure_respondent(me, "R01")
    assert import_files(me, [tmp_path / "R01.txt"], respondent_id=respondent, nlp=nlp).ok
    segment = dict(db.execute("SELECT text, id FROM segments").fetchall())
    for text, code in (
        ("In 2018 is mijn man overleden.", "verlies-dierbare"),
        ("Daardoor moest ik het huis verkopen.", "verlies-woning"),
        ("Sindsdien ken ik hier niemand.", "isolement"),
        ("Mijn man mis ik nog elke dag.", "verlies-dierbare"),
    ):
        add_coding(me, code=code, segment_id=segment[text])
    for tab in tabs:
        at = page_test("patronen", path, lang=lang, patronen_tab=t(f"patronen.tab.{tab}", lang))
        at.run()
        assert not at.exception, (tab, [e.message for e in at.exception])
        if tab == "matrix":
            assert at.dataframe[0].value.loc["R01"].tolist() == [2, 1, 1]
        if tab == "cascades":  # the re-mention joins the death: two losses, not three
            losses = at.dataframe[0].value
            assert len(losses) == 2
