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
