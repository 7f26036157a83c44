"""``workbench suggest`` and ``workbench evaluate``: thin layers over workbench.suggest."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli.common import add_project_argument, add_user_argument, project
from workbench.errors import InputError
from workbench.i18n import t
from workbench.nlp import load_pipeline


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "suggest",
        help="propose codes for passages (JSONL files) or for a project's documents",
        description="Two modes. Files: --codebook PATH [--train TRAIN.jsonl] --input IN.jsonl "
        "--output OUT.jsonl writes, per input line, the codes the workbench would propose "
        "(above its threshold, highest score first) with score and evidence. Project: "
        "--project PATH [--document ID] stores suggestions as open codings for --user to "
        "accept or reject; nothing is applied without a decision.",
    )
    parser.add_argument("--codebook", help="codebook YAML (file mode)")
    parser.add_argument("--train", help='JSONL {"text": ..., "codes": [...]}: coded passages')
    parser.add_argument("--input", help='JSONL {"id": ..., "text": ...}: passages to code')
    parser.add_argument("--output", help="JSONL to write the suggestions to")
    add_project_argument(parser)
    parser.add_argument("--document", type=int, help="only this document id (project mode)")
    add_user_argument(parser)
    parser.set_defaults(func=run_suggest)

    evaluate = sub.add_parser(
        "evaluate",
        help="cross-validated precision, recall, F1 and alpha per code on the human codings",
    )
    add_project_argument(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print JSON")
    evaluate.set_defaults(func=run_evaluate)


def run_suggest(args: argparse.Namespace) -> int:
    if args.codebook:
        return _suggest_files(args)
    if args.input or args.output or args.train:
        raise InputError("suggest.cli_needs_codebook")
    from workbench.suggest.project import suggest_document, suggest_project, retrain

    db = project(args)
    nlp = load_pipeline()
    model = retrain(db, nlp=nlp)
    if args.document is not None:
        counts = {args.document: len(
            suggest_document(db, args.document, coder=args.user, nlp=nlp, model=model)
        )}
    else:
        counts = suggest_project(db, coder=args.user, nlp=nlp, model=model)
    for doc_id, n in counts.items():
        print(t("suggest.cli_stored", args.lang, n=n, document=doc_id, user=args.user))
    return 0


def _suggest_files(args: argparse.Namespace) -> int:
    from workbench.suggest.codes import codes_from_file
    from workbench.suggest.passages import (
        build_suggester, read_jsonl, suggest_passages, write_jsonl,
    )

    if not args.input or not args.output:
        raise InputError("suggest.cli_needs_files")
    codes = codes_from_file(args.codebook)
    train = read_jsonl(args.train, required={"text": str, "codes": list}) if args.train else []
    items = read_jsonl(args.input, required={"id": str, "text": str})
    nlp = load_pipeline()
    suggester = build_suggester(codes, nlp, train=train,
                                source=Path(args.train).name if args.train else "train")
    n = write_jsonl(args.output, suggest_passages(suggester, nlp, items))
    print(t("suggest.cli_written", args.lang, n=n, path=args.output), file=sys.stderr)
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from workbench.suggest.evaluate import evaluate

    rows = evaluate(project(args), nlp=load_pipeline())
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    header = ["code", "examples", "precision", "recall", "f1", "alpha", "source"]
    print("  ".join(f"{h:>10}" if i else f"{h:<28}" for i, h in enumerate(header)))
    for r in rows:
        cells = [r["code"]] + ["-" if r[h] is None else r[h] for h in header[1:]]
        print("  ".join(f"{c:>10}" if i else f"{c:<28}" for i, c in enumerate(cells)))
    return 0
