"""``saidwhat run``: extract every pending document, batch by batch.

One pure function, :func:`extract_batch`, does the work wherever it runs: in this
process, in ``--workers N`` child processes, or on Dask workers. The parent process is
the only writer to the store and saves each batch in one transaction, so a run killed
at any moment (``kill -9`` included) loses at most the batches in flight, which stay
pending and are done by the next run; no document is stored twice.

A worker process that dies (out of memory, a segfault in a parser) takes the batches in
flight with it: their documents are redone one at a time in a fresh worker, so the one
that kills it is recorded as failed ("worker died: ...") and the run goes on.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..chunking import extract_inputs
from ..model import Document
from ..readers import InputDoc
from .db import ExtractionResult, Store, StoreError

Batch = list[tuple[int, str, str]]  # (pk, doc_id, text)

DEFAULT_BATCH_SIZE = 32

# -- the pure worker function ----------------------------------------------------------

_extractors: dict[Any, Any] = {}


def _extractor(model: str | None, config: str | None = None) -> Any:
    """One Extractor per process, model and pipeline config (the text of a .cfg, see
    :mod:`saidwhat.config`): spaCy loads once per worker, and every worker builds the
    same attribution pipeline from the same config."""
    key = model if config is None else (model, config)
    if key not in _extractors:
        from ..extract import Extractor

        _extractors[key] = Extractor(model, config=config)
    return _extractors[key]


def extract_batch(batch: Batch, model: str | None = None, config: str | None = None,
                  on_document: Callable[[], None] | None = None) -> list[ExtractionResult]:
    """Extract one batch; each document's result depends on that document only.

    Long texts are cut into chunks (``saidwhat.chunking``) so memory stays bounded, and a
    document that makes the extractor fail is one failed result, not a failed batch.
    ``on_document`` is called as each document is done (progress).
    """
    inputs = [InputDoc(doc_id, text, source_path=doc_id) for _, doc_id, text in batch]
    out = []
    extractor = _extractor(model, config)
    for (pk, _, _), res in zip(batch, extract_inputs(extractor, inputs), strict=True):
        if isinstance(res, Document):
            out.append(ExtractionResult(pk, res.to_dict(include_text=False)))
        else:
            out.append(ExtractionResult(pk, None, res.reason))
        if on_document is not None:
            on_document()
    return out


def extract_batch_to_parquet(batch: Batch, model: str | None, out_dir: str,
                             config: str | None = None) -> str:
    """Dask task: extract ``batch`` and write it as one Parquet part; returns its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    results = _worker_extract_batch(batch, model, config)
    table = pa.table({
        "pk": pa.array([r.pk for r in results], pa.int64()),
        "result": pa.array([json.dumps(r.result, ensure_ascii=False)
                            if r.result is not None else None for r in results], pa.string()),
        "error": pa.array([r.error for r in results], pa.string()),
    })
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"part-{batch[0][0]:012d}.parquet")
    tmp = path + f".{os.getpid()}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, path)  # readers never see a half-written part
    return path


def read_parquet_part(path: str) -> list[ExtractionResult]:
    import pyarrow.parquet as pq

    rows = pq.read_table(path).to_pylist()
    return [ExtractionResult(int(r["pk"]), json.loads(r["result"]) if r["result"] else None,
                             r["error"]) for r in rows]


# -- backends: batches in, results out (in any order) ----------------------------------

Backend = Callable[[Iterator[Batch]], Iterator[list[ExtractionResult]]]


def serial_backend(model: str | None, config: str | None = None,
                   on_document: Callable[[], None] | None = None) -> Backend:
    def run(batches: Iterator[Batch]) -> Iterator[list[ExtractionResult]]:
        for batch in batches:
            yield extract_batch(batch, model, config, on_document)
    return run


def _exit_with_parent(parent: int) -> None:
    """Worker processes end when the parent dies (kill -9 leaves no orphans)."""
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(1.0)
    threading.Thread(target=watch, daemon=True).start()


# Fault injection for tests: a worker process handed a document containing this text kills
# itself with SIGKILL, as the kernel's OOM killer would. Honoured only by the function that
# worker processes (pool, solo, Dask) run, never by the process that writes the store.
KILL_WORKER_ENV = "SAIDWHAT_TEST_KILL_WORKER_ON"


def _init_worker(model: str | None, parent: int, config: str | None = None) -> None:
    _exit_with_parent(parent)
    _extractor(model, config)


def _worker_extract_batch(batch: Batch, model: str | None,
                          config: str | None = None) -> list[ExtractionResult]:
    """:func:`extract_batch` as run in a worker process."""
    marker = os.environ.get(KILL_WORKER_ENV)
    if marker and any(marker in text for _, _, text in batch):
        os.kill(os.getpid(), signal.SIGKILL)
    return extract_batch(batch, model, config)


def _death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"worker died: killed by {name}{hint} while extracting this document"
    return f"worker died: exit code {exitcode} while extracting this document"


_READY = "ready"
_SOLO_JOIN_S = 10.0  # a worker asked to stop that takes longer than this is killed


def _solo_main(conn: Connection, model: str | None, parent: int,
               config: str | None = None) -> None:
    """A worker that takes one batch at a time over a pipe (see :class:`_SoloWorker`)."""
    try:
        _init_worker(model, parent, config)
    except Exception as exc:  # noqa: BLE001 - the parent reports it
        conn.send(f"{type(exc).__name__}: {exc}")
        return
    conn.send(_READY)
    while True:
        try:
            batch = conn.recv()
        except EOFError:  # the parent is done with us
            return
        if batch is None:
            return
        try:
            conn.send(_worker_extract_batch(batch, model, config))
        except Exception as exc:  # noqa: BLE001 - any error is that document's failure
            conn.send(f"{type(exc).__name__}: {exc}")


class _SoloWorker:
    """One worker process doing one document at a time, to find the one that kills it.

    A pool worker's death breaks the whole pool and cannot be pinned on one document; here
    only one document is in flight, and the process's exit code says how it died.
    """

    def __init__(self, ctx: SpawnContext, model: str | None, config: str | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc: SpawnProcess = ctx.Process(target=_solo_main, daemon=True,
                                              args=(child, model, os.getpid(), config))
        self.proc.start()
        child.close()  # so that recv() sees EOF when the worker dies
        reply = self._recv()
        if reply != _READY:
            # failing before any document is a broken setup (a missing model), not a document
            if reply is None:
                reply = _death_reason(self.proc.exitcode).split(" while")[0]
            self.close()
            raise StoreError(f"a worker process could not start: {reply}")

    def _recv(self) -> Any:
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.proc.join()
            return None

    def extract(self, doc: tuple[int, str, str]) -> tuple[ExtractionResult, bool]:
        """The document's result, and whether the worker is still alive."""
        try:
            self.conn.send([doc])
        except OSError:
            reply = None
        else:
            reply = self._recv()
        if reply is None:
            self.proc.join()
            return ExtractionResult(doc[0], None, _death_reason(self.proc.exitcode)), False
        if isinstance(reply, str):
            return ExtractionResult(doc[0], None, reply), True
        return reply[0], True

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(timeout=_SOLO_JOIN_S)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _one_by_one(ctx: SpawnContext, model: str | None, batches: list[Batch],
                config: str | None = None) -> Iterator[list[ExtractionResult]]:
    """Redo ``batches`` one document at a time in a fresh worker, replaced when it dies."""
    worker: _SoloWorker | None = None
    try:
        for batch in batches:
            out = []
            for doc in batch:
                if worker is None:
                    worker = _SoloWorker(ctx, model, config)
                result, alive = worker.extract(doc)
                out.append(result)
                if not alive:
                    worker.close()
                    worker = None
            yield out
    finally:
        if worker is not None:
            worker.close()


@contextmanager
def process_backend(model: str | None, workers: int,
                    config: str | None = None) -> Iterator[Backend]:
    ctx = get_context("spawn")  # no inherited SQLite handles or threads
    window = 2 * workers  # batches in flight: bounded memory however long the corpus
    pool: ProcessPoolExecutor | None = None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(model, os.getpid(), config))

    def run(batches: Iterator[Batch]) -> Iterator[list[ExtractionResult]]:
        nonlocal pool
        in_flight: dict[Future[list[ExtractionResult]], Batch] = {}

        def collect(broken: bool = False) -> Iterator[list[ExtractionResult]]:
            """Results of the batches done; with a broken pool, of every batch in flight."""
            nonlocal pool
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            if broken or any(isinstance(fut.exception(), BrokenProcessPool) for fut in done):
                # A dead worker breaks the pool: every batch in flight fails with it.
                done, _ = wait(in_flight, return_when=ALL_COMPLETED)
                if pool is not None:
                    pool.shutdown(wait=True)
                pool = None  # a fresh pool for the batches still to come
            suspects: list[Batch] = []
            for fut in sorted(done, key=lambda f: in_flight[f][0][0]):
                batch = in_flight.pop(fut)
                if fut.exception() is None:
                    yield fut.result()
                else:  # a dead worker, or an error such as MemoryError: find the document
                    suspects.append(batch)
            if suspects:
                yield from _one_by_one(ctx, model, suspects, config)

        for batch in batches:
            while True:
                if pool is None:
                    pool = new_pool()
                try:
                    fut = pool.submit(_worker_extract_batch, batch, model, config)
                    break
                except BrokenProcessPool:  # broke since the last wait: sort out the damage
                    if not in_flight:
                        raise
                    yield from collect(broken=True)
            in_flight[fut] = batch
            if len(in_flight) >= window:
                yield from collect()
        while in_flight:
            yield from collect()

    try:
        yield run
    except BaseException:
        if pool is not None:  # Ctrl-C, SIGTERM, a failed save: start nothing more
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    if pool is not None:
        pool.shutdown(wait=True)


@contextmanager
def dask_backend(address: str, model: str | None, workers: int, parts_dir: Path | None,
                 config: str | None = None) -> Iterator[Backend]:
    """Extraction on a Dask cluster; ``address`` is a scheduler address or ``local``.

    With ``parts_dir`` (a folder that workers and this process both see, e.g. on a shared
    file system) workers write Parquet parts that are loaded into the store and then
    removed; without it, results come back through the scheduler.
    """
    try:
        from dask.distributed import Client, KilledWorker, LocalCluster
        from dask.distributed import wait as dask_wait
    except ImportError as exc:
        raise StoreError("--dask needs dask[distributed]: pip install 'saidwhat[dask]'") from exc

    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        window = 2 * n_workers

        def run(batches: Iterator[Batch]) -> Iterator[list[ExtractionResult]]:
            pending: dict[Any, Batch] = {}

            def submit(batch: Batch) -> None:
                if parts_dir is not None:
                    fut = client.submit(extract_batch_to_parquet, batch, model,
                                        str(parts_dir), config, pure=False)
                else:
                    fut = client.submit(_worker_extract_batch, batch, model, config,
                                        pure=False)
                pending[fut] = batch

            def collect(done: Any) -> Iterator[list[ExtractionResult]]:
                for fut in done:
                    batch = pending.pop(fut)
                    try:
                        value = fut.result()
                    except KilledWorker as exc:
                        # Dask retried the task on other workers and each one died: redo
                        # its documents one per task to find the one that kills them.
                        if len(batch) == 1:
                            tries = getattr(exc, "allowed_failures", 0) + 1
                            last = getattr(getattr(exc, "last_worker", None), "address", "?")
                            yield [ExtractionResult(batch[0][0], None, (
                                f"worker died: {tries} Dask worker(s) died extracting this "
                                f"document (the last: {last}; see its log)"))]
                        else:
                            for doc in batch:
                                submit([doc])
                        continue
                    if parts_dir is not None:
                        yield read_parquet_part(value)
                        os.remove(value)
                    else:
                        yield value

            for batch in batches:
                submit(batch)
                if len(pending) >= window:
                    done, _ = dask_wait(list(pending), return_when="FIRST_COMPLETED")
                    yield from collect(done)
            while pending:
                done, _ = dask_wait(list(pending), return_when="FIRST_COMPLETED")
                yield from collect(done)
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# -- the run ----------------------------------------------------------------------------

@dataclass(slots=True)
class RunSummary:
    run_id: int
    processed: int = 0
    failed: int = 0
    batches: int = 0
    seconds: float = 0.0
    backend: str = "serial"
    workers: int = 1
    pending_after: int = 0

    @property
    def docs_per_second(self) -> float:
        return (self.processed + self.failed) / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "docs_per_second": round(self.docs_per_second, 2)}


@contextmanager
def run_lock(store: Store) -> Iterator[None]:
    """One ``saidwhat run`` per store at a time; the OS drops the lock if the process dies.

    Keyed by the real file, so a symlink or another spelling of the path is the same store.
    """
    real = Path(os.path.realpath(store.path))
    lock_path = real.with_name(real.name + ".lock")
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{store.path}: another `saidwhat run` is working on this store"
                             ) from None
        yield


def run(store: Store, *, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 1,
        dask: str | None = None, model: str | None = None, limit: int | None = None,
        retry_failed: bool = False, parts_dir: str | Path | None = "auto",
        show_progress: bool = False, config: str | None = None) -> RunSummary:
    """Extract every pending document (at most ``limit``) and save the results.

    ``config`` is a pipeline config (the text of a .cfg, :mod:`saidwhat.config`); every
    worker builds its pipeline from it (``None``: the default pipeline).

    ``workers`` > 1 uses that many processes (with ``dask="local"``, that many Dask
    workers). ``parts_dir`` applies to Dask: ``"auto"`` puts Parquet parts next to the
    store, ``None`` returns results through the scheduler.
    """
    if batch_size < 1 or workers < 1:
        raise ValueError("batch_size and workers must be at least 1")
    with run_lock(store):
        store.mark_interrupted_runs()
        if retry_failed:
            store.retry_failed()
        backend_name = f"dask:{dask}" if dask else ("processes" if workers > 1 else "serial")
        run_id = store.start_run("run", {"batch_size": batch_size, "workers": workers,
                                         "backend": backend_name, "model": model,
                                         "limit": limit})
        summary = RunSummary(run_id, backend=backend_name, workers=workers)
        total = store.count_pending()
        if limit is not None:
            total = min(total, limit)
        parts: Path | None = None
        if dask and parts_dir is not None:
            parts = (store.path.with_name(f"{store.path.name}.parts") / f"run-{run_id}"
                     if parts_dir == "auto" else Path(parts_dir) / f"run-{run_id}")
        start = time.perf_counter()
        # the serial backend moves the bar per document (``shown``: those of the batch in
        # progress already counted); the others as each batch comes back
        shown: list[Any] = [0, None]

        def one_done() -> None:
            shown[0] += 1
            if shown[1] is not None:
                shown[1].update(1)

        try:
            with _backend(dask, model, workers, parts, config,
                          one_done if show_progress else None) as backend, \
                    tqdm(total=total, unit="doc", desc="extract", disable=not show_progress,
                         dynamic_ncols=True, smoothing=0.1) as bar:
                shown[1] = bar
                for results in backend(store.pending_batches(batch_size, limit)):
                    counts = store.save_results(results, run_id)
                    summary.processed += counts["done"]
                    summary.failed += counts["failed"]
                    summary.batches += 1
                    bar.update(max(len(results) - shown[0], 0))
                    shown[0] = 0
                    if summary.failed:
                        bar.set_postfix(failed=summary.failed, refresh=False)
        except BaseException:  # Ctrl-C, a lost cluster: committed batches stay, say so
            summary.seconds = round(time.perf_counter() - start, 3)
            # A full disk or a damaged file may refuse this too; the first error is the one
            # to report, and the run's row, left running, reads as interrupted anyway.
            with contextlib.suppress(sqlite3.Error, OSError):
                store.finish_run(run_id, summary.to_dict(), status="interrupted")
            raise
        summary.seconds = round(time.perf_counter() - start, 3)
        summary.pending_after = store.count_pending()
        if parts is not None and parts.exists():
            shutil.rmtree(parts, ignore_errors=True)
            with contextlib.suppress(OSError):  # the parts folder, once no run uses it
                parts.parent.rmdir()
        store.finish_run(run_id, summary.to_dict())
        return summary


@contextmanager
def _backend(dask: str | None, model: str | None, workers: int, parts: Path | None,
             config: str | None = None, on_document: Callable[[], None] | None = None
             ) -> Iterator[Backend]:
    if dask:
        with dask_backend(dask, model, workers, parts, config) as backend:
            yield backend
    elif workers > 1:
        with process_backend(model, workers, config) as backend:
            yield backend
    else:
        yield serial_backend(model, config, on_document)
