"""Review candidate names, keep the key, and show documents with pseudonyms in place.

The workflow: :func:`candidates` lists what :mod:`~workbench.privacy.detect` finds (plus the
known names per respondent from the key file) with context; the researcher accepts or
rejects each with :func:`decide` (the choice and the replacement go into the key file);
:func:`apply_pseudonyms` then marks every occurrence of every accepted name in every document
as a span in the ``pseudonym_spans`` table. The stored transcript text is never changed:
codings keep their offsets, and :func:`pseudonymised_document` builds the pseudonymised text
on demand together with a mapping from original to pseudonymised offsets.

The database holds replacements and offsets only, never an original string; the originals are
in the key file (see docs/privacy.md for what that does and does not protect).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from sqlite_utils import Database

from workbench import events
from workbench.access import ORIGINAL_TEXT
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.i18n import Term, listing
from workbench.ingest.catalog import list_documents
from workbench.ingest.labels import KNOWN_LABELS
from workbench.ingest.roles import known_role
from workbench.ingest.speakers import list_speakers
from workbench.life_events.events import events_frame
from workbench.memos import list_memos
from workbench.privacy.detect import (
    KINDS,
    Candidate,
    Occurrence,
    _noun_form,
    file_name_names,
    find_names,
    lowercase_vocabulary,
    names_in_places,
    occurrences,
    ordinary_noun_at,
    ordinary_word,
    remembered_names,
    remembered_vocabulary,
    searchable,
)
from workbench.respondents import list_attributes, list_respondents
from workbench.privacy.key import (
    KeyEntry,
    PseudonymKey,
    editing_key,
    key_path,
    load_key,
    project_file,
    remove_stale_copies,
)
from workbench.resources import shipped
from workbench.store import now, record_event, transaction
from workbench.text import id_words

LABELS = {"person": "Naam", "place": "Plaats", "organisation": "Organisatie", "other": "Anders"}
MAX_REPLACEMENT = 60
_REACH = 200  # characters searched past a stretch for a name that crosses its edge


def key_file(db: Database) -> Path:
    """Where this project's key lives (a path, no data: no handle)."""
    return key_path(project_file(db))


def read_key(project: Project) -> PseudonymKey:
    """The key (originals included): only for roles with ``pseudonym.key``."""
    project.require("pseudonym.key")
    return load_key(key_file(project.db))


def _texts(db: Database, document_ids: list[int] | None) -> dict[int, str]:
    sql, params = "SELECT id, text FROM documents", []
    if document_ids is not None:
        sql += f" WHERE id IN ({', '.join('?' * len(document_ids))})"
        params = list(document_ids)
    return {int(i): t for i, t in db.execute(sql + " ORDER BY id", params)}


def _names_in(texts: dict[int, str], nlp: Language | None) -> dict[str, Candidate]:
    """What the detector finds (the Dutch heuristics' result is remembered per set of texts).

    With a pipeline that has ``"ner"`` its entities come first, plus what the heuristics
    find besides: a pseudonymised export waits for a decision on each of those
    (:func:`require_pseudonymised`), so the review must be able to show them.
    """
    heuristic = dict(remembered_names(texts))
    if nlp is None or "ner" not in nlp.pipe_names:
        return heuristic
    return heuristic | find_names(texts, nlp=nlp)  # the entity wins where both found a name


def _context(text: str, start: int, end: int, width: int) -> dict[str, Any]:
    return {
        "left": text[max(0, start - width) : start].replace("\n", " "),
        "match": text[start:end],
        "right": text[end : end + width].replace("\n", " "),
    }


@dataclass
class Place:
    """A text outside the transcripts that a pseudonymised export carries along.

    Memos (title, description, text), document names, respondent codes, respondents' text
    attribute values, life event labels, speaker labels and the codebook's sentences leave
    the project through :func:`replace_names`, which replaces only accepted names: a name
    that occurs only there must be offered for review, or it goes out unreplaced.
    ``key`` says which place without its text ("memo:3", "document:5",
    "attribute:2:woonsituatie"; it may go into the event log), ``where`` and ``params`` say
    it for people (a message key: "memo 3", "kenmerk woonsituatie van R02").
    """

    key: str
    where: str
    params: dict[str, Any]
    text: str
    document_id: int | None = None
    whole: bool = False  # the whole text is a name (a speaker label that names no role)

    def term(self) -> Term:
        return Term(self.where, self.params)

    def described(self) -> dict[str, Any]:
        """JSON-ready: the candidates list goes to the page and to ``--json``."""
        return {"key": self.where, "params": dict(self.params)}

    def searched(self) -> str:
        """The text the detector reads (same offsets; see :func:`detect.searchable`)."""
        return searchable(self.text, file_name=self.key.startswith("document:"))


# A name found in places: (kind, [(place, start, end)]).
PlaceNames = dict[str, tuple[str, list[tuple[Place, int, int]]]]


def _places(project: Project) -> list[Place]:
    """Every memo, document name, respondent code, text attribute value, speaker label that
    is a name and life event label, read through their owners, and the codebook's sentences.

    Needs ``read`` and ``attributes.view``: the roles that export (researchers, supervisors).
    """
    places = [
        Place(
            f"document:{doc['id']}",
            "privacy.where.document_name",
            {"document": doc["name"]},
            doc["name"],
            int(doc["id"]),
        )
        for doc in list_documents(project)
        if doc["name"]
    ]
    for memo in sorted(list_memos(project), key=lambda m: m["id"]):
        for part in ("title", "description", "text"):
            if memo.get(part):
                places.append(
                    Place(
                        f"memo:{memo['id']}", "privacy.where.memo", {"memo": memo["id"]}, memo[part]
                    )
                )
    types = {a["name"]: a["type"] for a in list_attributes(project)}
    for respondent in list_respondents(project):
        # The code goes out as the respondent column and the case name: "R02" says
        # nothing, but some teams name a respondent after the person ("Marieke").
        places.append(
            Place(
                f"respondent:{respondent['id']}",
                "privacy.where.respondent",
                {"respondent": respondent["code"]},
                respondent["code"],
            )
        )
        for name, value in sorted(respondent["attributes"].items()):
            if value and types.get(name) == "text":
                places.append(
                    Place(
                        f"attribute:{respondent['id']}:{name}",
                        "privacy.where.attribute",
                        {"attribute": name, "respondent": respondent["code"]},
                        value,
                    )
                )
    # A speaker label that is no role ("Kim", not "I" or "Interviewer") is a name by ingest's
    # own rule, also where the heuristics pass it over: "Kim" opens every turn, and "kim" is
    # a Dutch word. Before December 8 the demo's R09 went out as "R09-kim-..." with "Kim:"
    # before every turn in a "pseudonymised" export.
    for speaker in list_speakers(project):
        label = speaker["label"].strip()
        if _names_someone(label):
            places.append(
                Place(
                    f"speaker:{speaker['id']}",
                    "privacy.where.speaker",
                    {"speaker": label, "document": speaker["document"]},
                    label,
                    int(speaker["document_id"]),
                    whole=True,
                )
            )
    # A life event's label is typed by a researcher ("Opa Joop", "Wouts moeder") and goes
    # out in the pseudonymised cascades tables (patterns export).
    events = events_frame(project)
    for event, respondent, document_id, label in zip(
        events["event"], events["respondent"], events["document_id"], events["label"], strict=True
    ):
        if isinstance(label, str) and label:
            places.append(
                Place(
                    f"life_event:{event}",
                    "privacy.where.life_event",
                    {"event": int(event), "respondent": respondent},
                    label,
                    int(document_id),
                )
            )
    return places + _codebook_places(project.db)


# What a code says in sentences, with where the Privacy page says a name was found. The
# codebook goes out in every export that names codes (qdpx, qdc, a supervisor's codebook
# download) and on the workshop cards, and a researcher may quote an interview in an example
# ("Toen Marieke overleed ...") or name someone in a definition. A code's name and English
# name are left out: the heuristics read "Verlieservaring" or "Loneliness" as a name (on the
# demo, 21 of the 29 things they found in the codebook were such names).
_CODE_FIELDS = {
    "brief": "privacy.where.code_brief",
    "definition": "privacy.where.code_definition",
    "use_when": "privacy.where.code_use_when",
    "dont_use_when": "privacy.where.code_dont_use_when",
    "examples": "privacy.where.code_example",
    "counterexamples": "privacy.where.code_counterexample",
}


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10 times faster


@lru_cache(maxsize=1)
def _shipped_sentences() -> frozenset[str]:
    """Every text of the codebooks that ship with the workbench. They are written for it and
    published with it (fictional examples: "'s Avonds durf ik ...", "het OCMW"), so they
    name no respondent; read, they gave every project eight candidates to reject. A text a
    researcher changed is read."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for path in sorted(shipped("codebooks").glob("*.yaml")):
        walk(yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER))
    return frozenset(found)


def _codebook_places(db: Database) -> list[Place]:
    """The sentences of every code in use (merged-away codes go out in no export), one place
    per code and field (``code:<id>:<field>``: ids, no names). Read here, not through
    workbench.codebook, whose exports import this module; the callers checked the reader."""
    places = []
    rows = db.execute(
        f"SELECT id, name, {', '.join(_CODE_FIELDS)} FROM codes WHERE active = 1 "
        "ORDER BY codebook_id, position, id"
    )
    published = _shipped_sentences()
    for code_id, name, *values in rows:
        for field, value in zip(_CODE_FIELDS, values):
            texts = json.loads(value or "[]") if field.endswith("examples") else [value]
            for text in texts:
                if isinstance(text, str) and text.strip() and text not in published:
                    places.append(
                        Place(f"code:{code_id}:{field}", _CODE_FIELDS[field], {"code": name}, text)
                    )
    return places


_STANDARD_LABEL = re.compile(rf"(?:{KNOWN_LABELS})(?:[ ]?\d{{1,2}})?\.?")


def _names_someone(label: str) -> bool:
    """Whether a speaker label is a name: it has letters and is no role or standard label
    ("I", "Int.", "Respondent 2", "Spreker 1") nor made of ordinary nouns ("Partner",
    "Moeder"). simplemma's lemma of "kim" is "Kim", as "jan" is "Jan": those are names."""
    words = re.findall(r"[^\W\d_]+", label)
    return (
        bool(words)
        and known_role(label) is None
        and not _STANDARD_LABEL.fullmatch(label)
        and not all(_noun_form(w.lower()) for w in words)
    )


def _names_at(db: Database, texts: dict[int, str], places: list[Place]) -> PlaceNames:
    """What the Dutch heuristics find in ``places``, with the transcripts' vocabulary.

    The same heuristics as in the transcripts (also with a NER pipeline: exports wait for
    what they find, see :func:`require_pseudonymised`). The original is the detector's
    reading of the words ("Hendrika de Vries" in "interview_Hendrika_de_Vries.docx"), which
    replacing matches across "_" and "-".
    """
    searched = {str(i): place.searched() for i, place in enumerate(places)}
    vocabulary = remembered_vocabulary(texts) | lowercase_vocabulary(searched.values())
    spelled = {
        normal_name(n): n for n in [*remembered_names(texts), *load_key(key_file(db)).entries]
    }
    out: PlaceNames = {}
    for i, start, end, kind in names_in_places(searched, vocabulary, spelled):
        original = searched[i][start:end]
        out.setdefault(original, (kind, []))[1].append((places[int(i)], start, end))
    for place in places:
        if place.whole and not any(p is place for p, _, _ in out.get(place.text, ("", []))[1]):
            out.setdefault(place.text, ("person", []))[1].append((place, 0, len(place.text)))
    # one row for "Gerda" of a transcript (or "Kim" of a speaker label) and "gerda" of the
    # document name "R01-gerda-spoorzicht"
    spelled = {normal_name(n): n for n in out} | spelled
    for i, place in enumerate(places):
        if place.key.startswith("document:"):  # "interview-marieke": lower case, no capital
            for start, end, kind in file_name_names(searched[str(i)], spelled):
                original = spelled.get(searched[str(i)][start:end], searched[str(i)][start:end])
                out.setdefault(original, (kind, []))[1].append((place, start, end))
    return out


def _undecided_pattern(db: Database, texts: list[str]) -> re.Pattern[str] | None:
    """The possible names nobody decided on, for short texts outside the transcripts (a
    workshop card's name, brief and example; :func:`_name_matches` finds them there): what
    the Dutch heuristics find in those texts with the transcripts' vocabulary, and every
    undecided candidate of the transcripts, less the decisions in the key (without the key,
    every one counts). Such texts are no place of the Privacy page, so the resident's rule
    for fragments applies to them: when in doubt, show nothing."""
    transcripts = _texts(db, None)
    places = [Place(f"text:{i}", "", {}, text) for i, text in enumerate(texts) if text]
    return _name_pattern(
        list(_undecided_names(db, transcripts, _names_at(db, transcripts, places)))
    )


def _outside(project: Project) -> tuple[list[Place], PlaceNames]:
    """The places outside the transcripts and the possible names found in them."""
    places = _places(project)
    return places, _names_at(project.db, _texts(project.db, None), places)


def detect(
    project: Project,
    *,
    nlp: Language | None = None,
    document_ids: list[int] | None = None,
) -> dict[str, Candidate]:
    """What the detector finds (the slow part of :func:`candidates`; cache it per import).

    Without ``nlp`` the Dutch heuristics look for names (no pipeline is loaded)."""
    project.require("pseudonymise")
    return _names_in(_texts(project.db, document_ids), nlp)


def candidates(
    project: Project,
    *,
    nlp: Language | None = None,
    document_ids: list[int] | None = None,
    detected: dict[str, Candidate] | None = None,
    examples: int = 3,
    width: int = 40,
) -> list[dict[str, Any]]:
    """Candidate names with their review status, counts and a few contexts.

    Sorted: undecided first, then by how often they occur. Known names from the key file
    are included even where the detector missed them (source ``known``). Pass ``detected``
    (from :func:`detect`) to skip detection when only decisions changed.

    Names in memos, document names, text attribute values, speaker labels and the codebook's
    sentences count too (:func:`_places`): exports carry those places with the accepted
    names replaced, so a name found only there must be decidable here. ``places`` lists
    where outside the transcripts a name was found, and each such context has ``where`` (a
    message key and its params: "memo 3", "documentnaam ...", "kenmerk woonsituatie van
    R02", "codeboek, voorbeeld bij code 'Verlies'").
    """
    project.require("pseudonymise")
    db = project.db
    key = load_key(key_file(db))
    texts = _texts(db, document_ids)
    found = dict(detected) if detected is not None else _names_in(texts, nlp)
    places, at_places = _outside(project)

    def everywhere(name: str) -> list[Occurrence]:
        return [
            Occurrence(doc, s, e) for doc, text in texts.items() for s, e in occurrences(text, name)
        ]

    searched = [(place, place.searched()) for place in places]

    def in_places(name: str) -> list[tuple[Place, int, int]]:
        if name in at_places:
            return at_places[name][1]
        return [
            (p, s, e) for p, text in searched if name in text for s, e in occurrences(text, name)
        ]

    for names in key.known_names.values():
        for known in names:
            found[known["name"]] = Candidate(
                known["name"], known.get("kind", "person"), "known", everywhere(known["name"])
            )
    for original, entry in key.entries.items():
        if original not in found:  # decided earlier; still show it
            found[original] = Candidate(original, entry.kind, "key", everywhere(original))
    for original, (kind, _) in at_places.items():
        if original not in found:  # only outside the transcripts
            found[original] = Candidate(original, kind, "heuristic", everywhere(original))
    # a decision holds for every spelling that replacing compares ("MARIEKE" once "Marieke"
    # is accepted) and for its possessive ("Henks", "Gerda's"): the review shows it decided
    # instead of asking again
    same_name: dict[str, KeyEntry] = {}
    for decided in sorted(key.entries.values(), key=lambda e: (e.status != "accepted", e.original)):
        same_name.setdefault(normal_name(decided.original), decided)
    out = []
    for original, cand in found.items():
        entry = (
            key.entries.get(original)
            or same_name.get(normal_name(original))
            or same_name.get(possessive_stem(original) or "")
        )
        outside = in_places(original)
        shown_places: dict[str, Place] = {}
        for place, _, _ in outside:
            shown_places.setdefault(place.key, place)
        out.append(
            {
                "original": original,
                "kind": entry.kind if entry else cand.kind,
                "source": cand.source,
                "count": cand.count + len(outside),
                "documents": cand.document_ids,
                "places": [p.described() for p in shown_places.values()],
                "status": entry.status if entry else "new",
                "replacement": entry.replacement if entry else None,
                "contexts": [
                    {
                        "document_id": o.document_id,
                        **_context(texts[o.document_id], o.start_char, o.end_char, width),
                    }
                    for o in cand.occurrences[:examples]
                ]
                + [
                    {
                        "document_id": place.document_id,
                        "where": place.described(),
                        **_context(place.text, start, end, width),
                    }
                    for place, start, end in outside[:examples]
                ],
            }
        )
    order = {"new": 0, "accepted": 1, "rejected": 2}
    out.sort(key=lambda c: (order[c["status"]], -c["count"], c["original"]))
    return out


def next_replacement(key: PseudonymKey, kind: str) -> str:
    """``[Naam 3]`` for the third person, ``[Plaats 1]`` for the first place, and so on."""
    label = LABELS[kind]
    pattern = re.compile(rf"^\[{label} (\d+)\]$")
    used = [
        int(m.group(1))
        for e in key.entries.values()
        if e.replacement and (m := pattern.match(e.replacement))
    ]
    return f"[{label} {max(used, default=0) + 1}]"


def decide(
    project: Project,
    original: str,
    *,
    accept: bool,
    kind: str | None = None,
    replacement: str | None = None,
    apply: bool = True,
) -> KeyEntry:
    """Accept (with a replacement) or reject one candidate; the decision goes into the key.

    The same original always gets the same replacement across the project; several
    originals may share one replacement on purpose ("Jan" and "Jan de Vries" -> "[Naam 1]").
    The decision is applied in the same step (every occurrence marked), so no export can
    come between accepting a name and replacing it. Batch callers pass ``apply=False`` and
    call :func:`apply_pseudonyms` once; until then pseudonymised exports are refused.
    """
    project.require("pseudonymise")
    db, actor = project.db, project.user
    _recover(db, actor=actor)
    _require_key(db)  # a fresh stand-in key would later drop every other replacement
    original = original.strip()
    if not original:
        raise InputError("privacy.empty_original")
    with editing_key(key_file(db)) as key:
        entry = key.entries.get(original)
        kind = kind or (entry.kind if entry else "person")
        if kind not in KINDS:
            raise InputError("privacy.bad_kind", kind=kind, kinds=", ".join(KINDS))
        if accept:
            if replacement is not None:
                replacement = replacement.strip()
                if not replacement or len(replacement) > MAX_REPLACEMENT:
                    raise InputError(
                        "privacy.bad_replacement", replacement=replacement, max=MAX_REPLACEMENT
                    )
                accepted = {normal_name(e.original) for e in key.accepted()}
                if normal_name(replacement) in accepted or _name_pattern(
                    sorted(accepted | {normal_name(original)}),
                ).search(replacement):
                    raise InputError("privacy.replacement_is_a_name", replacement=replacement)
            elif entry and entry.replacement:
                replacement = entry.replacement
            else:
                replacement = next_replacement(key, kind)
        new = KeyEntry(
            original,
            kind,
            "accepted" if accept else "rejected",
            replacement if accept else None,
            actor,
            now(),
        )
        key.entries[original] = new
    outside = _outside(project) if apply else ([], {})
    if apply:
        remembered_names(_texts(db, None))  # the slow part, before the write lock is taken
    with transaction(db):
        _log_decision(db, new, actor=actor)
        if apply:
            _apply(db, _accepted_names(db), actor=actor, outside=outside)
    return new


def _log_decision(db: Database, entry: KeyEntry, *, actor: str, recovered: bool = False) -> None:
    # the log says what was decided, never which name: the name stays in the key file
    after = {
        "status": entry.status,
        "kind": entry.kind,
        "replacement": entry.replacement,
        "decided_at": entry.decided_at,
    }
    if recovered:
        after["recovered"] = True
    record_event(db, actor, events.PSEUDONYM_DECIDE(entry.replacement, None, after))


def _recover(db: Database, *, actor: str | None) -> int:
    """Clean up after a crash during pseudonymisation; returns how many decisions got an event.

    Removes temporary key copies (they hold every original) and logs decisions that reached
    the key file but not the event log (killed between the two). Cheap when nothing is wrong.
    """
    path = key_file(db)
    remove_stale_copies(path)
    if not path.exists():
        return 0
    logged_at, logged = set(), set()
    for (after,) in db.execute("SELECT after FROM events WHERE action = 'pseudonym.decide'"):
        data = json.loads(after or "{}")
        logged_at.add(data.get("decided_at"))
        logged.add((data.get("status"), data.get("replacement")))
    missing = [
        e
        for e in load_key(path).entries.values()
        if e.decided_at not in logged_at and (e.status, e.replacement) not in logged
    ]
    if missing:
        with transaction(db):
            for entry in missing:
                _log_decision(
                    db, entry, actor=entry.decided_by or actor or "onderzoeker", recovered=True
                )
    return len(missing)


def add_known_name(project: Project, respondent: str, name: str, *, kind: str = "person") -> None:
    """Remember a name that belongs to a respondent's story (kept in the key file only)."""
    project.require("pseudonymise")
    db = project.db
    if kind not in KINDS:
        raise InputError("privacy.bad_kind", kind=kind, kinds=", ".join(KINDS))
    if not name.strip():
        raise InputError("privacy.empty_original")
    if not db.execute("SELECT 1 FROM respondents WHERE code = ?", [respondent]).fetchone():
        raise NotFound("privacy.unknown_respondent", respondent=respondent)
    _require_key(db)  # a fresh stand-in key would later drop every other replacement
    with editing_key(key_file(db)) as key:
        names = key.known_names.setdefault(respondent, [])
        if not any(n["name"] == name.strip() for n in names):
            names.append({"name": name.strip(), "kind": kind})


# A name is matched in any letter case and also inside words joined with "_" or "-"
# ("R01-gerda-spoorzicht", "jan_de_vries"): a letter or digit on either side blocks a match,
# "_" and "-" do not. The words of a name may be separated by spaces, "_" or "-".
_JOIN = r"[\s_\-]+"
_EDGE_BEFORE = r"(?<![^\W_])"
# a name ends where no letter or digit follows, or before a possessive "s" ("Henks fiets";
# "Gerda's" already ends at the apostrophe): :func:`_name_matches` keeps such an "s" only
# where name and "s" are no ordinary word ("Turks", "Nederlands" are words of their own)
_EDGE_AFTER = r"(?=s?(?![^\W_]))"
_PLAIN_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=1 << 16)  # called for every match and marked span on each accept
def normal_name(name: str) -> str:
    """The form names are compared in: lower case, words joined by one space."""
    return " ".join(w for w in re.split(_JOIN, name.strip()) if w).lower()


def _name_pattern(originals: list[str]) -> re.Pattern[str] | None:
    names = sorted({normal_name(o) for o in originals} - {""}, key=len, reverse=True)
    if not names:
        return None
    # longest first: at one position "Jan de Vries" wins over "Jan"
    written = {n: _JOIN.join(re.escape(w) for w in n.split(" ")) for n in names}
    if not all(n[0] in _PLAIN_FIRST for n in names):
        return re.compile(rf"{_EDGE_BEFORE}(?:{'|'.join(written.values())}){_EDGE_AFTER}", re.I)
    # Grouped by first character, so a position is tried against one group instead of every
    # name (the undecided check runs this over every document on each accept). The same
    # matches: no text character matches two of these characters in any letter case, so at
    # most one group can match at a position, and within it the order stays longest first.
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(n[0], []).append(written[n][1:])
    alternatives = "|".join(f"{first}(?:{'|'.join(rest)})" for first, rest in groups.items())
    return re.compile(rf"{_EDGE_BEFORE}(?:{alternatives}){_EDGE_AFTER}", re.IGNORECASE)


def _name_matches(
    text: str, pattern: re.Pattern[str] | None, start: int = 0, end: int | None = None
) -> list[re.Match[str]]:
    """The matches of ``pattern`` in ``text[start:end]`` that are the name.

    A name matches in any letter case, but a lower-case match that reads as an ordinary noun
    there is that noun ("een roos" once "Roos" is accepted, "bij de bakker" for "De
    Bakker"; :func:`detect.ordinary_noun_at`): replacing it would damage the text and, as
    an undecided name, keep fragments back for nothing.
    """
    if pattern is None:
        return []
    found = pattern.finditer(text, start, len(text) if end is None else end)
    return [
        m
        for m in found
        if not ordinary_noun_at(text, m.start(), m.end()) and not _word_with_s(text, m)
    ]


def _word_with_s(text: str, match: re.Match[str]) -> bool:
    """Whether ``match`` is followed by an "s" that makes its last word an ordinary word
    ("Turks" for "Turk"): that word is not the name. Any other "s" is a possessive ("Henks
    zoon"), and the name before it is the name (the "s" stays)."""
    if text[match.end() : match.end() + 1].lower() != "s":
        return False
    last = re.split(_JOIN, match.group())[-1]
    return ordinary_word(last + "s")


def possessive_stem(name: str) -> str | None:
    """The normal name ``name`` is a possessive of ("henk" for "Henks", "gerda" for
    "Gerda's", "yonas" for "Yonas'"), or None.

    Why: the detector offers "Henks" as a name of its own, but it is Henk: a decision on
    "Henk" holds for it (one person, one pseudonym; replacing keeps the "s"), so neither the
    review nor the export check asks about it again.
    """
    normal = normal_name(name)
    for ending in ("'s", "’s", "'", "’"):
        if normal.endswith(ending) and len(normal) > len(ending):
            return normal[: -len(ending)]
    if normal.endswith("s") and len(normal) > 2 and not ordinary_word(normal.split(" ")[-1]):
        return normal[:-1]
    return None


def name_occurrences(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int, str]]:
    """``(start, end, normal name)`` of every match of ``pattern`` in ``text`` that is the
    name (:func:`_name_matches`)."""
    return [(m.start(), m.end(), normal_name(m.group())) for m in _name_matches(text, pattern)]


def _cased(replacement: str, written: str) -> str:
    """``replacement`` as the name was written: "PIET" for "MARIEKE" once "Marieke" is
    "Piet"; otherwise as chosen ("Piet" also for "marieke": a name is capitalised), and a
    label such as "[Naam 1]" always as it is."""
    if written.isupper() and len(written) > 1 and not replacement.startswith("["):
        return replacement.upper()
    return replacement


def _names_from_spans(db: Database) -> dict[str, str]:
    """Names the project itself marks: the text under each pseudonym span (key or no key)."""
    out: dict[str, str] = {}
    # each text read once, not once per span (thousands of spans on each accept)
    texts = _texts(db, None)
    rows = db.execute(
        "SELECT d.id, s.start_char, s.end_char, p.replacement FROM pseudonym_spans s "
        "JOIN pseudonyms p ON p.id = s.pseudonym_id JOIN documents d ON d.id = s.document_id"
    )
    for doc, start, end, replacement in rows:
        out.setdefault(normal_name(texts[doc][start:end]), replacement)
    out.pop("", None)
    return out


def _key_missing(db: Database) -> bool:
    """The project has marked names but its key file is not where it belongs."""
    if key_file(db).exists():
        return False
    return db.execute("SELECT 1 FROM pseudonym_spans LIMIT 1").fetchone() is not None


def _accepted_names(db: Database) -> dict[str, str]:
    """``{normal name: replacement}`` of every accepted name (originals: internal only).

    From the key file; when the key is away (kept apart, or destroyed at the end of a study),
    from the text under the spans the project marked, so exports stay free of those names.
    """
    if _key_missing(db):
        return _names_from_spans(db)
    out: dict[str, str] = {}
    for entry in sorted(load_key(key_file(db)).accepted(), key=lambda e: e.original):
        out.setdefault(normal_name(entry.original), entry.replacement)
    out.pop("", None)
    return out


def _differences(
    db: Database, names: dict[str, str], document_ids: list[int] | None = None
) -> dict[int, tuple[set, dict]]:
    """Per document whose spans are not what ``names`` asks for: (wanted, stored) spans.

    Spans are ``(start, end, replacement)``; stored ones map to their row id.
    """
    pattern = _name_pattern(list(names))
    stored: dict[int, dict] = {}
    for sid, doc, s, e, repl in db.execute(
        "SELECT s.id, s.document_id, s.start_char, s.end_char, p.replacement "
        "FROM pseudonym_spans s JOIN pseudonyms p ON p.id = s.pseudonym_id"
    ):
        stored.setdefault(doc, {})[(s, e, repl)] = sid
    out = {}
    for document_id, text in _texts(db, document_ids).items():
        wanted = {(s, e, names[n]) for s, e, n in name_occurrences(text, pattern)}
        have = stored.get(document_id, {})
        if wanted != have.keys():
            out[document_id] = (wanted, have)
    return out


def _require_key(db: Database) -> None:
    """Refuse instead of dropping every replacement when the key file is away."""
    if _key_missing(db):
        raise InputError("privacy.key_missing", path=str(key_file(db)))


def apply_pseudonyms(project: Project) -> dict[str, int]:
    """Bring ``pseudonym_spans`` in line with the key: every occurrence of every accepted name.

    Idempotent; run it again after importing documents or changing decisions. Spans of
    names that were rejected later are removed. One transaction, one logged event. Refused
    when the project has marked names but the key file is missing: applying an empty key
    would remove every replacement.
    """
    project.require("pseudonymise")
    db = project.db
    _recover(db, actor=project.user)
    _require_key(db)
    outside = _outside(project)
    return _apply(db, _accepted_names(db), actor=project.user, outside=outside)


def _apply(
    db: Database,
    names: dict[str, str],
    *,
    actor: str,
    outside: tuple[list[Place], PlaceNames] = ([], {}),
) -> dict[str, int]:
    """Mark every occurrence of ``names``; record which documents and places (``outside``,
    from :func:`_outside`) still hold a possible name nobody decided on (ids, no names)."""
    places, also = outside
    key = load_key(key_file(db))
    kinds = {e.replacement: e.kind for e in key.accepted()}
    stamp = now()
    added = removed = 0
    remembered_names(_texts(db, None))  # the slow part, before the write lock is taken
    with transaction(db):
        wanted_replacements = set(names.values())
        for replacement in sorted(wanted_replacements):
            db.execute(
                "INSERT OR IGNORE INTO pseudonyms (replacement, kind, created_at, created_by) "
                "VALUES (?, ?, ?, ?)",
                [replacement, kinds.get(replacement, "other"), stamp, actor],
            )
        # per document (its id as text, as JSON keys are): places replaced and taken back,
        # so its history can say that names were replaced there (counts, never names)
        changed: dict[str, dict[str, int]] = {}
        ids = {r: pid for pid, r in db.execute("SELECT id, replacement FROM pseudonyms")}
        for replacement, pid in ids.items():
            if replacement not in wanted_replacements:
                for document_id, n in db.execute(
                    "SELECT document_id, count(*) FROM pseudonym_spans WHERE pseudonym_id = ? "
                    "GROUP BY document_id",
                    [pid],
                ).fetchall():
                    place = changed.setdefault(str(document_id), {"added": 0, "removed": 0})
                    place["removed"] += n
                    removed += n
                db.execute("DELETE FROM pseudonyms WHERE id = ?", [pid])
        for document_id, (wanted, have) in _differences(db, names).items():
            gone, new = have.keys() - wanted, sorted(wanted - have.keys())
            for span in gone:
                db.execute("DELETE FROM pseudonym_spans WHERE id = ?", [have[span]])
            for start, end, replacement in new:
                db.execute(
                    "INSERT INTO pseudonym_spans (document_id, start_char, end_char, pseudonym_id,"
                    " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    [document_id, start, end, ids[replacement], stamp, actor],
                )
            added, removed = added + len(new), removed + len(gone)
            if new or gone:
                place = changed.setdefault(str(document_id), {"added": 0, "removed": 0})
                place["added"] += len(new)
                place["removed"] += len(gone)
        total = db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0]
        result = {
            "added": added,
            "removed": removed,
            "spans": total,
            "pseudonyms": len(wanted_replacements),
            "max_document_id": db.execute("SELECT max(id) FROM documents").fetchone()[0],
            # what exports go by while the key is away (no name: ids only)
            "undecided_documents": sorted(_undecided_documents(db, also)),
            "undecided_places": sorted(_undecided_places(db, places, also)),
            "places_need_key": _places_needing_key(db, places, names),
        }
        logged = {**result, "documents": changed}
        record_event(db, actor, events.PSEUDONYMISE_APPLY(None, None, logged))
    return result


def documents_not_checked(project: Project, document_ids: list[int] | None = None) -> list[int]:
    """Documents whose names are not (all) replaced yet.

    Those added after the last :func:`apply_pseudonyms` (all of them if it never ran), and
    those where an accepted name is not marked or a marked one is no longer accepted
    (decisions not yet applied, e.g. after an interrupted run). Ids only; needs ``read``
    (the workshop asks :func:`_documents_not_checked` after its own check).
    """
    project.require("read")
    return _documents_not_checked(project.db, document_ids)


def _last_apply(db: Database) -> dict[str, Any] | None:
    """What the last :func:`apply_pseudonyms` (or decision) recorded; None if it never ran."""
    last = db.execute(
        "SELECT after FROM events WHERE action = 'pseudonymise.apply' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return json.loads(last[0] or "{}") if last else None


def _documents_added(db: Database) -> list[int]:
    """Documents imported after names were last replaced (all of them if that never ran)."""
    seen = (_last_apply(db) or {}).get("max_document_id") or 0
    return [
        int(r[0]) for r in db.execute("SELECT id FROM documents WHERE id > ? ORDER BY id", [seen])
    ]


def _documents_not_checked(db: Database, document_ids: list[int] | None = None) -> list[int]:
    out = set(_documents_added(db))
    out |= set(_differences(db, _accepted_names(db), document_ids))
    if document_ids is not None:
        out &= set(document_ids)
    return sorted(out)


def _undecided_names(
    db: Database, texts: dict[int, str], also: PlaceNames | None = None
) -> dict[str, str]:
    """``{normal name: the name a message shows}`` of every possible name nobody decided on.

    The candidates of "Namen vervangen" (the Dutch heuristics over every document), the
    known names per respondent and ``also`` (names found in memos, document names and
    attribute values), less every decision in the key, in any letter case as replacing
    compares. Without the key every candidate counts as undecided.
    """
    key = load_key(key_file(db))
    decided = {normal_name(original) for original in key.entries}
    found = set(remembered_names(texts))
    found |= {known["name"] for names in key.known_names.values() for known in names}
    found |= set(also or {})
    # the name a message shows for each form that replacing compares: the first original
    shown: dict[str, str] = {}
    for original in sorted(found):
        if normal_name(original) not in decided and possessive_stem(original) not in decided:
            shown.setdefault(normal_name(original), original)
    shown.pop("", None)
    return shown


def _undecided_occurrences(
    db: Database,
    ranges: list[tuple[int, int, int]] | None = None,
    also: PlaceNames | None = None,
) -> list[tuple[str, Occurrence]]:
    """Possible names nobody decided on, at each place where they are not replaced.

    The candidates of "Namen vervangen" (the Dutch heuristics over every document) plus the
    known names per respondent (and ``also``: names found outside the transcripts, see
    :func:`_undecided_names`). A candidate counts wherever its words occur as replacing
    would find it (:func:`_name_pattern`: any letter case, also at the start of a sentence
    where the detector passes a single word over, "Wim is in 2018 overleden"), not only where
    the detector flagged it. A decision counts in any letter case, as replacing does, and a
    place inside a marked name ("Jan" in "Jan de Vries") is replaced anyway. Decisions come
    from the key: without it, every unmarked candidate counts as undecided. With ``ranges``
    (document id, start, end) only those stretches are searched.
    """
    texts = _texts(db, None)
    shown = _undecided_names(db, texts, also)
    if ranges is None:
        stretches = [(doc, 0, len(text)) for doc, text in texts.items()]
    else:
        stretches = [(doc, start, end) for doc, start, end in ranges if doc in texts]

    def inside(o: Occurrence) -> bool:
        return any(
            o.document_id == doc and o.start_char < end and o.end_char > start
            for doc, start, end in stretches
        )

    # where the detector flagged them, and below wherever replacing would find them
    places = {
        (original, o.document_id, o.start_char, o.end_char)
        for original, cand in remembered_names(texts).items()
        if normal_name(original) in shown
        for o in cand.occurrences
        if ranges is None or inside(o)
    }
    pattern = _name_pattern(list(shown))
    for doc, start, end in stretches if pattern is not None else []:
        text = texts[doc]
        # searched a little past the stretch, so a name crossing its edge is matched whole
        for m in _name_matches(text, pattern, max(0, start - _REACH), end + _REACH):
            o = Occurrence(doc, m.start(), m.end())
            name = normal_name(m.group())
            if name in shown and (ranges is None or inside(o)):
                places.add((shown[name], doc, m.start(), m.end()))
    marked: dict[int, list[tuple[int, int]]] = {}
    for doc, start, end in db.execute(
        "SELECT document_id, start_char, end_char FROM pseudonym_spans "
        "ORDER BY document_id, start_char"
    ):
        marked.setdefault(doc, []).append((start, end))
    starts = {doc: [s for s, _ in spans] for doc, spans in marked.items()}

    def replaced(o: Occurrence) -> bool:
        i = bisect.bisect_right(starts.get(o.document_id, []), o.start_char) - 1
        return i >= 0 and marked[o.document_id][i][1] >= o.end_char

    out = [
        (original, o)
        for original, doc, start, end in places
        if not replaced(o := Occurrence(doc, start, end))
    ]
    return sorted(out, key=lambda pair: (pair[1].document_id, pair[1].start_char, pair[0]))


def _undecided_in(db: Database, ranges: list[tuple[int, int, int]], also: PlaceNames) -> list[str]:
    """Possible names nobody decided on yet (the Privacy page's detector, not in the key)
    that occur inside any of ``ranges`` (document id, start, end), wherever replacing would
    find them (see :func:`_undecided_occurrences`).

    Applying the replacements with nothing decided replaces nothing, so a document can be
    "checked" and still show every name: what a co-researcher will see must also hold no
    name that still waits for a decision. Names found only in memos, document names and
    attribute values count too (``also``, from :func:`_outside`): residents never see those
    places, but the same name may stand in a transcript where the detector passed it over
    ("Na het gesprek belde Ineke" in a memo, "gisteren was ineke er" in a turn).
    """
    return sorted({original for original, _ in _undecided_occurrences(db, ranges, also)})


def _undecided_documents(db: Database, also: PlaceNames | None = None) -> dict[int, list[str]]:
    """``{document id: [possible names nobody decided on]}`` for every document holding one.

    With the key away nobody can say which candidates were rejected: then the documents
    that held one when names were last replaced (recorded without the names), and every
    document when that was not recorded (replaced by an older version of the workbench).
    """
    if _key_missing(db):
        present = {int(r[0]) for r in db.execute("SELECT id FROM documents")}
        recorded = (_last_apply(db) or {}).get("undecided_documents")
        waiting = present if recorded is None else present & {int(d) for d in recorded}
        return {doc: [] for doc in sorted(waiting)}
    out: dict[int, set[str]] = {}
    for original, o in _undecided_occurrences(db, also=also):
        out.setdefault(o.document_id, set()).add(original)
    return {doc: sorted(names) for doc, names in sorted(out.items())}


def _undecided_places(
    db: Database, places: list[Place], also: PlaceNames
) -> dict[str, tuple[Place, list[str]]]:
    """``{place key: (place, [possible names nobody decided on])}`` outside the transcripts.

    Memos, document names and attribute values are replaced by :func:`replace_names` on the
    way out, so a name there is safe only once accepted; one nobody decided on would leave
    in a "pseudonymised" file. Counted as in the transcripts (:func:`_undecided_names`: any
    letter case, across "_" and "-"); a stretch inside an accepted name is replaced anyway.
    With the key away: the places that held one when names were last replaced (recorded
    without the names), or each place holding any candidate when that was not recorded.
    """
    if _key_missing(db):
        recorded = (_last_apply(db) or {}).get("undecided_places")
        if recorded is not None:
            return {p.key: (p, []) for p in places if p.key in set(recorded)}
    pattern = _name_pattern(list(shown := _undecided_names(db, _texts(db, None), also)))
    accepted = _name_pattern(list(_accepted_names(db)))
    out: dict[str, tuple[Place, list[str]]] = {}
    for place in places if pattern is not None else []:
        replaced = [(s, e) for s, e, _ in name_occurrences(place.text, accepted)]
        for m in _name_matches(place.text, pattern):
            if not any(s <= m.start() and m.end() <= e for s, e in replaced):
                names = out.setdefault(place.key, (place, []))[1]
                if shown[normal_name(m.group())] not in names:
                    names.append(shown[normal_name(m.group())])
    return out


def _places_needing_key(db: Database, places: list[Place], names: dict[str, str]) -> list[str]:
    """Keys of the places holding an accepted name that no marked span in a transcript holds.

    With the key away, exports replace the names under the project's spans only
    (:func:`_names_from_spans`): a name accepted where it occurs only in a memo, a document
    name or an attribute value would then go out. Recorded (ids, no names) when names are
    replaced, so such an export is refused instead (``privacy.export_places_need_key``).
    A match is a name as :func:`_name_matches` decides, as replacing does: "de bakker" in a
    memo is the baker, also once "Bakker" is accepted, and needs no key.
    """
    pattern = _name_pattern(sorted(set(names) - set(_names_from_spans(db))))
    if pattern is None:
        return []
    return sorted({place.key for place in places if _name_matches(place.text, pattern)})


def _reviewed(db: Database) -> bool:
    if key_file(db).exists() and load_key(key_file(db)).entries:
        return True
    return db.execute("SELECT 1 FROM pseudonym_spans LIMIT 1").fetchone() is not None


def reviewed(project: Project) -> bool:
    """Whether anyone ever reviewed names in this project (decided in the key, or marked).

    Needs ``read``, as every export that labels its file with it has."""
    project.require("read")
    return _reviewed(project.db)


def _listing(items: list[str]) -> str | Term:
    """``'a', 'b', 'c'`` for a message, the first few and "and N more" (:func:`listing`)."""
    return listing([f"'{item}'" for item in items])


def _document_names(db: Database, document_ids: Any) -> str | Term:
    names = dict(db.execute("SELECT id, name FROM documents").fetchall())
    return _listing([str(names.get(doc, doc)) for doc in sorted(document_ids)])


def require_pseudonymised(project: Project) -> None:
    """Refuse a pseudonymised export while it could still carry a name nobody checked.

    Refused (``InputError``, naming the documents and what to do) while decisions are not
    applied (an accepted name not marked somewhere, or a marked one no longer accepted;
    ``privacy.not_applied``) and, once names were reviewed, while a document was imported
    after names were last replaced (``privacy.export_not_checked``) or a document holds a
    possible name nobody decided on (``privacy.export_undecided``; with the key away, the
    documents that held one when names were last replaced: ``privacy.export_undecided_no_key``),
    or a memo, a document name or a text attribute value holds one
    (``privacy.export_undecided_places``: those go out through :func:`replace_names`, which
    replaces accepted names only; with the key away, also while one holds an accepted name
    that only the key knows: ``privacy.export_places_need_key``).
    The whole export is refused rather than leaving documents out: a file with schuilnamen
    never holds a name nobody checked, and never silently misses interviews. When no name
    was ever reviewed the export goes through for a researcher, labelled plainly "not
    pseudonymised" (:func:`export_warning`); a role that may not take the real names out
    (a supervisor) is refused (``privacy.export_not_reviewed``). With the key away, the names the project marked count as
    accepted. Needs ``read``, as the exports, quotes and imports that ask it.
    """
    project.require("read")
    db = project.db
    _recover(db, actor=None)
    waiting = _differences(db, _accepted_names(db))
    if waiting:
        raise InputError(
            "privacy.not_applied", n=len(waiting), documents=_document_names(db, waiting)
        )
    if not _reviewed(db):
        if not project.can(ORIGINAL_TEXT):  # a supervisor: only schuilnamen may leave
            raise InputError("privacy.export_not_reviewed")
        return
    added = _documents_added(db)
    if added:
        raise InputError(
            "privacy.export_not_checked", n=len(added), documents=_document_names(db, added)
        )
    places, also = _outside(project)
    undecided = _undecided_documents(db, also)
    if undecided and _key_missing(db):
        raise InputError(
            "privacy.export_undecided_no_key",
            n=len(undecided),
            documents=_document_names(db, undecided),
            path=str(key_file(db)),
        )
    if undecided:
        names = sorted({name for found in undecided.values() for name in found})
        raise InputError(
            "privacy.export_undecided",
            n=len(undecided),
            documents=_document_names(db, undecided),
            count=len(names),
            names=_listing(names),
        )
    need_key = set((_last_apply(db) or {}).get("places_need_key") or [])
    need_key = [p for p in {p.key: p for p in places if p.key in need_key}.values()]
    if need_key and _key_missing(db):
        raise InputError(
            "privacy.export_places_need_key",
            n=len(need_key),
            places=listing([p.term() for p in need_key]),
            path=str(key_file(db)),
        )
    _refuse_undecided_places(db, places, also)


def require_codebook_pseudonymised(project: Project) -> None:
    """Refuse a codebook leaving with names replaced (a qdc, a supervisor's codebook
    download) while the codebook's sentences hold a possible name nobody decided on.

    Only the codebook: such a file carries no transcript, memo or attribute, so an interview
    nobody checked yet does not hold it back (the project's exports ask
    :func:`require_pseudonymised`). Without it, a definition quoting "Toen Grietje overleed"
    went out as written, as only accepted names are replaced. Needs ``read``.
    """
    project.require("read")
    db = project.db
    if not _reviewed(db) and project.can(ORIGINAL_TEXT):  # as a project's export: labelled
        return
    places = _codebook_places(db)
    _refuse_undecided_places(db, places, _names_at(db, _texts(db, None), places))


def _refuse_undecided_places(db: Database, places: list[Place], also: PlaceNames) -> None:
    """Raise while a place outside the transcripts holds a possible name nobody decided on."""
    outside = _undecided_places(db, places, also)
    if outside and _key_missing(db):
        raise InputError(
            "privacy.export_undecided_places_no_key",
            n=len(outside),
            places=listing([p.term() for p, _ in outside.values()]),
            path=str(key_file(db)),
        )
    if outside:
        names = sorted({name for _, found in outside.values() for name in found})
        raise InputError(
            "privacy.export_undecided_places",
            n=len(outside),
            places=listing([p.term() for p, _ in outside.values()]),
            count=len(names),
            names=_listing(names),
        )


def export_warning(project: Project) -> str:
    """The message key an export's report opens with: pseudonymised, or plainly not."""
    return "exchange.warn.pseudonymised" if reviewed(project) else "privacy.warn.not_pseudonymised"


@dataclass(frozen=True)
class ReplacedSpan:
    start_char: int  # in the original text
    end_char: int
    new_start: int  # in the pseudonymised text
    new_end: int
    replacement: str


@dataclass(frozen=True)
class PseudonymisedText:
    """A pseudonymised text plus the way to move original offsets into it.

    ``text, map_offset = pseudonymised_document(...)`` unpacks like a pair.
    """

    text: str
    spans: tuple[ReplacedSpan, ...]
    offset: int = 0  # where this text starts in the original document

    def map_offset(self, offset: int, *, side: str = "start") -> int:
        """The position in :attr:`text` of original document offset ``offset``.

        An offset inside a replaced name moves to the start of its replacement
        (``side="start"``) or to its end (``side="end"``), so a coding that began or ended
        inside a name covers the whole replacement.
        """
        if side not in ("start", "end"):
            raise ValueError(f"side must be 'start' or 'end'. Got {side!r} instead.")
        i = bisect.bisect_right(self._ends, offset)
        if i < len(self.spans) and self.spans[i].start_char < offset:
            span = self.spans[i]
            return span.new_start if side == "start" else span.new_end
        if i == 0:
            return offset - self.offset
        before = self.spans[i - 1]
        return before.new_end + (offset - before.end_char)

    @cached_property
    def _ends(self) -> list[int]:
        return [s.end_char for s in self.spans]

    def map_span(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Original ``[start_char, end_char)`` as offsets into :attr:`text`."""
        return self.map_offset(start_char, side="start"), self.map_offset(end_char, side="end")

    def __iter__(self):
        yield self.text
        yield self.map_offset


def _spans(db: Database, document_id: int, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (int(s), int(e), r)
        for s, e, r in db.execute(
            "SELECT s.start_char, s.end_char, p.replacement FROM pseudonym_spans s "
            "JOIN pseudonyms p ON p.id = s.pseudonym_id "
            "WHERE s.document_id = ? AND s.end_char > ? AND s.start_char < ? "
            "ORDER BY s.start_char",
            [document_id, start, end],
        )
    ]


def pseudonymise_range(
    project: Project, document_id: int, start: int, end: int
) -> PseudonymisedText:
    """``documents.text[start:end]`` with pseudonyms in place; needs ``read``.

    A name that crosses the edge of the range is replaced as a whole. (Co-onderzoekers get
    their fragments through :mod:`workbench.privacy.workshop`, which checks the assignment.)
    """
    project.require("read")
    return _pseudonymise_range(project.db, document_id, start, end)


def _pseudonymise_range(db: Database, document_id: int, start: int, end: int) -> PseudonymisedText:
    """:func:`pseudonymise_range` for code that checked the reader already."""
    found = db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
    if found is None:
        raise NotFound("codings.unknown_document", document=document_id)
    original = found[0]
    end = min(end, len(original))
    parts, spans, pos, length = [], [], start, 0
    for s, e, replacement in _spans(db, document_id, start, end):
        replacement = _cased(replacement, original[s:e])
        if s > pos:
            parts.append(original[pos:s])
            length += s - pos
        parts.append(replacement)
        spans.append(ReplacedSpan(s, e, length, length + len(replacement), replacement))
        length += len(replacement)
        pos = max(pos, e)
    parts.append(original[pos:end])
    return PseudonymisedText("".join(parts), tuple(spans), start)


def pseudonymised_document(project: Project, document_id: int) -> PseudonymisedText:
    """The whole document with every accepted name replaced, and its offset mapping.

    For exports and reading views. Needs the ``read`` permission (co-onderzoekers get
    fragments through :mod:`workbench.privacy.workshop` instead).
    """
    project.require("read")
    return _pseudonymise_range(project.db, document_id, 0, 2**62)


def pseudonymise_free_text(project: Project, text: str) -> str:
    """Any text (a memo, a quote outside a document) with the key's accepted names replaced."""
    project.require("read")
    return _replace_names(project.db, [text])[0]


def replace_names(project: Project, texts: list[str]) -> list[str]:
    """``texts`` with every accepted name replaced; needs ``read``, as the exports that ask.

    Any letter case, also inside words joined with "_" or "-"; with the key's names, or the
    project's own when the key is away (the text under the spans the project marked).
    """
    project.require("read")
    return _replace_names(project.db, texts)


@lru_cache(maxsize=1 << 12)  # every name, on each replacement (one per cell of a table)
def _id_form(name: str) -> tuple[str, bool]:
    """``name`` as a code id writes it, words joined by a space, and whether that is made of
    ordinary words only."""
    folded = id_words(name).replace("-", " ")
    return folded, all(ordinary_word(w) for w in folded.split())


def _with_id_forms(db: Database, names: dict[str, str]) -> dict[str, str]:
    """``names`` (``{normal name: replacement}``) plus each name as a code id writes it.

    A code id drops accents (:func:`workbench.text.id_words`: "Hulp van René" ->
    "hulp-van-rene"), so "René" alone would leave "rene" in every export that names the code.
    A form that is not an ordinary word ("rene", "zoe") is the name without its accents and
    is replaced anywhere. A form that is a word ("gul" for "Gül", "citroen" for "Citroën")
    is replaced only inside the ids of codes whose name holds the name: elsewhere it is the
    word ("hij is gul"), and so is a code "Gul met tijd".
    """
    out, words = dict(names), {}
    for name, replacement in names.items():
        folded, is_word = _id_form(name)
        if not folded or folded in names:
            continue
        if is_word:
            words[folded] = replacement
        else:
            out.setdefault(folded, replacement)
    if not words:
        return out
    written = _name_pattern(list(names))
    assert written is not None  # a name was folded, so there is one
    for slug, code_name in db.execute("SELECT slug, name FROM codes"):
        found = {_id_form(m.group())[0] for m in written.finditer(code_name)}
        held = _name_pattern([w for w in words if w in found])
        if held is None:
            continue
        new = held.sub(lambda m: _cased(words[normal_name(m.group())], m.group()), slug)
        if new != slug:
            out.setdefault(normal_name(slug), new)
    return out


def _replace_names(db: Database, texts: list[str]) -> list[str]:
    """:func:`replace_names` for code that checked already (the workshop's code cards)."""
    names = _with_id_forms(db, _accepted_names(db))
    pattern = _name_pattern(list(names))
    if pattern is None:
        return list(texts)

    def replaced(text: str) -> str:
        parts, pos = [], 0
        for m in _name_matches(text, pattern):  # the name, not an ordinary noun it also is
            parts += [text[pos : m.start()], _cased(names[normal_name(m.group())], m.group())]
            pos = m.end()
        return "".join(parts) + text[pos:]

    return [replaced(text) if text else text for text in texts]


def pseudonymise_table(project: Project, frame: Any) -> Any:
    """A copy of the DataFrame ``frame`` with accepted names replaced in every text cell.

    For tables that leave the project pseudonymised (quotes, pattern exports): speaker
    labels, document names, respondent codes and attribute values can hold names too, not
    only the quoted text. Refused while decisions are not applied (see
    :func:`require_pseudonymised`). Needs ``read``.
    """
    require_pseudonymised(project)
    return replace_in_tables(project, [frame])[0]


def replace_in_tables(project: Project, frames: list[Any]) -> list[Any]:
    """Copies of the DataFrames with accepted names replaced in every text cell and in the
    column labels (no check that decisions are applied: callers check first, once).

    One replacement pass for all cells of all frames (the key is read once). Needs ``read``.
    """
    project.require("read")
    from pandas.api.types import is_object_dtype, is_string_dtype

    frames = [f.copy() for f in frames]
    cells: list[tuple[int, Any, list[Any]]] = []
    texts: list[str] = []
    for i, frame in enumerate(frames):
        for column in frame.columns:
            if is_object_dtype(frame[column]) or is_string_dtype(frame[column]):
                values = frame[column].tolist()
                cells.append((i, column, values))
                texts += [v if isinstance(v, str) else "" for v in values]
    labels = [str(c) for f in frames for c in f.columns]
    replaced = _replace_names(project.db, texts + labels)
    at = 0
    for i, column, values in cells:
        new = replaced[at : at + len(values)]
        frames[i][column] = [r if isinstance(v, str) else v for v, r in zip(values, new)]
        at += len(values)
    for frame in frames:
        names = replaced[at : at + len(frame.columns)]
        frame.columns = [n if isinstance(c, str) else c for c, n in zip(frame.columns, names)]
        at += len(names)
    return frames
