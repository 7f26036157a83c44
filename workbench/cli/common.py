"""Arguments and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sqlite_utils import Database

from workbench.store import DEFAULT_USER, open_project

DEFAULT_PROJECT = Path("projects/demo.db")


def add_project_argument(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--project PATH``: the project file (default: $WORKBENCH_PROJECT or projects/demo.db)."""
    parser.add_argument(
        "--project",
        type=Path,
        required=required,
        default=None if required else Path(os.environ.get("WORKBENCH_PROJECT", DEFAULT_PROJECT)),
        help="project file (SQLite); default $WORKBENCH_PROJECT or projects/demo.db",
    )


def add_user_argument(parser: argparse.ArgumentParser) -> None:
    """``--user NAME``: who acts (default: $WORKBENCH_USER or the local default account)."""
    parser.add_argument(
        "--user",
        default=os.environ.get("WORKBENCH_USER", DEFAULT_USER),
        help=f"coder name to act as (default: $WORKBENCH_USER or {DEFAULT_USER})",
    )


def project(args: argparse.Namespace) -> Database:
    """Open the project named by ``--project``."""
    return open_project(args.project)
