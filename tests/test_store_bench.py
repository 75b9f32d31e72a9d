"""The store benchmark's pieces: the synthetic corpus generator and the store replication
used for the 100k query timing. Numbers are measured by the script, never asserted here."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

from saidwhat.store import Store, ingest, run
from saidwhat.store.lang import detect_english

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str):
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic_english_news_with_quotes() -> None:
    gen = _load("corpus_generate")
    a, b = gen.ArticleFactory(seed=1), gen.ArticleFactory(seed=1)
    arts = list(a.articles(50))
    assert arts == list(b.articles(50))
    assert arts[7] == a.article(7)  # article i does not depend on the ones before it
    assert len({x["id"] for x in arts}) == len({x["text"] for x in arts}) == 50
    assert all(detect_english(x["text"]).language == "en" for x in arts)
    assert sum("\u201c" in x["text"] or '"' in x["text"] for x in arts) >= 45
    words = [len(x["text"].split()) for x in arts]
    assert 100 < min(words) and max(words) < 900
    assert gen.ArticleFactory(seed=2).article(0) != arts[0]


def test_replicate_fills_a_store_to_the_target_size(tmp_path: Path) -> None:
    gen = _load("corpus_generate")
    bench = _load("corpus_store_bench")
    corpus = tmp_path / "c.jsonl"
    gen.write_corpus(corpus, 6)
    with Store(tmp_path / "s.db") as store:
        ingest(store, [corpus])
        run(store, batch_size=3)
        quotes_per_copy = store.status_counts()["quotes"]
    assert bench.replicate(tmp_path / "s.db", tmp_path / "big.db", 20) == 20
    conn = sqlite3.connect(tmp_path / "big.db")
    assert conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() \
        == (20, 20)
    n_quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    assert quotes_per_copy * 3 <= n_quotes <= quotes_per_copy * 4  # 6 + 6 + 6 + 2 documents
    orphans = conn.execute("SELECT count(*) FROM quotes WHERE doc_pk NOT IN "
                           "(SELECT pk FROM documents)").fetchone()[0]
    assert orphans == 0
