"""User-facing text in Dutch (default, B1 level) and English.

All sentences a person reads live in ``workbench/locale/*.toml``: one file per area, each key a
table with an ``nl`` and an ``en`` entry, placeholders in ``str.format`` style::

    [import.unsupported_format]
    nl = "{file}: dit soort bestand kan ik niet lezen ({ext})."
    en = "{file}: this kind of file is not supported ({ext})."

Keys are globally unique across files (a duplicate is a bug and raises at load).

A count before a noun takes a plural form, ``{name|singular|plural}``, chosen by the
parameter ``name``: the singular for exactly 1, the plural otherwise (Dutch and English agree
on that rule)::

    nl = "{n} {n|codering|coderingen} verplaatst."
    en = "{n} {n|coding|codings} moved."

A parameter that is itself a word for the reader (a type name in an error, say) is passed as
a :class:`Term`, so it is shown in the message's language instead of a fixed one.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).parent / "locale"
PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")
LISTED = 5  # items a message names before "and N more" (see listing)


@dataclass(frozen=True)
class Term:
    """A message parameter that is itself a message (``key``), rendered in the language of
    the message it goes into: ``got=Term("codebook.type.mapping")`` reads "table" in English
    and "tabel" in Dutch."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return t(self.key, DEFAULT_LANGUAGE, **self.params)


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, str]]) -> None:
    """Turn nested TOML tables into dotted keys; a table with language entries is a message."""
    if any(lang in table for lang in LANGUAGES):
        out[prefix] = {lang: str(table[lang]) for lang in LANGUAGES if lang in table}
    # a message may also have sub-messages ([privacy.page.kind] and [privacy.page.kind.person],
    # [cli.help.cmd.codebook] and [cli.help.cmd.codebook.import])
    for name, value in table.items():
        if isinstance(value, dict):
            _flatten(f"{prefix}.{name}" if prefix else name, value, out)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, read once from the locale folder."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.toml")):
        found: dict[str, dict[str, str]] = {}
        with path.open("rb") as f:
            _flatten("", tomllib.load(f), found)
        clash = messages.keys() & found.keys()
        if clash:
            raise ValueError(f"Message keys defined twice ({path.name}): {sorted(clash)}")
        messages.update(found)
    return messages


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The message ``key`` in ``lang``, falling back to Dutch, then to the key itself.

    Falling back to the key (rather than raising) keeps a missing translation visible
    without breaking a page; ``tests/test_i18n.py`` checks every key has both languages.
    """
    entry = catalogue().get(key)
    if entry is None:
        return key if not params else f"{key} {params}"
    text = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or key
    params = {
        name: t(value.key, lang, **value.params) if isinstance(value, Term) else value
        for name, value in params.items()
    }
    text = PLURAL.sub(lambda m: _plural(params.get(m.group(1)), m.group(2), m.group(3)), text)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def _plural(count: Any, one: str, other: str) -> str:
    """The singular for exactly 1 (also "1"), the plural for anything else."""
    try:
        return one if float(count) == 1 else other
    except (TypeError, ValueError):
        return other


def listing(items: Sequence[Any], limit: int = LISTED) -> str | Term:
    """The first ``limit`` of ``items`` joined by commas, then "en nog N" / "and N more" for
    the rest, as a message parameter: every message that names a few of many things (skipped
    files, new codes, undecided names) says it the same way.

    Items are shown as text; a :class:`Term` among them keeps its language, as does the
    "and N more", so the result is a :class:`Term` (rendered by :func:`t` in the language of
    the message it goes into, also when an error is shown later) unless it is plain text.
    """
    shown: str | Term | None = None
    for item in items[:limit]:
        part = item if isinstance(item, Term) else str(item)
        if shown is None:
            shown = part
        elif isinstance(shown, str) and isinstance(part, str):
            shown = f"{shown}, {part}"
        else:
            shown = Term("i18n.list", {"before": shown, "item": part})
    shown = "" if shown is None else shown
    rest = len(items) - limit
    return Term("i18n.list_more", {"items": shown, "n": rest}) if rest > 0 else shown


def decimal(value: float | str, digits: int = 1, *, grouped: bool = False) -> str | Term:
    """A number as a message parameter, written with the decimal sign of the message's
    language: "1,5" in Dutch, "1.5" in English.

    ``value`` is a number, shown with ``digits`` decimals, or a figure already written with a
    point. An error is raised before anyone knows who reads it, so the sign is chosen when
    the message is shown (a :class:`Term`); a whole number needs no sign and stays text.
    ``grouped`` also separates thousands as the reader does ("1.234" in Dutch, "1,234" in
    English), for counts that run into thousands; sizes and limits stay ungrouped.
    """
    text = value if isinstance(value, str) else f"{value:{',' if grouped else ''}.{digits}f}"
    whole, point, fraction = text.partition(".")
    first, *groups = whole.split(",")
    shown: str | Term = first
    for group in groups:
        shown = Term("i18n.thousands", {"before": shown, "group": group})
    return Term("i18n.decimal", {"whole": shown, "fraction": fraction}) if point else shown


def percent(value: float | str, digits: int = 1) -> Term:
    """A percentage as a message parameter, with the reader's decimal sign: "12,5%" in
    Dutch, "12.5%" in English. ``value`` is in percent (12.5, or "12.5" when the caller
    chose its own decimals), not a fraction."""
    return Term("i18n.percent", {"value": decimal(value, digits)})


def moment(stamp: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A stored time (UTC, ISO 8601) for the reader: local time, the month in words
    ("7 december 2026, 14:05"); empty when there is none. The app's tables and the command
    line's text output both show times this way; JSON keeps the stored ISO time."""
    if not stamp:
        return ""
    when = dt.datetime.fromisoformat(stamp)
    if when.tzinfo is not None:
        when = when.astimezone()  # the machine's time zone: where the team works
    month = t("i18n.months", lang).split()[when.month - 1]
    return t("i18n.moment", lang, day=when.day, month=month, year=when.year, time=f"{when:%H:%M}")
