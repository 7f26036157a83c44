"""``workbench import``, ``respondents``, ``speakers`` and ``demo``: thin layers over
:mod:`workbench.imports` (files coming in), ingest and respondents.

Per file the import prints the detected format, encoding, speakers, turns and segments, and
ends with a summary; a progress bar goes to stderr so stdout stays readable in scripts. The
exit code is 1 when any file failed, so a script notices a bad batch.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli.common import (
    add_project_argument,
    add_user_argument,
    handle,
    open_for_import,
    project,
)
from workbench.i18n import decimal, t
from workbench.imports import import_file, import_files, scan_paths
from workbench.ingest import FileResult, list_speakers, set_label_role, set_speaker_role
from workbench.ingest.roles import role_effect
from workbench.ingest.roles import ROLES
from workbench.nlp import load_pipeline, pipeline_info


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="import transcripts (txt, md, docx, odt, pdf, vtt, srt, qdpx)",
        description="Import transcripts into the project; each file all or nothing.",
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="files to import; a folder means the importable files in it",
    )
    add_project_argument(parser)
    add_user_argument(parser)
    parser.add_argument(
        "--respondent",
        metavar="ID",
        help="link every imported document to this respondent code (made if new)",
    )
    parser.add_argument(
        "--max-mb",
        type=float,
        default=None,
        metavar="N",
        help="refuse files above N MB (default: project setting max_file_mb, 50)",
    )
    parser.set_defaults(func=run_import)

    resp = sub.add_parser("respondents", help="respondents (cases) and their attributes")
    resp_sub = resp.add_subparsers(dest="respondents_command", metavar="ACTION", required=True)
    p = resp_sub.add_parser("import", help="import one row per respondent from CSV or XLSX")
    p.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx; first column = code")
    add_project_argument(p)
    add_user_argument(p)
    p.set_defaults(func=run_respondents_import)
    p = resp_sub.add_parser("list", help="list respondents with their attributes")
    add_project_argument(p)
    add_user_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_respondents_list)
    p = resp_sub.add_parser("link", help="link a document to a respondent")
    p.add_argument("document", type=int, metavar="DOCUMENT_ID", help="document id")
    p.add_argument("respondent", metavar="RESPONDENT", help="respondent code, or - to unlink")
    add_project_argument(p)
    add_user_argument(p)
    p.set_defaults(func=run_respondents_link)
    p = resp_sub.add_parser("attribute", help="add an attribute or change its type")
    p.add_argument("name", help="attribute name")
    p.add_argument("type", choices=["text", "number", "date", "boolean"], help="attribute type")
    add_project_argument(p)
    add_user_argument(p)
    p.set_defaults(func=run_respondents_attribute)

    spk = sub.add_parser("speakers", help="speakers per document and their roles")
    spk_sub = spk.add_subparsers(dest="speakers_command", metavar="ACTION", required=True)
    p = spk_sub.add_parser("list", help="list speakers with their guessed or chosen role")
    add_project_argument(p)
    p.add_argument("--document", type=int, metavar="ID", help="only this document")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_user_argument(p)  # the labels can be names: the read checks the role
    p.set_defaults(func=run_speakers_list)
    p = spk_sub.add_parser("set", help="set the role of a speaker")
    p.add_argument("speaker", type=int, metavar="SPEAKER_ID", help="speaker id (see speakers list)")
    p.add_argument("role", choices=ROLES, help="interviewer, respondent or other")
    add_project_argument(p)
    add_user_argument(p)
    p.set_defaults(func=run_speakers_set)
    p = spk_sub.add_parser("set-label", help="set the role of a speaker label in every document")
    p.add_argument("label", metavar="LABEL", help="the label as listed (e.g. I)")
    p.add_argument("role", choices=ROLES, help="interviewer, respondent or other")
    add_project_argument(p)
    add_user_argument(p)
    p.set_defaults(func=run_speakers_set_label)

    demo = sub.add_parser("demo", help="create and fill the demo project (fictional interviews)")
    add_project_argument(demo)
    demo.set_defaults(func=run_demo)


class ProgressBar:
    """A plain text progress bar on stderr (no dependency, safe when stderr is a file)."""

    def __init__(self, total: int, width: int = 30) -> None:
        self.total, self.width = total, width

    def __call__(self, done: int, total: int, result: FileResult) -> None:
        filled = int(self.width * done / max(total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done == total else ""
        print(
            f"\r[{bar}] {done}/{total} {result.name[:40]:<40}", end=end, file=sys.stderr, flush=True
        )


def run_import(args: argparse.Namespace) -> int:
    files, skipped = scan_paths(args.files)  # nothing to import: says so, creates no project
    db, discard = open_for_import(args)
    nlp = load_pipeline()
    print(t("ingest.cli.pipeline", args.lang, name=pipeline_info(nlp)["name"]))
    report = import_files(
        handle(db, args),
        files,
        respondent=args.respondent,
        max_mb=args.max_mb,
        progress=ProgressBar(len(files)),
        nlp=nlp,
    )
    report.skipped = skipped
    for result in report.results:
        if result.ok and result.format == "qdpx":
            print(result.details.text(args.lang), end="")  # REFI-QDA data-loss report
        elif result.ok:
            speakers = (
                ", ".join(
                    f"{label} ({t(f'ingest.role.{role}', args.lang)})"
                    for label, role in result.speakers.items()
                )
                or "-"
            )
            print(
                t(
                    "ingest.cli.file_ok",
                    args.lang,
                    file=result.name,
                    format=result.format,
                    encoding=result.encoding or "-",
                    speakers=speakers,
                    turns=result.n_turns,
                    segments=result.n_segments,
                    words=result.n_words,
                )
            )
            for line in result.warning_lines(args.lang):
                print("! " + line)
        else:
            print(t("ingest.cli.file_failed", args.lang, message=result.message(args.lang)))
    seconds = max(report.seconds, 1e-9)
    print(
        t(
            "ingest.cli.summary",
            args.lang,
            imported=len(report.imported),
            failed=len(report.failed),
            words=report.n_words,
            seconds=decimal(report.seconds),
            rate=decimal(report.n_words / seconds, 0, grouped=True),
        )
    )
    if report.skipped:
        print(report.skipped_line(args.lang))
    if not report.imported:
        discard()  # a project made for this command keeps nothing: leave none behind
    return 0 if report.ok else 1


def run_respondents_import(args: argparse.Namespace) -> int:
    from workbench.respondents import import_summary

    db = project(args)
    result = import_file(handle(db, args), args.file, accept=["respondents"]).details
    for line in import_summary(result, args.lang):
        print(line)
    for name, type_ in result["attributes"].items():
        print(f"  {name}: {t(f'respondents.type.{type_}', args.lang)}")
    return 0


def run_respondents_list(args: argparse.Namespace) -> int:
    from workbench.patterns.fragments import value_label
    from workbench.respondents import list_attributes, list_respondents, typed_value

    acting = handle(project(args), args)
    respondents = list_respondents(acting)
    types = {a["name"]: a["type"] for a in list_attributes(acting)}
    if args.json:  # a yes/no value as a JSON boolean, not the stored text "true"
        for r in respondents:
            r["attributes"] = {
                k: typed_value(v, "boolean") if types[k] == "boolean" else v
                for k, v in r["attributes"].items()
            }
        print(json.dumps(respondents, indent=2, ensure_ascii=False))
        return 0
    if not respondents:
        print(t("ingest.cli.no_respondents", args.lang))
    for r in respondents:  # yes/no as "ja"/"nee" ("yes"/"no"), as the app's pages show it
        values = ", ".join(
            f"{k}={value_label(v, types[k], args.lang)}" for k, v in r["attributes"].items()
        )
        print(f"{r['code']}\t{r['pseudonym'] or '-'}\t{r['n_documents']} doc\t{values}")
    return 0


def run_respondents_link(args: argparse.Namespace) -> int:
    from workbench.respondents import link_document

    respondent = None if args.respondent == "-" else args.respondent
    link_document(handle(project(args), args), args.document, respondent)
    if respondent is None:  # "-" unlinks: say so, not "belongs to -"
        print(t("ingest.cli.unlinked", args.lang, document=args.document))
    else:
        print(t("ingest.cli.linked", args.lang, document=args.document, respondent=respondent))
    return 0


def run_respondents_attribute(args: argparse.Namespace) -> int:
    from workbench.respondents import define_attribute

    define_attribute(handle(project(args), args), args.name, args.type)
    print(
        t(
            "ingest.cli.attribute",
            args.lang,
            name=args.name,
            type=t(f"respondents.type.{args.type}", args.lang),
        )
    )
    return 0


def run_speakers_list(args: argparse.Namespace) -> int:
    db = project(args)
    speakers = list_speakers(handle(db, args), args.document)
    if args.json:
        print(json.dumps(speakers, indent=2, ensure_ascii=False))
        return 0
    print("id\tdocument\tlabel\trole\tturns")
    for s in speakers:
        print(f"{s['id']}\t{s['document']}\t{s['label']}\t{s['role']}\t{s['n_turns']}")
    return 0


def run_speakers_set(args: argparse.Namespace) -> int:
    db = project(args)
    speaker = set_speaker_role(handle(db, args), args.speaker, args.role)
    print(
        t(
            "ingest.cli.role_set",
            args.lang,
            speaker=args.speaker,
            label=speaker["label"],
            role=t(f"ingest.role.{args.role}", args.lang),
        )
    )
    print(t(role_effect(args.role), args.lang, label=speaker["label"]))
    return 0


def run_speakers_set_label(args: argparse.Namespace) -> int:
    changed = set_label_role(handle(project(args), args), args.label, args.role)
    role = t(f"ingest.role.{args.role}", args.lang)
    print(t("ingest.cli.label_role_set", args.lang, label=args.label, role=role, n=changed))
    print(t(role_effect(args.role), args.lang, label=args.label))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from workbench.demo import load_demo

    summary = load_demo(args.project)
    key = "ingest.cli.demo_created" if summary["created"] else "ingest.cli.demo_exists"
    print(
        t(
            key,
            args.lang,
            path=args.project,
            **{k: v for k, v in summary.items() if k not in ("created", "problems")},
        )
    )
    for problem in summary["problems"]:
        print("  - " + problem.message(args.lang), file=sys.stderr)
    return 0
