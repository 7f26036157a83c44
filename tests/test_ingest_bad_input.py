"""Bad files get a clear message, nothing of them is written, the batch goes on."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from test_ingest_formats import DIALOGUE, write_docx

from workbench.handle import Project
from workbench.ingest import import_files

TABLES = ("documents", "speakers", "turns", "segments", "events")


def counts(db):
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def import_one(db, path, **kwargs):
    report = import_files(Project.for_user(db, "onderzoeker"), [path], **kwargs)
    return report.results[0]


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 30_000_000)
    return buffer.getvalue()


def hostile_names() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/evil.xml", "<x/>")
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word file")
    return buffer.getvalue()


def encrypted_odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "META-INF/manifest.xml",
            "<manifest:file-entry><manifest:encryption-data/></manifest:file-entry>",
        )
        archive.writestr("content.xml", os.urandom(256))
    return buffer.getvalue()


BAD_FILES = {
    "secret.odt": (encrypted_odt(), "ingest.encrypted_office"),
    "nodocument.docx": (zip_without_document(), "ingest.corrupt_file"),
    "notes.rtf": (b"{\\rtf1 R: hallo}", "ingest.unsupported_format"),
    "notes.pdf": (b"%PDF-1.4 ...", "ingest.corrupt_pdf"),
    "empty.txt": (b"", "files.empty_file"),
    "blank.txt": (b"\n \n\t\n", "files.empty_file"),
    "random.txt": (os.urandom(4096) + b"\0", "files.binary_file"),
    "corrupt.docx": (b"PK\x03\x04 this is not really a zip", "zip.damaged"),
    "notword.docx": (b"just some text called docx", "zip.damaged"),
    "secret.docx": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "zip.encrypted"),
    "bomb.docx": (zip_bomb(), "zip.bomb"),
    "evil.odt": (hostile_names(), "zip.unsafe_path"),
    "broken-utf8.txt": (
        "R: één café, reünie, geëmigreerd. ".encode() * 3 + b"\xff\xfe\xc3(",
        "files.undecodable",
    ),
    "broken-utf16.txt": (
        b"\xff\xfe" + "R: hallo".encode("utf-16-le") + b"\x00\xd8",
        "files.undecodable",
    ),
    "bad.vtt": (b"this is no webvtt at all\n", "ingest.bad_subtitles"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_its_reason_and_nothing_is_written(db, tmp_path, name):
    data, key = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = counts(db)
    result = import_one(db, path)
    assert not result.ok
    assert result.error.key == key
    assert name in result.message("nl") and name in result.message("en")
    assert counts(db) == before


def test_file_over_the_size_limit_is_refused(db, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(DIALOGUE * 2000, encoding="utf-8")
    result = import_one(db, path, max_mb=0.1)
    assert result.error.key == "files.too_large"
    assert counts(db)["documents"] == 0


def test_file_sizes_in_the_refusal_have_the_readers_decimal_sign(db, tmp_path):
    """Dutch writes "0,3 MB", English "0.3 MB": the language is only known when the
    message is shown, after the import refused the file."""
    path = tmp_path / "groot.txt"
    path.write_text("a" * 314_573, encoding="utf-8")  # 0.3 MB
    error = import_one(db, path, max_mb=0.1).error
    assert error.message("nl") == (
        "groot.txt: het bestand is te groot (0,3 MB). Het maximum is 0,1 MB."
    )
    assert (
        error.message("en") == "groot.txt: the file is too large (0.3 MB). The maximum is 0.1 MB."
    )


def test_size_limit_comes_from_the_project_setting(db, tmp_path):
    from workbench.store import set_setting

    set_setting(db, "max_file_mb", 0.01, actor="onderzoeker")
    path = tmp_path / "big.txt"
    path.write_text(DIALOGUE * 100, encoding="utf-8")
    assert import_one(db, path).error.key == "files.too_large"


def test_duplicate_file_is_refused_even_under_another_name(db, tmp_path):
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(DIALOGUE, encoding="utf-8")
    assert import_one(db, tmp_path / "a.txt").ok
    before = counts(db)
    result = import_one(db, tmp_path / "copy.txt")
    assert result.error.key == "ingest.duplicate"
    assert "a.txt" in result.message()
    assert counts(db) == before


def test_good_files_of_a_batch_import_around_bad_ones(db, tmp_path):
    (tmp_path / "good.txt").write_text(DIALOGUE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    write_docx(tmp_path / "good.docx")
    (tmp_path / "bomb.docx").write_bytes(zip_bomb())
    paths = [tmp_path / n for n in ("empty.txt", "good.txt", "bomb.docx", "good.docx")]
    report = import_files(Project.for_user(db, "onderzoeker"), paths)
    assert [r.ok for r in report.results] == [False, True, False, True]
    assert counts(db)["documents"] == 2
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE action LIKE 'import%'")]
    assert actions == ["import.document", "import.document"]


def test_a_failure_while_writing_leaves_nothing_of_that_file(db, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(DIALOGUE, encoding="utf-8")
    db.execute(
        "CREATE TRIGGER no_segments BEFORE INSERT ON segments "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    before = counts(db)
    with pytest.raises(Exception, match="disk full"):
        import_files(Project.for_user(db, "onderzoeker"), [path])
    assert counts(db) == before


def test_importing_needs_the_import_permission(db, tmp_path):
    from workbench.errors import PermissionDenied

    db.execute("INSERT INTO users (name, role, created_at) VALUES ('buur', 'co-onderzoeker', '')")
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_files(Project.for_user(db, "buur"), [tmp_path / "a.txt"])


# --- issue 19: one bad file never stops a batch, hostile input never exhausts the machine ---


def corrupt_version_needed(data: bytes) -> bytes:
    """A zip whose central directory claims "version needed to extract" 25.5 (zipfile raises
    NotImplementedError for it, which used to escape as a traceback)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    assert at >= 0
    out[at + 6 : at + 8] = (255).to_bytes(2, "little")
    return bytes(out)


@pytest.mark.parametrize("name", ["versie.docx", "versie.odt"])
def test_a_corrupt_zip_version_field_is_reported_and_the_batch_goes_on(db, tmp_path, name):
    write_docx(tmp_path / "good.docx")
    source = (tmp_path / "good.docx").read_bytes()
    (tmp_path / name).write_bytes(corrupt_version_needed(source))
    (tmp_path / "after.txt").write_text(DIALOGUE, encoding="utf-8")
    report = import_files(
        Project.for_user(db, "onderzoeker"), [tmp_path / name, tmp_path / "after.txt"]
    )
    bad, good = report.results
    assert not bad.ok and bad.error.key == "zip.damaged"
    assert name in bad.message("nl") and "25.5" in bad.message("en")
    assert good.ok


def test_a_corrupt_xlsx_is_not_called_a_word_file(db, tmp_path):
    from workbench.errors import InputError
    from workbench.respondents import read_table

    path = tmp_path / "respondenten.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a spreadsheet")
    with pytest.raises(InputError) as err:
        read_table(path)
    assert err.value.key == "zip.damaged"
    message = err.value.message("nl")
    assert ".xlsx" in message and "Word" not in message


def test_unpacked_xml_is_capped_relative_to_the_file_limit():
    """The 4.8 MB docx that unpacked to 419 MB (ratio 85) passed the ratio check: the XML
    total is now capped at XML_FACTOR x the file limit. Shown here with a 1 MB limit."""
    from workbench.errors import InputError
    from workbench.zipguard import XML_FACTOR, open_zip

    xml = b"<w:p><w:r><w:t>" + os.urandom(600_000).hex().encode() + b"</w:t></w:r></w:p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
        archive.writestr("word/media/image1.png", os.urandom(1_500_000))
    with pytest.raises(InputError) as err:
        open_zip(buffer.getvalue(), name="groot.docx", limit_bytes=1024 * 1024 // XML_FACTOR)
    assert err.value.key == "zip.too_large"
    # the same archive is fine under the default 50 MB limit: real files never hit the cap
    open_zip(buffer.getvalue(), name="groot.docx").close()


def test_nul_bytes_refuse_a_text_file_wherever_they_are(db, tmp_path):
    late = DIALOGUE.encode() * (70_000 // len(DIALOGUE) + 1) + b"\x00" + DIALOGUE.encode()
    assert late.index(b"\x00") > 65536
    (tmp_path / "laat.txt").write_bytes(late)
    (tmp_path / "vroeg.txt").write_bytes(b"\x00" + DIALOGUE.encode())
    for name in ("laat.txt", "vroeg.txt"):
        result = import_one(db, tmp_path / name)
        assert result.error.key == "files.binary_file", name
    assert counts(db)["documents"] == 0


def test_a_file_name_with_a_newline_becomes_a_clean_document_name(db):
    name = "R07\ninterview\t\x1b[2J deel 2.txt"
    report = import_files(Project.for_user(db, "onderzoeker"), [(name, DIALOGUE.encode())])
    assert report.results[0].ok
    stored = db.execute("SELECT name FROM documents").fetchone()[0]
    assert stored == "R07 interview [2J deel 2"


def test_a_very_long_line_is_cut_at_sentence_ends_with_exact_offsets():
    from workbench.ingest.segment import MAX_PIECE_CHARS, pieces

    line = "Ik woon hier al lang, zegt ze. " * 1000 + "x" * (3 * MAX_PIECE_CHARS)
    found = list(pieces(line, 7))
    assert "".join(p for _, p in found) == line
    assert all(len(p) <= MAX_PIECE_CHARS for _, p in found)
    assert all(line[o - 7 : o - 7 + len(p)] == p for o, p in found)
    sentences = [p for _, p in found if not p.startswith("x")]
    assert all(p.endswith(". ") for p in sentences[:-1])


@pytest.mark.slow
def test_a_transcript_pasted_as_one_line_over_a_million_characters_is_imported(db, tmp_path, nlp):
    """spaCy refuses a text over 1,000,000 characters (E088); the line is split, not refused."""
    line = "R: " + "Sinds mijn man er niet meer is, zie ik bijna niemand meer. " * 17_500
    assert len(line) > 1_000_000
    path = tmp_path / "een-regel.txt"
    path.write_text("I: Hoe gaat het?\n" + line + "\n", encoding="utf-8")
    report = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp)
    assert report.results[0].ok, report.results[0].message("en")
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    assert db.execute("SELECT count(*) FROM segments").fetchone()[0] > 17_000
    for start, end, seg in db.execute(
        "SELECT start_char, end_char, text FROM segments ORDER BY random() LIMIT 200"
    ):
        assert text[start:end] == seg


def test_a_zip_bomb_is_told_with_its_ratio_written_without_an_english_thousands_comma():
    """The ratio read "factor 1,029" in Dutch, where a comma is the decimal sign: 1,029
    reads as about one. Written plainly, it is the same number in both languages."""
    from workbench.errors import InputError
    from workbench.zipguard import open_zip

    with pytest.raises(InputError) as err:
        open_zip(zip_bomb(), name="bom.docx")
    dutch, english = err.value.message("nl"), err.value.message("en")
    ratio = re.search(r"factor (\S+)\)", dutch).group(1)
    assert ratio.isdigit() and int(ratio) > 1000, dutch
    assert f"ratio {ratio})" in english
