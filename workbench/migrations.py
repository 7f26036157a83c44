"""The project schema, as an ordered list of named migrations.

Never edit a migration that has shipped: add a new one at the end. Each runs in one
transaction (sqlite-utils ``Migrations``); ``store.open_project`` copies the database file
before applying migrations to an existing project.

Offsets (``start_char``/``end_char``, named as in spaCy's ``Span``) are zero-based Unicode
code points into ``documents.text``, end exclusive: ``text[start_char:end_char]``. That is
what REFI-QDA's PlainTextSelection uses too.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from workbench import events
from workbench.merge_rules import decisions_meet, event_after_merge, read_kinds

migrations = Migrations("workbench")

# Who writes each table: exactly one module, so a table's rules (checks, role, event) live in
# one place and everyone else calls that module's functions (issue 16).
# tests/test_table_owners.py scans every module for SQL and sqlite-utils writes and fails
# when another module writes a table; ARCHITECTURE.md lists this table.
TABLE_OWNERS: dict[str, str] = {
    "settings": "workbench.store",
    "events": "workbench.store",
    "users": "workbench.accounts",
    "respondents": "workbench.respondents",
    "attributes": "workbench.respondents",
    "attribute_values": "workbench.respondents",
    "documents": "workbench.ingest.importer",
    "speakers": "workbench.ingest.importer",
    "turns": "workbench.ingest.importer",
    "segments": "workbench.ingest.importer",
    "codebooks": "workbench.codebook.editing",
    "codes": "workbench.codebook.editing",
    "codebook_changes": "workbench.codebook.editing",
    "codings": "workbench.codings",
    "memos": "workbench.memos",
    "done_marks": "workbench.done_marks",
    "samples": "workbench.consistency",
    "sample_units": "workbench.consistency",
    "sample_coders": "workbench.consistency",
    "resolutions": "workbench.resolutions",
    "pseudonyms": "workbench.privacy.pseudonyms",
    "pseudonym_spans": "workbench.privacy.pseudonyms",
    "workshop_assignments": "workbench.privacy.workshop",
    "workshop_answers": "workbench.workshop_cards",
    "exchange_guids": "workbench.exchange.identity",
    "life_events": "workbench.life_events.events",
    "life_event_codings": "workbench.life_events.events",
    "life_event_links": "workbench.life_events.events",
    # Kept in step by triggers declared in the migrations; no module writes them.
    "segments_fts": "workbench.migrations",
    "segment_scope": "workbench.migrations",
}

# (module, table) -> why that module writes a table it does not own; "*" is any table.
_PROPOSALS = (
    "the life-event proposer inserts its suggestions itself; to move behind "
    "life_events.events once the life-events undo work there has landed"
)
TABLE_WRITE_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("workbench.store", "users"): "opening a project adds the default accounts in the "
    "migration's transaction, and the store sits below accounts",
    ("workbench.history", "*"): "undo writes back the row an event logged, in that row's table",
    ("workbench.life_events.proposals", "life_events"): _PROPOSALS,
    ("workbench.life_events.proposals", "life_event_codings"): _PROPOSALS,
    ("workbench.life_events.proposals", "life_event_links"): _PROPOSALS,
}


def execute_script(db: Database, script: str) -> None:
    """Run several SQL statements inside the caller's transaction.

    ``sqlite3.Connection.executescript`` would COMMIT first and so break the migration's
    transaction; this splits the script into complete statements and runs them one by one.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"Incomplete SQL statement at end of script: {statement[:80]!r}")


@migrations()
def m001_foundation(db: Database) -> None:
    """Documents, turns, segments, respondents, codebooks, codings, memos and the event log."""
    execute_script(
        db,
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL                -- JSON
        );
        CREATE TABLE users (
            name TEXT PRIMARY KEY,             -- the coder name shown everywhere
            role TEXT NOT NULL DEFAULT 'onderzoeker'
                CHECK (role IN ('onderzoeker', 'co-onderzoeker', 'supervisor', 'system')),
            password_hash TEXT,                -- NULL: local account without password
            created_at TEXT NOT NULL
        );
        CREATE TABLE respondents (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,         -- the case id the researcher uses, e.g. R01
            pseudonym TEXT,                    -- name safe to show in workshops
            notes TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE attributes (
            name TEXT PRIMARY KEY,
            type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean')),
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE attribute_values (
            respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            attribute TEXT NOT NULL REFERENCES attributes(name)
                ON DELETE CASCADE ON UPDATE CASCADE,
            value TEXT,                        -- canonical: number as text, date ISO, 'true'/'false'
            PRIMARY KEY (respondent_id, attribute)
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            respondent_id INTEGER REFERENCES respondents(id) ON DELETE SET NULL,
            source_name TEXT NOT NULL,         -- original file name
            source_format TEXT NOT NULL,       -- txt, md, docx, odt, vtt, srt, qdpx
            source_sha256 TEXT NOT NULL UNIQUE,
            encoding TEXT,                     -- detected encoding, for text files
            text TEXT NOT NULL,                -- normalised: UTF-8, LF line ends, NFC
            n_words INTEGER NOT NULL DEFAULT 0,
            guid TEXT UNIQUE,                  -- REFI-QDA identity for round trips
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL
        );
        CREATE INDEX documents_respondent ON documents(respondent_id);
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL,               -- as written in the transcript: I, R, Anna
            role TEXT NOT NULL DEFAULT 'other'
                CHECK (role IN ('interviewer', 'respondent', 'other')),
            UNIQUE (document_id, label)
        );
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
            position INTEGER NOT NULL,         -- 0, 1, 2 ... in reading order
            start_char INTEGER NOT NULL,       -- the spoken text, without label or timestamp
            end_char INTEGER NOT NULL,
            time_start REAL,                   -- seconds, from vtt/srt cues or [hh:mm:ss]
            time_end REAL,
            UNIQUE (document_id, position),
            CHECK (0 <= start_char AND start_char <= end_char)
        );
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,         -- order in the document
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,                -- == documents.text[start_char:end_char]
            lemmas TEXT NOT NULL DEFAULT '',   -- lower-case lemmas, space separated
            UNIQUE (document_id, position),
            CHECK (0 <= start_char AND start_char < end_char)
        );
        CREATE INDEX segments_turn ON segments(turn_id);
        CREATE TABLE codebooks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            version TEXT NOT NULL DEFAULT '1',
            description TEXT,
            source TEXT,                       -- file it was loaded from
            created_at TEXT NOT NULL
        );
        CREATE TABLE codes (
            id INTEGER PRIMARY KEY,
            codebook_id INTEGER NOT NULL REFERENCES codebooks(id) ON DELETE CASCADE,
            slug TEXT NOT NULL UNIQUE,         -- the codebook's stable id, e.g. verlies
            name TEXT NOT NULL,                -- Dutch
            name_en TEXT,
            parent_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,
            brief TEXT,
            definition TEXT,
            use_when TEXT,
            dont_use_when TEXT,
            examples TEXT NOT NULL DEFAULT '[]',         -- JSON list of strings
            counterexamples TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
            indicators TEXT NOT NULL DEFAULT '[]',       -- JSON list of lemmas and phrases
            source TEXT,                       -- JSON {"file": ..., "quote": ...}
            color TEXT,
            sensitive INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1, -- 0 once merged away; kept for history
            guid TEXT UNIQUE
        );
        CREATE INDEX codes_parent ON codes(parent_id);
        CREATE TABLE codebook_changes (
            id INTEGER PRIMARY KEY,
            codebook_id INTEGER NOT NULL REFERENCES codebooks(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            author TEXT NOT NULL,
            action TEXT NOT NULL,              -- add, rename, move, merge, split, edit, note
            code_slug TEXT,
            rationale TEXT NOT NULL,
            details TEXT                       -- JSON
        );
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,  -- NULL: free span
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,                -- snippet == documents.text[start_char:end_char]
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            coder TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE,
            origin TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
            evidence TEXT,                     -- JSON list of strings
            life_year INTEGER,                 -- when in the life story, if the coder marks it
            life_age INTEGER,
            guid TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (0 <= start_char AND start_char < end_char),
            UNIQUE (document_id, code_id, coder, start_char, end_char)
        );
        CREATE INDEX codings_code ON codings(code_id, status);
        CREATE INDEX codings_segment ON codings(segment_id);
        CREATE INDEX codings_coder ON codings(coder, status);
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            target_type TEXT NOT NULL CHECK (target_type IN
                ('project', 'document', 'segment', 'code', 'coding', 'respondent')),
            target_id INTEGER,
            author TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE,
            title TEXT,
            text TEXT NOT NULL,
            guid TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX memos_target ON memos(target_type, target_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,              -- e.g. coding.add, suggestion.accept, import.document
            entity TEXT NOT NULL,              -- table name
            entity_id TEXT,
            before TEXT,                       -- JSON row before, NULL for creation
            after TEXT                         -- JSON row after, NULL for deletion
        );
        CREATE INDEX events_entity ON events(entity, entity_id);
        CREATE INDEX events_actor ON events(actor, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """,
    )


@migrations()
def m002_search_index(db: Database) -> None:
    """Full-text index over segments (words and lemmas), kept in sync by triggers.

    An external-content FTS5 table stores only the index, not a second copy of the text.
    ``remove_diacritics 2`` lets "een" find "één" and "ideeen" find "ideeën".
    """
    execute_script(
        db,
        """
        CREATE VIRTUAL TABLE segments_fts USING fts5(
            text, lemmas, content='segments', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER segments_fts_insert AFTER INSERT ON segments BEGIN
            INSERT INTO segments_fts (rowid, text, lemmas) VALUES (new.id, new.text, new.lemmas);
        END;
        CREATE TRIGGER segments_fts_delete AFTER DELETE ON segments BEGIN
            INSERT INTO segments_fts (segments_fts, rowid, text, lemmas)
            VALUES ('delete', old.id, old.text, old.lemmas);
        END;
        CREATE TRIGGER segments_fts_update AFTER UPDATE ON segments BEGIN
            INSERT INTO segments_fts (segments_fts, rowid, text, lemmas)
            VALUES ('delete', old.id, old.text, old.lemmas);
            INSERT INTO segments_fts (rowid, text, lemmas) VALUES (new.id, new.text, new.lemmas);
        END;
        CREATE VIRTUAL TABLE segments_fts_vocab USING fts5vocab(segments_fts, 'col');
        """,
    )


@migrations()
def m003_privacy_pseudonyms_workshop(db: Database) -> None:
    """Pseudonyms, where they replace text, and which fragments a co-researcher may see.

    No original name is stored here: ``pseudonyms`` holds only the replacement ("[Naam 1]"),
    ``pseudonym_spans`` only offsets. The originals live in the key file next to the project
    (``<project>.key.json``, see workbench/privacy). ``workshop_assignments`` lists the
    segments a co-onderzoeker may see (pseudonymised) and the group coder name their
    choices are recorded under.
    """
    execute_script(
        db,
        """
        CREATE TABLE pseudonyms (
            id INTEGER PRIMARY KEY,
            replacement TEXT NOT NULL UNIQUE,  -- what readers see: [Naam 1], [Plaats 2], Piet
            kind TEXT NOT NULL DEFAULT 'person'
                CHECK (kind IN ('person', 'place', 'organisation', 'other')),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        );
        CREATE TABLE pseudonym_spans (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            pseudonym_id INTEGER NOT NULL REFERENCES pseudonyms(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            UNIQUE (document_id, start_char),
            CHECK (0 <= start_char AND start_char < end_char)
        );
        CREATE INDEX pseudonym_spans_pseudonym ON pseudonym_spans(pseudonym_id);
        CREATE TABLE workshop_assignments (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE ON DELETE CASCADE,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            group_coder TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            assigned_at TEXT NOT NULL,
            assigned_by TEXT NOT NULL,
            UNIQUE (user, segment_id)
        );
        CREATE INDEX workshop_assignments_segment ON workshop_assignments(segment_id);
        """,
    )


@migrations()
def m004_codebook_changelog(db: Database) -> None:
    """Keep a codebook's own change log and language, so a YAML export round-trips."""
    db["codebooks"].add_column("changelog", str, not_null_default="[]")
    db["codebooks"].add_column("language", str, not_null_default="nl")


@migrations()
def m005_agreement_double_coding(db: Database) -> None:
    """Double-coding samples, their coders, and resolutions of disagreements (issue 7)."""
    execute_script(
        db,
        """
        CREATE TABLE samples (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            unit TEXT NOT NULL CHECK (unit IN ('document', 'segment')),
            share REAL,                        -- share of segments drawn, when unit = segment
            seed INTEGER,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            closed_at TEXT
        );
        CREATE TABLE sample_units (
            id INTEGER PRIMARY KEY,
            sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            segment_id INTEGER REFERENCES segments(id) ON DELETE CASCADE  -- NULL: whole document
        );
        CREATE INDEX sample_units_sample ON sample_units(sample_id, document_id);
        CREATE TABLE sample_coders (
            sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
            coder TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE,
            PRIMARY KEY (sample_id, coder)
        );
        CREATE TABLE resolutions (
            id INTEGER PRIMARY KEY,
            unit TEXT NOT NULL CHECK (unit IN ('segment', 'turn', 'document')),
            unit_id INTEGER NOT NULL,          -- segments.id, turns.id or documents.id
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            decision TEXT NOT NULL CHECK (decision IN ('present', 'absent')),
            coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,  -- the consensus coding
            note TEXT,
            resolved_by TEXT NOT NULL,
            resolved_at TEXT NOT NULL,
            UNIQUE (unit, unit_id, code_id)
        );
        """,
    )


@migrations()
def m006_exchange_guids(db: Database) -> None:
    """REFI-QDA guids of coders, respondents (cases) and attributes (variables).

    A project imported from another tool keeps the guids that tool gave them, so exporting it
    again lets that tool recognise the same coder, case and variable. Rows without an entry
    get a guid derived from their name (stable across exports).
    """
    execute_script(
        db,
        """
        CREATE TABLE exchange_guids (
            guid TEXT PRIMARY KEY,             -- lower case, no braces
            user TEXT UNIQUE REFERENCES users(name) ON UPDATE CASCADE ON DELETE CASCADE,
            respondent_id INTEGER UNIQUE REFERENCES respondents(id) ON DELETE CASCADE,
            attribute TEXT UNIQUE REFERENCES attributes(name) ON UPDATE CASCADE ON DELETE CASCADE,
            CHECK ((user IS NOT NULL) + (respondent_id IS NOT NULL) + (attribute IS NOT NULL) = 1)
        );
        """,
    )


@migrations()
def m007_patterns_segment_spans(db: Database) -> None:
    """Find the segments a free-span coding touches with one index seek, not a scan.

    The pattern overviews place every coding on its first and last segment; without these
    the lookup reads all segments of the document (20 s instead of 0.5 s for 100k codings).
    """
    execute_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS segments_document_end ON segments(document_id, end_char);
        CREATE INDEX IF NOT EXISTS segments_document_start ON segments(document_id, start_char);
        """,
    )


@migrations()
def m008_ingest_turn_speaker_index(db: Database) -> None:
    """Turns by speaker: listing speakers and their roles per document without a table scan."""
    execute_script(db, "CREATE INDEX IF NOT EXISTS turns_speaker ON turns(speaker_id);")


@migrations()
def m009_search_segment_scope(db: Database) -> None:
    """Where each segment sits (document, turn), in a narrow table for filtered search.

    A filtered search checks every full-text hit against the filter; looking that up in the
    wide ``segments`` rows (text and lemmas) cost ~480 ms for 60,000 hits on 1,000 interviews,
    in this narrow table ~85 ms. Segments never move between turns, so insert and delete
    triggers keep it in step.
    """
    execute_script(
        db,
        """
        CREATE TABLE segment_scope (
            id INTEGER PRIMARY KEY,            -- = segments.id
            document_id INTEGER NOT NULL,
            turn_id INTEGER NOT NULL
        );
        INSERT INTO segment_scope (id, document_id, turn_id)
            SELECT id, document_id, turn_id FROM segments;
        CREATE TRIGGER segment_scope_insert AFTER INSERT ON segments BEGIN
            INSERT INTO segment_scope (id, document_id, turn_id)
            VALUES (new.id, new.document_id, new.turn_id);
        END;
        CREATE TRIGGER segment_scope_delete AFTER DELETE ON segments BEGIN
            DELETE FROM segment_scope WHERE id = old.id;
        END;
        """,
    )


@migrations()
def m010_exchange_ranges_and_dates(db: Database) -> None:
    """What other tools' projects carry and a round trip must keep.

    ``memos.start_char/end_char``: a memo about a range of a document's text that is neither a
    sentence nor a coding (a QualCoder annotation, a note linked to a selection).
    ``documents.created_at``: when the source was made in the tool it came from (REFI-QDA
    ``creationDateTime``); NULL for files imported here, whose time is ``imported_at``.
    """
    execute_script(
        db,
        """
        ALTER TABLE memos ADD COLUMN start_char INTEGER;
        ALTER TABLE memos ADD COLUMN end_char INTEGER;
        ALTER TABLE documents ADD COLUMN created_at TEXT;
        """,
    )


@migrations()
def m011_agreement_done_marks(db: Database) -> None:
    """Per document and coder: the coder has read the whole document ("klaar").

    Agreement compares a coder's silence as "code absent" only on documents the coder has
    seen (issue 13); a done mark says so, also when the coder applied no code at all.
    Written only by ``workbench.done_marks``.
    """
    execute_script(
        db,
        """
        CREATE TABLE done_marks (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            coder TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE ON DELETE CASCADE,
            marked_by TEXT NOT NULL,
            marked_at TEXT NOT NULL,
            UNIQUE (coder, document_id)
        );
        CREATE INDEX done_marks_document ON done_marks(document_id);
        """,
    )


@migrations()
def m012_life_events(db: Database) -> None:
    """Life events (a loss or a reaction in one life), the codings that mention them, and
    "this led to that" links between them (issue 12).

    A re-mention is a second row in ``life_event_codings``, never a second event. Events,
    mentions and links made by the workbench start ``suggested`` with their evidence and are
    confirmed or rejected like code suggestions; a rejected row is kept so the same proposal
    is not made again. Only :mod:`workbench.life_events` writes these tables.
    """
    execute_script(
        db,
        """
        CREATE TABLE life_events (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                -- code slug: verlies-woning, isolement, ...
            role TEXT NOT NULL CHECK (role IN ('loss', 'reaction')),
            label TEXT,                        -- who or what: "Wim, haar man", "het huis"
            life_year INTEGER CHECK (life_year IS NULL OR life_year BETWEEN 1900 AND 2100),
            life_age INTEGER CHECK (life_age IS NULL OR life_age BETWEEN 0 AND 120),
            relation TEXT CHECK (relation IS NULL OR relation IN ('before', 'after')),
            relative_to INTEGER REFERENCES life_events(id) ON DELETE SET NULL,
            certainty TEXT NOT NULL DEFAULT 'sure'
                CHECK (certainty IN ('sure', 'about', 'unsure')),
            origin TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            evidence TEXT,                     -- JSON list of strings
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (relative_to IS NULL OR relative_to != id)
        );
        CREATE INDEX life_events_document ON life_events(document_id);
        CREATE TABLE life_event_codings (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES life_events(id) ON DELETE CASCADE,
            coding_id INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
            origin TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            evidence TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (event_id, coding_id)
        );
        CREATE INDEX life_event_codings_coding ON life_event_codings(coding_id);
        CREATE TABLE life_event_links (
            id INTEGER PRIMARY KEY,
            cause_id INTEGER NOT NULL REFERENCES life_events(id) ON DELETE CASCADE,
            effect_id INTEGER NOT NULL REFERENCES life_events(id) ON DELETE CASCADE,
            origin TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
            evidence TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (cause_id != effect_id),
            UNIQUE (cause_id, effect_id)
        );
        CREATE INDEX life_event_links_effect ON life_event_links(effect_id);
        """,
    )


@migrations()
def m013_workshop_answers(db: Database) -> None:
    """A workshop group's card per fragment in its own table, not in a project setting.

    One row per group and fragment: a content card's id (its code is also stored as the
    group's coding, which agreement uses) or one of the two fixed cards, "geen-van-deze" and
    "weet-ik-niet". The fixed answers kept so far in the setting ``workshop_answers``
    (``{group: {segment id: answer}}``) move here in this same transaction; answers for a
    fragment or group that no longer exists are dropped with the setting. Only
    :mod:`workbench.workshop_cards` writes this table.
    """
    execute_script(
        db,
        """
        CREATE TABLE workshop_answers (
            id INTEGER PRIMARY KEY,
            group_coder TEXT NOT NULL REFERENCES users(name) ON UPDATE CASCADE ON DELETE CASCADE,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            card TEXT NOT NULL,                -- a card id, 'geen-van-deze' or 'weet-ik-niet'
            answered_by TEXT NOT NULL,         -- the co-onderzoeker who picked it
            answered_at TEXT NOT NULL,
            UNIQUE (group_coder, segment_id)
        );
        CREATE INDEX workshop_answers_segment ON workshop_answers(segment_id);
        """,
    )
    found = db.execute("SELECT value FROM settings WHERE key = 'workshop_answers'").fetchone()
    if found is None:
        return
    last = db.execute(
        "SELECT max(at) FROM events WHERE action = 'setting.set' AND entity = 'settings' "
        "AND entity_id = 'workshop_answers'"
    ).fetchone()[0]
    answered_at = last or dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    stored = json.loads(found[0]) or {}
    for group, answers in stored.items() if isinstance(stored, dict) else ():
        for segment, card in answers.items() if isinstance(answers, dict) else ():
            if card not in ("geen-van-deze", "weet-ik-niet") or not str(segment).isdigit():
                continue
            db.execute(
                "INSERT OR IGNORE INTO workshop_answers "
                "(group_coder, segment_id, card, answered_by, answered_at) "
                "SELECT u.name, s.id, ?, coalesce((SELECT a.user FROM workshop_assignments a "
                "  WHERE a.group_coder = u.name AND a.segment_id = s.id "
                "  ORDER BY a.position, a.id LIMIT 1), u.name), ? "
                "FROM users u JOIN segments s ON s.id = ? WHERE u.name = ?",
                [card, answered_at, int(segment), group],
            )
    db.execute("DELETE FROM settings WHERE key = 'workshop_answers'")


@migrations()
def m014_exchange_note_fields(db: Database) -> None:
    """What a REFI-QDA round trip lost of notes and selections.

    ``memos.description``: a note's ``Description``, kept apart from its text so an export
    writes it back as ``Description``. ``memos.selection_guid`` and ``codings.selection_guid``:
    the guid of the ``PlainTextSelection`` a memo about a stretch of text or a coding came
    in, so the tool that made the file recognises its own selections when the project goes
    back. NULL for memos and codings made here (an export derives a guid for them).
    """
    execute_script(
        db,
        """
        ALTER TABLE memos ADD COLUMN description TEXT;
        ALTER TABLE memos ADD COLUMN selection_guid TEXT;
        ALTER TABLE codings ADD COLUMN selection_guid TEXT;
        """,
    )


@migrations()
def m015_sample_speakers(db: Database) -> None:
    """What a share sample was drawn from (``workbench.consistency.create_sample``):
    ``speakers`` (``respondent``: what analysis sees, or ``all``) and ``n_population`` (how
    many segments). NULL for samples of whole documents, and for shares drawn before these
    columns, which came from every speaker."""
    execute_script(
        db,
        """
        ALTER TABLE samples ADD COLUMN speakers TEXT CHECK (speakers IN ('respondent', 'all'));
        ALTER TABLE samples ADD COLUMN n_population INTEGER;
        """,
    )


@migrations()
def m016_mentions_stay_with_their_coding(db: Database) -> None:
    """A coding with mentions of life events is no longer deleted with them in silence.

    ``life_event_codings.coding_id`` was ``ON DELETE CASCADE``: deleting a coding dropped its
    mentions without a row in the event log, so an undo brought the coding back but not the
    mention, and a confirmed event (and its cascade) lost its text for good. Now the
    database refuses to delete a coding that a mention still points at; the writer
    (``workbench.codings``) removes or moves the mentions first and logs them. The table is
    rebuilt with the same rows, columns and index; ``event_id`` keeps its cascade (an event
    removed takes its mentions, logged by ``workbench.life_events``).
    """
    execute_script(
        db,
        """
        CREATE TABLE life_event_codings_new (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES life_events(id) ON DELETE CASCADE,
            coding_id INTEGER NOT NULL REFERENCES codings(id),
            origin TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            evidence TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (event_id, coding_id)
        );
        INSERT INTO life_event_codings_new
            (id, event_id, coding_id, origin, status, evidence, created_by, created_at,
             updated_at)
        SELECT id, event_id, coding_id, origin, status, evidence, created_by, created_at,
               updated_at
        FROM life_event_codings;
        DROP TABLE life_event_codings;
        ALTER TABLE life_event_codings_new RENAME TO life_event_codings;
        CREATE INDEX life_event_codings_coding ON life_event_codings(coding_id);
        """,
    )


# Who the repair of m017 logs its rows as: not a person, and no account can take the name
# (accounts allow letters, digits, space, ".", "@" and "-"), so nobody's undo ever takes it
# for their own last action (undo works per user, see workbench.history).
REPAIR_ACTOR = "workbench:m017"


@migrations()
def m017_merged_codes_hand_on_what_hangs_on_them(db: Database) -> None:
    """Repair merges made before a merge took along what hangs on the merged code.

    Before the merge fixes of December 2026, a code merge moved the codings and sub-codes
    of code A into B and left A inactive, but the team's consistency decisions on A
    (``resolutions``), the life events of kind A and the memos on A stayed on A: B's
    disagreements showed undecided again, cascades showed a code that no longer exists and
    the memos hung on a code nobody sees. Today's merge (``workbench.codebook.merge_codes``)
    moves them; this does for every earlier merge what it would have done, with the same
    rules (:mod:`workbench.merge_rules`): decisions move to the target, two on one unit
    become one ("present" over "absent", else the target's, the other's note kept); life
    events take the target's kind (and its role when that is a loss or a reaction); memos
    move.

    A merge is what ``codebook_changes`` records (``action = 'merge'``, ``details.into``,
    written in the same transaction that made the code inactive; undoing a merge makes the
    code active again). The merges still in force are replayed oldest first, each into its
    own target: A into B, later B into C, brings A's rows to C, as two merges made today
    would. A project already right (or new) has nothing on an inactive code: nothing
    changes and nothing is logged.

    Every changed row is logged whole, like the merge logs it, under one stamp and the actor
    :data:`REPAIR_ACTOR`: the history shows what moved and why, and as no user's action it
    is never taken back by anyone's undo. An earlier action of a user on a row that moved
    (a memo written on A) is refused by undo as changed since, as after anyone's change.

    It reads and writes these tables itself, as a migration must (it runs below every
    domain module); should a later migration change them, this one must keep working on
    the schema as it stands here.
    """
    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    merges = db.execute(
        "SELECT s.id, s.slug, t.id, t.slug FROM codebook_changes m "
        "JOIN codes s ON s.slug = m.code_slug AND s.active = 0 "
        "JOIN codes t ON t.id != s.id AND t.slug = "
        "json_extract(CASE WHEN json_valid(m.details) THEN m.details END, '$.into') "
        "WHERE m.action = 'merge' AND m.id = (SELECT max(l.id) "
        "FROM codebook_changes l WHERE l.action = 'merge' AND l.code_slug = m.code_slug) "
        "ORDER BY m.id"
    ).fetchall()
    for source_id, source, target_id, target in merges:
        _repair_memos(db, stamp, source_id, target_id)
        _repair_life_events(db, stamp, source, target)
        _repair_decisions(db, stamp, (source_id, source), (target_id, target))


def _repair_memos(db: Database, stamp: str, source_id: int, target_id: int) -> None:
    """Memos on the merged code move to its target (``workbench.memos.memos_follow``)."""
    for before in _rows(
        db, "SELECT * FROM memos WHERE target_type = 'code' AND target_id = ?", [source_id]
    ):
        _repair_update(
            db, stamp, "memos", before, {"target_id": target_id}, events.MEMO_MOVE_WITH_CODE
        )


def _repair_life_events(db: Database, stamp: str, source: str, target: str) -> None:
    """Events of the merged kind take the target's
    (``workbench.life_events.events.events_follow_merge``)."""
    changes = event_after_merge(read_kinds(db), target)
    for before in _rows(db, "SELECT * FROM life_events WHERE kind = ?", [source]):
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
        _repair_update(
            db, stamp, "life_events", before, {**changes, "updated_at": now}, events.LIFE_EVENT_EDIT
        )


def _repair_decisions(
    db: Database, stamp: str, source: tuple[int, str], target: tuple[int, str]
) -> None:
    """Decisions on the merged code move to its target; two on one unit become one
    (``workbench.resolutions.resolutions_follow_merge``)."""
    for moving in _rows(db, "SELECT * FROM resolutions WHERE code_id = ?", [source[0]]):
        there = _rows(
            db,
            "SELECT * FROM resolutions WHERE unit = ? AND unit_id = ? AND code_id = ?",
            [moving["unit"], moving["unit_id"], target[0]],
        )
        changes: dict[str, Any] = {"code_id": target[0]}
        stays = moving
        if there:
            stays, gone, changes = decisions_meet(
                moving, there[0], source=source[1], target=target[1]
            )
            db.execute("DELETE FROM resolutions WHERE id = ?", [gone["id"]])
            _repair_log(db, stamp, events.CONSISTENCY_REMOVE_WITH_CODE(gone["id"], gone, None))
        if changes:
            _repair_update(
                db, stamp, "resolutions", stays, changes, events.CONSISTENCY_MOVE_WITH_CODE
            )


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Rows as dicts, read at once and oldest first (``ORDER BY id`` is added here)."""
    cur = db.execute(f"{sql} ORDER BY id", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _repair_update(
    db: Database,
    stamp: str,
    table: str,
    before: dict[str, Any],
    changes: dict[str, Any],
    kind: events.EventKind,
) -> None:
    names = list(changes)
    db.execute(
        f"UPDATE [{table}] SET {', '.join(f'[{n}] = ?' for n in names)} WHERE id = ?",
        [*(changes[n] for n in names), before["id"]],
    )
    after = _rows(db, f"SELECT * FROM [{table}] WHERE id = ?", [before["id"]])[0]
    _repair_log(db, stamp, kind(before["id"], before, after))


def _repair_log(db: Database, stamp: str, event: events.Event) -> None:
    """The row as ``store.record_event`` writes it (the store sits above the migrations)."""
    db.execute(
        "INSERT INTO events (at, actor, action, entity, entity_id, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            stamp,
            REPAIR_ACTOR,
            event.kind.action,
            event.kind.entity,
            str(event.entity_id),
            *(
                None if side is None else json.dumps(side, ensure_ascii=False, default=str)
                for side in (event.before, event.after)
            ),
        ],
    )


@migrations()
def m018_events_entity_number(db: Database) -> None:
    """The highest id a table ever gave out, found in the log at once.

    A new coding takes an id after every id the log names (``store.unused_id``): SQLite
    would reuse the id of a coding removed last, and a memo on that coding would then sit on
    the new one. ``events.entity_id`` is text, so the highest number needs this index on its
    value as a number (without it: a scan of every logged coding, per coding added).
    """
    execute_script(
        db,
        "CREATE INDEX IF NOT EXISTS events_entity_number "
        "ON events(entity, CAST(entity_id AS INTEGER));",
    )


@migrations()
def m019_ingest_turn_header(db: Database) -> None:
    """Which turns are a transcript's header (title, details block), not speech.

    In a labelled transcript the lines above the first label are the header, found from the
    turns' order; a transcript without labels has no such mark, so its title and details
    paragraphs were offered to residents in the workshop as spoken text. Import now marks
    the header turns; turns imported before keep 0 (the order still marks a labelled
    transcript's header).
    """
    execute_script(
        db,
        "ALTER TABLE turns ADD COLUMN header INTEGER NOT NULL DEFAULT 0 CHECK (header IN (0, 1));",
    )
