"""Round trips through other tools, with files built in the shape each tool writes.

QualCoder renews every GUID on export and writes its text files with a byte order mark;
its "line endings for MAXQDA" option (and ATLAS.ti) put ``\\r\\n`` in the file but count it as
one character; NVivo counts UTF-16 units; QualCoder keeps annotations as notes with their
own selection and coding memos on the selection. All text here is fictional.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pytest

from test_exchange_export import pseudonymise_rene
from test_exchange_roundtrip import ME, rich, snapshot  # noqa: F401 (the shared fixture)
from workbench.errors import InputError
from workbench.exchange import export_qdpx, import_qdpx
from workbench.store import open_project

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def as_qualcoder(source: Path, target: Path, *, crlf_as_one: bool = False) -> Path:
    """``source`` re-exported the way QualCoder does it: every GUID new (consistently inside
    the file), origin QualCoder, text files with a BOM in ``sources/``; with ``crlf_as_one``
    the MAXQDA option: ``\\r\\n`` in the files, positions unchanged (one character each)."""
    renewed: dict[str, str] = {}

    def renew(match: re.Match) -> str:
        return renewed.setdefault(match.group(), str(uuid.uuid4()).upper())

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name.endswith(".qde"):
                xml = data.decode("utf-8")
                xml = re.sub(r'origin="[^"]*"', 'origin="QualCoder 3.5"', xml)
                zout.writestr("project.qde", _GUID.sub(renew, xml).encode("utf-8"))
            else:
                text = data.decode("utf-8")
                if crlf_as_one:
                    text = text.replace("\n", "\r\n")
                new_name = "sources/" + _GUID.sub(renew, name.split("/", 1)[1])
                zout.writestr(new_name, "\ufeff".encode() + text.encode("utf-8"))
    return target


def test_qualcoder_round_trip_with_new_guids_adds_nothing_twice(rich, tmp_path, nlp):
    out = tmp_path / "a.qdpx"
    export_qdpx(rich, out, pseudonymise=False, actor=ME)
    before = snapshot(rich)
    report = import_qdpx(rich, as_qualcoder(out, tmp_path / "qc.qdpx"), actor=ME, nlp=nlp)
    assert snapshot(rich) == before
    assert report.counts["documents_matched"] == 2 and "documents" not in report.counts
    assert {m["how"] for m in report.matches} == {"text"}
    assert report.counts["codings_matched"] == 7 and "codings" not in report.counts
    assert "memos" not in report.counts  # the same notes again, under new guids
    lines = report.text("en")
    assert "'interview_r01' was already in the project as 'interview_r01' (same text" in lines


def test_crlf_counted_as_one_character_lands_on_the_same_words(rich, tmp_path, nlp):
    export_qdpx(rich, tmp_path / "a.qdpx", pseudonymise=False, actor=ME)
    qc = as_qualcoder(tmp_path / "a.qdpx", tmp_path / "qc.qdpx", crlf_as_one=True)
    fresh = open_project(tmp_path / "fresh.db")
    report = import_qdpx(fresh, qc, actor=ME, nlp=nlp)
    assert snapshot(fresh)["codings"] == snapshot(rich)["codings"]
    assert [w["key"] for w in report.warnings].count("exchange.warn.crlf_one") == 2


def test_ambiguous_line_end_counting_is_refused_and_nothing_is_written(db, tmp_path, nlp):
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           'name="p" origin="MAXQDA 24"><Users><User guid="{u}" name="anna"/></Users>'
           '<CodeBook><Codes><Code guid="{c}" name="Verlies" isCodable="true"/></Codes>'
           '</CodeBook><Sources><TextSource guid="{s}" name="r.txt" '
           'plainTextPath="internal://r.txt"><PlainTextSelection guid="{p}" startPosition="4" '
           'endPosition="5" creatingUser="{u}"><Coding guid="{k}" creatingUser="{u}">'
           '<CodeRef targetGUID="{c}"/></Coding></PlainTextSelection></TextSource></Sources>'
           '</Project>').format(**{k: uuid.uuid4() for k in "ucspk"})
    path = tmp_path / "m.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/r.txt", "x\r\ny z w")
    with pytest.raises(InputError) as err:
        import_qdpx(db, path, actor=ME, nlp=nlp)
    assert err.value.key == "exchange.ambiguous_offsets"
    assert "r.txt" in err.value.message("nl")
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_pseudonymised_export_with_renewed_guids_comes_back_onto_the_original(
        rich, tmp_path, nlp):
    pseudonymise_rene(rich, tmp_path / "rich.db")
    export_qdpx(rich, tmp_path / "p.qdpx", actor=ME)  # pseudonymised
    qc = as_qualcoder(tmp_path / "p.qdpx", tmp_path / "qc.qdpx")
    # Coded elsewhere: a new coding on the pseudonym, by a coder the project does not know.
    with zipfile.ZipFile(qc) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    qde = members["project.qde"].decode("utf-8")
    source_file = next(n for n, d in members.items()
                       if n.startswith("sources/") and "[Naam 1]" in d.decode("utf-8-sig"))
    text = members[source_file].decode("utf-8-sig")
    start = text.index("Zonder [Naam 1] was ik")
    end = start + len("Zonder [Naam 1] was ik")
    code = re.search(r'<Code guid="([^"]+)" name="Schaamte"', qde).group(1)
    guid = source_file.split("/")[1][:-4]
    selection = (f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{start}" '
                 f'endPosition="{end}" creatingUser="{uuid.UUID(int=7)}"><Coding '
                 f'guid="{uuid.uuid4()}" creatingUser="{uuid.UUID(int=7)}"><CodeRef '
                 f'targetGUID="{code}"/></Coding></PlainTextSelection>')
    qde = qde.replace(f'plainTextPath="internal://{guid}.txt"', "\x00", 1)
    head, tail = qde.split("\x00")
    tail = tail.replace(">", ">" + selection, 1)
    qde = head + f'plainTextPath="internal://{guid}.txt"' + tail
    qde = qde.replace("<Users>", f'<Users><User guid="{uuid.UUID(int=7)}" name="chris"/>')
    members["project.qde"] = qde.encode("utf-8")
    with zipfile.ZipFile(qc, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    before = snapshot(rich)
    report = import_qdpx(rich, qc, actor=ME, nlp=nlp)
    how = {m["document"]: m["how"] for m in report.matches}
    assert how == {"interview_r01": "text", "interview_r02": "text_pseudonymised"}
    assert report.counts["codings"] == 1 and report.counts["documents_matched"] == 2
    new = rich.execute("SELECT text, coder FROM codings WHERE coder = 'chris'").fetchall()
    assert new == [("Zonder René was ik", "chris")]  # on the original, in original offsets
    after = snapshot(rich)
    assert [c for c in after["codings"] if c[5] != "chris"] == before["codings"]
    assert after["documents"] == before["documents"]
