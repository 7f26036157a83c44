"""``workbench info``: what project and which Dutch pipeline are in use."""

from __future__ import annotations

import argparse
import json

from workbench.cli.common import add_project_argument, project
from workbench.i18n import t
from workbench.ingest.catalog import project_counts
from workbench.nlp import load_pipeline, pipeline_info
from workbench.store import schema_version


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("info", help="show the project, its schema and the Dutch pipeline")
    add_project_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run_info)


def run_info(args: argparse.Namespace) -> int:
    if not args.project.exists():
        # a status command: on a fresh checkout it still says which pipeline is active
        return _info_without_project(args)
    db = project(args)
    counts = project_counts(db)
    info = {
        "project": str(args.project),
        "exists": True,
        "schema_version": schema_version(db),
        "pipeline": pipeline_info(load_pipeline()),
        "counts": counts,
    }
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(t("cli.info.project", args.lang, path=args.project, version=info["schema_version"]))
    print(t("cli.info.pipeline", args.lang, name=info["pipeline"]["name"]))
    for table, n in counts.items():
        if table == "header_turns" and not n:  # most projects have none: no line saying 0
            continue
        print(f"  {t(f'cli.info.count.{table}', args.lang)}: {n}")
    return 0


def _info_without_project(args: argparse.Namespace) -> int:
    info = {
        "project": str(args.project),
        "exists": False,
        "pipeline": pipeline_info(load_pipeline()),
    }
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(t("cli.info.no_project", args.lang, path=args.project))
    print(t("cli.info.pipeline", args.lang, name=info["pipeline"]["name"]))
    return 0
