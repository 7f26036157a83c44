"""Codes from another tool into the project's codebooks (shared by .qdc and .qdpx import).

A code is matched to an existing one by guid first (a round trip, or a file from a colleague
who started from our export; a code merged away here since leads to the code it was merged
into), then by name under the same parent; otherwise it is added to a codebook named after
the file. Slugs are made from names and kept unique across codebooks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


from workbench.codebook.editing import add_imported_code, ensure_imported_codebook
from workbench.codebook.views import merged_into
from workbench.codebook.yaml_io import SHIPPED_CODEBOOKS, load_codebook
from workbench.exchange import ids
from workbench.exchange.model import RefiCode
from workbench.exchange.report import ExchangeReport
from workbench.handle import Project
from workbench.privacy.pseudonyms import replace_names

_RGB = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


@lru_cache(maxsize=1)
def _shipped_slugs() -> dict[str, str]:
    """guid -> id of every code in the shipped codebooks. Their codes keep guid NULL, so an
    export writes ``ids.derived("code", slug)``; knowing that lets a round trip into a new
    project give them back their ids (``verlies``, not ``verlieservaring``), which the
    CLI (--code), the patterns (the ``verlies`` root) and the suggestion rules rely on."""
    return {
        ids.derived("code", c.id): c.id
        for path in SHIPPED_CODEBOOKS
        for c in load_codebook(path).codes
    }


def upsert_codes(
    project: Project,
    codes: list[RefiCode],
    *,
    codebook: str,
    source: str,
    description: str | None,
    report: ExchangeReport,
) -> dict[str, int]:
    """Match or add every code (parents first); return ``{guid: codes.id}``.

    Call inside the import's transaction, after its check. Matching reads only code names
    and ids; a code that has to be added asks the handle for ``import`` (see
    :func:`~workbench.codebook.editing.ensure_imported_codebook`).
    """
    db = project.db
    by_guid: dict[str, int] = {}
    by_name: dict[tuple[int | None, str], list[int]] = {}
    merged: dict[str, int] = {}  # guid of a code merged away -> the code that holds its codings
    taken: set[str] = set()  # guids of merged codes that no merge leads on from
    names: dict[int, str] = {}
    into = merged_into(project)
    rows = list(db.query("SELECT id, slug, guid, name, parent_id, active FROM codes"))
    # a pseudonymised export derives the guid from the id with the names replaced
    shown = replace_names(project, [r["slug"] for r in rows])
    for r, slug in zip(rows, shown, strict=True):
        names[r["id"]] = r["name"]
        for guid in {ids.export_guid(r["guid"], "code", s) for s in (r["slug"], slug)}:
            if r["active"]:
                by_guid[guid] = r["id"]
            elif r["id"] in into:
                merged[guid] = into[r["id"]]
            else:
                taken.add(guid)
        if r["active"]:
            by_name.setdefault((r["parent_id"], r["name"].casefold()), []).append(r["id"])
    out: dict[str, int] = {}
    book_id: int | None = None
    for position, code in enumerate(codes):
        parent_id = out.get(code.parent) if code.parent else None
        if code.guid in by_guid:
            out[code.guid] = by_guid[code.guid]
            report.count("codes_matched")
            continue
        if code.guid in merged:  # a file from before a merge: its codings follow the merge
            out[code.guid] = merged[code.guid]
            report.warn("exchange.warn.code_merged", code=code.name, into=names[merged[code.guid]])
            report.count("codes_matched")
            continue
        same_name = by_name.get((parent_id, code.name.casefold()), [])
        if len(same_name) == 1:
            out[code.guid] = same_name[0]
            report.count("codes_matched")
            continue
        if book_id is None:
            book_id = ensure_imported_codebook(
                project, codebook, description=description, source=source
            )
        color = code.color.strip() if code.color and _RGB.match(code.color.strip()) else None
        record: dict[str, Any] = {
            "codebook_id": book_id,
            "slug": _shipped_slugs().get(code.guid),  # else made from the name
            "name": code.name,
            "parent_id": parent_id,
            "definition": code.description or None,  # as read by files.description_of
            "color": color,
            "position": position,
            "active": 1,
            "guid": None if code.guid in taken else code.guid,  # kept by the inactive code
            "examples": "[]",
            "counterexamples": "[]",
            "indicators": "[]",
        }
        new_id = add_imported_code(project, record)
        out[code.guid] = new_id
        by_guid[code.guid] = new_id  # not by name: two codes of one file stay two
        report.count("codes")
    return out
