"""The store's schema, as numbered migrations.

The schema version lives in SQLite's ``PRAGMA user_version``. Opening a store applies
every migration above its version, each in one transaction, so a store written by an
older saidwhat is upgraded in place and a failed upgrade leaves it as it was. Add a
change by appending a new ``(version, sql)`` pair (or ``(version, function)`` for a step
that needs Python; it runs in the same kind of transaction); never edit a released one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

_V3_COLUMNS = """
-- The result of extraction as the contract has it: {"quotes": [...], "entities": [...]},
-- written by Document.to_dict and read by Document.from_dict. The quotes and entities
-- tables are derived from it, for queries.
ALTER TABLE documents ADD COLUMN result TEXT;
-- Whether the document's records carry its text (HTML, WARC, repaired text).
ALTER TABLE documents ADD COLUMN include_text INTEGER NOT NULL DEFAULT 0;
-- JSON list: the reader's notes (invalid UTF-8 replaced, control characters, ...).
ALTER TABLE documents ADD COLUMN warnings TEXT;
"""
_META_COLUMNS = ("title", "date", "outlet", "url", "author")


def _span(start: Any, end: Any, text: Any) -> dict[str, Any] | None:
    return None if start is None else {"start": start, "end": end, "text": text}


def _v3_one_contract(conn: sqlite3.Connection) -> None:
    """Version 3: ``documents.meta`` holds the whole metadata (the title ... author columns
    are copies), the reader's notes move from ``meta["encoding"]`` to ``warnings``, and
    every result is kept whole in ``documents.result``, rebuilt here from the quotes and
    entities tables."""
    for statement in filter(str.strip, _V3_COLUMNS.split(";")):
        conn.execute(statement)
    rows = conn.execute("SELECT pk, format, meta, title, date, outlet, url, author, status "
                        "FROM documents").fetchall()
    for pk, fmt, meta_json, *cols, status in rows:
        meta = json.loads(meta_json) if meta_json else {}
        notes = meta.pop("encoding", None)
        for key, value in zip(_META_COLUMNS, cols, strict=True):
            if value is not None:
                meta.setdefault(key, value)
        result = json.dumps(_legacy_result(conn, pk), ensure_ascii=False) \
            if status == "done" else None
        conn.execute("UPDATE documents SET meta=?, warnings=?, include_text=?, result=? "
                     "WHERE pk=?",
                     (json.dumps(meta, ensure_ascii=False) if meta else None,
                      json.dumps([notes], ensure_ascii=False) if notes else None,
                      int(fmt in ("html", "warc") or bool(notes)), result, pk))


def _legacy_result(conn: sqlite3.Connection, pk: int) -> dict[str, Any]:
    quotes = [{"id": r[0], "kind": r[1], "content": _span(*r[2:5]), "cue": _span(*r[5:8]),
               "source": _span(*r[8:11]),
               "speaker": {"name": r[14], "type": r[15], "role": r[16], "affiliation": r[17]},
               "channel": _span(*r[11:14])}
              for r in conn.execute(
                  "SELECT quote_id, kind, content_start, content_end, content_text, cue_start,"
                  " cue_end, cue_text, source_start, source_end, source_text, channel_start,"
                  " channel_end, channel_text, speaker_name, speaker_type, speaker_role,"
                  " speaker_affiliation FROM quotes WHERE doc_pk=? ORDER BY seq", (pk,))]
    entities = [{"id": r[0], "name": r[1], "type": r[2], "roles": json.loads(r[3]),
                 "mentions": json.loads(r[4])}
                for r in conn.execute("SELECT entity_id, name, type, roles, mentions FROM "
                                      "entities WHERE doc_pk=? ORDER BY seq", (pk,))]
    return {"quotes": quotes, "entities": entities}


_V5_TABLES = """
-- One actor per real person or body across the corpus (saidwhat.store.actors decides).
CREATE TABLE IF NOT EXISTS actors (
    actor_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,                  -- the canonical name: what networks and listings show
    type TEXT NOT NULL,                  -- person | organization | group | anonymous
    organisation TEXT,
    attributes TEXT,                     -- JSON object (party, ... from `actors --import`)
    last_key TEXT,                       -- last word of the name's key: candidates to match
    manual INTEGER NOT NULL DEFAULT 0    -- renamed, split or imported: never renamed by itself
);
CREATE INDEX IF NOT EXISTS actors_last_key ON actors(type, last_key);
-- Every folded name (saidwhat.names.name_key, with org: and anon: key spaces) of an actor.
CREATE TABLE IF NOT EXISTS actor_aliases (
    alias_key TEXT PRIMARY KEY,
    alias TEXT NOT NULL,                 -- the name as first written
    actor_id INTEGER NOT NULL REFERENCES actors(actor_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS actor_aliases_actor ON actor_aliases(actor_id);
CREATE INDEX IF NOT EXISTS quotes_actor_key ON quotes(actor_key);
"""


def _v5_actors(conn: sqlite3.Connection) -> None:
    """Version 5: the actor table, filled from every stored quote. ``quotes.actor_key``:
    the alias a quote's speaker was stored under (NULL: no actor, "52 percent of voters")."""
    from .db import link_all_quotes

    if "actor_key" not in {r[1] for r in conn.execute("PRAGMA table_info(quotes)")}:
        conn.execute("ALTER TABLE quotes ADD COLUMN actor_key TEXT")
    for statement in filter(str.strip, _V5_TABLES.split(";")):
        conn.execute(statement)
    link_all_quotes(conn)


_V6_CORRECTIONS = """
-- The corrections layer (saidwhat.store.corrections; `saidwhat serve`): a researcher's
-- accepts, rejects, speakers, spans, added attributions, concept codes and reviewed marks,
-- beside the machine output, never over it. Undo sets undone_at; nothing is deleted. No
-- foreign key: a correction outlives its document's rows (re-extraction, re-ingest) and is
-- re-attached by its anchor, or listed as orphaned.
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    coder TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('accept', 'reject', 'speaker', 'span', 'add', 'code',
                                       'reviewed')),
    doc_id TEXT NOT NULL,
    quote_id TEXT,                       -- the attribution when made (q3; c17: added by #17)
    anchor_start INTEGER,                -- the attribution's content when made: offsets,
    anchor_end INTEGER,
    anchor_text TEXT,                    -- its text,
    anchor_before TEXT,                  -- and up to 40 characters either side
    anchor_after TEXT,
    value TEXT NOT NULL,                 -- JSON, by kind (docs/review.md)
    undone_at TEXT,
    undone_by TEXT
);
CREATE INDEX IF NOT EXISTS corrections_doc ON corrections(doc_id, kind, id);
CREATE INDEX IF NOT EXISTS corrections_coder ON corrections(coder, id);
-- Full-text search of titles and texts for the corpus page (an external-content FTS5
-- index: the text itself stays in documents), kept up to date by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(title, text, content='documents',
                                              content_rowid='pk');
CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.pk, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.pk, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
END;
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
"""

MIGRATIONS: list[tuple[int, str | Callable[[sqlite3.Connection], None]]] = [
    (1, """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,               -- ingest | run
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',  -- running | finished | interrupted (killed)
    params TEXT,                         -- JSON
    summary TEXT,                        -- JSON
    saidwhat_version TEXT
);

CREATE TABLE documents (
    pk INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,   -- sha256 of the UTF-8 text: duplicates are not stored twice
    title TEXT,
    date TEXT,                           -- ISO 8601 (YYYY-MM-DD...) where it could be parsed, else as given
    outlet TEXT,
    url TEXT,
    author TEXT,
    language TEXT,                       -- en | und (too short to tell); non-English is skipped at ingest
    language_score REAL,
    format TEXT NOT NULL,                -- txt | html | jsonl | csv | warc
    source TEXT NOT NULL,                -- the file it was read from
    record TEXT,                         -- where in that file: line, row or WARC record number
    meta TEXT,                           -- JSON: other input fields, the encoding used
    text TEXT NOT NULL,
    n_chars INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'failed')),
    reason TEXT,                         -- why it failed
    ingest_run INTEGER REFERENCES runs(id),
    process_run INTEGER REFERENCES runs(id),
    processed_at TEXT
);
CREATE INDEX documents_status ON documents(status, pk);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_outlet ON documents(outlet);

CREATE TABLE quotes (
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    seq INTEGER NOT NULL,                -- order within the document
    quote_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_start INTEGER NOT NULL, content_end INTEGER NOT NULL, content_text TEXT NOT NULL,
    cue_start INTEGER, cue_end INTEGER, cue_text TEXT,
    source_start INTEGER, source_end INTEGER, source_text TEXT,
    channel_start INTEGER, channel_end INTEGER, channel_text TEXT,
    speaker_name TEXT, speaker_type TEXT, speaker_role TEXT, speaker_affiliation TEXT,
    speaker_norm TEXT,                   -- lower-cased, accents and punctuation removed
    speaker_last TEXT,                   -- last word of speaker_norm: "--speaker Smith"
    PRIMARY KEY (doc_pk, seq)
) WITHOUT ROWID;
CREATE INDEX quotes_speaker_norm ON quotes(speaker_norm);
CREATE INDEX quotes_speaker_last ON quotes(speaker_last);

CREATE TABLE entities (
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    roles TEXT NOT NULL,                 -- JSON list
    mentions TEXT NOT NULL,              -- JSON list of spans
    PRIMARY KEY (doc_pk, seq)
) WITHOUT ROWID;

-- Everything that did not become a processed document, with the reason.
CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    stage TEXT NOT NULL,                 -- ingest | extract
    kind TEXT NOT NULL,                  -- error | skipped | duplicate
    source TEXT,                         -- file
    record TEXT,                         -- line, row or WARC record number in that file
    doc_id TEXT,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX errors_kind ON errors(kind, stage);
"""),
    (2, """
-- Which process works on a run: a row still 'running' whose process is gone was killed.
-- `saidwhat status` shows it as interrupted; the next ingest or run records it so.
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
"""),
    (3, _v3_one_contract),
    (4, """
-- Speaker keys by saidwhat.names.name_key, the one name folding of extraction, scoring and
-- networks: titles dropped ("Councillor Ann Roe" -> "ann roe"), hyphens kept, possessives
-- and Jr/III dropped. The functions are registered by Store before migrating.
UPDATE quotes SET speaker_norm = saidwhat_name_key(speaker_name, speaker_type),
                  speaker_last = saidwhat_name_last(speaker_name, speaker_type);
"""),
    (5, _v5_actors),
    (6, _V6_CORRECTIONS),
]

LATEST_VERSION = MIGRATIONS[-1][0]
