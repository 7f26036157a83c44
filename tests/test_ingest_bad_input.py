"""Bad files get a clear message, nothing of them is written, the batch goes on."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from test_ingest_formats import DIALOGUE, write_docx

from workbench.ingest import import_files

TABLES = ("documents", "speakers", "turns", "segments", "events")


def counts(db):
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def import_one(db, path, **kwargs):
    report = import_files(db, [path], actor="onderzoeker", **kwargs)
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
        archive.writestr("META-INF/manifest.xml",
                         '<manifest:file-entry><manifest:encryption-data/></manifest:file-entry>')
        archive.writestr("content.xml", os.urandom(256))
    return buffer.getvalue()


BAD_FILES = {
    "secret.odt": (encrypted_odt(), "ingest.encrypted_office"),
    "nodocument.docx": (zip_without_document(), "ingest.corrupt_file"),
    "notes.pdf": (b"%PDF-1.4 ...", "ingest.unsupported_format"),
    "empty.txt": (b"", "ingest.empty_file"),
    "blank.txt": (b"\n \n\t\n", "ingest.empty_file"),
    "random.txt": (os.urandom(4096) + b"\0", "ingest.binary_file"),
    "corrupt.docx": (b"PK\x03\x04 this is not really a zip", "ingest.corrupt_file"),
    "notword.docx": (b"just some text called docx", "ingest.corrupt_file"),
    "secret.docx": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "ingest.encrypted_office"),
    "bomb.docx": (zip_bomb(), "ingest.zip_bomb"),
    "evil.odt": (hostile_names(), "ingest.zip_unsafe_name"),
    "broken-utf8.txt": ("R: één café, reünie, geëmigreerd. ".encode() * 3 + b"\xff\xfe\xc3(",
                        "ingest.undecodable"),
    "broken-utf16.txt": (b"\xff\xfe" + "R: hallo".encode("utf-16-le") + b"\x00\xd8",
                         "ingest.undecodable"),
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
    assert result.error.key == "ingest.too_large"
    assert counts(db)["documents"] == 0


def test_size_limit_comes_from_the_project_setting(db, tmp_path):
    from workbench.store import set_setting

    set_setting(db, "max_file_mb", 0.01, actor="onderzoeker")
    path = tmp_path / "big.txt"
    path.write_text(DIALOGUE * 100, encoding="utf-8")
    assert import_one(db, path).error.key == "ingest.too_large"


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
    report = import_files(db, paths, actor="onderzoeker")
    assert [r.ok for r in report.results] == [False, True, False, True]
    assert counts(db)["documents"] == 2
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE action LIKE 'import%'")]
    assert actions == ["import.document", "import.document"]


def test_a_failure_while_writing_leaves_nothing_of_that_file(db, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(DIALOGUE, encoding="utf-8")
    db.execute("CREATE TRIGGER no_segments BEFORE INSERT ON segments "
               "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    before = counts(db)
    with pytest.raises(Exception, match="disk full"):
        import_files(db, [path], actor="onderzoeker")
    assert counts(db) == before


def test_importing_needs_the_import_permission(db, tmp_path):
    from workbench.errors import PermissionDenied

    db.execute("INSERT INTO users (name, role, created_at) VALUES ('buur', 'co-onderzoeker', '')")
    (tmp_path / "a.txt").write_text(DIALOGUE, encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_files(db, [tmp_path / "a.txt"], actor="buur")
