"""What an export report says about its file: every count matches what the file holds, read
back independently, and what the file leaves out is named (suggestions, done marks, merged
codes, memos on codes, respondent notes, documents without codings)."""

from __future__ import annotations

import re
import zipfile

import pandas as pd

from built_once import copy_project
from test_exchange_export import pseudonymise_rene
from test_exchange_roundtrip import ME, rich  # noqa: F401 (the shared project fixture)
from workbench.codebook.editing import add_code, merge_codes
from workbench.codings import add_coding
from workbench.done_marks import mark_done
from workbench.exchange import (
    export_codings_table,
    export_project,
    export_qdc,
    export_qdpx,
    import_qdpx,
)
from workbench.exchange.safety import parse_xml
from workbench.handle import Project
from workbench.ingest import import_files
from workbench.privacy.key import KeyEntry, editing_key, key_path
from workbench.privacy.pseudonyms import replace_names
from workbench.respondents import update_respondent
from workbench.store import open_project


def _losses(report) -> dict[tuple[str, str], int]:
    return {(loss.kind, loss.reason): loss.count for loss in report.losses}


def test_table_counts_rows_by_status_and_names_the_coding_work_left_out(rich, tmp_path):
    researcher = Project.for_user(rich, ME)
    mark_done(researcher, None, coder="anna")  # both documents read in full by anna
    update_respondent(researcher, "R01", notes="Belt liever dan te mailen.", pseudonym="Truus")
    out = tmp_path / "codings.csv"
    report = export_codings_table(researcher, out, pseudonymise=False)
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert report.counts == {"codings": len(frame)} == {"codings": 7}
    losses = _losses(report)
    assert losses[("suggestion", "suggestions_not_chosen")] == 1
    assert losses[("rejected_suggestion", "suggestions_not_chosen")] == 1
    assert losses[("done_mark", "table_no_done_marks")] == 2
    assert losses[("respondent_notes", "table_flat")] == 1
    assert losses[("respondent_pseudonym", "table_flat")] == 1

    out = tmp_path / "codings.xlsx"
    report = export_codings_table(researcher, out, include_suggestions=True, pseudonymise=False)
    statuses = pd.read_excel(out, engine="openpyxl")["status"].value_counts().to_dict()
    assert statuses == {"accepted": 7, "suggested": 1, "rejected": 1}
    assert report.counts == {"codings": 7, "suggestions": 1, "rejected_suggestions": 1}
    assert ("suggestion", "suggestions_not_chosen") not in _losses(report)
    text = (tmp_path / "codings.xlsx.dataloss.txt").read_text(encoding="utf-8")
    assert "coderingen: 7, afgewezen suggesties: 1, suggesties: 1" in text


def test_qdpx_counts_users_codings_and_suggestions_as_the_file_holds_them(rich, tmp_path):
    researcher = Project.for_user(rich, ME)
    mark_done(researcher, None, coder="bram")
    out = tmp_path / "p.qdpx"
    report = export_qdpx(researcher, out, include_suggestions=True, pseudonymise=False)
    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), file="project.qde")
    users = {u.get("guid"): u.get("name") for u in root.iter("User")}
    by_user = [users[c.get("creatingUser")] for c in root.iter("Coding")]
    suggested = [u for u in by_user if u.endswith("(suggestie)")]
    assert report.counts["users"] == len(users) == 4  # onderzoeker, anna, bram, anna (suggestie)
    assert report.counts["codings"] == len(by_user) - len(suggested) == 7
    assert report.counts["suggestions"] == len(suggested) == 1
    assert report.counts["notes"] == len(list(root.iter("Note"))) == 6
    losses = _losses(report)
    assert losses[("done_mark", "no_refi_done_marks")] == 2
    assert losses[("rejected_suggestion", "rejected_not_exported")] == 1


def test_codebook_names_the_merged_code_and_the_memos_on_codes_it_leaves_out(rich, tmp_path):
    researcher = Project.for_user(rich, ME)
    merge_codes(researcher, "gedwongen", "verlies-woning", rationale="Te fijn verdeeld.")
    out = tmp_path / "codeboek.qdc"
    report = export_qdc(researcher, out)
    names = {c.get("name") for c in parse_xml(out.read_bytes(), file="qdc").iter("Code")}
    assert "Gedwongen verhuizing" not in names and report.counts["codes"] == len(names) == 4
    merged = next(loss for loss in report.losses if loss.reason == "merged_code_into")
    assert (merged.kind, merged.count) == ("code", 1)
    assert merged.examples == ["Gedwongen verhuizing → Verlies van woning"]
    assert _losses(report)[("memo", "qdc_codes_only")] == 1  # the fixture's memo on 'verlies'
    assert "samengevoegd" in (tmp_path / "codeboek.qdc.dataloss.txt").read_text(encoding="utf-8")


def test_table_names_documents_without_codings_under_their_pseudonym(rich, tmp_path, nlp):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "gesprek_René.txt").write_text(
        "I: Kent u René?\nR: Ja, René woont naast me.\n", encoding="utf-8"
    )
    import_files(Project.for_user(rich, ME), [folder / "gesprek_René.txt"], nlp=nlp)
    pseudonymise_rene(rich, tmp_path / "rich.db")
    out = tmp_path / "codings.csv"
    report = export_codings_table(Project.for_user(rich, ME), out)
    missing = next(loss for loss in report.losses if loss.reason == "table_no_codings")
    assert (missing.kind, missing.count, missing.examples) == ("source", 1, ["gesprek_[Naam 1]"])
    assert "gesprek_[Naam 1]" not in set(pd.read_csv(out, encoding="utf-8-sig")["document"])
    for written in (
        out,
        tmp_path / "codings.csv.dataloss.txt",
        tmp_path / "codings.csv.dataloss.json",
    ):
        assert "René" not in written.read_text(encoding="utf-8-sig")


def test_a_code_named_after_someone_leaves_pseudonymised_in_tables_and_reports(rich, tmp_path):
    pseudonymise_rene(rich, tmp_path / "rich.db")
    with editing_key(key_path(tmp_path / "rich.db")) as key:  # a name in no transcript
        key.entries["Ria"] = KeyEntry("Ria", "person", "accepted", "Lies")
    researcher = Project.for_user(rich, ME)
    slug = add_code(researcher, name="Steun van Ria", rationale="Nieuw.", brief="Hulp van Ria.")
    doc, start, end = rich.execute(
        "SELECT document_id, start_char, end_char FROM codings ORDER BY id"
    ).fetchone()
    add_coding(researcher, code=slug, document_id=doc, start_char=start, end_char=end)
    ria = re.compile(r"\bria\b", re.I)
    for name in ("t.csv", "t.xlsx", "t.qdpx"):
        out = tmp_path / name
        report = export_project(researcher, out, format=out.suffix[1:])
        if out.suffix != ".qdpx":
            frame = pd.read_excel(out) if out.suffix == ".xlsx" else pd.read_csv(out)
            assert "Steun van Lies" in set(frame["code_name"])
            assert not ria.search(frame.to_csv())
        else:
            assert any(
                "steun-van-lies" in e.lower() for loss in report.losses for e in loss.examples
            )
        for suffix in (".dataloss.txt", ".dataloss.json"):
            assert not ria.search(out.with_name(out.name + suffix).read_text(encoding="utf-8"))


def test_for_qualcoder_memos_in_descriptions_are_not_counted_as_notes(rich, tmp_path):
    out = tmp_path / "qc.qdpx"
    report = export_qdpx(Project.for_user(rich, ME), out, pseudonymise=False, target="qualcoder")
    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), file="project.qde")
    described = [
        d.text
        for element in (*root.iter("TextSource"), *root.iter("PlainTextSelection"))
        for d in element.findall("Description")
    ]
    assert described == ["Mooi interview.", "Twijfel hier."]  # the document and coding memo
    assert report.counts["memo_descriptions"] == len(described)
    assert report.counts["notes"] == len(list(root.iter("Note"))) == 4


def test_an_accented_name_is_replaced_in_the_code_id_that_drops_its_accent(rich, tmp_path):
    """A code "Hulp van Gül" is hulp-van-gul and "Hulp van Zoë" hulp-van-zoe. "zoe" is no word and
    goes anywhere; "gul" is one, so it goes only in the id of a code named after Gül: a code
    "Gul met tijd" keeps its id."""
    pseudonymise_rene(rich, tmp_path / "rich.db")
    with editing_key(key_path(tmp_path / "rich.db")) as key:  # names in no transcript
        key.entries["Gül"] = KeyEntry("Gül", "person", "accepted", "Lies")
        key.entries["Zoë"] = KeyEntry("Zoë", "person", "accepted", "Truus")
    researcher = Project.for_user(rich, ME)
    doc, start, end = rich.execute(
        "SELECT document_id, start_char, end_char FROM codings ORDER BY id"
    ).fetchone()
    for name in ("Hulp van Gül", "Hulp van Zoë", "Gul met tijd"):
        slug = add_code(researcher, name=name, rationale="Nieuw.")
        add_coding(researcher, code=slug, document_id=doc, start_char=start, end_char=end)
    for name in ("t.csv", "t.xlsx"):
        out = tmp_path / name
        export_codings_table(researcher, out)
        frame = pd.read_excel(out) if out.suffix == ".xlsx" else pd.read_csv(out)
        codes = dict(zip(frame["code"], frame["code_name"]))
        assert codes["hulp-van-Lies"] == "Hulp van Lies"
        assert codes["hulp-van-Truus"] == "Hulp van Truus"
        assert codes["gul-met-tijd"] == "Gul met tijd"
        assert not re.search(r"\bzo[eë]\b|\bgül\b|van-gul", frame.to_csv(), re.I)
    # elsewhere "zoe" is Zoë without her accents, "gul" the word
    assert replace_names(researcher, ["Zoe belde.", "Hij is gul."]) == [
        "Truus belde.",
        "Hij is gul.",
    ]


def test_suggestions_imported_from_our_qdpx_are_counted_as_suggestions(
    demo_template, new_project, tmp_path, nlp
):
    """The demo with suggestions added, exported with them ("NAME (suggestie)") and read
    into a new project: the import report counts what the new project holds, as the export
    did (it said "coderingen: 692" for 689 codings and 3 suggestions)."""
    demo = open_project(copy_project(demo_template, tmp_path / "demo.db"))
    try:
        other_code = "SELECT min(id) FROM codes WHERE active AND id != c.code_id"
        for document_id, start, end, code in demo.execute(
            f"SELECT document_id, start_char, end_char, ({other_code}) FROM codings c LIMIT 3"
        ).fetchall():
            add_coding(
                Project.for_user(demo, ME),
                code=code,
                document_id=document_id,
                start_char=start,
                end_char=end,
                origin="machine",
                status="suggested",
            )
        out = tmp_path / "demo.qdpx"
        sent = export_qdpx(
            Project.for_user(demo, ME), out, include_suggestions=True, pseudonymise=False
        )
    finally:
        demo.close()
    other = new_project(tmp_path / "other.db", codebooks=None)
    try:
        report = import_qdpx(Project.for_user(other, ME), out, nlp=nlp)
        held = dict(other.execute("SELECT status, count(*) FROM codings GROUP BY status"))
    finally:
        other.close()
    assert held["suggested"] > 0
    assert report.counts["codings"] == held["accepted"] == sent.counts["codings"]
    assert report.counts["suggestions"] == held["suggested"] == sent.counts["suggestions"]
    assert f"coderingen: {held['accepted']}," in report.text("nl")
    assert f"suggestions: {held['suggested']}" in report.text("en")
