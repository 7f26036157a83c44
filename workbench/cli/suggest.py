"""``workbench suggest`` and ``workbench evaluate``: thin layers over workbench.suggest."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli.common import add_project_argument, add_user_argument, handle, project
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
        help="cross-validated precision, recall, F1 and alpha per code, over every sentence "
        "of the documents people coded",
    )
    add_project_argument(evaluate)
    add_user_argument(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print JSON")
    evaluate.set_defaults(func=run_evaluate)


def run_suggest(args: argparse.Namespace) -> int:
    if args.codebook:
        return _suggest_files(args)
    if args.input or args.output or args.train:
        raise InputError("suggest.cli_needs_codebook")
    from workbench.suggest.project import suggest_document, suggest_project, retrain

    me = handle(project(args), args)
    nlp = load_pipeline()
    model = retrain(me, nlp=nlp)
    if args.document is not None:
        counts = {args.document: len(suggest_document(me, args.document, nlp=nlp, model=model))}
    else:
        counts = suggest_project(me, nlp=nlp, model=model)
    for doc_id, n in counts.items():
        print(t("suggest.cli_stored", args.lang, n=n, document=doc_id, user=args.user))
    if wordless := model.wordless_names():
        print(t("suggest.wordless", args.lang, n=len(wordless), codes=", ".join(wordless)))
    return 0


def _suggest_files(args: argparse.Namespace) -> int:
    from workbench.suggest.codes import codes_from_file
    from workbench.suggest.passages import (
        build_suggester,
        read_jsonl,
        suggest_passages,
        write_jsonl,
    )

    if not args.input or not args.output:
        raise InputError("suggest.cli_needs_files")
    codes = codes_from_file(args.codebook)
    train = read_jsonl(args.train, required={"text": str, "codes": list}) if args.train else []
    items = read_jsonl(args.input, required={"id": str, "text": str})
    nlp = load_pipeline()
    suggester = build_suggester(
        codes, nlp, train=train, source=Path(args.train).name if args.train else "train"
    )
    n = write_jsonl(args.output, suggest_passages(suggester, nlp, items))
    print(t("suggest.cli_written", args.lang, n=n, path=args.output), file=sys.stderr)
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from workbench.suggest.evaluate import evaluate

    rows = evaluate(handle(project(args), args), nlp=load_pipeline())
    if args.json:  # the contract: keys and values as the package gives them
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for line in evaluation_lines(rows, args.lang):
        print(line)
    return 0


# Columns of the table: (key, right-aligned). Text columns read better left-aligned.
COLUMNS = (
    ("code", False),
    ("examples", True),
    ("proposed", True),
    ("precision", True),
    ("recall", True),
    ("f1", True),
    ("alpha", True),
    ("source", False),
    ("verdict", False),
)


def evaluation_lines(rows: list[dict], lang: str) -> list[str]:
    """``workbench evaluate`` as text in ``lang``: what it covers, the table, what the
    measures mean, and the words that no longer propose a code alone (with why)."""
    from workbench.suggest.display import distrusted_text, figure_with_interval as cell
    from workbench.suggest.display import source_text

    lines = []
    if rows:
        lines.append(
            t(
                "suggest.cli_scope",
                lang,
                sentences=rows[0]["sentences"],
                documents=rows[0]["documents"],
            )
        )
    table = [[t(f"suggest.col.{key}", lang) for key, _ in COLUMNS]]
    for r in rows:
        table.append(
            [
                r["code"],
                str(r["examples"]),
                "-" if r["proposed"] is None else str(r["proposed"]),
                cell(r["precision"], r["precision_interval"]),
                cell(r["recall"], r["recall_interval"]),
                cell(r["f1"], None),
                cell(r["alpha"], None),
                source_text(
                    r["source"], r["fold_sources"], lang, "suggest", r.get("sub_sources", ())
                ),
                t(f"suggest.verdict.{r['verdict']}", lang),
            ]
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for line in table:
        cells = [
            c.rjust(w) if right else c.ljust(w) for c, w, (_, right) in zip(line, widths, COLUMNS)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.append(t("suggest.cli_legend", lang))
    alone = [r for r in rows if r["distrusted"]]
    if alone:
        lines.append(t("suggest.cli_distrusted", lang))
        for r in alone:
            words = distrusted_text(r["distrusted"], r.get("distrusted_detail"), lang)
            lines.append(f"  {r['code']}: {words}")
    return lines
