"""Store faults: dying workers, a full disk, symlinked stores, killed and SIGTERM'd runs,
foreign SQLite files, damaged files, and ingest's exit code."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from saidwhat import Extractor
from saidwhat.cli import main
from saidwhat.store import Store, StoreError, ingest, run
from saidwhat.store import runner as runner_module
from saidwhat.store.db import StoreDamagedError
from saidwhat.store.schema import LATEST_VERSION, MIGRATIONS

SRC = Path(__file__).resolve().parents[1] / "src"
CLI = [sys.executable, "-c", "from saidwhat.cli import main; main()"]
KILLER = "Zebulon-kills-workers"  # text that makes a worker process die (test hook)
READERS = (["status"], ["quotes"], ["export", "-o", "-"])


def article(i: int, extra: str = "") -> str:
    return (f"The harbour board met on Tuesday about berth {i}. \"We will reopen the berth "
            f"before the summer,\" said Mara Quill, who chairs the board. She added that "
            f"repairs to pier {i} were on schedule.{extra}")


def write_jsonl(path: Path, texts: list[str], prefix: str = "d") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": f"{prefix}{i:03d}", "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    return path


def make_store(path: Path, n: int, extra: str = "") -> Path:
    corpus = write_jsonl(path.parent / f"{path.stem}-in" / "corpus.jsonl",
                         [article(i, extra) for i in range(n)])
    with Store(path) as store:
        assert ingest(store, [corpus]).added == n
    return path


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line_error(result: Result, *needles: str) -> None:
    """Exit 1, no traceback, one ``error:`` line holding every needle."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], result.output


def run_statuses(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def warm_extractor(extractor: Extractor, monkeypatch: pytest.MonkeyPatch) -> Extractor:
    """In-process runs use the session's Extractor instead of loading spaCy again."""
    monkeypatch.setitem(runner_module._extractors, None, extractor)
    return extractor


# -- 1. a worker that dies -----------------------------------------------------------------

def test_a_document_that_kills_its_worker_fails_alone_and_the_run_goes_on(
        tmp_path: Path, extractor: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [article(i, f" {KILLER}." if i == 4 else "") for i in range(9)]
    db = tmp_path / "w.db"
    with Store(db) as store:
        ingest(store, [write_jsonl(tmp_path / "in" / "c.jsonl", texts)])
    monkeypatch.setenv(runner_module.KILL_WORKER_ENV, KILLER)
    with Store(db) as store:
        summary = run(store, workers=2, batch_size=3)
        assert (summary.processed, summary.failed, summary.pending_after) == (8, 1, 0)
        errors = store.errors()
        assert list(errors["doc_id"]) == ["d004"]
        assert errors["reason"][0].startswith("worker died: killed by SIGKILL")
        # the others hold exactly what direct extraction gives
        expected = {d.doc_id: d.to_dict() for d in extractor.pipe_pairs(
            [(f"d{i:03d}", t) for i, t in enumerate(texts) if i != 4])}
        stored = {d["doc_id"]: d for d in store.iter_results()}
        assert sorted(stored) == sorted(expected)
        for doc_id, doc in stored.items():
            assert doc["quotes"] == expected[doc_id]["quotes"]
        # a rerun does not trip over it again: failed documents wait for --retry-failed
        again = run(store, workers=2, batch_size=3)
        assert (again.processed, again.failed) == (0, 0)
    assert run_statuses(db) == ["finished", "finished", "finished"]


def test_workers_that_cannot_start_stop_the_run_and_fail_no_document(tmp_path: Path) -> None:
    db = make_store(tmp_path / "m.db", 2)
    with Store(db) as store:
        with pytest.raises(StoreError, match="could not start"):
            run(store, workers=2, model="no_such_spacy_model_xyz")
        assert store.status_counts()["pending"] == 2  # a broken setup is not the documents'


# -- 2. a full disk ---------------------------------------------------------------------

DISK_FULL = [sqlite3.OperationalError("database or disk is full"),
             OSError(errno.ENOSPC, "No space left on device")]


def _full_after(calls: int, error: Exception, original: Any) -> Any:
    """A Store method that works ``calls`` times, then writes half a batch and hits ``error``."""
    seen = []

    def method(self: Store, *args: Any, **kwargs: Any) -> Any:
        seen.append(1)
        if len(seen) > calls:
            with self.transaction() as c:
                c.execute("DELETE FROM quotes")  # a partial write that must be rolled back
                c.execute("UPDATE documents SET status='failed'")
                raise error
        return original(self, *args, **kwargs)
    return method


@pytest.mark.parametrize("error", DISK_FULL, ids=["sqlite", "enospc"])
def test_ingest_on_a_full_disk_says_so_and_keeps_the_store_consistent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    db = make_store(tmp_path / "f.db", 3)
    corpus = write_jsonl(tmp_path / "more" / "c.jsonl", [article(i + 10) for i in range(4)],
                         "more")
    monkeypatch.setattr(Store, "add_documents", _full_after(0, error, Store.add_documents))
    result = cli("ingest", str(corpus), "--db", str(db))
    one_line_error(result, f"disk full writing {db}:")
    with Store(db, readonly=True) as store:
        assert store.integrity_problems() == []
        assert store.status_counts()["ingested"] == 3
        assert store.status_counts()["pending"] == 3  # the half-written batch is not there
    assert run_statuses(db) == ["finished", "interrupted"]


def test_ingest_with_sqlite_really_out_of_room(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own SQLITE_FULL (a page limit stands in for the disk)."""
    db = make_store(tmp_path / "r.db", 2)
    corpus = write_jsonl(tmp_path / "big" / "c.jsonl",
                         [article(i + 10, " More text." * 2000) for i in range(8)], "big")
    original = Store.__init__

    def cramped(self: Store, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 4}")

    monkeypatch.setattr(Store, "__init__", cramped)
    result = cli("ingest", str(corpus), "--db", str(db))
    one_line_error(result, f"disk full writing {db}:", "database or disk is full")
    monkeypatch.setattr(Store, "__init__", original)
    with Store(db, readonly=True) as store:
        assert store.integrity_problems() == []
        assert store.status_counts()["ingested"] == 2
    # with room again, the same command finishes the job
    assert cli("ingest", str(corpus), "--db", str(db)).exit_code == 0
    with Store(db, readonly=True) as store:
        assert store.status_counts()["ingested"] == 10


@pytest.mark.parametrize("error", DISK_FULL, ids=["sqlite", "enospc"])
def test_run_on_a_full_disk_says_so_and_keeps_whole_batches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_extractor: Extractor,
        error: Exception) -> None:
    db = make_store(tmp_path / "f.db", 6)
    monkeypatch.setattr(Store, "save_results", _full_after(1, error, Store.save_results))
    result = cli("run", "--db", str(db), "--batch-size", "3", "--no-progress")
    one_line_error(result, f"disk full writing {db}:")
    monkeypatch.undo()
    monkeypatch.setitem(runner_module._extractors, None, warm_extractor)
    with Store(db, readonly=True) as store:
        assert store.integrity_problems() == []
        counts = store.status_counts()
        assert (counts["processed"], counts["pending"], counts["failed"]) == (3, 3, 0)
        assert counts["quotes"] > 0  # the first batch's quotes survived the failed one
    assert run_statuses(db) == ["finished", "interrupted"]
    assert cli("run", "--db", str(db), "--no-progress").exit_code == 0
    with Store(db, readonly=True) as store:
        assert store.status_counts()["processed"] == 6


# -- 3. the run lock follows the real file -------------------------------------------------

def test_run_lock_is_keyed_by_the_real_file(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db", 1)
    link = tmp_path / "link.db"
    link.symlink_to(db)
    other_spelling = tmp_path / "." / "s.db"
    with Store(db) as store, Store(link) as via_link, Store(other_spelling) as via_dot, \
            runner_module.run_lock(store):
        for other in (via_link, via_dot):
            with pytest.raises(StoreError, match="another"):
                run(other)


# -- 4. killed ingests and SIGTERM'd runs ------------------------------------------------

def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}


def test_a_killed_ingest_reads_as_interrupted_and_the_next_writer_records_it(
        tmp_path: Path) -> None:
    db = make_store(tmp_path / "k.db", 1)
    # an ingest whose process dies (kill -9) right after it started
    code = ("import os, signal, sys\nfrom saidwhat.store import Store\n"
            "s = Store(sys.argv[1]); s.start_run('ingest', {})\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(db)], env=_env(), timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert run_statuses(db) == ["finished", "running"]
    before = digest(db)
    status = cli("status", "--db", str(db))
    assert status.exit_code == 0, status.output
    assert "interrupted runs          1" in status.output
    assert "runs in progress" not in status.output
    assert run_statuses(db) == ["finished", "running"] and digest(db) == before  # read only
    more = write_jsonl(tmp_path / "more" / "c.jsonl", [article(7)], "more")
    assert cli("ingest", str(more), "--db", str(db)).exit_code == 0
    assert run_statuses(db) == ["finished", "interrupted", "finished"]


def test_a_live_run_is_in_progress_and_an_abandoned_one_is_not(tmp_path: Path) -> None:
    db = make_store(tmp_path / "l.db", 1)
    store = Store(db)
    store.start_run("ingest", {})
    with Store(db, readonly=True) as reader:
        assert reader.run_counts() == {"finished": 1, "running": 1}
    store.close()  # closed unfinished (an error stopped it): over, and recorded so
    with Store(db, readonly=True) as reader:
        assert reader.run_counts() == {"finished": 1, "interrupted": 1}


def _long_article(i: int) -> str:
    return "\n\n".join([article(i), f"\"Nobody asked us about pier {i},\" a trader said. "
                        "The board said it would publish a timetable."] * 3)


def test_sigterm_stops_a_run_like_ctrl_c(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    corpus = write_jsonl(tmp_path / "in" / "c.jsonl", [_long_article(i) for i in range(40)])
    with Store(db) as store:
        ingest(store, [corpus])
    proc = subprocess.Popen([*CLI, "run", "--db", str(db), "--no-progress", "--batch-size",
                             "1"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        conn = sqlite3.connect(db, timeout=30)
        try:
            done = conn.execute("SELECT count(*) FROM documents WHERE status='done'").fetchone()
        finally:
            conn.close()
        if done[0] >= 1:  # the first batch is committed: stop it in the middle
            proc.send_signal(signal.SIGTERM)
            break
        time.sleep(0.05)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err.decode()[-2000:]
    assert b"stopped by SIGTERM" in err and b"Traceback" not in err
    assert run_statuses(db) == ["finished", "interrupted"]
    with Store(db, readonly=True) as store:
        assert 1 <= store.status_counts()["processed"] < 40


# -- 5. readers open read-only and refuse what is not a saidwhat store ---------------------

def test_readers_refuse_another_programs_database_and_leave_it_alone(tmp_path: Path) -> None:
    other = tmp_path / "app.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = digest(other)
    for args in (*READERS, ["ingest", str(write_jsonl(tmp_path / "in" / "c.jsonl",
                                                          [article(1)]))], ["run"]):
        result = cli(*args, "--db", str(other))
        assert result.exit_code == 2, (args, result.output)
        assert "not a saidwhat store" in result.output and str(other) in result.output
    assert digest(other) == before
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    conn.close()


def test_readers_never_create_a_missing_store(tmp_path: Path) -> None:
    db = tmp_path / "absent.db"
    for args in READERS:
        result = cli(*args, "--db", str(db))
        assert result.exit_code == 2 and "no such store" in result.output
    with pytest.raises(StoreError, match="no such store"):
        Store(db, readonly=True)
    assert not db.exists()


def test_readonly_store_is_not_migrated_and_cannot_write(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    conn = sqlite3.connect(db)  # a store as the first saidwhat release wrote it
    conn.executescript(f"{MIGRATIONS[0][1]}\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO runs (command, started_at, status) VALUES ('run', 'x', 'running')")
    conn.commit()
    conn.close()
    with Store(db, readonly=True) as store:
        assert store.version == 1
        assert store.status_counts()["ingested"] == 0
        assert store.run_counts() == {"running": 1}  # no owner recorded: cannot tell
        with pytest.raises(StoreError, match="read-only"):
            store.start_run("ingest", {})
        with pytest.raises(sqlite3.OperationalError):
            store.conn.execute("DELETE FROM runs")
    assert cli("status", "--db", str(db)).exit_code == 0
    with Store(db) as store:  # a writer upgrades it
        assert store.version == LATEST_VERSION


# -- 6. damaged files ----------------------------------------------------------------------

def _damage(db: Path, first: int, count: int, seed: int = 8) -> None:
    """Random bytes over ``count`` whole pages from page ``first`` (0-based)."""
    page = 4096
    rng = random.Random(seed)
    with open(db, "r+b") as fh:
        fh.seek(first * page)
        fh.write(bytes(rng.randrange(256) for _ in range(count * page)))


def _page_count(db: Path) -> int:
    return db.stat().st_size // 4096


def test_status_check_reports_damaged_pages(tmp_path: Path) -> None:
    db = make_store(tmp_path / "d.db", 60, " More words about the harbour." * 40)
    healthy = cli("status", "--db", str(db), "--check")
    assert healthy.exit_code == 0 and "integrity check          ok" in healthy.output
    pages = _page_count(db)
    assert pages > 20
    _damage(db, pages // 2, 4)
    checked = cli("status", "--db", str(db), "--check")
    assert checked.exit_code == 1, checked.output
    assert "Traceback" not in checked.output
    assert f"store {db} is damaged" in checked.output
    assert len(checked.output.splitlines()) >= 2  # the problems themselves are listed


def test_a_damaged_table_is_a_one_line_error_for_every_command(tmp_path: Path) -> None:
    db = make_store(tmp_path / "d.db", 30, " More words about the harbour." * 40)
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='documents'").fetchone()[0]
    conn.close()
    _damage(db, root - 1, 1)  # the documents table's root page
    out = tmp_path / "tables"
    # commands that read the documents table (plain `status` counts through an index only)
    for args in (["export", "--format", "csv", "-o", str(out)], ["status", "--check"],
                 ["run", "--no-progress"]):
        result = cli(*args, "--db", str(db))
        if args[0] == "status":
            assert result.exit_code == 1 and "is damaged" in result.output
            continue
        one_line_error(result, str(db), "malformed")
    assert not (out / "documents.csv").exists()


def test_a_file_of_random_bytes_is_a_one_line_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(random.Random(3).randbytes(16 * 4096))
    before = digest(junk)
    corpus = write_jsonl(tmp_path / "in" / "c.jsonl", [article(1)])
    for args in (*READERS, ["status", "--check"], ["run"], ["ingest", str(corpus)]):
        result = cli(*args, "--db", str(junk))
        one_line_error(result, str(junk), "not a database")
    assert digest(junk) == before
    with pytest.raises(StoreDamagedError):
        Store(junk, readonly=True)


# -- 7. ingest's exit code -----------------------------------------------------------------

@pytest.fixture()
def inputs(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(article(1), encoding="utf-8")
    (folder / "same.txt").write_text(article(1), encoding="utf-8")  # a duplicate
    (folder / "de.txt").write_text(
        "Die Bewohner von Ostfeld haben sich am Montag getroffen, um über den Fahrplan der "
        "Fähre zu sprechen. Der Betreiber sagte, er werde den Plan prüfen.", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")  # skipped: unsupported type
    yield folder


def test_ingest_exit_code_counts_failures_not_skips(tmp_path: Path, inputs: Path) -> None:
    db = str(tmp_path / "s.db")
    clean = cli("ingest", str(inputs), "--db", db)
    assert clean.exit_code == 0, clean.output  # duplicates and skips are not failures
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    failed = cli("ingest", str(inputs), "--db", db)
    assert failed.exit_code == 1, failed.output
    assert "2 inputs failed" in failed.output and "Traceback" not in failed.output
    assert "ingested 0 new documents" in failed.output  # the summary still comes first
