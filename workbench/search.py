"""Full-text search over a project: words, lemmas and word families, shown keyword-in-context.

Backed by the FTS5 index ``segments_fts`` (migration m002) over each segment's text and its
lemmas. In lemma mode a query word matches its word family: every lemma the word may have,
whatever its word class ("zitten" finds "zat" and "gezeten"), and the
lemmas in the project made from it, checked against Dutch suffixes and known words
("schamen" finds "schaamte", "eenzaam" finds "eenzaamheid", "zorg" finds "mantelzorg",
"lopen" finds "stuklopen" but not "kringloop", "missen" not "misschien",
:mod:`workbench.word_family`); a strong verb also finds its past forms stored as another
word, as written ("vragen" finds "ze vroeg", not "te vroeg"). A form of two words finds both
and says so ("vroeg": early, and "vragen", :attr:`SearchResult.also_forms_of`).
A word after NOT takes away what it names and the words made from it, never the words it is
made from ("eenzaam NOT eenzaamheid" keeps "eenzaam"); a form of a word the query looks
for takes away that form as written ("zitten NOT zat" keeps "gezeten"). A word with "*"
matches every lemma that starts like it. Queries take
exact phrases in double quotes (the words as written, in any letter case) and the operators
AND/OR/NOT (or EN/OF/NIET, in capitals, so the ordinary word "of" is not an operator); words
next to each other must all occur.

"Code all hits" never applies a code: it turns every hit (:func:`search_segment_ids`, not
only the page shown) into suggestions that a person accepts or rejects one by one
(:func:`suggest_code_for_hits`), on the sentences analysis sees (project setting
``analysis_speakers``: by default what respondents say, not the interviewer's questions).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache


from spacy.language import Language

from workbench.codings import add_coding
from workbench.errors import InputError
from workbench.handle import Project
from workbench.ingest.speakers import analysis_sql, speech_sql
from workbench.nlp import pipe
from workbench.patterns import attribute_values, respondent_filter
from workbench.store import transaction
from workbench.word_family import (
    DEGREE_WORDS,
    Vocabulary,
    fold,
    misread_forms,
    other_verbs,
    query_lemmas,
    word_family,
)

MODES = ("lemma", "word")
OPERATORS = {"AND": "AND", "EN": "AND", "OR": "OR", "OF": "OR", "NOT": "NOT", "NIET": "NOT"}
_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
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
    # whether analysis sees this sentence (setting ``analysis_speakers``): by default an
    # interviewer's question or a title line is found but never turned into a suggestion
    analysed: bool = field(default=True, kw_only=True)
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
    # how many documents (interviews) the ``total`` hits come from, all of them, not this page
    documents: int = 0
    # how many of the ``total`` hits analysis sees (setting ``analysis_speakers``): what
    # "code all hits" turns into suggestions
    analysed: int = 0
    # lemma mode: the lemmas searched for, the query words' own and their word family's (not
    # a phrase's words, which are found as written, nor words after NOT)
    terms: list[str] = field(default_factory=list)
    # lemma mode: query words that are also a form of another word, searched as both, with
    # those words ("vroeg": early, and ["vragen"]), for the page to say so
    also_forms_of: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class HitSuggestions:
    """What "code all hits" did with each sentence (:func:`suggest_code_for_hits`)."""

    made: int  # new suggestions
    had: int  # sentences the coder already gave the code, or has an open suggestion of it
    rejected: int  # sentences where the coder rejected the code before: no means no
    # sentences analysis does not see (setting ``analysis_speakers``: by default an
    # interviewer's question, a title line), left alone as the suggestion engine leaves them
    outside: int = 0


@dataclass
class Match:
    """A query as the index runs it (:func:`build_match`)."""

    expression: str  # FTS5
    marks: set[str]  # the lemmas and forms to highlight
    also_forms_of: dict[str, list[str]]  # see SearchResult
    # lemma mode: what the query looks for by word family (SearchResult.terms): not a phrase
    # (exact, as written) nor a word after NOT (taken away), which ``marks`` also hold
    terms: set[str] = field(default_factory=set)


_FTS_TERM = re.compile(r"[^\W_]+")  # how the index (unicode61) splits text


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term_expression(
    nlp: Language,
    word: str,
    mode: str,
    vocabulary: Vocabulary | None = None,
    *,
    negated: bool = False,
    kept: frozenset[str] = frozenset(),
) -> tuple[str, set[str]]:
    """FTS5 expression for one query word, and the lemmas/prefixes to highlight.

    A ``negated`` word (after NOT) takes away what it names, with the words made from it,
    not the words it is made from (:func:`word_family` ``with_roots=False``). A negated
    word that is a form of a word the query looks for (its lemma is in ``kept``) takes
    away that form as written: "zitten NOT zat" keeps "zitten" and "gezeten"; by lemma it
    would take away every hit.
    """
    prefix = word.endswith("*")
    core = word.rstrip("*").lower()
    if not core:
        return "", set()
    if mode == "word":
        return "text : " + _quote(core) + ("*" if prefix else ""), {core + ("*" if prefix else "")}
    lemmas = query_lemmas(nlp, core, vocabulary)
    if negated and not prefix and {fold(lemma) for lemma in lemmas} & kept:
        return "text : " + _quote(core), {core}
    if prefix:  # "eenzaam*": every lemma that starts like one of the word's lemmas
        terms = sorted(fold(lemma) for lemma in lemmas)
        return "lemmas : (" + " OR ".join(_quote(t) + "*" for t in terms) + ")", {
            t + "*" for t in terms
        }
    # A stop word keeps to its own forms: "over" does not bring "overlijden", nor "want"
    # "wantrouwen".
    stop = core in nlp.Defaults.stop_words
    if vocabulary is None or stop:
        terms = sorted({fold(w) for w in lemmas})
    else:
        terms = sorted(word_family(vocabulary, lemmas, with_roots=not negated))
    expression = "lemmas : (" + " OR ".join(_quote(t) for t in terms) + ")"
    forms = sorted(misread_forms(vocabulary, lemmas)) if vocabulary is not None else []
    if forms:  # "vragen": also the text form "vroeg", stored under the lemma "vroeg"
        # but not right after a word that makes it the other word: "te vroeg" is early
        other = " OR ".join(_quote(f"{w} {f}") for f in forms for w in DEGREE_WORDS)
        written = f"text : ({' OR '.join(_quote(f) for f in forms)}) NOT text : ({other})"
        expression = f"({expression} OR ({written}))"
    return expression, set(terms) | set(forms)


def build_match(
    nlp: Language, query: str, mode: str = "lemma", vocabulary: Vocabulary | None = None
) -> Match:
    """Translate a user query into an FTS5 MATCH expression (and the terms to highlight).

    With a project's ``vocabulary`` (the lemmas of its search index), a word in lemma mode
    stands for its whole word family in that project (:func:`word_family`); without it, for
    the word's own lemmas only. A word that is a form of two words stands for both
    (:func:`workbench.word_family.query_lemmas`), and is named in ``also_forms_of``.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}. Got {mode!r} instead.")
    tokens = _TOKEN.findall(query)
    if not tokens:
        raise InputError("search.empty_query")
    parts: list[str] = []
    marks: set[str] = set()
    terms: set[str] = set()
    taken: set[str] = set()  # what words after NOT take away ("huis NOT huisarts")
    kept: set[str] = set()  # lemmas of the words the query looks for (not after NOT)
    also: dict[str, list[str]] = {}
    previous = None  # "term", "op", "(" or ")"
    # Whether each open bracket is negated: in "zorg NOT (mantelzorg OF thuiszorg)" both
    # words inside take away only what they name.
    negated_brackets: list[bool] = []
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
            if token == "(":
                negated_brackets.append(bool(parts) and parts[-1] == "NOT")
            elif negated_brackets:
                negated_brackets.pop()
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
            negated = (bool(parts) and parts[-1] == "NOT") or any(negated_brackets)
            expression, found = _term_expression(
                nlp, token, mode, vocabulary, negated=negated, kept=frozenset(kept)
            )
            if not expression:
                continue
            marks |= found
            if negated:
                taken |= found
            elif mode == "lemma":
                terms |= found
                core = token.rstrip("*").lower()
                kept |= {fold(lemma) for lemma in query_lemmas(nlp, core, vocabulary)}
                if verbs := other_verbs(core):
                    also[core] = sorted(verbs)
        if previous in ("term", ")"):
            parts.append("AND")
        parts.append(expression)
        previous = "term"
    if previous in ("op", "(") or not parts:
        raise InputError("search.bad_operator", operator=tokens[-1], query=query)
    if parts.count("(") != parts.count(")"):
        raise InputError("search.unbalanced", query=query)
    return Match(" ".join(parts), marks, also, terms - taken)


@lru_cache(maxsize=65_536)
def _index_terms(text: str) -> tuple[str, ...]:
    """The terms the index makes of ``text``: folded, split at what is not a letter or digit
    ("af_lopen" -> "af", "lopen")."""
    return tuple(_FTS_TERM.findall(fold(text)))


def _matches(token_lemma: str, token_lower: str, marks: set[str]) -> bool:
    """Whether a token is one the index matched, by its lemma or its form."""
    terms = _index_terms(token_lemma) + _index_terms(token_lower)
    for mark in marks:
        if mark.endswith("*"):
            if any(t.startswith(mark[:-1]) for t in terms):
                return True
        elif mark in terms:
            return True
    return False


def _keyword_in_context(nlp: Language, hits: list[Hit], marks: set[str]) -> None:
    """Fill left/keyword/right for each hit from the first matching token (or phrase); a
    side longer than ``CONTEXT_CHARS`` is cut there and marked with "…"."""
    # a term the index splits matches on its parts: "zo'n" on "zo" and "n"
    marks = set(marks)
    for mark in list(marks):
        parts = _index_terms(mark.rstrip("*"))
        if len(parts) > 1:
            marks |= {*parts[:-1], parts[-1] + mark[len(mark.rstrip("*")) :]}
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
        # a context cut short says so: without "…" it reads as where the sentence begins or ends
        hit.left = ("…" if start > CONTEXT_CHARS else "") + hit.text[
            max(0, start - CONTEXT_CHARS) : start
        ]
        hit.keyword = hit.text[start:end]
        hit.right = hit.text[end : end + CONTEXT_CHARS] + (
            "…" if len(hit.text) > end + CONTEXT_CHARS else ""
        )


def _hit_ids(
    project: Project,
    match: str,
    query: str,
    filters: Mapping[str, str] | None,
    speaker_roles: Iterable[str] | None,
    document_id: int | None,
    limit: int | None,
    offset: int = 0,
) -> tuple[int, int, int, list[int]]:
    """How many segments match, in how many documents, how many of them analysis sees
    (:func:`~workbench.ingest.speakers.analysis_sql`), and the ids of ``limit`` of them from
    ``offset`` (all when ``limit`` is None), in reading order."""
    speaker_roles = None if speaker_roles is None else list(speaker_roles)  # read twice
    # Filters become sets of documents or turns, checked per hit in the narrow segment_scope
    # table (migration m009), so each hit costs one small lookup, not a join over wide rows.
    db = project.db
    where, params = ["segments_fts MATCH ?"], [match]
    if filters:
        # read as the Patronen filters read them (one rule): "Noord" also finds "noord ",
        # "ja" a stored "true", "leeftijd": ">=65" a range; a value nobody has is refused
        clause, values = respondent_filter(project, filters)
        where.append(f"sc.document_id IN (SELECT d.id FROM documents d WHERE {clause})")
        params += values
    if speaker_roles is not None:
        # Whose words, by the one rule analysis uses (ingest.speakers.speech_sql): a document
        # without speaker labels is one respondent speaking, its title and details no one.
        where.append(
            "sc.turn_id IN (SELECT t.id FROM turns t LEFT JOIN speakers sp "
            f"ON sp.id = t.speaker_id WHERE {speech_sql(speaker_roles)})"
        )
    if document_id is not None:
        where.append("sc.document_id = ?")
        params.append(document_id)
    # Whether analysis sees a hit: looked up per hit, unless every hit is one (the setting
    # "all", or only respondents' words asked for, which is the rule analysis applies).
    rule = analysis_sql(db)
    analysed = (
        "1"
        if rule == "1" or (speaker_roles is not None and set(speaker_roles) <= {"respondent"})
        else f"(SELECT {rule} FROM turns t LEFT JOIN speakers sp "
        "ON sp.id = t.speaker_id WHERE t.id = sc.turn_id)"
    )
    # Segment ids grow in reading order (documents in import order, segments in text order),
    # so ordering by id needs no sort; without filters, FTS5 alone pages the hits.
    try:
        if len(where) == 1 and limit is not None:
            total, documents, seen = db.execute(
                f"SELECT count(*), count(DISTINCT sc.document_id), coalesce(sum({analysed}), 0) "
                "FROM segments_fts JOIN segment_scope sc ON sc.id = segments_fts.rowid "
                "WHERE segments_fts MATCH ?",
                params,
            ).fetchone()
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT rowid FROM segments_fts WHERE segments_fts MATCH ? ORDER BY rowid "
                    "LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                )
            ]
            return int(total), int(documents), int(seen), ids
        sql = (
            f"SELECT sc.id, sc.document_id, {analysed} FROM segments_fts JOIN segment_scope sc "
            f"ON sc.id = segments_fts.rowid WHERE {' AND '.join(where)} "
            "ORDER BY segments_fts.rowid"
        )
        rows = db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:  # FTS5 syntax the query parser let through
        raise InputError("search.bad_query", query=query) from exc
    every = [r[0] for r in rows]
    end = None if limit is None else offset + limit
    seen = sum(r[2] for r in rows)
    return len(every), len({r[1] for r in rows}), seen, every[offset:end]


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

    ``filters`` keeps segments of respondents whose attribute has the value (all must hold),
    read as the Patronen filters read it (any letter case; ``ja`` for yes; ``>=65``);
    ``speaker_roles`` keeps turns of those speaker roles (e.g. ``["respondent"]``); a document
    without any speaker label counts as one respondent speaking, its header (title, details
    block) as no one's words. Without ``speaker_roles`` every line is searched, header lines
    too: a researcher may look for a title or an interview date. ``total`` counts every
    hit and ``documents`` the documents they are in, ``hits`` holds ``limit`` of them from
    ``offset`` (:func:`search_segment_ids` gives all); ``analysed`` counts the hits analysis
    sees (setting ``analysis_speakers``), the ones "code all hits" turns into suggestions.
    The acting user must be allowed to read the project (co-researchers are not: they see
    only pseudonymised fragments in the workshop), and to see attributes when filtering on
    them.
    """
    project.require("attributes.view" if filters else "read")
    db = project.db
    match = build_match(nlp, query, mode, Vocabulary(db))
    total, documents, analysed, ids = _hit_ids(
        project,
        match.expression,
        query,
        filters,
        speaker_roles,
        document_id,
        limit=limit,
        offset=offset,
    )
    rows = db.execute(
        "SELECT s.id, s.document_id, d.name, r.code, sp.label, sp.role, s.start_char, "
        f"s.end_char, s.text, {analysis_sql(db)} FROM segments s "
        "JOIN documents d ON d.id = s.document_id "
        "JOIN turns t ON t.id = s.turn_id LEFT JOIN speakers sp ON sp.id = t.speaker_id "
        "LEFT JOIN respondents r ON r.id = d.respondent_id "
        f"WHERE s.id IN ({', '.join('?' * len(ids))}) ORDER BY s.id",
        ids,
    ).fetchall()
    hits = [Hit(*r[:-1], analysed=bool(r[-1])) for r in rows]
    _keyword_in_context(nlp, hits, match.marks)
    return SearchResult(
        query=query,
        mode=mode,
        match=match.expression,
        total=total,
        hits=hits,
        documents=documents,
        analysed=analysed,
        terms=sorted(match.terms),
        also_forms_of=match.also_forms_of,
    )


def search_segment_ids(
    project: Project,
    nlp: Language,
    query: str,
    *,
    mode: str = "lemma",
    filters: Mapping[str, str] | None = None,
    speaker_roles: Iterable[str] | None = None,
    document_id: int | None = None,
) -> list[int]:
    """Every segment :func:`search` finds, not one page of it, in reading order: what "code
    all hits" on the Zoeken page acts on. Same arguments and rights as :func:`search`."""
    project.require("attributes.view" if filters else "read")
    match = build_match(nlp, query, mode, Vocabulary(project.db)).expression
    return _hit_ids(project, match, query, filters, speaker_roles, document_id, limit=None)[3]


def suggest_code_for_hits(
    project: Project,
    segment_ids: Iterable[int],
    code: str,
    *,
    query: str,
    coder: str | None = None,
) -> HitSuggestions:
    """Turn search hits into suggestions of ``code`` for ``coder`` to confirm one by one.

    ``coder`` defaults to the acting user, who must be allowed to decide suggestions (what
    "Code all hits" on the Zoeken page leads to). A segment is left alone when this coder
    has the code on any span that overlaps it, not only on the segment itself: a span
    selected by hand may cover part of a sentence or several. A rejected coding counts
    too: the coder said no there. The evidence says which search found them. A sentence
    analysis does not see (project setting ``analysis_speakers``: by default an interviewer's
    question or a title line) gets no suggestion, as the suggestion engine gives none there:
    search finds "Voel je je weleens eenzaam?", but the interviewer asking it is no sign of
    loneliness.
    """
    project.require("suggestion.decide")
    db = project.db
    coder = coder or project.user
    ids = list(segment_ids)
    done = HitSuggestions(made=0, had=0, rejected=0)
    with transaction(db):
        # one reading of this coder's spans of the code, per document, not one query a hit
        spans: dict[int, list[tuple[int, int, str]]] = {}
        for document_id, start, end, status in db.execute(
            "SELECT c.document_id, c.start_char, c.end_char, c.status FROM codings c "
            "JOIN codes k ON k.id = c.code_id WHERE k.slug = ? AND c.coder = ?",
            [code, coder],
        ):
            spans.setdefault(document_id, []).append((start, end, status))
        places = {
            r[0]: r[1:]
            for r in db.execute(
                f"SELECT s.id, s.document_id, s.start_char, s.end_char, {analysis_sql(db)} "
                "FROM segments s JOIN turns t ON t.id = s.turn_id "
                "LEFT JOIN speakers sp ON sp.id = t.speaker_id "
                "WHERE s.id IN (SELECT value FROM json_each(?))",  # any number of hits
                [json.dumps(ids)],
            )
        }
        for segment_id in ids:
            document_id, start, end, seen = places.get(segment_id, (None, 0, 0, 1))
            if not seen:
                done.outside += 1
                continue
            statuses = {
                status for s, e, status in spans.get(document_id, []) if s < end and start < e
            }
            if statuses - {"rejected"}:
                done.had += 1
                continue
            if statuses:
                done.rejected += 1
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
            spans.setdefault(document_id, []).append((start, end, "suggested"))
            done.made += 1
    return done


def filter_options(project: Project) -> dict[str, list[str]]:
    """Each respondent attribute with the values that occur, for filter menus."""
    project.require("attributes.view")
    frame = attribute_values(project)  # the same choices the Patronen page offers
    return {name: list(group["value"]) for name, group in frame.groupby("attribute", sort=False)}
