"""Every subcommand registered in workbench.cli has help text and is in docs/cli.md."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from workbench.cli import build_parser, main

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(name words, one-line help, parser) for every command and action, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*prefix, name), helps.get(name), sub
                yield from subcommands(sub, (*prefix, name))


COMMANDS = list(subcommands(build_parser()))
NAMES = [" ".join(words) for words, _, _ in COMMANDS]


def test_the_walk_finds_the_contract_commands():
    assert {
        "import",
        "suggest",
        "evaluate",
        "patterns matrix",
        "agreement",
        "export",
        "codebook import",
        "codebook export",
        "backup",
        "restore",
        "pseudonymise",
        "demo",
        "info",
    } <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_subcommand_has_a_one_line_help(name):
    helptext = dict(zip(NAMES, [h for _, h, _ in COMMANDS]))[name]
    assert helptext and helptext.strip(), f"'workbench {name}' has no help= text"


@pytest.mark.parametrize("name", NAMES)
def test_subcommand_help_option_prints_usage(capsys, name):
    with pytest.raises(SystemExit) as exit_:
        main([*name.split(), "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert out.startswith((f"usage: workbench {name}", f"gebruik: workbench {name}"))


@pytest.mark.parametrize("name", NAMES)
def test_subcommand_is_in_the_reference(name):
    text = DOC.read_text(encoding="utf-8")
    assert re.search(rf"workbench {re.escape(name)}(\s|$|`)", text), (
        f"docs/cli.md does not mention 'workbench {name}'"
    )


def test_reference_names_no_command_that_does_not_exist():
    text = DOC.read_text(encoding="utf-8")
    groups = {
        words[0]
        for words, _, sub in COMMANDS
        if len(words) == 1 and any(isinstance(a, argparse._SubParsersAction) for a in sub._actions)
    }
    for line in text.splitlines():
        found = re.match(r"^workbench (?:--lang \w+ )?([a-z]+)(?: ([a-z]+))?", line)
        if not found or found.group(1) == "COMMAND":
            continue
        first, second = found.groups()
        name = f"{first} {second}" if first in groups else first
        assert name in NAMES, f"docs/cli.md shows 'workbench {name}', which does not exist"
