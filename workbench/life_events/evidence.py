"""Why an event, a mention or a link was proposed: stored without a language, read in the
reader's.

The ``evidence`` column holds a JSON list of reasons. A reason the workbench gives is a
message key with its parameters::

    {"key": "life_events.evidence.connective", "params": {"word": "daardoor", "text": "..."}}

and is put into words only when shown (:func:`evidence_text`), in Dutch or English
(``workbench/locale/life_events.toml``). A parameter that is itself words for the reader (a
life time: "57 jaar" or "age 57") is such a reason too. What the transcript says (the
connective found, a sentence) and code names are parameters: data, shown as they are.

A plain string is shown as it is: a researcher's own note with a link, or a reason stored
by a version of the workbench before reasons had keys (Dutch sentences). No migration
rewrites those: undo refuses when a row differs from the row it logged, so rewriting the
column would block the undo of every earlier action on these rows, and reading a sentence
back into a key and its parameters would be a guess where the quoted text holds the same
words.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from workbench.i18n import DEFAULT_LANGUAGE, Term, t

PREFIX = "life_events.evidence."

Reason = dict[str, Any]  # {"key": ..., "params": {...}}


def reason(name: str, **params: Any) -> Reason:
    """The reason ``life_events.evidence.<name>`` with its parameters, as stored."""
    return {"key": PREFIX + name, "params": params}


def life_time(year: int | None, age: int | None) -> Reason:
    """A life time as a reason parameter: a year, an age, or none."""
    if year is not None:
        return reason("year", year=int(year))
    if age is not None:
        return reason("age", age=int(age))
    return reason("no_time")


def dumps(reasons: Sequence[Reason | str] | None) -> str | None:
    """The reasons as stored in an ``evidence`` column (None for none)."""
    if not reasons:
        return None
    return json.dumps(list(reasons), ensure_ascii=False)


def reasons(value: object) -> list[Reason | str]:
    """The stored reasons of ``value`` (the column's text, or a list read already); text
    that is no JSON list is one reason as it is."""
    if isinstance(value, list):
        return value
    if not isinstance(value, str) or not value:
        return []
    try:
        found = json.loads(value)
    except ValueError:
        return [value]
    if isinstance(found, list):
        return found
    return [found if isinstance(found, (str, dict)) else value]


def _term(value: Any) -> Any:
    """A stored parameter: a nested reason becomes a :class:`Term`, anything else stays."""
    if isinstance(value, dict) and isinstance(value.get("key"), str):
        params = value.get("params")
        return Term(value["key"], _params(params if isinstance(params, dict) else {}))
    return value


def _params(params: dict[str, Any]) -> dict[str, Any]:
    return {str(name): _term(value) for name, value in params.items()}


def reason_text(item: Reason | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One reason in ``lang``; a plain string as it is."""
    found = _term(item)
    if isinstance(found, Term):
        return t(found.key, lang, **found.params)
    return "" if found is None else str(found)


def evidence_text(value: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """Stored evidence (JSON text, or a list of reasons) as one line in ``lang``."""
    return "; ".join(text for text in (reason_text(r, lang) for r in reasons(value)) if text)
