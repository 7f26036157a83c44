"""The one table every overview starts from: coded fragments with where and who.

Why fragments and not codings: when two coders give the same code to the same span it is one
place in the interview, not two. Every overview here counts *fragments*: distinct
(document, code, start, end) after the selection, with the coders that gave it listed. All of
it is one set-based SQL query (the free spans' segment positions are found with two index
lookups each), so the overviews stay fast on 100,000 codings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    return frame[["code", "name", "name_en", "parent", "root", "color", "order"]].reset_index(
        drop=True
    )


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
    "fragment_id", "document_id", "document", "respondent_id", "respondent", "pseudonym",
    "code", "coders", "n_codings", "start_char", "end_char", "text", "seg_first", "seg_last",
    "turn_first", "turn_last", "speaker", "speaker_role", "life_year", "life_age",
]


def fragments(db: Database, selection: Selection = Selection()) -> pd.DataFrame:
    """Every coded fragment in the selection, in document order.

    Columns (FRAGMENT_COLUMNS): ``respondent`` is the case code, or the document name for a
    document not linked to a respondent; ``code`` is the slug (the top-level code when
    ``selection.rollup``); ``seg_first``/``seg_last`` and ``turn_first``/``turn_last`` are the
    positions of the first and last segment and turn the fragment touches (missing when the
    document has no segments); ``speaker`` is the label of the first turn.
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
    code_expr = "tree.root_id" if selection.rollup else "c.code_id"
    speakers = selection.speakers or get_setting(db, "analysis_speakers") or "all"
    speaker_clause = "coalesce(sp.role, '') != 'interviewer'" if speakers == "respondent" else "1 = 1"
    sql = f"""
        WITH RECURSIVE tree(id, root_id) AS (
            SELECT id, id FROM codes WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root_id FROM codes c JOIN tree ON c.parent_id = tree.id
        ),
        frag AS (
            SELECT c.document_id, {code_expr} AS code_id, c.start_char, c.end_char,
                   min(c.id) AS fragment_id, count(*) AS n_codings,
                   group_concat(DISTINCT c.coder) AS coders, max(c.segment_id) AS segment_id,
                   max(c.text) AS text, max(c.life_year) AS life_year, max(c.life_age) AS life_age
            FROM codings c JOIN documents d ON d.id = c.document_id
            JOIN tree ON tree.id = c.code_id
            WHERE {' AND '.join(where)}
            GROUP BY c.document_id, {code_expr}, c.start_char, c.end_char
        ),
        located AS (
            SELECT f.*,
                coalesce(
                    (SELECT position FROM segments WHERE id = f.segment_id),
                    (SELECT position FROM segments s WHERE s.document_id = f.document_id
                       AND s.end_char > f.start_char ORDER BY s.end_char LIMIT 1)
                ) AS first_pos,
                coalesce(
                    (SELECT position FROM segments WHERE id = f.segment_id),
                    (SELECT position FROM segments s WHERE s.document_id = f.document_id
                       AND s.start_char < f.end_char ORDER BY s.start_char DESC LIMIT 1)
                ) AS last_pos
            FROM frag f
        ),
        placed AS (
            SELECT *,
                min(coalesce(first_pos, last_pos), coalesce(last_pos, first_pos)) AS seg_first,
                max(coalesce(first_pos, last_pos), coalesce(last_pos, first_pos)) AS seg_last
            FROM located
        )
        SELECT p.fragment_id, p.document_id, d.name AS document, d.respondent_id,
               coalesce(r.code, d.name) AS respondent, r.pseudonym, k.slug AS code, p.coders,
               p.n_codings, p.start_char, p.end_char, p.text, p.seg_first, p.seg_last,
               t1.position AS turn_first, t2.position AS turn_last, sp.label AS speaker,
               sp.role AS speaker_role, p.life_year, p.life_age
        FROM placed p
        JOIN codes k ON k.id = p.code_id
        JOIN documents d ON d.id = p.document_id
        LEFT JOIN respondents r ON r.id = d.respondent_id
        LEFT JOIN segments s1 ON s1.document_id = p.document_id AND s1.position = p.seg_first
        LEFT JOIN turns t1 ON t1.id = s1.turn_id
        LEFT JOIN segments s2 ON s2.document_id = p.document_id AND s2.position = p.seg_last
        LEFT JOIN turns t2 ON t2.id = s2.turn_id
        LEFT JOIN speakers sp ON sp.id = t1.speaker_id
        WHERE {speaker_clause}
        ORDER BY p.document_id, p.start_char, p.end_char, k.slug
    """
    frame = pd.read_sql_query(sql, db.conn, params=params)
    for column in ("seg_first", "seg_last", "turn_first", "turn_last", "life_year", "life_age",
                   "respondent_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


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
