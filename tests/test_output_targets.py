"""Output targets: regular files are replaced atomically; devices, FIFOs, links and '-' are
not replaced; a missing folder is an error, never created."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.atomic import OutputPathError, atomic_folder, atomic_path, atomic_write
from saidwhat.cli import main

TEXT = "‘The ferry timetable will change in spring,’ said Ines Varga, the harbour master.\n"


def _char_device(tmp_path: Path) -> Path:
    """A private node of the null device (major 1, minor 3), so no system file is at risk."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


def _fifo_reader(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as fh:
            got.append(fh.read())

    t = threading.Thread(target=read, daemon=True)
    t.start()
    return t, got


def test_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old")
    out.chmod(0o640)
    with atomic_write(out, encoding="utf-8") as fh:
        fh.write("new")
        assert out.read_text() == "old"  # not visible until complete
    assert out.read_text() == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(out, encoding="utf-8") as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    dev = _char_device(tmp_path)
    with atomic_write(dev, encoding="utf-8") as fh:
        fh.write("discarded")
    atomic_path(dev, lambda name: Path(name).write_text("also discarded"))
    assert stat.S_ISCHR(dev.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_fifo_is_written_through_and_its_reader_gets_the_data(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    t, got = _fifo_reader(fifo)
    with atomic_write(fifo, encoding="utf-8") as fh:
        fh.write("through the pipe")
    t.join(5)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    t, got = _fifo_reader(fifo)  # writers that need a file name: written, then copied in
    atomic_path(fifo, lambda name: Path(name).write_bytes(b"<graph/>"))
    t.join(5)
    assert got == [b"<graph/>"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with atomic_write(link, encoding="utf-8") as fh:
        fh.write("new")
    assert link.is_symlink() and target.read_text() == "new"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "later.txt")
    atomic_path(dangling, lambda name: Path(name).write_text("made"))
    assert dangling.is_symlink() and (tmp_path / "later.txt").read_text() == "made"


def test_dash_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    with atomic_write("-", encoding="utf-8") as fh:
        fh.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


def test_missing_folder_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(OutputPathError, match="does not exist"), \
            atomic_write(tmp_path / "typo" / "out.txt") as fh:
        fh.write("x")
    with pytest.raises(OutputPathError, match="is a folder"), atomic_write(tmp_path) as fh:
        fh.write("x")
    assert list(tmp_path.iterdir()) == []


def test_temporaries_of_killed_writers_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    dead_pid = 2 ** 22 + 7  # above the default pid_max: no such process
    stale = tmp_path / f".out.jsonl.{dead_pid}.0a1b2c3d.tmp"
    stale.write_bytes(b"x" * 1000)
    with atomic_write(out, encoding="utf-8") as fh:
        fh.write("{}\n")
    assert not stale.exists() and out.read_text() == "{}\n"


def test_folder_set_is_swapped_whole(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "documents.csv").write_text("old documents")
    (out / "quotes.csv").write_text("old quotes")
    with pytest.raises(RuntimeError), atomic_folder(out) as folder:
        (folder / "documents.csv").write_text("new documents")
        raise RuntimeError("disk full half-way")
    assert (out / "documents.csv").read_text() == "old documents"
    with atomic_folder(out) as folder:
        (folder / "documents.csv").write_text("new documents")
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]


# --- through the command line -------------------------------------------------------------


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_extract_to_a_device_keeps_the_device(tmp_path: Path) -> None:
    dev = _char_device(tmp_path)
    res = CliRunner().invoke(main, ["extract", str(_article(tmp_path)), "-o", str(dev),
                                    "--errors", str(dev)])
    assert res.exit_code == 0, res.output
    assert stat.S_ISCHR(dev.stat().st_mode)


def test_extract_through_a_symlink_writes_its_target(tmp_path: Path) -> None:
    target = tmp_path / "quotes.jsonl"
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target)
    res = CliRunner().invoke(main, ["extract", str(_article(tmp_path)), "-o", str(link)])
    assert res.exit_code == 0, res.output
    assert link.is_symlink()
    assert json.loads(target.read_text())["doc_id"] == "ferry"


def test_extract_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["extract", str(_article(tmp_path)), "-o",
                                    str(tmp_path / "no" / "such" / "q.jsonl")])
    assert res.exit_code == 2
    assert "does not exist" in res.output and str(tmp_path / "no" / "such") in res.output
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("option", ["-o", "--stats", "--statements", "--plot"])
def test_network_outputs_check_their_folder_first(tmp_path: Path, option: str) -> None:
    res = CliRunner().invoke(main, ["network", str(tmp_path / "none.jsonl"), option,
                                    str(tmp_path / "missing" / "out.graphml")])
    assert res.exit_code == 2 and "does not exist" in res.output
    assert not (tmp_path / "missing").exists()


def test_eval_json_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["eval", "--gold", str(tmp_path), "--json",
                                    str(tmp_path / "missing" / "r.json")])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_store_export_failing_part_way_keeps_the_old_table_set(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    import importlib

    from saidwhat.store import Store, export, ingest

    export_module = importlib.import_module("saidwhat.store.export")

    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "a1", "text": TEXT}) + "\n", encoding="utf-8")
    store = Store(tmp_path / "s.db")
    ingest(store, [corpus])
    out = tmp_path / "csv"
    export(store, "csv", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = export_module._export_table

    def fail_on_entities(store_, table, fmt, path, *args, **kwargs):
        if table == "entities":
            raise OSError(28, "No space left on device")
        return real(store_, table, fmt, path, *args, **kwargs)

    corpus.write_text(json.dumps({"id": "a2", "text": TEXT + "More."}) + "\n",
                      encoding="utf-8")
    ingest(store, [corpus])
    monkeypatch.setattr(export_module, "_export_table", fail_on_entities)
    with pytest.raises(OSError):
        export(store, "csv", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    store.close()


def test_dev_stdout_redirected_to_a_file_is_written_not_replaced(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "redirected.jsonl"
    article = _article(tmp_path)
    code = ("import sys; from saidwhat.cli import main; sys.argv = ['saidwhat', 'extract', "
            f"{str(article)!r}, '-o', '/dev/stdout', '--errors', '/dev/stderr']; main()")
    with open(out, "w") as fh:
        inode = os.fstat(fh.fileno()).st_ino
        res = subprocess.run([sys.executable, "-c", code], stdout=fh, stderr=subprocess.PIPE,
                             timeout=120)
    assert res.returncode == 0, res.stderr
    assert out.stat().st_ino == inode  # the same file, written through the descriptor
    assert json.loads(out.read_text())["doc_id"] == "ferry"
