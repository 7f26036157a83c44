"""``workbench patterns matrix|cooccurrence|cascades|quotes|frequencies``: export overviews.

Each command computes one overview with :mod:`workbench.patterns` and writes it to
``--output`` (.csv or .xlsx) with the filters used written into the file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pandas as pd
from workbench import life_events, patterns
from workbench.cli.common import add_project_argument, add_user_argument, handle
from workbench.codings import STATUSES
from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import t
from workbench.patterns.fragments import named_columns, with_code_names
from workbench.store import open_project


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "patterns",
        help="export overviews across respondents (matrix, co-occurrence, "
        "loss cascades, quotes, frequencies) to CSV or XLSX",
    )
    commands = parser.add_subparsers(dest="patterns_command", metavar="OVERVIEW", required=True)

    matrix = _command(
        commands,
        "matrix",
        run_matrix,
        "framework matrix: respondents x codes, fragments per cell (XLSX adds "
        "a sheet with the quotes behind every cell)",
    )
    matrix.add_argument(
        "--code", action="append", metavar="ID", help="only these code columns (repeat for more)"
    )

    co = _command(
        commands,
        "cooccurrence",
        run_cooccurrence,
        "code x code table of fragments that meet (XLSX adds the list of pairs)",
    )
    co.add_argument(
        "--code",
        action="append",
        metavar="ID",
        help="only the rows of these codes (repeat for more)",
    )
    _scope_arguments(co)

    cascades = _command(
        commands,
        "cascades",
        run_cascades,
        "loss cascades: one row per life event and per link (respondent, "
        "event, kind, life time, source codings, confirmed); XLSX adds the "
        "cascades, transitions, first losses, reactions and lengths",
    )
    cascades.add_argument(
        "--code", metavar="ID", help="only respondents with a loss event of this kind"
    )
    cascades.add_argument(
        "--table",
        choices=patterns.CASCADE_SHEETS,
        default="rows",
        help="the table a CSV holds (default: rows, one per event and link; XLSX holds all)",
    )
    cascades.add_argument(
        "--include-proposed",
        action="store_true",
        help="build cascades from proposed links too (counts of confirmed "
        "and proposed links are always apart)",
    )
    cascades.add_argument(
        "--stored-only",
        action="store_true",
        help="only the events and links stored in the project; by default "
        "codings in no event yet show as the workbench's proposals "
        "(computed, not stored)",
    )
    cascades.add_argument(
        "--propose",
        action="store_true",
        help="first let the workbench propose events and links for codings "
        "that have none (a logged change; needs the right to code)",
    )

    quotes = _command(
        commands,
        "quotes",
        run_quotes,
        "every fragment of a code (or A and B, A not B) with respondent, speaker and attributes",
    )
    quotes.add_argument(
        "--code",
        action="append",
        metavar="ID",
        required=True,
        help="the code whose fragments to retrieve (repeat: any of them)",
    )
    quotes.add_argument(
        "--and",
        dest="all_of",
        action="append",
        default=[],
        metavar="ID",
        help="keep fragments that meet this code too (repeat: all of them)",
    )
    quotes.add_argument(
        "--not",
        dest="none_of",
        action="append",
        default=[],
        metavar="ID",
        help="drop fragments that meet this code (repeat: none of them)",
    )
    _scope_arguments(quotes)

    freq = _command(
        commands,
        "frequencies",
        run_frequencies,
        "per attribute group: fragments, respondents with the code and their share",
    )
    freq.add_argument("--by", metavar="ATTRIBUTE", help="attribute to group by (default: none)")
    freq.add_argument("--code", action="append", metavar="ID", help="only these codes")


def _command(
    commands: argparse._SubParsersAction,
    name: str,
    func: Callable[[argparse.Namespace], int],
    text: str,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=text, description=text)
    add_project_argument(parser)
    add_user_argument(parser)
    parser.add_argument(
        "--filter",
        action="extend",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="respondent attribute filter, e.g. geslacht=vrouw; repeat the "
        "same KEY for either value, other KEYs must all hold; for a number or "
        "date also 'leeftijd>=65' (or <=, >, <); respondent=R01 selects by case code",
    )
    parser.add_argument(
        "--coder",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="only this coder's codings (repeat for more; default: all)",
    )
    parser.add_argument(
        "--status",
        action="extend",
        nargs="+",
        choices=[*STATUSES, "all"],
        help="codings with this status (repeat; default: accepted)",
    )
    parser.add_argument(
        "--rollup", action="store_true", help="count sub-codes as their top-level code"
    )
    parser.add_argument(
        "--speakers",
        choices=["respondent", "all"],
        help="leave out interviewer turns (respondent) or not (all); default: the project setting",
    )
    parser.add_argument(
        "--output",
        required=True,
        metavar="FILE.csv|FILE.xlsx",
        help="where to write; .xlsx gets a 'filters' sheet, .csv a block "
        "of '# name: value' lines above the header",
    )
    parser.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace every accepted name (quotes, respondent codes, document "
        "names, speaker labels, attribute values, filters) by its pseudonym, "
        "like every other export; refused while name decisions are not "
        "applied (workbench pseudonymise)",
    )
    parser.add_argument(
        "--coder-codes",
        action="store_true",
        help="name coders '[Codeur 1]', '[Codeur 2]' ... (as export --coder-codes) instead "
        "of by their user name, in the coder column and the coders filter",
    )
    parser.set_defaults(func=func)
    return parser


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scope",
        choices=patterns.SCOPES,
        default="segment",
        help="where codes meet: same segment (default), same turn, or within --window segments",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=0,
        metavar="N",
        help="for --scope window: at most N segments apart",
    )


def _open(args: argparse.Namespace) -> Project:
    """The project as seen by ``--user``; a missing file is an error here (an export never
    creates a project)."""
    return handle(open_project(args.project, create=False), args)


def _selection(args: argparse.Namespace) -> patterns.Selection:
    statuses = args.status or ["accepted"]
    return patterns.Selection.build(
        filters=args.filter,
        coders=args.coder,
        statuses=None if "all" in statuses else statuses,
        rollup=args.rollup,
        speakers=args.speakers,
    )


def _write(
    project: Project,
    args: argparse.Namespace,
    table: str,
    tables: dict[str, pd.DataFrame],
    settings: list[tuple[str, str]],
) -> int:
    patterns.format_of(args.output)
    about = patterns.about_rows(table, args.project, settings)
    path = patterns.export_tables(
        project,
        args.output,
        tables,
        about,
        pseudonymise=args.pseudonymise,
        coder_codes=args.coder_codes,
        lang=args.lang,
    )
    rows = len(next(iter(tables.values())))
    print(t("patterns.cli.written", args.lang, rows=rows, file=path))
    return 0


def _scope_settings(args: argparse.Namespace) -> list[tuple[str, str]]:
    rows = [("scope", args.scope)]
    if args.scope == "window":
        rows.append(("window", str(args.window)))
    return rows


def run_matrix(args: argparse.Namespace) -> int:
    project, selection = _open(args), _selection(args)
    patterns.format_of(args.output)
    matrix = patterns.framework_matrix(project, selection, codes=args.code)
    matrix, columns = named_columns(project, matrix, args.lang)  # ids in the settings
    cells = patterns.framework_cells(project, selection, codes=args.code, lang=args.lang)
    settings = selection.describe() + [("code", c) for c in args.code or []] + columns
    return _write(
        project, args, "matrix", {"matrix": matrix.reset_index(), "citaten": cells}, settings
    )


def run_cooccurrence(args: argparse.Namespace) -> int:
    project, selection = _open(args), _selection(args)
    patterns.format_of(args.output)
    table = patterns.cooccurrence(
        project, selection, scope=args.scope, window=args.window, codes=args.code
    )
    pairs = patterns.cooccurrence_pairs(
        project, selection, scope=args.scope, window=args.window, codes=args.code, lang=args.lang
    )
    table, columns = named_columns(project, table, args.lang)
    table = with_code_names(project, table.reset_index(), lang=args.lang)  # id and name
    settings = (
        selection.describe()
        + _scope_settings(args)
        + [("code", c) for c in args.code or []]
        + columns
    )
    return _write(project, args, "cooccurrence", {"cooccurrence": table, "paren": pairs}, settings)


def run_cascades(args: argparse.Namespace) -> int:
    project, selection = _open(args), _selection(args)
    patterns.format_of(args.output)
    if args.propose:
        made = life_events.propose(project)
        print(t("patterns.cli.proposed", args.lang, **made))
    overview = patterns.cascade_overview(
        project,
        selection,
        containing=args.code,
        include_proposed=args.include_proposed,
        proposals=not args.stored_only,
        lang=args.lang,
    )
    tables = patterns.cascade_tables(overview)
    first = args.table
    ordered = {first: tables[first], **{k: v for k, v in tables.items() if k != first}}
    settings = selection.describe() + [
        ("include_proposed", "yes" if args.include_proposed else "no"),
        ("proposals", "no" if args.stored_only else "yes"),
    ]
    if args.code:
        settings.append(("code", args.code))
    return _write(project, args, f"cascades:{first}", ordered, settings)


def run_quotes(args: argparse.Namespace) -> int:
    project, selection = _open(args), _selection(args)
    patterns.format_of(args.output)
    if not args.code:
        raise InputError("patterns.cli.code_needed")
    if not args.pseudonymise:  # one rule with `export --original-text` (before the work)
        project.require_original_text()
    found = patterns.quotes(
        project,
        args.code,
        selection,
        all_of=args.all_of,
        none_of=args.none_of,
        scope=args.scope,
        window=args.window,
        pseudonymise=args.pseudonymise,
    )
    settings = (
        selection.describe()
        + [("code", c) for c in args.code]
        + [("and", c) for c in args.all_of]
        + [("not", c) for c in args.none_of]
        + _scope_settings(args)
    )
    found = with_code_names(project, found, lang=args.lang)
    return _write(project, args, "quotes", {"quotes": found}, settings)


def run_frequencies(args: argparse.Namespace) -> int:
    project, selection = _open(args), _selection(args)
    patterns.format_of(args.output)
    table = patterns.code_frequencies(
        project, selection, by=args.by, codes=args.code, lang=args.lang
    )
    settings = selection.describe() + [("by", args.by or "(none)")]
    return _write(project, args, "frequencies", {"frequencies": table}, settings)
