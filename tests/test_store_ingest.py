"""Store ingest: formats, metadata, duplicates, language, and every robustness case."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.store import IngestConfigError, IngestOptions, Store, ingest
from saidwhat.store.lang import detect_english


def article(n: int, speaker: str = "Mara Quill") -> str:
    return (f"Residents of Eastfold gathered on day {n} to discuss the ferry timetable. "
            f"\"We have waited long enough for a later crossing,\" said {speaker}, who chairs "
            f"the harbour users group. The operator said it would review the schedule {n}.")


GERMAN = ("Die Bewohner von Ostfeld haben sich am Montag getroffen, um über den Fahrplan der "
          "Fähre zu sprechen. Der Betreiber sagte, er werde den Plan noch einmal prüfen.")


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def problems(store: Store) -> dict[str, str]:
    """source[/record] -> reason of every recorded problem."""
    df = store.errors(("error", "skipped", "duplicate"))
    return {(r.source + (f"/{r.record}" if r.record else "")): r.reason
            for r in df.itertuples()}


def test_english_detector_separates_languages() -> None:
    assert detect_english(article(1)).language == "en"
    assert detect_english(GERMAN).language == "other"
    assert detect_english("Über den Fähre " * 3 + "日本語のテキストです" * 10).language == "other"
    assert detect_english("Short title").language == "und"  # too short: kept, not rejected


def test_folder_of_txt_and_html_with_metadata(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(article(1), encoding="utf-8")
    (folder / "sub" / "b.html").write_text(
        "<html><head><title>Ferry row</title><meta name='author' content='Lin Okafor'>"
        "<meta property='article:published_time' content='2024-05-06'></head><body>"
        f"<nav>Home | News</nav><article><h1>Ferry row</h1><p>{article(2)}</p>"
        f"<p>{article(3)}</p></article></body></html>", encoding="utf-8")
    summary = ingest(store, [folder])
    assert summary.added == 2 and summary.errors == 0
    docs = store.documents(with_text=True).set_index("doc_id")
    txt = docs.loc["a"]  # the file stem, as `saidwhat extract` names it
    assert txt["text"] == article(1) and txt["format"] == "txt" and txt["status"] == "pending"
    html = docs.loc["b"]
    assert html["format"] == "html" and "later crossing" in html["text"]
    assert "Home | News" not in html["text"]
    assert html["author"] == "Lin Okafor" and html["date"] == "2024-05-06"
    assert html["language"] == "en"


def test_jsonl_gz_and_csv_with_named_columns(tmp_path: Path, store: Store) -> None:
    with gzip.open(tmp_path / "dump.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(3):
            fh.write(json.dumps({"id": f"j{i}", "body": article(i), "headline": f"H{i}",
                                 "published": "2024-01-0" + str(i + 1), "source": "Tidewater",
                                 "section": "local"}) + "\n")
    with open(tmp_path / "export.csv", "w", encoding="utf-8", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerow(["key", "story", "when", "paper"])
        rows.writerow(["c1", article(10), "2023-12-31", "Gazette"])
        rows.writerow(["c2", article(11), "Tue, 02 Jan 2024 10:00:00 +0000", "Gazette"])
    opts = IngestOptions(text_col="story", id_col="key", date_col="when", outlet_col="paper")
    # --text-col names the CSV's column; the JSONL records' "body" has to be guessed, so the
    # JSONL file is read with defaults.
    ingest(store, [tmp_path / "dump.jsonl.gz"])
    ingest(store, [tmp_path / "export.csv"], opts)
    docs = store.documents().set_index("doc_id")
    assert sorted(docs.index) == ["c1", "c2", "j0", "j1", "j2"]
    assert docs.loc["j1", "title"] == "H1" and docs.loc["j1", "outlet"] == "Tidewater"
    assert docs.loc["j1", "date"] == "2024-01-02"
    assert docs.loc["c1", "outlet"] == "Gazette" and docs.loc["c1", "date"] == "2023-12-31"
    assert docs.loc["c2", "date"] == "2024-01-02T10:00:00+00:00"
    # meta is the record's fields as given (the columns above are derived from it)
    meta = json.loads(store.conn.execute(
        "SELECT meta FROM documents WHERE doc_id='j0'").fetchone()[0])
    assert meta == {"headline": "H0", "published": "2024-01-01", "source": "Tidewater",
                    "section": "local"}


def test_csv_missing_column_fails_before_any_work(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(article(1), encoding="utf-8")
    bad = tmp_path / "export.csv"
    bad.write_text("id,body\n1,hello\n", encoding="utf-8")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["ingest", str(good), str(bad), "--db", str(db),
                                       "--text-col", "story"])
    assert result.exit_code == 2
    assert "export.csv" in result.output and "'story'" in result.output
    assert "'body'" in result.output  # lists the columns there are
    assert not db.exists()  # nothing was started
    with Store(tmp_path / "api.db") as store, pytest.raises(IngestConfigError, match="story"):
        ingest(store, [good, bad], IngestOptions(text_col="story"))
    with Store(tmp_path / "api.db") as store:
        assert store.status_counts()["ingested"] == 0


def test_duplicates_by_content_are_not_stored_twice(tmp_path: Path, store: Store) -> None:
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    (tmp_path / "copy.txt").write_text(article(1), encoding="utf-8")
    first = ingest(store, [tmp_path / "a.txt", tmp_path / "copy.txt"])
    assert (first.added, first.duplicate) == (1, 1)
    again = ingest(store, [tmp_path])  # re-ingesting the folder adds nothing
    assert (again.added, again.duplicate) == (0, 2)
    assert store.status_counts()["ingested"] == 1
    assert "same text as document" in problems(store)[str(tmp_path / "copy.txt")]


def test_non_english_is_skipped_with_reason(tmp_path: Path, store: Store) -> None:
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "en.txt").write_text(article(1), encoding="utf-8")
    summary = ingest(store, [tmp_path])
    assert (summary.added, summary.skipped) == (1, 1)
    assert problems(store)[str(tmp_path / "de.txt")].startswith("not English")
    assert ingest(store, [tmp_path / "de.txt"],
                  IngestOptions(check_language=False)).added == 1


def test_truncated_gzip_keeps_records_before_the_cut(tmp_path: Path, store: Store) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as fh:
        for i in range(200):
            fh.write((json.dumps({"id": f"r{i}", "text": article(i)}) + "\n").encode())
    data = buf.getvalue()
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    summary = ingest(store, [path])
    assert 0 < summary.added < 200
    assert summary.errors == 1
    reason = problems(store)[str(path)]
    assert "truncated or corrupt gzip" in reason and f"after {summary.added} records" in reason


def test_invalid_utf8_is_decoded_with_replacement(tmp_path: Path, store: Store) -> None:
    raw = article(1).encode("utf-8").replace(b"Eastfold", b"East\xe9\xfffold")
    (tmp_path / "bad.txt").write_bytes(raw)
    (tmp_path / "bad.jsonl").write_bytes(b'{"id": "x", "text": "' + raw.replace(b'"', b"'")
                                         + b'"}\n')
    assert ingest(store, [tmp_path]).added == 2
    for doc_id in ("bad", "x"):
        text, warnings, carried = store.conn.execute(
            "SELECT text, warnings, include_text FROM documents WHERE doc_id=?",
            (doc_id,)).fetchone()
        assert "East\ufffd\ufffdfold" in text
        assert "invalid UTF-8" in json.loads(warnings)[0]
        assert carried == 1  # repaired text travels with the record, as in extract


def test_binary_and_empty_files_are_errors(tmp_path: Path, store: Store) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_text("   \n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_bytes(b"\n\n")
    (tmp_path / "ok.txt").write_text(article(1), encoding="utf-8")
    summary = ingest(store, [tmp_path])
    assert summary.added == 1 and summary.errors == 4
    found = problems(store)
    assert "binary" in found[str(tmp_path / "image.txt")]
    assert found[str(tmp_path / "empty.txt")] == "empty document"
    assert "empty" in found[str(tmp_path / "blank.html")]
    assert "empty" in found[str(tmp_path / "empty.jsonl")]


def test_huge_document_rejected_without_reading_it(tmp_path: Path, store: Store) -> None:
    big = tmp_path / "big.txt"
    sentence = article(1).encode() + b"\n"
    with open(big, "wb") as fh:
        for _ in range(20 * 1024 * 1024 // len(sentence) + 1):
            fh.write(sentence)
    assert big.stat().st_size > 20 * 1024 * 1024
    with open(tmp_path / "big.jsonl", "wb") as fh:
        fh.write(json.dumps({"id": "huge", "text": article(1) * 10_000}).encode() + b"\n")
        fh.write(json.dumps({"id": "long", "text": article(1) * 2_500}).encode() + b"\n")
        fh.write(json.dumps({"id": "small", "text": article(2)}).encode() + b"\n")
    with open(tmp_path / "big.csv", "w", encoding="utf-8", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerows([["id", "text"], ["huge-row", article(1) * 10_000], ["ok", article(3)]])
    summary = ingest(store, [tmp_path], IngestOptions(max_doc_chars=500_000))
    assert summary.added == 2  # only the small record and the small row
    found = problems(store)
    assert "file larger than" in found[str(big)] and "not read" in found[str(big)]
    assert "line longer than" in found[str(tmp_path / "big.jsonl") + "/line 1"]
    assert "document too long" in found[str(tmp_path / "big.jsonl") + "/line 2"]
    assert "field longer than" in found[str(tmp_path / "big.csv") + "/row 1"]


def test_html_with_scripts_and_no_article(tmp_path: Path, store: Store) -> None:
    page = tmp_path / "app.html"
    page.write_text("<html><head><script>var state = {};</script></head><body>"
                    "<script>document.write('loading');</script><div id='root'></div>"
                    "</body></html>", encoding="utf-8")
    summary = ingest(store, [page])
    assert summary.added == 0 and summary.errors == 1
    assert "no article text" in problems(store)[str(page)]


def test_bad_jsonl_records_do_not_stop_the_file(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "text": article(1)}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "no-text", "title": "x"}),
        json.dumps({"id": "c", "text": article(3)}),
    ]) + "\n", encoding="utf-8")
    summary = ingest(store, [path])
    assert summary.added == 2 and summary.errors == 3
    found = problems(store)
    assert "invalid JSON" in found[f"{path}/line 2"]
    assert "JSON object" in found[f"{path}/line 3"]
    assert "no text column" in found[f"{path}/line 4"]


def test_csv_bad_rows_and_invalid_bytes(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "rows.csv"
    quoted = [article(i).replace('"', '""') for i in (1, 3)]
    path.write_bytes(
        b"id,text\n"
        + f"r1,\"{quoted[0]}\"\n".encode()
        + b"r2,only,too,many\n"
        + f"r3,\"{quoted[1]}\"\n".encode().replace(b"Eastfold", b"East\xfffold"))
    summary = ingest(store, [path])
    assert summary.added == 2 and summary.errors == 1
    assert "header has 2" in problems(store)[f"{path}/row 2"]
    text = store.conn.execute("SELECT text FROM documents WHERE doc_id='r3'").fetchone()[0]
    assert "East\ufffdfold" in text


def test_same_id_different_text_is_an_error(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "ids.jsonl"
    path.write_text(json.dumps({"id": "same", "text": article(1)}) + "\n"
                    + json.dumps({"id": "same", "text": article(2)}) + "\n", encoding="utf-8")
    summary = ingest(store, [path])
    assert summary.added == 1 and summary.id_conflict == 1
    assert "already used" in problems(store)[f"{path}/line 2"]


def _warc(path: Path, pages: list[tuple[str, bytes, str]], gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body, ctype in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.0")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers))
        writer.write_record(writer.create_warc_record(
            "https://news.example/robots.txt", "request", payload=io.BytesIO(b"GET /")))


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><title>{title}</title>"
            f"<meta property='article:published_time' content='2024-03-09'></head><body>"
            f"<script>track();</script><article><h1>{title}</h1><p>{body}</p><p>{body}</p>"
            f"</article></body></html>").encode()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses(tmp_path: Path, store: Store, gz: bool) -> None:
    pytest.importorskip("warcio")
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _warc(path, [("https://news.example/a", _page("Ferry", article(1)), "text/html"),
                 ("https://news.example/logo.png", b"\x89PNG", "image/png"),
                 ("https://news.example/b", _page("Bridge", article(2, "Ivo Brandt")),
                  "text/html; charset=utf-8"),
                 ("https://news.example/app", b"<html><script>x()</script></html>",
                  "text/html")], gz)
    summary = ingest(store, [path])
    assert summary.added == 2 and summary.errors == 1
    docs = store.documents(with_text=True).set_index("doc_id")
    assert list(docs.index) == ["https://news.example/a", "https://news.example/b"]
    b = docs.loc["https://news.example/b"]
    assert b["format"] == "warc" and b["url"] == "https://news.example/b"
    assert b["date"] == "2024-03-09" and "Ivo Brandt" in b["text"]
    assert "track()" not in b["text"]
    assert "no article text" in problems(store)[str(path) + "/" + store.errors().iloc[0].record]


def test_truncated_warc_gz_is_an_error_after_good_records(tmp_path: Path, store: Store) -> None:
    pytest.importorskip("warcio")
    full = tmp_path / "full.warc.gz"
    _warc(full, [(f"https://news.example/{i}", _page(f"T{i}", article(i)), "text/html")
                 for i in range(6)], gz=True)
    data = full.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    summary = ingest(store, [cut])
    assert 0 < summary.added < 6 and summary.errors == 1
    assert "truncated or corrupt WARC" in problems(store)[str(cut)]


def test_status_errors_lists_every_problem(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "in" / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "in" / "ok.txt").write_text(article(1), encoding="utf-8")
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    # the empty file is an input that failed: exit 1 (the others are stored)
    assert runner.invoke(main, ["ingest", str(tmp_path / "in"), "--db", db]).exit_code == 1
    result = runner.invoke(main, ["status", "--db", db, "--errors"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "\t" in ln]
    assert len(lines) == 3
    assert any("empty.txt" in ln and "empty document" in ln for ln in lines)
    assert any("de.txt" in ln and "not English" in ln for ln in lines)
    assert any("notes.docx" in ln and "unsupported file type" in ln for ln in lines)
    assert "pending                   1" in result.output


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope"), "--db", str(db)])
    assert result.exit_code == 2 and "no such file or folder" in result.output
    assert not db.exists()
