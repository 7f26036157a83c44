"""Hostile input: random and mutated files of every format through ``imports.import_files`` (the front door).

Whatever the bytes, only :class:`WorkbenchError` may come out (collected in the report),
and nothing may be half-written: every stored document has segments, every file that failed
left no rows behind, and the database stays intact.
"""

import functools
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import shared
from test_ingest_pdf import transcript_pdf
from workbench.errors import WorkbenchError
from workbench.handle import Project
from workbench.imports import import_files
from workbench.store import open_project

REPO = Path(__file__).resolve().parent.parent
SEEDS = {
    "txt": REPO / "corpora" / "demo" / "R01-gerda-spoorzicht.txt",
    "docx": REPO / "corpora" / "demo" / "R04-daan-bloemenbuurt.docx",
    "odt": REPO / "corpora" / "demo" / "R09-kim-spoorzicht.odt",
    "pdf": transcript_pdf,  # written by the PDF tests: the demo corpus has no PDF
    "vtt": REPO / "corpora" / "demo" / "R03-yonas-rietlanden.vtt",
    "srt": REPO / "corpora" / "demo" / "R10-mehmet-havenkwartier.srt",
    "qdpx": Path("refi", "samples", "atlasti-8.4-TestProject.qdpx"),  # under ../shared
}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    db = open_project(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    yield db
    db.close()


@pytest.fixture
def seed(fmt: str) -> bytes:
    """The real file of format ``fmt`` (the qdpx one from ../shared: skipped on a clone)."""
    if callable(SEEDS[fmt]):
        return SEEDS[fmt]()
    path = shared(*SEEDS[fmt].parts) if fmt == "qdpx" else SEEDS[fmt]
    return path.read_bytes()


def import_and_check(db, name: str, data: bytes, nlp) -> None:
    before = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    report = import_files(Project.for_user(db, "onderzoeker"), [(name, data)], nlp=nlp)
    result = report.results[0]
    after = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    if result.ok:
        assert after >= before
    else:
        assert isinstance(result.error, WorkbenchError) and result.message("nl")
        assert after == before, f"{name}: a failed import left documents behind"
    half = db.execute(
        "SELECT count(*) FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM segments s WHERE s.document_id = d.id)"
    ).fetchone()[0]
    assert half == 0, f"{name}: a document without segments"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def mutate(data: bytes, draw) -> bytes:
    """Flip, delete, insert or truncate at a few positions chosen by hypothesis."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if how == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at:]
    return bytes(data)


def mutate_inside_zip(data: bytes, draw) -> bytes:
    """Keep the zip valid but damage one member (so the XML parsers get hostile input)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            member = source.read(name)
            target.writestr(name, mutate(member, draw) if name == victim else member)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SEEDS))
@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_crash_the_importer(project, nlp, fmt, data):
    import_and_check(project, f"willekeurig.{fmt}", data, nlp)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SEEDS))
@FUZZ
@given(draw=st.data())
def test_mutated_real_files_never_crash_the_importer(project, nlp, fmt, seed, draw):
    data = mutate(seed, draw.draw)
    import_and_check(project, f"beschadigd.{fmt}", data, nlp)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "odt", "qdpx"])
@FUZZ
@given(draw=st.data())
def test_damaged_members_inside_valid_zips_never_crash_the_importer(project, nlp, fmt, seed, draw):
    data = mutate_inside_zip(seed, draw.draw)
    import_and_check(project, f"binnenin.{fmt}", data, nlp)


def test_hostile_input_still_ends_in_an_intact_database(project):
    assert project.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


KNOWN = sorted((Path(__file__).parent / "fuzz_inputs").glob("*.*"))


@pytest.mark.parametrize("path", KNOWN, ids=lambda p: p.name)
def test_files_the_fuzzer_found_are_reported_not_raised(project, nlp, path):
    """Damaged zips the fuzzer found once (zlib.error, BadZipFile, EOFError from a member)."""
    import_and_check(project, path.name, path.read_bytes(), nlp)


@functools.cache
def table_and_codebook_seed(fmt: str) -> bytes:
    """A respondent table (csv, xlsx) or codebook (yaml) that reads without problems.

    Built once per run: openpyxl stamps the time into the file, and hypothesis replays an
    example on the same bytes (a new second meant new bytes and "Inconsistent data
    generation").
    """
    if fmt == "yaml":
        return (REPO / "codebooks" / "sociale-kwaliteit.yaml").read_bytes()
    if fmt == "csv":
        return b"code;leeftijd;woonplaats\nR01;71;Spoorzicht\nR02;83;Havenkwartier\n"
    import openpyxl

    book = openpyxl.Workbook()
    for values in (("code", "leeftijd"), ("R01", 71), ("R02", 83)):
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "yaml"])
@FUZZ
@given(draw=st.data())
def test_mutated_tables_and_codebooks_load_or_give_a_message(tmp_path, fmt, draw):
    """Respondent tables and codebooks are input from outside too (issue 19)."""
    from workbench.codebook.yaml_io import load_codebook
    from workbench.respondents import read_table

    seed = table_and_codebook_seed(fmt)
    data = (
        mutate_inside_zip(seed, draw.draw)
        if fmt == "xlsx" and draw.draw(st.booleans())
        else mutate(seed, draw.draw)
    )
    path = tmp_path / f"beschadigd.{fmt}"
    path.write_bytes(data)
    try:
        (load_codebook if fmt == "yaml" else read_table)(path)
    except WorkbenchError as exc:
        assert exc.message("nl") and exc.message("en")
