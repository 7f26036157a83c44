"""``workbench export``: the project as REFI-QDA (.qdpx, .qdc) or a table of codings (csv, xlsx).

A thin layer over :func:`workbench.exchange.export_project`. Text is pseudonymised unless
``--original-text`` is given (researchers only). An option the format cannot honour
(``--for`` with anything but qdpx; suggestions, original text or coder numbers in a qdc) is
refused by the package, exit 1, rather than dropped. The data-loss report is printed and written
next to the output (``FILE.dataloss.txt`` and ``.json``). ``workbench import FILE.qdpx`` (the
ingest area) and ``workbench codebook import/export`` (the codebook area) call the same package.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workbench.cli.common import add_project_argument, add_user_argument, handle, project
from workbench.errors import InputError
from workbench.exchange import EXPORT_FORMATS, TARGETS, export_project


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="export the project as qdpx, qdc, csv or xlsx",
        description="Export the project: REFI-QDA project (qdpx) or codebook (qdc) for "
        "ATLAS.ti, MAXQDA, NVivo and QualCoder, or one row per coding (csv, xlsx). Text is "
        "pseudonymised unless --original-text is given. A data-loss report is written next "
        "to the output.",
    )
    add_project_argument(parser)
    add_user_argument(parser)
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="output format (default: from the extension of --output)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="FILE",
        help="file to write (replaced only when the export succeeded)",
    )
    parser.add_argument(
        "--include-suggestions",
        action="store_true",
        help="also export machine suggestions (qdpx: under '<coder> (suggestie)'; "
        "csv/xlsx: suggested and rejected rows with their status)",
    )
    parser.add_argument(
        "--original-text",
        action="store_true",
        help="qdpx/csv/xlsx: export the original text with real names (role onderzoeker "
        "only; a codebook (qdc) always gets pseudonyms)",
    )
    parser.add_argument(
        "--coder-codes",
        action="store_true",
        help="qdpx/csv/xlsx: name coders and memo authors '[Codeur 1]', '[Codeur 2]' ... "
        "instead of by their user name",
    )
    parser.add_argument(
        "--for",
        dest="target",
        choices=TARGETS,
        default=None,
        help="qdpx: write the file the way this program reads it (NVivo: "
        "UTF-16 positions; QualCoder: memos as it reads them)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            "exchange.bad_format", format=fmt or "-", expected=", ".join(EXPORT_FORMATS)
        )
    db = project(args)
    report = export_project(
        handle(db, args),
        args.output,
        format=fmt,
        include_suggestions=args.include_suggestions,
        pseudonymise=not args.original_text,
        target=args.target,
        coder_codes=args.coder_codes,
        lang=args.lang,
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.text(args.lang), end="")
    return 0
