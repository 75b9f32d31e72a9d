"""`saidwhat run` killed with SIGKILL mid-corpus, then rerun: exactly one result per
document, the same as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from saidwhat.store import Store, ingest

N_DOCS = 40
CLI = [sys.executable, "-c", "from saidwhat.cli import main; main()"]


def article(i: int) -> str:
    # Several paragraphs each, so the run lasts long enough to be killed in the middle.
    paragraphs = [
        f"Officials in district {i} said on Monday that the water works would close for "
        f"{i % 5 + 2} weeks. \"We expect the repairs to finish before the holidays,\" said "
        f"Nadia Ferreira, the works manager.",
        f"Residents said they were worried. \"Nobody told us about this,\" one shop owner "
        f"said. The council said it would publish a timetable for street {i}.",
        "The opposition leader, Paul Amsel, said the plan was rushed and that the council "
        "had ignored earlier warnings about the old pipes.",
    ]
    return "\n\n".join(paragraphs * 3)


def _run_cli(db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*CLI, "run", "--db", str(db), "--no-progress", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _done(db: Path) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM documents WHERE status='done'").fetchone()[0]
    finally:
        conn.close()


def _ingest(db: Path, corpus: Path) -> None:
    with Store(db) as store:
        assert ingest(store, [corpus]).added == N_DOCS


def _results(db: Path) -> list[dict]:
    with Store(db) as store:
        return sorted(store.iter_results(), key=lambda d: d["doc_id"])


def test_sigkill_then_rerun_gives_one_result_per_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"k{i:02d}", "text": article(i)}) + "\n"
                              for i in range(N_DOCS)), encoding="utf-8")
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    _ingest(killed_db, corpus)
    _ingest(clean_db, corpus)

    proc = _run_cli(killed_db, "--batch-size", "2")
    deadline = time.monotonic() + 300
    done_at_kill = 0
    while time.monotonic() < deadline and proc.poll() is None:
        done_at_kill = _done(killed_db)
        if done_at_kill >= 2:  # the first batch is committed: kill in the middle of the run
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    after_kill = _done(killed_db)
    assert 2 <= after_kill < N_DOCS, "the run must be killed part-way"
    assert after_kill % 2 == 0  # whole batches only: nothing half-written

    rerun = _run_cli(killed_db, "--batch-size", "2")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()[-2000:]
    assert f"{N_DOCS - after_kill} processed, 0 failed" in out.decode()

    clean = _run_cli(clean_db, "--batch-size", "7")
    assert clean.wait(timeout=600) == 0

    with Store(killed_db) as store:
        counts = store.status_counts()
        assert (counts["processed"], counts["pending"], counts["failed"]) == (N_DOCS, 0, 0)
        per_doc = store.conn.execute(
            "SELECT d.doc_id, count(DISTINCT q.quote_id), count(q.quote_id) FROM documents d "
            "LEFT JOIN quotes q ON q.doc_pk = d.pk GROUP BY d.pk").fetchall()
        assert all(distinct == total for _, distinct, total in per_doc)  # no duplicate rows
        statuses = [r[0] for r in store.conn.execute(
            "SELECT status FROM runs WHERE command='run' ORDER BY id")]
        assert statuses == ["interrupted", "finished"]
    killed, uninterrupted = _results(killed_db), _results(clean_db)
    assert [d["doc_id"] for d in killed] == [f"k{i:02d}" for i in range(N_DOCS)]
    assert killed == uninterrupted
    assert sum(len(d["quotes"]) for d in killed) > 0
