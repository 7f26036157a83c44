"""Privacy and reliability commands: backup, restore, pseudonymise, users, history, undo.

Thin wrappers over :mod:`workbench.privacy`, :mod:`workbench.accounts` and
:mod:`workbench.history`. The command line trusts the person at the keyboard as the user
named by ``--user`` (whoever can read the project file can read the data anyway); roles and
passwords guard the app.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from workbench import accounts, history, history_about
from workbench.cli.common import (
    refusal,
    add_project_argument,
    add_user_argument,
    handle,
    project,
    table_lines,
)
from workbench.codings import code_id
from workbench.errors import InputError
from workbench.i18n import Term, listing, moment, t
from workbench.nlp import load_pipeline
from workbench.privacy import add_known_name, apply_pseudonyms, candidates, decide, key_file
from workbench.privacy.backup import backup, restore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backup",
        help="copy the project safely (SQLite online backup), also while the app is running",
    )
    add_project_argument(p)
    add_user_argument(p)
    p.add_argument("--output", type=Path, required=True, help="file to write the copy to")
    p.add_argument(
        "--with-key",
        action="store_true",
        help="also copy the pseudonym key (<output>.key.json); keep it as safe",
    )
    p.set_defaults(func=run_backup)

    p = sub.add_parser(
        "restore",
        help="put a backup back in place of the project (checked "
        "first; the replaced project is kept as .bak; close the app first)",
    )
    p.add_argument("file", type=Path, help="the backup file")
    add_project_argument(p, required=True)
    p.set_defaults(func=run_restore)

    p = sub.add_parser(
        "pseudonymise",
        help="list candidate names, record decisions and replace accepted names in every document",
    )
    add_project_argument(p)
    add_user_argument(p)
    p.add_argument(
        "--review",
        action="store_true",
        help="ask about each new candidate: j(a)/n(ee)/replacement/Enter to skip",
    )
    p.add_argument(
        "--accept",
        metavar="WHICH",
        help="accept candidates without asking: 'all' (all new), 'known', or "
        "numbers from the list, e.g. 1,3,5",
    )
    p.add_argument("--reject", metavar="NUMBERS", help="reject candidates by number, e.g. 2,4")
    p.add_argument(
        "--replacement",
        action="append",
        default=[],
        metavar="NAME=PSEUDONYM",
        help="accept NAME with this replacement (repeatable), e.g. 'Jan=Piet'",
    )
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="NAME=KIND",
        help="person, place, organisation or other (repeatable), e.g. 'Zwolle=place'",
    )
    p.add_argument(
        "--known",
        action="append",
        default=[],
        metavar="RESPONDENT=NAME",
        help="add a known name of a respondent (kept in the key file only)",
    )
    p.add_argument("--json", action="store_true", help="print the candidates as JSON")
    p.set_defaults(func=run_pseudonymise)

    users = sub.add_parser("users", help="local accounts and roles")
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    for name, helptext in (
        ("add", "create an account"),
        ("list", "list the accounts"),
        ("passwd", "set or remove a password"),
        ("role", "change a role"),
    ):
        p = users_sub.add_parser(name, help=helptext)
        add_project_argument(p)
        add_user_argument(p)
        if name != "list":
            p.add_argument("name", help="the account (coder name)")
        if name == "add":
            p.add_argument(
                "--role",
                required=True,
                choices=accounts.LOGIN_ROLES,
                help="onderzoeker, co-onderzoeker or supervisor",
            )
        if name == "role":
            p.add_argument("role", choices=accounts.LOGIN_ROLES, help="the new role")
        if name in ("add", "passwd"):
            p.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from the first line of standard input",
            )
        if name == "passwd":
            p.add_argument(
                "--remove",
                action="store_true",
                help="remove the password (the account can no longer log in)",
            )
        if name == "list":
            p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=run_users)

    p = sub.add_parser("history", help="what happened to a document or a code (event log)")
    add_project_argument(p)
    add_user_argument(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--document", type=int, metavar="ID", help="document id")
    which.add_argument("--code", metavar="ID", help="code id or slug")
    p.add_argument("--limit", type=int, default=100, help="at most this many events (100)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_history)

    p = sub.add_parser(
        "undo", help="undo the user's last coding, decision, memo, code edit or life-event change"
    )
    add_project_argument(p)
    p.add_argument("--user", required=True, help="whose last action to undo")
    p.add_argument(
        "--past-blocked",
        action="store_true",
        help="when the last action can no longer be undone, leave it and undo the one before",
    )
    p.set_defaults(func=run_undo)


def run_backup(args: argparse.Namespace) -> int:
    made = backup(handle(project(args), args), args.output, with_key=args.with_key)
    print(t("cli.privacy.backup_done", args.lang, path=made.path))
    if not made.logged:
        print(t("backup.not_logged", args.lang))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    result = restore(args.file, args.project)
    print(
        t(
            "cli.privacy.restore_done",
            args.lang,
            path=result["project"],
            documents=result["documents"],
            codings=result["codings"],
        )
    )
    if result["replaced"]:
        print(t("cli.privacy.restore_kept", args.lang, path=result["replaced"]))
    if result["key"]:
        print(t("privacy.restore_key_back", args.lang, path=result["key"]))
        if result["key_replaced"]:
            print(t("privacy.restore_key_replaced", args.lang, path=result["key_replaced"]))
    elif Path(result["key_path"]).exists():  # not "put it back there": it is there
        print(t("privacy.restore_key_stays", args.lang, path=result["key_path"]))
    else:
        print(t("privacy.restore_key_elsewhere", args.lang, path=result["key_path"]))
    return 0


def _numbers(text: str | None, size: int) -> list[int]:
    if not text:
        return []
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError("cli.privacy.bad_numbers", value=text) from None
    for n in numbers:
        if not 1 <= n <= size:
            raise InputError("cli.privacy.number_out_of_range", number=n, size=size)
    return numbers


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        left, sep, right = item.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise InputError("cli.privacy.bad_pair", option=option, value=item)
        out[left.strip()] = right.strip()
    return out


def _shown_context(context: dict, lang: str) -> str:
    """``…left[name]right…``, after where it is when that is not a transcript ("memo 3: ")."""
    shown = f"…{context['left']}[{context['match']}]{context['right']}…"
    where = context.get("where")
    return f"{t(where['key'], lang, **where['params'])}: {shown}" if where else shown


def _print_candidates(found: list[dict], lang: str) -> None:
    for n, cand in enumerate(found, start=1):
        context = cand["contexts"][0] if cand["contexts"] else None
        shown = _shown_context(context, lang) if context else ""
        status = t(f"cli.privacy.status.{cand['status']}", lang)
        replacement = f" -> {cand['replacement']}" if cand["replacement"] else ""
        print(
            f"{n:>3}. {cand['original']} ({cand['kind']}, {cand['count']}x) {status}{replacement}"
        )
        if shown:
            print(f"     {shown}")


def _ask(cand: dict, lang: str) -> tuple[bool, str | None] | None:
    # questions go to stderr so that --json output on stdout stays clean
    print(
        t(
            "cli.privacy.review_question",
            lang,
            name=cand["original"],
            kind=cand["kind"],
            count=cand["count"],
        ),
        file=sys.stderr,
    )
    for context in cand["contexts"]:
        print(f"   {_shown_context(context, lang)}", file=sys.stderr)
    print("> ", end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    answer = line.strip()
    if not answer:
        return None
    if answer.lower() in ("j", "ja", "y", "yes"):
        return True, None
    if answer.lower() in ("n", "nee", "no"):
        return False, None
    return True, answer


def run_pseudonymise(args: argparse.Namespace) -> int:
    db = project(args)
    me = handle(db, args)
    for respondent, name in _pairs(args.known, "--known").items():
        add_known_name(me, respondent, name)
    found = candidates(me, nlp=load_pipeline())
    kinds = _pairs(args.kind, "--kind")
    replacements = _pairs(args.replacement, "--replacement")
    accepted = set()
    if args.accept == "all":
        accepted = {c["original"] for c in found if c["status"] == "new"}
    elif args.accept == "known":
        accepted = {c["original"] for c in found if c["source"] == "known"}
    elif args.accept:
        accepted = {found[n - 1]["original"] for n in _numbers(args.accept, len(found))}
    rejected = {found[n - 1]["original"] for n in _numbers(args.reject, len(found))}
    decisions: dict[str, tuple[bool, str | None]] = {name: (True, None) for name in accepted}
    decisions.update({name: (False, None) for name in rejected})
    decisions.update({name: (True, repl) for name, repl in replacements.items()})
    already = {c["original"] for c in found if c["status"] == "accepted"}
    decisions.update({name: (True, None) for name in kinds.keys() & already - decisions.keys()})
    unused = sorted(kinds.keys() - decisions.keys())
    if unused:  # a kind is stored with a decision: said, not dropped without a word
        print(t("cli.privacy.kind_unused", args.lang, names=listing(unused)), file=sys.stderr)
    detected = {c["original"]: c["kind"] for c in found}
    for name, (accept, replacement) in sorted(decisions.items()):
        decide(
            me,
            name,
            accept=accept,
            kind=kinds.get(name, detected.get(name)),
            replacement=replacement,
            apply=False,
        )  # applied once, below
    if args.review:
        for cand in [c for c in found if c["status"] == "new"]:
            if cand["original"] in decisions:
                continue
            try:
                choice = _ask(cand, args.lang)
            except EOFError:
                break
            if choice is not None:
                decide(
                    me,
                    cand["original"],
                    accept=choice[0],
                    kind=cand["kind"],
                    replacement=choice[1],
                    apply=False,
                )
    if decisions or args.review:
        found = candidates(me, nlp=load_pipeline())
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        _print_candidates(found, args.lang)
    result = apply_pseudonyms(me)
    print(
        t(
            "cli.privacy.applied",
            args.lang,
            spans=result["spans"],
            added=result["added"],
            removed=result["removed"],
            keyfile=key_file(db),
        ),
        file=sys.stderr,
    )
    return 0


def _password(args: argparse.Namespace) -> str | None:
    if getattr(args, "remove", False):
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        if args.users_command == "add":
            return None
        raise InputError("cli.privacy.password_needed")
    first = getpass.getpass(t("cli.privacy.password_prompt", args.lang))
    if not first and args.users_command == "add":
        return None
    if getpass.getpass(t("cli.privacy.password_again", args.lang)) != first:
        raise InputError("cli.privacy.password_mismatch")
    return first


def _users_table(users: list[dict], lang: str) -> list[str]:
    """The accounts as aligned columns under headers, each role in the reader's words
    ("researcher", not the stored "onderzoeker"), as the app's accounts table shows them.
    JSON (``--json``) keeps the stored role for scripts."""
    header = [t(f"cli.privacy.users_col.{c}", lang) for c in ("name", "role", "password")]
    rows = []
    for u in users:
        lock = "cli.privacy.has_password" if u["has_password"] else "cli.privacy.no_password"
        role = accounts.role_words(u["role"])
        rows.append([u["name"], t(role.key, lang, **role.params), t(lock, lang)])
    return table_lines(header, rows)


def run_users(args: argparse.Namespace) -> int:
    db = project(args)
    if args.users_command == "list":
        users = accounts.list_users(db)
        if args.json:
            print(json.dumps(users, ensure_ascii=False, indent=2))
        else:
            for line in _users_table(users, args.lang):
                print(line)
        return 0
    # each action says what it did ("Done: eva." did not say which role or password)
    if args.users_command == "passwd":
        password = _password(args)
        accounts.set_password(handle(db, args), args.name, password)
        done = "cli.privacy.password_removed" if password is None else "cli.privacy.password_set"
        print(t(done, args.lang, name=args.name))
        return 0
    if args.users_command == "add":
        password = _password(args)
        accounts.add_user(handle(db, args), args.name, role=args.role, password=password)
        done = "cli.privacy.user_added" if password else "cli.privacy.user_added_no_password"
    else:
        accounts.set_role(handle(db, args), args.name, args.role)
        done = "cli.privacy.role_changed"
    role = accounts.role_words(args.role)
    print(t(done, args.lang, name=args.name, role=t(role.key, args.lang, **role.params)))
    return 0


def run_history(args: argparse.Namespace) -> int:
    me = handle(project(args), args)
    if args.document is not None:
        events = history.document_history(me, args.document, limit=args.limit)
    else:
        code = int(args.code) if args.code.isdigit() else args.code
        events = history.code_history(me, code_id(me, code), limit=args.limit)
    if args.json:
        print(json.dumps(events, ensure_ascii=False, indent=2, default=str))
        return 0
    if not events:
        print(t("cli.privacy.no_history", args.lang))
        return 0
    print("\n".join(_history_table(events, history_about.event_about(me, events), args.lang)))
    return 0


def _history_table(events: list[dict], about: list[Term], lang: str) -> list[str]:
    """The events as the app's history table shows them: when (in words, local time), who,
    what in neutral words (not "coding.add"), about what (``history_about.event_about``: the code
    and document, both codes of a merge, what an undo took back), undone yes/no; not the
    row's internal id. JSON (``--json``) keeps the stored times, actions and ids for scripts."""
    columns = ("at", "actor", "action", "about", "undone")
    header = [t(f"cli.privacy.history_col.{c}", lang) for c in columns]
    rows = [
        [
            moment(e["at"], lang),
            e["actor"],
            t(history.event_words(e["action"]).key, lang),
            t(words.key, lang, **words.params),
            t("cli.privacy.yes" if e["undone"] else "cli.privacy.no", lang),
        ]
        for e, words in zip(events, about)
    ]
    return table_lines(header, rows)


def run_undo(args: argparse.Namespace) -> int:
    me = handle(project(args), args)
    try:
        event = history.undo_last(me, past_blocked=args.past_blocked)
    except InputError as refused:
        if refused.key != "history.undo_blocked":
            raise
        print(refusal(refused.message(args.lang), args.lang), file=sys.stderr)
        print(t("cli.privacy.undo_past_blocked", args.lang), file=sys.stderr)
        return 1
    words = t(history.action_words(event["action"]).key, args.lang)
    print(t("cli.privacy.undo_done", args.lang, action=words, at=moment(event["at"], args.lang)))
    for blocked in event["passed"]:  # left as they are: say which and why
        print(blocked["reason"].message(args.lang))
    passed = me.can("codebook.edit") and history.codebook_changes_passed(me, event)
    if passed:
        print(t("cli.privacy.undo_passed", args.lang, n=passed))
    return 0
