"""``workbench agreement``, ``workbench sample`` and ``workbench done``: thin layers over
workbench.consistency and workbench.done_marks.

``workbench agreement --project PATH [--coders a,b,...] [--unit segment|turn|document]
[--all-documents] [--all-speakers] [--resample codings|documents] [--unitized]
[--drift week|sample] [--json]``
prints the same figures as the Consistentie page, and always says how many units of how many
were compared, why the others were not, and whose words were counted. The table writes
percent agreement as a percentage in the reader's language (99,9 % / 99.9%); ``--json`` keeps
it a fraction between 0 and 1 (0.999), like every other figure: that is the contract.
``--drift`` prints alpha per week or per sample instead, with what each batch covers.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from workbench import agreement, consistency, done_marks
from workbench.cli.common import add_project_argument, add_user_argument, handle, project
from workbench.errors import InputError
from workbench.handle import Project
from workbench.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "agreement",
        help="agreement between coders per code and overall (Krippendorff's alpha, kappa, AC1)",
        description="Agreement between coders on the units every chosen coder has seen (in "
        "their sample, marked done, or in a document that coder coded): Krippendorff's alpha with a 95% bootstrap interval, Cohen's kappa (two coders), Gwet's AC1 and "
        "percent agreement, per code (present/absent per unit) and over all codes.",
    )
    add_project_argument(parser)
    add_user_argument(parser)
    parser.add_argument(
        "--coders",
        default=None,
        help="comma-separated coder names; 'model' = the machine suggestions "
        "(default: the researchers and supervisors with codings, or every human coder but "
        "workshop groups when there are fewer than two of them; a coder who would shrink the "
        "documents they share is left out)",
    )
    parser.add_argument(
        "--unit",
        choices=consistency.UNITS,
        default=None,
        help="what one judgement is about (default: segment); a code counts for every unit "
        "its span overlaps by at least one character",
    )
    parser.add_argument(
        "--all-documents",
        action="store_true",
        help="count every document as seen by every chosen coder (no coding = code absent); "
        "default: only units every chosen coder has seen (in their sample, marked done with "
        "'workbench done', or coded by them)",
    )
    parser.add_argument(
        "--all-speakers",
        action="store_true",
        help="count every speaker's units, also the interviewer's questions; default: what "
        "analysis sees (project setting analysis_speakers: respondent turns unless 'all')",
    )
    parser.add_argument(
        "--resample",
        choices=consistency.RESAMPLE,
        default=None,
        help="what the bootstrap for the 95%% interval draws: units joined by one coding "
        "together (codings, default) or whole documents",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        help="only the units of this double-coding sample (its id)",
    )
    parser.add_argument(
        "--unitized",
        action="store_true",
        help="Krippendorff's unitized alpha on the coders' own character spans instead "
        "(each document its own continuum, every speaker; the 95%% interval resamples whole "
        "documents; refused with --unit or --resample)",
    )
    parser.add_argument(
        "--drift",
        choices=("week", "sample"),
        default=None,
        help="alpha over time instead: per week (every compared unit once, in the week the "
        "last chosen coder coded in its document or marked it done; 'no date' when neither) "
        "or per double-coding sample (its own units)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run_agreement)

    sample = sub.add_parser("sample", help="double-coding samples")
    sample_sub = sample.add_subparsers(dest="sample_command", metavar="COMMAND", required=True)
    create = sample_sub.add_parser(
        "create",
        help="pick documents or a share of segments for two or more coders",
        description="Create a double-coding sample: whole documents (--documents) or a "
        "seeded random share of the segments analysis sees (--share; with --all-speakers: "
        "of every speaker's segments), assigned to the coders (--coders). The sample says "
        "what it was drawn from.",
    )
    add_project_argument(create)
    add_user_argument(create)
    create.add_argument("--name", required=True, help="name of the sample, e.g. 'ronde 1'")
    create.add_argument("--coders", required=True, help="comma-separated coder names (2 or more)")
    create.add_argument(
        "--documents", default=None, help="comma-separated document ids (default: every document)"
    )
    create.add_argument(
        "--share",
        type=float,
        default=None,
        help="share of segments to draw, e.g. 0.2, from what analysis sees (project setting "
        "analysis_speakers: respondent turns unless 'all'); omit: whole documents",
    )
    create.add_argument(
        "--all-speakers",
        action="store_true",
        help="with --share: draw from every speaker's segments, also the interviewer's questions",
    )
    create.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    create.set_defaults(func=run_sample_create)
    listing = sample_sub.add_parser("list", help="list the double-coding samples")
    add_project_argument(listing)
    add_user_argument(listing)  # names of coders and documents: the role is checked
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_sample_list)
    close = sample_sub.add_parser("close", help="end a sample's (blind) double coding")
    add_project_argument(close)
    add_user_argument(close)
    close.add_argument("sample", type=int, help="sample id")
    close.set_defaults(func=run_sample_close)

    done = sub.add_parser(
        "done",
        help="mark documents as read in full by a coder ('klaar'), or list the marks",
        description="A coder marks the documents they have read in full, also those where "
        "they rightly applied no code; agreement then counts them as seen by that coder. "
        "Without documents: list the marks.",
    )
    add_project_argument(done)
    add_user_argument(done)
    done.add_argument("documents", nargs="*", type=int, help="document ids")
    done.add_argument("--all-documents", action="store_true", help="every document")
    done.add_argument(
        "--coder",
        default=None,
        help="whose mark (default: --user; researchers may mark for others)",
    )
    done.add_argument("--undo", action="store_true", help="remove the marks instead")
    done.add_argument("--json", action="store_true", help="print the list as JSON")
    done.set_defaults(func=run_done)


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


def _interval(f: dict[str, Any]) -> str:
    """ "[0.408, 1.000]", "[-, 1.000]" without a lower bound (too few draws held the code)."""
    lo, hi = f["alpha_ci"]
    if lo is None and hi is None:
        return "-"
    return f"[{agreement.shown(lo)}, {agreement.shown(hi)}]"


def _row(label: str, f: dict[str, Any], lang: str) -> list[str]:
    ci = _interval(f)
    verdict = f["verdict"] or "undefined"
    return [
        label,
        agreement.shown(f["alpha"]),
        ci,
        agreement.shown(f["kappa"]),
        agreement.shown(f["ac1"]),
        agreement.percent_text(f["percent"], lang),
        str(f["n_units"]),
        str(f["n_differ"]),
        t(f"agreement.verdict.{verdict}", lang),
    ]


def _print_table(rows: list[list[str]], *, total: bool = True) -> None:
    """Columns aligned, a rule under the header and (``total``) above the last row."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(w) if j == 0 else cell.rjust(w)
                for j, (cell, w) in enumerate(zip(r, widths))
            ).rstrip()
        )
        if i == 0 or (total and i == len(rows) - 2):
            print("  ".join("-" * w for w in widths))


def _unitized_row(label: str, f: dict[str, Any], lang: str) -> list[str]:
    return [
        label,
        agreement.shown(f["alpha"]),
        _interval(f),
        t(f"agreement.verdict.{f['verdict'] or 'undefined'}", lang),
    ]


def _print_scope(report: dict[str, Any], lang: str) -> None:
    """What was compared and why the rest was not, after a warning for a sample still being
    coded; a hint when marking done would add units (only for human coders: the model cannot
    mark documents done)."""
    for line in [
        *consistency.sample_open_lines(report, lang),
        *consistency.scope_lines(report, lang),
    ]:
        print(line)
    coders = consistency.to_mark_done(report)
    if coders:
        print(t("agreement.cli.done_hint", lang, coders=", ".join(coders)))


def _no_units(report: dict[str, Any], lang: str) -> None:
    """Nothing to compare: suggest marking done only when that would help."""
    key = "no_units" if consistency.to_mark_done(report) else "no_units_no_done"
    print(t(f"agreement.cli.{key}", lang))


def run_unitized(args: argparse.Namespace, me: Project) -> int:
    report = consistency.unitized_report(
        me,
        coders=_names(args.coders),
        all_documents=args.all_documents,
        sample_id=args.sample,
    )
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    lang = args.lang
    print(
        t(
            "agreement.cli.unitized_header",
            lang,
            coders=", ".join(report["coders"]),
            n=report["n_documents"],
        )
    )
    _print_scope(report, lang)
    if not report["codes"]:
        _no_units(report, lang)
        return 0
    rows = [t("agreement.cli.unitized_columns", lang).split("|")]
    rows += [_unitized_row(name, f, lang) for name, f in report["codes"].items()]
    rows.append(_unitized_row(t("agreement.cli.overall", lang), report["overall"], lang))
    _print_table(rows)
    for note in consistency.table_notes(report, lang):
        print(note)
    print(consistency.interval_line(report, lang, spans=True))
    print(t("agreement.cli.thresholds", lang))
    return 0


def _scope(args: argparse.Namespace) -> dict[str, Any]:
    """What the figures and the drift compare, as the options say (one reading for both)."""
    return {
        "coders": _names(args.coders),
        "unit": args.unit or "segment",
        "all_documents": args.all_documents,
        "sample_id": args.sample,
        "resample": args.resample or "codings",
        "all_speakers": args.all_speakers,
    }


def run_drift(args: argparse.Namespace, me: Project) -> int:
    """Alpha per batch, each batch with the days and units it covers, and what they add up to."""
    unit = args.unit or "segment"
    rows = consistency.drift(me, by=args.drift, **_scope(args))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    lang = args.lang
    by = t(f"agreement.cli.drift_by.{args.drift}", lang)
    table = [t("agreement.cli.drift_columns", lang, by=by).split("|")]
    for r in rows:
        verdict = r["verdict"] or "undefined"
        table.append(
            [
                consistency.batch_label(r, lang),
                consistency.batch_period(r, lang),
                str(r["n_documents"]),
                str(r["n_units"]),
                agreement.shown(r["alpha"]),
                _interval({"alpha_ci": [r["alpha_lo"], r["alpha_hi"]]}),
                t(f"agreement.verdict.{verdict}", lang),
            ]
        )
    if rows:
        _print_table(table, total=False)
    print(consistency.drift_note(rows, args.drift, unit, lang))
    return 0


def run_agreement(args: argparse.Namespace) -> int:
    if args.drift and args.unitized:
        raise InputError("agreement.cli.drift_refused")
    if args.drift:
        return run_drift(args, handle(project(args), args))
    if args.unitized:
        # u-alpha has no units and always resamples whole documents: refuse, never ignore
        for option, value in (("--unit", args.unit), ("--resample", args.resample)):
            if value is not None:
                raise InputError("agreement.cli.unitized_ignores", option=option)
        # --all-speakers is honoured as it is: a continuum is the whole document
        return run_unitized(args, handle(project(args), args))
    me = handle(project(args), args)
    report = consistency.agreement_report(me, **_scope(args))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    lang = args.lang
    if not consistency.reliability_on(me):
        print(t("agreement.cli.reliability_off", lang))
    print(
        t(
            "agreement.cli.header",
            lang,
            unit=report["unit"],
            coders=", ".join(report["coders"]),
            n_units=report["n_units"],
        )
    )
    _print_scope(report, lang)
    if report["n_units"] == 0:
        _no_units(report, lang)
        return 0
    if not report["codes"]:  # units seen, none coded: a table of one empty row said "0 units"
        print(consistency.no_codes_line(report, lang))
        return 0
    rows = [t("agreement.cli.columns", lang).split("|")]
    rows += [_row(name, f, lang) for name, f in report["codes"].items()]
    rows.append(_row(t("agreement.cli.overall", lang), report["overall"], lang))
    _print_table(rows)
    for note in consistency.table_notes(report, lang):
        print(note)
    print(consistency.interval_line(report, lang))
    print(t("agreement.cli.thresholds", lang))
    return 0


def run_sample_create(args: argparse.Namespace) -> int:
    me = handle(project(args), args)
    sample_id = consistency.create_sample(
        me,
        name=args.name,
        coders=_names(args.coders) or [],
        documents=_ids(args.documents),
        share=args.share,
        seed=args.seed,
        all_speakers=args.all_speakers,
    )
    sample = consistency.get_sample(me, sample_id)
    print(
        t(
            "agreement.cli.sample_created",
            args.lang,
            sample=sample_id,
            covers=consistency.describe_sample(sample, args.lang),
            coders=", ".join(sample["coders"]),
        )
    )
    return 0


def run_sample_list(args: argparse.Namespace) -> int:
    samples = consistency.list_samples(handle(project(args), args))
    if args.json:
        print(json.dumps(samples, indent=2, ensure_ascii=False))
        return 0
    for s in samples:
        print(
            t(
                "agreement.cli.sample_line",
                args.lang,
                sample=s["id"],
                name=s["name"],
                status=s["status"],
                covers=consistency.describe_sample(s, args.lang),
                coders=", ".join(s["coders"]),
            )
        )
    return 0


def run_sample_close(args: argparse.Namespace) -> int:
    consistency.close_sample(handle(project(args), args), args.sample)
    print(t("agreement.cli.sample_closed", args.lang, sample=args.sample))
    return 0


def run_done(args: argparse.Namespace) -> int:
    db = project(args)
    coder = args.coder or args.user
    if not args.documents and not args.all_documents:
        marks = done_marks.list_marks(handle(db, args), coder=args.coder)
        if args.json:
            print(json.dumps(marks, indent=2, ensure_ascii=False))
            return 0
        for m in marks:
            print(
                t(
                    "agreement.cli.done_line",
                    args.lang,
                    coder=m["coder"],
                    document_id=m["document_id"],
                    document=m["document"],
                )
            )
        return 0
    documents = None if args.all_documents else args.documents
    me = handle(db, args)
    marked = (
        {m["document_id"] for m in done_marks.list_marks(me, coder=coder)}
        if me.can("read") and not args.undo
        else set()
    )
    changed = done_marks.mark_done(me, documents, coder=coder, done=not args.undo)
    print(
        t(
            "agreement.cli.undone" if args.undo else "agreement.cli.done",
            args.lang,
            n=changed,
            coder=coder,
        )
    )
    already = marked if documents is None else marked & set(documents)
    if already:  # "0 documents marked done" alone read as if nothing happened to them
        print(t("agreement.cli.done_already", args.lang, n=len(already), coder=coder))
    return 0
