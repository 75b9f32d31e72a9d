"""Readers: files, folders, globs and stdin -> InputDoc / InputError; chunking and merging."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest

from saidwhat.chunking import chunk_text, extract_inputs, merge_chunks
from saidwhat.model import Document, Entity, Quote, Speaker, TextSpan
from saidwhat.readers import InputDoc, InputError, ReadOptions, read_inputs

ARTICLE_HTML = """<!doctype html><html><head><title>Ferry timetable cut</title></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Ferry timetable cut</h1>
<p>The island ferry will run twice a day instead of four times from next month, the operator
announced on Monday, after a shortage of qualified crew left two boats idle.</p>
<p>&lsquo;We know this is hard for people who commute to the mainland,&rsquo; said Owen Pryce,
the operator&rsquo;s managing director. &lsquo;We are training new crew as fast as we can.&rsquo;</p>
<p>Residents said the reduced timetable would make it impossible to keep hospital appointments
and warned that young families would leave the island for good.</p>
</article><footer>Copyright Island Gazette</footer></body></html>"""


def read_all(*args: str | Path, **kw) -> list[InputDoc | InputError]:
    return list(read_inputs([str(a) for a in args], **kw))


def only_doc(items: list[InputDoc | InputError]) -> InputDoc:
    assert len(items) == 1 and isinstance(items[0], InputDoc), items
    return items[0]


def only_error(items: list[InputDoc | InputError]) -> InputError:
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# ------------------------------------------------------------------ txt


def test_txt_doc_id_is_file_stem_and_text_is_exact_bytes(tmp_path: Path) -> None:
    raw = "First line.\r\n‘Quoted,’ she said.\r\n"
    p = tmp_path / "story-7.txt"
    p.write_bytes(raw.encode("utf-8"))
    doc = only_doc(read_all(p))
    assert doc.doc_id == "story-7"
    assert doc.text == raw  # no newline translation: offsets match the file
    assert doc.include_text is False and doc.warnings == ()
    assert doc.source_path == str(p)


def test_empty_and_blank_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\t\n")
    items = read_all(tmp_path / "empty.txt", tmp_path / "blank.txt")
    assert [type(i) for i in items] == [InputError, InputError]
    assert all(i.reason == "empty document" for i in items)
    assert str(items[0]) == f"{tmp_path / 'empty.txt'}: empty document"


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    err = only_error(read_all(p))
    assert err.path == str(p) and "binary" in err.reason


def test_undecodable_bytes_are_an_error(tmp_path: Path) -> None:
    p = tmp_path / "latin.txt"
    p.write_bytes(bytes(range(0x80, 0x100)) * 20)  # no NUL, but nothing here is UTF-8
    err = only_error(read_all(p))
    assert "not UTF-8" in err.reason


def test_invalid_utf8_is_replaced_with_warning_and_text_is_carried(tmp_path: Path) -> None:
    p = tmp_path / "mixed.txt"
    p.write_bytes("The café said ‘yes’.".encode() + b" \xe9t\xe9 " + b"end.")
    doc = only_doc(read_all(p))
    assert doc.text.count("\ufffd") == 2
    assert doc.text.startswith("The café said ‘yes’.") and doc.text.endswith("end.")
    assert doc.include_text is True
    assert len(doc.warnings) == 1 and "invalid UTF-8 at byte" in doc.warnings[0]


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    p = tmp_path / "wide.txt"
    p.write_bytes("‘Hello,’ he said.".encode("utf-16"))
    assert only_doc(read_all(p)).text == "‘Hello,’ he said."


def test_five_megabyte_single_line_is_read_and_chunked(tmp_path: Path) -> None:
    sentence = "The committee met again today and said nothing new about the budget. "
    text = sentence * (5_000_000 // len(sentence) + 1)
    p = tmp_path / "huge.txt"
    p.write_text(text, encoding="utf-8")
    doc = only_doc(read_all(p))
    assert len(doc.text) > 5_000_000 and "\n" not in doc.text
    chunks = chunk_text(doc.text, 100_000)
    assert "".join(c for _, c in chunks) == doc.text
    assert all(len(c) <= 100_000 for _, c in chunks)
    assert all(doc.text[off:off + len(c)] == c for off, c in chunks)
    # cuts fall after a sentence end, not inside a word
    assert all(c.endswith(". ") for _, c in chunks[:-1])


# ------------------------------------------------------------------ html


def test_html_article_text_is_extracted_and_carried(tmp_path: Path) -> None:
    p = tmp_path / "ferry.html"
    p.write_text(ARTICLE_HTML, encoding="utf-8")
    doc = only_doc(read_all(p))
    assert doc.doc_id == "ferry"
    assert doc.include_text is True
    assert "‘We know this is hard" in doc.text  # entities decoded
    assert "<p>" not in doc.text and "Copyright" not in doc.text
    assert doc.meta.get("title") == "Ferry timetable cut"


def test_html_without_article_is_a_per_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "blank.htm"
    bad.write_text("<html><head><script>var x = 1;</script></head><body></body></html>")
    good = tmp_path / "ferry.htm"
    good.write_text(ARTICLE_HTML, encoding="utf-8")
    items = read_all(bad, good)
    assert isinstance(items[0], InputError) and items[0].path == str(bad)
    assert items[0].reason == "no article text found in the HTML page"
    assert isinstance(items[1], InputDoc) and items[1].doc_id == "ferry"


# ------------------------------------------------------------------ jsonl


def _jsonl(tmp_path: Path, lines: list[str], name: str = "batch.jsonl") -> Path:
    p = tmp_path / name
    data = ("\n".join(lines) + "\n").encode("utf-8")
    p.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return p


def test_jsonl_records_keep_other_fields_as_meta(tmp_path: Path) -> None:
    p = _jsonl(tmp_path, [json.dumps({"id": "a", "text": "One.", "source": "Gazette", "n": 3}),
                          "", json.dumps({"id": 17, "text": "Two."})])
    items = read_all(p)
    assert [(d.doc_id, d.text, d.meta) for d in items] == [
        ("a", "One.", {"source": "Gazette", "n": 3}), ("17", "Two.", {})]


def test_jsonl_bad_lines_are_errors_and_the_file_goes_on(tmp_path: Path) -> None:
    p = _jsonl(tmp_path, [
        json.dumps({"id": "ok1", "text": "Fine."}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "notext", "colour": "x"}),
        json.dumps({"text": "no id"}),  # not an error: its id is <stem>:<line>
        json.dumps(["a", "list"]),
        json.dumps({"id": "num", "text": 5}),
        json.dumps({"id": "blank", "text": "  "}),
        json.dumps({"id": "ok2", "text": "Also fine."}),
    ])
    items = read_all(p)
    assert [i.doc_id for i in items if isinstance(i, InputDoc)] == ["ok1", "batch:4", "ok2"]
    errors = {e.record: e.reason for e in items if isinstance(e, InputError)}
    assert set(errors) == {2, 3, 5, 6, 7}
    assert errors[2].startswith("invalid JSON")
    assert errors[3].startswith("record has no text column (tried text, body")
    assert "JSON object" in errors[5]
    assert "'text' must be a string" in errors[6]
    assert errors[7] == "empty document"
    assert str(items[1]) == f"{p}:2: {errors[2]}"


def test_jsonl_gz_and_corrupt_gz(tmp_path: Path) -> None:
    good = _jsonl(tmp_path, [json.dumps({"doc_id": "z", "text": "Zipped."})], "b.jsonl.gz")
    bad = tmp_path / "c.jsonl.gz"
    bad.write_bytes(b"this is not gzip data at all")
    items = read_all(good, bad)
    assert isinstance(items[0], InputDoc) and (items[0].doc_id, items[0].text) == ("z", "Zipped.")
    assert isinstance(items[1], InputError) and "gzip" in items[1].reason


def test_empty_jsonl_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "none.jsonl"
    p.write_text("\n\n")
    assert only_error(read_all(p)).reason == "empty document"


# ------------------------------------------------------------------ paths, stdin


def test_folders_are_searched_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("A.")
    (tmp_path / "b" / "deep" / "c.txt").write_text("C.")
    (tmp_path / "b" / "notes.md").write_text("ignored: not an input format")
    (tmp_path / ".hidden" / "d.txt").write_text("hidden")
    items = read_all(tmp_path)
    assert [d.doc_id for d in items if isinstance(d, InputDoc)] == ["a", "c"]
    # a file of no input format in a folder is skipped, and says so (not a failure)
    [skipped] = [e for e in items if isinstance(e, InputError)]
    assert skipped.kind == "skipped" and skipped.path == str(tmp_path / "b" / "notes.md")
    assert skipped.reason.startswith("unsupported file type '.md'")


def test_globs_missing_paths_empty_folders_and_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "x1.txt").write_text("X1.")
    (tmp_path / "x2.txt").write_text("X2.")
    (tmp_path / "empty").mkdir()
    (tmp_path / "data.docx").write_text("a,b")
    items = read_all(tmp_path / "x*.txt", tmp_path / "nope.txt", tmp_path / "q*.txt",
                     tmp_path / "empty", tmp_path / "data.docx")
    assert [i.doc_id for i in items[:2]] == ["x1", "x2"]
    reasons = [i.reason for i in items[2:]]
    assert reasons[0] == "no such file or folder"
    assert reasons[1] == "no files match this pattern"
    assert reasons[2].startswith("folder holds no")
    assert reasons[3].startswith("unsupported file type")
    assert items[5].kind == "error"  # named on the command line: an error, not a skip


def test_stdin_is_sniffed(tmp_path: Path) -> None:
    text = only_doc(read_all("-", stdin=io.BytesIO("‘Yes,’ she said.".encode())))
    assert (text.doc_id, text.text, text.source_path) == ("stdin", "‘Yes,’ she said.", "<stdin>")
    lines = io.BytesIO(b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n')
    assert [d.doc_id for d in read_all("-", stdin=lines)] == ["s1", "s2"]


def test_a_taken_doc_id_is_an_id_conflict_naming_both_paths(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.txt").write_text("First.")
    (tmp_path / "two" / "same.txt").write_text("Second.")
    (tmp_path / "two" / "another.txt").write_text("Third.")
    first, later, conflict = read_all(tmp_path)
    assert isinstance(first, InputDoc) and first.warnings == ()
    assert isinstance(conflict, InputError) and conflict.path == str(tmp_path / "two" / "same.txt")
    assert conflict.reason.startswith("id conflict: doc_id 'same' is already used by "
                                      f"{tmp_path / 'one' / 'same.txt'}")
    assert isinstance(later, InputDoc) and later.doc_id == "another"  # the batch goes on
    # --doc-id path: ids are the paths as named, so both are read
    docs = read_all(tmp_path, options=ReadOptions(doc_id="path"))
    assert [d.doc_id for d in docs] == [str(tmp_path / "one" / "same.txt"),
                                        str(tmp_path / "two" / "another.txt"),
                                        str(tmp_path / "two" / "same.txt")]


def test_records_without_an_id_are_stem_colon_line(tmp_path: Path) -> None:
    p = _jsonl(tmp_path, [json.dumps({"text": "One."}), "", json.dumps({"body": "Three."})],
               "feed.ndjson.gz")
    c = tmp_path / "rows.csv"
    c.write_text('title,text\nA,"Two\nlines."\nB,Last.\n', encoding="utf-8")
    docs = read_all(p, c)
    assert [(d.doc_id, d.record, d.unit) for d in docs] == [
        ("feed:1", 1, "line"), ("feed:3", 3, "line"), ("rows:2", 1, "row"), ("rows:4", 2, "row")]
    assert docs[2].meta == {"title": "A"} and docs[2].text == "Two\nlines."
    [stem_path] = read_all(p, options=ReadOptions(doc_id="path"))[:1]
    assert stem_path.doc_id == f"{p}:1"


def test_doc_length_limit_is_max_doc_chars(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("word " * 1000)
    (tmp_path / "short.txt").write_text("word " * 10)
    long_err, short = read_all(tmp_path, options=ReadOptions(max_doc_chars=1000))
    assert isinstance(long_err, InputError) and "file larger than 4,000 bytes" in long_err.reason
    assert "--max-doc-chars 1,000" in long_err.reason
    assert isinstance(short, InputDoc)
    (tmp_path / "long.txt").write_text("w " * 1200)  # 2,400 bytes: read, then too long
    err = read_all(tmp_path / "long.txt", options=ReadOptions(max_doc_chars=1000))[0]
    assert err.reason.startswith("document too long: 2,400 characters (limit 1,000")


# ------------------------------------------------------------------ chunking and merging


def test_chunk_text_prefers_paragraph_breaks_then_hard_cuts() -> None:
    paras = [f"Paragraph {i} " + "word " * 30 for i in range(10)]
    text = "\n\n".join(paras)
    chunks = chunk_text(text, 400)
    assert "".join(c for _, c in chunks) == text
    assert all(c.endswith("\n\n") for _, c in chunks[:-1])
    assert chunk_text("x" * 25, 10) == [(0, "x" * 10), (10, "x" * 10), (20, "x" * 5)]
    assert chunk_text("", 10) == [(0, "")]
    with pytest.raises(ValueError):
        chunk_text("abc", 0)


def test_merge_chunks_shifts_spans_renumbers_and_merges_entities() -> None:
    part1, part2 = "‘Go,’ Ann Lee said.\n\n", "Ann Lee added: ‘Now.’"
    text = part1 + part2

    def part(t: str, c: tuple[int, int], s: tuple[int, int]) -> Document:
        ent = Entity("e1", "Ann Lee", "person", roles=["mayor"], mentions=[TextSpan.of(t, *s)])
        q = Quote("q1", "direct", TextSpan.of(t, *c), source=TextSpan.of(t, *s),
                  speaker=Speaker("Ann Lee", "person", entity_id="e1"))
        return Document("chunk", t, quotes=[q], entities=[ent])

    off2 = len(part1)
    merged = merge_chunks("d", text, [(0, part(part1, (1, 4), (6, 13))),
                                      (off2, part(part2, (16, 20), (0, 7)))])
    assert [q.id for q in merged.quotes] == ["q1", "q2"]
    assert [q.content.text for q in merged.quotes] == ["Go,", "Now."]
    for q in merged.quotes:
        for span in (q.content, q.source):
            assert text[span.start:span.end] == span.text
    assert merged.quotes[1].content.start == off2 + 16
    assert len(merged.entities) == 1
    ent = merged.entities[0]
    assert [m.start for m in ent.mentions] == [6, off2]
    assert {q.speaker.entity_id for q in merged.quotes} == {ent.id}


class _FlakyExtractor:
    """Fails on any text containing BOOM; otherwise finds every capitalised word."""

    def pipe(self, items, batch_size=32):
        for doc_id, text in items:
            if "BOOM" in text:
                raise RuntimeError("parser exploded")
            yield Document(doc_id, text, quotes=[
                Quote(f"q{i}", "direct", TextSpan.of(text, m.start(), m.end()))
                for i, m in enumerate(re.finditer(r"[A-Z]\w+", text), 1)])


def test_extract_inputs_isolates_a_failing_document_and_keeps_order() -> None:
    inputs = [InputDoc("a", "Alpha beta."), InputError("bad.txt", None, "empty document"),
              InputDoc("b", "BOOM goes Gamma."), InputDoc("c", "Delta " * 50, {"k": 1})]
    out = list(extract_inputs(_FlakyExtractor(), inputs, max_chars=100))
    assert [type(o).__name__ for o in out] == ["Document", "InputError", "InputError", "Document"]
    assert out[2].path == "b" and "parser exploded" in out[2].reason
    long_doc = out[3]
    assert long_doc.meta == {"k": 1} and len(long_doc.quotes) == 50
    assert all(long_doc.text[q.content.start:q.content.end] == "Delta" for q in long_doc.quotes)


def test_chunked_extraction_matches_whole_text(extractor) -> None:
    names = ["Alice Moreton", "Bernard Quayle", "Carys Lloyd", "Dev Anand", "Erin Walsh"]
    paras = [f"‘The depot on route {i} must stay open for the night shift,’ said {n}, "
             f"a driver for {i + 3} years." for i, n in enumerate(names * 4)]
    text = "\n\n".join(paras)
    whole = next(extractor.pipe_pairs([("w", text)]))
    [chunked] = list(extract_inputs(extractor, [InputDoc("w", text)], max_chars=400))
    assert len(chunk_text(text, 400)) > 5

    def direct(doc: Document) -> list[tuple[int, int, str]]:
        return [(q.content.start, q.content.end, q.content.text)
                for q in doc.quotes if q.kind == "direct"]

    assert direct(whole)  # the fixture does contain direct quotes
    assert direct(chunked) == direct(whole)
    for q in chunked.quotes:
        for span in (q.content, q.cue, q.source, q.channel):
            if span is not None:
                assert text[span.start:span.end] == span.text
