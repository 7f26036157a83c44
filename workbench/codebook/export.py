"""The codebook as a document for the research team (Markdown, Word) or as a file to share.

Why apart from the rest: export only reads (through :mod:`.views`) and is the one place that
needs python-docx, which is imported only when a Word file is asked for. The YAML writer
lives in :mod:`.yaml_io` next to the reader it must satisfy; REFI-QDA (QDC) export lives in
workbench.exchange.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench import access
from workbench.codebook.model import Code, Codebook
from workbench.codebook.views import code_tree, codebook_from_project, merged_away
from workbench.codebook.yaml_io import codebook_to_yaml
from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import t
from workbench.privacy.pseudonyms import replace_names, require_codebook_pseudonymised
from workbench.text import id_words


def export_codebook(
    project: Project,
    path: str | Path,
    *,
    format: str,
    name: str | None = None,
    lang: str = "nl",
) -> Path:
    """Write the project's codebook as ``yaml``, ``md`` or ``docx`` (QDC: workbench.exchange).

    Markdown and Word include the number of accepted codings per code (a code with its
    sub-codes); YAML is the codebook only, so it can be loaded into another project. For a
    user who may not take original text out (a supervisor) the accepted names are replaced,
    as in every export she makes (see :func:`_as_it_may_leave`).
    """
    project.require("read")  # examples and counts come from the data
    path = Path(path)
    book, ids = _as_it_may_leave(project, codebook_from_project(project, name))
    counts = {ids.get(slug, slug): n for slug, n in _counts(project).items()}
    if format == "yaml":
        _write_text(path, codebook_to_yaml(book))
    elif format == "md":
        _write_text(path, codebook_to_markdown(book, counts=counts, lang=lang))
    elif format == "docx":
        write_docx(book, path, counts=counts, lang=lang)
    else:
        raise InputError("codebook.bad_format", format=format, expected="yaml, md, docx")
    return path


def merged_note(project: Project, name: str | None = None, lang: str = "nl") -> str | None:
    """Under an export: which merged codes it leaves out and where their codings went. Every
    export leaves them out by design (their codings belong to the code they went into), but
    without a word a reader looks for a code that seems lost. None when nothing was merged."""
    merged = merged_away(project, name)
    if not merged:
        return None
    merges = ", ".join(
        t("codebook.export.merged_item", lang, code=code, into=into) if into else code
        for code, into in merged
    )
    return t("codebook.export.merged", lang, n=len(merged), merges=merges)


def export_bytes(
    project: Project, *, format: str, name: str | None = None, lang: str = "nl"
) -> bytes:
    """The export as bytes, for a download button (same content as :func:`export_codebook`)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = export_codebook(
            project,
            Path(folder) / f"codeboek.{format}",
            format=format,
            name=name,
            lang=lang,
        )
        return path.read_bytes()


# Fields that identify rather than describe: kept, so codings and a YAML re-import still match.
_KEEP = frozenset({"id", "parent", "color", "sensitive", "version", "language", "codes"})


def _as_it_may_leave(project: Project, book: Codebook) -> tuple[Codebook, dict[str, str]]:
    """``book`` with the accepted names replaced in its text, unless the user may take
    original text out (``pseudonym.key``), and ``{old id: new id}`` of the ids that changed.

    Why: examples are often quotes from the interviews and the other fields are free text, so
    a codebook download can carry a respondent's name; the qdc export always replaced them,
    the Markdown, Word and YAML exports of a supervisor did not. A code's id is made of its
    name ("Steun van Henk" is ``steun-van-henk``), so an id holding a name is written as an
    id of its replacement (``steun-van-naam-4``), still a valid id for a YAML import.
    """
    if project.can(access.ORIGINAL_TEXT):
        return book, {}
    require_codebook_pseudonymised(project)  # a name nobody decided on would go out as written
    slugs = [code.id for code in book.codes]
    ids = {
        old: id_words(new)
        for old, new in zip(slugs, replace_names(project, slugs), strict=True)
        if new != old
    }
    book = dataclasses.replace(
        book,
        codes=[
            dataclasses.replace(
                code, id=ids.get(code.id, code.id), parent=ids.get(code.parent or "", code.parent)
            )
            for code in book.codes
        ],
    )
    found: list[str] = []

    def collect(text: str) -> str:
        found.append(text)
        return text

    _map_text(book, collect)  # first collect, then replace them all in one pass
    replaced = iter(replace_names(project, found))
    return _map_text(book, lambda _: next(replaced)), ids


def _map_text(book: Codebook, swap: Callable[[str], str]) -> Codebook:
    """``book`` with ``swap`` applied to every string of its describing fields, in order."""

    def each(value: Any) -> Any:
        if isinstance(value, str):
            return swap(value)
        if isinstance(value, list):
            return [each(v) for v in value]
        if isinstance(value, dict):
            return {k: each(v) for k, v in value.items()}
        return value

    def fields_of(item: Code | Codebook) -> dict[str, Any]:
        return {
            f.name: each(getattr(item, f.name))
            for f in dataclasses.fields(item)
            if f.name not in _KEEP
        }

    codes = [dataclasses.replace(code, **fields_of(code)) for code in book.codes]
    return dataclasses.replace(book, **fields_of(book), codes=codes)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _counts(project: Project) -> dict[str, int]:
    return {node["slug"]: node["n_accepted_total"] for node in code_tree(project)}


def codebook_to_markdown(
    codebook: Codebook, *, counts: Mapping[str, int] | None = None, lang: str = "nl"
) -> str:
    """A readable document for the research team: tree, then every code in full."""

    def label(key: str, **params: Any) -> str:
        return t(f"codebook.doc.{key}", lang, **params)

    depth = _depths(codebook.codes)
    lines = [f"# {codebook.name}", "", label("version", version=codebook.version), ""]
    if codebook.description:
        lines += [codebook.description.strip(), ""]
    lines += [f"## {label('tree')}", ""]
    for code in codebook.codes:
        count = f" ({label('codings', n=counts.get(code.id, 0))})" if counts is not None else ""
        flag = f" · {label('sensitive')}" if code.sensitive else ""
        lines.append(f"{'  ' * depth[code.id]}- **{code.name}** `{code.id}`{count}{flag}")
    lines += ["", f"## {label('codes')}", ""]
    for code in codebook.codes:
        title = f"{code.name} ({code.name_en})" if code.name_en and lang == "nl" else code.name
        lines += [
            f"### {title}",
            "",
            f"`{code.id}`"
            + (f" · {label('parent')}: `{code.parent}`" if code.parent else "")
            + (f" · {label('color')}: {code.color}" if code.color else "")
            + (f" · **{label('sensitive')}**" if code.sensitive else ""),
            "",
        ]
        for key in ("brief", "definition", "use_when", "dont_use_when"):
            value = getattr(code, key)
            if value:
                lines += [f"**{label(key)}.** {value}", ""]
        for key in ("examples", "counterexamples"):
            values = getattr(code, key)
            if values:
                lines += [f"**{label(key)}:**", ""] + [f"- “{v}”" for v in values] + [""]
        if code.indicators:
            lines += [f"**{label('indicators')}:** " + ", ".join(code.indicators), ""]
        if code.source:
            lines += [f"**{label('source')}:** {code.source['file']}: “{code.source['quote']}”", ""]
    if codebook.changelog:
        lines += [f"## {label('changelog')}", ""]
        for entry in codebook.changelog:
            lines.append(f"- **{entry['version']}** ({entry['date']}, {entry['author']})")
            lines += [f"  - {change}" for change in entry["changes"]]
        lines.append("")
    return "\n".join(lines)


def _depths(codes: Sequence[Code]) -> dict[str, int]:
    by_id = {c.id: c for c in codes}
    depth: dict[str, int] = {}
    for code in codes:
        d, current = 0, code
        while current.parent in by_id and d < len(codes):
            d, current = d + 1, by_id[current.parent]
        depth[code.id] = d
    return depth


def write_docx(
    codebook: Codebook,
    path: str | Path,
    *,
    counts: Mapping[str, int] | None = None,
    lang: str = "nl",
) -> Path:
    """The same document as :func:`codebook_to_markdown`, as Word (python-docx)."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    def label(key: str, **params: Any) -> str:
        return t(f"codebook.doc.{key}", lang, **params)

    path = Path(path)
    doc = Document()
    doc.core_properties.title = codebook.name
    doc.add_heading(codebook.name, level=0)
    doc.add_paragraph(label("version", version=codebook.version))
    if codebook.description:
        doc.add_paragraph(codebook.description.strip())
    doc.add_heading(label("tree"), level=1)
    depth = _depths(codebook.codes)
    for code in codebook.codes:
        style = (
            "List Bullet"
            if depth[code.id] == 0
            else ("List Bullet 2" if depth[code.id] == 1 else "List Bullet 3")
        )
        par = doc.add_paragraph(style=style)
        _swatch(par, code.color, RGBColor)
        par.add_run(code.name).bold = True
        par.add_run(f"  {code.id}")
        if counts is not None:
            par.add_run(f"  ({label('codings', n=counts.get(code.id, 0))})")
        if code.sensitive:
            par.add_run(f"  · {label('sensitive')}").italic = True
    doc.add_heading(label("codes"), level=1)
    for code in codebook.codes:
        title = f"{code.name} ({code.name_en})" if code.name_en and lang == "nl" else code.name
        heading = doc.add_heading(level=2)
        _swatch(heading, code.color, RGBColor)
        heading.add_run(title)
        meta = doc.add_paragraph()
        meta.add_run(code.id).font.name = "Courier New"
        if code.parent:
            meta.add_run(f" · {label('parent')}: {code.parent}")
        if code.sensitive:
            meta.add_run(f" · {label('sensitive')}").bold = True
        for key in ("brief", "definition", "use_when", "dont_use_when"):
            value = getattr(code, key)
            if value:
                par = doc.add_paragraph()
                par.add_run(f"{label(key)}. ").bold = True
                par.add_run(value)
        for key in ("examples", "counterexamples"):
            values = getattr(code, key)
            if values:
                doc.add_paragraph().add_run(f"{label(key)}:").bold = True
                for value in values:
                    doc.add_paragraph(f"“{value}”", style="List Bullet")
        if code.indicators:
            par = doc.add_paragraph()
            par.add_run(f"{label('indicators')}: ").bold = True
            par.add_run(", ".join(code.indicators))
        if code.source:
            par = doc.add_paragraph()
            par.add_run(f"{label('source')}: ").bold = True
            par.add_run(f"{code.source['file']}: ")
            par.add_run(f"“{code.source['quote']}”").italic = True
            for run in par.runs:
                run.font.size = Pt(9)
    if codebook.changelog:
        doc.add_heading(label("changelog"), level=1)
        for entry in codebook.changelog:
            par = doc.add_paragraph(style="List Bullet")
            par.add_run(f"{entry['version']}").bold = True
            par.add_run(f" ({entry['date']}, {entry['author']})")
            for change in entry["changes"]:
                doc.add_paragraph(change, style="List Bullet 2")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def _swatch(paragraph: Any, color: str | None, rgb: Any) -> None:
    """A small square in the code's colour, as coders see it in the coding view."""
    if color:
        run = paragraph.add_run("■ ")
        run.font.color.rgb = rgb.from_string(color[1:].upper())
