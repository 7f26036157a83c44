"""The Export page (AppTest): choices, download, data-loss report, roles, qdpx/qdc upload."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

from conftest import shared
from test_exchange_samples import hand_authored_qdpx, sample
from test_privacy_codebook import researcher  # noqa: F401 (fixture: names in the codebook)
from test_privacy_unchecked import build_study, pseudonymise
from workbench.accounts import add_user
from workbench.codings import add_coding
from workbench.exchange import import_qdpx
from workbench.handle import Project
from workbench.privacy import decide
from page_runner import run_page
from workbench.store import open_project

ME = "onderzoeker"


@pytest.fixture
def filled(db, tmp_path, nlp):
    import_qdpx(Project.for_user(db, ME), hand_authored_qdpx(tmp_path), nlp=nlp)
    return db


def page(project_path, user=ME, lang="nl"):
    return run_page("export", project_path, user=user, lang=lang)


def test_export_offers_formats_and_pseudonymised_text_by_default(filled, project_path):
    at = page(project_path)
    assert at.radio(key="export_format").options == [
        "Heel project voor ATLAS.ti, MAXQDA, NVivo of QualCoder (.qdpx)",
        "Alleen het codeboek (.qdc)",
        "Tabel, één regel per codering (CSV)",
        "Tabel, één regel per codering (Excel)",
    ]
    assert at.radio(key="export_text").value == "pseudonymised"
    assert len(at.radio(key="export_text").options) == 2


def test_each_format_says_what_its_file_holds_and_leaves_out(filled, project_path):
    at = page(project_path)
    said = lambda: " ".join(c.value for c in at.caption)  # noqa: E731
    assert "coderingen van elke codeur, memo's" in said() and "'klaar'-markeringen" in said()
    at.radio(key="export_format").set_value("qdc").run()
    assert "Niet erin: coderingen, memo's, samengevoegde codes." in said()
    at.radio(key="export_format").set_value("xlsx").run()
    assert "één regel per codering" in said() and "documenten zonder coderingen" in said()


def test_making_a_qdpx_gives_a_download_and_the_data_loss_report(filled, project_path):
    at = page(project_path)
    at.button(key="export_make").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels[0] == f"Download {Path(project_path).stem}.qdpx"
    text = " ".join(m.value for m in at.markdown)
    assert "Niet meegenomen" in text and "beurt" in text
    assert any("gepseudonimiseerd" in w.value for w in at.warning)


def test_supervisor_cannot_choose_original_text_and_co_researcher_sees_no_export(
    filled, project_path
):
    add_user(Project.for_user(filled, ME), "sanne", role="supervisor")
    add_user(Project.for_user(filled, ME), "wijk", role="co-onderzoeker")
    at = page(project_path, user="sanne", lang="en")
    assert at.radio(key="export_text").options == ["Pseudonymised (safe to share)"]
    at = page(project_path, user="wijk")
    assert at.error and "mag niets exporteren" in at.error[0].value
    assert not at.button


def test_uploading_a_qdpx_imports_it_and_shows_what_was_lost(db, project_path):
    at = page(project_path, lang="en")
    data = sample("atlasti-8.4-TestProject.qdpx").read_bytes()
    at.file_uploader(key="exchange_upload").upload("atlas.qdpx", data).run()
    at.button(key="exchange_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] == 14
    text = " ".join(m.value for m in at.markdown)
    assert "Not carried over" in text and "graph" in text


def test_uploading_a_malformed_codebook_shows_a_clear_error(db, project_path):
    at = page(project_path, lang="en")
    data = sample("example-codebook-malformed.qdc").read_bytes()
    at.file_uploader(key="exchange_upload").upload("bad.qdc", data).run()
    at.button(key="exchange_import").click().run()
    assert at.error and "not well-formed XML" in at.error[0].value
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] == 0


def test_a_qde_picked_for_import_gets_the_advice_to_zip_it_with_its_sources(db, project_path):
    """The picker left .qde out: the browser refused one in Streamlit's English words."""
    at = page(project_path, lang="en")
    assert ".qde" in list(at.file_uploader(key="exchange_upload").proto.type)
    at.file_uploader(key="exchange_upload").upload("project.qde", b"<Project/>").run()
    at.button(key="exchange_import").click().run()
    assert at.error and "looks like an unpacked REFI-QDA project" in at.error[0].value
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] == 0


def test_changing_the_choices_hides_a_download_made_with_other_choices(filled, project_path):
    at = page(project_path)
    at.button(key="export_make").click().run()
    assert len(at.get("download_button")) == 2
    at.radio(key="export_format").set_value("csv").run()
    assert len(at.get("download_button")) == 0
    at.button(key="export_make").click().run()
    assert at.get("download_button")[0].label.endswith(".csv")


def test_supervisor_sees_no_import_section(filled, project_path):
    add_user(Project.for_user(filled, ME), "sanne", role="supervisor")
    at = page(project_path, user="sanne")
    assert len(at.get("file_uploader")) == 0
    assert len(page(project_path).get("file_uploader")) == 1


def test_a_qdpx_can_be_made_for_qualcoder(filled, project_path):
    import io
    import zipfile

    at = page(project_path, lang="en")
    assert at.selectbox(key="export_target").options[0] == "By the standard (REFI-QDA)"
    at.selectbox(key="export_target").set_value("qualcoder").run()
    at.button(key="export_make").click().run()
    assert not at.exception and not at.error
    assert len(at.get("download_button")) == 2
    with zipfile.ZipFile(io.BytesIO(at.session_state["export_result"]["data"])) as zf:
        assert b'for qualcoder"' in zf.read("project.qde")


def test_reimporting_the_projects_own_export_says_which_documents_were_already_there(
    filled, project_path, tmp_path
):
    from workbench.exchange import export_qdpx

    out = tmp_path / "own.qdpx"
    export_qdpx(Project.for_user(filled, ME), out, pseudonymise=False)
    at = page(project_path, lang="en")
    at.file_uploader(key="exchange_upload").upload("own.qdpx", out.read_bytes()).run()
    at.button(key="exchange_import").click().run()
    assert not at.exception and not at.error
    assert at.info and "was already in the project" in at.info[0].value
    assert "(same GUID)" in at.info[0].value


def test_an_interview_nobody_checked_for_names_gets_no_pseudonymised_download(
    new_project, tmp_path
):
    """Was: the csv held "Bertus" under the report "De tekst is gepseudonimiseerd"."""
    path = tmp_path / "studie.db"
    new_project(path).close()
    build_study(path)
    at = page(path)
    at.radio(key="export_format").set_value("csv").run()
    assert any("'R02-buurman'" in e.value and "Namen vervangen" in e.value for e in at.error)
    assert at.button(key="export_make").disabled and not at.get("download_button")
    at.radio(key="export_text").set_value("original").run()  # the researcher's own copy
    assert not at.error and not at.button(key="export_make").disabled
    assert pseudonymise(path, "--accept", "all") == 0
    at.radio(key="export_text").set_value("pseudonymised").run()
    at.button(key="export_make").click().run()
    assert (
        not at.error and "bertus" not in at.session_state["export_result"]["data"].decode().lower()
    )


def test_the_choices_and_the_download_stay_when_the_language_changes(filled, project_path):
    """A guard: every choice here has a key and words looked up in the run, so a language
    switch keeps what was chosen, and with it the file made from those choices."""
    at = page(project_path)
    at.radio(key="export_codings").set_value("suggestions").run()
    at.selectbox(key="export_target").set_value("qualcoder").run()
    at.button(key="export_make").click().run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="export_codings").value == "suggestions"
    assert at.selectbox(key="export_target").value == "qualcoder"
    assert at.selectbox(key="export_target").options[0] == "By the standard (REFI-QDA)"
    assert len(at.get("download_button")) == 2
    at.radio(key="export_format").set_value("csv").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.get("download_button")


def test_coders_can_go_out_as_numbers(filled, project_path):
    """A file to share may name no team member: with the box ticked every coder is
    "[Codeur n]" (the privacy audit of December 7 found no such choice)."""
    coders = {r[0] for r in filled.execute("SELECT DISTINCT coder FROM codings")}
    at = page(project_path)
    at.radio(key="export_format").set_value("csv").run()
    at.checkbox(key="export_coder_codes").check().run()
    at.button(key="export_make").click().run()
    assert not at.exception
    data = at.session_state["export_result"]["data"].decode("utf-8-sig")
    assert "[Codeur " in data
    assert not [c for c in coders if f",{c}," in data]


def test_the_download_of_a_pseudonymised_export_is_not_named_after_a_person(new_project, tmp_path):
    """Was: a project file 'studie_Kees.db' gave 'studie_Kees.qdpx' with a report saying
    "Export naar studie_Kees.qdpx", though the qdpx inside names the project
    'studie_[Naam 1]' (the page named the download after the project file)."""
    path = tmp_path / "studie_Kees.db"
    new_project(path).close()
    build_study(path)
    assert pseudonymise(path, "--accept", "all") == 0
    at = page(path)
    for fmt in ("qdpx", "csv"):
        at.radio(key="export_format").set_value(fmt).run()
        at.button(key="export_make").click().run()
        made = at.session_state["export_result"]
        assert not at.exception and made["name"].endswith(f".{fmt}")
        assert (
            "kees" not in made["name"].lower() and "kees" not in made["dataloss"].decode().lower()
        )
    at.radio(key="export_text").set_value("original").run()  # the researcher's own copy
    at.button(key="export_make").click().run()
    assert at.session_state["export_result"]["name"] == "studie_Kees.csv"


def test_each_choice_shapes_the_file_that_is_downloaded(new_project, tmp_path):
    """Every choice on the page, read back from the downloaded bytes: the codings radio adds
    the open suggestion, the text radio the real name, each format its own file (the qdpx
    and qdc valid against the REFI-QDA schemas in ../shared/refi, read in place)."""
    schemas = shared("refi", "schemas")
    path = tmp_path / "studie.db"
    new_project(path).close()
    build_study(path)
    assert pseudonymise(path, "--accept", "all") == 0
    db = open_project(path)
    accepted = db.execute("SELECT count(*) FROM codings WHERE status = 'accepted'").fetchone()[0]
    first = db.execute("SELECT document_id, start_char, end_char, code_id FROM codings").fetchone()
    other = db.execute("SELECT slug FROM codes WHERE id != ? LIMIT 1", [first[3]]).fetchone()[0]
    add_coding(
        Project.for_user(db, ME),
        code=other,
        document_id=first[0],
        start_char=first[1],
        end_char=first[2],
        origin="machine",
        status="suggested",
    )
    db.close()
    at = page(path)

    def made(fmt: str, codings: str = "accepted", text: str = "pseudonymised") -> bytes:
        at.radio(key="export_format").set_value(fmt).run()
        if fmt != "qdc":
            at.radio(key="export_codings").set_value(codings).run()
            at.radio(key="export_text").set_value(text).run()
        at.button(key="export_make").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        return at.session_state["export_result"]["data"]

    table = lambda data: pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")  # noqa: E731
    rows = table(made("csv"))
    assert rows["status"].value_counts().to_dict() == {"accepted": accepted}
    assert "bertus" not in rows.to_csv().lower()
    rows = table(made("csv", codings="suggestions"))
    assert rows["status"].value_counts().to_dict() == {"accepted": accepted, "suggested": 1}
    assert "Bertus" in table(made("csv", text="original"))["text"].str.cat()
    sheet = pd.read_excel(io.BytesIO(made("xlsx")), sheet_name="codings")
    assert len(sheet) == accepted and "bertus" not in sheet.to_csv().lower()
    with zipfile.ZipFile(io.BytesIO(made("qdpx", codings="suggestions"))) as qdpx:
        qde = qdpx.read("project.qde")
    xmlschema.XMLSchema(str(schemas / "Project.xsd")).validate(io.BytesIO(qde))
    assert qde.count(b"<Coding ") == accepted + 1 and b"(suggestie)" in qde
    assert b"bertus" not in qde.lower()
    codebook = made("qdc")
    xmlschema.XMLSchema(str(schemas / "Codebook.xsd")).validate(io.BytesIO(codebook))
    assert b"<Code " in codebook and b"<Coding" not in codebook


def test_a_format_shows_only_the_choices_it_honours_and_says_why(filled, project_path):
    """Was: a choice made for a qdpx (suggestions, the original text, coder numbers, a
    program) stayed on screen, greyed out, for a codebook or a table, and then went to the
    package, which dropped it (and now refuses it)."""
    at = page(project_path, lang="en")
    at.radio(key="export_codings").set_value("suggestions").run()
    at.radio(key="export_text").set_value("original").run()
    at.selectbox(key="export_target").set_value("nvivo").run()
    at.checkbox(key="export_coder_codes").check().run()
    shown = lambda: {w.key for w in [*at.radio, *at.selectbox, *at.checkbox]}  # noqa: E731
    said = lambda: " ".join(c.value for c in at.caption)  # noqa: E731
    at.radio(key="export_format").set_value("qdc").run()
    assert shown() == {"export_format"}
    assert "A codebook holds no codings, no text and no coders" in said()
    at.button(key="export_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["export_result"]["name"].endswith(".qdc")
    for fmt in ("csv", "xlsx"):
        at.radio(key="export_format").set_value(fmt).run()
        assert "export_target" not in shown() and "export_codings" in shown()
        assert "Choosing a program only works for a whole project (.qdpx)." in said()
        at.button(key="export_make").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
    at.radio(key="export_format").set_value("qdpx").run()
    assert shown() >= {"export_codings", "export_text", "export_target", "export_coder_codes"}
    assert "Choosing a program" not in said() and "A codebook holds" not in said()


def test_a_codebook_waits_for_a_name_in_a_definition_nobody_decided_on(
    researcher,  # noqa: F811
    project_path,
):
    """Was: the qdc was always made, with "Teun Wiersma" from a code's definition in it,
    while the qdpx of the same project waited for a decision on that name."""
    decide(researcher, "Grietje", accept=True)
    at = page(project_path, lang="en")
    at.radio(key="export_format").set_value("qdc").run()
    assert any("Teun Wiersma" in e.value for e in at.error)
    assert at.button(key="export_make").disabled and not at.get("download_button")
    decide(researcher, "Teun Wiersma", accept=True)
    at.run()
    assert not at.error and not at.button(key="export_make").disabled
    at.button(key="export_make").click().run()
    assert b"[Naam 2]" in at.session_state["export_result"]["data"]
    assert b"Wiersma" not in at.session_state["export_result"]["data"]
