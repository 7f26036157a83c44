"""A codebook file holds at most MAX_CODES codes: YAML, .qdc and the codebook of a .qdpx.

Real codebooks have tens to a few hundred codes; a file of 60,000 passed the size limit and
took seconds and hundreds of MB to check. The files here are real files just over and at the
limit (the limit is read from workbench.codebook.model, never patched), imported into a real project.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from workbench import codebook as cb
from workbench.codebook.model import MAX_CODES
from workbench.errors import InputError
from workbench.exchange import import_qdc, import_qdpx
from workbench.exchange.qdc import read_qdc
from workbench.exchange.report import ExchangeReport
from workbench.handle import Project

ME = "onderzoeker"


@pytest.fixture
def db(project_path, new_project):
    database = new_project(project_path)
    yield database
    database.close()


def dump(db) -> str:
    """Every row of every table: equal before and after means nothing was written."""
    return "\n".join(db.iterdump())


def yaml_codebook(path: Path, n: int) -> Path:
    lines = ["name: Veel codes", 'version: "1"', "language: nl", "codes:"]
    for i in range(n):
        # a list inside each code: only the items of the top-level codes list count
        lines += [f"  - id: veel-{i}", f"    name: Code {i}", "    examples: [een, twee]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def code_elements(n: int) -> str:
    return "".join(
        f'<Code guid="30000000-0000-0000-0000-{i:012d}" name="Code {i}" isCodable="true"/>'
        for i in range(n)
    )


def qdc_codebook(path: Path, n: int) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{code_elements(n)}</Codes></CodeBook>',
        encoding="utf-8",
    )
    return path


def refused(db, read) -> InputError:
    """The error ``read()`` raises, after checking that the project did not change."""
    before = dump(db)
    with pytest.raises(InputError) as err:
        read()
    assert dump(db) == before
    assert err.value.key == "codebook.too_many_codes"
    return err.value


def test_a_yaml_codebook_just_over_the_limit_is_refused_naming_file_count_and_limit(db, tmp_path):
    path = yaml_codebook(tmp_path / "veel.yaml", MAX_CODES + 1)
    started = time.perf_counter()
    error = refused(db, lambda: cb.install_codebook_file(Project.for_user(db, ME), path))
    assert time.perf_counter() - started < 5
    assert error.params == {"file": "veel.yaml", "count": MAX_CODES + 1, "limit": MAX_CODES}
    dutch, english = error.message("nl"), error.message("en")
    for text in (dutch, english):
        assert "veel.yaml" in text and str(MAX_CODES + 1) in text and str(MAX_CODES) in text
    assert "te veel" in dutch and "too many" in english


def test_a_yaml_codebook_at_the_limit_still_imports(db, tmp_path):
    """The boundary: MAX_CODES codes (each with a list inside it) are not refused."""
    path = yaml_codebook(tmp_path / "precies.yaml", MAX_CODES)
    cb.install_codebook_file(Project.for_user(db, ME), path)
    assert db.execute(
        "SELECT count(*) FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
        "WHERE b.name = 'Veel codes'"
    ).fetchone() == (MAX_CODES,)


def test_a_qdc_codebook_just_over_the_limit_is_refused(db, tmp_path):
    path = qdc_codebook(tmp_path / "veel.qdc", MAX_CODES + 1)
    error = refused(db, lambda: import_qdc(Project.for_user(db, ME), path))
    assert error.params == {"file": "veel.qdc", "count": MAX_CODES + 1, "limit": MAX_CODES}


def test_a_qdc_codebook_at_the_limit_is_still_read(tmp_path):
    """Read, not imported: adding 5,000 codes through upsert_codes takes seconds; the YAML
    test above imports a file at the limit."""
    path = qdc_codebook(tmp_path / "precies.qdc", MAX_CODES)
    codes, _ = read_qdc(path, ExchangeReport(operation="import", format="qdc", path=str(path)))
    assert len(codes) == MAX_CODES


def test_the_codebook_inside_a_qdpx_just_over_the_limit_is_refused(db, tmp_path):
    path = tmp_path / "veel.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "project.qde",
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="Veel">'
            f"<CodeBook><Codes>{code_elements(MAX_CODES + 1)}</Codes></CodeBook></Project>",
        )
    error = refused(db, lambda: import_qdpx(Project.for_user(db, ME), path))
    assert error.params == {"file": "veel.qdpx", "count": MAX_CODES + 1, "limit": MAX_CODES}
