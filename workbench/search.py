"""Full-text search over a project: words, lemmas and word families, shown keyword-in-context.

Backed by the FTS5 index ``segments_fts`` (migration m002) over each segment's text and its
lemmas. In lemma mode a query word matches its whole word family: "schamen" is lemmatised and
its stem ("schaam", "scham") is searched as a prefix among the lemmas, so it finds "schaamde",
"schaam" and "schaamte". Queries take exact phrases in double quotes (the words as written,
in any letter case) and the operators AND/OR/NOT
(or EN/OF/NIET, in capitals, so the ordinary word "of" is not an operator); words next to each
other must all occur.

"Code all hits" never applies a code: it turns hits into suggestions that a person accepts or
rejects one by one (:func:`suggest_code_for_hits`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spacy.language import Language

from workbench.codings import add_coding
from workbench.errors import InputError
from workbench.handle import Project
from workbench.nlp import lemmatize_text, pipe
from workbench.patterns import attribute_values
from workbench.store import transaction

MODES = ("lemma", "word")
OPERATORS = {"AND": "AND", "EN": "AND", "OR": "OR", "OF": "OR", "NOT": "NOT", "NIET": "NOT"}
_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_VOWELS = set("aeiou")
_MIN_STEM = 4
CONTEXT_CHARS = 70


@dataclass
class Hit:
    """One matching segment, with its place in the project and keyword-in-context parts."""

    segment_id: int
    document_id: int
    document: str
    respondent: str | None
    speaker: str | None
    role: str | None
    start_char: int
    end_char: int
    text: str
    left: str = ""
    keyword: str = ""
    right: str = ""


@dataclass
class SearchResult:
    query: str
    mode: str
    match: str  # the FTS5 expression that was run (shown in --verbose)
    total: int
    hits: list[Hit] = field(default_factory=list)


def word_family(lemma: str) -> list[str]:
    """Prefixes that cover a Dutch lemma's family: inflections, derived nouns and compounds.

    For verbs (``-en``), the stem with an open syllable's vowel doubled and final z/v devoiced
    ("schamen" -> "scham", "schaam"; "verhuizen" -> "verhuiz", "verhuis"; "leven" -> "lev",
    "leef"). Stems shorter than four letters are not used as prefixes: "gaan" -> "ga*" would
    match half the language.
    """
    lemma = lemma.lower()
    prefixes = {lemma}
    if lemma.endswith("en") and len(lemma) > 4:
        stem = lemma[:-2]
        variants = {stem}
        if (
            len(stem) >= 3
            and stem[-1] not in _VOWELS
            and stem[-2] in _VOWELS
            and stem[-3] not in _VOWELS
        ):
            variants.add(stem[:-1] + stem[-2] + stem[-1])
        for variant in list(variants):
            devoiced = {"z": "s", "v": "f"}.get(variant[-1])
            if devoiced:
                variants.add(variant[:-1] + devoiced)
        prefixes |= {v for v in variants if len(v) >= _MIN_STEM}
    return sorted(prefixes)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term_expression(nlp: Language, word: str, mode: str) -> tuple[str, set[str]]:
    """FTS5 expression for one query word, and the word forms/prefixes to highlight."""
    if mode == "word":
        prefix = word.endswith("*")
        core = word.rstrip("*").lower()
        if not core:
            return "", set()
        return "text : " + _quote(core) + ("*" if prefix else ""), {core + ("*" if prefix else "")}
    lemmas = lemmatize_text(nlp, word.rstrip("*")) or [word.lower()]
    lemma = lemmas[0]
    family = [p for p in word_family(lemma) if p != lemma]
    if word.endswith("*"):
        family.append(lemma)
    alternatives = [_quote(lemma)] + [_quote(p) + "*" for p in family]
    marks = {lemma} | {p + "*" for p in family}
    return "lemmas : (" + " OR ".join(alternatives) + ")", marks


def build_match(nlp: Language, query: str, mode: str = "lemma") -> tuple[str, set[str]]:
    """Translate a user query into an FTS5 MATCH expression (and the terms to highlight)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}. Got {mode!r} instead.")
    tokens = _TOKEN.findall(query)
    if not tokens:
        raise InputError("search.empty_query")
    parts: list[str] = []
    marks: set[str] = set()
    previous = None  # "term", "op", "(" or ")"
    for token in tokens:
        op = OPERATORS.get(token)
        if op:
            if previous in (None, "op", "("):
                raise InputError("search.bad_operator", operator=token, query=query)
            parts.append(op)
            previous = "op"
            continue
        if token in "()":
            if token == "(" and previous in ("term", ")"):
                parts.append("AND")
            parts.append(token)
            previous = token
            continue
        if token.startswith('"'):
            words = token.strip('"').split()
            if not words:
                continue
            # A phrase in quotes is exact, in both modes, as the page promises: by lemma,
            # "niet meer" (no longer) also found "niet veel" (not much), since the
            # lemma of "meer" is "veel" (seen on the real passages of ../shared/dev-real).
            expression = "text : " + _quote(" ".join(w.lower() for w in words))
            marks |= {w.lower() for w in words}
        else:
            if token.startswith("-") and len(token) > 1 and previous in ("term", ")"):
                parts.append("NOT")
                token = token[1:]
                previous = "op"
            expression, found = _term_expression(nlp, token, mode)
            if not expression:
                continue
            marks |= found
        if previous in ("term", ")"):
            parts.append("AND")
        parts.append(expression)
        previous = "term"
    if previous in ("op", "(") or not parts:
        raise InputError("search.bad_operator", operator=tokens[-1], query=query)
    if parts.count("(") != parts.count(")"):
        raise InputError("search.unbalanced", query=query)
    return " ".join(parts), marks


def _matches(token_lemma: str, token_lower: str, marks: set[str]) -> bool:
    for mark in marks:
        if mark.endswith("*"):
            if token_lemma.startswith(mark[:-1]) or token_lower.startswith(mark[:-1]):
                return True
        elif mark in (token_lemma, token_lower):
            return True
    return False


def _keyword_in_context(nlp: Language, hits: list[Hit], marks: set[str]) -> None:
    """Fill left/keyword/right for each hit from the first matching token (or phrase)."""
    for hit, doc in zip(hits, pipe(nlp, [h.text for h in hits])):
        tokens = [t for t in doc if _matches(t.lemma_.lower(), t.lower_, marks)]
        if tokens:
            first, last = tokens[0], tokens[0]
            for token in tokens[1:]:  # extend over an adjacent phrase
                if token.i == last.i + 1:
                    last = token
                else:
                    break
            start, end = first.idx, last.idx + len(last.text)
        else:
            start, end = 0, 0
        hit.left = hit.text[max(0, start - CONTEXT_CHARS) : start]
        hit.keyword = hit.text[start:end]
        hit.right = hit.text[end : end + CONTEXT_CHARS]


def search(
    project: Project,
    nlp: Language,
    query: str,
    *,
    mode: str = "lemma",
    filters: Mapping[str, str] | None = None,
    speaker_roles: Iterable[str] | None = None,
    document_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> SearchResult:
    """Segments matching ``query``, in reading order, with keyword-in-context lines.

    ``filters`` keeps segments of respondents whose attribute equals the value (all must hold);
    ``speaker_roles`` keeps turns of those speaker roles (e.g. ``["respondent"]``); a document
    without any speaker label counts as one respondent speaking.
    The acting user must be allowed to read the project (co-researchers are not: they see
    only pseudonymised fragments in the workshop), and to see attributes when filtering on
    them.
    """
    project.require("attributes.view" if filters else "read")
    db = project.db
    match, marks = build_match(nlp, query, mode)
    # Filters become sets of documents or turns, checked per hit in the narrow segment_scope
    # table (migration m009), so each hit costs one small lookup, not a join over wide rows.
    where, params = ["segments_fts MATCH ?"], [match]
    for attribute, value in (filters or {}).items():
        where.append(
            "sc.document_id IN (SELECT d.id FROM documents d JOIN attribute_values v "
            "ON v.respondent_id = d.respondent_id WHERE v.attribute = ? AND v.value = ?)"
        )
        params += [attribute, value]
    if speaker_roles is not None:
        roles = list(speaker_roles)
        # A document without speaker labels is one respondent speaking, as in
        # ingest.speakers.analysis_segments (Patronen counts it too).
        unlabelled = (
            " OR sc.document_id IN (SELECT d.id FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM speakers x WHERE x.document_id = d.id))"
            if "respondent" in roles
            else ""
        )
        where.append(
            "(sc.turn_id IN (SELECT t.id FROM turns t JOIN speakers sp ON sp.id = t.speaker_id "
            f"WHERE sp.role IN ({', '.join('?' * len(roles))})){unlabelled})"
        )
        params += roles
    if document_id is not None:
        where.append("sc.document_id = ?")
        params.append(document_id)
    # Segment ids grow in reading order (documents in import order, segments in text order),
    # so ordering by id needs no sort; without filters, FTS5 alone counts and pages the hits.
    try:
        if len(where) == 1:
            total = db.execute(
                "SELECT count(*) FROM segments_fts WHERE segments_fts MATCH ?", params
            ).fetchone()[0]
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT rowid FROM segments_fts WHERE segments_fts MATCH ? ORDER BY rowid "
                    "LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                )
            ]
        else:
            every = [
                r[0]
                for r in db.execute(
                    "SELECT sc.id FROM segments_fts JOIN segment_scope sc ON sc.id = segments_fts.rowid "
                    f"WHERE {' AND '.join(where)} ORDER BY segments_fts.rowid",
                    params,
                )
            ]
            total, ids = len(every), every[offset : offset + limit]
    except sqlite3.OperationalError as exc:  # FTS5 syntax the query parser let through
        raise InputError("search.bad_query", query=query) from exc
    rows = db.execute(
        "SELECT s.id, s.document_id, d.name, r.code, sp.label, sp.role, s.start_char, "
        "s.end_char, s.text FROM segments s JOIN documents d ON d.id = s.document_id "
        "JOIN turns tu ON tu.id = s.turn_id LEFT JOIN speakers sp ON sp.id = tu.speaker_id "
        "LEFT JOIN respondents r ON r.id = d.respondent_id "
        f"WHERE s.id IN ({', '.join('?' * len(ids))}) ORDER BY s.id",
        ids,
    ).fetchall()
    hits = [Hit(*r) for r in rows]
    _keyword_in_context(nlp, hits, marks)
    return SearchResult(query=query, mode=mode, match=match, total=int(total), hits=hits)


def suggest_code_for_hits(
    project: Project,
    segment_ids: Iterable[int],
    code: str,
    *,
    query: str,
    coder: str | None = None,
) -> int:
    """Turn search hits into suggestions of ``code`` for ``coder`` to confirm one by one.

    ``coder`` defaults to the acting user, who must be allowed to decide suggestions (what
    "Code all hits" on the Zoeken page leads to). Segments that already carry this code from
    this coder are left alone. Returns how many new suggestions were made. The evidence says
    which search found them.
    """
    project.require("suggestion.decide")
    db = project.db
    coder = coder or project.user
    made = 0
    with transaction(db):
        for segment_id in segment_ids:
            existing = db.execute(
                "SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id "
                "WHERE c.segment_id = ? AND k.slug = ? AND c.coder = ?",
                [segment_id, code, coder],
            ).fetchone()[0]
            if existing:
                continue
            add_coding(
                project,
                coder=coder,
                code=code,
                segment_id=segment_id,
                origin="machine",
                status="suggested",
                score=None,
                evidence=[f"zoekopdracht: {query}"],
            )
            made += 1
    return made


def filter_options(project: Project) -> dict[str, list[str]]:
    """Each respondent attribute with the values that occur, for filter menus."""
    project.require("attributes.view")
    frame = attribute_values(project)  # the same choices the Patronen page offers
    return {name: list(group["value"]) for name, group in frame.groupby("attribute", sort=False)}
