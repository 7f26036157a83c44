"""``workbench agreement`` and ``workbench sample create``: thin layers over workbench.consistency.

``workbench agreement --project PATH [--coders a,b,...] [--unit segment|turn|document]
[--all-documents] [--json]`` prints the same figures as the Consistentie page.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from workbench import agreement, consistency
from workbench.cli.common import add_project_argument, add_user_argument, project
from workbench.errors import InputError
from workbench.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "agreement",
        help="agreement between coders per code and overall (Krippendorff's alpha, kappa, AC1)",
        description="Agreement between coders on the units they both coded: Krippendorff's "
        "alpha with a 95% bootstrap interval, Cohen's kappa (two coders), Gwet's AC1 and "
        "percent agreement, per code (present/absent per unit) and over all codes.",
    )
    add_project_argument(parser)
    add_user_argument(parser)
    parser.add_argument(
        "--coders", default=None,
        help="comma-separated coder names; 'model' = the machine suggestions "
        "(default: every human coder with codings)",
    )
    parser.add_argument("--unit", choices=consistency.UNITS, default="segment",
                        help="what one judgement is about (default: segment)")
    parser.add_argument(
        "--all-documents", action="store_true",
        help="count every document as coded by every chosen coder (no coding = code absent); "
        "default: only documents every chosen coder has coded at least once",
    )
    parser.add_argument("--sample", type=int, default=None,
                        help="only the units of this double-coding sample (its id)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run_agreement)

    sample = sub.add_parser("sample", help="double-coding samples")
    sample_sub = sample.add_subparsers(dest="sample_command", metavar="COMMAND", required=True)
    create = sample_sub.add_parser(
        "create", help="pick documents or a share of segments for two or more coders",
        description="Create a double-coding sample: whole documents (--documents) or a "
        "seeded random share of segments (--share), assigned to the coders (--coders).",
    )
    add_project_argument(create)
    add_user_argument(create)
    create.add_argument("--name", required=True, help="name of the sample, e.g. 'ronde 1'")
    create.add_argument("--coders", required=True, help="comma-separated coder names (2 or more)")
    create.add_argument("--documents", default=None,
                        help="comma-separated document ids (default: every document)")
    create.add_argument("--share", type=float, default=None,
                        help="share of segments to draw, e.g. 0.2 (omit: whole documents)")
    create.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    create.set_defaults(func=run_sample_create)
    listing = sample_sub.add_parser("list", help="list the double-coding samples")
    add_project_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_sample_list)
    close = sample_sub.add_parser("close", help="end a sample's (blind) double coding")
    add_project_argument(close)
    add_user_argument(close)
    close.add_argument("sample", type=int, help="sample id")
    close.set_defaults(func=run_sample_close)


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        raise InputError("agreement.bad_coders", value=value)
    return names


def _ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise InputError("agreement.bad_documents", value=value) from None


def _number(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _row(label: str, f: dict[str, Any], lang: str) -> list[str]:
    lo, hi = f["alpha_ci"]
    ci = "-" if lo is None else f"[{lo:.3f}, {hi:.3f}]"
    verdict = agreement.verdict(f["alpha"]) or "undefined"
    return [label, _number(f["alpha"]), ci, _number(f["kappa"]), _number(f["ac1"]),
            _number(f["percent"]), str(f["n_units"]), t(f"agreement.verdict.{verdict}", lang)]


def run_agreement(args: argparse.Namespace) -> int:
    db = project(args)
    report = consistency.agreement_report(
        db, coders=_names(args.coders), unit=args.unit, all_documents=args.all_documents,
        sample_id=args.sample, actor=args.user,
    )
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    lang = args.lang
    if not consistency.reliability_on(db):
        print(t("agreement.cli.reliability_off", lang))
    print(t("agreement.cli.header", lang, unit=report["unit"],
            coders=", ".join(report["coders"]), n_units=report["n_units"]))
    if report["n_units"] == 0:
        print(t("agreement.cli.no_units", lang))
        return 0
    rows = [t("agreement.cli.columns", lang).split("|")]
    rows += [_row(name, f, lang) for name, f in report["codes"].items()]
    rows.append(_row(t("agreement.cli.overall", lang), report["overall"], lang))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w)
                        for j, (cell, w) in enumerate(zip(r, widths))).rstrip())
        if i == 0 or i == len(rows) - 2:
            print("  ".join("-" * w for w in widths))
    print(t("agreement.cli.thresholds", lang))
    return 0


def run_sample_create(args: argparse.Namespace) -> int:
    db = project(args)
    sample_id = consistency.create_sample(
        db, name=args.name, coders=_names(args.coders) or [], actor=args.user,
        documents=_ids(args.documents), share=args.share, seed=args.seed,
    )
    sample = consistency.get_sample(db, sample_id)
    print(t("agreement.cli.sample_created", args.lang, sample=sample_id,
            n_units=sample["n_units"], n_documents=sample["n_documents"],
            coders=", ".join(sample["coders"])))
    return 0


def run_sample_list(args: argparse.Namespace) -> int:
    samples = consistency.list_samples(project(args))
    if args.json:
        print(json.dumps(samples, indent=2, ensure_ascii=False))
        return 0
    for s in samples:
        print(t("agreement.cli.sample_line", args.lang, sample=s["id"], name=s["name"],
                status=s["status"], n_units=s["n_units"], unit=s["unit"],
                coders=", ".join(s["coders"])))
    return 0


def run_sample_close(args: argparse.Namespace) -> int:
    consistency.close_sample(project(args), args.sample, actor=args.user)
    print(t("agreement.cli.sample_closed", args.lang, sample=args.sample))
    return 0
