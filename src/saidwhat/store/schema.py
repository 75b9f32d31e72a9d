"""The store's schema, as numbered migrations.

The schema version lives in SQLite's ``PRAGMA user_version``. Opening a store applies
every migration above its version, each in one transaction, so a store written by an
older saidwhat is upgraded in place and a failed upgrade leaves it as it was. Add a
change by appending a new ``(version, sql)`` pair; never edit a released one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
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
    (3, """
-- Speaker keys by saidwhat.names.name_key, the one name folding of extraction, scoring and
-- networks: titles dropped ("Councillor Ann Roe" -> "ann roe"), hyphens kept, possessives
-- and Jr/III dropped. The functions are registered by Store before migrating.
UPDATE quotes SET speaker_norm = saidwhat_name_key(speaker_name, speaker_type),
                  speaker_last = saidwhat_name_last(speaker_name, speaker_type);
"""),
]

LATEST_VERSION = MIGRATIONS[-1][0]
