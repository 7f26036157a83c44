"""The one front door for files (``workbench.imports``) and the app's ``attempt`` outcome.

Real files: the demo corpus (a .txt and a .docx transcript, the respondents CSV) and a .qdpx
exported by this package; through the library, the CLI and both pages that import files.
"""

from __future__ import annotations

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from page_runner import page_test
from workbench.cli import main
from workbench.errors import InputError
from workbench.exchange import export_qdpx
from workbench.handle import Project
from workbench.imports import (
    BATCH,
    expand_paths,
    import_file,
    import_files,
    kind_of,
    scan_paths,
)
from workbench.respondents import list_attributes, list_respondents
from workbench.store import open_project
from workbench.handle import Project

DEMO = REPO / "corpora" / "demo"
TXT = DEMO / "R01-gerda-spoorzicht.txt"
DOCX = DEMO / "R04-daan-bloemenbuurt.docx"
CSV = DEMO / "respondents.csv"
ME = "onderzoeker"


def documents(path) -> int:
    return open_project(path).execute("SELECT count(*) FROM documents").fetchone()[0]


@pytest.fixture
def own_qdpx(tmp_path, nlp):
    """A .qdpx this package exported: two demo transcripts, one linked to R01."""
    db = open_project(tmp_path / "bron.db")
    assert import_files(Project.for_user(db, ME), [TXT, DOCX], respondent="R01", nlp=nlp).ok
    out = tmp_path / "eigen.qdpx"
    export_qdpx(Project.for_user(db, ME), out, pseudonymise=False)
    db.close()
    return out


def test_each_kind_of_file_goes_to_its_importer(db, nlp, own_qdpx, tmp_path):
    assert [kind_of(p.name) for p in (TXT, DOCX, CSV, own_qdpx)] == [
        "transcript",
        "transcript",
        "respondents",
        "project",
    ]
    researcher = Project.for_user(db, ME)
    txt = import_file(researcher, TXT, nlp=nlp)
    assert txt.ok and txt.format == "txt" and txt.n_segments > 0
    docx = import_file(researcher, (DOCX.name, DOCX.read_bytes()), nlp=nlp)  # an upload
    assert docx.ok and docx.format == "docx"
    table = import_file(researcher, CSV)
    assert table.format == "csv" and table.details["added"] == 10
    assert len(list_respondents(researcher)) == 10
    assert "wijk" in {a["name"] for a in list_attributes(researcher)}

    other = open_project(tmp_path / "ander.db")
    project = import_file(Project.for_user(other, ME), own_qdpx, nlp=nlp)
    assert project.format == "qdpx" and project.n_words > 0
    assert project.details.operation == "import"  # the exchange's data-loss report
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


def test_a_batch_takes_transcripts_and_projects_and_refuses_tables(db, nlp, own_qdpx):
    report = import_files(Project.for_user(db, ME), [TXT, own_qdpx, CSV], respondent="R07", nlp=nlp)
    assert [r.ok for r in report.results] == [True, True, False]
    assert report.results[2].error.key == "ingest.other_kind.respondents"
    assert report.results[1].format == "qdpx"
    linked = db.execute(
        "SELECT r.code FROM documents d JOIN respondents r ON r.id = d.respondent_id"
        " WHERE d.source_name = ?",
        [TXT.name],
    ).fetchall()
    assert linked == [("R07",)]


def test_one_kind_asked_for_lets_its_importer_say_what_is_wrong(db):
    with pytest.raises(InputError) as caught:
        import_file(Project.for_user(db, ME), TXT, accept=["respondents"])
    assert caught.value.key == "tables.unsupported"
    with pytest.raises(InputError) as caught:
        import_file(Project.for_user(db, ME), CSV, accept=BATCH)
    assert caught.value.key == "ingest.other_kind.respondents"


def test_a_folder_gives_its_transcripts_and_projects(tmp_path, own_qdpx):
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / own_qdpx.name).write_bytes(own_qdpx.read_bytes())
    (folder / "a.txt").write_text("Hallo.", encoding="utf-8")
    (folder / "r.csv").write_text("respondent\nR01\n", encoding="utf-8")
    assert [p.name for p in expand_paths([folder])] == ["a.txt", "eigen.qdpx"]
    assert [p.name for p in expand_paths([folder], ["respondents"])] == ["r.csv"]
    # what the import summary names as skipped: the table, not the hidden system file
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "oud.doc").write_bytes(b"\xd0\xcf\x11\xe0")  # imported, to fail with advice
    files, skipped = scan_paths([folder])
    assert [p.name for p in files] == ["a.txt", "eigen.qdpx", "oud.doc"]
    assert skipped == ["r.csv"]


def test_the_cli_imports_a_qdpx_and_a_respondents_table_through_the_front_door(
    tmp_path, own_qdpx, capsys
):
    project = str(tmp_path / "cli.db")
    assert main(["import", str(own_qdpx), "--project", project]) == 0
    assert "eigen.qdpx (qdpx)" in capsys.readouterr().out
    assert main(["respondents", "import", str(CSV), "--project", project]) == 0
    assert "respondents.csv" in capsys.readouterr().out
    assert main(["respondents", "import", str(TXT), "--project", project]) == 1
    assert "gebruik een .csv-, .xlsx- of .ods-bestand" in capsys.readouterr().err


def test_both_pages_import_the_same_qdpx_the_same_way(tmp_path, own_qdpx):
    data = own_qdpx.read_bytes()
    first, second = tmp_path / "p1.db", tmp_path / "p2.db"
    open_project(first).close()
    open_project(second).close()

    at = page_test("project", first).run()
    at.file_uploader[0].set_value([("eigen.qdpx", data, "application/zip")]).run()
    at.button(key="import_button").click().run()
    assert not at.exception and not at.error
    assert documents(first) == 2

    at = page_test("export", second).run()
    at.file_uploader(key="exchange_upload").upload("eigen.qdpx", data).run()
    at.button(key="exchange_import").click().run()
    assert not at.exception and not at.error
    assert documents(second) == 2


def test_the_project_page_imports_the_respondents_table_and_says_so(db, project_path):
    at = page_test("project", project_path).run()
    at.file_uploader[1].set_value(("respondents.csv", CSV.read_bytes(), "text/csv")).run()
    at.button(key="respondents_import").click().run()
    assert not at.exception and not at.error
    assert any("respondents.csv" in s.value for s in at.success)
    assert len(list_respondents(Project.for_user(open_project(project_path), ME))) == 10


# --- attempt: success is said explicitly --------------------------------------------------


def outcome_script():
    """A page action twice: one that returns None on success, one that fails."""
    import streamlit as st

    from workbench.app.common import attempt, db
    from workbench.handle import Project
    from workbench.respondents import define_attribute

    researcher = Project.for_user(db(), "onderzoeker")
    done = attempt(define_attribute, researcher, "wijk", "text", success="x")
    failed = attempt(define_attribute, researcher, "", "text")
    st.session_state["outcomes"] = (done.ok, done.value, failed.ok, failed.error.key)


def test_attempt_reports_success_of_a_call_that_returns_none_and_failure_of_an_error(
    db, project_path
):
    at = AppTest.from_function(outcome_script, default_timeout=60)
    at.session_state["project_path"] = str(project_path)
    at.session_state["lang"] = "nl"
    at.run()
    assert not at.exception
    assert at.session_state["outcomes"] == (True, None, False, "respondents.empty_attribute")
    assert [e.value for e in at.error] == ["Geef het kenmerk een naam."]
    assert len(at.success) == 1  # the success message of the first call only


def test_a_failing_page_action_shows_the_dutch_error_and_changes_nothing(db, project_path):
    at = page_test("project", project_path).run()
    at.text_input(key="attribute_name").input("")
    at.button(key="FormSubmitter:new_attribute-Kenmerk opslaan").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Geef het kenmerk een naam."]
    assert list_attributes(Project.for_user(open_project(project_path), ME)) == []


def test_a_page_action_returning_none_counts_as_done(db, project_path):
    """``define_attribute`` returns None: the page still reruns and lists the new attribute."""
    at = page_test("project", project_path).run()
    at.text_input(key="attribute_name").input("wijk")
    at.button(key="FormSubmitter:new_attribute-Kenmerk opslaan").click().run()
    assert not at.exception and not at.error
    assert any(c.value.startswith("wijk (") for c in at.caption)


# --- A respondent given to a batch exists only with a document linked to it -----------------


def respondent_codes(db) -> list[str]:
    return [code for (code,) in db.execute("SELECT code FROM respondents ORDER BY code")]


def test_a_batch_where_every_file_fails_adds_no_respondent(tmp_path, capsys):
    empty = tmp_path / "leeg.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "kapot.txt"
    binary.write_bytes(b"I: Hallo\x00\x00\x00")
    project = tmp_path / "studie.db"
    open_project(project).close()  # an existing project: the CLI keeps it after a failure
    code = main(
        ["import", str(empty), str(binary), "--respondent", "R99", "--project", str(project)]
    )
    assert code == 1
    capsys.readouterr()
    db = open_project(project)
    assert respondent_codes(db) == []
    events = db.execute("SELECT count(*) FROM events WHERE action = 'respondent.add'").fetchone()
    assert events == (0,)


def test_the_respondent_comes_with_the_first_document_that_imports(db, nlp, tmp_path):
    empty = tmp_path / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    good = tmp_path / "gesprek.txt"
    good.write_text("I: Hoe was uw week?\nR: Stil, de kat was mijn enige bezoek.\n", "utf-8")
    researcher = Project.for_user(db, ME)
    with pytest.raises(InputError) as caught:  # still refused before any file is read
        import_files(researcher, [good], respondent="  ", nlp=nlp)
    assert caught.value.key == "respondents.empty_code"
    failed = import_files(researcher, [empty], respondent="R42", nlp=nlp)
    assert not failed.ok and respondent_codes(db) == []
    report = import_files(researcher, [empty, good], respondent="R42", nlp=nlp)
    assert [r.ok for r in report.results] == [False, True]
    linked = db.execute(
        "SELECT r.code FROM documents d JOIN respondents r ON r.id = d.respondent_id"
    ).fetchall()
    assert respondent_codes(db) == ["R42"] and linked == [("R42",)]


def test_a_duplicate_file_adds_no_respondent_for_it(db, nlp, tmp_path):
    good = tmp_path / "gesprek.txt"
    good.write_text("I: Wie belt u nog?\nR: Mijn nicht, op zondag.\n", "utf-8")
    researcher = Project.for_user(db, ME)
    assert import_files(researcher, [good], nlp=nlp).ok
    again = import_files(researcher, [good], respondent="R77", nlp=nlp)
    assert again.results[0].error.key == "ingest.duplicate"
    assert respondent_codes(db) == []


def test_the_cli_and_the_project_page_say_the_same_about_a_sheet_imported_again(
    tmp_path, templates, capsys
):
    """Kept values, formulas without a result, the sheet read, new codes and a column that
    became text: the page said only how many respondents were added and updated."""
    import openpyxl

    from workbench.respondents import add_respondent, define_attribute, set_value

    book = openpyxl.Workbook()
    book.active.title = "Ronde 2"
    for values in (
        ["code", "leeftijd", "score", "jaren_in_wijk"],
        ["R01", None, "=1+1", 12],
        ["R02", 70, 5, "bijna 20"],
        ["R03", 81, 6, 30],
    ):
        book.active.append(values)
    book.create_sheet("Ronde 1")
    sheet = tmp_path / "respondenten.xlsx"
    book.save(sheet)
    projects = [tmp_path / "cli.db", tmp_path / "page.db"]
    for path in projects:
        researcher = Project.for_user(open_project(templates.new(path, codebooks=None)), ME)
        add_respondent(researcher, "R01")
        for name, value in (("leeftijd", 72), ("score", 4)):
            define_attribute(researcher, name, "number")
            set_value(researcher, "R01", name, value)

    assert main(["respondents", "import", str(sheet), "--project", str(projects[0])]) == 0
    printed = capsys.readouterr().out.splitlines()
    at = page_test("project", projects[1]).run()
    at.file_uploader[1].set_value(("respondenten.xlsx", sheet.read_bytes(), "application/zip"))
    at.run().button(key="respondents_import").click().run()
    assert not at.exception and not at.error
    shown = at.success[0].value.split("\n\n")
    assert printed[: len(shown)] == shown
    assert [line.split(".")[0] for line in shown] == [
        "respondenten",  # respondenten.xlsx: 2 respondenten toegevoegd, ...
        "Alleen het eerste werkblad is gelezen: 'Ronde 2'",
        "Nieuwe respondenten: R02, R03",
        "2 bewaarde waarden zijn gebleven, omdat de cel in het bestand leeg was "
        "('leeftijd': 1, 'score': 1)",
        "Kolom 'score', rij 2: een formule zonder uitkomst in het bestand",
        "Kolom 'jaren_in_wijk' is tekst geworden, en niet het soort getal, door deze waarde: "
        "'bijna 20' (rij 3)",
    ]
    for path in projects:
        r01 = list_respondents(Project.for_user(open_project(path), ME))[0]
        assert r01["attributes"] == {"leeftijd": "72", "score": "4", "jaren_in_wijk": "12"}


def test_a_codebook_given_to_workbench_import_says_where_it_goes(tmp_path, capsys):
    """A researcher moving from another tool tries `workbench import boek.qdc`; it said
    "this kind of file is not supported", as if a .qdc could not be read at all."""
    book = tmp_path / "boek.qdc"
    book.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        '<Codes><Code guid="20000000-0000-0000-0000-000000000001" name="Steun" '
        'isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    project = str(tmp_path / "p.db")
    assert main(["import", str(book), "--project", project]) == 1
    said = capsys.readouterr().out
    assert "boek.qdc is een codeboek (.qdc), geen interview." in said
    assert "workbench codebook import" in said
    assert main(["--lang", "en", "import", str(CSV), "--project", project]) == 1
    assert "Read a table of respondents with `workbench respondents import`" in (
        capsys.readouterr().out
    )


# A fictional WebVTT interview with a title, header lines and NOTE blocks (one between cues).
NOTED_VTT = """WEBVTT - Gesprek over de moestuin
Kind: captions
Language: nl

NOTE Opgenomen in het buurthuis, fictief

NOTE
De respondent wilde
geen achternaam noemen

00:00:01.000 --> 00:00:03.000
<v Interviewer>Wat kweek je dit jaar?

NOTE na de eerste vraag

00:00:03.500 --> 00:00:06.000
<v Sanne>Bonen en een paar pompoenen.
"""


def test_the_import_says_which_parts_of_a_vtt_file_it_left_out(tmp_path, capsys):
    """A WebVTT file's title, header lines and NOTE blocks are comments and stay out of the
    text, but the import said nothing about them."""
    vtt = tmp_path / "moestuin.vtt"
    vtt.write_text(NOTED_VTT, encoding="utf-8")
    bare = tmp_path / "kaal.vtt"  # nothing left out: nothing said
    bare.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sanne>Ja.\n", encoding="utf-8")
    project = tmp_path / "p.db"
    assert main(["import", str(vtt), str(bare), "--project", str(project)]) == 0
    said = capsys.readouterr().out
    assert "! kaal.vtt" not in said
    assert "moestuin.vtt: 3 regels bovenaan, na WEBVTT (titel en gegevens)" in said
    assert "moestuin.vtt: 3 NOTE-blokken heb ik niet ingelezen." in said
    text = (
        open_project(project)
        .execute("SELECT text FROM documents WHERE name = 'moestuin'")
        .fetchone()[0]
    )
    assert "buurthuis" not in text and "moestuin" not in text
    assert text == "Interviewer: Wat kweek je dit jaar?\n\nSanne: Bonen en een paar pompoenen."

    other = tmp_path / "p2.db"  # the Project page shows the same, under the file
    open_project(other).close()
    at = page_test("project", other).run()
    at.file_uploader[0].set_value([("moestuin.vtt", NOTED_VTT.encode(), "text/vtt")]).run()
    at.button(key="import_button").click().run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        line[2:] for line in said.splitlines() if line.startswith("! moestuin.vtt")
    ]


STYLED_VTT = """WEBVTT

STYLE
::cue(v[voice="Interviewer"]) { color: yellow }

REGION
id:onder
width:80%

00:00:01.000 --> 00:00:03.000 region:onder
<v Interviewer>Wie helpt je in de tuin?

00:00:03.500 --> 00:00:06.000
<v Sanne>Mijn buurman, soms.

Op zondag komt mijn zus.

NOTE eind van het fragment
"""


def test_the_import_says_it_left_out_style_region_and_text_without_a_timing(tmp_path, capsys):
    """STYLE and REGION blocks (how subtitles look) stay out of the text, but the import did
    not say so; and text after a blank line inside a cue (no timing line of its own) was
    dropped without a word."""
    vtt = tmp_path / "tuin.vtt"
    vtt.write_text(STYLED_VTT, encoding="utf-8")
    project = tmp_path / "p.db"
    assert main(["import", str(vtt), "--project", str(project)]) == 0
    said = capsys.readouterr().out
    assert "tuin.vtt: 2 STYLE- of REGION-blokken heb ik niet ingelezen." in said
    assert "tuin.vtt: 1 NOTE-blok heb ik niet ingelezen." in said
    assert (
        "tuin.vtt: 1 stuk tekst zonder tijdregel heb ik niet ingelezen, bijvoorbeeld: "
        "'Op zondag komt mijn zus.'" in said
    )
    assert "regels bovenaan" not in said  # the STYLE and REGION blocks are not the header
    text = open_project(project).execute("SELECT text FROM documents").fetchone()[0]
    assert text == "Interviewer: Wie helpt je in de tuin?\n\nSanne: Mijn buurman, soms."


def test_an_unpacked_qdpx_folder_says_to_zip_it_again(tmp_path, capsys):
    """A .qdpx unzipped into a folder was reported as "1 .qde-bestand, 1 map", without
    saying what to do with it."""
    folder = tmp_path / "uitgepakt"
    (folder / "sources").mkdir(parents=True)
    (folder / "project.qde").write_text("<Project/>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        scan_paths([folder])
    assert err.value.key == "ingest.unpacked_qdpx"
    project = str(tmp_path / "p.db")
    assert main(["import", str(folder), "--project", project]) == 1
    assert "uitgepakt lijkt een uitgepakt REFI-QDA-project" in capsys.readouterr().err
    assert main(["--lang", "en", "import", str(folder / "project.qde"), "--project", project]) == 1
    said = "".join(capsys.readouterr())
    assert "project.qde looks like an unpacked REFI-QDA project" in said
    assert "extension .qdpx" in said


def test_a_qde_next_to_transcripts_or_alone_says_how_to_bring_its_codings_in(tmp_path, capsys):
    """A folder with another tool's project file (.qde) next to the transcripts imported the
    transcripts and called the .qde "a kind that cannot be imported": its codings were left
    behind without advice. A .qde given as the project (or renamed .qdpx) was "damaged or
    not a real .qdpx file"."""
    folder = tmp_path / "export"
    (folder / "sources").mkdir(parents=True)
    qde = '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="t"/>'
    (folder / "project.qde").write_text(qde, encoding="utf-8")
    (folder / "r01.txt").write_text("Interviewer: Hoe gaat het?\nSanne: Goed.\n", "utf-8")
    project = tmp_path / "p.db"
    assert main(["import", str(folder), "--project", str(project)]) == 0
    said = capsys.readouterr().out
    assert documents(project) == 1
    assert "Let op: project.qde is het projectbestand (.qde) van een REFI-QDA-project" in said
    assert "Die codes en coderingen zijn niet ingelezen." in said and "extensie .qdpx" in said
    renamed = tmp_path / "project.qdpx"
    renamed.write_text(qde, encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_file(Project.for_user(open_project(project), "onderzoeker"), renamed)
    assert err.value.key == "exchange.qde_not_zipped"
    assert main(["--lang", "en", "import", str(renamed), "--project", str(project)]) == 1
    assert (
        "project.qdpx is not a zip file but only the project file (.qde) of a REFI-QDA "
        "project, without the texts." in "".join(capsys.readouterr())
    )


def test_a_file_above_the_limit_names_the_limit_as_the_page_does(db, nlp, tmp_path):
    """The page says "Hoogstens 50 MB per bestand"; the refusal said "Het maximum is 50.0 MB"
    (a float printed as it was), and nothing is stored; Dutch writes a decimal comma."""
    big = tmp_path / "groot.txt"
    big.write_bytes(b"I: Ja?\nR: Nee.\n" * 80_000)  # 1.1 MB
    result = import_files(Project.for_user(db, ME), [big], max_mb=1, nlp=nlp).results[0]
    assert (
        result.message("nl") == "groot.txt: het bestand is te groot (1,1 MB). Het maximum is 1 MB."
    )
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
