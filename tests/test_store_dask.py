"""Extraction on a Dask LocalCluster with two worker processes equals a single-process run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saidwhat.store import Store, ingest, run

distributed = pytest.importorskip("dask.distributed")


def article(i: int) -> str:
    return (f"The port authority said on Friday that berth {i} would reopen. \"Ships will "
            f"dock again by the end of the month,\" said Lena Ostrova, its director. "
            f"Unions said they had not been consulted about shift {i}.")


def _store(path: Path, corpus: Path) -> Store:
    store = Store(path)
    ingest(store, [corpus])
    return store


def _results(store: Store) -> list[dict]:
    return sorted(store.iter_results(), key=lambda d: d["doc_id"])


def test_dask_local_cluster_two_workers_equals_single_process(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"p{i}", "text": article(i)}) + "\n"
                              for i in range(8)), encoding="utf-8")
    with _store(tmp_path / "single.db", corpus) as single:
        run(single, batch_size=3)
        expected = _results(single)
    assert len(expected) == 8 and any(d["quotes"] for d in expected)

    # `--dask local --workers 2`: saidwhat starts LocalCluster(n_workers=2,
    # threads_per_worker=1, processes=True); workers write Parquet parts.
    with _store(tmp_path / "parts.db", corpus) as store:
        summary = run(store, batch_size=2, dask="local", workers=2)
        assert summary.processed == 8 and summary.backend == "dask:local"
        assert _results(store) == expected
        assert not (tmp_path / "parts.db.parts").exists()  # loaded into the store, removed

    # A cluster started elsewhere, reached by its scheduler address; results come back
    # through the scheduler (no shared file system).
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        with _store(tmp_path / "memory.db", corpus) as store:
            summary = run(store, batch_size=2, dask=cluster.scheduler_address, parts_dir=None)
            assert summary.processed == 8
            assert _results(store) == expected
    finally:
        cluster.close()


def test_a_document_that_kills_dask_workers_fails_alone(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    from saidwhat.store import runner

    killer = "Zebulon-kills-workers"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"k{i}", "text": article(i) + (
        f" {killer}." if i == 4 else "")}) + "\n" for i in range(9)), encoding="utf-8")
    monkeypatch.setenv(runner.KILL_WORKER_ENV, killer)  # inherited by the worker processes
    store = _store(tmp_path / "k.db", corpus)
    try:
        # one death per task is enough to give up on it: keeps the test short
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            summary = run(store, dask="local", workers=2, batch_size=3, parts_dir=None)
        assert (summary.processed, summary.failed, summary.pending_after) == (8, 1, 0)
        errors = store.errors()
        assert list(errors["doc_id"]) == ["k4"]
        assert errors["reason"][0].startswith("worker died:")
    finally:
        store.close()
