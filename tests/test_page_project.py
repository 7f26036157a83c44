"""AppTest flows of the Project page on real project files."""

from __future__ import annotations

import json


import pytest
from streamlit.testing.v1 import AppTest
from conftest import REPO
from test_ingest_formats import DIALOGUE

from workbench.handle import Project
from workbench.ingest import import_files, list_speakers
from workbench.respondents import list_attributes, list_respondents
from workbench.store import get_setting, open_project
from workbench.handle import Project

PAGE = str(REPO / "workbench" / "app" / "pages" / "project.py")


def app(path, lang="nl"):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(path)
    at.session_state["user"] = "onderzoeker"
    at.session_state["lang"] = lang
    return at.run()


@pytest.fixture
def with_interview(db, project_path, tmp_path):
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "a.txt"])
    return project_path


def test_page_shows_the_project_and_the_pipeline(db, project_path):
    at = app(project_path)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert str(project_path) in text and "blank-nl+simplemma" in text


def test_uploaded_files_are_imported_with_their_encoding_and_errors(db, project_path):
    at = app(project_path)
    at.file_uploader[0].set_value(
        [
            ("a.txt", DIALOGUE.encode("cp1252"), "text/plain"),
            ("leeg.txt", b"", "text/plain"),
        ]
    ).run()
    at.button(key="import_button").click().run()
    assert not at.exception
    assert "a.txt is ingelezen (txt, tekencodering cp1252)" in at.success[0].value
    assert at.error[0].value == "leeg.txt: het bestand is leeg."
    assert open_project(project_path).execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert any(c.value.startswith("1 document,") for c in at.caption)


def test_files_on_this_computer_are_imported_in_english(db, project_path, tmp_path):
    (tmp_path / "b.txt").write_text(DIALOGUE, encoding="utf-8")
    at = app(project_path, lang="en")
    at.text_input(key="local_path").input(str(tmp_path / "b.txt")).run()
    at.button(key="local_button").click().run()
    assert "b.txt was imported (txt, encoding utf-8)" in at.success[0].value


def test_respondents_are_imported_from_csv(db, project_path):
    at = app(project_path)
    at.file_uploader[1].set_value(
        ("r.csv", b"respondent,leeftijd\nR01,70\nR02,81\n", "text/csv")
    ).run()
    at.button(key="respondents_import").click().run()
    assert not at.exception
    assert "2 respondenten toegevoegd" in at.success[0].value
    assert [
        r["code"]
        for r in list_respondents(Project.for_user(open_project(project_path), "onderzoeker"))
    ] == ["R01", "R02"]


def test_bad_respondents_file_shows_the_rows(db, project_path):
    at = app(project_path)
    at.file_uploader[1].set_value(("r.csv", b"respondent,x\n,1\n", "text/csv")).run()
    at.button(key="respondents_import").click().run()
    assert "rij 2" in at.error[0].value


def test_new_attribute_is_added_from_the_form(db, project_path):
    at = app(project_path)
    at.text_input(key="attribute_name").input("wijk")
    at.selectbox(key="attribute_type").select("text")
    at.button(key="FormSubmitter:new_attribute-Kenmerk opslaan").click().run()
    assert not at.exception
    assert [
        a["name"]
        for a in list_attributes(Project.for_user(open_project(project_path), "onderzoeker"))
    ] == ["wijk"]


def test_speaker_role_is_changed_from_the_speakers_tab(with_interview):
    at = app(with_interview)
    speaker = next(
        s
        for s in list_speakers(Project.for_user(open_project(with_interview), "onderzoeker"))
        if s["label"] == "I"
    )
    at.selectbox(key=f"role_{speaker['id']}").select("other").run()
    assert not at.exception
    roles = {
        s["label"]: s["role"]
        for s in list_speakers(Project.for_user(open_project(with_interview), "onderzoeker"))
    }
    assert roles == {"I": "other", "R": "respondent"}


def test_analysis_setting_is_saved(with_interview):
    at = app(with_interview)
    at.radio(key="analysis_speakers").set_value("all").run()
    assert get_setting(open_project(with_interview), "analysis_speakers") == "all"


@pytest.fixture
def folders(tmp_path, templates, monkeypatch):
    """The current project in its own projects folder, and the test's own working folder.

    Both inside the test's tmp_path: what the page makes or refuses can be checked without
    looking at a folder other tests share, and a path wrongly read from the working folder
    would land in this test's own (empty) folder, never in the repository.
    """
    projects, cwd = tmp_path / "projects", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    current = templates.new(projects / "huidig.db", codebooks=None)
    yield current
    assert list(cwd.iterdir()) == []


def test_a_new_project_is_created_with_the_default_codebook(folders):
    at = app(folders)
    target = folders.parent / "nieuw.db"  # in the projects folder: the current project's folder
    at.text_input(key="project_path_input").input("nieuw")
    at.button(key="open_project").click().run()
    assert not at.exception
    assert at.session_state["project_path"] == str(target)
    assert open_project(target).execute("SELECT count(*) FROM codes").fetchone()[0] > 0


def test_a_file_that_is_no_project_is_refused_in_plain_dutch(db, project_path, tmp_path):
    (tmp_path / "notes.db").write_text("geen database", encoding="utf-8")
    at = app(project_path)
    at.text_input(key="project_path_input").input("notes.db")
    at.button(key="open_project").click().run()
    assert "geen projectbestand" in at.error[0].value
    assert at.session_state["project_path"] == str(project_path)


def test_documents_are_linked_by_file_name_in_one_go(db, project_path, tmp_path):
    from workbench.respondents import add_respondent

    for name in ("R03_interview.txt", "gesprek-P12.txt", "dagboek.txt"):
        (tmp_path / name).write_text(DIALOGUE + f"I: En {name}?\n", encoding="utf-8")
        assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / name]).ok
    add_respondent(Project.for_user(db, "onderzoeker"), "P12")
    at = app(project_path)
    at.button(key="link_by_name").click().run()
    assert not at.exception
    assert at.success[-1].value == "2 interviews gekoppeld."
    assert "R03" in at.info[-1].value  # R03 did not exist: it was added, and that is said
    linked = dict(
        open_project(project_path)
        .execute(
            "SELECT d.name, r.code FROM documents d LEFT JOIN respondents r "
            "ON r.id = d.respondent_id"
        )
        .fetchall()
    )
    assert linked == {"R03_interview": "R03", "gesprek-P12": "P12", "dagboek": None}


def test_a_file_name_without_the_leading_zero_links_to_the_respondent_there_is(
    db, project_path, tmp_path
):
    """Fictional: respondents R01 and P012 from a sheet, files named r1-gesprek and P12 deel 1.
    The button added respondents R1 and P12 beside them and linked the interviews there."""
    from workbench.respondents import add_respondent, list_respondents

    me = Project.for_user(db, "onderzoeker")
    for code in ("R01", "P012"):
        add_respondent(me, code)
    for name in ("r1-gesprek.txt", "P12 deel 1.txt"):
        (tmp_path / name).write_text(DIALOGUE + f"I: En {name}?\n", encoding="utf-8")
        assert import_files(me, [tmp_path / name]).ok
    at = app(project_path)
    at.button(key="link_by_name").click().run()
    assert not at.exception
    assert at.success[-1].value == "2 interviews gekoppeld."
    assert not at.info  # no new respondent
    assert [r["code"] for r in list_respondents(me)] == ["P012", "R01"]
    linked = db.execute(
        "SELECT d.source_name, r.code FROM documents d JOIN respondents r "
        "ON r.id = d.respondent_id ORDER BY d.id"
    ).fetchall()
    assert linked == [("r1-gesprek.txt", "R01"), ("P12 deel 1.txt", "P012")]


def test_the_import_report_says_unlabelled_text_is_one_respondent_and_shows_front_matter(
    db, project_path
):
    post = (
        "---\ntitle: Alleen\ndate: 2024-03-02\n---\n{% include kop.html %}\n"
        "Sinds de verhuizing ken ik niemand meer.\n"
    )
    at = app(project_path)
    at.file_uploader[0].set_value([("blog.md", post.encode("utf-8"), "text/markdown")]).run()
    at.button(key="import_button").click().run()
    assert not at.exception
    assert any("één respondent die spreekt" in c.value for c in at.caption)
    [stripped] = [e for e in at.expander if "opmaak weggelaten" in e.label]
    assert "title: Alleen" in stripped.code[0].value
    assert "{% include kop.html %}" in stripped.code[0].value


@pytest.mark.parametrize("typed", ["{elsewhere}/x.db", "../buiten.db", "sub/x.db"])
def test_a_path_out_of_the_projects_folder_is_refused(folders, tmp_path, typed):
    elsewhere = tmp_path / "elders"  # an absolute path outside the projects folder
    at = app(folders)
    at.text_input(key="project_path_input").input(typed.format(elsewhere=elsewhere))
    at.button(key="open_project").click().run()
    assert not at.exception
    assert "kan geen projectnaam zijn" in at.error[0].value
    assert at.session_state["project_path"] == str(folders)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "projects"]
    assert [p.name for p in folders.parent.iterdir() if p.suffix == ".db"] == ["huidig.db"]
    assert not (folders.parent / "sub").exists()


def test_a_supervisor_cannot_open_another_project_or_change_what_counts(db, project_path):
    from workbench import accounts

    accounts.add_user(Project.for_user(db, "onderzoeker"), "vera", role="supervisor")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(project_path)
    at.session_state["user"] = "vera"
    at.run()
    assert not at.exception
    assert not [t for t in at.text_input if t.key == "project_path_input"]
    assert at.radio(key="analysis_speakers").disabled


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "nl",
            [
                "Kies bestanden",
                "Hoogstens 50 MB per bestand · TXT, MD, DOCX, ODT, PDF, VTT, SRT, QDPX",
                "Laat de bestanden hier los",
                "Kies een bestand",
                "Hoogstens 50 MB per bestand · CSV, XLSX, XLSM, ODS",
            ],
        ),
        (
            "en",
            [
                "Choose files",
                "Up to 50 MB per file · TXT, MD, DOCX, ODT, PDF, VTT, SRT, QDPX",
                "Drop the files here",
                "Choose a file",
            ],
        ),
    ],
)
def test_the_drop_zones_speak_the_session_language(db, project_path, lang, words):
    """Streamlit draws "Upload" and "50MB per file" itself, in English: each uploader gets
    a style block that shows the session's words in their place, scoped to that uploader."""
    at = app(project_path, lang=lang)
    styles = " ".join(h.proto.body for h in at.html)
    for text in words:
        assert f'content: "{text}"' in styles, text
    assert ".st-key-uploads_0 [data-testid='stFileUploaderDropzone']" in styles
    assert {u.proto.label for u in at.get("file_uploader")} >= {
        "Bestanden" if lang == "nl" else "Files"
    }


def test_a_folder_on_this_computer_says_which_files_were_skipped(db, project_path, tmp_path):
    from test_ingest_cli import mixed_folder

    folder = mixed_folder(tmp_path)
    for lang, said in (
        ("nl", "7 bestanden in de map heb ik overgeslagen"),
        ("en", "Skipped 7 files in the folder"),
    ):
        at = app(project_path, lang=lang)
        at.text_input(key="local_path").input(str(folder)).run()
        at.button(key="local_button").click().run()
        assert not at.exception
        [info] = [i.value for i in at.info if said in i.value]
        assert "foto.png, lijst.xlsx, notitie1.pages" in info and ".DS_Store" not in info


def test_a_folder_with_nothing_to_import_says_what_it_holds(db, project_path, tmp_path):
    """It ran an import of no files: "0 ingelezen" and the names of what it skipped."""
    from test_ingest_cli import nothing_to_import

    folder = nothing_to_import(tmp_path)
    at = app(project_path)
    at.text_input(key="local_path").input(str(folder)).run()
    at.button(key="local_button").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith(f"In {folder} staan geen bestanden die ik kan inlezen. Ik vond wel: ")
    assert "2 .png-bestanden, 1 .xlsx-bestand, 2 mappen." in error
    assert not at.success and not [i for i in at.info if "overgeslagen" in i.value]
    assert not [c for c in at.caption if c.value.startswith("Ingelezen:")]


def test_the_choices_are_made_in_english_by_what_they_mean(with_interview):
    """The pickers' options were their words (no format_func), so what a choice meant had
    to be looked up from the words again; now the options are the values themselves."""
    from workbench.respondents import add_respondent

    project = Project.for_user(open_project(with_interview), "onderzoeker")
    add_respondent(project, "R01")
    at = app(with_interview, lang="en")
    assert at.selectbox(key="attribute_type").options == ["text", "number", "date", "yes/no"]
    assert at.selectbox(key="import_respondent").options == ["(not known yet)", "R01"]
    assert at.selectbox(key="import_respondent").value is None
    at.selectbox(key="import_respondent").select("R01")
    at.text_input(key="attribute_name").input("leeftijd")
    at.selectbox(key="attribute_type").select("number")
    next(b for b in at.button if b.key.startswith("FormSubmitter:new_attribute")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="import_respondent").value == "R01"
    assert [(a["name"], a["type"]) for a in list_attributes(project)] == [("leeftijd", "number")]
    speaker = next(s for s in list_speakers(project) if s["label"] == "I")
    assert at.selectbox(key=f"role_{speaker['id']}").options == [
        "interviewer",
        "respondent",
        "someone else",
    ]
    at.selectbox(key=f"role_{speaker['id']}").select("other").run()
    at.radio(key="analysis_speakers").set_value("all").run()
    assert not at.exception, [e.message for e in at.exception]
    assert {s["label"]: s["role"] for s in list_speakers(project)}["I"] == "other"
    assert get_setting(project.db, "analysis_speakers") == "all"


def test_the_documents_table_is_the_same_widget_in_both_languages(with_interview):
    """Its columns were named in the rows, in the session's language, and Streamlit makes a
    keyed table's identity from its columns: a language switch drew a new table, so links
    typed in it and not yet saved were lost."""

    def table(at: AppTest):
        [table] = [t for t in at.dataframe if t.proto.id.endswith("-documents_editor")]
        return table.proto

    at = app(with_interview)
    dutch = table(at).id
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert table(at).id == dutch
    columns = json.loads(table(at).columns)
    assert [columns[c]["label"] for c in ("name", "words", "respondent")] == [
        "Name",
        "Words",
        "Respondent",
    ]


def test_the_open_tab_and_the_choice_stay_when_the_language_changes(with_interview, tmp_path):
    """The tabs had no key: the browser keeps the open tab by its label and, finding no tab
    of that label after a switch to English, opened the first one (Files)."""
    (tmp_path / "b.txt").write_text(DIALOGUE + "\nI: Dank je wel.\n", encoding="utf-8")
    import_files(
        Project.for_user(open_project(with_interview), "onderzoeker"), [tmp_path / "b.txt"]
    )
    at = app(with_interview)
    at.session_state["project_tab"] = "Sprekers"
    at.run()
    second = at.selectbox(key="speakers_document").options[1]
    at.selectbox(key="speakers_document").set_value(second).run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["project_tab"] == "Speakers"
    assert at.selectbox(key="speakers_document").value == second


def test_the_drop_zone_says_the_workbench_limit_whatever_streamlit_was_set_to(db, project_path):
    """Streamlit's upload limit is process-wide and comes from the config file of the
    working folder when it was read (200 MB elsewhere): the uploader sets the workbench's
    own file limit, so the words and the limit say what imports enforce."""
    from streamlit import config

    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 200)
    try:
        at = app(project_path, lang="en")
    finally:
        config.set_option("server.maxUploadSize", before)
    styles = " ".join(h.proto.body for h in at.html)
    assert 'content: "Up to 50 MB per file' in styles
    assert {u.proto.max_upload_size_mb for u in at.get("file_uploader")} == {50}


def test_a_respondent_is_added_from_the_form_and_a_taken_code_is_refused(db, project_path):
    at = app(project_path)
    assert not [t for t in at.dataframe if t.proto.id.endswith("-respondents_editor")]
    at.text_input(key="respondent_code").input("R07")
    at.text_input(key="respondent_pseudonym").input("Marjan")
    at.button(key="FormSubmitter:new_respondent-Respondent toevoegen").click().run()
    assert not at.exception, [e.message for e in at.exception]
    project = Project.for_user(open_project(project_path), "onderzoeker")
    assert [(r["code"], r["pseudonym"]) for r in list_respondents(project)] == [("R07", "Marjan")]
    assert [t for t in at.dataframe if t.proto.id.endswith("-respondents_editor")]

    at.text_input(key="respondent_code").input("R07")
    at.button(key="FormSubmitter:new_respondent-Respondent toevoegen").click().run()
    assert "Er is al een respondent met de code 'R07'." in [e.value for e in at.error]
    assert len(list_respondents(project)) == 1


def test_the_respondents_table_is_the_same_widget_in_both_languages(db, project_path):
    """With rows to add and delete, Streamlit made the table's identity from its column
    labels too: a language switch drew a new table, so cells edited and not yet saved were
    lost; and a deleted row was never deleted by saving. Rows are now fixed (a respondent is
    added with the form), so the identity is the columns and types only."""
    from workbench.respondents import add_respondent

    add_respondent(Project.for_user(db, "onderzoeker"), "R01", pseudonym="Kees")

    def table(at: AppTest):
        [table] = [t for t in at.dataframe if t.proto.id.endswith("-respondents_editor")]
        return table.proto

    at = app(project_path)
    dutch = table(at).id
    assert table(at).editing_mode == table(at).EditingMode.FIXED
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert table(at).id == dutch
    assert json.loads(table(at).columns)["pseudonym"]["label"] == "Pseudonym"


@pytest.fixture
def two_interviews(db, project_path, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    for n, words in enumerate(("de tuin", "het werk")):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"I: Hoe gaat het met {words}?\nR: Goed, dank u.\n", encoding="utf-8")
        import_files(researcher, [path])
    return project_path


def roles_of(path) -> list[tuple[int, str, str]]:
    researcher = Project.for_user(open_project(path), "onderzoeker")
    return [(s["document_id"], s["label"], s["role"]) for s in list_speakers(researcher)]


def test_a_label_is_given_its_role_in_the_other_documents_with_one_click(two_interviews):
    at = app(two_interviews)
    first = roles_of(two_interviews)
    at.selectbox(key="role_1").select("other").run()  # I of the first document
    assert any("geldt alleen voor dit document" in c.value for c in at.caption)
    button = at.button(key="role_all_1")
    assert button.label == "Maak I ook iemand anders in 1 ander document"
    assert roles_of(two_interviews) != first and roles_of(two_interviews)[2][2] == "interviewer"
    button.click().run()
    assert not at.exception
    assert "I is nu in 1 ander document ook veranderd." in at.toast[-1].value
    assert [r for r in roles_of(two_interviews) if r[1] == "I"] == [
        (1, "I", "other"),
        (2, "I", "other"),
    ]
    assert not [b for b in at.button if b.key == "role_all_1"]  # nothing left to make equal


def test_the_roles_shown_are_the_stored_ones(two_interviews):
    """A role changed elsewhere (the CLI, another document's button) shows at the next run;
    before, the choice kept what this session last chose."""
    at = app(two_interviews)
    at.selectbox(key="role_1").select("other").run()
    from workbench.ingest import set_speaker_role

    set_speaker_role(
        Project.for_user(open_project(two_interviews), "onderzoeker"), 1, "interviewer"
    )
    at.run()
    assert at.selectbox(key="role_1").value == "interviewer"


def test_a_supervisor_sees_the_roles_but_cannot_choose_them(db, two_interviews):
    """The package refuses a supervisor's change; the page showed the refused role as chosen."""
    from workbench import accounts

    accounts.add_user(Project.for_user(db, "onderzoeker"), "vera", role="supervisor")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(two_interviews)
    at.session_state["user"] = "vera"
    at.run()
    assert not at.exception
    assert at.selectbox(key="role_1").value == "interviewer"
    assert at.selectbox(key="role_1").disabled and at.selectbox(key="role_2").disabled


def test_a_qde_dropped_on_the_page_gets_the_advice_to_zip_it_with_its_sources(db, project_path):
    """The drop zone left .qde out, so the browser refused one in Streamlit's English before
    the workbench could say what to do with it."""
    at = app(project_path)
    [zone] = [u for u in at.get("file_uploader") if u.proto.label == "Bestanden"]
    assert ".qde" in list(zone.proto.type)
    at.file_uploader[0].set_value([("project.qde", b"<Project/>", "application/xml")]).run()
    at.button(key="import_button").click().run()
    assert not at.exception
    assert any("project.qde" in e.value and ".qdpx" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert open_project(project_path).execute("SELECT count(*) FROM documents").fetchone()[0] == 0
