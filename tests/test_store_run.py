"""Store runs: results equal direct extraction, parallel equals serial, failures recorded,
exports in the contract's shape, quick queries, schema migrations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from saidwhat import Document, Extractor
from saidwhat.cli import main
from saidwhat.store import Store, StoreError, export, ingest, normalize_name, run
from saidwhat.store import runner as runner_module
from saidwhat.store.schema import LATEST_VERSION

SPEAKERS = ["Mara Quill", "Ivo Brandt", "Sofía Ortega", "Ted Nakamura"]
OUTLETS = ["Tidewater Post", "Gazette"]


def article(i: int) -> str:
    who = SPEAKERS[i % len(SPEAKERS)]
    return (f"The council met on Thursday to vote on plan number {i}. \"This plan will "
            f"change how the district works for years,\" said {who}, who leads the "
            f"committee. {who.split()[-1]} added that the vote was close.")


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"d{i:03d}", "text": article(i),
                                 "date": f"2024-0{1 + i % 9}-1{i % 10}",
                                 "outlet": OUTLETS[i % 2]}) + "\n")
    return path


@pytest.fixture()
def corpus_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "s.db")
    ingest(store, [write_corpus(tmp_path / "in", 12)])
    yield store
    store.close()


def results(store: Store) -> list[dict]:
    return sorted(store.iter_results(), key=lambda d: d["doc_id"])


def test_serial_run_stores_exactly_what_extract_returns(corpus_store: Store,
                                                        extractor: Extractor) -> None:
    summary = run(corpus_store, batch_size=5)
    assert (summary.processed, summary.failed, summary.batches) == (12, 0, 3)
    assert corpus_store.status_counts()["pending"] == 0
    expected = {d.doc_id: d.to_dict() for d in extractor.pipe_pairs(
        [(f"d{i:03d}", article(i)) for i in range(12)])}
    stored = results(corpus_store)
    assert [d["doc_id"] for d in stored] == sorted(expected)
    for doc in stored:
        want = expected[doc["doc_id"]]
        assert doc["quotes"] == want["quotes"] and doc["entities"] == want["entities"]
        assert doc["meta"]["outlet"] in OUTLETS
    assert any(doc["quotes"] for doc in stored)
    # a second run finds nothing to do and changes nothing
    assert run(corpus_store).processed == 0
    assert results(corpus_store) == stored


def test_results_do_not_depend_on_batch_size(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 7)
    outs = []
    for size in (1, 3, 7):
        with Store(tmp_path / f"b{size}.db") as store:
            ingest(store, [corpus])
            run(store, batch_size=size)
            outs.append(results(store))
    assert outs[0] == outs[1] == outs[2]


def test_two_worker_processes_equal_one(corpus_store: Store, tmp_path: Path) -> None:
    summary = run(corpus_store, batch_size=2, workers=2)
    assert summary.processed == 12 and summary.backend == "processes"
    with Store(tmp_path / "serial.db") as serial:
        ingest(serial, [tmp_path / "in" / "corpus.jsonl"])
        run(serial, batch_size=5)
        assert results(serial) == results(corpus_store)


class _FailOn:
    """An extractor that breaks on one document, like a parser crash on odd input."""

    def __init__(self, inner: Extractor, marker: str) -> None:
        self.inner, self.marker = inner, marker

    def pipe(self, items: Iterable[tuple[str, str]], batch_size: int = 32) -> Iterator[Document]:
        items = list(items)
        if any(self.marker in text for _, text in items):
            raise RuntimeError("parser crashed")
        return self.inner.pipe_pairs(items, batch_size=batch_size)


def test_a_failing_document_fails_alone_and_can_be_retried(
        corpus_store: Store, extractor: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus_store.conn.execute("UPDATE documents SET text = text || ' plan number 7x.' "
                              "WHERE doc_id='d007'")
    monkeypatch.setitem(runner_module._extractors, None, _FailOn(extractor, "7x."))
    summary = run(corpus_store, batch_size=4)
    assert (summary.processed, summary.failed) == (11, 1)
    counts = corpus_store.status_counts()
    assert (counts["processed"], counts["failed"], counts["pending"]) == (11, 1, 0)
    errors = corpus_store.errors()
    assert list(errors["doc_id"]) == ["d007"] and "parser crashed" in errors["reason"][0]
    monkeypatch.setitem(runner_module._extractors, None, extractor)
    assert run(corpus_store).processed == 0  # failed documents wait for --retry-failed
    assert run(corpus_store, retry_failed=True).processed == 1
    assert corpus_store.status_counts()["failed"] == 0
    assert corpus_store.errors().empty  # the fixed failure is no longer listed


def test_quotes_query_by_speaker_date_and_outlet(corpus_store: Store) -> None:
    run(corpus_store)
    everything = corpus_store.quotes()
    assert len(everything) == corpus_store.status_counts()["quotes"] > 0
    named = everything.dropna(subset=["speaker_name"])
    if named.empty:
        pytest.skip("the extractor attributed no speaker in these articles")
    name = named["speaker_name"].iloc[0]
    by_full = corpus_store.quotes(speaker=name)
    expected = everything[everything["speaker_name"].map(normalize_name)
                          == normalize_name(name)]
    assert len(by_full) == len(expected) > 0
    last = name.split()[-1]
    by_last = corpus_store.quotes(speaker=last.upper())
    assert set(by_full["doc_id"]) <= set(by_last["doc_id"])
    since = corpus_store.quotes(since="2024-05-01")
    assert len(since) == (everything["date"] >= "2024-05-01").sum()
    gazette = corpus_store.quotes(outlet="gazette")
    assert len(gazette) == (everything["outlet"] == "Gazette").sum() > 0


def test_speaker_query_uses_the_index(corpus_store: Store) -> None:
    plan = corpus_store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM quotes WHERE speaker_norm IN (?, ?) "
        "OR speaker_last IN (?, ?)", ("a", "b", "a", "b")).fetchall()
    detail = " ".join(row[-1] for row in plan)
    assert "quotes_speaker_norm" in detail and "quotes_speaker_last" in detail


def test_normalize_name() -> None:
    # saidwhat.names.name_key: titles dropped, hyphenated surnames one word
    assert normalize_name("Dr. Sofía  Ortega-Ruiz") == "sofia ortega-ruiz"
    assert normalize_name("Councillor Ann Roe") == "ann roe"
    assert normalize_name("General Motors", "organization") == "general motors"
    assert normalize_name("  ") is None and normalize_name(None) is None


def _fake_quote(name: str, kind: str = "person") -> dict[str, object]:
    return {"id": "q1", "kind": "direct", "content": {"start": 0, "end": 2, "text": "hi"},
            "speaker": {"name": name, "type": kind}}


def test_migration_4_recomputes_speaker_keys(tmp_path: Path) -> None:
    from saidwhat.store import DocumentRecord, ExtractionResult

    db = tmp_path / "old.db"
    with Store(db) as store:
        store.add_documents([DocumentRecord("d1", "hi there", "txt", "d1.txt")], None)
        store.save_results([ExtractionResult(1, {"quotes": [_fake_quote("Councillor Ann Roe")],
                                                 "entities": []})], None)
        # what a store written before schema version 4 holds
        store.conn.execute("UPDATE quotes SET speaker_norm='councillor ann roe', "
                           "speaker_last='roe'")
        store.conn.execute("PRAGMA user_version = 3")
    with Store(db, readonly=True) as old:  # readers never migrate: the old keys still work
        assert old.version == 3
        assert len(old.quotes(speaker="Councillor Ann Roe")) == 1
        assert len(old.quotes(speaker="Roe")) == 1
    with Store(db) as store:  # a writer upgrades: keys by saidwhat.names.name_key
        assert store.version >= 4
        assert store.conn.execute("SELECT speaker_norm, speaker_last FROM quotes"
                                  ).fetchone() == ("ann roe", "roe")
        for query in ("Ann Roe", "Cllr Ann Roe", "ROE", "Councillor Roe"):
            assert len(store.quotes(speaker=query)) == 1, query


def test_exports_jsonl_parquet_csv(corpus_store: Store, tmp_path: Path) -> None:
    run(corpus_store)
    assert export(corpus_store, "jsonl", tmp_path / "out.jsonl") == {"documents": 12}
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == 12
    for line in lines:  # the extraction contract's shape, readable by Document.from_dict
        assert set(line) == {"doc_id", "meta", "quotes", "entities"}
        assert Document.from_dict(line).to_dict()["quotes"] == line["quotes"]
    n_quotes = corpus_store.status_counts()["quotes"]
    written = export(corpus_store, "parquet", tmp_path / "pq")
    assert written["documents"] == 12 and written["quotes"] == n_quotes
    quotes = pq.read_table(tmp_path / "pq" / "quotes.parquet").to_pandas()
    assert len(quotes) == n_quotes and "speaker_name" in quotes.columns
    export(corpus_store, "csv", tmp_path / "csv")
    docs = pd.read_csv(tmp_path / "csv" / "documents.csv")
    assert sorted(docs["doc_id"]) == [f"d{i:03d}" for i in range(12)]
    assert len(pd.read_csv(tmp_path / "csv" / "quotes.csv")) == n_quotes


def test_cli_ingest_run_status_quotes_export(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 6)
    db = str(tmp_path / "cli.db")
    cli = CliRunner()
    out = cli.invoke(main, ["ingest", str(corpus), "--db", db])
    assert out.exit_code == 0 and "ingested 6 new documents" in out.output
    out = cli.invoke(main, ["run", "--db", db, "--batch-size", "4"])
    assert out.exit_code == 0, out.output
    assert "6 processed, 0 failed" in out.output
    status = cli.invoke(main, ["status", "--db", db])
    assert "processed                 6" in status.output
    assert "pending                   0" in status.output
    out = cli.invoke(main, ["quotes", "--db", db, "--outlet", "Gazette", "--format", "jsonl"])
    assert out.exit_code == 0
    rows = [json.loads(x) for x in out.output.splitlines() if x.startswith("{")]
    assert rows and {r["outlet"] for r in rows} == {"Gazette"}
    out = cli.invoke(main, ["export", "--db", db, "--format", "jsonl", "-o",
                            str(tmp_path / "x.jsonl")])
    assert out.exit_code == 0
    assert len((tmp_path / "x.jsonl").read_text().splitlines()) == 6
    missing = cli.invoke(main, ["status", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 2 and "no such store" in missing.output


def test_schema_is_versioned(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, just notes\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="not a saidwhat store"):
        Store(notes)
    result = CliRunner().invoke(main, ["status", "--db", str(notes)])
    # not a database at all: a one-line error naming the file (exit 1, like a damaged store)
    assert result.exit_code == 1 and "not a saidwhat store" in result.output


def test_one_run_at_a_time(corpus_store: Store) -> None:
    with runner_module.run_lock(corpus_store), pytest.raises(StoreError, match="another"):
        run(corpus_store)


def test_run_redo_extracts_everything_again_and_corrections_follow(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 3)
    db = str(tmp_path / "r.db")
    cli = CliRunner()
    assert cli.invoke(main, ["ingest", str(corpus), "--db", db]).exit_code == 0
    assert cli.invoke(main, ["run", "--db", db]).exit_code == 0
    again = cli.invoke(main, ["run", "--db", db])  # nothing pending: nothing done
    assert again.exit_code == 0 and "0 processed" in again.output
    with Store(db) as store:
        doc = next(d for d in store.iter_results() if d["doc_id"] == "d000")
        direct = next(q for q in doc["quotes"] if q["kind"] == "direct")
        store.add_correction("d000", "code", coder="ann", quote_id=direct["id"],
                             value={"concept": "plan", "agreement": "support"})
        # a correction whose attribution the next extraction will not find
        store.add_correction("d001", "add", coder="ann", value={
            "content": {"start": 0, "end": 9, "text": article(1)[:9]}, "cue": None,
            "source": None, "speaker": {"name": "Council", "type": "organization"}})
        before = results(store)
    redo = cli.invoke(main, ["run", "--db", db, "--redo"])
    assert redo.exit_code == 0, redo.output
    assert "3 processed" in redo.output and "0 pending" in redo.output
    with Store(db) as store:
        assert results(store) == before  # the same extractor: the same results
        runs = store.conn.execute("SELECT count(*) FROM runs WHERE command='run'").fetchone()[0]
        assert runs == 3
        view = store.reviewed_document("d000")
        coded = [q for q in view.quotes if q.code_list()]
        assert [q.quote["content"]["text"] for q in coded] == [direct["content"]["text"]]
        assert store.orphaned_corrections() == []  # an added attribution needs no machine one
