"""``workbench COMMAND --help`` reads in one language: the help of every option and argument
of every command comes from the catalogue (cli.help.arg.*, cli.help.desc.*) in Dutch and
English, so no English line is left under a Dutch heading."""

from __future__ import annotations

import argparse
import re

import pytest

from workbench.cli import SHARED_OPTIONS, build_parser
from workbench.i18n import catalogue


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """(command words, parser) for every command and subcommand, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*words, name), sub
                yield from commands(sub, (*words, name))


def own_arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options and positional arguments a command shows help for, shared ones left out."""
    return [
        action
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and not (action.option_strings and action.dest in SHARED_OPTIONS)
        and action.help not in (None, argparse.SUPPRESS)
    ]


PARSERS = {lang: dict(commands(build_parser(lang))) for lang in ("nl", "en")}
NAMES = [" ".join(words) for words in PARSERS["en"]]


def flat(text: str) -> str:
    """Help output with argparse's line wrapping undone."""
    return " ".join(text.split())


def test_every_option_and_argument_of_every_command_has_its_help_in_both_languages():
    known = catalogue()
    checked, missing = 0, []
    for words, parser in PARSERS["en"].items():
        for action in own_arguments(parser):
            checked += 1
            key = "cli.help.arg." + ".".join((*words, action.dest))
            entry = known.get(key, {})
            if not entry.get("nl") or not entry.get("en"):
                shown = action.option_strings[0] if action.option_strings else action.dest
                missing.append(f"workbench {' '.join(words)} {shown}: [{key}]")
    assert checked > 100  # the walk reached the commands' own options
    assert missing == []


def test_every_command_text_above_the_options_has_both_languages():
    known = catalogue()
    missing = []
    for words, parser in PARSERS["en"].items():
        key = "cli.help.desc." + ".".join(words)
        entry = known.get(key, {})
        if parser.description and not (entry.get("nl") and entry.get("en")):
            missing.append(f"workbench {' '.join(words)}: [{key}]")
    assert missing == []


def test_pseudonymise_help_is_dutch_in_dutch_and_english_in_english():
    dutch = flat(PARSERS["nl"][("pseudonymise",)].format_help())
    english = flat(PARSERS["en"][("pseudonymise",)].format_help())
    assert "vraag bij elke nieuwe mogelijke naam wat je wilt" in dutch
    assert "ask about each new candidate" not in dutch
    assert "ask about each new candidate: y(es)/n(o)/replacement/Enter to skip" in english
    assert "vraag bij elke nieuwe mogelijke naam" not in english


def test_a_command_description_follows_the_language():
    dutch = flat(PARSERS["nl"][("codebook", "import")].format_help())
    english = flat(PARSERS["en"][("codebook", "import")].format_help())
    assert "Voeg een codeboek toe aan het project." in dutch
    assert "Add a codebook to the project." not in dutch
    assert "Add a codebook to the project." in english


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_the_full_help_of_every_command_formats_in_both_languages(name, lang):
    # argparse fills in help texts with %: a lone % in a translation raises here
    text = PARSERS[lang][tuple(name.split())].format_help()
    assert text.startswith({"nl": "gebruik: ", "en": "usage: "}[lang] + f"workbench {name}")


@pytest.mark.parametrize(
    ("argv", "dutch", "english"),
    [
        (["import"], "deze argumenten ontbreken: FILE", "the following arguments are required"),
        (["suggest", "--bogus"], "deze argumenten kent de werkbank niet: --bogus", "unrecognized"),
        (
            ["export", "--format", "pdf"],
            "--format: 'pdf' kan niet. Kies uit: 'qdpx'",
            "argument --format: invalid choice: 'pdf'",
        ),
        (
            ["suggest", "--document", "drie"],
            "--document: 'drie' is geen geldige waarde",
            "argument --document: invalid int value: 'drie'",
        ),
        (["export", "--output"], "--output: hier hoort één waarde achter", "expected one"),
        (  # the options first: argparse named the project file as the command
            ["users", "--project", "p.db"],
            "'p.db' is geen opdracht. Begin met wat je wilt doen (add, list, passwd, role) en"
            " zet de opties daarna, bijvoorbeeld: workbench users add --help",
            "'p.db' is not a command. Start with what you want to do (add, list, passwd, role)",
        ),
    ],
)
def test_a_wrong_command_line_is_told_in_the_chosen_language(capsys, argv, dutch, english):
    from workbench.cli import main

    for lang, expected in (("nl", dutch), ("en", english)):
        with pytest.raises(SystemExit) as exit_:
            main(["--lang", lang, *argv])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        prefix = {"nl": "\nFout: workbench", "en": "\nError: workbench"}[lang]
        assert prefix in err and expected in err, err


def test_every_argparse_message_the_cli_translates_is_one_argparse_writes():
    """If a Python release words argparse's messages differently, this fails (and the
    message would silently stay English)."""
    from workbench.cli import ARGPARSE_MESSAGES, argparse_message

    class Recorder(argparse.ArgumentParser):
        def error(self, message):  # argparse's own message, before any translation
            raise ValueError(message)

    parser = Recorder(prog="probe")
    parser.add_argument("--count", type=int)
    parser.add_argument("--colour", choices=["rood", "blauw"])
    parser.add_argument("--file")
    parser.add_argument("--files", nargs="+")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--verbatim", action="store_true")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--yes", action="store_true")
    group.add_argument("--no", action="store_true")
    need = Recorder(prog="need")
    need.add_argument("name")
    cases = [
        (need, []),
        (parser, ["--yes", "extra"]),
        (parser, []),
        (parser, ["--yes", "--verb"]),
        (parser, ["--yes", "--colour", "groen"]),
        (parser, ["--yes", "--count", "x"]),
        (parser, ["--yes", "--file"]),
        (parser, ["--yes", "--files"]),
        (parser, ["--yes", "--no"]),
    ]
    used = []
    for which, argv in cases:
        with pytest.raises(ValueError) as raised:
            which.parse_args(argv)
        message = str(raised.value)
        dutch = argparse_message(message, "nl")
        assert dutch != message, message  # translated
        assert argparse_message(message, "en") == message  # English reads as argparse has it
        used += [key for pattern, key in ARGPARSE_MESSAGES if re.fullmatch(pattern, message)]
    assert sorted(used) == sorted(key for _, key in ARGPARSE_MESSAGES)  # each once, all used


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_required_project_or_user_mentions_no_default(lang):
    """``restore --project`` and ``undo --user`` must be given: their help names no default
    that would never be used."""
    for name, dest in (("restore", "project"), ("undo", "user")):
        (option,) = [a for a in PARSERS[lang][(name,)]._actions if a.dest == dest]
        assert option.required
        assert "$WORKBENCH" not in option.help and "projects/demo.db" not in option.help
    (user,) = [a for a in PARSERS[lang][("undo",)]._actions if a.dest == "user"]
    assert user.help == {"nl": "van wie de laatste handeling ongedaan wordt gemaakt"}.get(
        lang, "whose last action to undo"
    )


def test_the_review_help_asks_for_the_answers_of_its_language():
    (review,) = [a for a in PARSERS["en"][("pseudonymise",)]._actions if a.dest == "review"]
    assert "y(es)/n(o)" in review.help and "j(a)" not in review.help
