"""When in a life: one comparable number per event, or None (and then nothing is invented).

A year is used as it is. An age becomes a year when the respondent's birth year is known
(from codings or events that carry both, else the attribute ``geboortejaar``); a respondent
who only ever gives ages is ordered by age. "Before/after X" sits half a step before or after
X. Anything else has no time: it keeps its place in the telling.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from sqlite_utils import Database

from workbench.handle import Project

BIRTH_YEAR_ATTRIBUTE = "geboortejaar"
RELATIVE_STEP = 0.5


def birth_year(pairs: Iterable[tuple[int | None, int | None]], given: float | None) -> float | None:
    """The median of year - age over pairs that carry both, else ``given`` (the attribute)."""
    both = [int(y) - int(a) for y, a in pairs if _known(y) and _known(a)]
    return float(statistics.median(both)) if both else given


def life_key(
    year: int | None, age: int | None, born: float | None, ages_only: bool
) -> float | None:
    """The comparable time of one event or mention, or None when it has none."""
    if _known(year):
        return float(year)
    if _known(age):
        if born is not None:
            return born + float(age)
        if ages_only:
            return float(age)
    return None


def given_birth_years(project: Project) -> dict[str, float]:
    """Respondent code -> the attribute ``geboortejaar`` where it is a number.

    Needs ``read`` (an attribute of a person); :func:`_given_birth_years` is the same read
    for the proposals, which a coder with only ``code`` may make."""
    project.require("read")
    return _given_birth_years(project.db)


def _given_birth_years(db: Database) -> dict[str, float]:
    out = {}
    for code, value in db.execute(
        "SELECT r.code, v.value FROM attribute_values v JOIN respondents r "
        "ON r.id = v.respondent_id WHERE v.attribute = ?",
        [BIRTH_YEAR_ATTRIBUTE],
    ):
        try:
            out[str(code)] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def _known(value: object) -> bool:
    try:
        return value is not None and value == value and str(value) not in ("<NA>", "")
    except TypeError:  # pandas.NA refuses comparison
        return False
