"""Arguments and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from workbench.handle import Project
from workbench.i18n import t
from workbench.store import DEFAULT_USER, open_project

DEFAULT_PROJECT = Path("projects/demo.db")


def add_project_argument(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--project PATH``: the project file (default: $WORKBENCH_PROJECT or projects/demo.db)."""
    parser.add_argument(
        "--project",
        type=Path,
        required=required,
        default=None if required else Path(os.environ.get("WORKBENCH_PROJECT", DEFAULT_PROJECT)),
        help="project file (SQLite)"
        + ("" if required else "; default $WORKBENCH_PROJECT or projects/demo.db"),
    )


def add_user_argument(parser: argparse.ArgumentParser) -> None:
    """``--user NAME``: who acts (default: $WORKBENCH_USER or the local default account)."""
    parser.add_argument(
        "--user",
        default=os.environ.get("WORKBENCH_USER", DEFAULT_USER),
        help=f"coder name to act as (default: $WORKBENCH_USER or {DEFAULT_USER})",
    )


def refusal(message: str, lang: str) -> str:
    """``message`` as the CLI prints a refusal: ``Fout: ...`` (``Error: ...`` in English).

    One prefix for every refusal, in the language of the message after it: a Dutch sentence
    behind an English "Error:" reads as two programs talking.
    """
    return t("cli.refusal", lang, message=message)


# Commands that may start a new project file. Every other command needs an existing project,
# so a mistyped --project gives "Fout: ... bestaat niet" instead of silently
# working on (and leaving behind) a new empty project.
CREATES_PROJECT = frozenset({"import", "codebook import", "respondents import"})


def command_name(args: argparse.Namespace) -> str:
    """``"codebook import"`` for ``workbench codebook import ...``: command plus action."""
    command = getattr(args, "command", None) or ""
    action = getattr(args, f"{command}_command", None)
    return f"{command} {action}" if action else command


def project(args: argparse.Namespace, *, create: bool | None = None) -> Database:
    """Open the project named by ``--project``; only commands in ``CREATES_PROJECT`` (or
    ``create=True``) make a new one."""
    if create is None:
        create = command_name(args) in CREATES_PROJECT
    return open_project(args.project, create=create)


def handle(db: Database, args: argparse.Namespace) -> Project:
    """``db`` as seen by ``--user`` (the local default account for commands without one)."""
    return Project.for_user(db, getattr(args, "user", DEFAULT_USER))


def open_for_import(args: argparse.Namespace) -> tuple[Database, Callable[[], None]]:
    """The project of an import command, and a function that removes it again when this
    command created it: a refused file must not leave an empty project behind."""
    path = Path(args.project)
    existed = path.exists()
    db = project(args)

    def discard() -> None:
        if existed:
            return
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return db, discard


def table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    """Rows as aligned columns under their header, two spaces apart, for text output."""
    lines = [header, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
