"""The coding page on a real project: choose a sentence, apply a code, decide on a suggestion."""

import datetime as dt
import json

import pytest

from workbench.codings import add_coding, list_codings, remove_coding
from workbench.handle import Project
from workbench.ingest import import_files
from page_runner import page_test, run_page, switch_language
from workbench.handle import Project


@pytest.fixture
def project(tmp_path, nlp, new_project):
    path = tmp_path / "p.db"
    db = new_project(path)
    (tmp_path / "R01-a.txt").write_text(
        "I: Hoe gaat het?\nR: Sinds mijn man overleed ben ik veel alleen.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R01-a.txt"], nlp=nlp).ok
    seg = db.execute(
        "SELECT id, start_char, end_char FROM segments ORDER BY position DESC"
    ).fetchone()
    return (
        path,
        db,
        {"document_id": 1, "segment_id": seg[0], "start_char": seg[1], "end_char": seg[2]},
    )


def _page(path, target=None, lang="nl"):
    return run_page("coderen", path, lang=lang, **({"coding_target": target} if target else {}))


def test_without_a_selection_the_page_explains_what_to_do(project):
    at = _page(project[0])
    assert not at.exception
    assert any("Klik op een zin" in i.value for i in at.info)


def test_applying_a_code_to_the_selected_sentence(project):
    path, db, target = project
    at = _page(path, target)
    assert "Sinds mijn man overleed" in at.markdown[1].value
    at.selectbox(key="coding_code").set_value("verlies-dierbare").run()
    at.button(key="coding_apply").click().run()
    assert not at.exception
    codings = list_codings(Project.for_user(db, "onderzoeker"))
    assert [(c["code"], c["segment_id"], c["origin"]) for c in codings] == [
        ("verlies-dierbare", target["segment_id"], "human")
    ]
    # the toast names the code, not the code and its whole description (the picker shows both)
    assert [t.value for t in at.toast] == ["Code 'Verlies van een dierbare' toegevoegd."]


def test_accepting_a_suggestion_on_the_page(project):
    path, db, target = project
    coding = add_coding(
        Project.for_user(db, "onderzoeker"),
        code="isolement",
        segment_id=target["segment_id"],
        origin="machine",
        score=0.7,
        evidence=["alleen"],
    )
    at = _page(path, target)
    assert any("alleen" in c.value for c in at.caption)
    # The score is shown as what it is, not as a percentage that reads like a chance.
    assert any(m.value == "Eenzaamheid en isolement · 0,70" for m in at.markdown)  # nl: comma
    assert any("geen kans dat het klopt" in c.value for c in at.caption)
    assert not any("70%" in m.value for m in at.markdown)
    assert "Eenzaamheid en isolement 0,70</span>" in drawn(at)["html"]  # the chip in the text
    at.button(key=f"accept-{coding}").click().run()
    assert (
        list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted"])[0]["id"] == coding
    )


def test_undo_takes_back_the_last_coding(project):
    path, db, target = project
    add_coding(
        Project.for_user(db, "onderzoeker"), code="isolement", segment_id=target["segment_id"]
    )
    at = _page(path, target)
    at.button(key="coding_undo").click().run()
    assert list_codings(Project.for_user(db, "onderzoeker")) == []


def test_page_speaks_english_when_asked(project):
    at = _page(project[0], lang="en")
    assert any("Click a sentence" in i.value for i in at.info)


def test_marking_the_year_of_a_loss(project):
    path, db, target = project
    coding = add_coding(
        Project.for_user(db, "onderzoeker"),
        code="verlies-dierbare",
        segment_id=target["segment_id"],
    )
    at = _page(path, target)
    at.number_input(key=f"year-{coding}").set_value(2019)
    at.button(key=f"when-{coding}").click().run()
    assert not at.exception
    assert list_codings(Project.for_user(db, "onderzoeker"))[0]["life_year"] == 2019


def test_memo_on_the_chosen_code(project):
    from workbench.memos import list_memos

    path, db, target = project
    at = _page(path, target)
    at.selectbox(key="coding_code").set_value("verlies-dierbare").run()
    at.radio(key="coding_memo_target").set_value("code").run()
    at.text_area(key="coding_memo").input("Ook rouw om een huisdier?").run()
    at.button(key="coding_memo_save").click().run()
    assert not at.exception
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="code")
    assert memo["text"] == "Ook rouw om een huisdier?"


def test_a_saved_memo_leaves_the_box_empty_so_a_second_click_adds_nothing(project):
    from workbench.memos import list_memos

    path, db, target = project
    at = _page(path, target)
    at.text_area(key="coding_memo").input("Zijn man was haar alles.").run()
    at.button(key="coding_memo_save").click().run()
    assert not at.exception
    assert at.text_area(key="coding_memo").value == ""
    at.button(key="coding_memo_save").click().run()  # again: the empty box is refused
    memos = list_memos(Project.for_user(db, "onderzoeker"))
    assert [m["text"] for m in memos] == ["Zijn man was haar alles."]
    assert any("niet leeg" in e.value for e in at.error)


def test_a_refused_memo_keeps_its_text(project):
    path, db, target = project
    at = _page(path, target)
    at.text_area(key="coding_memo").input("   ").run()
    at.button(key="coding_memo_save").click().run()
    assert any("niet leeg" in e.value for e in at.error)
    assert at.text_area(key="coding_memo").value == "   "  # not saved: nothing is wiped


def drawn(at):
    """What the transcript component was given to draw (html, version, focus)."""
    [component] = [
        e
        for e in at.main.children.values()
        for e in _walk(e)
        if getattr(e, "type", None) == "bidi_component"
    ] or [None]
    return json.loads(component.proto.json)


def _walk(node):
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values() if isinstance(children, dict) else children:
        yield from _walk(child)


def _span(db, target, phrase, coder="onderzoeker", code="isolement"):
    """A hand-selected span coding on ``phrase`` inside the target sentence."""
    text = db.execute("SELECT text FROM documents WHERE id = 1").fetchone()[0]
    start = text.index(phrase)
    return add_coding(
        Project.for_user(db, coder),
        code=code,
        document_id=1,
        start_char=start,
        end_char=start + len(phrase),
    )


def test_a_hand_selected_span_shows_in_the_transcript_and_on_its_sentence(project):
    path, db, target = project
    coding = _span(db, target, "veel alleen")
    at = _page(path, target)
    html = drawn(at)["html"]
    assert "<span class='wb-span' style='--wb-color:" in html
    assert ">veel alleen</span>" in html  # only the selected words are marked
    assert "wb-chip span" in html
    listed = " ".join(m.value for m in at.markdown)
    assert "Eenzaamheid en isolement" in listed and "“veel alleen”" in listed
    assert at.button(key=f"remove-{coding}")  # and it can be taken off from there


def test_other_coders_codes_show_at_once_when_the_toggle_is_switched(project):
    from workbench.accounts import add_user

    path, db, target = project
    add_user(Project.for_user(db, "onderzoeker"), "anna", role="onderzoeker")
    add_coding(
        Project.for_user(db, "anna"), code="verlies-dierbare", segment_id=target["segment_id"]
    )
    at = _page(path, target)
    before = drawn(at)
    assert "anna" not in before["html"]
    at.toggle(key="coding_show_others").set_value(True).run()
    after = drawn(at)
    assert after["version"] != before["version"]  # the browser redraws the transcript
    assert "anna" in after["html"]
    assert any("anna" in m.value for m in at.markdown)


def test_margin_view_has_a_stripe_per_code_and_coder_with_who_and_when(project):
    from workbench.accounts import add_user

    path, db, target = project
    add_user(Project.for_user(db, "onderzoeker"), "anna", role="onderzoeker")
    mine = add_coding(
        Project.for_user(db, "onderzoeker"),
        code="verlies-dierbare",
        segment_id=target["segment_id"],
    )
    add_coding(
        Project.for_user(db, "anna"), code="verlies-dierbare", segment_id=target["segment_id"]
    )
    _span(db, target, "veel alleen")
    at = run_page("coderen", path, coding_show_others=True)
    html = drawn(at)["html"]
    stripes = html.count("class='wb-stripe")
    assert stripes == 3  # Verlies by two coders, isolement on a span
    assert f"data-coding='{mine}'" in html
    # who and when on hover, the time as people read it (not "2026-12-07 10:31")
    stamp = db.execute("SELECT created_at FROM codings WHERE coder = 'anna'").fetchone()[0]
    when = dt.datetime.fromisoformat(stamp).astimezone()
    months = "januari februari maart april mei juni juli augustus september oktober november"
    month = (months + " december").split()[when.month - 1]
    assert (
        f"title='Verlies van een dierbare · anna · {when.day} {month} {when.year}, {when:%H:%M}'"
        in html
    )
    assert "class='wb-stripe other'" in html  # someone else's stripe looks different
    at.toggle(key="coding_margin").set_value(False).run()
    assert "wb-stripe" not in drawn(at)["html"]


def _second_interview(db, tmp_path, nlp):
    """Import a second interview (document 2); returns its respondent's sentence."""
    (tmp_path / "R02-b.txt").write_text(
        "I: En u?\nR: Ik mis mijn dochter heel erg.\n", encoding="utf-8"
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R02-b.txt"], nlp=nlp).ok
    return db.execute("SELECT id FROM segments WHERE text LIKE 'Ik mis%'").fetchone()[0]


def test_a_link_with_doc_and_seg_opens_the_interview_at_that_place(project, tmp_path, nlp):
    path, db, target = project
    seg = _second_interview(db, tmp_path, nlp)
    at = page_test("coderen", path)
    at.query_params["doc"] = "2"
    at.query_params["seg"] = str(seg)
    at.run()
    assert not at.exception
    assert at.selectbox(key="coding_document").value == 2
    assert "> Ik mis mijn dochter heel erg\\." in " ".join(m.value for m in at.markdown)
    assert drawn(at)["focus"] == seg
    assert f"wb-seg selected' data-seg='{seg}'" in drawn(at)["html"]


def test_all_fragments_of_a_code_and_a_jump_to_one(project, tmp_path, nlp):
    path, db, target = project
    other = _second_interview(db, tmp_path, nlp)
    add_coding(
        Project.for_user(db, "onderzoeker"),
        code="verlies-dierbare",
        segment_id=target["segment_id"],
    )
    far = add_coding(Project.for_user(db, "onderzoeker"), code="verlies-dierbare", segment_id=other)
    at = _page(path)
    at.selectbox(key="coding_retrieve_code").set_value("verlies-dierbare").run()
    assert any(c.value.startswith("2 fragmenten") for c in at.caption)
    at.button(key=f"goto-{far}").click().run()
    assert not at.exception
    assert at.selectbox(key="coding_document").value == 2
    assert at.session_state["coding_target"]["segment_id"] == other
    assert drawn(at)["focus"] == other


def test_undo_names_what_was_undone_in_words(project):
    path, db, target = project
    add_coding(
        Project.for_user(db, "onderzoeker"), code="isolement", segment_id=target["segment_id"]
    )
    at = _page(path, target)
    at.button(key="coding_undo").click().run()
    assert [t.value for t in at.toast] == ["Teruggedraaid: de code die je toevoegde"]


def test_empty_choices_speak_dutch(project):
    at = _page(project[0], project[2])
    assert at.selectbox(key="coding_code").placeholder == "Kies een code"
    assert at.selectbox(key="coding_retrieve_code").placeholder == "Kies een code"


# --- "klaar": a done mark per interview per coder (issue 13) -----------------------------------


@pytest.fixture
def two_coders(db):
    """Three fictional interviews (4 sentences each); anna and bram both coded the first."""
    from test_consistency import build_project, code

    layout = build_project(db)
    first, second, _ = layout
    code(db, "anna", "verlies", layout[first][0])
    code(db, "bram", "verlies", layout[first][0])
    return first, second


def _coding(project_path, user, document):
    return run_page("coderen", project_path, user=user, coding_document=document)


def _scope(at):
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return next(w.value for w in [*at.warning, *at.info] if "Vergeleken:" in w.value)


def test_marking_an_interview_done_changes_the_agreement_scope_at_once(
    db, project_path, two_coders
):
    from workbench.done_marks import done_documents

    first, second = two_coders
    consistency = page_test("consistentie", project_path, user="sanne")
    assert "Vergeleken: 4 van de 12 fragmenten (in 1 van de 3 documenten)" in _scope(consistency)

    at = _coding(project_path, "bram", second)
    assert at.button(key="coding_done").label == "Dit interview is klaar"
    at.button(key="coding_done").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.button(key="coding_done").label == "Klaar gemarkeerd — ongedaan maken"
    # the mark is bram's alone: anna has not said she read the second interview
    assert done_documents(db, "bram") == {second} and done_documents(db, "anna") == set()
    assert (
        _coding(project_path, "anna", second).button(key="coding_done").label
        == "Dit interview is klaar"
    )
    scope = _scope(consistency)  # still 4 of 12, but bram has now seen the second interview
    assert "Vergeleken: 4 van de 12" in scope
    assert "- 8 heeft anna niet gezien" in scope and "- 4 heeft bram niet gezien" in scope

    anna = _coding(project_path, "anna", second)
    anna.button(key="coding_done").click().run()
    # the page that was already open follows on its next run, without a stale figure
    assert "Vergeleken: 8 van de 12 fragmenten (in 2 van de 3 documenten)" in _scope(consistency)

    anna.button(key="coding_done").click().run()  # "ongedaan maken"
    assert anna.button(key="coding_done").label == "Dit interview is klaar"
    assert done_documents(db, "anna") == set() and done_documents(db, "bram") == {second}
    assert "Vergeleken: 4 van de 12 fragmenten (in 1 van de 3 documenten)" in _scope(consistency)


def test_a_supervisor_marks_only_for_herself_and_a_co_researcher_not_at_all(
    db, project_path, two_coders
):
    from workbench.done_marks import done_documents, mark_done
    from workbench.errors import PermissionDenied

    first, _ = two_coders
    at = _coding(project_path, "sanne", first)
    at.button(key="coding_done").click().run()
    assert not at.exception
    assert done_documents(db, "sanne") == {first}
    assert done_documents(db, "anna") == done_documents(db, "bram") == set()
    with pytest.raises(PermissionDenied):
        mark_done(Project.for_user(db, "sanne"), [first], coder="anna")
    with pytest.raises(PermissionDenied):
        mark_done(Project.for_user(db, "wijk"), [first], coder="wijk")
    assert done_documents(db, "wijk") == set()


def test_the_done_button_speaks_english_when_asked(db, project_path, two_coders):
    at = run_page("coderen", project_path, user="anna", lang="en", coding_document=two_coders[0])
    button = at.button(key="coding_done")
    assert button.label == "This interview is done" and "also when no code applies" in button.help


def test_the_last_text_of_a_life_event_goes_only_when_asked_with_its_event(project):
    from workbench import life_events

    path, db, target = project
    me = Project.for_user(db, "onderzoeker")
    coding = add_coding(me, code="verlies-dierbare", segment_id=target["segment_id"])
    event = life_events.create_event(me, [coding])
    at = _page(path, target)
    at.button(key=f"remove-{coding}").click().run()
    assert not at.exception
    assert any("laatste bevestigde tekst" in e.value for e in at.error)
    assert [c["id"] for c in list_codings(me)] == [coding]  # nothing removed yet
    at.button(key=f"remove-with-event-{coding}-go").click().run()
    assert not at.exception
    assert list_codings(me) == []
    assert db.execute("SELECT count(*) FROM life_events WHERE id = ?", [event]).fetchone()[0] == 0


# --- a memo on one coding, from the row of actions under it ------------------------------------


def test_a_memo_on_a_coding_is_written_from_the_row_under_it(project):
    """The coding page had memos on an interview, a sentence or a code, not on a coding."""
    from workbench.accounts import add_user
    from workbench.memos import add_memo, list_memos

    path, db, target = project
    me = Project.for_user(db, "onderzoeker")
    add_user(me, "anna", role="onderzoeker")
    coding = add_coding(me, code="verlies-dierbare", segment_id=target["segment_id"])
    add_memo(Project.for_user(db, "anna"), target_type="coding", target_id=coding, text="Wanneer?")
    at = _page(path, target)
    assert any(m.value == "Wanneer?" for m in at.markdown)  # anna's memo, shown on the coding
    at.text_area(key=f"coding-memo-{coding}").input("Zijn man, drie jaar geleden.").run()
    at.button(key=f"coding-memo-{coding}-save").click().run()
    assert not at.exception
    memos = list_memos(me, target_type="coding", target_id=coding)
    assert [(m["author"], m["text"]) for m in memos] == [
        ("onderzoeker", "Zijn man, drie jaar geleden."),
        ("anna", "Wanneer?"),
    ]
    assert [t.value for t in at.toast] == ["Memo bij 'Verlies van een dierbare' opgeslagen."]
    assert at.text_area(key=f"coding-memo-{coding}").value == ""  # saved: an empty box
    assert any(m.value == "Zijn man, drie jaar geleden." for m in at.markdown)


def test_the_coding_memo_speaks_english_when_asked(project):
    path, db, target = project
    coding = add_coding(
        Project.for_user(db, "onderzoeker"), code="isolement", segment_id=target["segment_id"]
    )
    at = _page(path, target, lang="en")  # one run: the harness formats choices in Dutch
    assert at.text_area(key=f"coding-memo-{coding}").label == "Your memo on this coding"
    assert "A memo on this coding: why this code fits here, or what struck you." in [
        c.value for c in at.caption
    ]


def test_an_empty_coding_memo_is_refused_and_keeps_the_box(project):
    from workbench.memos import list_memos

    path, db, target = project
    coding = add_coding(
        Project.for_user(db, "onderzoeker"), code="isolement", segment_id=target["segment_id"]
    )
    at = _page(path, target)
    at.text_area(key=f"coding-memo-{coding}").input("  ").run()
    at.button(key=f"coding-memo-{coding}-save").click().run()
    assert any("niet leeg" in e.value for e in at.error)
    assert list_memos(Project.for_user(db, "onderzoeker"), target_type="coding") == []


def _memo_changed_by_anna(project):
    """A code applied, then a memo that anna changed since: the memo blocks the undo."""
    from workbench.accounts import add_user
    from workbench.memos import add_memo, update_memo

    path, db, target = project
    me = Project.for_user(db, "onderzoeker")
    add_user(me, "anna", role="onderzoeker")
    add_coding(me, code="isolement", segment_id=target["segment_id"])
    memo = add_memo(me, target_type="document", target_id=1, text="Ze is veel alleen.")
    update_memo(Project.for_user(db, "anna"), memo, text="Ze is veel alleen thuis.")
    return path, db, target, me


def test_undo_past_an_action_someone_changed_since(project):
    """Undo refused the memo anna had changed since, and kept refusing: the code applied
    before it could never be undone from the page."""
    from workbench.memos import list_memos

    path, db, target, me = _memo_changed_by_anna(project)
    at = _page(path, target)
    at.button(key="coding_undo").click().run()
    assert [e.value for e in at.error] == [
        "Je kunt je nieuwe memo niet meer ongedaan maken: anna heeft het daarna veranderd. "
        "Wel kun je je actie daarvoor ongedaan maken: de code die je toevoegde. "
        "Wat je net probeerde, blijft dan staan."
    ]
    assert len(list_codings(me)) == 1  # nothing undone before the user says so
    offer = at.button(key="coding_undo_older_go")
    assert offer.label == "Ongedaan maken: de code die je toevoegde"
    offer.click().run()
    assert not at.exception
    assert list_codings(me) == []
    assert [m["text"] for m in list_memos(me)] == ["Ze is veel alleen thuis."]  # anna's stays
    assert [t.value for t in at.toast] == [
        "Teruggedraaid: de code die je toevoegde. "
        "Blijft staan, want daarna veranderd: je nieuwe memo."
    ]
    assert "coding_undo_older_go" not in [b.key for b in at.button]  # the offer is used up


def test_the_offer_to_undo_an_older_action_goes_when_something_new_is_logged(project):
    """It would name an action that is no longer the one the undo would take back."""
    path, db, target, me = _memo_changed_by_anna(project)
    at = _page(path, target)
    at.button(key="coding_undo").click().run()
    assert at.button(key="coding_undo_older_go")
    add_coding(me, code="verlies-dierbare", segment_id=target["segment_id"])
    at.run()
    assert "coding_undo_older_go" not in [b.key for b in at.button]


# --- a memo on what someone else removed between drawing the page and the click -----------


def test_a_memo_on_a_code_merged_away_before_the_click_is_refused_not_moved(project):
    """The "code" choice fell back to the interview when anna merged the code away: the
    memo was written on the interview, without a word."""
    from workbench.accounts import add_user
    from workbench.codebook import merge_codes
    from workbench.memos import list_memos

    path, db, target = project
    me = Project.for_user(db, "onderzoeker")
    add_user(me, "anna", role="onderzoeker")
    at = _page(path, target)
    at.selectbox(key="coding_code").set_value("verlies-relatie").run()
    at.radio(key="coding_memo_target").set_value("code").run()
    at.text_area(key="coding_memo").input("Ook ex-partners?").run()
    merge_codes(
        Project.for_user(db, "anna"), "verlies-relatie", "verlies-netwerk", rationale="één verlies"
    )
    at.button(key="coding_memo_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "De code waar je memo over gaat, is er niet (meer). Misschien heeft iemand anders die "
        "net weggehaald of samengevoegd. Je memo is niet opgeslagen."
    ]
    assert list_memos(me) == []
    assert at.text_area(key="coding_memo").value == "Ook ex-partners?"  # nothing is wiped


def test_a_memo_on_a_coding_removed_before_the_click_is_refused_with_a_message(project):
    """Its box went with the coding: the click did nothing and said nothing."""
    from workbench.accounts import add_user
    from workbench.memos import list_memos

    path, db, target = project
    me = Project.for_user(db, "onderzoeker")
    add_user(me, "anna", role="onderzoeker")
    coding = add_coding(me, code="verlies-dierbare", segment_id=target["segment_id"])
    at = _page(path, target)
    at.text_area(key=f"coding-memo-{coding}").input("Zijn man, drie jaar geleden.").run()
    remove_coding(Project.for_user(db, "anna"), coding)
    at.button(key=f"coding-memo-{coding}-save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "De codering waar je memo over gaat, is er niet (meer). Misschien heeft iemand anders "
        "die net weggehaald. Je memo is niet opgeslagen."
    ]
    assert list_memos(me) == [] and not at.toast


def test_the_memo_choices_stay_when_the_language_changes(project):
    """The radio "memo on this sentence / interview / code" read its words in a format
    function, which Streamlit's test harness calls outside the run: on an English page
    after a switch it read Dutch and the next click failed ("... is not in list")."""
    from workbench.memos import list_memos

    path, db, target = project
    at = _page(path, target)
    at.selectbox(key="coding_code").set_value("verlies-dierbare").run()
    at.radio(key="coding_memo_target").set_value("code").run()
    at.toggle(key="coding_show_others").set_value(True).run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="coding_code").value == "verlies-dierbare"
    assert at.toggle(key="coding_show_others").value is True
    assert at.radio(key="coding_memo_target").value == "code"
    assert at.radio(key="coding_memo_target").options == [
        "On this interview",
        "On this sentence",
        "On this code",
    ]
    at.text_area(key="coding_memo").input("Rouw, ook na jaren.").run()
    at.button(key="coding_memo_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="code")
    assert memo["text"] == "Rouw, ook na jaren."


def test_a_memo_on_the_sentence_is_chosen_on_the_english_page(project):
    from workbench.memos import list_memos

    path, db, target = project
    at = _page(path, target, lang="en")
    at.radio(key="coding_memo_target").set_value("segment").run()
    at.text_area(key="coding_memo").input("Alleen sinds het overlijden.").run()
    at.button(key="coding_memo_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="segment")
    assert (memo["target_id"], memo["text"]) == (
        target["segment_id"],
        "Alleen sinds het overlijden.",
    )


def test_the_interview_and_the_code_to_retrieve_stay_when_the_language_changes(
    project, tmp_path, nlp
):
    """A guard: the interview and the retrieve pickers choose ids with a key, and show names
    made in this run."""
    path, db, target = project
    (tmp_path / "R02-b.txt").write_text("R: Ik voel me vaak alleen.\n", encoding="utf-8")
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R02-b.txt"], nlp=nlp).ok
    add_coding(
        Project.for_user(db, "onderzoeker"), code="isolement", segment_id=target["segment_id"]
    )
    at = _page(path)
    at.selectbox(key="coding_document").set_value(2).run()
    at.selectbox(key="coding_retrieve_code").set_value("isolement").run()
    switch_language(at)
    assert at.selectbox(key="coding_document").value == 2
    assert at.selectbox(key="coding_document").options == ["R01-a", "R02-b"]
    assert at.selectbox(key="coding_retrieve_code").value == "isolement"
    assert "1 fragment. Click 'Go there'" in " ".join(c.value for c in at.caption)


@pytest.fixture
def story(tmp_path, nlp, new_project):
    """A life story whose text has Markdown's signs in it and sentences to select across."""
    path = tmp_path / "s.db"
    db = new_project(path)
    (tmp_path / "R07-story.txt").write_text(
        "I: Hoe was dat jaar?\n"
        "R: Mijn man overleed in de winter. Daarna was het stil in huis.\n"
        "I: En toen?\n"
        "R: Ik zei *niets* meer [lacht] tegen de buren.\n",
        encoding="utf-8",
    )
    assert import_files(
        Project.for_user(db, "onderzoeker"), [tmp_path / "R07-story.txt"], nlp=nlp
    ).ok
    segs = {
        text: (sid, start, end)
        for sid, start, end, text in db.execute(
            "SELECT id, start_char, end_char, text FROM segments ORDER BY position"
        )
    }
    return path, db, segs


def _select(at, start_seg, start, end_seg, end):
    """Select text in the transcript as the browser reports it (UTF-16 offsets per sentence)."""
    at.session_state["transcript-1"] = {
        "selection": {
            "kind": "span",
            "start_segment": start_seg,
            "start": start,
            "end_segment": end_seg,
            "end": end,
        }
    }
    return at.run()


def test_a_selection_across_two_sentences_is_stored_without_spaces_at_its_ends(story):
    path, db, segs = story
    first = segs["Mijn man overleed in de winter."]
    second = segs["Daarna was het stil in huis."]
    at = _page(path)
    # dragged from just after the full stop to just after "was " in the next sentence
    _select(at, first[0], len("Mijn man overleed in de winter."), second[0], len("Daarna was "))
    assert at.session_state["coding_target"]["start_char"] == second[1]
    _select(at, first[0], len("Mijn man "), second[0], len("Daarna was "))
    assert quote(at) == "> overleed in de winter\\. Daarna was"
    at.selectbox(key="coding_code").set_value("verlies-dierbare").run()
    at.button(key="coding_apply").click().run()
    [(text, seg, start, end)] = db.execute(
        "SELECT text, segment_id, start_char, end_char FROM codings"
    ).fetchall()
    full = db.execute("SELECT text FROM documents").fetchone()[0]
    assert text == full[start:end] == "overleed in de winter. Daarna was"
    assert seg is None
    assert any(m.value.startswith(":material/label: Verlies van een dierbare") for m in at.markdown)


def test_a_selection_of_one_whole_sentence_lists_the_code_put_on_it(story):
    path, db, segs = story
    seg, start, end = segs["Daarna was het stil in huis."]
    at = _page(path)
    _select(at, seg, 0, seg, end - start)
    at.selectbox(key="coding_code").set_value("isolement").run()
    at.button(key="coding_apply").click().run()
    [(coding, on)] = db.execute("SELECT id, segment_id FROM codings").fetchall()
    assert on == seg  # stored on the sentence ...
    assert at.button(key=f"remove-{coding}")  # ... and listed under the chosen text to take off
    at.button(key="coding_undo").click().run()
    assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == 0
    assert not [b for b in at.button if b.key == f"remove-{coding}"]


def test_a_selection_that_starts_on_the_full_stop_before_codes_the_sentence_after_it(story):
    """'. Daarna was het stil in huis.' was a free span with the stop of the sentence before."""
    path, db, segs = story
    first = segs["Mijn man overleed in de winter."]
    seg, start, end = segs["Daarna was het stil in huis."]
    at = _page(path)
    _select(at, first[0], len("Mijn man overleed in de winter"), seg, end - start)
    assert quote(at) == "> Daarna was het stil in huis\\."
    at.selectbox(key="coding_code").set_value("isolement").run()
    at.button(key="coding_apply").click().run()
    assert db.execute("SELECT segment_id, start_char, end_char FROM codings").fetchall() == [
        (seg, start, end)
    ]


def quote(at):
    """The chosen text as the page quotes it."""
    return next(m.value for m in at.markdown if m.value.startswith("> "))


def test_transcript_text_is_shown_as_written_not_read_as_markdown(story):
    path, db, segs = story
    full = db.execute("SELECT text FROM documents").fetchone()[0]
    start = full.index("stil in huis")
    end = full.index("[lacht]") + len("[lacht]")
    coding = add_coding(
        Project.for_user(db, "onderzoeker"),
        code="isolement",
        document_id=1,
        start_char=start,
        end_char=end,
    )
    at = _page(path, {"document_id": 1, "segment_id": None, "start_char": start, "end_char": end})
    # across two turns: every line stays in the quote, the asterisks and brackets as typed
    assert quote(at) == (
        "> stil in huis\\.  \n> I\\: En toen?  \n> R\\: Ik zei \\*niets\\* meer \\[lacht\\]"
    )
    assert at.button(key=f"remove-{coding}")
    seg = segs[next(t for t in segs if t.startswith("Ik zei"))]
    at = _page(
        path, {"document_id": 1, "segment_id": seg[0], "start_char": seg[1], "end_char": seg[2]}
    )
    assert any(
        "“stil in huis\\. I\\: En toen? R\\: Ik zei \\*niets\\*" in m.value for m in at.markdown
    )
    at.selectbox(key="coding_retrieve_code").set_value("isolement").run()
    assert any(c.value.startswith("1 fragment.") for c in at.caption)
    assert any(
        m.value.endswith("\nstil in huis\\. I\\: En toen? R\\: Ik zei \\*niets\\* meer \\[lacht\\]")
        for m in at.markdown
    )


def test_a_span_across_two_sentences_lists_the_codes_on_those_sentences(story):
    path, db, segs = story
    first = segs["Mijn man overleed in de winter."]
    second = segs["Daarna was het stil in huis."]
    researcher = Project.for_user(db, "onderzoeker")
    coding = add_coding(researcher, code="verlies-dierbare", segment_id=first[0])
    proposal = add_coding(
        researcher, code="isolement", segment_id=second[0], origin="machine", score=0.6
    )
    at = _page(path)
    _select(at, first[0], len("Mijn man "), second[0], len("Daarna was"))
    listed = [m.value for m in at.markdown]
    assert (
        ":material/label: Verlies van een dierbare · _onderzoeker_  \n"
        ":gray[op: “Mijn man overleed in de winter\\.”]"
    ) in listed
    assert at.button(key=f"remove-{coding}")
    assert "Eenzaamheid en isolement · 0,60" in listed
    assert "op: “Daarna was het stil in huis\\.”" in [c.value for c in at.caption]
    at.button(key=f"accept-{proposal}").click().run()
    assert db.execute("SELECT status FROM codings WHERE id = ?", [proposal]).fetchone()[0] == (
        "accepted"
    )


def test_the_life_events_panel_names_a_code_as_the_rest_of_the_page(story):
    path, db, segs = story
    seg, start, end = segs["Mijn man overleed in de winter."]
    add_coding(Project.for_user(db, "onderzoeker"), code="verlies-dierbare", segment_id=seg)
    at = _page(path, {"document_id": 1, "segment_id": seg, "start_char": start, "end_char": end})
    listed = [m.value for m in at.markdown]
    assert "**Verlies van een dierbare** · _onderzoeker_" in listed  # the life events panel
    assert not any("verlies-dierbare" in m for m in listed)


def test_the_life_event_panel_shows_no_other_coder_while_coding_blind(demo_template, tmp_path):
    """The page said 'je ziet alleen je eigen codes' and its life-event panel listed bram's."""
    from built_once import copy_project
    from workbench import consistency, life_events
    from workbench.store import open_project

    path = copy_project(demo_template, tmp_path / "demo.db")
    db = open_project(path)
    lead = Project.for_user(db, "onderzoeker")
    # a sentence on which anna and bram both put a loss or reaction code
    seg, doc, start, end = db.execute(
        "SELECT s.id, s.document_id, s.start_char, s.end_char FROM segments s "
        "JOIN codings a ON a.segment_id = s.id AND a.coder = 'anna' "
        "JOIN codings b ON b.segment_id = s.id AND b.coder = 'bram' "
        "JOIN codes k ON k.id = b.code_id WHERE k.slug LIKE 'verlies%' ORDER BY s.id"
    ).fetchone()
    assert {c["coder"] for c in life_events.codings_at(lead, doc, start, end)} == {"anna", "bram"}
    consistency.create_sample(lead, name="blind", coders=["anna", "bram"], documents=[doc])
    consistency.set_blind_coding(lead, True)
    at = run_page(
        "coderen",
        path,
        user="anna",
        coding_target={"document_id": doc, "segment_id": seg, "start_char": start, "end_char": end},
    )
    assert any("je eigen codes" in w.value for w in at.warning)
    # the panel lists anna's coding here ('**code** · _coder_'), bram's nowhere on the page
    assert any(m.value.startswith("**") and m.value.endswith(" · _anna_") for m in at.markdown)
    assert not any("bram" in m.value for m in at.markdown)


def test_the_life_event_panel_offers_no_event_of_another_coder_while_coding_blind(
    demo_template, tmp_path
):
    """ "Zelfde gebeurtenis als" listed the events other coders made, with their labels: a
    blind coder read there what her colleague coded. Blind, she gets only events made from
    her own codings, anywhere in the panel; outside the sample she gets the team's events."""
    from built_once import copy_project
    from workbench import consistency, life_events
    from workbench.store import open_project

    path = copy_project(demo_template, tmp_path / "demo.db")
    db = open_project(path)
    lead, anna = Project.for_user(db, "onderzoeker"), Project.for_user(db, "anna")
    # an event made (also) from a coding of bram's, in the words the team gave it
    event, doc, code = db.execute(
        "SELECT e.id, e.document_id, e.kind FROM life_events e JOIN life_event_codings m ON "
        "m.event_id = e.id JOIN codings c ON c.id = m.coding_id WHERE c.coder = 'bram' "
        "AND e.status = 'accepted' AND e.kind LIKE 'verlies-%' ORDER BY e.id"
    ).fetchone()
    life_events.update_event(lead, event, label="vader uit beeld")
    # anna puts the same code on a sentence of her own: a coding that belongs to no event yet
    seg, start, end = db.execute(
        "SELECT id, start_char, end_char FROM segments WHERE document_id = ? AND id NOT IN "
        "(SELECT segment_id FROM codings WHERE segment_id IS NOT NULL) ORDER BY position DESC",
        [doc],
    ).fetchone()
    mine = add_coding(anna, code=code, segment_id=seg)
    target = {"document_id": doc, "segment_id": seg, "start_char": start, "end_char": end}

    def same_as(at) -> list[str]:
        assert not at.exception, [e.message for e in at.exception]
        return list(at.selectbox(key=f"life_same_{mine}").options)

    at = run_page("coderen", path, user="anna", coding_target=target)
    assert any("vader uit beeld" in o for o in same_as(at))  # not blind: the team's events
    assert at.button(key="life_propose")
    consistency.create_sample(lead, name="blind", coders=["anna", "bram"], documents=[doc])
    consistency.set_blind_coding(lead, True)
    at = run_page("coderen", path, user="anna", coding_target=target)
    assert same_as(at) == []
    # proposing works from every coder's codings: its count ("3 events") told her they coded
    assert not [b for b in at.button if b.key == "life_propose"]
    assert any("niet meer blind codeert" in c.value for c in at.caption)
    life_events.create_event(anna, [mine], label="eigen verlies")
    at = run_page("coderen", path, user="anna", coding_target=target)
    assert not any("vader uit beeld" in m.value for m in at.markdown)
    assert all(
        "vader uit beeld" not in str(o)
        for s in at.selectbox
        if s.key.startswith("life_")
        for o in s.options
    )
    assert any("eigen verlies" in m.value for m in at.markdown)


def test_undo_on_the_page_takes_back_the_done_mark_just_set(db, project_path, two_coders):
    """Ctrl+Z right after "klaar" took back anna's coding before it and left the mark."""
    from workbench.done_marks import done_documents

    first, second = two_coders
    codings = "SELECT id, status FROM codings WHERE coder = 'anna'"
    coded = db.execute(codings).fetchall()
    assert coded
    at = _coding(project_path, "anna", second)
    at.button(key="coding_done").click().run()
    assert done_documents(db, "anna") == {second}
    at.button(key="coding_undo").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert done_documents(db, "anna") == set()
    assert db.execute(codings).fetchall() == coded  # her coding before it is left as it was
    assert "Teruggedraaid: het op klaar zetten van interviews" in [t.value for t in at.toast]
    assert at.button(key="coding_done").label == "Dit interview is klaar"


def test_a_suggested_code_name_is_shown_as_written_not_as_markdown(project):
    from workbench.codebook import rename_code

    path, db, target = project
    researcher = Project.for_user(db, "onderzoeker")
    rename_code(researcher, "isolement", "*Zorg_mantel_nieuw*", rationale="test")
    add_coding(
        researcher,
        code="isolement",
        segment_id=target["segment_id"],
        origin="machine",
        score=0.7,
        evidence=["alleen_*"],
    )
    at = _page(path, target)
    assert not at.exception
    assert any(m.value == r"\*Zorg\_mantel\_nieuw\* · 0,70" for m in at.markdown)
    assert any(r"alleen\_\*" in c.value for c in at.caption)
