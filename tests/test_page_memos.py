"""The memo manager on a real project: every memo in one list, filters, a link to its place."""

import pytest

from workbench.codings import add_coding, remove_coding
from workbench.handle import Project
from workbench.history import undo_last
from workbench.ingest import import_files
from workbench.memos import add_memo, list_memos, memo_overview
from workbench.respondents import add_respondent, link_document
from conftest import REPO
from page_runner import run_page, switch_language
from streamlit.testing.v1 import AppTest
from workbench.handle import Project


def in_the_app(page, path, **state):
    """Page ``page`` opened through the app's navigation (so links to other pages resolve)."""
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    for key, value in {"project_path": str(path), "user": "onderzoeker", **state}.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(f"workbench/app/pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def project(tmp_path, nlp, new_project):
    path = tmp_path / "p.db"
    db = new_project(path)
    for name, text in (
        ("R01-a.txt", "I: Hoe gaat het?\nR: Sinds mijn man overleed ben ik alleen.\n"),
        ("R02-b.txt", "I: En u?\nR: Ik mis mijn dochter heel erg.\n"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / name], nlp=nlp).ok
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('anna', 'onderzoeker', '')")
    seg = db.execute("SELECT id FROM segments WHERE text LIKE 'Ik mis%'").fetchone()[0]
    code = db.execute("SELECT id FROM codes WHERE slug = 'verlies-dierbare'").fetchone()[0]
    coding = add_coding(Project.for_user(db, "anna"), code="verlies-dierbare", segment_id=seg)
    add_memo(
        Project.for_user(db, "onderzoeker"),
        target_type="document",
        target_id=1,
        text="Lang interview.",
    )
    add_memo(
        Project.for_user(db, "anna"),
        target_type="segment",
        target_id=seg,
        text="Rouw om de dochter.",
    )
    add_memo(
        Project.for_user(db, "onderzoeker"),
        target_type="code",
        target_id=code,
        text="Ook huisdieren?",
    )
    add_memo(Project.for_user(db, "anna"), target_type="coding", target_id=coding, text="Twijfel.")
    return path, db, seg, code


def test_overview_says_what_each_memo_is_about(project):
    path, db, seg, code = project
    memos = {m["text"]: m for m in memo_overview(Project.for_user(db, "onderzoeker"))}
    assert memos["Rouw om de dochter."]["quote"] == "Ik mis mijn dochter heel erg."
    assert (
        memos["Rouw om de dochter."]["document_id"],
        memos["Rouw om de dochter."]["segment_id"],
    ) == (2, seg)
    assert memos["Twijfel."]["code"] == "Verlies van een dierbare"
    assert memos["Ook huisdieren?"]["document_id"] is None
    assert [
        m["text"] for m in memo_overview(Project.for_user(db, "onderzoeker"), document_id=2)
    ] == [
        "Twijfel.",
        "Rouw om de dochter.",
    ]
    assert {m["text"] for m in memo_overview(Project.for_user(db, "onderzoeker"), code=code)} == {
        "Ook huisdieren?",
        "Twijfel.",
    }
    assert {
        m["text"] for m in memo_overview(Project.for_user(db, "onderzoeker"), written_by="anna")
    } == {
        "Rouw om de dochter.",
        "Twijfel.",
    }


def test_page_lists_all_memos_and_filters_them(project):
    path, db, seg, code = project
    at = run_page("memos", path)
    assert at.caption[0].value == "4 van de 4 memo's."
    assert at.selectbox(key="memos_author").placeholder == "Iedereen"
    at.selectbox(key="memos_author").set_value("anna").run()
    assert at.caption[0].value == "2 van de 4 memo's."
    at.selectbox(key="memos_document").set_value(2).run()
    text = " ".join(m.value for m in at.markdown)
    assert "Rouw om de dochter." in text and "Lang interview." not in text


def test_the_code_filter_keeps_the_memos_on_that_code_and_its_codings(project):
    # the menu offered codebook slugs while memo_overview filters on the code's id in the
    # database: picking a code showed "0 van de 4 memo's"
    path, db, seg, code = project
    for lang, count in (("nl", "2 van de 4 memo's."), ("en", "2 of 4 memos.")):
        # the code as picked in the menu, shown by its name
        at = run_page("memos", path, lang=lang, memos_code=code)
        assert at.selectbox(key="memos_code").value == code
        assert "Verlies van een dierbare" in at.selectbox(key="memos_code").options
        assert at.caption[0].value == count
        text = " ".join(m.value for m in at.markdown)
        assert "Ook huisdieren?" in text and "Twijfel." in text
        assert "Rouw om de dochter." not in text


def test_the_code_filter_on_a_parent_keeps_the_memos_on_its_sub_codes(project):
    """A parent code holds its sub-codes (the codebook counts them with it): filtering on
    "verlies" finds what was written on "verlies-dierbare" and its codings, and says so."""
    path, db, seg, code = project
    me = Project.for_user(db, "onderzoeker")
    parent = db.execute("SELECT id FROM codes WHERE slug = 'verlies'").fetchone()[0]
    add_memo(me, target_type="code", target_id=parent, text="Verlies in brede zin.")
    assert {m["text"] for m in memo_overview(me, code=parent)} == {
        "Verlies in brede zin.",
        "Ook huisdieren?",
        "Twijfel.",
    }
    # the code alone, when a caller asks for it; a sub-code's filter never shows its parent's
    assert [m["text"] for m in memo_overview(me, code=parent, sub_codes=False)] == [
        "Verlies in brede zin."
    ]
    assert {m["text"] for m in memo_overview(me, code=code)} == {"Ook huisdieren?", "Twijfel."}
    for lang, count, help_text in (
        ("nl", "3 van de 5 memo's.", "de codes eronder"),
        ("en", "3 of 5 memos.", "the codes below it"),
    ):
        at = run_page("memos", path, lang=lang, memos_code=parent)
        assert at.caption[0].value == count
        assert help_text in at.selectbox(key="memos_code").help
        text = " ".join(m.value for m in at.markdown)
        assert "Ook huisdieren?" in text and "Twijfel." in text
        assert "Rouw om de dochter." not in text


def test_filtering_on_an_interview_keeps_the_memos_on_its_respondent(project):
    """The interview filter kept memos on the interview, its sentences and codings but hid
    the memo on the person it is with: a researcher looking at one interview missed it."""
    path, db, seg, code = project
    me = Project.for_user(db, "onderzoeker")
    r01, r02 = (add_respondent(me, c) for c in ("R01", "R02"))
    link_document(me, 1, r01)
    add_memo(me, target_type="respondent", target_id=r01, text="Praat graag over vroeger.")
    add_memo(me, target_type="respondent", target_id=r02, text="Woont sinds kort alleen.")
    assert {m["text"] for m in memo_overview(me, document_id=1)} == {
        "Lang interview.",
        "Praat graag over vroeger.",
    }
    # interview 2 has nobody yet: no respondent memo; then it is a second interview of R01
    assert "Praat graag over vroeger." not in {m["text"] for m in memo_overview(me, document_id=2)}
    link_document(me, 2, r01)
    assert {m["text"] for m in memo_overview(me, document_id=2)} == {
        "Twijfel.",
        "Rouw om de dochter.",
        "Praat graag over vroeger.",
    }
    # with a code as well, only memos on that code and its codings stay (as for an interview)
    assert [m["text"] for m in memo_overview(me, document_id=2, code=code)] == ["Twijfel."]
    at = run_page("memos", path, memos_document=1)
    assert at.caption[0].value == "2 van de 6 memo's."
    text = " ".join(m.value for m in at.markdown)
    assert "**Respondent: R01**" in text and "Praat graag over vroeger." in text
    assert "Woont sinds kort alleen." not in text


def test_a_memo_links_to_its_place_in_the_interview(project):
    path, db, seg, code = project
    at = in_the_app("memos", path, memos_author="anna")
    links = [
        e
        for e in at.main.children.values()
        for e in _walk(e)
        if getattr(e, "type", None) == "page_link"
    ]
    assert links, "no link to the interview"
    targets = {link.proto.query_string for link in links}
    assert f"doc=2&seg={seg}" in targets


def test_own_memo_is_deleted_from_the_list(project):
    path, db, seg, code = project
    memo = next(
        m for m in list_memos(Project.for_user(db, "onderzoeker")) if m["text"] == "Lang interview."
    )
    at = run_page("memos", path)
    at.button(key=f"memo_delete_{memo['id']}").click().run()
    assert not at.exception
    assert "Lang interview." not in [
        m["text"] for m in list_memos(Project.for_user(db, "onderzoeker"))
    ]


def _walk(node):
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values() if isinstance(children, dict) else children:
        yield from _walk(child)


def test_supervisor_gets_no_delete_button_on_someone_elses_memo(project):
    path, db, seg, code = project
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('sup', 'supervisor', '')")
    own = add_memo(Project.for_user(db, "sup"), target_type="document", target_id=2, text="Mooi.")
    at = run_page("memos", path, user="sup")
    deletable = {b.key for b in at.button if b.key and b.key.startswith("memo_delete_")}
    assert deletable == {f"memo_delete_{own}"}  # only the memo sup wrote
    assert len(at.markdown) > 4  # the other memos are still listed, to read
    at.button(key=f"memo_delete_{own}").click().run()
    assert not at.exception
    assert "Mooi." not in [m["text"] for m in list_memos(Project.for_user(db, "onderzoeker"))]


def test_researcher_may_delete_every_memo(project):
    path, db, seg, code = project
    at = run_page("memos", path)
    assert len([b for b in at.button if b.key and b.key.startswith("memo_delete_")]) == 4


def test_refusal_to_delete_a_memo_speaks_of_a_memo_not_a_coding(project):
    from workbench.errors import PermissionDenied
    from workbench.memos import can_change_memo, delete_memo

    path, db, seg, code = project
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('sup', 'supervisor', '')")
    sup = Project.for_user(db, "sup")
    memo = next(m for m in list_memos(sup) if m["author"] == "anna")
    assert not can_change_memo(sup, "anna") and can_change_memo(sup, "sup")
    with pytest.raises(PermissionDenied) as refused:
        delete_memo(sup, memo["id"])
    assert (
        refused.value.message("nl") == "'sup' mag de memo van 'anna' niet veranderen of weggooien."
    )
    assert refused.value.message("en") == "'sup' may not change or delete a memo written by 'anna'."


def _memo(db, text):
    return next(m for m in list_memos(Project.for_user(db, "onderzoeker")) if m["text"] == text)


def test_a_memo_is_edited_in_place_and_one_undo_brings_the_old_text_back(project):
    path, db, seg, code = project
    before = _memo(db, "Twijfel.")
    at = run_page("memos", path)
    at.button(key=f"memo_edit_{before['id']}").click().run()
    at.text_area(key=f"memo_text_{before['id']}").input("Twijfel: verlies of gemis?").run()
    at.button(key=f"memo_save_{before['id']}").click().run()
    assert not at.exception
    assert [t.key for t in at.text_area] == ["memo_new_text"]  # saved: the edit box closed
    after = _memo(db, "Twijfel: verlies of gemis?")
    keep = ("id", "target_type", "target_id", "author", "created_at")
    assert [after[k] for k in keep] == [before[k] for k in keep]
    assert after["updated_at"] > before["updated_at"]
    assert "Twijfel: verlies of gemis?" in [m.value for m in at.markdown]
    undo_last(Project.for_user(db, "onderzoeker"))
    assert _memo(db, "Twijfel.") == before


def test_supervisor_may_edit_only_her_own_memo(project):
    path, db, seg, code = project
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('sup', 'supervisor', '')")
    own = add_memo(Project.for_user(db, "sup"), target_type="document", target_id=2, text="Mooi.")
    at = run_page("memos", path, user="sup")
    assert {b.key for b in at.button if b.key and b.key.startswith("memo_edit_")} == {
        f"memo_edit_{own}"
    }
    assert at.button(key=f"memo_edit_{own}").label == "Bewerk"


def test_a_new_memo_on_a_respondent_is_written_from_the_memo_page(project):
    path, db, seg, code = project
    r01 = add_respondent(Project.for_user(db, "onderzoeker"), "R01")
    at = run_page("memos", path)
    assert at.selectbox(key="memo_new_about").options[0] == "het hele project"
    at.selectbox(key="memo_new_about").set_value(r01).run()
    at.text_area(key="memo_new_text").input("Praat graag over vroeger.").run()
    at.button(key="memo_new_save").click().run()
    assert not at.exception and at.text_area(key="memo_new_text").value == ""
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="respondent")
    assert (memo["target_id"], memo["author"], memo["text"]) == (
        r01,
        "onderzoeker",
        "Praat graag over vroeger.",
    )
    assert "**Respondent: R01**" in " ".join(m.value for m in at.markdown)


def test_a_new_memo_on_the_whole_project(project):
    path, db, seg, code = project
    at = run_page("memos", path)
    at.text_area(key="memo_new_text").input("Verlies komt in elk interview terug.").run()
    at.button(key="memo_new_save").click().run()
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="project")
    assert (memo["target_id"], memo["text"]) == (None, "Verlies komt in elk interview terug.")


def test_a_memo_on_a_removed_coding_says_the_coding_was_removed(project):
    path, db, seg, code = project
    coding = _memo(db, "Twijfel.")["target_id"]
    remove_coding(Project.for_user(db, "onderzoeker"), coding)
    text = " ".join(m.value for m in run_page("memos", path).markdown)
    assert "Codering (weggehaald)" in text and "Twijfel." in text
    assert "None" not in text


def test_a_memo_on_a_removed_coding_stays_under_its_interview_with_its_quote(project):
    """Filtered on its interview the memo was gone (only the unfiltered list had it), and it
    showed no quote: the coding's place is read from the event log."""
    path, db, seg, code = project
    remove_coding(Project.for_user(db, "onderzoeker"), _memo(db, "Twijfel.")["target_id"])
    for lang, count in (("nl", "2 van de 4 memo's."), ("en", "2 of 4 memos.")):
        at = run_page("memos", path, lang=lang, memos_document=2)
        assert at.caption[0].value == count
        text = " ".join(m.value for m in at.markdown)
        assert "Twijfel." in text and "> Ik mis mijn dochter heel erg." in text


def test_a_memo_on_a_respondent_gone_before_the_click_is_refused_not_put_on_the_project(
    project,
):
    """No workbench action removes a respondent; another program on the file did here. The
    choice fell back to 'het hele project' and the memo was written there, without a word."""
    from workbench.store import connect

    path, db, seg, code = project
    r01 = add_respondent(Project.for_user(db, "onderzoeker"), "R01")
    at = run_page("memos", path)
    at.selectbox(key="memo_new_about").set_value(r01).run()
    at.text_area(key="memo_new_text").input("Praat graag over vroeger.").run()
    other = connect(path)
    other.execute("DELETE FROM respondents WHERE id = ?", [r01])
    other.close()
    at.button(key="memo_new_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "De respondent waar je memo over gaat, is er niet (meer). Misschien heeft iemand anders "
        "die net weggehaald. Je memo is niet opgeslagen."
    ]
    assert list_memos(Project.for_user(db, "onderzoeker"), target_type="project") == []
    assert at.text_area(key="memo_new_text").value == "Praat graag over vroeger."


def test_a_new_memos_respondent_stays_chosen_when_the_language_changes(project):
    """What a new memo is about read its words in a format function, which Streamlit's test
    harness calls outside the run: after a switch to English it read Dutch and the next
    click failed ("... is not in list")."""
    path, db, seg, code = project
    r01 = add_respondent(Project.for_user(db, "onderzoeker"), "R01")
    at = run_page("memos", path)
    at.selectbox(key="memo_new_about").set_value(r01).run()
    at.selectbox(key="memos_author").set_value("anna").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="memo_new_about").value == r01
    assert at.selectbox(key="memo_new_about").options == ["the whole project", "Respondent R01"]
    assert at.selectbox(key="memos_author").value == "anna"
    at.text_area(key="memo_new_text").input("Woont sinds kort alleen.").run()
    at.button(key="memo_new_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="respondent")
    assert (memo["target_id"], memo["text"]) == (r01, "Woont sinds kort alleen.")
    at.selectbox(key="memo_new_about").set_value("project").run()  # read as "het hele project"
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="memo_new_about").value == "project"


def test_a_new_memo_on_the_project_is_chosen_on_the_english_page(project):
    path, db, seg, code = project
    add_respondent(Project.for_user(db, "onderzoeker"), "R01")
    at = run_page("memos", path, lang="en")
    at.selectbox(key="memo_new_about").set_value("project").run()
    at.text_area(key="memo_new_text").input("Eenzaamheid loopt door alles heen.").run()
    at.button(key="memo_new_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [memo] = list_memos(Project.for_user(db, "onderzoeker"), target_type="project")
    assert memo["text"] == "Eenzaamheid loopt door alles heen."


def test_the_filters_stay_when_the_language_changes(project):
    """A guard: the interview and code filters choose ids with a key, and show names made in
    this run; the count under them follows the language."""
    path, db, seg, code = project
    at = run_page("memos", path)
    at.selectbox(key="memos_document").set_value(2).run()
    at.selectbox(key="memos_code").set_value(code).run()
    switch_language(at)
    assert at.selectbox(key="memos_document").value == 2
    assert at.selectbox(key="memos_document").options == ["R01-a", "R02-b"]
    assert at.selectbox(key="memos_code").value == code
    assert "Verlies van een dierbare" in at.selectbox(key="memos_code").options
    assert at.caption[0].value == "1 of 4 memos."
