"""One contract: for the same inputs, `saidwhat extract` and `saidwhat ingest` + `run` +
`export --format jsonl` give identical records (doc ids, quotes, entities, text, meta), in
every input format; the store keeps results through Document.to_dict / from_dict."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat import Document, Extractor
from saidwhat.cli import extract_cmd, main
from saidwhat.store import Store
from saidwhat.store import runner as runner_module
from saidwhat.store.schema import MIGRATIONS

SPEAKERS = ["Mara Quill", "Ivo Brandt", "Sofia Ortega", "Ted Nakamura", "Lin Okafor",
            "Owen Pryce", "Ana Ruiz", "Jon Hale", "Eva Stone"]


def article(i: int) -> str:
    who = SPEAKERS[i % len(SPEAKERS)]
    return (f"The council met on Thursday to vote on plan number {i}. \"This plan will "
            f"change how the district works for years,\" said {who}, who leads the "
            f"committee. {who.split()[-1]} added that the vote on plan {i} was close.")


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><title>{title}</title>"
            "<meta property='article:published_time' content='2024-03-09'></head><body>"
            f"<nav>Home | News</nav><article><h1>{title}</h1><p>{body}</p></article>"
            "</body></html>").encode()


def _inputs(folder: Path) -> dict[str, str]:
    """One input of every format; returns format -> a doc_id it gives."""
    folder.mkdir()
    (folder / "plain.txt").write_text(article(0), encoding="utf-8")
    (folder / "broken.txt").write_bytes(article(1).encode().replace(b"council", b"c\xe9uncil"))
    (folder / "page.html").write_bytes(_page("Plan vote", article(2)))
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "j1", "text": article(3), "outlet": "Courier",
                    "published": "Tue, 02 Jan 2024 10:00:00 +0000", "tags": ["a", "b"]})
        + "\n" + json.dumps({"body": article(4), "title": "No id"}) + "\n", encoding="utf-8")
    with gzip.open(folder / "zipped.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"doc_id": "z1", "text": article(5)}) + "\n")
    with open(folder / "table.csv", "w", encoding="utf-8", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerows([["id", "text", "date"], ["c1", article(6), "2024-02-03"],
                        ["", article(7), ""]])
    found = {"txt": "plain", "txt (invalid byte)": "broken", "html": "page", "jsonl": "j1",
             "jsonl (no id)": "feed:2", "jsonl.gz": "z1", "csv": "c1", "csv (no id)": "table:3"}
    try:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter
    except ImportError:
        return found
    with open(folder / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                   protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(
            "https://news.example/plan", "response", payload=io.BytesIO(_page("W", article(8))),
            http_headers=headers))
    found["warc.gz"] = "https://news.example/plan"
    return found


@pytest.fixture()
def same_extractor(monkeypatch, extractor: Extractor) -> Extractor:
    """Both commands with the session's extractor (no model load per call)."""
    monkeypatch.setattr(extract_cmd, "_load_extractor", lambda model, *a, **kw: extractor)
    monkeypatch.setitem(runner_module._extractors, None, extractor)
    return extractor


def _jsonl(path: Path) -> dict[str, dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["doc_id"]: r for r in records}


def test_extract_and_store_export_give_identical_records(tmp_path: Path,
                                                         same_extractor: Extractor) -> None:
    folder = tmp_path / "in"
    formats = _inputs(folder)
    cli = CliRunner()
    out = tmp_path / "extract.jsonl"
    res = cli.invoke(main, ["extract", str(folder), "-o", str(out)])
    assert res.exit_code == 0, res.output
    db = str(tmp_path / "s.db")
    res = cli.invoke(main, ["ingest", str(folder), "--db", db, "--all-languages"])
    assert res.exit_code == 0, res.output
    res = cli.invoke(main, ["run", "--db", db])
    assert res.exit_code == 0, res.output
    exported = tmp_path / "export.jsonl"
    res = cli.invoke(main, ["export", "--db", db, "--format", "jsonl", "-o", str(exported)])
    assert res.exit_code == 0, res.output

    direct, stored = _jsonl(out), _jsonl(exported)
    assert set(direct) == set(stored) == set(formats.values())
    for fmt, doc_id in formats.items():
        assert stored[doc_id] == direct[doc_id], fmt
        # byte for byte, keys in the same order
        assert json.dumps(stored[doc_id]) == json.dumps(direct[doc_id]), fmt
    assert any(r["quotes"] for r in direct.values())
    # the text travels where offsets need it: extracted HTML/WARC text, repaired text
    carried = {fmt for fmt, i in formats.items() if "text" in direct[i]}
    assert carried == {"txt (invalid byte)", "html"} | ({"warc.gz"} & set(formats))
    assert "\ufffd" in direct["broken"]["text"]
    # meta is the input's, as given
    assert direct["j1"]["meta"] == {"outlet": "Courier",
                                    "published": "Tue, 02 Jan 2024 10:00:00 +0000",
                                    "tags": ["a", "b"]}
    assert direct["table:3"].get("meta") is None  # empty cells are not metadata
    # the store's query columns are derived from that meta (dates as ISO 8601)
    with Store(db, readonly=True) as store:
        docs = store.documents().set_index("doc_id")
    assert docs.loc["j1", "outlet"] == "Courier"
    assert docs.loc["j1", "date"] == "2024-01-02T10:00:00+00:00"
    assert docs.loc["page", "date"] == "2024-03-09"


def test_gold_texts_pair_with_store_results(tmp_path: Path, same_extractor: Extractor) -> None:
    """The store's doc ids are extract's (the file stem), so `eval --pred` on an export
    finds its gold documents."""
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(article(0), encoding="utf-8")
    db = str(tmp_path / "s.db")
    cli = CliRunner()
    assert cli.invoke(main, ["ingest", str(folder), "--db", db]).exit_code == 0
    assert cli.invoke(main, ["run", "--db", db]).exit_code == 0
    with Store(db, readonly=True) as store:
        [doc] = list(store.iter_documents())
    assert doc.doc_id == "a" and doc.text == article(0) and doc.quotes


def test_id_conflicts_are_errors_in_both_and_doc_id_path_opts_out(
        tmp_path: Path, same_extractor: Extractor) -> None:
    for sub, i in (("one", 0), ("two", 1)):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "index.html").write_bytes(_page(f"P{i}", article(i)))
    cli = CliRunner()
    res = cli.invoke(main, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 1
    first, second = tmp_path / "in" / "one" / "index.html", tmp_path / "in" / "two" / "index.html"
    assert (f"error: {second}: id conflict: doc_id 'index' is already used by {first}"
            in res.stderr)
    assert list(_jsonl(tmp_path / "o.jsonl")) == ["index"]  # the batch went on
    db = str(tmp_path / "s.db")
    res = cli.invoke(main, ["ingest", str(tmp_path / "in"), "--db", db])
    assert res.exit_code == 1
    with Store(db, readonly=True) as store:
        [reason] = list(store.errors().reason)
    assert reason.startswith(f"id conflict: doc_id 'index' is already used by {first}")
    res = cli.invoke(main, ["extract", str(tmp_path / "in"), "--doc-id", "path",
                            "-o", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 0, res.output
    assert list(_jsonl(tmp_path / "p.jsonl")) == [str(first), str(second)]


def test_size_options_mean_the_same_in_both(tmp_path: Path, same_extractor: Extractor) -> None:
    long_text = " ".join(article(i) for i in range(9))
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    cli = CliRunner()
    res = cli.invoke(main, ["extract", str(tmp_path / "long.txt"), "--max-doc-chars", "500"])
    assert res.exit_code == 1 and "document too long" in res.stderr
    assert "--max-doc-chars" in res.stderr
    db = str(tmp_path / "s.db")
    res = cli.invoke(main, ["ingest", str(tmp_path / "long.txt"), "--db", db,
                            "--max-doc-chars", "500"])
    assert res.exit_code == 1
    with Store(db, readonly=True) as store:
        assert "document too long" in store.errors().reason[0]
    # --max-chars is the chunk size: it never rejects, so ingest refuses it with a hint
    res = cli.invoke(main, ["ingest", str(tmp_path / "long.txt"), "--db", db,
                            "--max-chars", "1000"])
    assert res.exit_code == 2 and "--max-doc-chars" in res.output
    res = cli.invoke(main, ["extract", str(tmp_path / "long.txt"), "--max-chars", "1000"])
    assert res.exit_code == 0, res.output
    [record] = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(record["quotes"]) >= 9  # every chunk extracted, offsets into the whole text
    assert all(long_text[q["content"]["start"]:q["content"]["end"]] == q["content"]["text"]
               for q in record["quotes"])


def test_a_malformed_result_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    from saidwhat.store.db import ExtractionResult

    with Store(tmp_path / "s.db") as store:
        store.conn.execute("INSERT INTO documents (doc_id, content_hash, format, source, text,"
                           " n_chars) VALUES ('d', 'h', 'txt', 'x', 'Some text.', 10)")
        pk = store.conn.execute("SELECT pk FROM documents").fetchone()[0]
        with pytest.raises((KeyError, ValueError, TypeError)):
            store.save_results([ExtractionResult(pk, {"quotes": [{"id": "q1"}]})], None)
        assert store.conn.execute("SELECT status, result FROM documents").fetchone() == \
            ("pending", None)


def test_version_2_store_is_upgraded_with_its_results(tmp_path: Path) -> None:
    """Stores written before the result column: meta, warnings and results are rebuilt."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for version, sql in MIGRATIONS[:2]:
        conn.executescript(f"{sql}\nPRAGMA user_version = {version};")
    conn.execute("INSERT INTO documents (pk, doc_id, content_hash, title, date, format, source,"
                 " meta, text, n_chars, status) VALUES (1, 'old', 'h', 'T', '2024-01-02', 'txt',"
                 " 'a.txt', ?, ?, 9, 'done')",
                 (json.dumps({"section": "x", "encoding": "invalid UTF-8 at byte 3"}),
                  "\"Hi,\" said Ana."))
    conn.execute("INSERT INTO quotes (doc_pk, seq, quote_id, kind, content_start, content_end,"
                 " content_text, cue_start, cue_end, cue_text, speaker_name, speaker_type)"
                 " VALUES (1, 0, 'q1', 'direct', 1, 4, 'Hi,', 6, 10, 'said', 'Ana', 'person')")
    conn.execute("INSERT INTO entities VALUES (1, 0, 'e1', 'Ana', 'person', '[]', ?)",
                 (json.dumps([{"start": 11, "end": 14, "text": "Ana"}]),))
    conn.commit()
    conn.close()
    with Store(path) as store:
        [record] = list(store.iter_results())
        warnings = store.conn.execute("SELECT warnings FROM documents").fetchone()[0]
    assert json.loads(warnings) == ["invalid UTF-8 at byte 3"]
    assert record["text"] == "\"Hi,\" said Ana."  # repaired text: carried
    assert record["meta"] == {"section": "x", "title": "T", "date": "2024-01-02"}
    doc = Document.from_dict(record)
    assert doc.quotes[0].cue.text == "said" and doc.quotes[0].speaker.name == "Ana"
    assert doc.entities[0].mentions[0].text == "Ana"
    assert record == doc.to_dict()
