#!/usr/bin/env python
"""The corpus store at scale: ingest and run speed, peak memory, store size, query time.

    python benchmarks/corpus_store_bench.py --docs 100000 --workers 1 2 \\
        --query-docs 100000 --json out/store-100k.json

For each worker count, a fresh store ingests the same synthetic corpus
(``corpus_generate.py``) and ``saidwhat run --workers N`` extracts it, each command in
its own subprocess. Reported:

* documents/second of ``saidwhat run`` -- over the whole command (``wall``, model loading
  included) and in steady state (``steady``: from the first batch commit to the last);
* peak resident memory of the run's whole process tree (parent + workers, sampled every
  0.1 s) and of the parent alone;
* store size per 1,000 documents (after a WAL checkpoint), and how much of it is text;
* whether the 1- and N-worker stores hold identical results;
* the time of ``saidwhat quotes --speaker NAME`` on a store of ``--query-docs`` documents
  (command wall time, interpreter start included, and the API call alone). If
  ``--query-docs`` exceeds ``--docs``, the processed rows are replicated under new ids to
  reach that size (said so in the output): extraction results are per document, so a
  replicated store has the size and index shape of a real one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_generate import write_corpus  # noqa: E402

CLI = [sys.executable, "-c", "from saidwhat.cli import main; main()"]


class TreeMemory:
    """Samples the resident memory of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_tree = self.peak_parent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                parent = self.proc.memory_info().rss
                total = parent
                for child in self.proc.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak_parent = max(self.peak_parent, parent)
            self.peak_tree = max(self.peak_tree, total)
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(args: list[str], limit_s: float | None = None) -> dict[str, Any]:
    """Run a command, sampling its process tree's memory; with ``limit_s``, stop it (SIGINT,
    then SIGKILL) after that many seconds -- the store keeps every committed batch."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    mem = TreeMemory(proc.pid)
    stopped = False
    try:
        out, err = proc.communicate(timeout=limit_s)
    except subprocess.TimeoutExpired:
        stopped = True
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    wall = time.perf_counter() - t0
    mem.stop()
    if stopped:
        return {"wall_s": round(wall, 2), "peak_tree_mb": round(mem.peak_tree / 2**20, 1),
                "peak_parent_mb": round(mem.peak_parent / 2**20, 1), "stdout": out.decode(),
                "stopped_after_s": limit_s}
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[3:])} failed:\n{err.decode()[-3000:]}")
    return {"wall_s": round(wall, 2), "peak_tree_mb": round(mem.peak_tree / 2**20, 1),
            "peak_parent_mb": round(mem.peak_parent / 2**20, 1), "stdout": out.decode()}


def processed_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    (n,) = conn.execute("SELECT count(*) FROM documents WHERE status='done'").fetchone()
    conn.close()
    return int(n)


def steady_rate(db: Path) -> float | None:
    """Documents per second between the first and the last batch commit."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT processed_at, count(*) FROM documents WHERE status='done' "
                        "GROUP BY processed_at ORDER BY processed_at").fetchall()
    conn.close()
    if len(rows) < 2:
        return None
    first, last = (datetime.fromisoformat(rows[0][0]), datetime.fromisoformat(rows[-1][0]))
    secs = (last - first).total_seconds()
    return round(sum(n for _, n in rows[1:]) / secs, 2) if secs else None


def store_size(db: Path, n_docs: int) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    text_bytes = conn.execute("SELECT sum(length(CAST(text AS BLOB))) FROM documents"
                              ).fetchone()[0] or 0
    quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    conn.close()
    size = db.stat().st_size
    return {"bytes": size, "mb_per_1000_docs": round(size / n_docs * 1000 / 2**20, 2),
            "text_mb_per_1000_docs": round(text_bytes / n_docs * 1000 / 2**20, 2),
            "quotes": quotes}


def results_digest(db: Path) -> str:
    from saidwhat.store import Store

    h = hashlib.sha256()
    with Store(db) as store:
        for doc in store.iter_results():
            h.update(json.dumps(doc, sort_keys=True).encode())
    return h.hexdigest()


def replicate(src: Path, dst: Path, target_docs: int) -> int:
    """Copy ``src`` to ``dst`` and repeat its processed documents under new ids until the
    store holds ``target_docs`` documents."""
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(dst, isolation_level=None)
    n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    step = conn.execute("SELECT max(pk) FROM documents").fetchone()[0]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    k = 0
    while n < target_docs:
        k += 1
        take = min(step, target_docs - n)
        sel = ", ".join(
            f"pk + {k * step}" if c == "pk" else
            f"doc_id || '#r{k}'" if c == "doc_id" else
            f"content_hash || '#r{k}'" if c == "content_hash" else c for c in cols)
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO documents ({', '.join(cols)}) SELECT {sel} FROM documents "
                     f"WHERE pk <= ? ORDER BY pk LIMIT ?", (step, take))
        for table in ("quotes", "entities"):  # every column, whatever the schema version
            tcols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            tsel = ", ".join(f"doc_pk + {k * step}" if c == "doc_pk" else c for c in tcols)
            conn.execute(f"INSERT INTO {table} ({', '.join(tcols)}) SELECT {tsel} FROM {table} "
                         "WHERE doc_pk IN (SELECT pk - ? FROM documents WHERE pk > ? AND pk <= ?)",
                         (k * step, k * step, k * step + step))
        conn.execute("COMMIT")
        n += take
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return n


def query_timing(db: Path, repeats: int) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    name, count = conn.execute(
        "SELECT speaker_name, count(*) FROM quotes WHERE speaker_type='person' "
        "AND speaker_name IS NOT NULL GROUP BY speaker_norm ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    cli = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([*CLI, "quotes", "--db", str(db), "--speaker", name, "--format", "csv"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cli.append(time.perf_counter() - t0)
    from saidwhat.store import Store

    api = []
    with Store(db) as store:
        for _ in range(repeats):
            t0 = time.perf_counter()
            rows = len(store.quotes(speaker=name))
            api.append(time.perf_counter() - t0)
    return {"store_docs": docs, "speaker": name, "rows": rows, "matching_quotes": count,
            "cli_s": round(statistics.median(cli), 3), "api_s": round(statistics.median(api), 4),
            "store_mb": round(db.stat().st_size / 2**20, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--query-docs", type=int, default=None,
                    help="store size for the query timing (default: --docs)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=None,
                    help="keep corpus and stores here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--run-seconds", type=float, default=None,
                    help="stop each `saidwhat run` after this long and report the rate and "
                         "memory of what it did (for corpora too large to extract here)")
    args = ap.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="saidwhat-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "docs": args.docs, "batch_size": args.batch_size,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "runs": {}}
    corpus = work / f"corpus-{args.docs}.jsonl.gz"
    t0 = time.perf_counter()
    chars = write_corpus(corpus, args.docs)
    report["generate_s"] = round(time.perf_counter() - t0, 2)
    report["avg_chars"] = round(chars / args.docs)
    print(f"corpus: {args.docs} docs, {report['avg_chars']} chars avg, "
          f"{report['generate_s']} s", file=sys.stderr)

    digests = {}
    for w in args.workers:
        db = work / f"store-{args.docs}-w{w}.db"
        for f in work.glob(db.name + "*"):
            f.unlink()
        ing = run_measured([*CLI, "ingest", str(corpus), "--db", str(db), "--no-progress"])
        run = run_measured([*CLI, "run", "--db", str(db), "--workers", str(w),
                            "--batch-size", str(args.batch_size), "--no-progress"],
                           limit_s=args.run_seconds)
        done = processed_count(db)
        entry = {
            "processed": done, "stopped_after_s": run.get("stopped_after_s"),
            "ingest_s": ing["wall_s"], "ingest_docs_per_s": round(args.docs / ing["wall_s"], 1),
            "ingest_peak_mb": ing["peak_tree_mb"],
            "run_s": run["wall_s"], "docs_per_s_wall": round(done / run["wall_s"], 2),
            "docs_per_s_steady": steady_rate(db),
            "peak_tree_mb": run["peak_tree_mb"], "peak_parent_mb": run["peak_parent_mb"],
            "store": store_size(db, args.docs)}
        digests[w] = results_digest(db)
        report["runs"][str(w)] = entry
        print(f"workers={w}: {json.dumps(entry)}", file=sys.stderr)
    if len(args.workers) > 1:
        one, *others = args.workers
        if args.run_seconds is None:  # stopped runs processed different amounts
            report["identical_results"] = all(digests[o] == digests[one] for o in others)
        base = report["runs"][str(one)]
        for o in others:
            r = report["runs"][str(o)]
            for key in ("docs_per_s_wall", "docs_per_s_steady"):
                if base[key] and r[key]:
                    r[f"speedup_{key.split('_')[-1]}"] = round(r[key] / base[key], 2)

    src = work / f"store-{args.docs}-w{args.workers[0]}.db"
    target = args.query_docs or args.docs
    qdb = work / f"query-{target}.db"
    for f in work.glob(qdb.name + "*"):
        f.unlink()
    n = replicate(src, qdb, target)
    report["query"] = {**query_timing(qdb, args.repeats),
                       "replicated_from": args.docs if n > args.docs else None}
    print(f"query: {json.dumps(report['query'])}", file=sys.stderr)
    out = json.dumps(report, indent=2)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(out + "\n")
    print(out)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
