"""Agreement on real coders' work: ../shared/dev-real, through a real project.

The set's README reports Krippendorff's alpha between coder a and the independent coder c,
per code over 252 passages, computed by its authors with the ``krippendorff`` package. The
same work, entered as a researcher would (one document per passage, each coder's codes on
the whole document, every document marked read in full), must give the same figures in the
supervisor's report. Nothing of the set's text is kept: it goes into a temporary project.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import shared
from workbench import consistency as cons
from workbench.accounts import add_user
from workbench.codings import add_coding
from workbench.done_marks import mark_done
from workbench.handle import Project
from workbench.ingest import import_files

RENAME = {"energie": "energiebalans"}  # the set's id for our energiebalans


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def published_alphas(readme: Path) -> dict[str, float]:
    """``{code: alpha}`` from the README's "pass a vs c" column (the independent coder)."""
    text = readme.read_text("utf-8")
    table = text[text.index("## An independent coder") :]
    rows = re.findall(r"^\| (\w+) \| ([01]\.\d{3}) \| [01]\.\d{3} \| \d+ \|$", table, re.M)
    return {RENAME.get(code, code): float(alpha) for code, alpha in rows}


@pytest.fixture(scope="module")
def dev_real() -> Path:
    return shared("dev-real")


def test_alpha_per_code_matches_the_sets_own_figures(dev_real, tmp_path, nlp, new_project):
    expected = published_alphas(dev_real / "README.md")
    assert len(expected) == 6, expected  # the README's table was read
    passages = {p["id"]: p["text"] for p in read_jsonl(dev_real / "passages.jsonl")}
    coder_a = {r["id"]: r["codes"] for r in read_jsonl(dev_real / "coder_a.jsonl")}
    coder_c = {r["id"]: r["codes"] for r in read_jsonl(dev_real / "coder_c.jsonl")}
    ids = list(coder_c)  # the 252 passages coder c coded
    folder = tmp_path / "passages"
    folder.mkdir()
    files = []
    for k, passage in enumerate(ids):
        files.append(folder / f"passage{k:03d}.txt")
        files[-1].write_text(passages[passage], encoding="utf-8")
    db = new_project(tmp_path / "real.db")
    researcher = Project.for_user(db, "onderzoeker")
    report = import_files(researcher, files, nlp=nlp)
    assert len(report.imported) == len(ids)
    for coder in ("a", "c"):
        add_user(researcher, coder, role="onderzoeker")
    for passage, result in zip(ids, report.results):
        length = len(db["documents"].get(result.document_id)["text"])
        for coder, codes in (("a", coder_a), ("c", coder_c)):
            for code in codes.get(passage, []):
                add_coding(
                    researcher,
                    coder=coder,
                    code=RENAME.get(code, code),
                    document_id=result.document_id,
                    start_char=0,
                    end_char=length,
                )
    documents = [r.document_id for r in report.results]
    for coder in ("a", "c"):
        mark_done(researcher, documents, coder=coder)

    found = cons.agreement_report(researcher, coders=["a", "c"], unit="document", n_samples=200)
    assert found["n_units"] == len(ids) == 252
    names = dict(db.execute("SELECT slug, name FROM codes").fetchall())
    for code, alpha in expected.items():
        row = found["codes"][names[code]]
        assert row["n_units"] == 252
        assert round(row["alpha"], 3) == alpha, (code, row["alpha"], alpha)
    db.close()
