"""Every user-facing message exists in Dutch and English, and every key the code names exists."""

import re
from pathlib import Path

from workbench.errors import InputError
from workbench.i18n import Term, catalogue, listing, t

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
# t("key", ...), tr("key"), InputError("key", ...), NotFound(...), PermissionDenied(...)
LITERAL_KEY = re.compile(
    r"""\b(?:t|tr|InputError|NotFound|PermissionDenied)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)


def test_every_message_has_dutch_and_english():
    missing = [
        key for key, entry in catalogue().items() if not entry.get("nl") or not entry.get("en")
    ]
    assert missing == []


def test_every_literal_message_key_in_the_code_exists():
    known = catalogue()
    unknown = set()
    for path in PACKAGE.rglob("*.py"):
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            if key not in known:
                unknown.add(f"{path.relative_to(PACKAGE)}: {key}")
    assert sorted(unknown) == []


def test_errors_render_in_both_languages():
    error = InputError("store.project_missing", path="x.db")
    assert error.message("nl") == "Het project x.db bestaat niet."
    assert error.message("en") == "The project x.db does not exist."


def test_unknown_key_falls_back_to_the_key_itself():
    assert t("no.such.key", "nl") == "no.such.key"


# --- Plurals and one language per message (issue 15) ------------------------------------

# Plural nouns that must never follow the count 1 (they take {n|singular|plural}).
PLURAL_NOUNS = {
    "en": {
        "bytes",
        "cards",
        "changes",
        "characters",
        "codes",
        "codings",
        "columns",
        "documents",
        "duplicates",
        "fragments",
        "interviews",
        "levels",
        "lines",
        "losses",
        "memos",
        "people",
        "pieces",
        "places",
        "problems",
        "quotes",
        "resamples",
        "respondents",
        "segments",
        "sentences",
        "sub-codes",
        "suggestions",
        "times",
        "turns",
        "units",
        "values",
        "words",
        "parts",
        "codebooks",
    },
    "nl": {
        "beurten",
        "citaten",
        "coderingen",
        "codes",
        "documenten",
        "eenheden",
        "fragmenten",
        "kaarten",
        "kolommen",
        "memo's",
        "niveaus",
        "onderdelen",
        "personen",
        "plekken",
        "problemen",
        "regels",
        "respondenten",
        "stukjes",
        "stukken",
        "subcodes",
        "suggesties",
        "tekens",
        "verliezen",
        "waarden",
        "wijzigingen",
        "woorden",
        "zinnen",
        "codeboeken",
    },
}
OTHER = {"nl": "en", "en": "nl"}
# Words that belong in both languages' messages although simplemma's lemma lists know them
# in one only: measures (alpha, kappa, recall), names (Excel, Privacy as a page name, emoji),
# the YAML fields of a codebook file (version, author, changes), the Dutch pseudonym label
# the app writes into Dutch transcripts ([Naam 1]), the sample coder "bram", the format
# pdf and "scan", which Dutch borrowed ("is het een scan?").
ALLOWED = {
    "alpha",
    "kappa",
    "recall",
    "excel",
    "privacy",
    "emoji",
    "version",
    "author",
    "changes",
    "naam",
    "bram",
    "pdf",
    "scan",
}
# Left out before looking: quoted text, placeholders, markup, file names (codings.jsonl,
# .doc), command lines (workbench done, --output), identifiers (recode_codings) and the
# REFI-QDA terms given in brackets, e.g. "memo's (notes)".
QUOTED = re.compile(
    r"'[^']*'|\"[^\"]*\"|`[^`]*`|\{[^}]*\}|<[^>]*>|\*\*[^*]*\*\*|\S*\.\w+|--[\w-]+"
    r"|\bworkbench \w+|https?://\S+|\w+_\w+|\((?:cases|notes|sources|variables|users|Description)\)"
)
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def rendered(key: str, lang: str, count: int) -> str:
    """The message with every placeholder, plural switch included, set to ``count``."""
    text = catalogue()[key][lang]
    names = {m.group(1) for m in re.finditer(r"\{(\w+)", text)}
    return t(key, lang, **dict.fromkeys(names, count))


def foreign_words(text: str, lang: str) -> list[str]:
    """Words of ``text`` that only the other language knows (simplemma's lemma lists);
    quoted names, placeholders and markup are left out."""
    import simplemma

    found = []
    for word in WORD.findall(QUOTED.sub(" ", text)):
        low = word.lower()
        if len(low) < 3 or low in ALLOWED or word.isupper():
            continue
        if simplemma.is_known(low, lang=OTHER[lang]) and not simplemma.is_known(low, lang=lang):
            found.append(word)
    return found


def test_every_message_renders_with_0_1_2_without_a_word_of_the_other_language():
    wrong = {}
    for key in sorted(catalogue()):
        for lang in ("nl", "en"):
            for count in (0, 1, 2):
                words = foreign_words(rendered(key, lang, count), lang)
                if words:
                    wrong[f"{key} [{lang}]"] = sorted(set(words))
    assert wrong == {}


def test_a_count_of_one_is_never_followed_by_a_plural_noun():
    wrong = []
    for key in sorted(catalogue()):
        for lang in ("nl", "en"):
            text = rendered(key, lang, 1)
            for noun in re.findall(r"\b1 ([\w'-]+)", text):
                if noun in PLURAL_NOUNS[lang]:
                    wrong.append(f"{key} [{lang}]: {text}")
    assert wrong == []


def test_plural_forms_follow_the_count():
    assert t("codeboek.recoded", "en", n=1) == "1 coding moved."
    assert t("codeboek.recoded", "en", n=2) == "2 codings moved."
    assert t("codeboek.recoded", "nl", n=0) == "0 coderingen verplaatst."
    assert t("codeboek.recoded", "nl", n=1) == "1 codering verplaatst."
    assert t("codeboek.n", "en", n=1, interviews=1) == "coded 1 time in 1 interview"


def test_a_term_parameter_is_shown_in_the_language_of_the_message():
    from workbench.codebook.yaml_io import parse_codebook

    try:
        parse_codebook("name: x\nversion: '1'\ncodes:\n  - {id: a, name: A, source: {}}\n")
    except InputError as error:
        assert "Got table instead" in error.message("en")
        assert "gevonden tabel" in error.message("nl")
        assert "tabel" not in error.message("en")
    else:
        raise AssertionError("an empty source was accepted")


def test_a_listing_names_the_first_five_and_counts_the_rest():
    """One way to name a few of many things, in every message that does (skipped files,
    new respondents, undecided names); a Term keeps the language of its message."""
    few = listing(["a", "b", "c"])
    assert few == "a, b, c" and listing([]) == "" and listing([7]) == "7"
    many = listing(["a", "b", "c", "d", "e", "f", "g", "h"])
    assert isinstance(many, Term)
    for lang, said in (("nl", "a, b, c, d, e en nog 3"), ("en", "a, b, c, d, e and 3 more")):
        assert t(many.key, lang, **many.params) == said
    assert listing(["a", "b", "c", "d", "e"]) == "a, b, c, d, e"  # all five: no "and 0 more"
    # a word for the reader among the items is shown in the language of the message
    types = listing([Term("respondents.type.number"), Term("respondents.type.date"), "x"], 2)
    assert t(types.key, "nl", **types.params) == "getal, datum en nog 1"
    assert t(types.key, "en", **types.params) == "number, date and 1 more"


def command_helps(lang: str) -> dict[str, str]:
    """Every command's one-line help as ``workbench --help`` shows it in ``lang``."""
    import argparse

    from workbench.cli import build_parser

    found = {}

    def walk(parser, words=()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    found[" ".join((*words, choice.dest))] = choice.help
                for name, sub in action.choices.items():
                    walk(sub, (*words, name))

    walk(build_parser(lang))
    return found


def test_every_command_has_its_help_in_both_languages():
    nl, en = command_helps("nl"), command_helps("en")
    missing = [name for name in nl if f"cli.help.cmd.{name.replace(' ', '.')}" not in catalogue()]
    assert missing == []
    assert nl["codebook import"].startswith("voeg een codeboek") and en[
        "codebook import"
    ].startswith("add a codebook")
    for lang, helps in (("nl", nl), ("en", en)):
        wrong = {name: foreign_words(text, lang) for name, text in helps.items()}
        assert {name: words for name, words in wrong.items() if words} == {}


def test_help_follows_the_lang_option(capsys):
    import pytest

    from workbench.cli import main

    for argv, expected in (
        (["--help"], "gebruik: workbench"),
        (["--lang", "en", "--help"], "usage: workbench"),
    ):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert out.startswith(expected)
    main_help_en = out
    assert "show this help message and exit" in main_help_en


def test_core_modules_raise_only_messages_of_the_core_catalogue():
    """A core module knows no domain (tests/test_layers.py), so neither do its messages: a
    table reader that says "respondents" would be wrong for every other table it reads."""
    import tomllib

    from test_layers import CORE, module_name
    from workbench.i18n import _flatten

    core_keys: dict[str, dict[str, str]] = {}
    _flatten("", tomllib.loads((PACKAGE / "locale" / "core.toml").read_text("utf-8")), core_keys)
    wrong = [
        f"{path.relative_to(PACKAGE)}: {key}"
        for path in PACKAGE.rglob("*.py")
        if module_name(path) in CORE
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
        if key not in core_keys
    ]
    assert wrong == []
