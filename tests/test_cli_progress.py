"""Progress that a person can read (issue 14): `extract` counts its inputs first (cheaply)
for a total, percentage and ETA, and moves per document; `run` moves per document, not per
batch."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saidwhat import Extractor
from saidwhat.cli import extract_cmd, main
from saidwhat.readers import count_documents
from saidwhat.store import DocumentRecord, Store, run
from saidwhat.store import runner as runner_module

TEXT = "\u201cWe will build more homes for the families of this town,\u201d said Ana Ruiz {}."


class Bar:
    """Records what a tqdm bar is told."""

    made: list[Bar] = []

    def __init__(self, *args: Any, total: int | None = None, disable: bool = False,
                 **kwargs: Any) -> None:
        self.total, self.disable, self.updates = total, disable, []
        Bar.made.append(self)

    def update(self, n: int = 1) -> None:
        self.updates.append(n)

    def write(self, *args: Any, **kwargs: Any) -> None:
        pass

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@pytest.fixture()
def bars(monkeypatch: pytest.MonkeyPatch) -> list[Bar]:
    Bar.made = []
    monkeypatch.setattr("tqdm.tqdm", Bar)
    monkeypatch.setattr(runner_module, "tqdm", Bar)
    return Bar.made


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(TEXT.format(i), encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        "".join(json.dumps({"id": f"j{i}", "text": TEXT.format(i)}) + "\n" for i in range(4))
        + "\n", encoding="utf-8")
    with gzip.open(folder / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "z", "text": TEXT.format(9)}) + "\n")
    (folder / "table.csv").write_text("id,text\nc1,\"" + TEXT.format(1).replace('"', '""')
                                      + "\"\nc2,Two.\n", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # skipped: one step too
    return folder


def test_count_documents_is_cheap_and_right(tmp_path: Path) -> None:
    folder = _inputs(tmp_path / "in")
    assert count_documents([str(folder)]) == 3 + 4 + 1 + 2 + 1
    assert count_documents(["-"]) is None
    assert count_documents([str(folder / "feed.jsonl")], max_bytes=10) is None
    assert count_documents([str(tmp_path / "missing.txt")]) == 1


def test_count_documents_measures_gzip_by_what_it_holds(tmp_path: Path) -> None:
    """A .gz was measured by its compressed size: a small file that decompresses to far over
    the cap was scanned whole."""
    path = tmp_path / "feed.jsonl.gz"
    record = json.dumps({"id": "r", "text": "Council. " * 100}) + "\n"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(record * 200 + "\n  \n")
    held = len(record) * 200
    assert path.stat().st_size < held // 20  # compresses well: the sizes tell apart
    assert count_documents([str(path)], max_bytes=held // 2) is None
    assert count_documents([str(path)], max_bytes=held + 10) == 200
    plain = tmp_path / "feed.jsonl"
    plain.write_text(record * 3, encoding="utf-8")
    assert count_documents([str(path), str(plain)], max_bytes=held + 10) is None  # in all
    assert count_documents([str(path), str(plain)], max_bytes=held + 4 * len(record)) == 203


def test_count_documents_reads_a_long_line_in_pieces(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"x" * 300_000 + b"\n" + b" " * 200_000 + b"\n" + b"y" * 70_000)
    assert count_documents([str(path)]) == 2  # the blank line is not a record


def test_extract_progress_has_a_total_and_moves_per_document(
        tmp_path: Path, bars: list[Bar], monkeypatch: pytest.MonkeyPatch,
        extractor: Extractor) -> None:
    monkeypatch.setattr(extract_cmd, "_load_extractor", lambda *a, **kw: extractor)
    folder = _inputs(tmp_path / "in")
    result = CliRunner().invoke(main, ["extract", str(folder), "--progress", "-o",
                                       str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    (bar,) = bars
    assert bar.total == 11 and bar.updates == [1] * 11  # one step per document or skip
    bars.clear()
    CliRunner().invoke(main, ["extract", str(folder), "-o", str(tmp_path / "o2.jsonl")])
    assert bars == []  # not a terminal: no bar


def test_run_progress_moves_per_document(tmp_path: Path, bars: list[Bar],
                                         extractor: Extractor,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(runner_module._extractors, None, extractor)
    with Store(tmp_path / "s.db") as store:
        store.add_documents([DocumentRecord(f"d{i}", TEXT.format(i), "txt", f"d{i}.txt")
                             for i in range(5)], None)
        summary = run(store, batch_size=32, show_progress=True)
    assert summary.processed == 5 and summary.batches == 1
    (bar,) = bars
    assert bar.total == 5 and bar.updates[:5] == [1] * 5 and sum(bar.updates) == 5


def _store(path: Path, n: int, extra: dict[int, str] | None = None) -> Path:
    with Store(path) as store:
        store.add_documents([DocumentRecord(f"d{i}", TEXT.format(i) + (extra or {}).get(i, ""),
                                            "txt", f"d{i}.txt") for i in range(n)], None)
    return path


def test_run_with_worker_processes_moves_per_document(tmp_path: Path,
                                                      bars: list[Bar]) -> None:
    db = _store(tmp_path / "w.db", 5)
    result = CliRunner().invoke(main, ["run", "--db", str(db), "--workers", "2",
                                       "--batch-size", "3", "--progress"])
    assert result.exit_code == 0, result.output
    assert "5 processed, 0 failed" in result.output
    (bar,) = bars
    # two batches (3 + 2 documents): per batch would be [3, 2] or [2, 3]
    assert bar.total == 5 and bar.updates == [1] * 5


def test_a_dying_worker_leaves_the_count_exact(tmp_path: Path, bars: list[Bar],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The batches lost with a dying worker are redone one by one, still one step per
    document (a document counted twice: test_each_document_is_counted_once_...)."""
    killer = "Zebulon-kills-workers"
    db = _store(tmp_path / "k.db", 6, {4: f" {killer}."})
    monkeypatch.setenv(runner_module.KILL_WORKER_ENV, killer)
    with Store(db) as store:
        summary = run(store, workers=2, batch_size=3, show_progress=True)
    assert (summary.processed, summary.failed) == (5, 1)
    (bar,) = bars
    assert bar.total == 6 and bar.updates == [1] * 6


def test_run_on_dask_moves_per_document(tmp_path: Path, bars: list[Bar]) -> None:
    pytest.importorskip("dask.distributed")
    db = _store(tmp_path / "d.db", 5)
    with Store(db) as store:
        summary = run(store, dask="local", workers=2, batch_size=3, show_progress=True)
        assert summary.processed == 5 and summary.batches == 2
        done = {d["doc_id"] for d in store.iter_results()}
    assert done == {f"d{i}" for i in range(5)}
    (bar,) = bars
    assert bar.total == 5 and bar.updates == [1] * 5


def test_each_document_is_counted_once_however_it_comes_back() -> None:
    from saidwhat.store.db import ExtractionResult

    progress = runner_module._Progress(total=5)
    progress.bar = bar = Bar(total=5)
    progress.document(1)
    progress.document(2)
    progress.results([ExtractionResult(pk, {}) for pk in (1, 2, 3)])  # 3's report was lost
    assert bar.updates == [1, 1, 1]
    progress.document(4)  # reported by a batch whose worker then died ...
    progress.document(4)  # ... and again when redone one by one
    assert bar.updates == [1, 1, 1, 1]
    progress.results([ExtractionResult(4, {}), ExtractionResult(5, None, "worker died")])
    assert bar.updates == [1, 1, 1, 1, 1] and progress.count == 5
    assert progress.reported == set()  # nothing kept once its results are back
    progress.document(9)  # a stray report never takes the bar past its total
    assert sum(bar.updates) == 5
