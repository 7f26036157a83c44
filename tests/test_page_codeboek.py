"""AppTest flows of the Codeboek page on real project files."""

from __future__ import annotations

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from built_once import codebook, copy_project
from page_runner import switch_language
from workbench import codebook as cb
from workbench.store import now, open_project
from workbench.handle import Project

N_DEFAULT = len(codebook(cb.DEFAULT_CODEBOOK).codes)
PAGE = str(REPO / "workbench" / "app" / "pages" / "codeboek.py")


def app(path, lang="nl", user="onderzoeker"):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(path)
    at.session_state["user"] = user
    at.session_state["lang"] = lang
    return at.run()


@pytest.fixture
def project(project_path, templates):
    templates.new(project_path)
    return project_path


def test_tree_shows_every_code_with_its_count(project):
    at = app(project)
    assert not at.exception
    titles = [e.label for e in at.expander]
    assert len(titles) == N_DEFAULT
    assert titles[0] == "Verlieservaring — 0 keer gecodeerd in 0 interviews"
    assert any(t.startswith("\u2003↳ Verlies van woning") for t in titles)
    assert any("gevoelig" in t for t in titles if "Schaamte" in t)


def test_definitions_and_examples_are_shown(project):
    at = app(project)
    text = " ".join(m.value for m in at.markdown)
    schaamte = codebook(cb.DEFAULT_CODEBOOK).code("schaamte")
    assert schaamte.definition in text and schaamte.examples[0] in text


def test_search_filters_the_tree(project):
    at = app(project)
    at.text_input(key="codeboek_search").input("huisdier").run()
    assert [e.label for e in at.expander] == [
        "\u2003↳ Kracht uit huisdieren — 0 keer gecodeerd in 0 interviews"
    ]


def test_rename_without_reason_shows_error_and_changes_nothing(project):
    at = app(project)
    at.radio(key="codeboek_action").set_value("rename").run()
    at.selectbox(key="rename_code").set_value("schaamte")
    at.text_input(key="rename_name").input("Schaamte en schuld")
    at.button[0].click().run()
    assert "Schrijf kort op waarom" in at.error[0].value
    assert (
        open_project(project)
        .execute("SELECT name FROM codes WHERE slug = 'schaamte'")
        .fetchone()[0]
        == "Schaamte en taboe"
    )


def test_rename_and_move_say_what_was_done(project):
    """Both said "is aangepast" (changed); the change log says "nieuwe naam" and "verplaatst"."""
    at = app(project)
    at.radio(key="codeboek_action").set_value("rename").run()
    at.selectbox(key="rename_code").set_value("schaamte")
    at.text_input(key="rename_name").input("Schaamte en schuld")
    at.text_input(key="rename_why").input("ook schuld hoort erbij")
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Code 'schaamte' heeft een nieuwe naam: 'Schaamte en schuld'."
    at.radio(key="codeboek_action").set_value("move").run()
    at.selectbox(key="move_code").set_value("stigma")
    at.selectbox(key="move_parent").set_value("schaamte")
    at.text_input(key="move_why").input("hoort bij schaamte")
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Code 'stigma' is verplaatst: hij valt nu onder 'schaamte'."


def test_merge_with_reason_lands_in_the_log(project):
    at = app(project)
    at.radio(key="codeboek_action").set_value("merge").run()
    at.selectbox(key="merge_source").set_value("stigma")
    at.selectbox(key="merge_target").set_value("schaamte")
    at.text_input(key="merge_why").input("niet te scheiden in de interviews")
    at.button[0].click().run()
    assert not at.exception
    assert "'stigma' is opgegaan in 'schaamte'" in at.success[0].value
    assert len(at.expander) == N_DEFAULT - 1
    log = at.dataframe[0].value
    assert log.iloc[0]["Waarom"] == "niet te scheiden in de interviews"
    assert log.iloc[0]["Wat"] == "samengevoegd"


def test_add_then_split_lists_codings_to_recode(project):
    at = app(project)
    at.radio(key="codeboek_action").set_value("add").run()
    at.text_input(key="add_name").input("Heimwee")
    at.selectbox(key="add_parent").set_value("verlies")
    at.text_input(key="add_indicators").input("heimwee, thuisland")
    at.text_input(key="add_why").input("komt in drie interviews voor")
    at.button[0].click().run()
    assert "Code 'heimwee' is toegevoegd." in at.success[0].value
    node = {
        n["slug"]: n for n in cb.code_tree(Project.for_user(open_project(project), "onderzoeker"))
    }["heimwee"]
    assert node["parent"] == "verlies" and node["indicators"] == ["heimwee", "thuisland"]
    at.radio(key="codeboek_action").set_value("split").run()
    at.selectbox(key="split_code").set_value("heimwee")
    at.text_area(key="split_names").input("Heimwee naar een land\nHeimwee naar een huis")
    at.text_input(key="split_why").input("twee soorten")
    at.button[0].click().run()
    assert "heimwee-naar-een-land" in at.success[0].value
    assert "Op deze code staan geen coderingen." in [i.value for i in at.info]


def test_edit_changes_only_what_changed(project):
    at = app(project)
    at.radio(key="codeboek_action").set_value("edit").run()
    at.selectbox(key="edit_code").set_value("herstel").run()
    at.text_area(key="edit_brief_herstel").input("Weer aanhaken, en soms terugvallen.")
    at.text_input(key="edit_why_herstel").input("korter")
    at.button[0].click().run()
    assert not at.exception
    change = cb.change_log(Project.for_user(open_project(project), "onderzoeker"))[0]
    assert change["action"] == "edit" and change["details"] == {"fields": ["brief"]}


def test_the_same_colour_in_other_letters_is_not_logged_as_changed(project):
    """A code from a REFI-QDA file has "#AABBCC"; the colour picker gives "#aabbcc"."""
    db = open_project(project)
    db.execute("UPDATE codes SET color = '#AABBCC' WHERE slug = 'herstel'")
    db.conn.commit()
    at = app(project)
    at.radio(key="codeboek_action").set_value("edit").run()
    at.selectbox(key="edit_code").set_value("herstel").run()
    at.text_area(key="edit_brief_herstel").input("Weer aanhaken, en soms terugvallen.")
    at.color_picker(key="edit_color_herstel").pick("#aabbcc")
    at.text_input(key="edit_why_herstel").input("korter")
    at.button[0].click().run()
    assert not at.exception
    change = cb.change_log(Project.for_user(db, "onderzoeker"))[0]
    assert change["action"] == "edit" and change["details"] == {"fields": ["brief"]}


def test_downloads_are_offered(project):
    at = app(project)
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Download als tekst (Markdown)",
        "Download als Word",
        "Download als codeboekbestand (YAML)",
    ]


def test_downloads_say_which_merged_codes_they_leave_out(project):
    """The downloads leave a merged code out by design; the page did not say so."""
    assert not any("Samengevoegde" in c.value for c in app(project).caption)
    researcher = Project.for_user(open_project(project), "onderzoeker")
    cb.merge_codes(researcher, "stigma", "schaamte", rationale="één")
    note = (
        "Samengevoegde codes staan niet in het bestand: 1 code. Hun coderingen horen nu bij de "
        "code achter de pijl: Stigma en vooroordelen → Schaamte en taboe."
    )
    assert any(c.value == note for c in app(project).caption)


def test_supervisor_can_browse_but_not_edit(project):
    db = open_project(project)
    db["users"].insert({"name": "sanne", "role": "supervisor", "created_at": now()})
    db.close()
    at = app(project, user="sanne")
    assert len(at.expander) == N_DEFAULT
    assert "Alleen onderzoekers kunnen het codeboek aanpassen." in [i.value for i in at.info]


def test_empty_project_offers_the_shipped_codebooks(project_path, templates):
    templates.new(project_path, codebooks=())
    at = app(project_path, lang="en")
    assert "This project has no codes yet" in at.info[0].value
    at.multiselect(key="shipped_books").set_value(["sociale-kwaliteit.yaml"])
    at.button(key="install_shipped").click().run()
    assert "1 codebook added." in at.success[0].value
    assert len(at.expander) == len(codebook(cb.SOCIAL_QUALITY_CODEBOOK).codes)


def test_unused_codebook_can_be_removed_on_the_page(project):
    at = app(project)
    at.selectbox(key="remove_book").set_value("De binnenkant van sociaal isolement")
    at.text_input(key="remove_why").input("we bouwen ons eigen codeboek op")
    at.button[-1].click().run()
    assert not at.exception
    assert f"is weggehaald ({N_DEFAULT} codes)" in at.success[0].value
    assert len(at.expander) == 0


def test_the_chosen_action_and_code_stay_when_the_language_changes(project):
    """A guard: every picker here has a key and words looked up in the run (a widget without
    a key is made anew when its label changes language; a format function that looks its
    words up reads Dutch when Streamlit's test harness calls it outside the run)."""
    at = app(project)
    at.radio(key="codeboek_action").set_value("edit").run()
    at.selectbox(key="edit_code").set_value("herstel").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="codeboek_action").value == "edit"
    assert "Edit description" in at.radio(key="codeboek_action").options
    assert at.selectbox(key="edit_code").value == "herstel"
    at.text_area(key="edit_brief_herstel").input("Weer aanhaken, en soms terugvallen.")
    at.text_input(key="edit_why_herstel").input("korter")
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    change = cb.change_log(Project.for_user(open_project(project), "onderzoeker"))[0]
    assert change["action"] == "edit" and change["details"] == {"fields": ["brief"]}


def test_a_code_is_renamed_on_the_english_page(project):
    at = app(project, lang="en")
    at.radio(key="codeboek_action").set_value("rename").run()
    at.selectbox(key="rename_code").set_value("schaamte")
    at.text_input(key="rename_name").input("Schaamte en schuld")
    at.text_input(key="rename_why").input("ook schuld hoort erbij")
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert (
        open_project(project)
        .execute("SELECT name FROM codes WHERE slug = 'schaamte'")
        .fetchone()[0]
        == "Schaamte en schuld"
    )


def test_the_open_tab_stays_when_the_language_changes(project):
    """The tabs had no key: the browser keeps the open tab by its label and, finding no tab
    of that label after a switch to English, opened the first one (Browse)."""
    at = app(project)
    at.session_state["codeboek_tab"] = "Aanpassen"
    at.run()
    at.radio(key="codeboek_action").set_value("split").run()
    at.selectbox(key="recode_code").set_value("schaamte").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["codeboek_tab"] == "Change"
    assert at.radio(key="codeboek_action").value == "split"
    assert at.selectbox(key="recode_code").value == "schaamte"


def test_the_recode_and_codebook_pickers_stay_when_the_language_changes(demo_template, tmp_path):
    """A guard: the code for each coding to recode (in a form: a pick waits in the browser
    until the click) keeps its id across a switch; the code to recode from and the shipped
    codebook to add keep their pick (a book is named by its name and "(15 codes)", the same
    words in both languages)."""
    path = copy_project(demo_template, tmp_path / "demo.db")
    db = open_project(path)
    slug, coding = db.execute(
        "SELECT k.slug, min(c.id) FROM codings c JOIN codes k ON k.id = c.code_id "
        "GROUP BY k.slug ORDER BY count(*) DESC, k.slug LIMIT 1"
    ).fetchone()
    db.close()
    at = app(path)
    at.radio(key="codeboek_action").set_value("split").run()
    at.selectbox(key="recode_code").set_value(slug).run()
    at.multiselect(key="shipped_books").set_value(["sociale-kwaliteit.yaml"]).run()
    switch_language(at)
    assert at.selectbox(key="recode_code").value == slug
    assert at.selectbox(key=f"recode_{coding}").value == slug
    assert at.button(key="FormSubmitter:codeboek_recode_form-Move").label == "Move"
    assert at.multiselect(key="shipped_books").value == ["sociale-kwaliteit.yaml"]


def test_codings_past_the_first_fifty_can_be_recoded(demo_template, tmp_path):
    """Only the first 50 codings to recode were shown, without a word: those left on the
    code (they belong there) kept the others out of reach."""
    path = copy_project(demo_template, tmp_path / "demo.db")
    db = open_project(path)
    slug = db.execute(
        "SELECT k.slug FROM codings c JOIN codes k ON k.id = c.code_id "
        "GROUP BY k.slug HAVING count(*) > 50 ORDER BY count(*) DESC, k.slug LIMIT 1"
    ).fetchone()[0]
    me = Project.for_user(db, "onderzoeker")
    [part] = cb.split_code(me, slug, [{"name": "Apart deel"}], rationale="te breed")["codes"]
    codings = [c["id"] for c in cb.codings_of(me, slug)]
    at = app(path)
    at.radio(key="codeboek_action").set_value("split").run()
    at.selectbox(key="recode_code").set_value(slug).run()
    pages = at.selectbox(key="recode_page")
    assert pages.options == [
        "1 tot en met 50 van %d" % len(codings),
        "51 tot en met %d van %d" % (len(codings), len(codings)),
    ]
    pages.set_value(50).run()
    shown = [
        int(s.key.split("_")[1])
        for s in at.selectbox
        if s.key.startswith("recode_") and s.key.split("_")[1].isdigit()
    ]
    assert shown == codings[50:100]
    at.selectbox(key=f"recode_{codings[-1]}").set_value(part)
    at.button(key="FormSubmitter:codeboek_recode_form-Verplaatsen").click().run()
    assert [c["id"] for c in cb.codings_of(me, part)] == [codings[-1]]
    db.close()
