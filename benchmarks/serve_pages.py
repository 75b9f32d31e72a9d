#!/usr/bin/env python
"""`saidwhat serve` page times on a large store (target: < 300 ms a page).

    python benchmarks/serve_pages.py --docs 100000 --json out/serve-100k.json

Builds a store of ``--seed-docs`` synthetic articles (``corpus_generate.py``) extracted by
saidwhat, replicates the extracted rows under new ids up to ``--docs`` documents (by SQL,
as ``corpus_store_bench.py`` does: the store has the size and index shape of a real one; the
full-text index is filled by its triggers), adds corrections (codes, reviewed marks,
rejects) to ``--corrected`` documents, then times the pages through the ASGI app in
process (Starlette's TestClient: routing, SQL and template rendering; no network): the
corpus page unfiltered, deep in its pages, under each filter and with text searches, and
the document page. Each is requested ``--repeats`` times; the median and the slowest are
reported (the first request of each page is in the slowest).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build(work: Path, docs: int, seed_docs: int, corrected: int) -> tuple[Path, dict[str, Any]]:
    from saidwhat.store import Store, ingest, run

    gen = _bench_module("corpus_generate")
    bench = _bench_module("corpus_store_bench")
    corpus = work / "seed.jsonl.gz"
    gen.write_corpus(corpus, seed_docs)
    seed = work / "seed.db"
    t0 = time.perf_counter()
    with Store(seed) as store:
        ingest(store, [corpus])
        run(store, workers=1)
    extract_s = time.perf_counter() - t0
    db = work / "big.db"
    t0 = time.perf_counter()
    n = bench.replicate(seed, db, docs)
    replicate_s = time.perf_counter() - t0
    rng = random.Random(0)
    t0 = time.perf_counter()
    with Store(db) as store:
        ids = [r[0] for r in store.conn.execute(
            "SELECT d.doc_id FROM documents d WHERE EXISTS (SELECT 1 FROM quotes q WHERE "
            "q.doc_pk = d.pk) ORDER BY pk")]
        for doc_id in rng.sample(ids, min(corrected, len(ids))):
            quote = store.document_view(doc_id)["quotes"][0]["id"]
            store.add_correction(doc_id, "code", coder="bench", quote_id=quote,
                                 value={"concept": rng.choice(["housing", "transport"]),
                                        "agreement": rng.choice(["support", "oppose"])})
            if rng.random() < 0.5:
                store.add_correction(doc_id, "reviewed", coder="bench",
                                     value={"reviewed": True})
            if rng.random() < 0.3:
                store.add_correction(doc_id, "reject", coder="bench", quote_id=quote)
        store.conn.execute("ANALYZE")
    corrections_s = time.perf_counter() - t0
    return db, {"docs": n, "seed_docs": seed_docs, "corrected_docs": corrected,
                "extract_seed_s": round(extract_s, 1), "replicate_s": round(replicate_s, 1),
                "corrections_s": round(corrections_s, 1), **describe(db)}


def describe(db: Path) -> dict[str, Any]:
    """What the timed pages ask for: the most quoted person, an outlet, a document."""
    from saidwhat.store import Store

    with Store(db, readonly=True) as store:
        speaker = store.conn.execute(
            "SELECT speaker_name FROM quotes WHERE speaker_type='person' AND speaker_name IS "
            "NOT NULL GROUP BY speaker_norm ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        docs = store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        sample = store.conn.execute("SELECT doc_id FROM documents WHERE pk >= ? ORDER BY pk "
                                    "LIMIT 1", (docs // 2,)).fetchone()[0]
        return {"docs": docs, "store_mb": round(db.stat().st_size / 2**20, 1),
                "speaker": speaker, "outlet": store.outlets()[0], "word": "council",
                "sample_doc": sample}


def time_pages(db: Path, info: dict[str, Any], repeats: int) -> dict[str, Any]:
    from starlette.testclient import TestClient

    from saidwhat.web.app import create_app

    client = TestClient(create_app(db, coder="bench", allowed_hosts=["testserver"]))
    pages: dict[str, tuple[str, dict[str, str]]] = {
        "corpus": ("/", {}),
        "corpus page 1000 (offset 49,950)": ("/", {"page": "1000"}),
        "corpus outlet": ("/", {"outlet": info["outlet"]}),
        "corpus date range": ("/", {"since": "2022-03-01", "until": "2022-06"}),
        "corpus speaker": ("/", {"speaker": info["speaker"]}),
        "corpus concept": ("/", {"concept": "housing"}),
        "corpus reviewed": ("/", {"reviewed": "yes"}),
        "corpus not reviewed, page 50": ("/", {"reviewed": "no", "page": "50"}),
        "corpus search word": ("/", {"q": info["word"]}),
        "corpus search phrase + outlet": ("/", {"q": '"the council"', "outlet": info["outlet"]}),
        "corpus search rare word": ("/", {"q": "zyzzyva"}),
        "corpus speaker + dates": ("/", {"speaker": info["speaker"], "since": "2021"}),
        "document": ("/doc", {"id": info["sample_doc"]}),
    }
    out: dict[str, Any] = {}
    for name, (path, params) in pages.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            r = client.get(path, params=params)
            times.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise SystemExit(f"{name}: HTTP {r.status_code}: {r.text[:300]}")
        out[name] = {"median_ms": round(statistics.median(times) * 1000, 1),
                     "max_ms": round(max(times) * 1000, 1),
                     "rows": r.text.count('href="/doc?id=') if path == "/" else None}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed-docs", type=int, default=200)
    ap.add_argument("--corrected", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--work", type=Path, default=None, help="folder for the stores "
                                                             "(default: a temporary one)")
    ap.add_argument("--store", type=Path, default=None,
                    help="time the pages of this store (one built before) instead of building")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.store:
        db, info = args.store, describe(args.store)
    else:
        work = args.work or Path(tempfile.mkdtemp(prefix="saidwhat-serve-bench-"))
        db, info = build(work, args.docs, args.seed_docs, args.corrected)
    result = {"store": info, "pages": time_pages(db, info, args.repeats),
              "target_ms": 300}
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        from saidwhat.atomic import atomic_write

        with atomic_write(args.json, encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
