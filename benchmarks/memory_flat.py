#!/usr/bin/env python
"""Does memory stay flat over a long run? Resident memory against documents processed.

    python benchmarks/memory_flat.py --docs 5000 --workers 1 --json out/memory-1w.json

A fresh store ingests a synthetic corpus (``corpus_generate.py``; every article also gets
invented names and reference codes, so the vocabulary keeps growing as real news does),
then ``saidwhat run --workers N`` extracts it in a subprocess. Every 0.5 s the resident
memory of the run's process tree (parent + workers) is sampled together with the number
of processed documents. Reported: median and maximum RSS while the second tenth of the
corpus is processed and while the last tenth is, their ratios (the target: <= 1.1), and
the samples themselves.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_generate import ArticleFactory  # noqa: E402

CLI = [sys.executable, "-c", "from saidwhat.cli import main; main()"]


def _invented_word(rng: random.Random) -> str:
    return rng.choice(string.ascii_uppercase) + "".join(
        rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))


def write_growing_corpus(path: Path, n: int, seed: int = 0) -> None:
    """Synthetic articles plus never-seen words, so spaCy's string store grows."""
    gen = ArticleFactory(seed)
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for art in gen.articles(n):
            extra = (f" {_invented_word(rng)} {_invented_word(rng)}, a spokesperson for "
                     f"{_invented_word(rng)} Holdings, said reference "
                     f"{rng.randrange(10**8):08d}-{_invented_word(rng).upper()} was filed.")
            art["text"] += extra
            fh.write(json.dumps(art, ensure_ascii=False) + "\n")


def processed(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        (n,) = conn.execute("SELECT count(*) FROM documents WHERE status != 'pending'"
                            ).fetchone()
    except sqlite3.Error:
        n = 0
    finally:
        conn.close()
    return int(n)


def tree_rss(proc: psutil.Process) -> int:
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(n_docs: int, workers: int, batch_size: int, workdir: Path) -> dict[str, Any]:
    corpus = workdir / "corpus.jsonl"
    write_growing_corpus(corpus, n_docs)
    db = workdir / f"mem-{workers}w.db"
    subprocess.run(CLI + ["ingest", str(corpus), "--db", str(db)], check=True,
                   capture_output=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(CLI + ["run", "--db", str(db), "--workers", str(workers),
                                   "--batch-size", str(batch_size)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    samples: list[tuple[float, int, float]] = []
    while proc.poll() is None:
        try:
            rss = tree_rss(ps)
        except psutil.Error:
            break
        samples.append((round(time.perf_counter() - t0, 1), processed(db),
                        round(rss / 2**20, 1)))
        time.sleep(0.5)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.wait() != 0:
        raise SystemExit(f"run failed:\n{err[-3000:]}")
    # RSS moves by a hundred MB within a batch (the parser's buffers come and go), so one
    # sample says little: compare the medians and maxima of two bands of the run, the
    # second tenth of the documents and the last tenth
    def band(lo: float, hi: float) -> list[float]:
        return [m for _, c, m in samples if lo * n_docs <= c <= hi * n_docs]

    early, late = band(0.1, 0.2), band(0.9, 1.0)
    if not early or not late:
        raise SystemExit("too few samples: use more --docs")
    e_med, l_med = statistics.median(early), statistics.median(late)
    return {"docs": n_docs, "workers": workers, "batch_size": batch_size,
            "wall_s": round(time.perf_counter() - t0, 1),
            "rss_mb_median_docs_10_20pct": e_med, "rss_mb_median_docs_90_100pct": l_med,
            "rss_mb_max_docs_10_20pct": max(early), "rss_mb_max_docs_90_100pct": max(late),
            "ratio_median": round(l_med / e_med, 3), "ratio_max": round(max(late) / max(early), 3),
            "peak_mb": max(m for _, _, m in samples),
            "samples": samples}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1])
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--json", type=Path, help="Also write the results (with samples) here.")
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="saidwhat-mem-") as tmp:
        for w in args.workers:
            r = measure(args.docs, w, args.batch_size, Path(tmp))
            results.append(r)
            summary = {k: v for k, v in r.items() if k != "samples"}
            print(json.dumps(summary))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
