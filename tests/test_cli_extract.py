"""`saidwhat extract` and `saidwhat show`, through the real CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main

PARAGRAPHS = [
    "‘The footbridge has to close for repairs before winter,’ said Rhiannon Pugh, "
    "the county engineer.",
    "Local traders said the closure would cut footfall on the high street by half.",
    "‘We were not consulted at all,’ said Tomasz Nowak, who runs a bakery by the river.",
]


def run(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_offsets_match(record: dict, text: str) -> None:
    for q in record["quotes"]:
        for key in ("content", "cue", "source", "channel"):
            span = q[key]
            if span is not None:
                assert text[span["start"]:span["end"]] == span["text"], (key, span)
    for ent in record["entities"]:
        for m in ent["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    p = tmp_path / "bridge.txt"
    p.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    return p


def test_extract_example_writes_one_record_with_valid_offsets(example_path: Path) -> None:
    result = run("extract", "--example")
    assert result.exit_code == 0, result.stderr
    [record] = jsonl(result.stdout)
    assert record["doc_id"] == "council_housing"
    assert "text" not in record  # plain text input: the reader has the file
    assert len(record["quotes"]) >= 5
    assert_offsets_match(record, example_path.read_text(encoding="utf-8"))
    assert "1 document(s)" in result.stderr


def test_extract_to_file_with_errors_exits_1_and_keeps_the_rest(tmp_path: Path,
                                                               article: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "j1", "text": PARAGRAPHS[2], "outlet": "Courier"})
                     + "\n{not json\n", encoding="utf-8")
    out, errs = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = run("extract", str(article), str(tmp_path / "empty.txt"), str(batch),
                 str(tmp_path / "missing.txt"), "-o", str(out), "--errors", str(errs))
    assert result.exit_code == 1
    assert result.stdout == ""
    records = jsonl(out.read_text(encoding="utf-8"))
    assert [r["doc_id"] for r in records] == ["bridge", "j1"]
    assert records[1]["meta"] == {"outlet": "Courier"}
    assert_offsets_match(records[0], article.read_text(encoding="utf-8"))
    assert_offsets_match(records[1], PARAGRAPHS[2])
    error_lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert len(error_lines) == 3
    assert error_lines[0] == f"error: {tmp_path / 'empty.txt'}: empty document"
    assert error_lines[1].startswith(f"error: {batch}:2: invalid JSON (")
    assert error_lines[2] == f"error: {tmp_path / 'missing.txt'}: no such file or folder"
    logged = jsonl(errs.read_text())
    assert [(e["path"], e["record"], e["level"]) for e in logged] == [
        (str(tmp_path / "empty.txt"), None, "error"), (str(batch), 2, "error"),
        (str(tmp_path / "missing.txt"), None, "error")]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_extract_html_record_carries_the_extracted_text(tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = tmp_path / "bridge.html"
    page.write_text(f"<html><head><title>Bridge</title></head><body><nav>Menu</nav>"
                    f"<article>{body}</article></body></html>", encoding="utf-8")
    result = run("extract", str(page))
    assert result.exit_code == 0, result.stderr
    [record] = jsonl(result.stdout)
    assert record["doc_id"] == "bridge"
    assert PARAGRAPHS[0] in record["text"] and "<p>" not in record["text"]
    assert record["quotes"]
    assert_offsets_match(record, record["text"])


def test_extract_invalid_utf8_warns_carries_text_and_exits_0(tmp_path: Path) -> None:
    p = tmp_path / "old.txt"
    p.write_bytes(PARAGRAPHS[0].encode("utf-8") + b" Caf\xe9 owners agreed.\n")
    result = run("extract", str(p))
    assert result.exit_code == 0
    [record] = jsonl(result.stdout)
    assert "\ufffd" in record["text"]
    assert_offsets_match(record, record["text"])
    assert f"warning: {p}: invalid UTF-8" in result.stderr


def test_extract_stdin_and_include_text(article: Path) -> None:
    text = article.read_text(encoding="utf-8")
    result = run("extract", "-", "--include-text", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    [record] = jsonl(result.stdout)
    assert record["doc_id"] == "stdin" and record["text"] == text
    assert_offsets_match(record, text)


def test_extract_long_text_in_chunks_keeps_offsets(tmp_path: Path) -> None:
    paras = [p.replace("footbridge", f"footbridge number {i}") for i in range(40)
             for p in PARAGRAPHS[:1]]
    text = " ".join(paras)  # a single line, cut at sentence ends
    p = tmp_path / "long.txt"
    p.write_text(text, encoding="utf-8")
    result = run("extract", str(p), "--max-chars", "1000")
    assert result.exit_code == 0, result.stderr
    [record] = jsonl(result.stdout)
    assert len(text) > 4000
    assert_offsets_match(record, text)
    starts = sorted(q["content"]["start"] for q in record["quotes"])
    assert starts[-1] > 3000  # quotes from the later chunks are shifted back into place
    assert [q["id"] for q in record["quotes"]] == [f"q{i}" for i in
                                                   range(1, len(record["quotes"]) + 1)]


def test_output_is_not_half_written_when_the_run_crashes(tmp_path: Path, article: Path,
                                                        monkeypatch) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")

    from saidwhat.services import extract as extract_service

    real_extract_inputs = extract_service.extract_inputs

    def crashing(extractor, stream, **kw):
        for item in stream:
            yield from real_extract_inputs(extractor, [item], **kw)
            raise RuntimeError("simulated crash after the first document")

    monkeypatch.setattr(extract_service, "extract_inputs", crashing)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run("extract", str(article), str(article), "-o", str(out))
    assert out.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bridge.txt", "out.jsonl"]


def test_usage_errors_exit_2() -> None:
    no_input = run("extract")
    assert no_input.exit_code == 2 and "PATH" in no_input.stderr
    bad_model = run("extract", "--example", "--model", "no_such_spacy_model_xyz")
    assert bad_model.exit_code == 2 and "no_such_spacy_model_xyz" in bad_model.stderr
    assert run("show").exit_code == 2


# ------------------------------------------------------------------ show


def _example_quotes() -> list[dict]:
    from saidwhat.cli.extract_cmd import example_path

    out = run("extract", example_path())
    return jsonl(out.stdout)[0]["quotes"]


def test_show_prints_a_table_that_fits_the_terminal() -> None:
    quotes = _example_quotes()
    for columns in (120, 80):
        result = CliRunner().invoke(main, ["show", "--example"], env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == f"council_housing: {len(quotes)} quote(s)"
        assert all(len(line) <= columns for line in lines), columns
        header = lines[1].split()
        assert header[:4] == ["#", "kind", "speaker", "type"] and header[-1] == "content"
        assert "channel" in header
        # rows start with their number; contents wrap onto the lines below
        numbers = [line.split()[0] for line in lines[3:] if line[:1].isdigit()]
        assert numbers == [str(i) for i in range(1, len(quotes) + 1)]
        assert len(lines) - 3 > len(quotes)
        # the type in its own column; names, cues and channels never cut, not even at 80
        body = " ".join(lines[3:])
        for q in quotes:
            assert q["speaker"]["type"] in body
            for key in ("cue", "channel"):
                if q[key]:
                    assert all(re.search(rf"(^|\s){re.escape(w)}(\s|$)", body)
                               for w in q[key]["text"].split()), (columns, q[key])
            for word in (q["speaker"]["name"] or "").split():
                assert re.search(rf"(^|\s){re.escape(word)}(\s|$)", body), (columns, word)
    channels = [q["channel"]["text"] for q in quotes if q["channel"]]
    assert channels, "the example has quotes with a channel"


def test_show_narrow_terminal_stacks_each_quote() -> None:
    result = CliRunner().invoke(main, ["show", "--example"], env={"COLUMNS": "50"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 50 for line in lines)
    assert lines[1].startswith("1. direct: Helen Marsh (person)")


def test_show_of_extract_output_matches_show_of_the_article(tmp_path: Path,
                                                           article: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run("extract", str(article), "-o", str(out)).exit_code == 0
    from_article = run("show", str(article), "--width", "100")
    from_results = run("show", str(out), "--width", "100")
    assert from_article.exit_code == from_results.exit_code == 0
    assert from_results.stdout == from_article.stdout
    assert all(len(line) <= 100 for line in from_results.stdout.splitlines())


def test_show_wraps_long_content_and_full_shows_it_whole() -> None:
    content = ("We have asked the council for years to repair the roofs of these homes, and "
               "every winter the families who live here are told to wait for one more budget, "
               "one more survey and one more meeting, while the damp spreads through the walls "
               "and the children fall ill again and again until the end of the spring term")
    long_quote = f"‘{content},’ said Ann Example."
    result = run("show", "-", "--width", "100", input=long_quote.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()[3:]
    assert len(rows) == 3 and rows[-1].endswith("…") and all(len(r) <= 100 for r in rows)
    assert rows[0].split()[:4] == ["1", "direct", "Ann", "Example"]
    assert "We have asked" in rows[0] and "spring term" not in result.stdout
    full = run("show", "-", "--width", "100", "--full", input=long_quote.encode("utf-8"))
    start = full.stdout.splitlines()[1].index("content")
    shown = " ".join(line[start:] for line in full.stdout.splitlines()[3:])
    assert shown.split() == (content + ",").split()  # the comma is inside the quote
    assert all(len(r) <= 100 for r in full.stdout.splitlines())


def test_readme_command_runs_the_installed_script(example_path: Path) -> None:
    script = Path(sys.executable).with_name("saidwhat")
    exe = str(script) if script.exists() else shutil.which("saidwhat")
    if exe is None:
        pytest.skip("the saidwhat console script is not installed (pip install -e .)")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([exe, "show", str(example_path)], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("council_housing: ")


def test_show_extracts_jsonl_input_records_and_reports_bad_result_lines(tmp_path: Path) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"id": "in1", "text": PARAGRAPHS[0]}) + "\n", encoding="utf-8")
    shown = run("show", str(inputs))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("in1: ")
    results = tmp_path / "results.jsonl"
    assert run("extract", str(inputs), "-o", str(results)).exit_code == 0
    with results.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "broken", "quotes": [{"no": "content"}]}\n')
    partly = run("show", str(results))
    assert partly.exit_code == 1
    assert partly.stdout.startswith("in1: ")
    assert f"error: {results}:2: not an extraction record" in partly.stderr


def test_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    import stat

    article = tmp_path / "a.txt"
    article.write_text("‘We will win,’ said Ana Ruiz.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    umask = os.umask(0o022)
    try:
        result = CliRunner().invoke(main, ["extract", str(article), "-o", str(out)])
    finally:
        os.umask(umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["en_core_web_trf", "en-core-web-trf"])
def test_a_missing_model_is_named_with_how_to_install_it(name: str) -> None:
    result = CliRunner().invoke(main, ["show", "--example", "--model", name])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "'en_core_web_trf' is not installed" in message
    assert "python -m spacy download en_core_web_trf" in message
    assert "github.com/explosion/spacy-models/releases" in message
    assert "never downloads" in message
    assert "pip install en-core-web-trf" not in message  # a placeholder package on PyPI
    assert "No spaCy English model is installed" not in message
