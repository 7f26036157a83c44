"""``workbench import`` and friends: output per file, summary, exit codes."""

from __future__ import annotations

from test_ingest_formats import DIALOGUE

import workbench
from workbench.cli import main
from workbench.handle import Project


def test_import_prints_details_and_exits_zero(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(DIALOGUE.encode("cp1252"))
    code = main(
        ["--lang", "en", "import", str(tmp_path / "a.txt"), "--project", str(tmp_path / "p.db")]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert "a.txt: txt, encoding cp1252, speakers I (interviewer), R (respondent)" in out
    assert "Imported: 1. Failed: 0." in out
    assert "1/1" in err


def test_the_import_summary_writes_its_figures_the_dutch_way(tmp_path, capsys):
    """The summary read "in 0.4 s (1,234 woorden per seconde)": an English decimal point and
    thousands comma in a Dutch sentence (1,234 reads as about one)."""
    import re

    (tmp_path / "a.txt").write_text(DIALOGUE * 40, encoding="utf-8")
    assert main(["import", str(tmp_path / "a.txt"), "--project", str(tmp_path / "p.db")]) == 0
    out = capsys.readouterr().out
    found = re.search(r"in (\S+) s \((\S+) woorden per seconde\)", out)
    assert found, out
    seconds, rate = found.groups()
    assert re.fullmatch(r"\d+,\d", seconds) and re.fullmatch(r"\d{1,3}(\.\d{3})*", rate), out


def test_import_exits_non_zero_when_a_file_fails(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    code = main(
        [
            "import",
            str(tmp_path / "a.txt"),
            str(tmp_path / "b.txt"),
            "--project",
            str(tmp_path / "p.db"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "b.txt: het bestand is leeg." in out


def test_import_links_to_a_respondent_and_speakers_can_be_set(tmp_path, capsys):
    project = str(tmp_path / "p.db")
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    assert (
        main(["import", str(tmp_path / "a.txt"), "--project", project, "--respondent", "R07"]) == 0
    )
    assert main(["respondents", "list", "--project", project]) == 0
    assert "R07" in capsys.readouterr().out
    assert main(["speakers", "set", "1", "other", "--project", project]) == 0
    assert main(["speakers", "list", "--project", project]) == 0
    assert "I\tother" in capsys.readouterr().out


def test_respondents_list_shows_yes_no_in_words_and_json_keeps_booleans(tmp_path, capsys):
    """`respondents list` printed a yes/no attribute as stored ("vrijwilliger=false") in
    Dutch too; it reads "nee" ("no"), as on the app's pages. JSON gives a real boolean."""
    import json

    project = str(tmp_path / "p.db")
    (tmp_path / "r.csv").write_text("code;vrijwilliger;leeftijd\nR01;ja;70\nR02;nee;\n")
    assert main(["respondents", "import", str(tmp_path / "r.csv"), "--project", project]) == 0
    capsys.readouterr()
    assert main(["respondents", "list", "--project", project]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "R01\t-\t0 doc\tvrijwilliger=ja, leeftijd=70",
        "R02\t-\t0 doc\tvrijwilliger=nee",
    ]
    assert main(["--lang", "en", "respondents", "list", "--project", project]) == 0
    assert "R02\t-\t0 doc\tvrijwilliger=no" in capsys.readouterr().out
    assert main(["respondents", "list", "--json", "--project", project]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["attributes"] for r in listed] == [
        {"vrijwilliger": True, "leeftijd": "70"},
        {"vrijwilliger": False},
    ]


def test_unlinking_a_document_says_it_belongs_to_no_respondent(tmp_path, capsys):
    """docs/ingest.md: `respondents link DOCUMENT_ID -` unlinks; it printed "hoort nu bij -"."""
    project = str(tmp_path / "p.db")
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    assert (
        main(["import", str(tmp_path / "a.txt"), "--project", project, "--respondent", "R07"]) == 0
    )
    capsys.readouterr()
    assert main(["respondents", "link", "1", "-", "--project", project]) == 0
    assert capsys.readouterr().out == "Document 1 hoort nu bij geen respondent meer.\n"
    assert main(["--lang", "en", "respondents", "link", "1", "R07", "--project", project]) == 0
    assert capsys.readouterr().out == "Document 1 now belongs to R07.\n"
    with workbench.open_project(project, user="onderzoeker") as p:
        assert p.db.execute("SELECT respondent_id FROM documents").fetchone()[0] is not None
    assert main(["--lang", "en", "respondents", "link", "1", "-", "--project", project]) == 0
    assert capsys.readouterr().out == "Document 1 no longer belongs to a respondent.\n"
    with workbench.open_project(project, user="onderzoeker") as p:
        assert p.db.execute("SELECT respondent_id FROM documents").fetchone()[0] is None


def test_unknown_speaker_is_an_error_with_exit_one(tmp_path, capsys):
    assert main(["speakers", "set", "99", "other", "--project", str(tmp_path / "p.db")]) == 1
    assert capsys.readouterr().err.startswith("Fout: ")


def test_qdpx_files_are_handed_to_the_exchange_importer(tmp_path, capsys):
    from workbench.exchange import export_qdpx
    from workbench.store import open_project

    source = open_project(tmp_path / "source.db")
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    from workbench.ingest import import_files

    import_files(Project.for_user(source, "onderzoeker"), [tmp_path / "a.txt"])
    export_qdpx(Project.for_user(source, "onderzoeker"), tmp_path / "p.qdpx", pseudonymise=False)
    code = main(["import", str(tmp_path / "p.qdpx"), "--project", str(tmp_path / "p.db")])
    assert code == 0, capsys.readouterr()
    assert "p.qdpx (qdpx)" in capsys.readouterr().out  # the exchange's data-loss report
    target = open_project(tmp_path / "p.db")
    assert target.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_a_folder_imports_its_transcripts_and_skips_other_files(tmp_path, capsys):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / "b.md").write_text("Een alinea zonder sprekers.", encoding="utf-8")
    (folder / "respondenten.csv").write_text("respondent\nR01\n", encoding="utf-8")
    assert main(["import", str(folder), "--project", str(tmp_path / "p.db")]) == 0
    assert "Ingelezen: 2. Mislukt: 0." in capsys.readouterr().out


def test_old_word_processor_files_in_a_folder_are_reported_not_skipped(tmp_path, capsys):
    """A folder of .doc transcripts said 'Ingelezen: 1' and nothing of the others."""
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / "b.doc").write_bytes(b"\xd0\xcf\x11\xe0 oud Word-bestand")
    (folder / "c.rtf").write_text("{\\rtf1 fictief}", encoding="utf-8")
    assert main(["import", str(folder), "--project", str(tmp_path / "p.db")]) == 1
    out = capsys.readouterr()
    assert "Ingelezen: 1. Mislukt: 2." in out.out
    assert "b.doc" in out.out + out.err and "c.rtf" in out.out + out.err


def test_an_empty_folder_is_an_error_and_creates_no_project(tmp_path, capsys):
    (tmp_path / "leeg").mkdir()
    code = main(["import", str(tmp_path / "leeg"), "--project", str(tmp_path / "p.db")])
    assert code == 1
    assert "geen bestanden" in capsys.readouterr().err
    assert not (tmp_path / "p.db").exists()


def mixed_folder(parent):
    """A folder as researchers keep them: two interviews beside a photo, a spreadsheet, notes
    in other formats, and the files the system leaves behind (.DS_Store, Thumbs.db)."""
    from openpyxl import Workbook
    from PIL import Image

    folder = parent / "interviews"
    folder.mkdir()
    (folder / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / "b.md").write_text(DIALOGUE + "\nR: Dat was het, denk ik.\n", encoding="utf-8")
    Image.new("RGB", (4, 4), "white").save(folder / "foto.png")
    book = Workbook()
    book.active.append(["respondent", "leeftijd"])
    book.save(folder / "lijst.xlsx")
    for n in range(1, 6):
        (folder / f"notitie{n}.pages").write_bytes(b"PK\x03\x04 niet te lezen")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    return folder


def nothing_to_import(parent):
    """A folder with two scans, a spreadsheet, a file without extension and two folders of
    interviews inside it: nothing the import reads at the top."""
    folder = parent / "scans"
    folder.mkdir()
    for name in ("blad1.PNG", "blad2.png"):
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "lijst.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "LEESMIJ").write_text("fictief", encoding="utf-8")
    for sub in ("ronde1", "ronde2"):
        (folder / sub).mkdir()
        (folder / sub / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


def test_a_folder_with_nothing_to_import_says_what_it_holds(tmp_path, capsys):
    """It said "no files to import here", as for an empty folder; now it counts what it
    found by kind, in Dutch and in English, and still creates no project."""
    folder = nothing_to_import(tmp_path)
    project = str(tmp_path / "p.db")
    assert main(["import", str(folder), "--project", project]) == 1
    err = capsys.readouterr().err
    assert f"In {folder} staan geen bestanden die ik kan inlezen." in err
    assert (
        "Ik vond wel: 1 bestand zonder extensie, 2 .png-bestanden, 1 .xlsx-bestand, 2 mappen. "
        "Een map in de map open ik niet. Wil je wat daarin staat inlezen? Kies die mappen dan "
        "zelf." in err
    )
    assert main(["--lang", "en", "import", str(folder), "--project", project]) == 1
    err = capsys.readouterr().err
    assert (
        "Found: 1 file without an extension, 2 .png files, 1 .xlsx file, 2 folders. A folder "
        "inside the folder is not opened. To import what is in them, choose those folders "
        "yourself." in err
    )
    assert ".DS_Store" not in err and not (tmp_path / "p.db").exists()


def test_a_folder_import_says_which_files_it_skipped(tmp_path, capsys):
    """Seven files of other kinds are named in the summary (five, then a count), in Dutch
    and in English; the hidden and system files are not mentioned."""
    folder = mixed_folder(tmp_path)
    assert main(["import", str(folder), "--project", str(tmp_path / "nl.db")]) == 0
    out = capsys.readouterr().out
    assert "Ingelezen: 2. Mislukt: 0." in out
    assert (
        "7 bestanden in de map heb ik overgeslagen, want zo'n soort bestand kan ik niet "
        "inlezen: foto.png, lijst.xlsx, notitie1.pages, notitie2.pages, notitie3.pages "
        "en nog 2." in out
    )
    assert ".DS_Store" not in out and "Thumbs.db" not in out
    assert main(["--lang", "en", "import", str(folder), "--project", str(tmp_path / "en.db")]) == 0
    out = capsys.readouterr().out
    assert (
        "Skipped 7 files in the folder, of a kind that cannot be imported: foto.png, "
        "lijst.xlsx, notitie1.pages, notitie2.pages, notitie3.pages and 2 more." in out
    )


def test_a_folder_import_names_the_folders_inside_it_that_it_did_not_open(tmp_path, capsys):
    """A folder of interviews with a folder of older versions inside: only the top folder is
    read, and the summary says which folders it did not open (it said nothing)."""
    folder = tmp_path / "interviews"
    (folder / "oude versies").mkdir(parents=True)
    (folder / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / "oude versies" / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (folder / ".git").mkdir()  # hidden: never named
    assert main(["import", str(folder), "--project", str(tmp_path / "nl.db")]) == 0
    out = capsys.readouterr().out
    assert "Ingelezen: 1. Mislukt: 0." in out
    assert (
        "1 map in de map heb ik niet geopend: oude versies. Wil je wat daarin staat ook "
        "inlezen? Kies die map dan zelf." in out
    )
    assert ".git" not in out and "overgeslagen" not in out
    assert main(["--lang", "en", "import", str(folder), "--project", str(tmp_path / "en.db")]) == 0
    assert (
        "Did not open 1 folder inside the folder: oude versies. To import what is in it, "
        "choose that folder yourself." in capsys.readouterr().out
    )


def test_files_named_one_by_one_are_never_called_skipped(tmp_path, capsys):
    """A file named on the command line is imported or reported as failed, not skipped."""
    folder = mixed_folder(tmp_path)
    argv = ["import", str(folder / "a.txt"), str(folder / "foto.png")]
    assert main([*argv, "--project", str(tmp_path / "p.db")]) == 1
    out = capsys.readouterr().out
    assert "Ingelezen: 1. Mislukt: 1." in out and "overgeslagen" not in out
