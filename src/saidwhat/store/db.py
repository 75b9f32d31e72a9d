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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..model import Document
from ..names import name_key, same_name
from ..readers import id_conflict_reason
from .actors import ActorName, actor_name, clean_name, entourage_keys, key_of
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
    "speaker_role", "speaker_affiliation", "speaker_norm", "speaker_last", "actor_key")
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


# The schema version from which the store has the actor table (migration 5).
ACTORS_VERSION = 5
# The schema version from which the store has the corrections layer (migration 6).
CORRECTIONS_VERSION = 6


class ActorEditError(StoreError):
    """An actor edit that cannot be done (unknown actor, an alias it does not have)."""


def _last_key(name: str, type_: str) -> str | None:
    key = key_of(name, type_)
    return key.split()[-1].split("-")[-1] if key else None


def _person_match(c: sqlite3.Connection, an: ActorName) -> int | None:
    """The one person actor ``an`` names by :func:`saidwhat.names.same_name` ("Trump" and
    "Donald J. Trump"); None when none or several do."""
    found = {aid for aid, name in c.execute(
        "SELECT actor_id, name FROM actors WHERE type='person' AND last_key=?",
        (_last_key(an.label, "person"),)) if same_name(name, an.label)}
    return found.pop() if len(found) == 1 else None


def link_speaker(c: sqlite3.Connection, speaker: dict[str, Any] | None) -> str | None:
    """The alias key of ``speaker``'s actor, creating the actor or alias as needed; None
    for a speaker that is no actor (:func:`saidwhat.store.actors.actor_name`)."""
    an = actor_name(speaker)
    if an is None:
        return None
    row = c.execute("SELECT actor_id FROM actor_aliases WHERE alias_key=?", (an.key,)).fetchone()
    if row is not None:
        if an.organisation:
            c.execute("UPDATE actors SET organisation=? WHERE actor_id=? AND "
                      "(organisation IS NULL OR organisation='')", (an.organisation, row[0]))
        return an.key
    actor_id: int | None = None
    if an.owner_key:  # "Trump team": the person's, when the person is known
        owner = c.execute("SELECT a.actor_id FROM actor_aliases l JOIN actors a USING "
                          "(actor_id) WHERE l.alias_key=? AND a.type='person'",
                          (an.owner_key,)).fetchone()
        actor_id = owner[0] if owner else None
    elif an.type == "person":
        actor_id = _person_match(c, an)
        if actor_id is not None:  # a fuller name becomes the actor's name
            name, manual = c.execute("SELECT name, manual FROM actors WHERE actor_id=?",
                                     (actor_id,)).fetchone()
            if not manual and len(an.label.split()) > len(name.split()):
                c.execute("UPDATE actors SET name=?, last_key=? WHERE actor_id=?",
                          (an.label, _last_key(an.label, "person"), actor_id))
    if actor_id is None:
        actor_id = int(c.execute(
            "INSERT INTO actors (name, type, organisation, last_key) VALUES (?,?,?,?)",
            (an.label, an.type, an.organisation or None, _last_key(an.label, an.type))
        ).lastrowid or 0)
        if an.type == "person":  # "Trump team" seen before Trump: the entourage is his
            for alias_key in entourage_keys(an.key):
                row = c.execute("SELECT a.actor_id FROM actor_aliases l JOIN actors a USING "
                                "(actor_id) WHERE l.alias_key=? AND a.type='group' AND "
                                "a.manual=0", (alias_key,)).fetchone()
                if row is not None:
                    c.execute("UPDATE actor_aliases SET actor_id=? WHERE actor_id=?",
                              (actor_id, row[0]))
                    c.execute("DELETE FROM actors WHERE actor_id=?", (row[0],))
    c.execute("INSERT INTO actor_aliases (alias_key, alias, actor_id) VALUES (?,?,?)",
              (an.key, clean_name((speaker or {}).get("name")) or an.label, actor_id))
    return an.key


def link_all_quotes(c: sqlite3.Connection) -> int:
    """Link every stored quote to its actor (migration 5, ``actors rebuild``); returns how
    many quotes have one."""
    rows = c.execute("SELECT doc_pk, seq, speaker_name, speaker_type, speaker_role, "
                     "speaker_affiliation FROM quotes ORDER BY doc_pk, seq").fetchall()
    linked = []
    for pk, seq, name, kind, role, affiliation in rows:
        key = link_speaker(c, {"name": name, "type": kind, "role": role,
                               "affiliation": affiliation})
        linked.append((key, pk, seq))
    c.executemany("UPDATE quotes SET actor_key=? WHERE doc_pk=? AND seq=?", linked)
    return sum(1 for k, _, _ in linked if k)


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

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another writer (a run committing a batch) to finish."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

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

    def redo_processed(self) -> int:
        """Every processed or failed document back to pending, to be extracted again (a new
        model, config or version). Its old results stay until the new ones replace them in
        one transaction, so a run killed half-way leaves every document readable."""
        with self.transaction() as c:
            return c.execute("UPDATE documents SET status='pending', reason=NULL "
                             "WHERE status IN ('done', 'failed')").rowcount

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
                    [(*self._quote_row(res.pk, seq, q), link_speaker(c, q.get("speaker")))
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
                   limit: int | None = None, actor_ids: Sequence[int] | None = None
                   ) -> tuple[list[str], sqlite3.Cursor]:
        """Column names and a cursor over the matching quotes (see :meth:`quotes`);
        ``actor_ids``: only the quotes of these actors (:mod:`saidwhat.store.lookup`)."""
        where: list[str] = []
        params: list[Any] = []
        if actor_ids is not None:
            self._require_actors()
            where.append(f"q.actor_key IN (SELECT alias_key FROM actor_aliases WHERE actor_id "
                         f"IN ({','.join('?' * len(actor_ids)) or 'NULL'}))")
            params += [int(a) for a in actor_ids]
        if speaker:  # as the corpus page: the actors' aliases, the full or the last name
            cond, p = self._speaker_condition(speaker)
            where.append(cond)
            params += p
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
            + (", (SELECT a.name FROM actor_aliases l JOIN actors a USING (actor_id)"
               " WHERE l.alias_key = q.actor_key) AS actor"
               if self.version >= ACTORS_VERSION else "")
            + " FROM quotes q JOIN documents d ON d.pk = q.doc_pk"
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

    # -- actors ------------------------------------------------------------------------
    def _require_actors(self) -> None:
        if self.version < ACTORS_VERSION:
            raise StoreError(f"{self.path}: schema version {self.version} has no actor table "
                             "(open it with a writing command, e.g. `saidwhat actors "
                             "rebuild`, to upgrade it)")

    def actor_rows(self) -> list[dict[str, Any]]:
        """Every actor: id, name, type, organisation, attributes, quotes (how many) and
        aliases (as first written), most quoted first."""
        self._require_actors()
        aliases: dict[int, list[str]] = {}
        for actor_id, alias in self.conn.execute(
                "SELECT actor_id, alias FROM actor_aliases ORDER BY alias"):
            aliases.setdefault(actor_id, []).append(alias)
        rows = self.conn.execute(
            "SELECT a.actor_id, a.name, a.type, a.organisation, a.attributes, "
            "(SELECT count(*) FROM quotes q JOIN actor_aliases l ON q.actor_key = l.alias_key "
            " WHERE l.actor_id = a.actor_id) AS n FROM actors a ORDER BY n DESC, a.name")
        return [{"actor_id": aid, "name": name, "type": kind, "organisation": org or "",
                 "attributes": json.loads(attrs) if attrs else {}, "quotes": n,
                 "aliases": aliases.get(aid, [])}
                for aid, name, kind, org, attrs, n in rows]

    def actor_names(self, limit: int = 2000) -> list[str]:
        """Actors' canonical names, in name order (for pickers; no counting)."""
        if self.version < ACTORS_VERSION:
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM actors ORDER BY name COLLATE NOCASE LIMIT ?", (int(limit),))]

    def quote_actors(self) -> dict[tuple[str, str], dict[str, Any] | None]:
        """``(doc_id, quote_id)`` -> the quote's actor (name, type, organisation,
        attributes, aliases) or None (no actor); empty for a store without actors."""
        if self.version < ACTORS_VERSION:
            return {}
        actors = {a["actor_id"]: a for a in self.actor_rows()}
        keys = dict(self.conn.execute("SELECT alias_key, actor_id FROM actor_aliases"))
        return {(doc_id, quote_id): actors.get(keys.get(key)) if key else None
                for doc_id, quote_id, key in self.conn.execute(
                    "SELECT d.doc_id, q.quote_id, q.actor_key FROM quotes q "
                    "JOIN documents d ON d.pk = q.doc_pk")}

    def _actor_id(self, c: sqlite3.Connection, actor: str | int) -> int:
        """An actor by id, by canonical name (case aside) or by any alias."""
        text = str(actor).strip()
        if text.isdigit():
            row = c.execute("SELECT actor_id FROM actors WHERE actor_id=?", (int(text),)).fetchone()
            if row:
                return int(row[0])
        found = [r[0] for r in c.execute(
            "SELECT actor_id FROM actors WHERE name = ? COLLATE NOCASE", (text,))]
        if not found:
            found = sorted({r[0] for t in ("person", "organization", "anonymous")
                            for r in c.execute("SELECT actor_id FROM actor_aliases "
                                               "WHERE alias_key=?", (key_of(text, t),))})
        if len(found) > 1:
            raise ActorEditError(f"{text!r} names several actors ({', '.join(map(str, found))}):"
                                 " give the actor's id")
        if not found:
            raise ActorEditError(f"no actor {text!r} (`saidwhat actors` lists them)")
        return int(found[0])

    def merge_actors(self, into: str | int, other: str | int) -> int:
        """``other``'s aliases (so its quotes) go to ``into``; ``other`` is removed.
        Returns ``into``'s id."""
        self._require_actors()
        with self.transaction() as c:
            a, b = self._actor_id(c, into), self._actor_id(c, other)
            if a == b:
                raise ActorEditError(f"{into!r} and {other!r} are the same actor")
            (attrs_a, org_a), (attrs_b, org_b) = (c.execute(
                "SELECT attributes, organisation FROM actors WHERE actor_id=?", (i,)).fetchone()
                for i in (a, b))
            attrs = {**json.loads(attrs_b or "{}"), **json.loads(attrs_a or "{}")}
            c.execute("UPDATE actor_aliases SET actor_id=? WHERE actor_id=?", (a, b))
            c.execute("UPDATE actors SET attributes=?, organisation=?, manual=1 WHERE actor_id=?",
                      (json.dumps(attrs, ensure_ascii=False) if attrs else None,
                       org_a or org_b, a))
            c.execute("DELETE FROM actors WHERE actor_id=?", (b,))
            return a

    def rename_actor(self, actor: str | int, name: str) -> int:
        """Give an actor a new canonical name (also an alias of it, when free)."""
        self._require_actors()
        name = clean_name(name)
        if not name:
            raise ActorEditError("the new name is empty")
        with self.transaction() as c:
            a = self._actor_id(c, actor)
            kind = c.execute("SELECT type FROM actors WHERE actor_id=?", (a,)).fetchone()[0]
            c.execute("UPDATE actors SET name=?, last_key=?, manual=1 WHERE actor_id=?",
                      (name, _last_key(name, kind), a))
            key = key_of(name, kind)
            if key:
                c.execute("INSERT OR IGNORE INTO actor_aliases (alias_key, alias, actor_id) "
                          "VALUES (?,?,?)", (key, name, a))
            return a

    def split_alias(self, alias: str, name: str | None = None) -> int:
        """Move one alias (and its quotes) from its actor to a new actor, named ``name``
        (default: the alias). Returns the new actor's id."""
        self._require_actors()
        with self.transaction() as c:
            row = c.execute("SELECT l.alias_key, l.alias, a.actor_id, a.type FROM actor_aliases l "
                            "JOIN actors a USING (actor_id) WHERE l.alias = ?", (alias,)).fetchone()
            for kind in ("person", "organization", "anonymous"):
                if row is None:
                    row = c.execute(
                        "SELECT l.alias_key, l.alias, a.actor_id, a.type FROM actor_aliases l "
                        "JOIN actors a USING (actor_id) WHERE l.alias_key = ?",
                        (key_of(alias, kind),)).fetchone()
            if row is None:
                raise ActorEditError(f"no actor has the alias {alias!r}")
            key, written, old, kind = row
            if c.execute("SELECT count(*) FROM actor_aliases WHERE actor_id=?",
                         (old,)).fetchone()[0] < 2:
                raise ActorEditError(f"{written!r} is the only alias of its actor; "
                                     "rename the actor instead")
            label = clean_name(name) or written
            new = int(c.execute("INSERT INTO actors (name, type, last_key, manual) "
                                "VALUES (?,?,?,1)",
                                (label, kind, _last_key(label, kind))).lastrowid or 0)
            c.execute("UPDATE actor_aliases SET actor_id=? WHERE alias_key=?", (new, key))
            return new

    def import_actors(self, actors: Iterable[Any]) -> dict[str, int]:
        """Actors of an attributes CSV (:func:`saidwhat.network.actors.load_actor_attributes`:
        name, type, organization, attributes, aliases): each becomes, or updates, the actor
        its name or an alias already is, under its name; its aliases move to it."""
        self._require_actors()
        counts = {"created": 0, "updated": 0}
        with self.transaction() as c:
            for actor in actors:
                kind = actor.type if actor.type in ("person", "organization", "group",
                                                    "anonymous") else None
                spellings = [actor.name, *sorted(actor.aliases)]
                found = None
                for spelling in spellings:
                    for k in ((kind,) if kind else ("person", "organization")):
                        r = c.execute("SELECT actor_id FROM actor_aliases WHERE alias_key=?",
                                      (key_of(spelling, k),)).fetchone()
                        if r and found is None:
                            found = int(r[0])
                if found is None:
                    r = c.execute("SELECT actor_id FROM actors WHERE name = ? COLLATE NOCASE",
                                  (actor.name,)).fetchone()
                    found = int(r[0]) if r else None
                attrs = json.dumps(actor.attributes, ensure_ascii=False) \
                    if actor.attributes else None
                if found is None:
                    kind = kind or "person"
                    found = int(c.execute(
                        "INSERT INTO actors (name, type, organisation, attributes, last_key, "
                        "manual) VALUES (?,?,?,?,?,1)",
                        (actor.name, kind, actor.organization or None, attrs,
                         _last_key(actor.name, kind))).lastrowid or 0)
                    counts["created"] += 1
                else:
                    old_kind = c.execute("SELECT type FROM actors WHERE actor_id=?",
                                         (found,)).fetchone()[0]
                    kind = kind or old_kind
                    c.execute("UPDATE actors SET name=?, type=?, organisation=coalesce(?, "
                              "organisation), attributes=coalesce(?, attributes), last_key=?, "
                              "manual=1 WHERE actor_id=?",
                              (actor.name, kind, actor.organization or None, attrs,
                               _last_key(actor.name, kind), found))
                    counts["updated"] += 1
                for spelling in spellings:
                    key = key_of(spelling, kind)
                    if key:
                        c.execute("INSERT INTO actor_aliases (alias_key, alias, actor_id) "
                                  "VALUES (?,?,?) ON CONFLICT(alias_key) DO UPDATE SET "
                                  "actor_id=excluded.actor_id", (key, spelling, found))
            c.execute("DELETE FROM actors WHERE NOT EXISTS (SELECT 1 FROM actor_aliases l "
                      "WHERE l.actor_id = actors.actor_id) AND manual=0")
        return counts

    def rebuild_actors(self, reset: bool = False) -> int:
        """Link every stored quote to its actor again; ``reset`` first forgets every actor
        (merges, renames, splits and imports too). Returns how many quotes have an actor."""
        self._require_actors()
        with self.transaction() as c:
            if reset:
                c.execute("DELETE FROM actor_aliases")
                c.execute("DELETE FROM actors")
            return link_all_quotes(c)

    # -- corrections (schema version 6; saidwhat.store.corrections) ----------------------
    def _require_corrections(self) -> None:
        if self.version < CORRECTIONS_VERSION:
            raise StoreError(f"{self.path}: schema version {self.version} has no corrections "
                             "layer (open it with a writing command, e.g. `saidwhat serve`, "
                             "to upgrade it)")

    def document_view(self, doc_id: str) -> dict[str, Any] | None:
        """One document: doc_id, text, metadata columns, status and its machine quotes (the
        extraction contract's dicts, the stored result); None when there is no such id."""
        row = self.conn.execute(
            "SELECT pk, doc_id, title, date, outlet, url, author, status, reason, text, result, "
            "meta FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        pk, doc_id, title, date, outlet, url, author, status, reason, text, result, meta = row
        res = json.loads(result) if result else {}
        return {"pk": pk, "doc_id": doc_id, "title": title, "date": date, "outlet": outlet,
                "url": url, "author": author, "status": status, "reason": reason, "text": text,
                "quotes": res.get("quotes", []), "entities": res.get("entities", []),
                "meta": json.loads(meta) if meta else {}}

    def add_correction(self, doc_id: str, kind: str, *, coder: str,
                       quote_id: str | None = None, value: dict[str, Any] | None = None) -> int:
        """Record one correction by ``coder`` and return its id. ``quote_id``: the
        attribution it is about (a machine quote id, or ``c<N>`` for one added by correction
        N); ``add`` and ``reviewed`` take none. ``value`` by kind: docs/review.md. One short
        transaction; raises CorrectionError for an unknown document, attribution or value."""
        from .corrections import (
            QUOTE_KINDS,
            Anchor,
            CorrectionError,
            apply_corrections,
            clean_value,
            insert,
            select,
        )

        self._require_corrections()
        coder = (coder or "").strip()
        if not coder:
            raise CorrectionError("a correction needs a coder name")
        doc = self.document_view(doc_id)
        if doc is None:
            raise CorrectionError(f"no document {doc_id!r}")
        text = doc["text"]
        clean = clean_value(kind, value, text)
        if kind in QUOTE_KINDS:
            if not quote_id:
                raise CorrectionError(f"{kind}: which attribution? (quote_id)")
            current = apply_corrections(doc_id, text, doc["quotes"], select(self.conn, doc_id))
            target = current.quote(quote_id)
            if target is None:
                raise CorrectionError(f"document {doc_id!r} has no attribution {quote_id!r}")
            anchor = target.anchor
            if target.origin == "machine":
                quote_id = target.id
        elif kind == "add":
            c = clean["content"]
            anchor, quote_id = Anchor.of(doc_id, text, c["start"], c["end"]), None
        else:
            anchor, quote_id = Anchor(doc_id), None
        with self.transaction() as conn:
            return insert(conn, coder, kind, anchor, quote_id, clean)

    def undo_correction(self, *, coder: str, correction_id: int | None = None,
                        doc_id: str | None = None) -> Any:
        """Undo ``correction_id``, or ``coder``'s latest correction (in ``doc_id`` if given).
        Returns the undone :class:`~saidwhat.store.corrections.Correction`, or None."""
        from .corrections import undo

        self._require_corrections()
        with self.transaction() as conn:
            return undo(conn, coder, correction_id, doc_id)

    def corrections(self, doc_id: str | None = None, coder: str | None = None,
                    include_undone: bool = False) -> list[Any]:
        """Corrections (:class:`~saidwhat.store.corrections.Correction`) in the order they
        were made; empty for a store older than schema version 6."""
        from .corrections import select

        if self.version < CORRECTIONS_VERSION:
            return []
        return select(self.conn, doc_id, coder, include_undone=include_undone)

    def reviewed_document(self, doc_id: str, coder: str | None = None) -> Any:
        """The document as the corrections make it
        (:class:`~saidwhat.store.corrections.ReviewedDocument`), or None for an unknown id.
        ``coder``: only that coder's corrections."""
        from .corrections import apply_corrections

        doc = self.document_view(doc_id)
        if doc is None:
            return None
        return apply_corrections(doc_id, doc["text"], doc["quotes"],
                                 self.corrections(doc_id), coder)

    def reviewed_doc_ids(self, coder: str | None = None) -> list[str]:
        """Documents marked reviewed (the latest active mark, by ``coder`` or anyone)."""
        from .corrections import reviewed_doc_ids

        if self.version < CORRECTIONS_VERSION:
            return []
        return reviewed_doc_ids(self.conn, coder)

    def corrected_documents(self, reviewed_only: bool = False, coder: str | None = None
                            ) -> Iterator[tuple[Document, Any]]:
        """Every processed document (``reviewed_only``: those marked reviewed) as a
        :class:`~saidwhat.model.Document` with the corrections applied (rejected
        attributions left out, added ones in), with its ``ReviewedDocument``."""
        from .corrections import apply_corrections, corrected_doc_ids

        corrected = set(corrected_doc_ids(self.conn)) \
            if self.version >= CORRECTIONS_VERSION else set()
        wanted = set(self.reviewed_doc_ids(coder)) if reviewed_only else None
        for doc in self.iter_documents():
            if wanted is not None and doc.doc_id not in wanted:
                continue
            if doc.doc_id not in corrected:  # nothing to apply: no further query
                yield doc, apply_corrections(doc.doc_id, doc.text,
                                             [q.to_dict() for q in doc.quotes], [])
                continue
            view = self.reviewed_document(doc.doc_id, coder)
            record = doc.to_dict(include_text=True)
            record["quotes"] = [q.quote for q in view.kept()]
            fixed = Document.from_dict(record, text=doc.text)
            fixed.include_text = doc.include_text
            yield fixed, view

    def codings(self, coder: str | None = None) -> list[Any]:
        """Every hand-coded statement (:class:`~saidwhat.store.corrections.Coding`: doc_id,
        quote_id, anchor, concept, agreement, coder, ...), by document and attribution; one
        per coder, attribution and concept (the latest code; a removed one is left out)."""
        from .corrections import codings_of

        if self.version < CORRECTIONS_VERSION:
            return []
        out = []
        for (doc_id,) in self.conn.execute(
                "SELECT DISTINCT doc_id FROM corrections WHERE kind='code' AND undone_at IS NULL "
                "ORDER BY doc_id").fetchall():
            view = self.reviewed_document(doc_id)
            if view is not None:
                out.extend(codings_of(view, coder))
        return out

    def orphaned_corrections(self) -> list[Any]:
        """Active corrections that no longer find their attribution (or document)."""
        from .corrections import corrected_doc_ids

        if self.version < CORRECTIONS_VERSION:
            return []
        out: list[Any] = []
        for doc_id in corrected_doc_ids(self.conn):
            view = self.reviewed_document(doc_id)
            out.extend(view.orphaned if view is not None else self.corrections(doc_id))
        return out

    def coders(self) -> list[str]:
        if self.version < CORRECTIONS_VERSION:
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT coder FROM corrections ORDER BY coder")]

    # -- the corpus listing (serve) ---------------------------------------------------
    def neighbour_docs(self, pk: int) -> tuple[str | None, str | None]:
        """The doc_ids before and after the document ``pk`` in ingest order."""
        prv = self.conn.execute("SELECT doc_id FROM documents WHERE pk < ? ORDER BY pk DESC "
                                "LIMIT 1", (pk,)).fetchone()
        nxt = self.conn.execute("SELECT doc_id FROM documents WHERE pk > ? ORDER BY pk LIMIT 1",
                                (pk,)).fetchone()
        return (prv[0] if prv else None), (nxt[0] if nxt else None)

    def actor_id_of(self, name: str) -> int | None:
        """The actor whose canonical name is ``name`` (case aside), if exactly one."""
        if self.version < ACTORS_VERSION:
            return None
        rows = self.conn.execute("SELECT actor_id FROM actors WHERE name = ? COLLATE NOCASE "
                                 "LIMIT 2", (name,)).fetchall()
        return int(rows[0][0]) if len(rows) == 1 else None

    def outlets(self) -> list[str]:
        """Every outlet (an index scan)."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL ORDER BY outlet")]

    def _speaker_condition(self, speaker: str) -> tuple[str, list[Any]]:
        """SQL over quotes ``q`` matching ``speaker`` as ``quotes --speaker`` does: every
        alias of the actors it names, the normalised full name or the last name."""
        params: list[Any] = []
        conds = []
        if self.version >= ACTORS_VERSION:
            keys = sorted({k for k in (key_of(speaker, t) for t in ("person", "organization"))
                           if k})
            conds.append(
                f"q.actor_key IN (SELECT alias_key FROM actor_aliases WHERE actor_id IN ("
                f"SELECT actor_id FROM actor_aliases WHERE alias_key IN "
                f"({','.join('?' * len(keys)) or 'NULL'}) UNION SELECT actor_id FROM actors "
                f"WHERE name = ? COLLATE NOCASE))")
            params += [*keys, speaker.strip()]
        keys = sorted({k for k in ((_legacy_name_key(speaker),)
                                   if self.version < NAME_KEY_VERSION else
                                   (normalize_name(speaker),
                                    normalize_name(speaker, "organization"))) if k} or {""})
        marks = ",".join("?" * len(keys))
        conds.append(f"q.speaker_norm IN ({marks}) OR q.speaker_last IN ({marks})")
        params += [*keys, *keys]
        return "(" + " OR ".join(conds) + ")", params

    def corpus_page(self, *, outlet: str | None = None, since: str | None = None,
                    until: str | None = None, speaker: str | None = None,
                    concept: str | None = None, reviewed: bool | None = None,
                    search: str | None = None, offset: int = 0, limit: int = 50
                    ) -> tuple[list[dict[str, Any]], bool]:
        """One page of the corpus listing (documents in ingest order with counts of
        attributions and active corrections) and whether there is a next page. Filters:
        exact outlet, ISO date range (inclusive, as ``quotes``), speaker/actor (as
        ``quotes --speaker``), hand-coded concept, reviewed or not, full-text ``search``
        (words of titles and texts, all of them, as a phrase when quoted)."""
        where: list[str] = []
        params: list[Any] = []
        v6 = self.version >= CORRECTIONS_VERSION
        if outlet:
            where.append("d.outlet = ?")
            params.append(outlet)
        if since:
            where.append("d.date >= ?")
            params.append(since)
        if until:
            where.append("d.date <= ?")  # "2024-01" takes all of January, as `quotes` does
            params.append(until + "\uffff")
        if speaker:
            cond, p = self._speaker_condition(speaker)
            corrected = ""
            if v6:  # a speaker a reviewer set (corrected or added attribution) counts too
                corrected = (" OR d.doc_id IN (SELECT doc_id FROM corrections WHERE kind IN "
                             "('speaker', 'add') AND undone_at IS NULL AND lower(coalesce("
                             "json_extract(value, '$.name'), json_extract(value, "
                             "'$.speaker.name'))) = lower(?))")
                p = [*p, speaker.strip()]
            where.append(f"(d.pk IN (SELECT q.doc_pk FROM quotes q WHERE {cond}){corrected})")
            params += p
        if concept:
            where.append("d.pk IN (SELECT pk FROM documents WHERE doc_id IN (SELECT doc_id "
                         "FROM corrections WHERE kind='code' AND undone_at IS NULL AND "
                         "json_extract(value, '$.concept') = ?))" if v6 else "0")
            params += [concept] if v6 else []
        if reviewed is not None:
            ids = self.reviewed_doc_ids()
            where.append(f"d.pk {'IN' if reviewed else 'NOT IN'} (SELECT pk FROM documents "
                         f"WHERE doc_id IN (SELECT value FROM json_each(?)))")
            params.append(json.dumps(ids))
        if search and search.strip():
            if not v6:
                where.append("d.text LIKE ?")
                params.append(f"%{search.strip()}%")
            else:
                where.append("d.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts "
                             "MATCH ?)")
                params.append(fts_query(search))
        # Two steps: the page's keys, then their rows. Deep pages without an outlet or date
        # filter take the keys from a narrow index (status, pk; sorted by pk, a top-N sort),
        # not from the wide rows that hold the texts, so skipped rows are never read.
        narrow = "" if outlet or since or until or offset < 1000 \
            else " INDEXED BY documents_status"
        pks = [r[0] for r in self.conn.execute(
            f"SELECT d.pk FROM documents d{narrow}"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.pk LIMIT ? OFFSET ?", [*params, int(limit) + 1, int(offset)])]
        more, pks = len(pks) > limit, pks[:limit]
        corrections = ("(SELECT count(*) FROM corrections c WHERE c.doc_id = d.doc_id AND "
                       "c.undone_at IS NULL)" if v6 else "0")
        rows = self.conn.execute(
            "SELECT d.pk, d.doc_id, d.title, d.date, d.outlet, d.status, d.n_chars, "
            "(SELECT count(*) FROM quotes q WHERE q.doc_pk = d.pk), "
            f"{corrections} FROM documents d WHERE d.pk IN (SELECT value FROM json_each(?)) "
            "ORDER BY d.pk", (json.dumps(pks),)).fetchall()
        keys = ("pk", "doc_id", "title", "date", "outlet", "status", "n_chars", "quotes",
                "corrections")
        return [dict(zip(keys, r, strict=True)) for r in rows], more


def fts_query(search: str) -> str:
    """A user's search as an FTS5 query that cannot be a syntax error: each word (or a
    "quoted phrase") becomes a quoted string; all must occur."""
    parts = re.findall(r'"([^"]*)"|(\S+)', search)
    terms = [p or w for p, w in parts]
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms if t.strip()]
    return " AND ".join(quoted) or '""'
