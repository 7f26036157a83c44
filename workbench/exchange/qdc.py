"""REFI-QDA codebooks (``.qdc``): export valid against Codebook.xsd, forgiving import.

Export writes every active code with its hierarchy, colour and definition (as Description).
Import accepts what hand-made files do (non-UUID guids such as ``c001``, a wrong or missing
namespace) with a warning, and refuses malformed XML or entity declarations with a clear
error before anything is written.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from workbench import __version__, events
from workbench.codebook.model import check_code_count
from workbench.codebook.views import merged_away
from workbench.errors import InputError
from workbench.exchange import gather, ids
from workbench.exchange.codes import upsert_codes
from workbench.exchange.files import write_bytes_atomically
from workbench.exchange.model import RefiCode
from workbench.exchange.pseudo import free_text
from workbench.exchange.qdpx_export import (
    LOST_CODE_FIELDS,
    _color,
    code_guid,
    shown_slugs,
    xml_text,
)
from workbench.exchange.report import ExchangeReport
from workbench.handle import Project
from workbench.exchange.files import description_of, name_of, read_xml
from workbench.privacy.pseudonyms import replace_names, require_codebook_pseudonymised
from workbench.store import record_event, transaction
from workbench.zipguard import MAX_MEMBER_BYTES

NS = ids.CODEBOOK_NS


def _codebook_xml(
    project: Project, report: ExchangeReport, *, codebook: str | None = None
) -> bytes:
    """The ``.qdc`` bytes for all active codes (or those of one codebook), schema-checked."""
    db = project.db
    every = gather.codes(project)
    if codebook is not None:
        book = db.execute("SELECT id FROM codebooks WHERE name = ?", [codebook]).fetchone()
        every = [c for c in every if book and c["codebook_id"] == book[0]]
    codes = [c for c in every if c["active"]]
    # Said here, with where their codings went, and not again under the CLI's export line.
    for code, into in merged_away(project, codebook):
        report.lose("code", "merged_code_into", f"{code} → {into}" if into else code)
    exported = {c["id"] for c in codes}
    memos = [
        m
        for m in gather.memos(project)
        if m["target_type"] == "code" and m["target_id"] in exported
    ]
    if memos:  # a codebook holds codes only; a whole project (.qdpx) takes them along
        report.lose("memo", "qdc_codes_only", count=len(memos))
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}CodeBook", {"origin": f"{ids.ORIGIN} {__version__}"})
    holder = ET.SubElement(root, f"{{{NS}}}Codes")
    kept = {c["id"] for c in codes}
    slugs = shown_slugs(project, codes)  # guids from ids with the names replaced
    children: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for c in codes:
        children[c["parent_id"] if c["parent_id"] in kept else None].append(c)

    def add(parent: ET.Element, code: dict[str, Any]) -> None:
        # a codebook leaves the project: accepted names are replaced in it like in any export
        name, description = replace_names(
            project, [code["name"], code.get("definition") or code.get("brief")]
        )
        attrs = {
            "guid": code_guid(code, slugs[code["slug"]]),
            "name": xml_text(name),
            "isCodable": "true",
        }
        if _color(code.get("color")):
            attrs["color"] = _color(code["color"])
        el = ET.SubElement(parent, f"{{{NS}}}Code", attrs)
        if description:
            ET.SubElement(el, f"{{{NS}}}Description").text = xml_text(description)
        report.count("codes")
        if any(code.get(f) not in (None, "", "[]", 0) for f in LOST_CODE_FIELDS):
            report.lose("code_fields", "refi_code_fields", code["slug"])
        for child in children.get(code["id"], []):
            add(el, child)

    for top in children[None]:
        add(holder, top)
    if not len(holder):
        raise InputError("exchange.no_codes")
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    errors = ids.schema_errors("Codebook", xml)
    if errors:  # a bug here, not the user's fault
        raise ValueError("codebook does not validate against Codebook.xsd: " + "; ".join(errors))
    return xml


def export_qdc(
    project: Project,
    path: str | Path,
    *,
    codebook: str | None = None,
    lang: str | None = None,
) -> ExchangeReport:
    """Write the codebook as ``.qdc``; return (and write next to it, in ``lang``: by default
    the handle's language) the data-loss report.

    Needs ``export`` like every export: the codebook leaves the project (with accepted names
    replaced, so no key role is needed). Waits while the codebook's sentences hold a name
    nobody decided on (:func:`require_codebook_pseudonymised`): a definition or brief may
    quote an interview ("Toen Grietje overleed ..."), and only accepted names are replaced.
    """
    gather.require_export(project, pseudonymise=True)
    require_codebook_pseudonymised(project)
    path = Path(path)
    report = ExchangeReport(operation="export", format="qdc", path=str(path))
    write_bytes_atomically(path, _codebook_xml(project, report, codebook=codebook))
    report.rewrite_examples(functools.partial(free_text, project))
    report.write_next_to(path, lang or project.lang)
    return report


def read_qdc(path: str | Path, report: ExchangeReport) -> tuple[list[RefiCode], str | None]:
    """Codes of a ``.qdc`` file, parents before children, and its origin."""
    path = Path(path)
    if not path.is_file():
        raise InputError("exchange.file_missing", file=str(path))
    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise InputError(
            "exchange.zip_too_large",
            file=path.name,
            member=path.name,
            size=path.stat().st_size,
            limit=MAX_MEMBER_BYTES,
        )
    data = path.read_bytes()
    root = read_xml(data, file=path.name)
    if root.tag != "CodeBook":
        raise InputError("exchange.not_a_codebook_xml", file=path.name, root=root.tag)
    check_code_count(sum(1 for _ in root.iter("Code")), file=path.name)  # before the schema
    errors = ids.schema_errors("Codebook", data, limit=3)
    codes: list[RefiCode] = []
    non_uuid: list[str] = []

    def walk(holder: ET.Element, parent: str | None) -> None:
        for el in holder:
            if el.tag != "Code":
                continue
            raw = el.get("guid") or ""
            if not ids.is_uuid(raw):
                non_uuid.append(raw or repr(name_of(el)))
            # a code without guid is kept, with its sub-codes
            guid = ids.canonical(raw) if raw else ids.without_guid(parent, name_of(el))
            codes.append(
                RefiCode(
                    guid=guid,
                    name=name_of(el) or guid[:8],
                    parent=parent,
                    description=description_of(el),
                    color=el.get("color"),
                    codable=el.get("isCodable", "true").strip().lower() in ("true", "1"),
                )
            )
            walk(el, guid)

    for holder in root:
        if holder.tag == "Codes":
            walk(holder, None)
        elif holder.tag == "Sets":
            for s in holder:
                report.lose("set", "no_sets", s.get("name"))
    if non_uuid:
        report.warn("exchange.warn.non_uuid", count=len(non_uuid), examples=", ".join(non_uuid[:3]))
    elif errors:
        report.warn("exchange.warn.schema", file=path.name, error=errors[0])
    if not codes:
        raise InputError("exchange.no_codes_in_file", file=path.name)
    return codes, root.get("origin")


def import_qdc(project: Project, path: str | Path) -> ExchangeReport:
    """Add the codes of a ``.qdc`` codebook (one transaction); return the report."""
    project.require("codebook.edit")
    db = project.db
    path = Path(path)
    report = ExchangeReport(operation="import", format="qdc", path=str(path))
    codes, origin = read_qdc(path, report)
    with transaction(db):
        upsert_codes(
            project,
            codes,
            codebook=path.stem,
            source=path.name,
            description=origin,
            report=report,
        )
        record_event(
            db,
            project.user,
            events.IMPORT_QDC(None, None, {"file": path.name, "counts": report.counts}),
        )
    return report
