"""The one table every overview starts from: coded fragments with where and who.

Why fragments and not codings: when two coders give the same code to the same words it is
one place in the interview, not two, also when their selections differ by a full stop.
Every overview here counts *fragments*: after the selection, the overlapping spans of one
code in one document are one fragment, with the coders that gave it listed. All of
it is one set-based SQL query (the free spans' segment positions are found with two index
lookups each), so the overviews stay fast on 100,000 codings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from workbench.codings import STATUSES
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE, Term, t
from workbench.ingest.speakers import speech_sql
from workbench.respondents import parse_value, typed_value
from workbench.store import get_setting

RESPONDENT_KEY = "respondent"  # --filter respondent=R01 selects respondents by case code
SPEAKER_MODES = ("respondent", "all")


@dataclass(frozen=True)
class Selection:
    """Which codings an overview looks at; hashable so pages can cache on it.

    - ``filters``: (attribute, value) pairs. The same attribute given twice means either value
      (OR); different attributes must all hold (AND). Values compare case-insensitively.
      The key ``respondent`` selects by case code (R01).
    - ``coders``: only these coders (None: everyone).
    - ``statuses``: codings with these statuses (default: accepted only; None: all).
    - ``rollup``: count a sub-code as its top-level code (verlies-woning -> verlies).
    - ``speakers``: ``respondent`` leaves out fragments in interviewer turns, ``all`` keeps
      them; None follows the project setting ``analysis_speakers``.
    """

    filters: tuple[tuple[str, str], ...] = ()
    coders: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = ("accepted",)
    rollup: bool = False
    speakers: str | None = None

    @classmethod
    def build(
        cls,
        *,
        filters: Mapping[str, str | Sequence[str]] | Iterable[str | tuple[str, str]] = (),
        coders: Iterable[str] | None = None,
        statuses: Iterable[str] | None = ("accepted",),
        rollup: bool = False,
        speakers: str | None = None,
    ) -> Selection:
        """A selection from friendlier input: a mapping, ``KEY=VALUE`` strings or pairs."""
        coders = tuple(coders) if coders else None
        statuses = tuple(statuses) if statuses else None
        for status in statuses or ():
            if status not in STATUSES:
                raise InputError("patterns.bad_status", status=status, allowed=", ".join(STATUSES))
        if speakers is not None and speakers not in SPEAKER_MODES:
            raise InputError(
                "patterns.bad_speakers", value=speakers, allowed=", ".join(SPEAKER_MODES)
            )
        return cls(
            filters=parse_filters(filters),
            coders=coders,
            statuses=statuses,
            rollup=rollup,
            speakers=speakers,
        )

    def describe(self) -> list[tuple[str, str]]:
        """The selection as (name, value) rows, written into every export."""
        rows = [
            ("filter", f"{k}{'' if v.startswith(('<', '>')) else '='}{v}") for k, v in self.filters
        ]
        rows.append(("coders", ", ".join(self.coders) if self.coders else "(all)"))
        rows.append(("status", ", ".join(self.statuses) if self.statuses else "(all)"))
        rows.append(("rollup", "yes" if self.rollup else "no"))
        rows.append(("speakers", self.speakers or "(project setting)"))
        return rows


# KEY=VALUE, or KEY>=VALUE (also <=, >, <) for a number or a date: leeftijd>=65. People
# also write =< and => ("leeftijd=<65"): that is <= and >=, not "less than" (which the value
# "<65" after "=" read as, leaving out the 65-year-olds without a word)
_FILTER = re.compile(r"\s*(?P<key>[^<>=]*[^<>=\s])\s*(?P<op>[<>]=?|=[<>]?)\s*(?P<value>.*?)\s*")
_OPERATORS = {"=": "", "=<": "<=", "=>": ">="}
COMPARISONS = ("<=", ">=", "<", ">")


def parse_filters(
    filters: Mapping[str, str | Sequence[str]] | Iterable[str | tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Normalise filters to sorted (key, value) pairs; ``KEY=VALUE`` strings are split once,
    ``KEY>=VALUE`` (``<=``, ``>``, ``<``) becomes the pair (KEY, ">=VALUE"), and so does
    ``KEY=>VALUE`` (``=<`` is ``<=``)."""
    pairs: list[tuple[str, str]] = []
    if isinstance(filters, Mapping):
        for key, value in filters.items():
            values = [value] if isinstance(value, str) else list(value)
            pairs.extend((str(key), str(v)) for v in values)
    else:
        for item in filters:
            if isinstance(item, str):
                found = _FILTER.fullmatch(item)
                if not found or not found["value"]:
                    raise InputError("patterns.bad_filter", given=item)
                operator = _OPERATORS.get(found["op"], found["op"])
                pairs.append((found["key"], operator + found["value"]))
            else:
                key, value = item
                pairs.append((str(key), str(value)))
    return tuple(sorted(set(pairs)))


def data_version(db: Database) -> tuple[int, int]:
    """Changes whenever the data behind an overview changes: (last event id, codings count).

    Pages key their caches on it, so a rerun without changes recomputes nothing. A stamp of
    two counts reveals nothing, so it takes no acting person.
    """
    last = db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    n = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    return int(last), int(n)


def speakers_used(project: Project, selection: Selection = Selection()) -> str:
    """Whose words an overview of ``selection`` counts: ``respondent`` or ``all``.

    The selection's own choice, else the project setting ``analysis_speakers``. Pages and
    files say this value, not "(project setting)": a reader cannot look the setting up.
    Needs ``read``."""
    project.require("read")
    return _speakers_used(project.db, selection)


def _speakers_used(db: Database, selection: Selection) -> str:
    return selection.speakers or get_setting(db, "analysis_speakers") or "all"


def attribute_names(project: Project) -> list[str]:
    """Attribute names in their display order. Needs ``read`` (attributes describe people)."""
    project.require("read")
    return _attribute_names(project.db)


def _attribute_names(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM attributes ORDER BY position, name")]


def attribute_values(project: Project) -> pd.DataFrame:
    """Every attribute with its distinct values (columns: attribute, type, value,
    respondents). ``value`` is the stored text ("true" for yes); show it with
    :func:`value_label`.

    Values that differ only in case or surrounding spaces ("Noord", "noord ") select the
    same respondents (:func:`respondent_filter`), so they are one choice, spelled as most
    respondents have it (:func:`one_spelling`), counting them all. Numbers come in the order
    of their size (9 before 10, which as text it is not), as a reader looks for them.

    Needs ``read``: the values describe the respondents (the filter menus of the overviews).
    """
    project.require("read")
    rows = pd.read_sql_query(
        "SELECT a.position, a.name AS attribute, a.type, v.value "
        "FROM attribute_values v JOIN attributes a ON a.name = v.attribute "
        "WHERE v.value IS NOT NULL AND v.value != '' ORDER BY v.value",
        project.db.conn,
    )
    rows["value"] = rows.groupby("attribute")["value"].transform(one_spelling)
    counted = rows.groupby(["position", "attribute", "type", "value"]).size()
    counted = counted.rename("respondents").reset_index()
    counted["size"] = pd.to_numeric(counted["value"].where(counted["type"] == "number"))
    counted = counted.sort_values(["position", "attribute", "size", "value"], kind="stable")
    return counted.drop(columns=["position", "size"]).reset_index(drop=True)


def one_spelling(values: pd.Series) -> pd.Series:
    """Each text value as the spelling most respondents of its group have (``value_counts``
    order: most first, then first seen), where values differ only in case or spaces."""
    key = values.str.strip().str.casefold()
    spelling: dict[str, str] = {}
    for value in values.dropna().str.strip().value_counts().index:
        spelling.setdefault(value.casefold(), value)
    return key.map(spelling).where(values.notna())


def value_label(value: str, type_: str, lang: str = "nl") -> str:
    """A stored attribute value as the reader sees it: a yes/no value (stored ``true`` /
    ``false``) as "ja"/"nee" ("yes"/"no"); other values as they are. A filter accepts the
    label back (``uitkering=ja``)."""
    if type_ == "boolean" and value in ("true", "false"):
        return t(f"patterns.value.{value}", lang)
    return value


def code_names(project: Project, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Code id (slug) -> the name the reader sees, as the codebook has it now: in English
    (``lang="en"``) the code's English name where the codebook gives one.

    A name two codes share gets its id in brackets, so tables and charts keep the codes
    apart. Needs ``read``."""
    project.require("read")
    table = _codes_table(project.db)
    english = table["name_en"] if lang == "en" else [None] * len(table)
    names = [
        next((str(n).strip() for n in (e, d) if isinstance(n, str) and n.strip()), c)
        for c, d, e in zip(table["code"], table["name"], english)
    ]
    counts = pd.Series([n.casefold() for n in names]).value_counts()
    return {
        code: name if counts[name.casefold()] == 1 else f"{name} ({code})"
        for code, name in zip(table["code"], names)
    }


_CODE_ID = re.compile(r"[^\s,;]+")  # one id in a list of ids ("a, b", "a -> b; a -> c")

NAME_OF = {"code": "name", "code_a": "name_a", "code_b": "name_b"}


def with_code_names(
    project: Project,
    frame: pd.DataFrame,
    columns: Mapping[str, str] = NAME_OF,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """``frame`` with the code's name right after each code column (``code`` -> ``name``,
    ``code_a`` -> ``name_a``, ``code_b`` -> ``name_b``, or the pairs in ``columns``). Exports
    keep both: the name to read, the id to join on. A cell listing several ids ("isolement,
    schaamte", "verlies-werk -> verlies-woning") lists their names. Needs ``read``."""
    names = code_names(project, lang)

    def name(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return names.get(value) or _CODE_ID.sub(lambda m: names.get(m[0], m[0]), value)

    out = frame.copy()
    for code, named in columns.items():
        if code in out.columns and named not in out.columns:
            out.insert(out.columns.get_loc(code) + 1, named, out[code].map(name))
    return out


def named_columns(
    project: Project, table: pd.DataFrame, lang: str = DEFAULT_LANGUAGE
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A wide table whose columns are codes (matrix, co-occurrence) with the codes' names
    (in ``lang``) as column labels, and one ``("column", "NAME = ID")`` settings row per code
    column, so a file keeps the id of every column. Needs ``read``."""
    names = code_names(project, lang)
    renamed = {c: names[c] for c in table.columns if c in names}
    rows = [("column", f"{name} = {code}") for code, name in renamed.items()]
    return table.rename(columns=renamed), rows


def coders(project: Project) -> list[str]:
    """Everyone who has at least one coding (names of the team: needs ``read``)."""
    project.require("read")
    return [r[0] for r in project.db.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]


def codes_table(project: Project) -> pd.DataFrame:
    """Codes in codebook (tree) order with their parent and top-level code.

    Columns: code (slug), name, name_en, parent, root, color, active, order. Inactive
    codes (merged into another) stay in: old exports and checks still name them; pickers
    offer the active ones only. Needs ``read``, as every overview it orders.
    """
    project.require("read")
    return _codes_table(project.db)


def _codes_table(db: Database) -> pd.DataFrame:
    frame = pd.read_sql_query(
        """
        WITH RECURSIVE tree(id, root_id, depth) AS (
            SELECT id, id, 0 FROM codes WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root_id, tree.depth + 1
            FROM codes c JOIN tree ON c.parent_id = tree.id
        )
        SELECT k.slug AS code, k.name, k.name_en, p.slug AS parent, r.slug AS root, k.color,
               k.active = 1 AS active, k.codebook_id, r.position AS root_position, tree.depth, k.position
        FROM codes k JOIN tree ON tree.id = k.id
        JOIN codes r ON r.id = tree.root_id
        LEFT JOIN codes p ON p.id = k.parent_id
        """,
        db.conn,
    )
    frame = frame.sort_values(["codebook_id", "root_position", "root", "depth", "position", "code"])
    frame["order"] = range(len(frame))
    columns = ["code", "name", "name_en", "parent", "root", "color"]
    frame["active"] = frame["active"].astype(bool)
    return (
        frame[[*columns, "active", "order"]]
        .reset_index(drop=True)
        .astype({c: object for c in columns})
    )


def check_codes(project: Project, codes: Iterable[str], *, rollup: bool = False) -> list[str]:
    """The given code slugs, refusing any the project does not have.

    With ``rollup`` a sub-code becomes its top-level code (what the overview then counts).
    Needs ``read``, as the overviews that call it.
    """
    project.require("read")
    return _check_codes(project.db, codes, rollup=rollup)


def _check_codes(db: Database, codes: Iterable[str], *, rollup: bool = False) -> list[str]:
    codes = list(codes)
    table = _codes_table(db).set_index("code")
    for code in codes:
        if code not in table.index:
            raise NotFound("codings.unknown_code", code=code)
    if rollup:
        codes = list(dict.fromkeys(table.loc[c, "root"] for c in codes))
    return codes


def respondent_filter(
    project: Project, filters: Mapping[str, str | Sequence[str]] | Iterable[str | tuple[str, str]]
) -> tuple[str, list[Any]]:
    """SQL (on documents ``d``) and its parameters that keep the documents of respondents
    matching ``filters``, read as every overview reads them: Zoeken filters by this one rule.
    Needs ``attributes.view`` (filtering on attributes reads them)."""
    project.require("attributes.view")
    return _respondent_clause(project.db, parse_filters(filters))


def _respondent_clause(db: Database, filters: Sequence[tuple[str, str]]) -> tuple[str, list[Any]]:
    """SQL that keeps documents of respondents matching every filter key (values OR-ed).

    Values are read as their attribute's type (``uitkering=ja`` is the stored ``true``,
    ``leeftijd=52,0`` is ``52``). An unknown attribute, or a value no respondent has, is
    refused with the known ones listed: a typo would otherwise give an empty table that
    looks like a finding. A number or date value may be a bound (``>=65``, see
    :func:`_range_bound`); a range nobody falls in is an answer, not a typo, so it stays.
    """
    if not filters:
        return "1 = 1", []
    types = dict(db.execute("SELECT name, type FROM attributes").fetchall())
    grouped: dict[str, list[str]] = {}
    for key, value in filters:
        grouped.setdefault(key, []).append(value)
    clauses: list[str] = []
    params: list[Any] = []
    for key, given in grouped.items():
        if key == RESPONDENT_KEY and key not in types:
            # a case code, or the name of a document linked to nobody (its row's name)
            present = [
                r[0]
                for r in db.execute(
                    "SELECT code FROM respondents UNION "
                    "SELECT name FROM documents WHERE respondent_id IS NULL ORDER BY 1"
                )
            ]
            values = _known_values(key, given, present, "text")
            marks = ", ".join("?" * len(values))
            clauses.append(
                f"(d.respondent_id IN (SELECT id FROM respondents WHERE lower(code) IN ({marks}))"
                f" OR (d.respondent_id IS NULL AND lower(d.name) IN ({marks})))"
            )
            params.extend([*values, *values])
            continue
        if key not in types:
            raise InputError(
                "patterns.unknown_attribute",
                name=key,
                known=", ".join(sorted(set(types) | {RESPONDENT_KEY})),
            )
        ranges = [v for v in given if types[key] in ("number", "date") and v.startswith(("<", ">"))]
        either: list[str] = []  # the equal values, the range: a respondent fits either
        if len(ranges) < len(given):
            present = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT value FROM attribute_values WHERE attribute = ? "
                    "AND value IS NOT NULL AND value != '' ORDER BY value",
                    [key],
                )
            ]
            equal = [v for v in given if v not in ranges]
            have = {p.lower() for p in present}
            for value in equal:  # "wijk>=a": a bound where only numbers and dates compare
                if value.startswith(("<", ">")) and value.lower() not in have:
                    raise InputError(
                        "patterns.bound_on_text",
                        name=key,
                        value=value,
                        type=Term(f"respondents.type.{types[key]}"),
                    )
            values = _known_values(key, equal, present, types[key])
            either.append(f"lower(value) IN ({', '.join('?' * len(values))})")
            params.extend([key, *values])
        else:
            params.append(key)
        if ranges:
            bounds = [_range_bound(key, value, types[key]) for value in ranges]
            # a number compares as a number (9 < 10), a date as its ISO text (2024-03-01)
            column = "CAST(value AS REAL)" if types[key] == "number" else "value"
            either.append(" AND ".join(f"{column} {op} ?" for op, _ in bounds))
            params.extend(bound for _, bound in bounds)
        clauses.append(
            "d.respondent_id IN (SELECT respondent_id FROM attribute_values "
            f"WHERE attribute = ? AND (({') OR ('.join(either)})))"
        )
    return " AND ".join(clauses), params


def _range_bound(key: str, given: str, type_: str) -> tuple[str, float | str]:
    """(operator, bound) of a filter value such as ">=65" on a number or date attribute.

    Bounds of one attribute hold together (leeftijd>=65 leeftijd<80 is a range)."""
    operator = next(op for op in COMPARISONS if given.startswith(op))
    text = given[len(operator) :].strip()
    try:
        stored = parse_value(text, type_)
    except ValueError:
        stored = None
    if stored is None:
        raise InputError(
            "patterns.bad_bound", name=key, value=text, type=Term(f"respondents.type.{type_}")
        )
    return operator, float(stored) if type_ == "number" else stored


SHOWN_VALUES = 30  # an error lists at most this many known values


def _known_values(key: str, given: list[str], present: list[str], type_: str) -> list[str]:
    """The given filter values as stored (lower case), each one some respondent has."""
    have = {p.lower() for p in present}
    found, unknown = [], []
    for value in given:
        try:
            stored = parse_value(value, type_)
        except ValueError:
            stored = None
        if stored is None or stored.lower() not in have:
            unknown.append(value)
        else:
            found.append(stored.lower())
    if unknown:
        raise InputError(
            "patterns.unknown_value",
            name=key,
            value=", ".join(unknown),
            known=_known(present, type_),
        )
    return found


def _known(present: list[str], type_: str) -> str | Term:
    """The values a respondent has, for an error message (yes/no in the reader's words)."""
    if not present:
        return Term("patterns.known.none")
    if type_ == "boolean":
        return Term("patterns.known." + "_".join(v for v in ("true", "false") if v in present))
    shown = present[:SHOWN_VALUES]
    more = ", ..." if len(present) > SHOWN_VALUES else ""
    return ", ".join(shown) + more


FRAGMENT_COLUMNS = [
    "fragment_id",
    "document_id",
    "respondent_id",
    "respondent",
    "code",
    "start_char",
    "end_char",
    "seg_first",
    "seg_last",
    "turn_first",
    "turn_last",
    "life_year",
    "life_age",
]
DETAIL_COLUMNS = ["document", "pseudonym", "speaker", "coders", "n_codings", "text"]


def _segment_place(side: str) -> str:
    """SQL for the id of the first (``a``) or last (``b``) segment a coding touches."""
    if side == "a":
        found = (
            "SELECT id FROM segments s WHERE s.document_id = c.document_id "
            "AND s.end_char > c.start_char ORDER BY s.end_char LIMIT 1"
        )
    else:
        found = (
            "SELECT id FROM segments s WHERE s.document_id = c.document_id "
            "AND s.start_char < c.end_char ORDER BY s.start_char DESC LIMIT 1"
        )
    return f"CASE WHEN c.segment_id IS NULL THEN ({found}) ELSE c.segment_id END"


_COLUMNS = [
    "id",
    "document_id",
    "code_id",
    "start_char",
    "end_char",
    "life_year",
    "life_age",
    "coder_id",
    "seg_first",
    "seg_last",
    "turn_first",
    "turn_last",
    "speaker_id",
]


def _dense(ids: Sequence[int], values: Sequence[Any], fill: Any, dtype: Any = object) -> np.ndarray:
    """A lookup array: ``out[id]`` is the value; index -1 (SQL NULL here) gives ``fill``."""
    ids = np.asarray(ids, dtype=np.int64)
    out = np.full(int(ids.max(initial=0)) + 2, fill, dtype=dtype)
    out[ids] = np.asarray(values, dtype=dtype)
    return out


def _nullable(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Integers with -1 meaning missing, as a nullable Int64 array (no copy of the data)."""
    return pd.arrays.IntegerArray(values.astype(np.int64), values < 0)


def fragments(
    project: Project,
    selection: Selection = Selection(),
    *,
    details: bool = True,
    places: bool = True,
    codes: Iterable[str] | None = None,
    keep_marked: bool = False,
    respondent: str | None = None,
) -> pd.DataFrame:
    """Every coded fragment in the selection, in document order.

    A fragment is one place a code was given: the overlapping spans of one code in one
    document (by any coders; a single span too) are one fragment, shown by one of its
    codings (``fragment_id``: one with a life mark, else the earliest, widest span), with the
    ``coders`` who gave it and how many codings it merges (``n_codings``).

    Columns: FRAGMENT_COLUMNS then DETAIL_COLUMNS (``text`` only when ``details``).
    ``respondent`` is the case code, or the document name for a document not linked to a
    respondent; ``code`` is the slug (the top-level code when ``selection.rollup``);
    ``seg_first``/``seg_last`` and ``turn_first``/``turn_last`` are the positions of the
    first and last segment and turn the fragment touches, over all its spans (missing when
    the document has no segments, or when ``places=False``); ``start_char``/``end_char``
    and the text are the shown coding's. Overviews that only count ask for
    ``details=False`` and fetch the text of what they show (:func:`with_text`).
    ``codes`` keeps only those codes (slugs after rollup), plus every fragment with a life
    year or age when ``keep_marked``; ``respondent`` keeps one respondent's interviews.

    How it stays fast: SQLite returns integers only (NULL as -1), so the 100,000 rows become
    one numpy matrix; names are looked up at the end in small arrays indexed by id, and the
    merging of coders is a sort plus ``reduceat``.

    The acting user must be allowed to ``read``: every overview starts here, so
    co-researchers (who see only their workshop fragments) are refused in the package, not
    only on the page.
    """
    project.require("read")
    return _fragments(
        project.db,
        selection,
        details=details,
        places=places,
        codes=codes,
        keep_marked=keep_marked,
        respondent=respondent,
    )[0]


def _fragments(
    db: Database,
    selection: Selection,
    *,
    details: bool = True,
    places: bool = True,
    codes: Iterable[str] | None = None,
    keep_marked: bool = False,
    respondent: str | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    table = _code_ids(db)
    key_of = table["root_id"] if selection.rollup else pd.Series(table.index, index=table.index)
    where, params = _conditions(
        db,
        selection,
        codes=codes,
        keep_marked=keep_marked,
        respondent=respondent,
        table=table,
        key_of=key_of,
    )
    only_respondents = _speakers_used(db, selection) == "respondent"
    col = _coding_rows(db, where, params, places=places, only_respondents=only_respondents)
    code_key = _dense(table.index, key_of.to_numpy(), -1, np.int64)[col["code_id"]]
    rep, coders, sizes, member = _merge_spans(db, col, code_key)
    out = _named(db, col, rep, table["slug"].to_numpy(), table.index, code_key[rep])
    out["coders"] = _text(coders)
    out["n_codings"] = sizes
    if details:
        out["text"] = _text(_texts(db, out["fragment_id"]))
    return out, pd.Series(member, index=pd.Index(col["id"], name="coding"), name="fragment_id")


def fragments_and_members(
    project: Project,
    selection: Selection = Selection(),
    *,
    places: bool = True,
    codes: Iterable[str] | None = None,
    keep_marked: bool = False,
    respondent: str | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """:func:`fragments` without their text and, for every coding in the selection, the
    ``fragment_id`` of the fragment it is part of (index: the coding's id).

    For overviews that start from codings (life events point at codings): a coding whose
    span differs a little from the kept one is still in the selection, and in that
    fragment. Needs ``read``."""
    project.require("read")
    return _fragments(
        project.db,
        selection,
        details=False,
        places=places,
        codes=codes,
        keep_marked=keep_marked,
        respondent=respondent,
    )


def _conditions(
    db: Database,
    selection: Selection,
    *,
    codes: Iterable[str] | None,
    keep_marked: bool,
    respondent: str | None,
    table: pd.DataFrame,
    key_of: pd.Series,
) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on codings ``c`` and documents ``d``) and their parameters."""
    where, params = ["1 = 1"], []
    if selection.statuses:
        where.append(f"c.status IN ({', '.join('?' * len(selection.statuses))})")
        params.extend(selection.statuses)
    if selection.coders:
        known = {r[0] for r in db.execute("SELECT name FROM users")}
        unknown = [c for c in selection.coders if c not in known]
        if unknown:  # a typo would otherwise give an empty table that looks like a finding
            raise NotFound("access.unknown_user", user=", ".join(unknown))
        where.append(f"c.coder IN ({', '.join('?' * len(selection.coders))})")
        params.extend(selection.coders)
    clause, extra = _respondent_clause(db, selection.filters)
    where.append(clause)
    params.extend(extra)
    if respondent is not None:
        where.append(
            "d.id IN (SELECT d.id FROM documents d LEFT JOIN respondents r "
            "ON r.id = d.respondent_id WHERE coalesce(r.code, d.name) = ?)"
        )
        params.append(respondent)
    if codes is not None:
        wanted = set(_check_codes(db, codes, rollup=selection.rollup))
        ids = [int(i) for i, k in key_of.items() if table.loc[k, "slug"] in wanted]
        kept = f"c.code_id IN ({', '.join(map(str, ids)) or 'NULL'})"
        if keep_marked:
            kept = f"({kept} OR c.life_year IS NOT NULL OR c.life_age IS NOT NULL)"
        where.append(kept)
    return where, params


def _coding_rows(
    db: Database, where: list[str], params: list[Any], *, places: bool, only_respondents: bool
) -> dict[str, np.ndarray]:
    """One integer column per name in _COLUMNS for every coding that passes ``where``.

    First and last segment (and their turns) are looked up per coding; a free span uses the
    segment indexes of migration m007. Positions are ordered so that first <= last.
    """
    last = f", {_segment_place('b')} AS b" if places else ""
    joins = "LEFT JOIN segments sa ON sa.id = x.a LEFT JOIN turns ta ON ta.id = sa.turn_id "
    if only_respondents:
        joins += "LEFT JOIN speakers sp ON sp.id = ta.speaker_id "
    if places:
        joins += "LEFT JOIN segments sb ON sb.id = x.b LEFT JOIN turns tb ON tb.id = sb.turn_id"
        place_columns = (
            "coalesce(sa.position, -1), coalesce(sb.position, -1), "
            "coalesce(ta.position, -1), coalesce(tb.position, -1)"
        )
    else:
        place_columns = "-1, -1, -1, -1"
    speaker, keep = "coalesce(ta.speaker_id, -1)", "1 = 1"
    if only_respondents:
        # Not the interviewer's words, nor a header (title, details block: no one's words);
        # a speaker set to 'other' and a cue without a voice stay (ingest.speakers.speech_sql).
        # A fragment that starts in the interviewer's question (or the header) and runs into
        # the answer is kept (issue 13), under the first such speaker in its span.
        said = ["respondent", "other"]
        answer = (
            "SELECT coalesce(t.speaker_id, -1) FROM turns t LEFT JOIN speakers s2 "
            "ON s2.id = t.speaker_id WHERE t.document_id = x.document_id "
            "AND t.position > ta.position AND t.start_char < x.end_char "
            f"AND {speech_sql(said, speaker='s2', unknown=True)} ORDER BY t.position LIMIT 1"
        )
        own = f"(ta.id IS NULL OR {speech_sql(said, turn='ta', unknown=True)})"  # no segment
        speaker = f"CASE WHEN {own} THEN coalesce(ta.speaker_id, -1) ELSE ({answer}) END"
        keep = f"{own} OR EXISTS ({answer})"
    rows = db.execute(
        f"""
        SELECT x.id, x.document_id, x.code_id, x.start_char, x.end_char,
               coalesce(x.life_year, -1), coalesce(x.life_age, -1), x.coder_id,
               {place_columns}, {speaker}
        FROM (SELECT c.id, c.document_id, c.code_id, c.start_char, c.end_char, c.life_year,
                     c.life_age, u.rowid AS coder_id, {_segment_place("a")} AS a {last}
              FROM codings c JOIN documents d ON d.id = c.document_id
              JOIN users u ON u.name = c.coder
              WHERE {" AND ".join(where)}) x
        {joins}
        WHERE {keep}
        """,
        params,
    ).fetchall()
    col = dict(zip(_COLUMNS, np.array(rows, dtype=np.int64).reshape(-1, len(_COLUMNS)).T))
    for first, last_ in (("seg_first", "seg_last"), ("turn_first", "turn_last")):
        a = np.where(col[first] < 0, col[last_], col[first])
        b = np.where(col[last_] < 0, col[first], col[last_])
        col[first], col[last_] = np.minimum(a, b), np.maximum(a, b)
    return col


def _merge_spans(
    db: Database, col: dict[str, np.ndarray], code_key: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One fragment per place a code was given: overlapping spans of one code in one
    document are one fragment, in document order.

    Two coders rarely select exactly the same characters (one takes the full stop, the other
    not; one the sentence, the other the whole answer); counting each selection would count
    one place twice. Spans that only touch (one ends where the next starts) stay apart.
    Returns the row kept for each (the first with a life mark, else the earliest and widest
    span), the
    coders of each, how many codings it merges and the fragment of every row (``-1``: none).
    The kept row's places widen to every merged span's first and last segment and turn.
    """
    order = np.lexsort(
        (col["id"], col["end_char"], col["start_char"], code_key, col["document_id"])
    )
    doc, code = col["document_id"][order], code_key[order]
    start, end = col["start_char"][order], col["end_char"][order]
    if len(order):
        group = np.cumsum(np.r_[True, (doc[1:] != doc[:-1]) | (code[1:] != code[:-1])]) - 1
        # the furthest end so far within the same document and code: an offset per group
        # keeps one running maximum from reaching into the next group
        shift = group * (int(end.max()) + 1)
        reach = np.maximum.accumulate(end + shift)
        new = np.r_[True, (group[1:] != group[:-1]) | (start[1:] + shift[1:] >= reach[:-1])]
    else:
        new = np.zeros(0, dtype=bool)
    cluster = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    sizes = np.diff(np.r_[starts, len(order)])
    # the kept row: a life mark first (year, then age), then the earliest and widest span
    # (the fullest quote), then the id
    marked = np.lexsort(
        (
            col["id"][order],
            -end,
            start,
            col["life_age"][order] < 0,
            col["life_year"][order] < 0,
            cluster,
        )
    )
    rep = order[marked[starts]]
    for first, last in (("seg_first", "seg_last"), ("turn_first", "turn_last")):
        if len(starts):
            low = np.where(col[first][order] < 0, np.iinfo(np.int64).max, col[first][order])
            low = np.minimum.reduceat(low, starts)
            high = np.maximum.reduceat(col[last][order], starts)
            col[first][rep] = np.where(low == np.iinfo(np.int64).max, -1, low)
            col[last][rep] = high
    coders = _coder_names(db, col["coder_id"][order], starts)
    final = np.lexsort(
        (code_key[rep], col["end_char"][rep], col["start_char"][rep], col["document_id"][rep])
    )
    member = np.empty(len(order), dtype=np.int64)
    member[order] = col["id"][rep][cluster]  # every coding -> the id of its fragment
    return rep[final], coders[final], sizes[final], member


def _named(
    db: Database,
    col: dict[str, np.ndarray],
    rep: np.ndarray,
    slugs: np.ndarray,
    code_ids: pd.Index,
    code_key: np.ndarray,
) -> pd.DataFrame:
    """The kept rows as a DataFrame with respondent, code, document and speaker names."""
    docs = db.execute(
        "SELECT d.id, coalesce(d.respondent_id, -1), coalesce(r.code, d.name), d.name, "
        "r.pseudonym FROM documents d LEFT JOIN respondents r ON r.id = d.respondent_id"
    ).fetchall()
    doc_ids = [d[0] for d in docs]
    doc = col["document_id"][rep]
    out = pd.DataFrame(
        {
            "fragment_id": col["id"][rep],
            "document_id": doc,
            "respondent_id": _nullable(_dense(doc_ids, [d[1] for d in docs], -1, np.int64)[doc]),
            "respondent": _text(_dense(doc_ids, [d[2] for d in docs], None)[doc]),
            "code": _text(_dense(code_ids, slugs, None)[code_key]),
            "start_char": col["start_char"][rep],
            "end_char": col["end_char"][rep],
        }
    )
    for name in ("seg_first", "seg_last", "turn_first", "turn_last", "life_year", "life_age"):
        out[name] = _nullable(col[name][rep])
    out["document"] = _text(_dense(doc_ids, [d[3] for d in docs], None)[doc])
    out["pseudonym"] = _text(_dense(doc_ids, [d[4] for d in docs], None)[doc])
    labels = db.execute("SELECT id, label FROM speakers").fetchall()
    out["speaker"] = _text(
        _dense([r[0] for r in labels], [r[1] for r in labels], None)[col["speaker_id"][rep]]
    )
    return out


def _text(values: Any) -> pd.Series:
    """Plain Python-object strings: pandas' Arrow-backed strings are several times slower to
    take and merge, which is most of what the overviews do."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _coder_names(db: Database, coder_ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """ "anna,bram" per group of rows (groups begin at ``starts``), via one bit per coder."""
    users = db.execute("SELECT rowid, name FROM users ORDER BY name").fetchall()
    if len(users) > 62:  # more coders than bits: fall back to string joining
        names = _dense([u[0] for u in users], [u[1] for u in users], "")[coder_ids]
        gid = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(coder_ids)]))
        frame = pd.DataFrame({"g": gid, "coder": names}).drop_duplicates()
        return joined(frame, "g", "coder", ",").reindex(range(len(starts))).to_numpy()
    bit = _dense([u[0] for u in users], [1 << i for i in range(len(users))], 0, np.int64)
    masks = np.bitwise_or.reduceat(bit[coder_ids], starts) if len(starts) else np.array([], int)
    unique, inverse = np.unique(masks, return_inverse=True)
    spelled = np.array(
        [",".join(u[1] for i, u in enumerate(users) if mask >> i & 1) for mask in unique],
        dtype=object,
    )
    return spelled[inverse] if len(unique) else np.array([], dtype=object)


def joined(
    frame: pd.DataFrame, by: str | list[str], column: str, sep: str, *, sort: bool = True
) -> pd.Series:
    """``column`` joined with ``sep`` per group, without a Python call per group.

    Rows are ordered by group (and by value when ``sort``, else kept in frame order) and
    glued with one ``numpy.add.reduceat`` over the strings.
    """
    by = [by] if isinstance(by, str) else list(by)
    if frame.empty:
        index = (
            pd.MultiIndex.from_arrays([[] for _ in by], names=by)
            if len(by) > 1
            else pd.Index([], name=by[0])
        )
        return pd.Series([], dtype=object, index=index)
    ordered = frame.sort_values([*by, column] if sort else by, kind="stable")
    gid = ordered.groupby(by, sort=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    values = ordered[column].astype(str).to_numpy(dtype=object)
    first = np.zeros(len(values), dtype=bool)
    first[starts] = True
    glued = np.add.reduceat(np.where(first, values, sep + values), starts)
    keys = ordered.iloc[starts][by]
    index = pd.MultiIndex.from_frame(keys) if len(by) > 1 else pd.Index(keys[by[0]], name=by[0])
    return pd.Series(glued, index=index, dtype=object)


def _code_ids(db: Database) -> pd.DataFrame:
    """code id -> slug and the id of its top-level code."""
    return (
        pd.read_sql_query(
            """
        WITH RECURSIVE tree(id, root_id) AS (
            SELECT id, id FROM codes WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root_id FROM codes c JOIN tree ON c.parent_id = tree.id
        )
        SELECT tree.id, tree.root_id, k.slug FROM tree JOIN codes k ON k.id = tree.id
        """,
            db.conn,
        )
        .set_index("id")
        .astype({"slug": object})
    )


def texts(project: Project, coding_ids: pd.Series) -> np.ndarray:
    """The stored snippets of these codings, in the same order (one query); needs ``read``."""
    project.require("read")
    return _texts(project.db, coding_ids)


def _texts(db: Database, coding_ids: pd.Series) -> np.ndarray:
    ids = np.asarray(coding_ids, dtype=np.int64)
    found = dict(
        db.execute(
            "SELECT id, text FROM codings WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids.tolist())],
        ).fetchall()
    )
    return pd.Series(found, dtype=object).reindex(ids).to_numpy(dtype=object)


def with_text(project: Project, frame: pd.DataFrame, *, pseudonymise: bool = False) -> pd.DataFrame:
    """Add the ``text`` column to a subset of ``fragments(..., details=False)``.

    ``pseudonymise`` puts the project's pseudonyms in place of names (for quotes that leave
    the research team) and moves the offsets with them (:func:`_pseudonymised`). Needs
    ``read``.
    """
    project.require("read")
    db = project.db
    text = pd.Series(_texts(db, frame["fragment_id"]), index=frame.index, dtype=object)
    if pseudonymise and len(frame):
        frame, text = _pseudonymised(project, frame, text)
    return frame.assign(text=text)


def _pseudonymised(
    project: Project, frame: pd.DataFrame, text: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """Each quote's text and offsets as in its pseudonymised document (as every export
    gives them): the document is pseudonymised once and the quote cut from it, so text and
    offsets agree. A quote that starts or ends inside a name covers its replacement."""
    from workbench.privacy.pseudonyms import pseudonymised_document

    frame, text = frame.copy(), text.copy()
    for document_id in frame["document_id"].dropna().unique().tolist():
        mapped = pseudonymised_document(project, int(document_id))
        if not mapped.spans:
            continue
        for i in frame.index[frame["document_id"] == document_id]:
            start = mapped.map_offset(int(frame.at[i, "start_char"]), side="start")
            end = mapped.map_offset(int(frame.at[i, "end_char"]), side="end")
            frame.at[i, "start_char"], frame.at[i, "end_char"] = start, end
            text[i] = mapped.text[start:end]
    return frame, text


def respondents(project: Project, selection: Selection = Selection()) -> pd.DataFrame:
    """Respondents (and unlinked documents) in the selection that have at least one document.

    They are the rows of the framework matrix and the denominators of shares, also when
    nothing in their interview is coded yet. Columns: respondent, respondent_id, pseudonym.
    The acting user must be allowed to ``read`` (co-researchers are refused).
    """
    project.require("read")
    db = project.db
    clause, params = _respondent_clause(db, selection.filters)
    return pd.read_sql_query(
        f"""
        SELECT DISTINCT coalesce(r.code, d.name) AS respondent, d.respondent_id, r.pseudonym
        FROM documents d LEFT JOIN respondents r ON r.id = d.respondent_id
        WHERE {clause} ORDER BY respondent
        """,
        db.conn,
        params=params,
    ).astype({"respondent_id": "Int64"})


def attributes_wide(project: Project) -> pd.DataFrame:
    """One row per respondent id, one column per attribute (for joining onto quotes).

    Needs ``read`` (attributes describe people).
    """
    project.require("read")
    return _attributes_wide(project.db)


def _attributes_wide(db: Database) -> pd.DataFrame:
    long = pd.read_sql_query(
        "SELECT respondent_id, attribute, value FROM attribute_values", db.conn
    )
    names = _attribute_names(db)
    if long.empty:
        return pd.DataFrame({"respondent_id": pd.Series([], dtype="Int64")})
    types = dict(db.execute("SELECT name, type FROM attributes").fetchall())
    long["value"] = [
        _typed(v, types.get(a, "text")) for a, v in zip(long["attribute"], long["value"])
    ]
    wide = long.pivot(index="respondent_id", columns="attribute", values="value")
    wide = wide.reindex(columns=[n for n in names if n in wide.columns]).reset_index()
    wide.columns.name = None
    for name in wide.columns:
        numbers = wide[name].dropna()
        if types.get(name) == "number" and all(isinstance(v, int) for v in numbers):
            wide[name] = wide[name].astype("Int64")  # an age stays 52, not 52.0
    return wide.astype({"respondent_id": "Int64"})


def _typed(value: str | None, type_: str) -> Any:
    """A stored value as its type; a whole number as an int (a CSV then says 52, not 52.0)."""
    typed = typed_value(value, type_)
    if isinstance(typed, float) and typed.is_integer():
        return int(typed)
    return typed


def with_attributes(project: Project, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every respondent attribute added as a column (by ``respondent_id``).

    Needs ``read`` (attributes describe people).
    """
    project.require("read")
    wide = _attributes_wide(project.db)
    clash = [c for c in wide.columns if c != "respondent_id" and c in frame.columns]
    wide = wide.rename(columns={c: f"attr:{c}" for c in clash})
    return frame.merge(wide, on="respondent_id", how="left")
