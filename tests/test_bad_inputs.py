"""Bad input never stops a batch, on both input paths: `saidwhat extract` (readers) and
`saidwhat ingest` (store). Every bad input is made here, in tmp_path."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import extract_cmd, main
from saidwhat.readers import InputDoc, InputError, read_inputs
from saidwhat.store import IngestConfigError, IngestOptions, Store, ingest


def article(n: int) -> str:
    return (f"Residents of Eastfold met on day {n} to discuss the ferry timetable. "
            f"\"We have waited long enough for a later crossing,\" said Mara Quill, who chairs "
            f"the harbour users group. The operator said it would review schedule {n}.")


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def problems(store: Store) -> dict[str, str]:
    df = store.errors(("error", "skipped"))
    return {(r.source + (f"/{r.record}" if r.record else "")): r.reason
            for r in df.itertuples()}


def run_status(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT status FROM runs ORDER BY id")]


def strict_json(line: str) -> dict:
    """json.loads that refuses NaN / Infinity, i.e. only valid JSON."""
    def bad(name: str) -> None:
        raise ValueError(f"invalid JSON constant {name}")
    return json.loads(line, parse_constant=bad)


def docs_and_errors(items: list) -> tuple[dict[str, InputDoc], dict[int | None, str]]:
    docs = {i.doc_id: i for i in items if isinstance(i, InputDoc)}
    errors = {e.record: e.reason for e in items if isinstance(e, InputError)}
    return docs, errors


# ------------------------------------------------------------------ 1, 6, 7: JSON records

BAD_LINES = {
    2: '{"id": "big", "text": "x", "n": ' + "7" * 5000 + "}",  # int over 4,300 digits
    3: '{"id": "deep", "text": "x", "m": ' + "[" * 100_000 + "]" * 100_000 + "}",
    4: '{"id": "deep200", "text": "x", "m": ' + "[" * 200 + "]" * 200 + "}",
    5: '{"id": true, "text": "A true id."}',
    6: '{"id": {"a": 1}, "text": "An object id."}',
    7: '{"id": 1.5, "text": "A float id."}',
    8: '{"id": "nan", "text": "Score.", "score": NaN}',
    9: '{"id": "inf", "text": "Score.", "score": 1e999}',
    10: '{"id": "minf", "text": "Score.", "meta": {"s": [-Infinity]}}',
}


def _bad_jsonl(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": "good1", "text": article(1)}), *BAD_LINES.values(),
             # lone surrogates in text, meta and id are replaced, like invalid UTF-8
             json.dumps({"id": "sur\udc80", "text": "Mara said \ud83d it " + article(2),
                         "tag": "x\ude00"}),  # written as \ud83d escapes
             # NUL and other C0 controls are replaced with spaces
             json.dumps({"id": "nul", "text": "Ferry\x00 news\x07. " + article(3)}),
             json.dumps({"id": "good2", "text": article(4)})]
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _check_bad_line_reasons(reason: dict) -> None:
    assert "4300" in reason[2] or "digits" in reason[2]
    assert "nested deeper" in reason[3] and "nested deeper" in reason[4]
    assert "must be a string or an integer, got boolean" in reason[5]
    assert "got object" in reason[6] and "got number" in reason[7]
    assert "NaN" in reason[8] and "overflows" in reason[9] and "-Infinity" in reason[10]


def test_extract_reader_bad_json_values_are_per_record_errors(tmp_path: Path) -> None:
    path = _bad_jsonl(tmp_path)
    docs, errors = docs_and_errors(list(read_inputs([str(path)])))
    assert set(errors) == set(BAD_LINES)
    _check_bad_line_reasons(errors)
    assert list(docs) == ["good1", "sur\ufffd", "nul", "good2"]
    sur, nul = docs["sur\ufffd"], docs["nul"]
    assert "Mara said \ufffd it" in sur.text and sur.meta == {"tag": "x\ufffd"}
    assert sur.include_text and "surrogate" in " ".join(sur.warnings)
    assert nul.text.startswith("Ferry  news . ") and len(nul.text) == len(article(3)) + 14
    assert nul.include_text and "control character" in " ".join(nul.warnings)
    assert docs["good1"].warnings == () and not docs["good1"].include_text


def test_ingest_bad_json_values_are_per_record_errors(tmp_path: Path, store: Store) -> None:
    path = _bad_jsonl(tmp_path)
    summary = ingest(store, [path], IngestOptions(check_language=False))
    assert summary.added == 4 and summary.errors == len(BAD_LINES)
    found = problems(store)
    _check_bad_line_reasons({n: found[f"{path}/line {n}"] for n in BAD_LINES})
    assert run_status(store) == ["finished"]
    rows = store.conn.execute("SELECT doc_id, text, meta, warnings FROM documents").fetchall()
    by_id = {r[0]: r for r in rows}
    assert set(by_id) == {"good1", "sur\ufffd", "nul", "good2"}
    assert "\ufffd" in by_id["sur\ufffd"][1] and "\x00" not in by_id["nul"][1]
    for _, _, meta, _ in rows:
        if meta is not None:
            strict_json(meta)
    # the reader's notes are the document's warnings, as in extract (meta is the input's)
    assert json.loads(by_id["sur\ufffd"][2]) == {"tag": "x\ufffd"}
    assert "surrogate" in " ".join(json.loads(by_id["sur\ufffd"][3]))
    assert "control character" in " ".join(json.loads(by_id["nul"][3]))


def test_ingest_ids_must_be_strings_or_integers(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "ids.jsonl"
    path.write_text("\n".join([json.dumps({"id": 7, "text": article(1)}),
                               json.dumps({"id": False, "text": article(2)}),
                               json.dumps({"id": ["a"], "text": article(3)})]) + "\n")
    summary = ingest(store, [path])
    assert summary.added == 1 and summary.errors == 2
    assert list(store.documents().doc_id) == ["7"]
    assert "got boolean" in problems(store)[f"{path}/line 2"]
    assert "got array" in problems(store)[f"{path}/line 3"]


@pytest.fixture()
def fast_cli(monkeypatch, extractor):
    """`saidwhat extract` with the session's extractor (no model load per call)."""
    monkeypatch.setattr(extract_cmd, "_load_extractor", lambda model, *args, **kw: extractor)
    return CliRunner()


def test_extract_cli_writes_good_docs_and_valid_utf8_json(tmp_path: Path, fast_cli) -> None:
    path = _bad_jsonl(tmp_path)
    out, errs = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = fast_cli.invoke(main, ["extract", str(path), "-o", str(out), "--errors", str(errs)])
    assert result.exit_code == 1, result.output
    lines = out.read_bytes().decode("utf-8").splitlines()  # strict UTF-8
    records = [strict_json(line) for line in lines]
    assert [r["doc_id"] for r in records] == ["good1", "sur\ufffd", "nul", "good2"]
    assert "text" in records[1] and "\ufffd" in records[1]["text"]
    logged = [strict_json(line) for line in errs.read_bytes().decode("utf-8").splitlines()]
    assert sorted(e["record"] for e in logged if e["level"] == "error") == sorted(BAD_LINES)
    assert f"error: {path}:5: 'id' must be a string or an integer" in result.stderr


# ------------------------------------------------------------------ 2: non-UTF-8 file names


def _bytes_name_file(folder: Path, name: bytes, data: bytes) -> None:
    fd = os.open(os.fsencode(folder) + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def test_non_utf8_file_names_extract(tmp_path: Path, fast_cli) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _bytes_name_file(folder, b"caf\xe9.txt", "‘We open at dawn,’ said Ana Ruiz.\n".encode())
    _bytes_name_file(folder, b"bad\xff.jsonl",
                     (json.dumps({"id": "j1", "text": article(1)}) + "\n").encode())
    items = list(read_inputs([str(folder)]))
    docs, errors = docs_and_errors(items)
    assert errors == {}
    assert set(docs) == {"caf\\xe9", "j1"}
    assert docs["caf\\xe9"].source_path == str(folder / "caf\\xe9.txt")
    assert "not valid UTF-8" in docs["caf\\xe9"].warnings[0]
    out = tmp_path / "out.jsonl"
    result = fast_cli.invoke(main, ["extract", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [strict_json(ln) for ln in out.read_bytes().decode("utf-8").splitlines()]
    assert sorted(r["doc_id"] for r in records) == ["caf\\xe9", "j1"]


def test_non_utf8_file_names_ingest(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _bytes_name_file(folder, b"caf\xe9.txt", article(1).encode())
    _bytes_name_file(folder, b"bad\xff.jsonl", (json.dumps({"text": article(2)}) + "\n").encode())
    summary = ingest(store, [folder])
    assert summary.added == 2 and summary.errors == 0
    assert run_status(store) == ["finished"]
    # the same ids as extract: <stem>:<line> for a record without one, the stem for a file
    assert sorted(store.documents().doc_id) == ["bad\\xff:1", "caf\\xe9"]


# ------------------------------------------------------------------ 3: truncated WARC


def _cut_warc(path: Path, gz: bool, frac: float) -> None:
    """Four HTML pages; the file ends ``frac`` of the way into the last record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i in range(4):
        last = buf.tell()
        body = (f"<html><head><title>T{i}</title></head><body><article><p>{article(i)}</p>"
                f"<p>{article(i + 10)}</p></article></body></html>").encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                   protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(
            f"https://news.example/{i}", "response", payload=io.BytesIO(body),
            http_headers=headers))
    data = buf.getvalue()
    path.write_bytes(data[: last + int((len(data) - last) * frac)])


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_record_is_an_error_naming_it(tmp_path: Path, store: Store,
                                                     gz: bool) -> None:
    pytest.importorskip("warcio")
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    _cut_warc(path, gz, 0.8)
    summary = ingest(store, [path])
    assert summary.added == 3 and summary.errors == 1
    assert list(store.documents().doc_id) == [f"https://news.example/{i}" for i in range(3)]
    reason = problems(store)[str(path)]
    assert "truncated" in reason and "record 4" in reason and "news.example/3" in reason


# ------------------------------------------------------------------ 4: CSV dialects


def _csv(path: Path, rows: list[list[str]], delimiter: str = ",",
         encoding: str = "utf-8") -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def test_csv_delimiters_and_utf16_are_read_and_bad_csv_is_one_error(tmp_path: Path,
                                                                    store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _csv(folder / "semi.csv", [["id", "text", "title"], ["s1", article(1), "A; b"],
                               ["s2", article(2), "C"]], delimiter=";")
    _csv(folder / "wide.csv", [["id", "text"], ["u1", article(3)]], encoding="utf-16")
    _csv(folder / "tabs.csv", [["id", "text"], ["t1", article(4)]], delimiter="\t")
    _csv(folder / "pipes.csv", [["id", "text"], ["p1", article(5)]], delimiter="|")
    (folder / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    (folder / "a.txt").write_text(article(6), encoding="utf-8")
    summary = ingest(store, [folder])
    assert sorted(store.documents().doc_id) == sorted(["p1", "s1", "s2", "t1", "u1", "a"])
    assert summary.errors == 1
    assert "NUL" in problems(store)[str(folder / "image.csv")]
    docs = store.documents(with_text=True).set_index("doc_id")
    assert docs.loc["u1", "text"] == article(3) and docs.loc["s1", "title"] == "A; b"
    cli = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "c.db")])
    # the folder is ingested; its one binary file is an input that failed: exit 1
    assert cli.exit_code == 1 and "ingested 6 new documents" in cli.output, cli.output
    # A readable CSV without a text column stays a usage error (docs/store.md), now named
    # correctly whatever its delimiter:
    _csv(folder / "notext.csv", [["id", "colour"], ["n1", "blue"]], delimiter=";")
    with pytest.raises(IngestConfigError, match="'colour'"):
        ingest(store, [folder])


# ------------------------------------------------------------------ 5: folders, links, quotes


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "locked").mkdir()
    (root / "locked" / "secret.txt").write_text(article(1))
    (root / "ok.txt").write_text(article(2))
    (root / "sub" / "loop").symlink_to(root)  # a link back to an ancestor
    (root / "gone.txt").symlink_to(root / "nothing-here.txt")
    (root / "self.txt").symlink_to(root / "self.txt")
    return root


def _deny(monkeypatch, folder: Path) -> None:
    """As root, chmod 000 does not stop reading: make os.scandir refuse instead."""
    real = os.scandir

    def scandir(path=".", *a, **kw):
        if os.fspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(folder))
        return real(path, *a, **kw)

    monkeypatch.setattr(os, "scandir", scandir)


def _check_tree_errors(root: Path, errors: dict[str, str]) -> None:
    assert "Permission denied" in errors[str(root / "locked")]
    assert "loop" in errors[str(root / "sub" / "loop")]
    assert "broken symbolic link" in errors[str(root / "gone.txt")]
    assert "loop" in errors[str(root / "self.txt")]


def test_unreadable_folders_and_bad_links_are_errors_in_extract(tmp_path: Path,
                                                               monkeypatch) -> None:
    root = _tree(tmp_path)
    _deny(monkeypatch, root / "locked")
    items = list(read_inputs([str(root)]))
    assert [i.doc_id for i in items if isinstance(i, InputDoc)] == ["ok"]
    errors = {e.path: e.reason for e in items if isinstance(e, InputError)}
    assert len(errors) == 4
    _check_tree_errors(root, errors)


def test_unreadable_folders_and_bad_links_are_errors_in_ingest(tmp_path: Path, store: Store,
                                                              monkeypatch) -> None:
    root = _tree(tmp_path)
    _deny(monkeypatch, root / "locked")
    summary = ingest(store, [root])
    assert summary.added == 1 and summary.errors == 4
    _check_tree_errors(root, problems(store))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads folders whatever their mode")
def test_chmod_000_folder_is_an_error(tmp_path: Path) -> None:
    from saidwhat.records import walk_files

    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("x")
    locked.chmod(0)
    try:
        assert [str(p) for p in walk_files(str(tmp_path))] == []
        assert "cannot read folder" in next(iter(walk_files(str(tmp_path)))).reason
    finally:
        locked.chmod(0o755)


def test_symlinked_folder_is_followed_once(tmp_path: Path) -> None:
    from saidwhat.records import walk_files

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("A.")
    (tmp_path / "z-link").symlink_to(tmp_path / "real")
    files: list = []
    problem: list = []
    for item in walk_files(str(tmp_path)):
        (files if isinstance(item, str) else problem).append(item)
    assert len(problem) == 1
    assert files == [str(tmp_path / "real" / "a.txt")]
    assert problem[0].path == str(tmp_path / "z-link") and "not searched twice" in problem[0].reason


def test_unterminated_csv_quote_is_an_error_naming_the_lines(tmp_path: Path,
                                                             store: Store) -> None:
    q = [article(i).replace('"', '""') for i in range(1, 5)]
    mid = tmp_path / "mid.csv"
    mid.write_text(f'id,text\nr1,"{q[0]}"\nr2,"{q[1]}\nr3,"{q[2]}"\nr4,"{q[3]}"\n')
    end = tmp_path / "end.csv"
    end.write_text(f'id,text\nr1,"{q[0]}"\nr2,"{q[1]}\nr3,{article(3)[:20]}\n')
    summary = ingest(store, [mid, end])
    assert sorted(store.documents().doc_id) == ["r1", "r4"]  # end.csv's r1: same text
    assert summary.errors == 2
    found = problems(store)
    assert "swallowed lines 3-4" in found[f"{mid}/row 2"]
    assert "unterminated quoted field: lines 3-4" in found[f"{end}/row 2"]


def test_nul_in_csv_field_is_replaced_with_a_warning(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "nul.csv"
    _csv(path, [["id", "text"], ["n1", "Ferry\x00" + article(1)]])
    assert ingest(store, [path]).added == 1
    text, warnings = store.conn.execute("SELECT text, warnings FROM documents").fetchone()
    assert text == "Ferry " + article(1)
    assert "control character" in json.loads(warnings)[0]


def test_control_characters_in_txt_are_replaced_for_extract(tmp_path: Path) -> None:
    p = tmp_path / "ctl.txt"
    p.write_bytes(b"Page one.\x0cPage\x1b two.\n")
    [doc] = list(read_inputs([str(p)]))
    assert doc.text == "Page one. Page  two.\n" and doc.include_text
    assert "control character" in doc.warnings[0]


# ------------------------------------------------------------------ 8: bounded memory


def _bomb(path: Path, line_bytes: int) -> None:
    """A .jsonl.gz whose first line inflates to ``line_bytes``, then one good record."""
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b'{"id": "bomb", "text": "')
        chunk = b"0" * (1 << 20)
        for _ in range(line_bytes // len(chunk)):
            fh.write(chunk)
        fh.write(b'"}\n' + json.dumps({"id": "after", "text": article(1)}).encode() + b"\n")


def test_gzip_bomb_line_is_an_error_not_read_whole(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    _bomb(path, 20 << 20)
    assert path.stat().st_size < 100_000
    docs, errors = docs_and_errors(list(read_inputs([str(path)], max_bytes=100_000)))
    assert list(docs) == ["after"]
    assert "line longer than 100,000 bytes" in errors[1]
    summary = ingest(store, [path], IngestOptions(max_doc_chars=25_000))
    assert summary.added == 1 and "line longer than" in problems(store)[f"{path}/line 1"]


def test_documents_over_the_limit_are_errors_for_extract(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(article(1) * 100)
    small = tmp_path / "small.txt"
    small.write_text(article(2))
    items = list(read_inputs([str(big), str(small), "-"], max_bytes=5_000,
                             stdin=io.BytesIO(article(3).encode() * 100)))
    assert isinstance(items[0], InputError) and "larger than 5,000 bytes" in items[0].reason
    assert isinstance(items[1], InputDoc) and items[1].doc_id == "small"
    assert isinstance(items[2], InputError) and "larger than 5,000 bytes" in items[2].reason


def test_stdin_jsonl_is_streamed_line_by_line() -> None:
    lines = b"".join(json.dumps({"id": f"s{i}", "text": article(i)}).encode() + b"\n"
                     for i in range(50))
    items = list(read_inputs(["-"], stdin=io.BytesIO(lines), max_bytes=1_000))
    assert [d.doc_id for d in items] == [f"s{i}" for i in range(50)]


# ------------------------------------------------------------------ backstops


def test_an_unforeseen_reader_failure_is_one_error_and_the_run_is_closed(
        tmp_path: Path, store: Store, monkeypatch) -> None:
    import importlib

    readers_mod = importlib.import_module("saidwhat.readers")  # ingest reads through it

    (tmp_path / "a.txt").write_text(article(1))
    (tmp_path / "b.html").write_text("<html><body><p>x</p></body></html>")
    (tmp_path / "c.txt").write_text(article(3))

    def exploding(*a, **kw):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(readers_mod, "read_html", exploding)
    summary = ingest(store, [tmp_path])
    assert summary.added == 2 and summary.errors == 1
    assert "RuntimeError: parser exploded" in problems(store)[str(tmp_path / "b.html")]



def test_a_crash_mid_run_keeps_what_was_read_and_closes_the_run(tmp_path: Path,
                                                               store: Store,
                                                               monkeypatch) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(article(i))
    real = store.add_documents
    calls = []

    def failing_second_time(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # or a full disk: anything the run cannot go on from
        return real(*a, **kw)

    monkeypatch.setattr(store, "add_documents", failing_second_time)
    with pytest.raises(KeyboardInterrupt):
        ingest(store, [tmp_path], batch_size=1)
    assert run_status(store) == ["interrupted"]
    assert len(store.documents()) == 2  # the first batch, and the retried second one


def test_show_reports_a_deeply_nested_result_line(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"doc_id": "d", "text": "x", "quotes": [], "entities": []})
                       + '\n{"doc_id": "deep", "quotes": ' + "[" * 100_000 + "]" * 100_000
                       + "}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(results)])
    assert result.exit_code == 1, result.output
    assert f"error: {results}:2: not an extraction record" in result.stderr
