"""``workbench codebook``: validate, import, export, list and edit codebooks.

A thin layer over :mod:`workbench.codebook` (YAML, Markdown, Word) and
:mod:`workbench.exchange` (REFI-QDA ``.qdc``). Every edit asks for ``--why``: the reason goes
into the codebook's change log and the event log.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workbench import codebook as cb
from workbench.cli.common import (
    add_project_argument,
    add_user_argument,
    handle,
    open_for_import,
    project,
    table_lines,
)
from workbench.errors import InputError
from workbench.i18n import moment, t

EXPORT_FORMATS = ("qdc", "yaml", "md", "docx")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "codebook",
        help="validate, import, export, list and edit codebooks",
        description="Codebooks: check a YAML file, add a codebook (YAML or REFI-QDA .qdc) to a "
        "project, export it (qdc, yaml, Markdown, Word), show the code tree, and change codes. "
        "Every change needs --why.",
    )
    commands = parser.add_subparsers(dest="codebook_command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "validate",
        help="check a YAML codebook file",
        description="Check a YAML codebook; errors name the file, the code "
        "and the field. --strict also demands every MacQueen field.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="YAML codebook")
    p.add_argument(
        "--strict",
        action="store_true",
        help="require brief, definition, use_when, dont_use_when, examples, source "
        "and at least 3 indicators for every code",
    )
    p.add_argument(
        "--seeds",
        type=Path,
        metavar="DIR",
        help="folder with the seed documents: check every source quote occurs there",
    )
    p.set_defaults(func=run_validate)

    p = commands.add_parser(
        "init",
        help="create a project with the codebooks you choose",
        description="Create a project (or open an existing one) with the "
        "default codebook, other YAML codebooks (--codebook, repeatable; "
        "'sociale-kwaliteit' names the shipped one), or none (--empty).",
    )
    add_project_argument(p, required=True)
    add_user_argument(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--codebook",
        action="append",
        metavar="FILE",
        help="YAML codebook, or the name of a shipped one "
        "(binnenkant-isolement, sociale-kwaliteit); repeat to combine",
    )
    group.add_argument("--empty", action="store_true", help="start without codes")
    p.set_defaults(func=run_init)

    p = commands.add_parser(
        "remove",
        help="take an unused codebook out of a project",
        description="Remove a codebook none of whose codes has been used "
        "yet, e.g. to start building your own codebook from the data.",
    )
    p.add_argument("name", help="name of the codebook (see 'workbench codebook list')")
    _edit_arguments(p)
    p.set_defaults(func=run_remove)

    p = commands.add_parser(
        "import",
        help="add a codebook (.yaml or .qdc) to a project",
        description="Add a codebook to the project. YAML files are checked "
        "first; REFI-QDA .qdc files go through the exchange importer.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="codebook (.yaml, .yml or .qdc)")
    add_project_argument(p)
    add_user_argument(p)
    p.set_defaults(func=run_import)

    p = commands.add_parser(
        "export",
        help="write the project's codebook to a file",
        description="Export the codebook as REFI-QDA (qdc), YAML (loads "
        "again), Markdown (md) or Word (docx) for the research team.",
    )
    add_project_argument(p)
    add_user_argument(p)
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="output format (default: from the extension of --output)",
    )
    p.add_argument("--output", type=Path, required=True, metavar="FILE", help="file to write")
    p.add_argument(
        "--name",
        default=None,
        help="export only this codebook (default: all codebooks of the project)",
    )
    p.set_defaults(func=run_export)

    p = commands.add_parser(
        "list",
        help="show the code tree with the number of codings",
        description="Show every code in tree order with the number of "
        "accepted (and suggested) codings.",
    )
    add_project_argument(p)
    add_user_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_list)

    p = commands.add_parser(
        "log",
        help="show the codebook change log",
        description="Every change to the codebook, newest first, with who made it and why.",
    )
    add_project_argument(p)
    add_user_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_log)

    p = commands.add_parser("add", help="add a code", description="Add a code to the project.")
    p.add_argument("name", help="Dutch name of the new code")
    p.add_argument("--id", dest="slug", default=None, help="stable id (default: from the name)")
    p.add_argument("--parent", default=None, help="id of the parent code")
    p.add_argument("--definition", default=None, help="what the code means")
    _edit_arguments(p)
    p.set_defaults(func=run_add)

    p = commands.add_parser(
        "rename",
        help="rename a code (its id stays)",
        description="Give a code a new name; its id stays the same.",
    )
    p.add_argument("code", help="id of the code")
    p.add_argument("name", help="new Dutch name")
    _edit_arguments(p)
    p.set_defaults(func=run_rename)

    p = commands.add_parser(
        "move",
        help="hang a code under another parent",
        description="Move a code (and its sub-codes) under another code, or to the top with --top.",
    )
    p.add_argument("code", help="id of the code")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--parent", help="id of the new parent")
    group.add_argument("--top", action="store_true", help="make it a top-level code")
    _edit_arguments(p)
    p.set_defaults(func=run_move)

    p = commands.add_parser(
        "merge",
        help="merge a code into another (codings move along)",
        description="Merge SOURCE into TARGET: codings and sub-codes move "
        "to TARGET; SOURCE stays in the history as inactive.",
    )
    p.add_argument("source", help="id of the code that disappears")
    p.add_argument("target", help="id of the code that stays")
    _edit_arguments(p)
    p.set_defaults(func=run_merge)

    p = commands.add_parser(
        "split",
        help="create new codes out of one",
        description="Create new codes next to CODE. Its codings stay on "
        "CODE until they are recoded; they are listed.",
    )
    p.add_argument("code", help="id of the code to split")
    p.add_argument("names", nargs="+", metavar="NAME", help="names of the new codes")
    _edit_arguments(p)
    p.set_defaults(func=run_split)


def _edit_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_argument(parser)
    add_user_argument(parser)
    parser.add_argument(
        "--why",
        required=True,
        metavar="TEXT",
        help="short reason for the change (goes into the change log)",
    )


def run_validate(args: argparse.Namespace) -> int:
    book = cb.load_codebook(args.file, strict=args.strict)
    if args.seeds is not None:
        problems = cb.source_problems(book, args.seeds)
        for problem in problems:
            print(
                t(
                    f"codebook.cli.{problem['problem']}",
                    args.lang,
                    file=args.file.name,
                    code=problem["code"],
                    seed=problem["file"],
                )
            )
        if problems:
            return 1
    print(
        t(
            "codebook.cli.valid",
            args.lang,
            file=args.file.name,
            name=book.name,
            version=book.version,
            n=len(book.codes),
        )
    )
    return 0


def run_init(args: argparse.Namespace) -> int:
    from workbench.projects import create_project

    shipped = {p.stem: p for p in cb.SHIPPED_CODEBOOKS}
    if args.empty:
        files: tuple[Path, ...] = ()
    elif args.codebook:
        files = tuple(shipped.get(c, Path(c)) for c in args.codebook)
    else:
        files = (cb.DEFAULT_CODEBOOK,)
    me = handle(create_project(args.project, codebooks=files, actor=args.user), args)
    books = ", ".join(b["name"] for b in cb.codebooks(me)) or "-"
    print(
        t(
            "codebook.cli.initialised",
            args.lang,
            project=args.project,
            n=len(cb.code_tree(me)),
            books=books,
        )
    )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    n = cb.remove_codebook(handle(project(args), args), args.name, rationale=args.why)
    print(t("codebook.cli.removed", args.lang, name=args.name, n=n))
    return 0


def run_import(args: argparse.Namespace) -> int:
    db, discard = open_for_import(args)
    try:
        return _import(db, args)
    except Exception:
        discard()  # a project made for this command keeps nothing: leave none behind
        raise


def _import(db, args: argparse.Namespace) -> int:
    suffix = args.file.suffix.lower()
    if suffix == ".qdc":
        from workbench.exchange import import_qdc

        report = import_qdc(handle(db, args), args.file)
        print(report.text(args.lang), end="")
        return 0
    if suffix not in (".yaml", ".yml"):
        raise InputError("codebook.cli.import_format", file=args.file.name, ext=suffix or "-")
    book = cb.load_codebook(args.file)
    cb.install_codebook(handle(db, args), book, source=args.file.name)
    print(
        t(
            "codebook.cli.imported",
            args.lang,
            name=book.name,
            n=len(book.codes),
            project=args.project,
        )
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    fmt = args.format or args.output.suffix.lower().lstrip(".").replace("yml", "yaml")
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            "codebook.bad_format", format=fmt or "-", expected=", ".join(EXPORT_FORMATS)
        )
    db = project(args)
    if fmt == "qdc":
        from workbench.exchange import export_qdc

        report = export_qdc(handle(db, args), args.output, codebook=args.name, lang=args.lang)
        print(report.text(args.lang), end="")  # names the merged codes and where they went
        print(t("codebook.cli.exported", args.lang, file=args.output))
        return 0
    cb.export_codebook(handle(db, args), args.output, format=fmt, name=args.name, lang=args.lang)
    print(t("codebook.cli.exported", args.lang, file=args.output))
    note = cb.merged_note(handle(db, args), args.name, args.lang)
    if note:
        print(note)
    return 0


def run_list(args: argparse.Namespace) -> int:
    db = project(args)
    tree = cb.code_tree(handle(db, args))
    if args.json:
        keys = (
            "slug",
            "name",
            "parent",
            "depth",
            "codebook",
            "n_accepted",
            "n_suggested",
            "n_rejected",
            "n_accepted_total",
            "n_documents_total",
            "n_respondents_total",
            "sensitive",
        )
        print(json.dumps([{k: n[k] for k in keys} for n in tree], ensure_ascii=False, indent=2))
        return 0
    if not tree:
        print(t("codebook.cli.empty", args.lang))
        return 0
    # the counts, each under the end of its header; the legend says what each one counts,
    # as the page's total (with sub-codes) and own count differ for every parent code
    columns = ("coded", "total", "interviews", "proposed")
    figures = ("n_accepted", "n_accepted_total", "n_documents_total", "n_suggested")
    code, name, *heads = (t(f"codebook.cli.col.{c}", args.lang) for c in ("code", "name", *columns))
    print(f"{code:<32} " + " ".join(heads) + f"  {name}")
    for node in tree:
        counts = " ".join(f"{node[k]:>{len(h)}}" for k, h in zip(figures, heads))
        print(
            f"{'  ' * node['depth']}{node['slug']:<{32 - 2 * node['depth']}} {counts}  {node['name']}"
        )
    print()
    print(t("codebook.cli.list_legend", args.lang))
    return 0


def run_log(args: argparse.Namespace) -> int:
    db = project(args)
    log = cb.change_log(handle(db, args), lang=args.lang)
    if args.json:
        print(json.dumps(log, ensure_ascii=False, indent=2))
        return 0
    if not log:
        print(t("codebook.cli.log_empty", args.lang))
        return 0
    # as the app's change log: the time and the action in words; JSON keeps the stored ones
    columns = ("at", "author", "action", "slug", "why")
    header = [t(f"codebook.cli.col.{c}", args.lang) for c in columns]
    rows = [
        [
            moment(change["at"], args.lang),
            change["author"],
            t(cb.change_words(change["action"]).key, args.lang),
            change["code_slug"] or "-",
            t(why.key, args.lang, **why.params),
        ]
        for change in log
        for why in [cb.reason_words(change["rationale"])]
    ]
    print("\n".join(table_lines(header, rows)))
    return 0


def run_add(args: argparse.Namespace) -> int:
    slug = cb.add_code(
        handle(project(args), args),
        name=args.name,
        slug=args.slug,
        parent=args.parent,
        definition=args.definition,
        rationale=args.why,
    )
    print(t("codebook.cli.added", args.lang, code=slug))
    return 0


def run_rename(args: argparse.Namespace) -> int:
    cb.rename_code(handle(project(args), args), args.code, args.name, rationale=args.why)
    print(t("codebook.done.rename", args.lang, code=args.code, name=args.name))
    return 0


def run_move(args: argparse.Namespace) -> int:
    parent = None if args.top else args.parent
    cb.move_code(handle(project(args), args), args.code, parent, rationale=args.why)
    key = "codebook.done.move" if parent else "codebook.done.move_top"
    print(t(key, args.lang, code=args.code, parent=parent))
    return 0


def run_merge(args: argparse.Namespace) -> int:
    result = cb.merge_codes(
        handle(project(args), args), args.source, args.target, rationale=args.why
    )
    print(t("codebook.cli.merged", args.lang, source=args.source, target=args.target, **result))
    return 0


def run_split(args: argparse.Namespace) -> int:
    me = handle(project(args), args)
    result = cb.split_code(me, args.code, [{"name": n} for n in args.names], rationale=args.why)
    print(
        t(
            "codebook.cli.split",
            args.lang,
            code=args.code,
            codes=", ".join(result["codes"]),
            n=len(result["codings"]),
        )
    )
    codings = cb.codings_of(me, args.code)
    if codings:
        print(t("codebook.cli.to_recode", args.lang))
    for coding in codings:
        print(
            f"  #{coding['id']} {coding['document']} [{coding['start_char']}:"
            f"{coding['end_char']}] {coding['text'][:70]}"
        )
    return 0
