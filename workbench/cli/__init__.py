"""The ``workbench`` command line: a thin layer over the package.

Each area registers its subcommands from its own module (``workbench/cli/<area>.py`` with a
``register(subparsers)`` function) so commands stay next to nothing but argument handling.
Errors meant for people (:class:`~workbench.errors.WorkbenchError`) print ``Fout: ...``
(``Error: ...`` in English) in the chosen language and exit 1; anything else is a bug and
shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sqlite3
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.cli.common import refusal
from workbench.errors import WorkbenchError
from workbench.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, t
from workbench.store import DEFAULT_USER

# One module per area; each defines register(subparsers).
AREAS = [
    "project",
    "ingest",
    "agreement",
    "suggest",
    "exchange",
    "privacy",
    "codebook",
    "patterns",
    "app",
]


class Parser(argparse.ArgumentParser):
    """argparse with the CLI's one error format: a wrong option or value also prints
    ``Fout: ...`` / ``Error: ...`` (after the usage line), exit code 2 as argparse has it, and
    the message in the language of the help texts (``lang``, set by :func:`translate_help`)."""

    lang: str = DEFAULT_LANGUAGE

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        text = self._not_a_command(message) or argparse_message(message, self.lang)
        self.exit(2, f"{refusal(f'{self.prog}: {text}', self.lang)}\n")

    def _not_a_command(self, message: str) -> str | None:
        """A plain sentence when the word where a command belongs is none of them.

        ``workbench users --project p.db`` put the project file where the command goes
        (argparse skips the option it does not know there), and argparse's "invalid choice"
        named the file as the command. People write the options first; say that the command
        comes first, with an example.
        """
        found = re.fullmatch(INVALID_CHOICE, message)
        commands = [
            action
            for action in self._actions
            if isinstance(action, argparse._SubParsersAction) and action.metavar
        ]
        if not found or not commands or found["argument"] != commands[0].metavar:
            return None
        first = next(iter(commands[0].choices))
        return t(
            "cli.argparse.not_a_command",
            self.lang,
            value=found["value"],
            names=", ".join(commands[0].choices),
            example=f"{self.prog} {first} --help",
        )


INVALID_CHOICE = (
    r"argument (?P<argument>\S+): invalid choice: (?P<value>.+) \(choose from (?P<names>.+)\)"
)

# argparse's own messages (Python 3.11 wording), with the catalogue key of each translation.
# A message that matches none stays as argparse wrote it.
ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (?P<names>.+)", "required"),
    (r"unrecognized arguments: (?P<names>.+)", "unrecognized"),
    (r"one of the arguments (?P<names>.+) is required", "one_of_required"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<names>.+)", "ambiguous"),
    (INVALID_CHOICE, "invalid_choice"),
    (r"argument (?P<argument>\S+): invalid (?P<type>\w+) value: (?P<value>.+)", "invalid_value"),
    (r"argument (?P<argument>\S+): expected one argument", "expected_one"),
    (r"argument (?P<argument>\S+): expected at least one argument", "expected_some"),
    (r"argument (?P<argument>\S+): not allowed with argument (?P<names>.+)", "not_allowed_with"),
]


def argparse_message(message: str, lang: str) -> str:
    """argparse's English ``message`` in ``lang`` (kept as it is when no pattern knows it)."""
    for pattern, key in ARGPARSE_MESSAGES:
        if found := re.fullmatch(pattern, message):
            return t(f"cli.argparse.{key}", lang, **found.groupdict())
    return message


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, its help texts in ``lang`` (default: from ``--lang`` in
    ``sys.argv``, else $WORKBENCH_LANG, else Dutch)."""
    lang = lang or chosen_language(sys.argv[1:])
    parser = Parser(prog="workbench", description=t("cli.help.argparse.description", lang))
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
    _lang_after_command(sub)
    translate_help(parser, lang)
    return parser


def _lang_after_command(sub: argparse._SubParsersAction) -> None:
    """Let every command take ``--lang`` after its name too (``workbench history ... --lang
    en`` was refused as an unknown argument): its help and messages already follow a
    ``--lang`` anywhere (:func:`chosen_language`). ``SUPPRESS``: a command without it keeps
    the value before the command (or the default)."""
    for command in sub.choices.values():
        command.add_argument(
            "--lang", choices=list(LANGUAGES), default=argparse.SUPPRESS, help="language"
        )
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _lang_after_command(action)


def chosen_language(argv: Sequence[str]) -> str:
    """The ``--lang`` on the command line (read before parsing, for the help texts)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGUAGES:
            return arg[7:]
    found = os.environ.get("WORKBENCH_LANG", DEFAULT_LANGUAGE)
    return found if found in LANGUAGES else DEFAULT_LANGUAGE


# Options every command shares, with one help text each (cli.help.opt.<dest>).
SHARED_OPTIONS = ("project", "user", "json", "lang", "help", "version")


def translate_help(parser: argparse.ArgumentParser, lang: str, words: tuple[str, ...] = ()) -> None:
    """Put the catalogue's help texts (cli.help.*) on ``parser`` and every subcommand.

    The modules write their help in English next to the code; the catalogue holds every
    text in both languages so ``COMMAND --help`` reads in one language, not Dutch headings
    over English lines. Commands are found by their words (``cli.help.cmd.codebook.import``,
    ``cli.help.desc.codebook.import`` for the text above the options), a command's own
    options and arguments by its words and their dest (``cli.help.arg.codebook.import.file``).
    Anything without a key keeps the English text its module gave.
    """
    known = catalogue()
    if isinstance(parser, Parser):
        parser.lang = lang
    parser.formatter_class = _formatter(t("cli.help.argparse.usage", lang))
    parser._positionals.title = t("cli.help.argparse.positionals", lang)
    parser._optionals.title = t("cli.help.argparse.options", lang)
    described = "cli.help.desc." + ".".join(words)
    if parser.description and described in known:
        parser.description = t(described, lang)
    for action in parser._actions:
        key = "cli.help.arg." + ".".join((*words, action.dest))
        if action.help in (None, argparse.SUPPRESS):
            pass
        elif key in known:  # this command's own words for the option come first
            action.help = t(key, lang)
        elif action.option_strings and action.dest in SHARED_OPTIONS:
            # a required --project or --user has no default to mention
            shared = f"cli.help.opt.{action.dest}" + (".required" if action.required else "")
            action.help = t(shared, lang, user=DEFAULT_USER)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                key = "cli.help.cmd." + ".".join((*words, choice.dest))
                if key in known:
                    choice.help = t(key, lang)
            for name, sub in action.choices.items():
                translate_help(sub, lang, (*words, name))


def _formatter(prefix: str) -> type[argparse.HelpFormatter]:
    """argparse's help layout with the usage line's ``usage: `` in the chosen language."""

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix_=None):  # type: ignore[override]
            super().add_usage(usage, actions, groups, prefix if prefix_ is None else prefix_)

    return Formatter


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(chosen_language(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except WorkbenchError as exc:
        print(refusal(exc.message(args.lang), args.lang), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early (e.g. `head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a path the user gave cannot be read or written: no traceback
        print(refusal(_file_error(exc, args.lang), args.lang), file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        if type(exc) is not sqlite3.DatabaseError:  # integrity, programming errors: bugs
            raise
        path = getattr(args, "project", None) or "-"
        damaged = t("cli.damaged_project", args.lang, path=path, problem=exc)
        print(refusal(damaged, args.lang), file=sys.stderr)
        return 1
    return int(result or 0)


def _file_error(exc: OSError, lang: str) -> str:
    """The message for a file-system error on a path from the command line."""

    kind = (
        "missing"
        if isinstance(exc, FileNotFoundError)
        else "denied"
        if isinstance(exc, PermissionError)
        else "folder"
        if isinstance(exc, IsADirectoryError)
        else "other"
    )
    file = exc.filename if exc.filename is not None else "-"
    if kind == "folder" and exc.filename2 is not None:  # os.replace(tmp, FOLDER)
        file = exc.filename2
    return t(f"cli.file_error.{kind}", lang, file=file, reason=exc.strerror or exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
