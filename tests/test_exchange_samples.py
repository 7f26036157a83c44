"""Import of real vendor exports (../shared/refi/samples): ATLAS.ti 8.4, NVivo 12.6, a fixture."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from conftest import shared
from workbench.errors import InputError
from workbench.exchange import import_qdc, import_qdpx
from workbench.store import open_project
from workbench.handle import Project

ME = "onderzoeker"


def sample(name: str) -> Path:
    """A vendor export from ../shared/refi/samples (skipped on a clone without it)."""
    return shared("refi", "samples", name)


def counts(db) -> dict[str, int]:
    return {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("documents", "codes", "codings", "memos", "respondents")
    }


@pytest.fixture(scope="module")
def nvivo(tmp_path_factory, nlp):
    db = open_project(tmp_path_factory.mktemp("nvivo") / "p.db")
    report = import_qdpx(Project.for_user(db, ME), sample("nvivo-12.6-oltas0517.qdpx"), nlp=nlp)
    yield db, report
    db.close()


@pytest.mark.slow
def test_nvivo_project_has_two_sources_152_codes_303_codings(nvivo):
    db, report = nvivo
    assert counts(db)["documents"] == 2
    assert counts(db)["codes"] == 152
    assert counts(db)["codings"] == 303
    assert report.counts["codings"] == 303


def _raw_spans() -> list[tuple[str, str]]:
    """(source guid, text) of every coded span, read straight from the NVivo file.

    NVivo counts UTF-16 units into its .txt (without the byte order mark, CRLF as two);
    this reads them independently of the importer's own mapping.
    """
    with zipfile.ZipFile(sample("nvivo-12.6-oltas0517.qdpx")) as zf:
        xml = zf.read("project.qde").decode("utf-8")
        spans = []
        for part in re.split(r"<TextSource ", xml)[1:]:
            guid = re.search(r'guid="([^"]+)"', part).group(1)
            raw = zf.read(f"Sources/{guid}.txt").decode("utf-8-sig")
            units = raw.encode("utf-16-le")
            for a, b in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', part):
                span = units[int(a) * 2 : int(b) * 2].decode("utf-16-le")
                spans.append((guid, span))
    return spans


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.slow
def test_nvivo_coded_spans_match_the_source_text(nvivo):
    db, _ = nvivo
    for text, doc_text, start, end in db.execute(
        "SELECT c.text, d.text, c.start_char, c.end_char FROM codings c "
        "JOIN documents d ON d.id = c.document_id"
    ):
        assert text == doc_text[start:end]
    stored = sorted(_clean(r[0]) for r in db.execute("SELECT text FROM codings"))
    expected = sorted(_clean(span) for _, span in _raw_spans())
    assert len(expected) == 303
    assert stored == expected


@pytest.mark.slow
def test_nvivo_coders_become_users_and_utf16_offsets_are_reported(nvivo):
    db, report = nvivo
    coders = {r[0] for r in db.execute("SELECT DISTINCT coder FROM codings")}
    assert coders <= {"Gergo", "floriansipos"} and coders
    assert any(w["key"] == "exchange.warn.utf16_offsets" for w in report.warnings)


def test_atlasti_project_imports_codes_notes_and_reports_what_is_missing(db, nlp):
    report = import_qdpx(Project.for_user(db, ME), sample("atlasti-8.4-TestProject.qdpx"), nlp=nlp)
    assert counts(db)["codes"] == 14
    assert counts(db)["memos"] == 2
    lost = {loss.kind for loss in report.losses}
    assert {"picture", "video", "audio", "set", "graph", "pdf_coding", "source"} <= lost
    names = {r[0] for r in db.execute("SELECT name FROM codes")}
    assert '"rushed"' in names and "Coke::diet Coke" in names


def test_atlasti_report_names_the_note_and_counts_codings_as_codings(db, nlp):
    """The lost link names the note as ATLAS.ti does (it showed the note's GUID); the one
    picture quotation with two codes is "2 × coding in a picture" (it said "2 × picture
    selection"), the uncoded video quotation is counted apart from the coded one."""
    report = import_qdpx(Project.for_user(db, ME), sample("atlasti-8.4-TestProject.qdpx"), nlp=nlp)
    lost = {(loss.kind, loss.reason): (loss.count, loss.examples) for loss in report.losses}
    assert lost[("link", "link_target_not_imported")] == (1, ["My favorite Coke ad"])
    assert lost[("picture_coding", "media_not_supported")][0] == 2
    assert lost[("pdf_coding", "pdf_area")][0] == 2  # two areas are also text selections
    assert lost[("video_coding", "media_not_supported")][0] == 1
    assert lost[("video_selection", "media_not_supported")][0] == 1
    assert not [k for k in lost if k[0] == "picture_selection"]
    text = report.text("en")
    assert "2 × coding in a picture." in text and "2 × coding on a PDF area." in text


def test_nvivo_code_descriptions_keep_their_list_indentation_through_a_qdc(db, tmp_path):
    """NVivo's codebook written as a .qdc keeps the tab before each bullet (a .qdc import
    trimmed every line); a pretty-printed .qdc still loses the indentation around its text."""
    with zipfile.ZipFile(sample("nvivo-12.6-oltas0517.qdpx")) as zf:
        xml = zf.read("project.qde").decode("utf-8")
    book = xml[xml.index("<CodeBook>") : xml.index("</CodeBook>") + len("</CodeBook>")]
    book = book.replace("<CodeBook>", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">', 1)
    path = tmp_path / "nvivo.qdc"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>' + book, encoding="utf-8")
    import_qdc(Project.for_user(db, ME), path)
    listed = [r[0] for r in db.execute("SELECT definition FROM codes WHERE definition LIKE '%•%'")]
    assert listed and all("\n\t•\t" in d for d in listed)
    fresh = open_project(tmp_path / "pretty.db")
    import_qdc(Project.for_user(fresh, ME), sample("example-codebook-nonuuid.qdc"))
    definitions = [r[0] for r in fresh.execute("SELECT definition FROM codes") if r[0]]
    assert definitions and all(d == d.strip() and "\n" not in d for d in definitions)


def hand_authored_qdpx(tmp_path: Path) -> Path:
    folder = sample("hand-authored")
    out = tmp_path / "hand-authored.qdpx"
    with zipfile.ZipFile(out, "w") as zf:
        zf.write(folder / "project.qde", "project.qde")
        for f in (folder / "sources").iterdir():
            zf.write(f, f"sources/{f.name}")  # lower-case folder, as MAXQDA writes it
    return out


def test_hand_authored_fixture_brings_cases_variables_and_overlapping_codings(db, tmp_path, nlp):
    report = import_qdpx(Project.for_user(db, ME), hand_authored_qdpx(tmp_path), nlp=nlp)
    rows = db.execute(
        "SELECT c.text, k.name FROM codings c JOIN codes k ON k.id = c.code_id "
        "ORDER BY c.start_char"
    ).fetchall()
    assert rows == [("Diet and health", "Health"), ("health are clo", "Diet")]
    assert db.execute("SELECT name, type FROM attributes ORDER BY name").fetchall() == [
        ("Age", "number"),
        ("Consented", "boolean"),
    ]
    assert db.execute(
        "SELECT r.code, v.attribute, v.value FROM attribute_values v JOIN "
        "respondents r ON r.id = v.respondent_id ORDER BY 2"
    ).fetchall() == [("Participant 1", "Age", "34"), ("Participant 1", "Consented", "true")]
    linked = db.execute(
        "SELECT r.code FROM documents d JOIN respondents r ON r.id = d.respondent_id"
    ).fetchall()
    assert linked == [("Participant 1",)]
    assert {"picture", "pdf_coding", "audio", "video", "set", "graph"} <= {
        loss.kind for loss in report.losses
    }
    coder = db.execute("SELECT DISTINCT coder FROM codings").fetchall()
    assert coder == [("Researcher A",)]


def test_codebook_with_non_uuid_guids_imports_with_a_warning(db):
    report = import_qdc(Project.for_user(db, ME), sample("example-codebook-nonuuid.qdc"))
    assert [w["key"] for w in report.warnings] == ["exchange.warn.non_uuid"]
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] == report.counts["codes"] > 10
    assert db.execute("SELECT count(*) FROM codes WHERE parent_id IS NOT NULL").fetchone()[0] > 0


def test_malformed_codebook_gives_a_clear_error_and_writes_nothing(db):
    with pytest.raises(InputError) as err:
        import_qdc(Project.for_user(db, ME), sample("example-codebook-malformed.qdc"))
    assert err.value.key == "exchange.xml_malformed"
    assert "example-codebook-malformed.qdc" in err.value.message("en")
    assert "line" in err.value.message("en")
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] == 0


def test_reexport_keeps_the_guids_of_coders_cases_and_variables(db, tmp_path, nlp):
    from workbench.exchange import export_qdpx
    from workbench.exchange.safety import parse_xml

    import_qdpx(Project.for_user(db, ME), hand_authored_qdpx(tmp_path), nlp=nlp)
    export_qdpx(Project.for_user(db, ME), tmp_path / "again.qdpx")
    with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
        root = parse_xml(zf.read("project.qde"), file="project.qde")
    users = {u.get("name"): u.get("guid") for u in root.iter("User")}
    assert users["Researcher A"] == "10000000-0000-0000-0000-000000000001"
    assert [c.get("guid") for c in root.iter("Case")] == ["d0000000-0000-0000-0000-000000000001"]
    assert sorted(v.get("guid") for v in root.iter("Variable")) == [
        "30000000-0000-0000-0000-000000000001",
        "30000000-0000-0000-0000-000000000002",
    ]
    codings = [c.get("creatingUser") for c in root.iter("Coding")]
    assert codings == ["10000000-0000-0000-0000-000000000001"] * 2


@pytest.mark.slow
def test_nvivo_project_goes_back_for_nvivo_and_returns_unchanged(nvivo, tmp_path, nlp):
    from workbench.exchange import export_qdpx

    db, _ = nvivo
    out = tmp_path / "terug.qdpx"
    export_qdpx(Project.for_user(db, ME), out, pseudonymise=False, target="nvivo")
    fresh = open_project(tmp_path / "fresh.db")
    report = import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    query = (
        "SELECT d.name, c.text, k.name, c.coder FROM codings c "
        "JOIN documents d ON d.id = c.document_id JOIN codes k ON k.id = c.code_id"
    )
    assert sorted(fresh.execute(query).fetchall()) == sorted(db.execute(query).fetchall())
    assert report.counts["codings"] == 303
    # NVivo's users, also those without codings, are there in both projects.
    assert {r[0] for r in fresh.execute("SELECT name FROM users")} >= {
        r[0] for r in db.execute("SELECT name FROM users WHERE role = 'system'")
    }


def _selection_guids(path: Path, *, valid: bool = True) -> list[str]:
    """The guids of the text selections of a .qdpx (its sources' own, not notes'), sorted."""
    from workbench.exchange.ids import schema_errors
    from workbench.exchange.safety import parse_xml

    with zipfile.ZipFile(path) as zf:
        data = zf.read(next(n for n in zf.namelist() if n.lower().endswith(".qde")))
    assert not valid or schema_errors("Project", data) == []
    root = parse_xml(data, file=path.name)
    return sorted(
        s.get("guid").lower()
        for source in root.iter("TextSource")
        for s in source.findall("PlainTextSelection")
    )


def test_hand_authored_selections_come_back_with_their_guids(db, tmp_path, nlp):
    from workbench.exchange import export_qdpx

    original = hand_authored_qdpx(tmp_path)
    import_qdpx(Project.for_user(db, ME), original, nlp=nlp)
    first, second = tmp_path / "terug.qdpx", tmp_path / "nog-eens.qdpx"
    export_qdpx(Project.for_user(db, ME), first, pseudonymise=False)
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), first, nlp=nlp)
    export_qdpx(Project.for_user(fresh, ME), second, pseudonymise=False)
    expected = _selection_guids(original, valid=False)
    assert len(expected) == 2
    assert _selection_guids(first) == _selection_guids(second) == expected


@pytest.mark.slow
def test_nvivo_selections_go_back_to_nvivo_with_their_guids(nvivo, tmp_path):
    from workbench.exchange import export_qdpx

    db, _ = nvivo
    out = tmp_path / "terug.qdpx"
    export_qdpx(Project.for_user(db, ME), out, pseudonymise=False, target="nvivo")
    expected = _selection_guids(sample("nvivo-12.6-oltas0517.qdpx"), valid=False)
    assert len(expected) == 303  # one coder's selections of one span stay apart, as in NVivo
    assert _selection_guids(out) == expected


def test_codebook_imported_again_after_merges_follows_them_instead_of_failing(db):
    """Re-reading a vendor codebook after merging some of its codes (Rage into Anger, Anger
    into Fear) used to stop with sqlite3.IntegrityError; the merged codes stay merged."""
    from workbench.codebook.editing import merge_codes

    me = Project.for_user(db, ME)
    import_qdc(me, sample("example-codebook-nonuuid.qdc"))
    merge_codes(me, "rage", "anger", rationale="zelfde")
    merge_codes(me, "anger", "fear", rationale="zelfde")
    report = import_qdc(me, sample("example-codebook-nonuuid.qdc"))
    assert db.execute("SELECT count(*), sum(active) FROM codes").fetchone() == (44, 42)
    assert report.counts == {"codes_matched": 44}
    merged = {(w["params"]["code"], w["params"]["into"]) for w in report.warnings[1:]}
    assert merged == {("Rage", "Fear"), ("Anger", "Fear")}


def test_vendor_project_coded_before_a_merge_comes_back_onto_the_merged_code(db, tmp_path, nlp):
    """The hand-authored sample, exported, then Diet merged into Health; the export (a
    colleague's copy from before the merge) imported again lands on Health."""
    from workbench.codebook.editing import merge_codes
    from workbench.exchange import export_qdpx

    me = Project.for_user(db, ME)
    import_qdpx(me, hand_authored_qdpx(tmp_path), nlp=nlp)
    export_qdpx(me, tmp_path / "collega.qdpx", pseudonymise=False)
    merge_codes(me, "diet", "health", rationale="te fijn")
    report = import_qdpx(me, tmp_path / "collega.qdpx", nlp=nlp)
    assert db.execute(
        "SELECT c.text, k.name FROM codings c JOIN codes k ON k.id = c.code_id "
        "ORDER BY c.start_char"
    ).fetchall() == [("Diet and health", "Health"), ("health are clo", "Health")]
    assert db.execute("SELECT count(*) FROM codes WHERE active = 1").fetchone() == (3,)
    assert report.counts["codings_matched"] == 2 and "codings" not in report.counts
    assert [w["params"] for w in report.warnings if w["key"] == "exchange.warn.code_merged"] == [
        {"code": "Diet", "into": "Health"}
    ]


def test_atlasti_quotation_comments_in_unreadable_sources_are_reported(db, nlp):
    """The ATLAS.ti sample ships without its text files: the two quotation comments (on
    Mabêl 2ième.txt and Simon.docx) cannot become memos, and the report used to be silent."""
    report = import_qdpx(Project.for_user(db, ME), sample("atlasti-8.4-TestProject.qdpx"), nlp=nlp)
    memo = [loss for loss in report.losses if loss.kind == "memo"]
    assert [(m.reason, m.count, m.examples) for m in memo] == [
        ("source_not_read", 2, ["Mabêl 2ième.txt", "Simon.docx"])  # composed, as we keep names
    ]


def test_atlasti_codings_left_behind_are_counted_once_each(db, nlp):
    """ATLAS.ti writes a PDF quotation that has text twice with one guid: as an area
    (PDFSelection) and as a selection of the PDF's text (PlainTextSelection), each with
    its own Coding. Recounted from the file with the standard library: every (quotation,
    code) once. Before, the report counted both copies (16 codings left behind, not 14)."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(sample("atlasti-8.4-TestProject.qdpx")) as zf:
        root = ElementTree.fromstring(zf.read("Project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    pairs = {
        (selection.get("guid"), ref.get("targetGUID"))
        for selection in root.iter()
        for coding in selection.findall(f"{ns}Coding")
        for ref in coding.findall(f"{ns}CodeRef")
    }
    assert len(pairs) == 14 and sum(1 for _ in root.iter(f"{ns}Coding")) == 16
    report = import_qdpx(Project.for_user(db, ME), sample("atlasti-8.4-TestProject.qdpx"), nlp=nlp)
    left = sum(loss.count for loss in report.losses if loss.kind.endswith("coding"))
    assert counts(db)["codings"] == 0 and left == len(pairs)
