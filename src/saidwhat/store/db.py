"""The embedded project store: one SQLite file (see docs/store.md for why SQLite).

This module is the only place that writes SQL. Writers commit in explicit
transactions (``BEGIN IMMEDIATE`` ... ``COMMIT``), so a process killed at any moment,
``kill -9`` included, leaves each batch either fully stored or not at all; the WAL
journal makes that hold without blocking readers. Readers open the file read-only
(``Store(path, readonly=True)``): no migration, no journal switch, nothing written.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import socket
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..model import Document
from ..names import name_key
from ..readers import id_conflict_reason
from .schema import LATEST_VERSION, MIGRATIONS

if TYPE_CHECKING:  # pandas is imported where a DataFrame is made: `saidwhat quotes` starts fast
    import pandas as pd

DEFAULT_DB = "saidwhat.db"


class StoreError(RuntimeError):
    """A store that cannot be used as asked (missing, not a saidwhat store, too new)."""


class StoreDamagedError(StoreError):
    """The file is not an SQLite database, or its pages are damaged."""


# The tables every saidwhat store has (schema version 1 on): a file without them is not one.
_REQUIRED_TABLES = frozenset({"runs", "documents", "quotes", "entities", "errors"})
# SQLite's primary result codes (the low byte of an extended code) that mean a damaged file.
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_DAMAGE_HINT = "the store is damaged; `saidwhat status --check` lists the problems"


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` means the disk (or quota) is full, from SQLite or from the OS."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
            return True
        return "disk is full" in str(exc)  # errors raised without a code (e.g. in tests)
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying the file is not a database or is malformed."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    text = str(exc)
    return "malformed" in text or "not a database" in text


def damage_message(path: str | Path, exc: BaseException) -> str:
    """One line naming the file: what SQLite said, and what to do."""
    if "not a database" in str(exc):
        return f"{path}: not a saidwhat store ({exc})"
    return f"{path}: {exc} ({_DAMAGE_HINT})"


# Runs started by this process and not yet finished: a row owned by this pid but not in
# here was abandoned by an exception (a full disk, say), so it is not running any more.
_ACTIVE_RUNS: set[tuple[str, int]] = set()
_CLOCK_SLACK_S = 5  # start times are stored to the second; ticks-to-seconds rounding


def _started_after(pid: int, iso_time: str) -> bool:
    """Whether process ``pid`` started after ``iso_time`` (so it reuses the pid of the
    process that started the run). Linux ``/proc`` only; elsewhere: assume not."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            # field 22 (after the parenthesised command, which may hold spaces)
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
        started = boot + ticks / os.sysconf("SC_CLK_TCK")
        return started > datetime.fromisoformat(iso_time).timestamp() + _CLOCK_SLACK_S
    except (OSError, ValueError, IndexError, StopIteration):
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


# Column lists in the order of the rows built and read here: named, so that a migration that
# adds a column cannot shift them.
_QUOTE_COLUMNS = (
    "doc_pk", "seq", "quote_id", "kind", "content_start", "content_end", "content_text",
    "cue_start", "cue_end", "cue_text", "source_start", "source_end", "source_text",
    "channel_start", "channel_end", "channel_text", "speaker_name", "speaker_type",
    "speaker_role", "speaker_affiliation", "speaker_norm", "speaker_last")
_ENTITY_COLUMNS = ("doc_pk", "seq", "entity_id", "name", "type", "roles", "mentions")

ERROR_COLUMNS = ("stage", "kind", "source", "record", "doc_id", "reason", "run_id",
                 "created_at")
# The tables `saidwhat export` writes (Parquet / CSV), one query each.
EXPORT_TABLES = ("documents", "quotes", "entities")
_EXPORT_SQL = {
    "documents": "SELECT pk, doc_id, content_hash, title, date, outlet, url, author, language, "
                 "format, source, record, n_chars, status, reason, processed_at "
                 "FROM documents ORDER BY pk",
    "quotes": "SELECT d.doc_id, d.date, d.outlet, q.seq, q.quote_id, q.kind, "
              "q.content_start, q.content_end, q.content_text, q.cue_start, q.cue_end, "
              "q.cue_text, q.source_start, q.source_end, q.source_text, q.channel_start, "
              "q.channel_end, q.channel_text, q.speaker_name, q.speaker_type, q.speaker_role, "
              "q.speaker_affiliation FROM quotes q JOIN documents d ON d.pk = q.doc_pk "
              "ORDER BY q.doc_pk, q.seq",
    "entities": "SELECT d.doc_id, e.seq, e.entity_id, e.name, e.type, e.roles, e.mentions "
                "FROM entities e JOIN documents d ON d.pk = e.doc_pk ORDER BY e.doc_pk, e.seq",
}


def _export_sql(table: str) -> str:
    try:
        return _EXPORT_SQL[table]
    except KeyError:
        raise ValueError(f"unknown export table {table!r} ({', '.join(EXPORT_TABLES)})") from None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# The schema version from which speaker_norm holds saidwhat.names.name_key (migration 4).
NAME_KEY_VERSION = 4


def normalize_name(name: str | None, speaker_type: str | None = None) -> str | None:
    """The speaker key stored and searched: :func:`saidwhat.names.name_key` ("Dr. José
    Ortíz-Ruiz" -> "jose ortiz-ruiz"); an organisation keeps its first word ("General
    Motors" -> "general motors")."""
    return name_key(name, person=speaker_type != "organization")


def _last_word(key: str | None) -> str | None:
    return key.rsplit(" ", 1)[-1] if key else None


def _legacy_name_key(name: str | None) -> str | None:
    """The key stores before schema version 3 hold (read-only opens do not migrate them)."""
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", plain).strip() or None


def _register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the migrations call (migration 3 recomputes the speaker keys)."""
    conn.create_function("saidwhat_name_key", 2, normalize_name, deterministic=True)
    conn.create_function("saidwhat_name_last", 2,
                         lambda n, t: _last_word(normalize_name(n, t)), deterministic=True)


@dataclass(slots=True)
class DocumentRecord:
    """One input document, ready to store."""

    doc_id: str
    text: str
    format: str
    source: str
    record: str | None = None
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    language: str | None = None
    language_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # the document's metadata, whole
    warnings: tuple[str, ...] = ()  # the reader's notes (invalid UTF-8 replaced, ...)
    include_text: bool = False  # its results carry the text (HTML, WARC, repaired text)

    def stored_meta(self) -> dict[str, Any]:
        """The metadata kept: ``meta`` (ingest derives the columns from it); a record made
        with columns only has them as its metadata."""
        if self.meta:
            return self.meta
        return {k: v for k, v in (("title", self.title), ("date", self.date),
                                  ("outlet", self.outlet), ("url", self.url),
                                  ("author", self.author)) if v is not None}


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """What a worker sends back for one document: the contract dict, or why it failed."""

    pk: int
    result: dict[str, Any] | None
    error: str | None = None


def _result_json(result: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a result: the contract's quotes and entities, as
    ``Document.to_dict`` writes them (read through ``Document.from_dict``, so a malformed
    result fails here, before anything is stored). Document id, meta and text are the
    document row's own."""
    doc = Document.from_dict({"doc_id": "", **result}, text="")
    d = doc.to_dict(include_text=False)
    return {"quotes": d["quotes"], "entities": d["entities"]}


def _span_cols(span: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    if span is None:
        return None, None, None
    return span["start"], span["end"], span["text"]


class Store:
    """A saidwhat project store. ``Store(path)`` creates or upgrades the file.

    ``create=False`` refuses a missing file. ``readonly=True`` (readers: status, export,
    quotes) opens the file with SQLite's ``mode=ro``: nothing is created, migrated or
    written, and a file without saidwhat's schema is refused.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, create: bool = True,
                 readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._unfinished: set[int] = set()  # runs this Store started and has not finished
        if (readonly or not create) and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `saidwhat ingest` first)")
        try:
            if readonly:
                # a URI, so that SQLite itself refuses writes and never creates the file
                uri = self.path.resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=60)
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        except sqlite3.OperationalError as exc:  # e.g. the folder does not exist
            raise StoreError(f"{self.path}: cannot open ({exc})") from None
        try:
            if readonly:
                self.conn.execute("PRAGMA query_only=ON")
                self._check_schema()
            else:
                self._check_not_foreign()
                self.conn.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: a killed process never loses a committed batch; only a power
                # cut may lose the last few, and never corrupts the file.
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if is_damage(exc):
                raise StoreDamagedError(damage_message(self.path, exc)) from None
            raise  # disk full, locked: the caller says what it means for its command
        except StoreError:
            self.conn.close()
            raise

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        """Close; runs started here and never finished (an error stopped them) are over."""
        key = self._run_key()
        if self._unfinished and not self.readonly:
            # best effort: with a full disk the row stays running and reads as interrupted
            with suppress(sqlite3.Error):
                self._rollback()
                self.conn.executemany(
                    "UPDATE runs SET status='interrupted', finished_at=? WHERE id=? "
                    "AND status='running'", [(now(), i) for i in self._unfinished])
        for run_id in self._unfinished:
            _ACTIVE_RUNS.discard((key, run_id))
        self._unfinished.clear()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")}

    def _check_newer(self, current: int) -> None:
        if current > LATEST_VERSION:
            raise StoreError(f"{self.path}: schema version {current} is newer than this "
                             f"saidwhat ({__version__}) understands ({LATEST_VERSION}); upgrade it")

    def _check_schema(self) -> None:
        """A reader's check: saidwhat's schema version and tables, or a clear refusal."""
        current = self.version
        self._check_newer(current)
        missing = _REQUIRED_TABLES - self._tables()
        if current < 1 or missing:
            raise StoreError(f"{self.path}: not a saidwhat store (an SQLite database without "
                             f"saidwhat's tables: no {', '.join(sorted(missing))})")

    def _check_not_foreign(self) -> None:
        """A writer never adds saidwhat's tables to some other application's database."""
        if self.version == 0 and self._tables():
            raise StoreError(f"{self.path}: not a saidwhat store (an SQLite database that "
                             "holds other tables); choose another --db")

    def _migrate(self) -> None:
        current = self.version
        self._check_newer(current)
        _register_functions(self.conn)
        for version, sql in MIGRATIONS:
            if version <= current:
                continue
            try:
                if callable(sql):  # a step that needs Python: in one transaction too
                    self.conn.execute("BEGIN IMMEDIATE")
                    sql(self.conn)
                    self.conn.execute(f"PRAGMA user_version = {version}")
                    self.conn.execute("COMMIT")
                else:
                    # executescript commits first; the explicit BEGIN makes the step atomic.
                    self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        """Roll back what is open. SQLite may already have rolled back by itself (a full
        disk does that): the error that got us here is the one to report, not this."""
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def integrity_problems(self, max_problems: int = 100) -> list[str]:
        """``PRAGMA integrity_check``: an empty list for a sound file, else what is wrong."""
        try:
            rows = self.conn.execute(f"PRAGMA integrity_check({int(max_problems)})").fetchall()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            return [str(exc)]  # too damaged for the check itself to walk the file
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()  # a failed COMMIT (disk full) leaves the transaction open
            raise

    # -- runs ----------------------------------------------------------------------
    def _run_key(self) -> str:
        return os.path.realpath(self.path)

    def start_run(self, command: str, params: dict[str, Any]) -> int:
        """A new run row, owned by this process; runs left running by killed processes are
        recorded as interrupted first."""
        with self.transaction() as c:
            self._mark_stale(c)
            cur = c.execute(
                "INSERT INTO runs (command, started_at, params, saidwhat_version, pid, host)"
                " VALUES (?,?,?,?,?,?)",
                (command, now(), json.dumps(params, default=str), __version__, os.getpid(),
                 socket.gethostname()))
            run_id = int(cur.lastrowid or 0)
        _ACTIVE_RUNS.add((self._run_key(), run_id))
        self._unfinished.add(run_id)
        return run_id

    def mark_interrupted_runs(self) -> int:
        """Under the run lock: every other ``run`` still marked running was killed. Runs of
        any command whose process is gone were too."""
        with self.transaction() as c:
            n = self._mark_stale(c)
            return n + c.execute("UPDATE runs SET status='interrupted' WHERE status='running' "
                                 "AND command='run'").rowcount

    def finish_run(self, run_id: int, summary: dict[str, Any], status: str = "finished") -> None:
        with self.transaction() as c:
            c.execute("UPDATE runs SET finished_at=?, status=?, summary=? WHERE id=?",
                      (now(), status, json.dumps(summary, default=str), run_id))
        _ACTIVE_RUNS.discard((self._run_key(), run_id))
        self._unfinished.discard(run_id)

    def _has_run_owner(self) -> bool:
        """Stores before schema version 2 (opened read-only, so not migrated) lack pid/host."""
        return "pid" in {r[1] for r in self.conn.execute("PRAGMA table_info(runs)")}

    def _stale_runs(self, c: sqlite3.Connection) -> list[int]:
        """Runs marked running whose process, on this machine, is gone: they were killed."""
        if not self._has_run_owner():
            return []
        key, me = self._run_key(), os.getpid()
        stale = []
        for run_id, pid, started in c.execute(
                "SELECT id, pid, started_at FROM runs WHERE status='running' AND host=? "
                "AND pid IS NOT NULL", (socket.gethostname(),)):
            if pid == me:  # this process: alive only if it has not given up on the run
                if (key, run_id) not in _ACTIVE_RUNS:
                    stale.append(run_id)
            elif not _pid_alive(pid) or _started_after(pid, started):
                stale.append(run_id)
        return stale

    def _mark_stale(self, c: sqlite3.Connection) -> int:
        stale = self._stale_runs(c)
        c.executemany("UPDATE runs SET status='interrupted' WHERE id=? AND status='running'",
                      [(i,) for i in stale])
        return len(stale)

    def run_counts(self) -> dict[str, int]:
        """Runs by status as it is now, computed without writing: a run still marked
        running whose process is gone counts as interrupted."""
        counts = dict(self.conn.execute("SELECT status, count(*) FROM runs GROUP BY status"))
        stale = len(self._stale_runs(self.conn))
        if stale:
            counts["running"] -= stale
            counts["interrupted"] = counts.get("interrupted", 0) + stale
        return {k: int(v) for k, v in counts.items() if v}

    # -- ingest ----------------------------------------------------------------------
    def add_documents(self, records: Iterable[DocumentRecord], run_id: int | None,
                      problems: Iterable[tuple[str, str, str | None, str | None, str | None,
                                               str]] = ()) -> dict[str, int]:
        """Insert records, and ``(stage, kind, source, record, doc_id, reason)`` problems,
        in one transaction; returns counts of added / duplicate / id_conflict."""
        counts = {"added": 0, "duplicate": 0, "id_conflict": 0}
        with self.transaction() as c:
            for stage, kind, source, record, doc_id, reason in problems:
                self._error(c, run_id, stage, kind, source, record, doc_id, reason)
            for rec in records:
                digest = content_hash(rec.text)
                same = c.execute("SELECT doc_id FROM documents WHERE content_hash=?",
                                 (digest,)).fetchone()
                if same is not None:
                    counts["duplicate"] += 1
                    self._error(c, run_id, "ingest", "duplicate", rec.source, rec.record,
                                rec.doc_id, f"same text as document {same[0]!r}; not stored again")
                    continue
                taken = c.execute("SELECT source, record FROM documents WHERE doc_id=?",
                                  (rec.doc_id,)).fetchone()
                if taken is not None:
                    counts["id_conflict"] += 1
                    first = taken[0] + (f" ({taken[1]})" if taken[1] else "")
                    self._error(c, run_id, "ingest", "error", rec.source, rec.record, rec.doc_id,
                                id_conflict_reason(rec.doc_id, first,
                                                   "its text differs; not stored"))
                    continue
                meta = rec.stored_meta()
                c.execute(
                    "INSERT INTO documents (doc_id, content_hash, title, date, outlet, url, author,"
                    " language, language_score, format, source, record, meta, text, n_chars,"
                    " ingest_run, warnings, include_text)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (rec.doc_id, digest, rec.title, rec.date, rec.outlet, rec.url, rec.author,
                     rec.language, rec.language_score, rec.format, rec.source, rec.record,
                     json.dumps(meta, ensure_ascii=False, default=str) if meta else None,
                     rec.text, len(rec.text), run_id,
                     json.dumps(list(rec.warnings), ensure_ascii=False) if rec.warnings else None,
                     int(rec.include_text)))
                counts["added"] += 1
        return counts

    @staticmethod
    def _error(c: sqlite3.Connection, run_id: int | None, stage: str, kind: str,
               source: str | None, record: str | None, doc_id: str | None, reason: str) -> None:
        c.execute("INSERT INTO errors (run_id, stage, kind, source, record, doc_id, reason,"
                  " created_at) VALUES (?,?,?,?,?,?,?,?)",
                  (run_id, stage, kind, source, record, doc_id, reason, now()))

    def add_errors(self, problems: Iterable[tuple[str, str, str | None, str | None,
                                                  str | None, str]],
                   run_id: int | None) -> None:
        """``(stage, kind, source, record, doc_id, reason)`` rows, in one transaction."""
        with self.transaction() as c:
            for stage, kind, source, record, doc_id, reason in problems:
                self._error(c, run_id, stage, kind, source, record, doc_id, reason)

    # -- processing ------------------------------------------------------------------
    def retry_failed(self) -> int:
        with self.transaction() as c:
            return c.execute("UPDATE documents SET status='pending', reason=NULL "
                             "WHERE status='failed'").rowcount

    def count_pending(self) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM documents WHERE status='pending'").fetchone()[0])

    def pending_batches(self, batch_size: int, limit: int | None = None
                        ) -> Iterator[list[tuple[int, str, str]]]:
        """``[(pk, doc_id, text), ...]`` batches of pending documents, in pk order.

        Keyset pagination: only one batch is held at a time, and batches handed out but
        not yet saved are not handed out again.
        """
        last, handed = 0, 0
        while limit is None or handed < limit:
            size = batch_size if limit is None else min(batch_size, limit - handed)
            rows = self.conn.execute(
                "SELECT pk, doc_id, text FROM documents WHERE status='pending' AND pk>? "
                "ORDER BY pk LIMIT ?", (last, size)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            handed += len(rows)
            yield [(int(pk), str(doc_id), str(text)) for pk, doc_id, text in rows]

    def save_results(self, results: Iterable[ExtractionResult], run_id: int | None) -> dict[str, int]:
        """Store one batch of results atomically; re-saving a document replaces its rows.

        A result is the extraction contract (``Document.to_dict``): it is read back through
        :class:`~saidwhat.model.Document` and kept whole in ``documents.result``; the
        ``quotes`` and ``entities`` tables are derived from it, for queries."""
        counts = {"done": 0, "failed": 0}
        stamp = now()
        with self.transaction() as c:
            for res in results:
                c.execute("DELETE FROM quotes WHERE doc_pk=?", (res.pk,))
                c.execute("DELETE FROM entities WHERE doc_pk=?", (res.pk,))
                if res.result is None:
                    row = c.execute("SELECT doc_id, source, record FROM documents WHERE pk=?",
                                    (res.pk,)).fetchone()
                    c.execute("UPDATE documents SET status='failed', reason=?, process_run=?,"
                              " processed_at=? WHERE pk=?", (res.error, run_id, stamp, res.pk))
                    if row is not None:
                        self._error(c, run_id, "extract", "error", row[1], row[2], row[0],
                                    res.error or "extraction failed")
                    counts["failed"] += 1
                    continue
                result = _result_json(res.result)
                c.executemany(
                    f"INSERT INTO quotes ({', '.join(_QUOTE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(_QUOTE_COLUMNS))})",
                    [self._quote_row(res.pk, seq, q)
                     for seq, q in enumerate(result["quotes"])])
                c.executemany(
                    f"INSERT INTO entities ({', '.join(_ENTITY_COLUMNS)}) VALUES (?,?,?,?,?,?,?)",
                    [(res.pk, seq, e["id"], e["name"], e["type"],
                      json.dumps(e["roles"], ensure_ascii=False),
                      json.dumps(e["mentions"], ensure_ascii=False))
                     for seq, e in enumerate(result["entities"])])
                c.execute("UPDATE documents SET result=? WHERE pk=?",
                          (json.dumps(result, ensure_ascii=False), res.pk))
                c.execute("UPDATE documents SET status='done', reason=NULL, process_run=?,"
                          " processed_at=? WHERE pk=?", (run_id, stamp, res.pk))
                counts["done"] += 1
        return counts

    @staticmethod
    def _quote_row(pk: int, seq: int, q: dict[str, Any]) -> tuple[Any, ...]:
        speaker = q.get("speaker") or {}
        norm = normalize_name(speaker.get("name"), speaker.get("type"))
        return (pk, seq, q["id"], q["kind"], *_span_cols(q["content"]),
                *_span_cols(q.get("cue")), *_span_cols(q.get("source")),
                *_span_cols(q.get("channel")),
                speaker.get("name"), speaker.get("type", "unknown"), speaker.get("role"),
                speaker.get("affiliation"), norm, _last_word(norm))

    # -- reading ---------------------------------------------------------------------
    def status_counts(self) -> dict[str, int]:
        row = dict(self.conn.execute(
            "SELECT status, count(*) FROM documents GROUP BY status").fetchall())
        ingested = sum(row.values())
        problems = dict(((stage, kind), n) for stage, kind, n in self.conn.execute(
            "SELECT stage, kind, count(*) FROM errors GROUP BY stage, kind"))
        return {
            "ingested": ingested,
            "processed": row.get("done", 0),
            "failed": row.get("failed", 0),
            "pending": row.get("pending", 0),
            "ingest_errors": problems.get(("ingest", "error"), 0),
            "skipped": problems.get(("ingest", "skipped"), 0),
            "duplicates": problems.get(("ingest", "duplicate"), 0),
            "quotes": int(self.conn.execute("SELECT count(*) FROM quotes").fetchone()[0]),
        }

    def error_rows(self, kinds: tuple[str, ...] = ("error", "skipped")
                   ) -> list[dict[str, Any]]:
        """Everything that was not processed, oldest first, one dict per problem (keys:
        :data:`ERROR_COLUMNS`). Extraction failures that a later run fixed
        (``--retry-failed``) are left out."""
        marks = ",".join("?" * len(kinds))
        cur = self.conn.execute(
            f"SELECT e.stage, e.kind, e.source, e.record, e.doc_id, e.reason, e.run_id, "
            f"e.created_at FROM errors e WHERE e.kind IN ({marks}) AND NOT (e.stage='extract' "
            f"AND EXISTS (SELECT 1 FROM documents d WHERE d.doc_id=e.doc_id AND d.status!='failed'))"
            f" ORDER BY e.id", kinds)
        return [dict(zip(ERROR_COLUMNS, row, strict=True)) for row in cur]

    def errors(self, kinds: tuple[str, ...] = ("error", "skipped")) -> pd.DataFrame:
        """:meth:`error_rows` as a DataFrame (missing values are None, not NaN)."""
        import pandas as pd

        return pd.DataFrame(self.error_rows(kinds), columns=list(ERROR_COLUMNS), dtype=object)

    def quote_rows(self, speaker: str | None = None, since: str | None = None,
                   until: str | None = None, outlet: str | None = None,
                   limit: int | None = None) -> tuple[list[str], sqlite3.Cursor]:
        """Column names and a cursor over the matching quotes (see :meth:`quotes`)."""
        where, params = [], []
        if speaker:
            # a person's key or a body's ("General Motors": "motors" / "general motors")
            keys = sorted({k for k in ((_legacy_name_key(speaker),)
                                       if self.version < NAME_KEY_VERSION else
                                       (normalize_name(speaker), normalize_name(speaker,
                                                                                "organization")))
                           if k} or {""})
            marks = ",".join("?" * len(keys))
            where.append(f"(q.speaker_norm IN ({marks}) OR q.speaker_last IN ({marks}))")
            params += [*keys, *keys]
        if since:
            where.append("d.date >= ?")
            params.append(since)
        if until:
            where.append("substr(d.date, 1, ?) <= ?")
            params += [len(until), until]
        if outlet:
            where.append("d.outlet = ? COLLATE NOCASE")
            params.append(outlet)
        sql = (
            "SELECT d.doc_id, d.date, d.outlet, d.title, d.url, q.quote_id, q.kind,"
            " q.speaker_name, q.speaker_type, q.speaker_role, q.speaker_affiliation,"
            " q.cue_text, q.content_text, q.content_start, q.content_end"
            " FROM quotes q JOIN documents d ON d.pk = q.doc_pk"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.date, d.pk, q.seq"
            + (f" LIMIT {int(limit)}" if limit else ""))
        cur = self.conn.execute(sql, params)
        return [c[0] for c in cur.description], cur

    def quotes(self, speaker: str | None = None, since: str | None = None,
               until: str | None = None, outlet: str | None = None,
               limit: int | None = None) -> pd.DataFrame:
        """Quotes as a DataFrame, one row per quote, with its document's metadata.

        ``speaker`` matches the normalised full name or the last name ("Smith" finds
        "Jane Smith"); both are indexed. ``since``/``until`` compare ISO dates, inclusive.
        """
        import pandas as pd

        columns, cur = self.quote_rows(speaker, since, until, outlet, limit)
        return pd.DataFrame(cur.fetchall(), columns=columns)

    def document_rows(self, with_text: bool = False) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        """Column names and the documents' rows, in ingest order."""
        cols = ("doc_id, content_hash, title, date, outlet, url, author, language, format, "
                "source, record, n_chars, status, reason, processed_at")
        cur = self.conn.execute(
            f"SELECT {cols}{', text' if with_text else ''} FROM documents ORDER BY pk")
        return [c[0] for c in cur.description], iter(cur)

    def documents(self, with_text: bool = False) -> pd.DataFrame:
        """:meth:`document_rows` as a DataFrame."""
        import pandas as pd

        columns, rows = self.document_rows(with_text)
        return pd.DataFrame(list(rows), columns=columns)

    def entity_rows(self) -> Iterator[dict[str, Any]]:
        """Entities in document order, ``roles`` and ``mentions`` decoded from JSON."""
        for doc_id, entity_id, name, kind, roles, mentions in self.conn.execute(
                "SELECT d.doc_id, e.entity_id, e.name, e.type, e.roles, e.mentions FROM entities e"
                " JOIN documents d ON d.pk = e.doc_pk ORDER BY e.doc_pk, e.seq"):
            yield {"doc_id": doc_id, "entity_id": entity_id, "name": name, "type": kind,
                   "roles": json.loads(roles), "mentions": json.loads(mentions)}

    def entities(self) -> pd.DataFrame:
        """:meth:`entity_rows` as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self.entity_rows()),
                            columns=["doc_id", "entity_id", "name", "type", "roles", "mentions"])

    def export_columns(self, table: str) -> list[str]:
        """The columns of an export table (:data:`EXPORT_TABLES`), in order."""
        cur = self.conn.execute(_export_sql(table) + " LIMIT 0")
        return [c[0] for c in cur.description]

    def export_rows(self, table: str, chunk_rows: int = 20_000) -> Iterator[list[tuple[Any, ...]]]:
        """An export table's rows in chunks of at most ``chunk_rows`` (bounded memory);
        columns as :meth:`export_columns` says."""
        cur = self.conn.execute(_export_sql(table))
        while True:
            rows = cur.fetchmany(chunk_rows)
            if not rows:
                return
            yield rows

    def iter_documents(self, batch_size: int = 500) -> Iterator[Document]:
        """Processed documents as :class:`~saidwhat.model.Document`, texts included, in
        ingest order: the stored result read back through ``Document.from_dict``."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT pk, doc_id, meta, text, include_text, result FROM documents"
                " WHERE status='done' AND pk>? ORDER BY pk LIMIT ?",
                (last, batch_size)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            for _, doc_id, meta, text, include_text, result in rows:
                record = {"doc_id": doc_id, "meta": json.loads(meta) if meta else {},
                          **(json.loads(result) if result else {})}
                doc = Document.from_dict(record, text=text)
                doc.include_text = bool(include_text)
                yield doc

    def iter_results(self, batch_size: int = 500, with_text: bool | None = None
                     ) -> Iterator[dict[str, Any]]:
        """Processed documents in the extraction contract's shape (``Document.to_dict``),
        in ingest order: the records ``saidwhat extract`` writes for the same inputs.

        ``"text"`` is included where the document carries it (HTML/WARC input, repaired
        text: offsets refer to that text) unless ``with_text`` says otherwise.
        """
        for doc in self.iter_documents(batch_size):
            yield doc.to_dict(include_text=with_text)
