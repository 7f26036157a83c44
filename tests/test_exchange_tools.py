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
from workbench.handle import Project

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
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False)
    before = snapshot(rich)
    report = import_qdpx(
        Project.for_user(rich, ME), as_qualcoder(out, tmp_path / "qc.qdpx"), nlp=nlp
    )
    assert snapshot(rich) == before
    assert report.counts["documents_matched"] == 2 and "documents" not in report.counts
    assert {m["how"] for m in report.matches} == {"text"}
    assert report.counts["codings_matched"] == 7 and "codings" not in report.counts
    assert "memos" not in report.counts  # the same notes again, under new guids
    lines = report.text("en")
    assert "'interview_r01' was already in the project as 'interview_r01' (same text" in lines


def test_crlf_counted_as_one_character_lands_on_the_same_words(rich, tmp_path, nlp):
    export_qdpx(Project.for_user(rich, ME), tmp_path / "a.qdpx", pseudonymise=False)
    qc = as_qualcoder(tmp_path / "a.qdpx", tmp_path / "qc.qdpx", crlf_as_one=True)
    fresh = open_project(tmp_path / "fresh.db")
    report = import_qdpx(Project.for_user(fresh, ME), qc, nlp=nlp)
    assert snapshot(fresh)["codings"] == snapshot(rich)["codings"]
    assert [w["key"] for w in report.warnings].count("exchange.warn.crlf_one") == 2


def test_ambiguous_line_end_counting_is_refused_and_nothing_is_written(db, tmp_path, nlp):
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        'name="p" origin="MAXQDA 24"><Users><User guid="{u}" name="anna"/></Users>'
        '<CodeBook><Codes><Code guid="{c}" name="Verlies" isCodable="true"/></Codes>'
        '</CodeBook><Sources><TextSource guid="{s}" name="r.txt" '
        'plainTextPath="internal://r.txt"><PlainTextSelection guid="{p}" startPosition="4" '
        'endPosition="5" creatingUser="{u}"><Coding guid="{k}" creatingUser="{u}">'
        '<CodeRef targetGUID="{c}"/></Coding></PlainTextSelection></TextSource></Sources>'
        "</Project>"
    ).format(**{k: uuid.uuid4() for k in "ucspk"})
    path = tmp_path / "m.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/r.txt", "x\r\ny z w")
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert err.value.key == "exchange.ambiguous_offsets"
    assert "r.txt" in err.value.message("nl")
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_pseudonymised_export_with_renewed_guids_comes_back_onto_the_original(rich, tmp_path, nlp):
    pseudonymise_rene(rich, tmp_path / "rich.db")
    export_qdpx(Project.for_user(rich, ME), tmp_path / "p.qdpx")  # pseudonymised
    qc = as_qualcoder(tmp_path / "p.qdpx", tmp_path / "qc.qdpx")
    # Coded elsewhere: a new coding on the pseudonym, by a coder the project does not know.
    with zipfile.ZipFile(qc) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    qde = members["project.qde"].decode("utf-8")
    source_file = next(
        n
        for n, d in members.items()
        if n.startswith("sources/") and "[Naam 1]" in d.decode("utf-8-sig")
    )
    text = members[source_file].decode("utf-8-sig")
    start = text.index("Zonder [Naam 1] was ik")
    end = start + len("Zonder [Naam 1] was ik")
    code = re.search(r'<Code guid="([^"]+)" name="Schaamte"', qde).group(1)
    guid = source_file.split("/")[1][:-4]
    selection = (
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{uuid.UUID(int=7)}"><Coding '
        f'guid="{uuid.uuid4()}" creatingUser="{uuid.UUID(int=7)}"><CodeRef '
        f'targetGUID="{code}"/></Coding></PlainTextSelection>'
    )
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
    report = import_qdpx(Project.for_user(rich, ME), qc, nlp=nlp)
    how = {m["document"]: m["how"] for m in report.matches}
    assert how == {"interview_r01": "text", "interview_r02": "text_pseudonymised"}
    assert report.counts["codings"] == 1 and report.counts["documents_matched"] == 2
    new = rich.execute("SELECT text, coder FROM codings WHERE coder = 'chris'").fetchall()
    assert new == [("Zonder René was ik", "chris")]  # on the original, in original offsets
    after = snapshot(rich)
    assert [c for c in after["codings"] if c[5] != "chris"] == before["codings"]
    assert after["documents"] == before["documents"]


# --- exports for a named tool ------------------------------------------------------------------


def _root(path: Path):
    from workbench.exchange.safety import parse_xml

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        root = parse_xml(zf.read("project.qde"), file="project.qde")
        files = {n: zf.read(n).decode("utf-8") for n in names if n != "project.qde"}
    return root, files


@pytest.mark.parametrize("target", [None, "nvivo", "atlasti", "maxqda", "qualcoder"])
def test_every_target_is_schema_valid_with_sources_folder_and_plain_utc_dates(
    rich, tmp_path, target
):
    from workbench.exchange.ids import schema_errors

    out = tmp_path / "t.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, target=target)
    with zipfile.ZipFile(out) as zf:
        assert schema_errors("Project", zf.read("project.qde")) == []
        assert all(n == "project.qde" or n.startswith("sources/") for n in zf.namelist())
    root, _ = _root(out)
    dates = [v for e in root.iter() for k, v in e.attrib.items() if k.endswith("DateTime")]
    assert dates and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d) for d in dates)


def test_nvivo_export_counts_utf16_units_and_comes_back_on_the_same_words(rich, tmp_path, nlp):
    out = tmp_path / "n.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, target="nvivo")
    root, files = _root(out)
    for source in root.iter("TextSource"):
        text = files["sources/" + source.get("plainTextPath").split("//")[1]]
        for sel in source.iter("PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            units = text.encode("utf-16-le")
            quoted = units[2 * start : 2 * end].decode("utf-16-le")
            assert " ".join(quoted.split())[:50] == sel.get("name")[:50].rstrip("…")
    fresh = open_project(tmp_path / "fresh.db")
    report = import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    assert snapshot(fresh)["codings"] == snapshot(rich)["codings"]
    assert any(w["key"] == "exchange.warn.utf16_offsets" for w in report.warnings)


def test_qualcoder_export_puts_memos_where_qualcoder_reads_them(rich, tmp_path, nlp):
    out = tmp_path / "q.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, target="qualcoder")
    root, files = _root(out)
    coded = [s for s in root.iter("PlainTextSelection") if s.find("Coding") is not None]
    assert [s.find("Description").text for s in coded if s.find("Description") is not None] == [
        "Twijfel hier."
    ]  # the coding memo, on its selection
    sources = list(root.iter("TextSource"))
    assert [s.find("Description").text for s in sources if s.find("Description") is not None] == [
        "Mooi interview."
    ]  # the document memo, as the source's memo
    notes = {n.get("guid"): n for n in root.find("Notes")}
    annotations = [n for n in notes.values() if n.find("PlainTextSelection") is not None]
    assert [a.find("PlainTextContent").text for a in annotations] == ["Energie uit dieren."]
    refs = {r.get("targetGUID") for s in sources for r in s.findall("NoteRef")}
    assert refs == {annotations[0].get("guid")}  # QualCoder finds the source by its NoteRef
    journals = [n for n in notes.values() if n.get("plainTextPath")]
    texts = sorted(files["sources/" + j.get("plainTextPath").split("//")[1]] for j in journals)
    assert texts == sorted(
        ["Projectmemo: let op schaamte 😊", "Definitie nog scherper maken.", "R01 woont alleen."]
    )
    assert all(j.get("name") for j in journals)  # QualCoder skips journals without a name
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    memos = lambda db: sorted(
        db.execute(  # noqa: E731
            "SELECT target_type, text FROM memos"
        ).fetchall()
    )
    assert memos(fresh) == memos(rich)


def test_qualcoder_export_reports_memos_joined_in_one_description(rich, tmp_path, nlp):
    """QualCoder keeps one memo per coding: two coders' memos on one coding are joined,
    each under a line with its title and author, and the export report says so."""
    from workbench.memos import add_memo

    coding = rich.execute("SELECT target_id FROM memos WHERE target_type = 'coding'").fetchone()[0]
    add_memo(
        Project.for_user(rich, "bram"),
        target_type="coding",
        target_id=coding,
        text="Ik lees hier vooral boosheid.",
        title="Tweede lezing",
    )
    out = tmp_path / "q.qdpx"
    report = export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, target="qualcoder")
    joined = [loss for loss in report.losses if loss.reason == "joined_in_one_description"]
    assert [(loss.kind, loss.count) for loss in joined] == [("memo", 2)]
    assert "[Memo coding – anna] + [Tweede lezing – bram]" in joined[0].examples[0]
    written = out.with_name(out.name + ".dataloss.txt").read_text(encoding="utf-8")
    assert "2 × memo" in written and "QualCoder" in written
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    texts = [r[0] for r in fresh.execute("SELECT text FROM memos WHERE target_type = 'coding'")]
    assert texts == [
        "[Memo coding – anna]\nTwijfel hier.\n\n[Tweede lezing – bram]\nIk lees hier vooral boosheid."
    ]


def test_project_name_description_and_source_dates_survive_a_round_trip(rich, tmp_path, nlp):
    from workbench.store import get_setting, set_setting

    set_setting(rich, "project_description", "Eenzaamheid na verhuizing.", actor=ME)
    rich.execute("UPDATE documents SET imported_at = '2024-03-01T09:30:00.000+00:00'")
    out = tmp_path / "a.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False)
    fresh = open_project(tmp_path / "fresh.db")
    report = import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    assert report.lossless, report.losses
    assert get_setting(fresh, "project_name") == "rich"
    assert get_setting(fresh, "project_description") == "Eenzaamheid na verhuizing."
    again = tmp_path / "b.qdpx"
    export_qdpx(Project.for_user(fresh, ME), again, pseudonymise=False)
    root, _ = _root(again)
    assert root.get("name") == "rich"
    assert root.find("Description").text == "Eenzaamheid na verhuizing."
    assert {s.get("creationDateTime") for s in root.iter("TextSource")} == {"2024-03-01T09:30:00Z"}


# --- nothing dropped silently --------------------------------------------------------------------

QC_PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Buurtonderzoek" origin="QualCoder 3.5"
         creationDateTime="2023-05-02T10:00:00Z">
  <Users><User guid="{anna}" name="anna"/><User guid="{kim}" name="kim"/></Users>
  <CodeBook><Codes><Code guid="{code}" name="Verlies" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="{src}" name="r07" plainTextPath="internal://{src}.txt"
                creatingUser="{anna}" creationDateTime="2021-01-15T23:37:54Z">
      <PlainTextSelection guid="{sel}" startPosition="{s1}" endPosition="{e1}"
                          creatingUser="{anna}" creationDateTime="2021-01-16T10:00:00Z">
        <Coding guid="{cod}" creatingUser="{anna}"><CodeRef targetGUID="{code}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{bare}" startPosition="{s2}" endPosition="{e2}"
                          creatingUser="{anna}"/>
      <NoteRef targetGUID="{ann}"/>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{ann}" creatingUser="{anna}" creationDateTime="2021-01-17T08:00:00Z">
      <PlainTextContent>Let op: hier begint het.</PlainTextContent>
      <PlainTextSelection guid="{annsel}" startPosition="{s3}" endPosition="{e3}"/>
    </Note>
    <Note guid="{linked}" name="Over de buurman" creatingUser="{anna}">
      <PlainTextContent>De buurman is belangrijk.</PlainTextContent>
    </Note>
  </Notes>
  <Links><Link guid="{link}" originGUID="{linked}" targetGUID="{bare}"/></Links>
  <Description>Projectmemo uit QualCoder.</Description>
</Project>"""
QC_TEXT = (
    "I: Hoe is het met u?\n"
    "R: Sinds de verhuizing ken ik niemand. Alleen de buurman zegt soms gedag.\n"
)


def _qc_file(tmp_path: Path, year: str = "2021", crlf: bool = False) -> Path:
    def at(quote: str) -> tuple[int, int]:
        return QC_TEXT.index(quote), QC_TEXT.index(quote) + len(quote)

    (s1, e1), (s2, e2), (s3, e3) = at("Sinds de verhuizing"), at("de buurman"), at("ken ik")
    guids = {
        k: str(uuid.uuid4())
        for k in (
            "anna",
            "kim",
            "code",
            "src",
            "sel",
            "cod",
            "bare",
            "ann",
            "annsel",
            "linked",
            "link",
        )
    }
    xml = QC_PROJECT.format(**guids, s1=s1, e1=e1, s2=s2, e2=e2, s3=s3, e3=e3)
    xml = xml.replace("2021-01-15T23:37:54Z", f"{year}-01-15T23:37:54Z")
    path = tmp_path / "qc.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
        text = QC_TEXT.replace("\n", "\r\n") if crlf else QC_TEXT  # positions stay as counted
        zf.writestr(f"sources/{guids['src']}.txt", "\ufeff".encode() + text.encode())
    return path


@pytest.mark.parametrize("crlf", [False, True])
def test_qualcoder_notes_users_description_and_dates_are_kept(db, tmp_path, nlp, crlf):
    from workbench.store import get_setting

    report = import_qdpx(Project.for_user(db, ME), _qc_file(tmp_path, crlf=crlf), nlp=nlp)
    assert report.lossless, report.losses
    assert ("exchange.warn.crlf_one" in [w["key"] for w in report.warnings]) == crlf
    assert db.execute("SELECT text FROM codings").fetchall() == [("Sinds de verhuizing",)]
    assert db.execute("SELECT role FROM users WHERE name = 'kim'").fetchone() == ("system",)
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    memos = db.execute(
        "SELECT target_type, text, start_char, end_char FROM memos ORDER BY text"
    ).fetchall()
    as_text = {m[1]: (m[0], text[m[2] : m[3]] if m[2] is not None else None) for m in memos}
    # The annotation keeps its range; the note linked to a selection is about that text.
    assert as_text == {
        "Let op: hier begint het.": ("document", "ken ik"),
        "De buurman is belangrijk.": ("document", "de buurman"),
    }
    assert get_setting(db, "project_description") == "Projectmemo uit QualCoder."
    assert get_setting(db, "project_name") == "Buurtonderzoek"
    assert db.execute("SELECT created_at FROM documents").fetchone() == (
        "2021-01-15T23:37:54.000+00:00",
    )
    assert report.counts["words"] == 5 + 12  # the speaker labels are not words
    again = import_qdpx(
        Project.for_user(db, ME), _qc_file(tmp_path, crlf=crlf), nlp=nlp
    )  # new guids
    assert "memos" not in again.counts and "codings" not in again.counts


def test_a_date_with_a_huge_year_is_read_without_a_crash(db, tmp_path, nlp):
    report = import_qdpx(Project.for_user(db, ME), _qc_file(tmp_path, year="99999999999"), nlp=nlp)
    assert db.execute("SELECT created_at FROM documents").fetchone() == (None,)
    assert report.counts["documents"] == 1


def test_an_unknown_xml_encoding_is_a_clear_refusal(db, tmp_path, nlp):
    path = tmp_path / "e.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", b'<?xml version="1.0" encoding="x-klingon"?><Project name="p"/>')
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert err.value.key == "exchange.unknown_encoding"
    assert "x-klingon" in err.value.message("en")


# --- what the command line says --------------------------------------------------------------------


def test_cli_export_for_nvivo_and_import_summary_counts_words(rich, tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "n.qdpx"
    assert (
        main(
            [
                "export",
                "--project",
                str(tmp_path / "rich.db"),
                "--output",
                str(out),
                "--for",
                "nvivo",
                "--original-text",
            ]
        )
        == 0
    )
    assert "UTF-16" in capsys.readouterr().out
    fresh = tmp_path / "fresh.db"
    assert main(["--lang", "en", "import", str(out), "--project", str(fresh)]) == 0
    printed = capsys.readouterr().out
    words = sum(r[0] for r in open_project(fresh).execute("SELECT n_words FROM documents"))
    assert words > 0 and f"Words: {words}," in printed


def test_cli_refused_import_into_a_new_path_leaves_no_project(tmp_path, capsys):
    from workbench.cli import main

    bad = tmp_path / "kapot.qdpx"
    bad.write_bytes(b"geen zip")
    target = tmp_path / "nieuw.db"
    assert main(["import", str(bad), "--project", str(target)]) == 1
    assert not target.exists() and list(tmp_path.glob("nieuw.db*")) == []
    bad_codebook = tmp_path / "kapot.qdc"
    bad_codebook.write_text("<CodeBook", encoding="utf-8")
    assert main(["codebook", "import", str(bad_codebook), "--project", str(target)]) == 1
    assert list(tmp_path.glob("nieuw.db*")) == []
    assert "Fout:" in capsys.readouterr().err


@pytest.mark.slow
def test_a_source_of_one_paragraph_over_a_million_characters_is_imported(db, tmp_path, nlp):
    sentence = "Ik voel me soms alleen, vooral op zondag als niemand belt. "
    text = "R: " + sentence * (1_050_000 // len(sentence))
    start = text.index("alleen", 900_000)
    g = {k: str(uuid.uuid4()) for k in "usck"}
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="p" origin="MAXQDA 24"><Users><User guid="{g["u"]}" name="anna"/></Users>'
        f'<CodeBook><Codes><Code guid="{g["c"]}" name="Eenzaam" isCodable="true"/></Codes>'
        f'</CodeBook><Sources><TextSource guid="{g["s"]}" name="lang" '
        f'plainTextPath="internal://{g["s"]}.txt"><PlainTextSelection guid="{g["k"]}" '
        f'startPosition="{start}" endPosition="{start + 6}" creatingUser="{g["u"]}">'
        f'<Coding guid="{uuid.uuid4()}" creatingUser="{g["u"]}"><CodeRef '
        f'targetGUID="{g["c"]}"/></Coding></PlainTextSelection></TextSource></Sources>'
        f"</Project>"
    )
    path = tmp_path / "lang.qdpx"
    with zipfile.ZipFile(path, "w") as zf:  # stored: this repetitive text compresses like a bomb
        zf.writestr("project.qde", xml)
        zf.writestr(f"sources/{g['s']}.txt", text)
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert len(text) > 1_000_000 and report.counts["documents"] == 1
    assert db.execute("SELECT text, start_char FROM codings").fetchall() == [("alleen", start)]
    assert report.counts["words"] > 190_000


def test_a_codebook_with_an_unknown_xml_encoding_is_a_clear_refusal(db, tmp_path):
    from workbench.exchange import import_qdc

    path = tmp_path / "c.qdc"
    path.write_bytes(b'<?xml version="1.0" encoding="ebcdic-nl"?><CodeBook/>')
    with pytest.raises(InputError) as err:
        import_qdc(Project.for_user(db, ME), path)
    assert err.value.key == "exchange.unknown_encoding"
