"""The ``workbench`` command line: a thin layer over the package.

Each area registers its subcommands from its own module (``workbench/cli/<area>.py`` with a
``register(subparsers)`` function) so commands stay next to nothing but argument handling.
Errors meant for people (:class:`~workbench.errors.WorkbenchError`) print ``Error: ...`` in
the chosen language and exit 1; anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.errors import WorkbenchError

# One module per area; each defines register(subparsers).
AREAS = ["project", "ingest", "agreement", "suggest", "exchange", "privacy", "codebook", "patterns",
         "app"]


class Parser(argparse.ArgumentParser):
    """argparse with the CLI's one error format: a wrong option or value also prints
    ``Error: ...`` (after the usage line), exit code 2 as argparse has it."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"Error: {self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="workbench",
        description="Code Dutch interview transcripts: import, codebooks, suggestions, "
        "patterns, agreement, exchange.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument(
        "--lang",
        choices=["nl", "en"],
        default=os.environ.get("WORKBENCH_LANG", "nl"),
        help="language of messages (default: nl, or $WORKBENCH_LANG)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for area in AREAS:
        importlib.import_module(f"workbench.cli.{area}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except WorkbenchError as exc:
        print(f"Error: {exc.message(args.lang)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early (e.g. `head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a path the user gave cannot be read or written: no traceback
        print(f"Error: {_file_error(exc, args.lang)}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        if type(exc) is not sqlite3.DatabaseError:  # integrity, programming errors: bugs
            raise
        from workbench.i18n import t  # a damaged project file ("disk image is malformed")

        print("Error: " + t("cli.damaged_project", args.lang,
                            path=getattr(args, "project", None) or "-", problem=exc),
              file=sys.stderr)
        return 1
    return int(result or 0)


def _file_error(exc: OSError, lang: str) -> str:
    """The message for a file-system error on a path from the command line."""
    from workbench.i18n import t

    kind = ("missing" if isinstance(exc, FileNotFoundError) else
            "denied" if isinstance(exc, PermissionError) else
            "folder" if isinstance(exc, IsADirectoryError) else "other")
    file = exc.filename if exc.filename is not None else "-"
    if kind == "folder" and exc.filename2 is not None:  # os.replace(tmp, FOLDER)
        file = exc.filename2
    return t(f"cli.file_error.{kind}", lang, file=file, reason=exc.strerror or exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
