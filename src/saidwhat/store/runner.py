"""``saidwhat run``: extract every pending document, batch by batch.

One pure function, :func:`extract_batch`, does the work wherever it runs: in this
process, in ``--workers N`` child processes, or on Dask workers. The parent process is
the only writer to the store and saves each batch in one transaction, so a run killed
at any moment (``kill -9`` included) loses at most the batches in flight, which stay
pending and are done by the next run; no document is stored twice.

A worker process that dies (out of memory, a segfault in a parser) takes the batches in
flight with it: their documents are redone one at a time in a fresh worker, so the one
that kills it is recorded as failed ("worker died: ...") and the run goes on.

Progress moves once per document wherever the work runs: pool workers write the key of each
document done into a pipe the parent drains while it waits (one small non-blocking write per
document: atomic, lock-free, so a worker killed at any moment leaves neither a half message
nor a held lock), Dask tasks put it in a ``distributed.Queue``. The parent counts each
document once (:class:`_Progress`), so a batch redone one by one is not counted twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import sqlite3
import struct
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
                  on_document: Callable[[int], None] | None = None) -> list[ExtractionResult]:
    """Extract one batch; each document's result depends on that document only.

    Long texts are cut into chunks (``saidwhat.chunking``) so memory stays bounded, and a
    document that makes the extractor fail is one failed result, not a failed batch.
    ``on_document`` is called with each document's ``pk`` as it is done (progress).
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
            on_document(pk)
    return out


def extract_batch_to_parquet(batch: Batch, model: str | None, out_dir: str,
                             config: str | None = None, progress_queue: str | None = None
                             ) -> str:
    """Dask task: extract ``batch`` and write it as one Parquet part; returns its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    results = _worker_extract_batch(batch, model, config, progress_queue)
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


OnDocument = Callable[[int], None]  # called in the parent with each document's pk as it is done


def serial_backend(model: str | None, config: str | None = None,
                   on_document: OnDocument | None = None) -> Backend:
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
# Under Dask, a document is failed once the workers running it alone have died this many
# times: a task of one innocent document can be queued on a worker another document kills.
_DASK_SOLO_DEATHS = 2


# -- progress from workers ----------------------------------------------------------------

_PK = struct.Struct("!q")  # one message per document done: its pk
_TICK_S = 0.1  # how often the parent looks for progress while it waits on batches
_DASK_TICK_S = 0.25
_DASK_REPORT_TIMEOUT_S = 5.0

# In a pool worker: the write end of the parent's progress pipe (None elsewhere).
_progress_conn: Connection | None = None


def _report_to_parent(pk: int) -> None:
    """Tell the parent one document is done. The pipe is non-blocking and the message far
    under PIPE_BUF, so the write is whole or not at all and takes no lock: a worker killed
    here leaves nothing half-written and nobody waiting. A full pipe (the parent busy
    saving) drops the message; the parent counts that document when its batch comes back."""
    if _progress_conn is not None:
        with contextlib.suppress(OSError):  # BlockingIOError (full), BrokenPipeError (gone)
            _progress_conn.send_bytes(_PK.pack(pk))


@contextmanager
def _dask_reporter(name: str) -> Iterator[OnDocument | None]:
    """In a Dask task: report each document done to the client's ``distributed.Queue``.
    Progress is best effort: a put that fails or is slow never fails the document."""
    try:
        from dask.distributed import Queue

        queue = Queue(name)
    except Exception:  # noqa: BLE001 - no scheduler to talk to: no progress, same results
        yield None
        return

    def report(pk: int) -> None:
        with contextlib.suppress(Exception):
            queue.put(pk, timeout=_DASK_REPORT_TIMEOUT_S)

    try:
        yield report
    finally:
        with contextlib.suppress(Exception):
            queue.close()


class _Progress:
    """The bar moves once per document, however its result came back.

    Workers report each document as it is done (:meth:`document`); the parent also sees
    every batch's results (:meth:`results`) and counts there the documents whose report
    was lost or never sent. A document reported by a batch that then died and was redone
    one by one is still counted once: ``reported`` holds the documents counted whose
    results are not back yet (bounded by the documents in flight).
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.bar: Any = None
        self.reported: set[int] = set()

    def _step(self, n: int) -> None:
        n = min(n, self.total - self.count)  # a stray late report never passes the total
        if n > 0:
            self.count += n
            if self.bar is not None:
                self.bar.update(n)

    def document(self, pk: int) -> None:
        if pk not in self.reported:
            self.reported.add(pk)
            self._step(1)

    def results(self, results: list[ExtractionResult]) -> None:
        unreported = 0
        for res in results:
            if res.pk in self.reported:
                self.reported.discard(res.pk)
            else:
                unreported += 1
        self._step(unreported)


def _init_worker(model: str | None, parent: int, config: str | None = None,
                 progress: Connection | None = None) -> None:
    global _progress_conn
    _exit_with_parent(parent)
    _progress_conn = progress
    _extractor(model, config)


def _worker_extract_batch(batch: Batch, model: str | None, config: str | None = None,
                          progress_queue: str | None = None) -> list[ExtractionResult]:
    """:func:`extract_batch` as run in a worker process (pool, solo or Dask), reporting
    each document done to the parent's pipe or, with ``progress_queue``, a Dask queue."""
    marker = os.environ.get(KILL_WORKER_ENV)
    if marker and any(marker in text for _, _, text in batch):
        os.kill(os.getpid(), signal.SIGKILL)
    if progress_queue is not None:
        with _dask_reporter(progress_queue) as report:
            return extract_batch(batch, model, config, report)
    return extract_batch(batch, model, config,
                         _report_to_parent if _progress_conn is not None else None)


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
                config: str | None = None, on_document: OnDocument | None = None
                ) -> Iterator[list[ExtractionResult]]:
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
                if on_document is not None:
                    on_document(doc[0])
                if not alive:
                    worker.close()
                    worker = None
            yield out
    finally:
        if worker is not None:
            worker.close()


@contextmanager
def process_backend(model: str | None, workers: int, config: str | None = None,
                    on_document: OnDocument | None = None) -> Iterator[Backend]:
    ctx = get_context("spawn")  # no inherited SQLite handles or threads
    window = 2 * workers  # batches in flight: bounded memory however long the corpus
    pool: ProcessPoolExecutor | None = None
    reader: Connection | None = None
    writer: Connection | None = None
    if on_document is not None:  # workers report each document done (_report_to_parent)
        reader, writer = ctx.Pipe(duplex=False)
        os.set_blocking(writer.fileno(), False)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(model, os.getpid(), config, writer))

    def drain() -> None:
        """Count the documents reported so far (whole messages only: writes are atomic)."""
        if reader is None or on_document is None:
            return
        with contextlib.suppress(OSError, EOFError):
            while reader.poll():
                on_document(_PK.unpack(reader.recv_bytes())[0])

    def wait_first() -> set[Future[list[ExtractionResult]]]:
        """Wait for a batch to finish, moving the bar as documents are reported."""
        while True:
            done, _ = wait(in_flight, timeout=None if reader is None else _TICK_S,
                           return_when=FIRST_COMPLETED)
            drain()  # after the wait: a finished batch's reports are already in the pipe
            if done:
                return done

    in_flight: dict[Future[list[ExtractionResult]], Batch] = {}

    def run(batches: Iterator[Batch]) -> Iterator[list[ExtractionResult]]:
        nonlocal pool

        def collect(broken: bool = False) -> Iterator[list[ExtractionResult]]:
            """Results of the batches done; with a broken pool, of every batch in flight."""
            nonlocal pool
            done = wait_first()
            if broken or any(isinstance(fut.exception(), BrokenProcessPool) for fut in done):
                # A dead worker breaks the pool: every batch in flight fails with it.
                done, _ = wait(in_flight, return_when=ALL_COMPLETED)
                if pool is not None:
                    pool.shutdown(wait=True)  # its workers are all gone after this
                pool = None  # a fresh pool for the batches still to come
                drain()
            suspects: list[Batch] = []
            for fut in sorted(done, key=lambda f: in_flight[f][0][0]):
                batch = in_flight.pop(fut)
                if fut.exception() is None:
                    yield fut.result()
                else:  # a dead worker, or an error such as MemoryError: find the document
                    suspects.append(batch)
            if suspects:
                yield from _one_by_one(ctx, model, suspects, config, on_document)

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
    else:
        if pool is not None:
            pool.shutdown(wait=True)
    finally:
        for conn in (reader, writer):
            if conn is not None:
                conn.close()


@contextmanager
def dask_backend(address: str, model: str | None, workers: int, parts_dir: Path | None,
                 config: str | None = None, on_document: OnDocument | None = None
                 ) -> Iterator[Backend]:
    """Extraction on a Dask cluster; ``address`` is a scheduler address or ``local``.

    With ``parts_dir`` (a folder that workers and this process both see, e.g. on a shared
    file system) workers write Parquet parts that are loaded into the store and then
    removed; without it, results come back through the scheduler. With ``on_document``,
    tasks report each document done through a ``distributed.Queue`` the client drains
    while it waits.
    """
    try:
        from dask.distributed import Client, KilledWorker, LocalCluster, Queue
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
    queue: Any = None
    pending: dict[Any, Batch] = {}
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        window = 2 * n_workers
        if on_document is not None:
            queue = Queue(f"saidwhat-progress-{os.getpid()}-{os.urandom(6).hex()}",
                          client=client)
        queue_name = None if queue is None else queue.name

        def drain() -> None:
            if queue is None or on_document is None:
                return
            try:
                pks = queue.get(batch=True)
            except Exception:  # noqa: BLE001 - progress only: the results still come
                return
            for pk in pks:
                on_document(int(pk))

        def wait_first() -> Any:
            while True:
                try:
                    done, _ = dask_wait(list(pending), return_when="FIRST_COMPLETED",
                                        timeout=None if queue is None else _DASK_TICK_S)
                except TimeoutError:
                    done = set()
                drain()  # after the wait: a finished task's puts reached the scheduler
                if done:
                    return done

        def run(batches: Iterator[Batch]) -> Iterator[list[ExtractionResult]]:
            pending.clear()
            # Deaths of each document's own tasks: one alone is not proof (another document
            # may kill the worker its task was queued on), _DASK_SOLO_DEATHS are. Suspects
            # (the documents of a task that died) are retried one at a time, each alone in
            # its task, so that a suspect's death is its own, not a neighbour's.
            solo_deaths: dict[Any, int] = {}
            suspects: list[Any] = []
            alone: Any = None  # the future of the suspect now running, if any

            def submit(batch: Batch) -> Any:
                if parts_dir is not None:
                    fut = client.submit(extract_batch_to_parquet, batch, model,
                                        str(parts_dir), config, queue_name, pure=False)
                else:
                    fut = client.submit(_worker_extract_batch, batch, model, config,
                                        queue_name, pure=False)
                pending[fut] = batch
                return fut

            def next_suspect() -> None:
                nonlocal alone
                if alone is None and suspects:
                    alone = submit([suspects.pop(0)])

            def collect(done: Any) -> Iterator[list[ExtractionResult]]:
                nonlocal alone
                for fut in done:
                    batch = pending.pop(fut)
                    was_alone = alone is fut
                    if was_alone:
                        alone = None
                    try:
                        value = fut.result()
                    except KilledWorker as exc:
                        # Dask retried the task on other workers and each one died: redo
                        # its documents one per task to find the one that kills them.
                        tries = getattr(exc, "allowed_failures", 0) + 1
                        doc = batch[0] if len(batch) == 1 else None
                        if doc is not None and was_alone:
                            solo_deaths[doc[0]] = solo_deaths.get(doc[0], 0) + tries
                        if doc is not None and solo_deaths.get(doc[0], 0) >= _DASK_SOLO_DEATHS:
                            last = getattr(getattr(exc, "last_worker", None), "address", "?")
                            yield [ExtractionResult(doc[0], None, (
                                f"worker died: {solo_deaths[doc[0]]} Dask worker(s) died"
                                f" extracting this document alone (the last: {last}; see its"
                                " log)"))]
                        elif doc is not None and was_alone:
                            suspects.insert(0, doc)  # again, before the other suspects
                        else:
                            # a task queued on the dying worker dies with it, guilty or not:
                            # each of its documents is a suspect, tried alone in turn
                            suspects.extend(batch)
                        next_suspect()
                        continue
                    next_suspect()
                    if parts_dir is not None:
                        yield read_parquet_part(value)
                        os.remove(value)
                    else:
                        yield value

            for batch in batches:
                submit(batch)
                if len(pending) >= window:
                    yield from collect(wait_first())
            while pending:
                yield from collect(wait_first())
        yield run
    finally:
        if queue is not None:
            with contextlib.suppress(Exception):
                queue.close()
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


def _provenance(config: str | None) -> dict[str, Any]:
    """saidwhat version, extractor, scheme and model checksum of the run (issue 10)."""
    from ..config import provenance

    return provenance(config)


def run(store: Store, *, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 1,
        dask: str | None = None, model: str | None = None, limit: int | None = None,
        retry_failed: bool = False, parts_dir: str | Path | None = "auto",
        show_progress: bool = False, config: str | None = None,
        redo: bool = False) -> RunSummary:
    """Extract every pending document (at most ``limit``) and save the results;
    ``redo``: every processed and failed one again.

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
        if redo:  # extract everything again; review corrections re-attach by their text
            store.redo_processed()
        elif retry_failed:
            store.retry_failed()
        backend_name = f"dask:{dask}" if dask else ("processes" if workers > 1 else "serial")
        run_id = store.start_run("run", {"batch_size": batch_size, "workers": workers,
                                         "backend": backend_name, "model": model,
                                         "limit": limit, "provenance": _provenance(config)})
        summary = RunSummary(run_id, backend=backend_name, workers=workers)
        total = store.count_pending()
        if limit is not None:
            total = min(total, limit)
        parts: Path | None = None
        if dask and parts_dir is not None:
            parts = (store.path.with_name(f"{store.path.name}.parts") / f"run-{run_id}"
                     if parts_dir == "auto" else Path(parts_dir) / f"run-{run_id}")
        start = time.perf_counter()
        # every backend reports each document as it is done: the bar moves per document
        progress = _Progress(total)
        try:
            with _backend(dask, model, workers, parts, config,
                          progress.document if show_progress else None) as backend, \
                    tqdm(total=total, unit="doc", desc="extract", disable=not show_progress,
                         dynamic_ncols=True, smoothing=0.1) as bar:
                progress.bar = bar
                for results in backend(store.pending_batches(batch_size, limit)):
                    counts = store.save_results(results, run_id)
                    summary.processed += counts["done"]
                    summary.failed += counts["failed"]
                    summary.batches += 1
                    progress.results(results)
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
             config: str | None = None, on_document: OnDocument | None = None
             ) -> Iterator[Backend]:
    if dask:
        with dask_backend(dask, model, workers, parts, config, on_document) as backend:
            yield backend
    elif workers > 1:
        with process_backend(model, workers, config, on_document) as backend:
            yield backend
    else:
        yield serial_backend(model, config, on_document)
