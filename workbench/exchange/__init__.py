"""Exchange with the tools researchers already use: REFI-QDA projects and codebooks, CSV, XLSX.

Public functions (each returns an :class:`ExchangeReport`, the data-loss report that
REFI-QDA 1.5 section 7 asks for):

- :func:`export_qdpx` / :func:`import_qdpx`: whole projects (``.qdpx``).
- :func:`export_qdc` / :func:`import_qdc`: codebooks (``.qdc``).
- :func:`export_codings_table`: one row per coding as CSV or XLSX
  (:func:`codings_table` gives the DataFrame).
- :func:`export_project`: any of these by format name (what the CLI and the page call).
- :func:`export_file_name`: the name the page offers the file under.
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import InputError
from workbench.exchange.gather import require_export
from workbench.exchange.pseudo import free_text
from workbench.exchange.qdc import export_qdc, import_qdc
from workbench.exchange.qdpx_export import TARGETS, export_qdpx
from workbench.exchange.qdpx_import import import_qdpx
from workbench.exchange.report import ExchangeReport, Loss
from workbench.exchange.tables import codings_table, export_codings_table
from workbench.handle import Project

EXPORT_FORMATS = ("qdpx", "qdc", "csv", "xlsx")
# The formats each choice of :func:`export_project` shapes, by the option that asks for it on
# the command line. Any other combination is refused: it used to be dropped without a word
# (a qdc asked for with --original-text still had the names replaced, --for nvivo gave a
# csv like any other). A codebook holds no codings, no text and no coders, and always has
# the accepted names replaced; only a qdpx is written for one program.
OPTION_FORMATS = {
    "--include-suggestions": ("qdpx", "csv", "xlsx"),
    "--original-text": ("qdpx", "csv", "xlsx"),
    "--coder-codes": ("qdpx", "csv", "xlsx"),
    "--for": ("qdpx",),
}


def export_project(
    project: Project,
    path: str | Path,
    *,
    format: str,
    include_suggestions: bool = False,
    pseudonymise: bool = True,
    target: str | None = None,
    coder_codes: bool = False,
    lang: str | None = None,
) -> ExchangeReport:
    """Export in ``format`` (qdpx, qdc, csv, xlsx) with the same choices everywhere;
    ``target`` shapes a qdpx for one tool (see :data:`TARGETS`); ``coder_codes`` names
    coders and memo authors by a number in a qdpx, csv or xlsx. Original (named) text needs
    the key role. A choice the format cannot honour (:data:`OPTION_FORMATS`: suggestions,
    original text or coder numbers in a codebook, a program for a table) is refused, not
    dropped. The data-loss report written next to the file reads in ``lang`` (default: the
    handle's language)."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}. Got {format!r} instead.")
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in EXPORT_FORMATS and suffix != format:  # a codebook in "x.qdpx" opens nowhere
        raise InputError("exchange.format_suffix", file=str(path), format=format, suffix=suffix)
    asked = {
        "--include-suggestions": include_suggestions,
        "--original-text": not pseudonymise,
        "--coder-codes": coder_codes,
        "--for": target is not None,
    }
    for option, formats in OPTION_FORMATS.items():
        if asked[option] and format not in formats:
            raise InputError(
                "exchange.option_not_for_format",
                option=option,
                format=format,
                formats=", ".join(formats),
            )
    require_export(project, pseudonymise=pseudonymise)
    if format == "qdpx":
        return export_qdpx(
            project,
            path,
            include_suggestions=include_suggestions,
            pseudonymise=pseudonymise,
            target=target,
            coder_codes=coder_codes,
            lang=lang,
        )
    if format == "qdc":
        return export_qdc(project, path, lang=lang)
    return export_codings_table(
        project,
        path,
        format=format,
        include_suggestions=include_suggestions,
        pseudonymise=pseudonymise,
        coder_codes=coder_codes,
        lang=lang,
    )


def export_file_name(project: Project, stem: str, *, format: str, pseudonymise: bool) -> str:
    """``stem.format``, with the accepted names replaced in ``stem`` when the file is
    pseudonymised (a codebook always is). Why: a project file "studie_Kees.db" would name its
    pseudonymised export, and the report that says "Export to ...", after a person."""
    project.require("export")
    if pseudonymise or format == "qdc":
        stem = (free_text(project, stem) or stem).replace("/", "-").replace("\\", "-")
    return f"{stem}.{format}"


__all__ = [
    "EXPORT_FORMATS",
    "OPTION_FORMATS",
    "TARGETS",
    "ExchangeReport",
    "Loss",
    "codings_table",
    "export_codings_table",
    "export_file_name",
    "export_project",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
]
