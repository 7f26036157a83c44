"""Export a rich project to REFI-QDA and read it back: nothing of substance may change."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import shared
from workbench.accounts import add_user
from workbench.codings import add_coding, decide
from workbench.exchange import export_qdc, export_qdpx, import_qdc, import_qdpx
from workbench.exchange.ids import SCHEMAS, schema_errors
from workbench.handle import Project
from workbench.ingest import import_files
from workbench.memos import add_memo
from workbench.respondents import define_attribute, ensure_respondent, link_document, set_value
from workbench.store import now, open_project
from workbench.handle import Project

ME = "onderzoeker"
# Fictional interview fragments written for these tests (non-ASCII on purpose).
R01 = (
    "I: Hoe was het na de verhuizing?\n"
    "R: Ik voelde me ‘alleen’, echt alleen 😊. Café De Kroon ging dicht.\n"
    "I: En uw buren?\n"
    "R: Die groeten niet meer. Ik schaam me een beetje, ëcht waar. Dat zeg ik niet snel.\r\n"
)
R02 = (
    "I: Wat geeft u energie?\n"
    "R: Mijn hond 🐕 en de tuin. Zonder René was ik allang weg geweest.\n"
    "I: Wie is René?\n"
    "R: Een buurman die boodschappen doet. Hij is goud waard.\n"
)


def _code(db, slug: str, name: str, parent: int | None, color: str, definition: str) -> int:
    book = db.execute("SELECT id FROM codebooks").fetchone()
    if book is None:
        db["codebooks"].insert({"name": "Test", "version": "1", "created_at": now()})
        book = db.execute("SELECT id FROM codebooks").fetchone()
    return int(
        db["codes"]
        .insert(
            {
                "codebook_id": book[0],
                "slug": slug,
                "name": name,
                "parent_id": parent,
                "color": color,
                "definition": definition,
                "guid": None,
            }
        )
        .last_pk
    )


def _span(db, doc: int, quote: str) -> tuple[int, int]:
    text = db.execute("SELECT text FROM documents WHERE id = ?", [doc]).fetchone()[0]
    start = text.index(quote)
    return start, start + len(quote)


def build_project(path: Path, tmp: Path, nlp) -> object:
    db = open_project(path)
    for name in ("anna", "bram"):
        add_user(Project.for_user(db, ME), name, role="onderzoeker")
    files = []
    for name, text in (("interview_r01.txt", R01), ("interview_r02.txt", R02)):
        (tmp / name).write_bytes(text.encode("utf-8"))
        files.append(tmp / name)
    report = import_files(Project.for_user(db, ME), files, nlp=nlp)
    assert report.failed == [] if hasattr(report, "failed") else True
    doc1, doc2 = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
    verlies = _code(db, "verlies", "Verlies", None, "#aa3355", "Iets of iemand kwijtraken.")
    woning = _code(
        db, "verlies-woning", "Verlies van woning", verlies, "#bb4466", "Verhuizen, het huis kwijt."
    )
    _code(db, "gedwongen", "Gedwongen verhuizing", woning, "#cc5577", "Niet zelf gekozen.")
    _code(db, "schaamte", "Schaamte", None, "#336699", "Zich schamen, niet durven vragen.")
    _code(db, "brugfiguren", "Brugfiguren", None, "#3a7", "Iemand die verbindt.")
    researcher = Project.for_user(db, ME)
    for code, rid in (("R01", doc1), ("R02", doc2)):
        ensure_respondent(researcher, code)
        link_document(researcher, rid, code)
    for name, type_ in (
        ("leeftijd", "number"),
        ("woonvorm", "text"),
        ("alleenstaand", "boolean"),
        ("interviewdatum", "date"),
        ("inkomen", "number"),
    ):
        define_attribute(researcher, name, type_)
    for code, values in (
        ("R01", (71, "huurflat", "ja", "2024-03-01", 1250.5)),
        ("R02", (64, "eengezinswoning", "nee", "2024-04-12", 980)),
    ):
        for name, value in zip(
            ("leeftijd", "woonvorm", "alleenstaand", "interviewdatum", "inkomen"), values
        ):
            set_value(researcher, code, name, value)
    a = _span(db, doc1, "Ik voelde me ‘alleen’, echt alleen 😊.")
    b = _span(db, doc1, "echt alleen 😊. Café De Kroon ging dicht.")
    c = _span(db, doc1, "Ik schaam me een beetje, ëcht waar.")
    d = _span(db, doc2, "Een buurman die boodschappen doet.")
    for coder, code, span, doc in (
        ("anna", "verlies-woning", a, doc1),
        ("bram", "verlies-woning", a, doc1),
        ("bram", "gedwongen", b, doc1),
        ("anna", "schaamte", c, doc1),
        ("bram", "schaamte", c, doc1),
        ("anna", "brugfiguren", d, doc2),
    ):
        add_coding(
            Project.for_user(db, coder),
            code=code,
            document_id=doc,
            start_char=span[0],
            end_char=span[1],
        )
    mid = _span(db, doc2, "oodschappen")  # a free span inside a word, after an emoji
    add_coding(
        Project.for_user(db, "anna"),
        code="brugfiguren",
        document_id=doc2,
        start_char=mid[0],
        end_char=mid[1],
    )
    add_coding(
        Project.for_user(db, ME),
        coder="anna",
        code="verlies",
        document_id=doc2,
        start_char=d[0],
        end_char=d[1],
        origin="machine",
        score=0.8,
    )
    rejected = add_coding(
        Project.for_user(db, ME),
        coder="bram",
        code="verlies",
        document_id=doc2,
        start_char=d[0],
        end_char=d[1],
        origin="machine",
        score=0.4,
    )
    decide(Project.for_user(db, ME), rejected, "rejected")
    seg = db.execute(
        "SELECT id FROM segments WHERE document_id = ? ORDER BY position", [doc2]
    ).fetchone()[0]
    coding = db.execute(
        "SELECT id FROM codings WHERE coder = 'anna' AND status = 'accepted' ORDER BY id"
    ).fetchone()[0]
    for target_type, target_id, text in (
        ("project", None, "Projectmemo: let op schaamte 😊"),
        ("document", doc1, "Mooi interview."),
        ("code", verlies, "Definitie nog scherper maken."),
        ("coding", coding, "Twijfel hier."),
        ("segment", seg, "Energie uit dieren."),
        ("respondent", 1, "R01 woont alleen."),
    ):
        add_memo(
            Project.for_user(db, "anna"),
            target_type=target_type,
            target_id=target_id,
            text=text,
            title=f"Memo {target_type}",
        )
    return db


@pytest.fixture
def rich(tmp_path, nlp):
    folder = tmp_path / "in"
    folder.mkdir()
    db = build_project(tmp_path / "rich.db", folder, nlp)
    yield db
    db.close()


def snapshot(db) -> dict:
    """Everything a round trip must keep, keyed by names rather than ids."""
    codes = {r["id"]: r for r in db.query("SELECT * FROM codes")}
    name = lambda cid: codes[cid]["name"] if cid else None  # noqa: E731
    docs = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM documents")}
    return {
        "documents": sorted(
            db.execute(
                "SELECT d.name, d.text, r.code FROM documents d "
                "LEFT JOIN respondents r ON r.id = d.respondent_id"
            ).fetchall()
        ),
        "codes": sorted(
            (c["name"], name(c["parent_id"]), c["color"], c["definition"]) for c in codes.values()
        ),
        "codings": sorted(
            (
                docs[r["document_id"]],
                r["start_char"],
                r["end_char"],
                r["text"],
                name(r["code_id"]),
                r["coder"],
                r["status"],
                r["origin"],
            )
            for r in db.query("SELECT * FROM codings WHERE status = 'accepted'")
        ),
        "coders": sorted({r[0] for r in db.execute("SELECT coder FROM codings")}),
        "attributes": sorted(db.execute("SELECT name, type FROM attributes").fetchall()),
        "values": sorted(
            db.execute(
                "SELECT r.code, v.attribute, v.value FROM attribute_values v "
                "JOIN respondents r ON r.id = v.respondent_id"
            ).fetchall()
        ),
        "memos": sorted(
            (m["target_type"], m["text"], m["author"], m["title"])
            for m in db.query("SELECT * FROM memos")
        ),
    }


def test_qdpx_round_trip_keeps_documents_offsets_codes_codings_coders_attributes(
    rich, tmp_path, nlp
):
    out = tmp_path / "export.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False)
    fresh = open_project(tmp_path / "fresh.db")
    report = import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    assert snapshot(fresh) == snapshot(rich)
    assert report.counts["codings"] == 7


def test_exported_project_validates_against_project_xsd(rich, tmp_path):
    out = tmp_path / "export.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, include_suggestions=True)
    with zipfile.ZipFile(out) as zf:
        assert schema_errors("Project", zf.read("project.qde")) == []
        names = zf.namelist()
    assert len([n for n in names if n.startswith("sources/") and n.endswith(".txt")]) == 2


@pytest.mark.parametrize("name", ["Project.xsd", "Codebook.xsd"])
def test_the_schemas_exports_are_checked_against_are_the_official_ones(name):
    """Every export validates against the copies in workbench/exchange/schemas: they must be
    the REFI-QDA schemas in ../shared/refi/schemas, byte for byte."""
    assert (SCHEMAS / name).read_bytes() == shared("refi", "schemas", name).read_bytes()


def test_export_has_one_coding_per_coder_with_creating_user(rich, tmp_path):
    out = tmp_path / "export.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False)
    from workbench.exchange.safety import parse_xml

    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), file="project.qde")
    users = {u.get("guid"): u.get("name") for u in root.iter("User")}
    coders = [users[c.get("creatingUser")] for c in root.iter("Coding")]
    assert sorted(coders) == ["anna"] * 4 + ["bram"] * 3
    for selection in root.iter("PlainTextSelection"):
        assert all(
            c.get("creatingUser") == selection.get("creatingUser") for c in selection.iter("Coding")
        )


def test_suggestions_are_exported_only_when_asked_under_their_own_user(rich, tmp_path, nlp):
    out = tmp_path / "with.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, include_suggestions=True, pseudonymise=False)
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    rows = fresh.execute("SELECT coder, status, origin FROM codings WHERE status != 'accepted'")
    assert rows.fetchall() == [("anna", "suggested", "machine")]


def test_export_report_names_rejected_and_left_out_suggestions(rich, tmp_path):
    out = tmp_path / "export.qdpx"
    report = export_qdpx(Project.for_user(rich, ME), out)
    kinds = {loss.kind: loss.count for loss in report.losses}
    assert kinds["rejected_suggestion"] == 1 and kinds["suggestion"] == 1
    assert (tmp_path / "export.qdpx.dataloss.txt").read_text(encoding="utf-8").count("\n") > 2
    assert (tmp_path / "export.qdpx.dataloss.json").exists()


def test_export_guids_are_stable_between_exports(rich, tmp_path):
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_qdpx(Project.for_user(rich, ME), first)
    export_qdpx(Project.for_user(rich, ME), second)
    from workbench.exchange.safety import parse_xml

    guids = []
    for path in (first, second):
        with zipfile.ZipFile(path) as zf:
            root = parse_xml(zf.read("project.qde"), file=path.name)
        guids.append(sorted(e.get("guid") for e in root.iter() if e.get("guid")))
    assert guids[0] == guids[1]


def test_codebook_round_trip_through_qdc(rich, tmp_path):
    out = tmp_path / "codes.qdc"
    export_qdc(Project.for_user(rich, ME), out)
    assert schema_errors("Codebook", out.read_bytes()) == []
    fresh = open_project(tmp_path / "fresh.db")
    import_qdc(Project.for_user(fresh, ME), out)
    assert snapshot(fresh)["codes"] == snapshot(rich)["codes"]


def test_reimporting_the_same_export_adds_nothing(rich, tmp_path, nlp):
    out = tmp_path / "export.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False)
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    before = snapshot(fresh)
    again = import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    assert snapshot(fresh) == before
    # The report says so: everything was already there, nothing is counted as new.
    assert again.counts.get("documents_matched") == 2
    assert again.counts["codings_matched"] >= len(before["codings"]) > 0
    assert again.counts["respondents_matched"] > 0
    new = {"documents", "codings", "respondents", "attribute_values", "codes", "memos"}
    assert not new & set(again.counts), again.counts


def test_reimport_keeps_the_projects_own_document_links(rich, tmp_path, nlp):
    out = tmp_path / "export.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False)
    link_document(Project.for_user(rich, ME), 1, "R02")
    report = import_qdpx(Project.for_user(rich, ME), out, nlp=nlp)
    assert rich.execute(
        "SELECT r.code FROM documents d JOIN respondents r ON r.id = d.respondent_id WHERE d.id = 1"
    ).fetchone() == ("R02",)
    assert ("case_link", "kept_existing_link") in [(l.kind, l.reason) for l in report.losses]


def test_an_export_from_before_a_merge_does_not_bring_the_merged_code_back(rich, tmp_path, nlp):
    """Codes without a stored guid (like the shipped codebooks') are exported under a guid
    derived from their id. Merged afterwards, the import of that export used to add the code
    again ('verlies-woning-2') and put its codings back on it: the merge silently undone."""
    from workbench.codebook.editing import merge_codes

    me = Project.for_user(rich, ME)
    out = tmp_path / "voor-de-samenvoeging.qdpx"
    export_qdpx(me, out, pseudonymise=False)
    merge_codes(me, "verlies-woning", "verlies", rationale="te fijn")
    before = snapshot(rich)
    report = import_qdpx(me, out, nlp=nlp)
    assert snapshot(rich) == before
    assert "codes" not in report.counts and "codings" not in report.counts
    assert [w["params"] for w in report.warnings if w["key"] == "exchange.warn.code_merged"] == [
        {"code": "Verlies van woning", "into": "Verlies"}
    ]


def test_export_report_names_the_origin_of_accepted_suggestions_it_cannot_keep(rich, tmp_path, nlp):
    # REFI-QDA has no place for "the computer proposed this": an accepted suggestion comes
    # back as a coding the coder made by hand, so the report has to say so.
    suggestion = rich.execute("SELECT id FROM codings WHERE status = 'suggested'").fetchone()[0]
    decide(Project.for_user(rich, ME), suggestion, "accepted")
    out = tmp_path / "export.qdpx"
    report = export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, lang="nl")
    lost = {loss.kind: (loss.count, loss.examples) for loss in report.losses}
    assert lost["accepted_suggestion"] == (1, ["verlies"])
    text = (tmp_path / "export.qdpx.dataloss.txt").read_text(encoding="utf-8")
    assert "1 × herkomst en score van een geaccepteerde suggestie" in text
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    back = fresh.execute(
        "SELECT c.origin FROM codings c JOIN codes k ON k.id = c.code_id "
        "WHERE c.coder = 'anna' AND k.slug = 'verlies'"
    ).fetchall()
    assert back == [("human",)]  # the limit the report names


def test_export_report_names_the_english_code_name_among_the_fields_left_behind(rich, tmp_path):
    rich.execute("UPDATE codes SET name_en = 'Shame' WHERE slug = 'schaamte'")
    rich.conn.commit()
    out = tmp_path / "export.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, lang="en")
    text = (tmp_path / "export.qdpx.dataloss.txt").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "code guidance" in line)
    assert "English name" in line and "schaamte" in line


def test_export_report_names_the_codebook_details_and_roles_once(rich, tmp_path, nlp):
    """REFI-QDA keeps neither the codebook's name, version and description nor a coder's
    role; both used to be dropped without a word in the report."""
    from workbench.accounts import set_role

    rich.execute("UPDATE codebooks SET version = '3', description = 'Na de pilot.'")
    rich.conn.commit()
    set_role(Project.for_user(rich, ME), "bram", "supervisor")
    out = tmp_path / "export.qdpx"
    report = export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, lang="nl")
    lost = {loss.kind: (loss.count, loss.examples) for loss in report.losses}
    assert lost["codebook_details"] == (1, ["Test"])
    assert lost["user_role"] == (1, ["bram: supervisor"])  # anna keeps the default role
    text = (tmp_path / "export.qdpx.dataloss.txt").read_text(encoding="utf-8")
    assert "1 × naam, versie en beschrijving van het codeboek" in text
    assert "1 × rol van een codeur" in text and "niet inloggen" in text
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), out, nlp=nlp)
    assert fresh.execute("SELECT role FROM users WHERE name = 'bram'").fetchone() == ("system",)
    assert fresh.execute("SELECT version, description FROM codebooks").fetchall() != [
        ("3", "Na de pilot.")
    ]  # the limits the report names
