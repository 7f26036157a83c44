"""The one table every overview starts from: coded fragments with where and who.

Why fragments and not codings: when two coders give the same code to the same span it is one
place in the interview, not two. Every overview here counts *fragments*: distinct
(document, code, start, end) after the selection, with the coders that gave it listed. All of
it is one set-based SQL query (the free spans' segment positions are found with two index
lookups each), so the overviews stay fast on 100,000 codings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from workbench.codings import STATUSES
from workbench.errors import InputError, NotFound
from workbench.store import get_setting

RESPONDENT_KEY = "respondent"   # --filter respondent=R01 selects respondents by case code
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
            raise InputError("patterns.bad_speakers", value=speakers,
                             allowed=", ".join(SPEAKER_MODES))
        return cls(filters=parse_filters(filters), coders=coders, statuses=statuses,
                   rollup=rollup, speakers=speakers)

    def describe(self) -> list[tuple[str, str]]:
        """The selection as (name, value) rows, written into every export."""
        rows = [("filter", f"{k}={v}") for k, v in self.filters]
        rows.append(("coders", ", ".join(self.coders) if self.coders else "(all)"))
        rows.append(("status", ", ".join(self.statuses) if self.statuses else "(all)"))
        rows.append(("rollup", "yes" if self.rollup else "no"))
        rows.append(("speakers", self.speakers or "(project setting)"))
        return rows


def parse_filters(
    filters: Mapping[str, str | Sequence[str]] | Iterable[str | tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Normalise filters to sorted (key, value) pairs; ``KEY=VALUE`` strings are split once."""
    pairs: list[tuple[str, str]] = []
    if isinstance(filters, Mapping):
        for key, value in filters.items():
            values = [value] if isinstance(value, str) else list(value)
            pairs.extend((str(key), str(v)) for v in values)
    else:
        for item in filters:
            if isinstance(item, str):
                key, sep, value = item.partition("=")
                if not sep or not key.strip():
                    raise InputError("patterns.bad_filter", given=item)
                pairs.append((key.strip(), value.strip()))
            else:
                key, value = item
                pairs.append((str(key), str(value)))
    return tuple(sorted(set(pairs)))


def data_version(db: Database) -> tuple[int, int]:
    """Changes whenever the data behind an overview changes: (last event id, codings count).

    Pages key their caches on it, so a rerun without changes recomputes nothing.
    """
    last = db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    n = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    return int(last), int(n)


def attribute_names(db: Database) -> list[str]:
    """Attribute names in their display order."""
    return [r[0] for r in db.execute("SELECT name FROM attributes ORDER BY position, name")]


def attribute_values(db: Database) -> pd.DataFrame:
    """Every attribute with the distinct values it takes (columns: attribute, value, respondents)."""
    return pd.read_sql_query(
        "SELECT a.name AS attribute, v.value, count(*) AS respondents "
        "FROM attribute_values v JOIN attributes a ON a.name = v.attribute "
        "WHERE v.value IS NOT NULL AND v.value != '' "
        "GROUP BY a.name, v.value ORDER BY a.position, a.name, v.value",
        db.conn,
    )


def coders(db: Database) -> list[str]:
    """Everyone who has at least one coding."""
    return [r[0] for r in db.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]


def codes_table(db: Database) -> pd.DataFrame:
    """Codes in codebook (tree) order with their parent and top-level code.

    Columns: code (slug), name, name_en, parent, root, color, order.
    """
    frame = pd.read_sql_query(
        """
        WITH RECURSIVE tree(id, root_id, depth) AS (
            SELECT id, id, 0 FROM codes WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root_id, tree.depth + 1 FROM codes c JOIN tree ON c.parent_id = tree.id
        )
        SELECT k.slug AS code, k.name, k.name_en, p.slug AS parent, r.slug AS root, k.color,
               k.codebook_id, r.position AS root_position, tree.depth, k.position
        FROM codes k JOIN tree ON tree.id = k.id
        JOIN codes r ON r.id = tree.root_id
        LEFT JOIN codes p ON p.id = k.parent_id
        """,
        db.conn,
    )
    frame = frame.sort_values(["codebook_id", "root_position", "root", "depth", "position", "code"])
    frame["order"] = range(len(frame))
    columns = ["code", "name", "name_en", "parent", "root", "color"]
    return frame[[*columns, "order"]].reset_index(drop=True).astype(
        {c: object for c in columns})


def check_codes(db: Database, codes: Iterable[str]) -> list[str]:
    """The given code slugs, refusing any the project does not have."""
    codes = list(codes)
    known = set(codes_table(db)["code"])
    for code in codes:
        if code not in known:
            raise NotFound("codings.unknown_code", code=code)
    return codes


def _respondent_clause(db: Database, filters: Sequence[tuple[str, str]]) -> tuple[str, list[Any]]:
    """SQL that keeps documents of respondents matching every filter key (values OR-ed)."""
    if not filters:
        return "1 = 1", []
    known = set(attribute_names(db))
    grouped: dict[str, list[str]] = {}
    for key, value in filters:
        grouped.setdefault(key, []).append(value.lower())
    clauses, params = [], []
    for key, values in grouped.items():
        marks = ", ".join("?" * len(values))
        if key == RESPONDENT_KEY and key not in known:
            clauses.append(
                f"d.respondent_id IN (SELECT id FROM respondents WHERE lower(code) IN ({marks}))"
            )
            params.extend(values)
            continue
        if key not in known:
            raise InputError("patterns.unknown_attribute", name=key,
                             known=", ".join(sorted(known | {RESPONDENT_KEY})))
        clauses.append(
            "d.respondent_id IN (SELECT respondent_id FROM attribute_values "
            f"WHERE attribute = ? AND lower(value) IN ({marks}))"
        )
        params.extend([key, *values])
    return " AND ".join(clauses), params


FRAGMENT_COLUMNS = [
    "fragment_id", "document_id", "respondent_id", "respondent", "code", "start_char",
    "end_char", "seg_first", "seg_last", "turn_first", "turn_last", "life_year", "life_age",
]
DETAIL_COLUMNS = ["document", "pseudonym", "speaker", "coders", "n_codings", "text"]


def _segment_place(side: str) -> str:
    """SQL for the id of the first (``a``) or last (``b``) segment a coding touches."""
    if side == "a":
        found = ("SELECT id FROM segments s WHERE s.document_id = c.document_id "
                 "AND s.end_char > c.start_char ORDER BY s.end_char LIMIT 1")
    else:
        found = ("SELECT id FROM segments s WHERE s.document_id = c.document_id "
                 "AND s.start_char < c.end_char ORDER BY s.start_char DESC LIMIT 1")
    return f"CASE WHEN c.segment_id IS NULL THEN ({found}) ELSE c.segment_id END"


def _frame(cursor) -> pd.DataFrame:
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def fragments(
    db: Database,
    selection: Selection = Selection(),
    *,
    details: bool = True,
    places: bool = True,
    codes: Iterable[str] | None = None,
    keep_marked: bool = False,
) -> pd.DataFrame:
    """Every coded fragment in the selection, in document order.

    Columns: FRAGMENT_COLUMNS then DETAIL_COLUMNS (``text`` only when ``details``).
    ``respondent`` is the case code, or the document name for a document not linked to a
    respondent; ``code`` is the slug (the top-level code when ``selection.rollup``);
    ``seg_first``/``seg_last`` and ``turn_first``/``turn_last`` are the positions of the
    first and last segment and turn the fragment touches (missing when the document has no
    segments, or when ``places=False``). Overviews that only count ask for
    ``details=False`` and fetch the text of what they show (:func:`with_text`).
    ``codes`` keeps only those codes (slugs after rollup), plus every fragment with a life
    year or age when ``keep_marked``.
    """
    where, params = ["1 = 1"], []
    if selection.statuses:
        where.append(f"c.status IN ({', '.join('?' * len(selection.statuses))})")
        params.extend(selection.statuses)
    if selection.coders:
        where.append(f"c.coder IN ({', '.join('?' * len(selection.coders))})")
        params.extend(selection.coders)
    clause, extra = _respondent_clause(db, selection.filters)
    where.append(clause)
    params.extend(extra)
    table = _code_ids(db)
    key_of = table["root_id"] if selection.rollup else table.index.to_series(index=table.index)
    if codes is not None:
        wanted = set(check_codes(db, codes))
        ids = [int(i) for i, k in key_of.items() if table.loc[k, "slug"] in wanted]
        kept = f"c.code_id IN ({', '.join(map(str, ids)) or 'NULL'})"
        if keep_marked:
            kept = f"({kept} OR c.life_year IS NOT NULL OR c.life_age IS NOT NULL)"
        where.append(kept)
    speakers = selection.speakers or get_setting(db, "analysis_speakers") or "all"
    last = (f", {_segment_place('b')} AS b" if places else "")
    text = ", x.text" if details else ""
    inner_text = ", c.text" if details else ""
    joins = "LEFT JOIN segments sa ON sa.id = x.a LEFT JOIN turns ta ON ta.id = sa.turn_id "
    joins += "LEFT JOIN speakers sp ON sp.id = ta.speaker_id "
    if places:
        joins += "LEFT JOIN segments sb ON sb.id = x.b LEFT JOIN turns tb ON tb.id = sb.turn_id"
    place_columns = ("sa.position AS seg_first, sb.position AS seg_last, "
                     "ta.position AS turn_first, tb.position AS turn_last" if places else
                     "NULL AS seg_first, NULL AS seg_last, NULL AS turn_first, NULL AS turn_last")
    cursor = db.execute(
        f"""
        SELECT x.id, x.document_id, x.code_id, x.start_char, x.end_char, x.life_year,
               x.life_age, x.coder, {place_columns}, sp.label AS speaker {text}
        FROM (SELECT c.id, c.document_id, c.code_id, c.start_char, c.end_char, c.life_year,
                     c.life_age, c.coder, {_segment_place("a")} AS a {last} {inner_text}
              FROM codings c JOIN documents d ON d.id = c.document_id
              WHERE {' AND '.join(where)}) x
        {joins}
        WHERE {"coalesce(sp.role, '') != 'interviewer'" if speakers == "respondent" else "1 = 1"}
        """,
        params,
    )
    raw = _frame(cursor)
    raw["code_key"] = raw["code_id"].map(key_of).astype("int64")
    raw["group"] = raw.groupby(["document_id", "code_key", "start_char", "end_char"],
                               sort=False).ngroup()
    if places:
        _order_places(raw, "seg_first", "seg_last")
        _order_places(raw, "turn_first", "turn_last")
    key = ["document_id", "code_key", "start_char", "end_char"]
    if raw["life_year"].notna().any() or raw["life_age"].notna().any():
        raw = raw.sort_values(["life_year", "life_age", "id"], na_position="last")
    else:
        raw = raw.sort_values("id")
    frame = raw.drop_duplicates("group").rename(columns={"id": "fragment_id"})
    frame = frame.sort_values(["document_id", "start_char", "end_char", "code_key"])
    docs = pd.read_sql_query(
        "SELECT d.id, d.respondent_id, coalesce(r.code, d.name) AS respondent, d.name, "
        "r.pseudonym FROM documents d LEFT JOIN respondents r ON r.id = d.respondent_id",
        db.conn,
    ).set_index("id").astype({"respondent": object, "name": object, "pseudonym": object})
    out = pd.DataFrame({
        "fragment_id": frame["fragment_id"].to_numpy(),
        "document_id": frame["document_id"].to_numpy(),
        "respondent_id": frame["document_id"].map(docs["respondent_id"]).to_numpy(),
        "respondent": frame["document_id"].map(docs["respondent"]).to_numpy(dtype=object),
        "code": frame["code_key"].map(table["slug"]).to_numpy(dtype=object),
    })
    for column in FRAGMENT_COLUMNS[5:]:
        out[column] = frame[column].to_numpy()
    for column in ("seg_first", "seg_last", "turn_first", "turn_last", "life_year", "life_age",
                   "respondent_id"):
        out[column] = out[column].astype("Int64")
    out["document"] = frame["document_id"].map(docs["name"]).to_numpy(dtype=object)
    out["pseudonym"] = frame["document_id"].map(docs["pseudonym"]).to_numpy(dtype=object)
    out["speaker"] = frame["speaker"].to_numpy(dtype=object)
    if len(raw) == len(frame):
        out["coders"] = frame["coder"].to_numpy(dtype=object)
        out["n_codings"] = 1
    else:
        who = raw[["group", "coder"]].drop_duplicates()
        out["coders"] = frame["group"].map(joined(who, "group", "coder", ",")).to_numpy(
            dtype=object)
        out["n_codings"] = frame["group"].map(raw.groupby("group").size()).to_numpy()
    if details:
        out["text"] = frame["text"].to_numpy(dtype=object)
    return out


def _order_places(raw: pd.DataFrame, first: str, last: str) -> None:
    """Fill a missing end from the other one and make sure first <= last (in place)."""
    a = raw[first].fillna(raw[last])
    b = raw[last].fillna(raw[first])
    raw[first], raw[last] = a.where(a <= b, b), b.where(a <= b, a)


def joined(frame: pd.DataFrame, by: str | list[str], column: str, sep: str, *,
           sort: bool = True) -> pd.Series:
    """``column`` joined with ``sep`` per group, without a Python call per group.

    Rows are ordered by group (and by value when ``sort``, else kept in frame order) and
    glued with one ``numpy.add.reduceat`` over the strings.
    """
    by = [by] if isinstance(by, str) else list(by)
    if frame.empty:
        return pd.Series([], dtype=object, index=pd.MultiIndex.from_arrays(
            [[] for _ in by], names=by) if len(by) > 1 else pd.Index([], name=by[0]))
    ordered = frame.sort_values([*by, column] if sort else by, kind="stable")
    gid = ordered.groupby(by, sort=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    values = (ordered[column].astype(str) + sep).to_numpy(dtype=object)
    glued = np.add.reduceat(values, starts)
    keys = ordered.iloc[starts][by]
    index = pd.MultiIndex.from_frame(keys) if len(by) > 1 else pd.Index(keys[by[0]], name=by[0])
    return pd.Series([g[: -len(sep)] for g in glued], index=index, dtype=object)


def _code_ids(db: Database) -> pd.DataFrame:
    """code id -> slug and the id of its top-level code."""
    return pd.read_sql_query(
        """
        WITH RECURSIVE tree(id, root_id) AS (
            SELECT id, id FROM codes WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root_id FROM codes c JOIN tree ON c.parent_id = tree.id
        )
        SELECT tree.id, tree.root_id, k.slug FROM tree JOIN codes k ON k.id = tree.id
        """,
        db.conn,
    ).set_index("id").astype({"slug": object})


def texts(db: Database, coding_ids: pd.Series) -> list[str | None]:
    """The stored snippets of these codings, in the same order (one query)."""
    found = dict(db.execute(
        "SELECT id, text FROM codings WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps([int(i) for i in coding_ids])],
    ).fetchall())
    return [found.get(int(i)) for i in coding_ids]


def with_text(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the ``text`` column to a subset of ``fragments(..., details=False)``."""
    return frame.assign(text=pd.Series(texts(db, frame["fragment_id"]), index=frame.index,
                                       dtype=object))


def respondents(db: Database, selection: Selection = Selection()) -> pd.DataFrame:
    """Respondents (and unlinked documents) in the selection that have at least one document.

    They are the rows of the framework matrix and the denominators of shares, also when
    nothing in their interview is coded yet. Columns: respondent, respondent_id, pseudonym.
    """
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


def attributes_wide(db: Database) -> pd.DataFrame:
    """One row per respondent id, one column per attribute (for joining onto quotes)."""
    long = pd.read_sql_query(
        "SELECT respondent_id, attribute, value FROM attribute_values", db.conn
    )
    names = attribute_names(db)
    if long.empty:
        return pd.DataFrame({"respondent_id": pd.Series([], dtype="Int64")})
    wide = long.pivot(index="respondent_id", columns="attribute", values="value")
    wide = wide.reindex(columns=[n for n in names if n in wide.columns]).reset_index()
    wide.columns.name = None
    return wide.astype({"respondent_id": "Int64"})


def with_attributes(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every respondent attribute added as a column (by ``respondent_id``)."""
    wide = attributes_wide(db)
    clash = [c for c in wide.columns if c != "respondent_id" and c in frame.columns]
    wide = wide.rename(columns={c: f"attr:{c}" for c in clash})
    return frame.merge(wide, on="respondent_id", how="left")
