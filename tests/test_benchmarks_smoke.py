"""Smoke tests of the benchmark scripts: they run end to end on tiny inputs and report every
field; the numbers themselves are measured by the scripts, never asserted here."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH = REPO_ROOT / "benchmarks"
BENCH_ENV_PYTHON = REPO_ROOT / "bench-env" / "bin" / "python"

DOC_A = ('The harbour board met on Monday. "We will publish the tender next week," '
         "said the board's chair, Ines Duarte.\n")
DOC_B = ("Farmers in the valley asked for more water. The minister said the reservoir "
         "would be repaired before the summer.\n")


def _tiny_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    return folder


def _load_textacy_baseline():
    spec = importlib.util.spec_from_file_location("textacy_baseline", BENCH / "textacy_baseline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_throughput_reports_every_configuration(tmp_path: Path) -> None:
    texts = _tiny_corpus(tmp_path / "texts")
    (texts / "broken.txt").write_bytes(b"\xff\xfe not utf-8 \xc3\x28")
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "throughput.py"), "--texts", str(texts), "--rounds", "1",
         "--warmup", "1", "--processes", "1", "--json", str(out)],
        capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "broken.txt" in proc.stderr  # reported, not silently dropped
    assert "| spaCy nlp.pipe | 1 |" in proc.stdout

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["benchmark"] == "saidwhat-throughput"
    assert "--texts" in report["command"] and report["date"]
    machine = report["machine"]
    assert machine["cpu_count"] >= 1 and machine["python"] and machine["spacy"]
    assert machine["model"]["version"]
    corpus = report["corpus"]
    assert corpus["docs"] == 2
    assert corpus["words"] == len(DOC_A.split()) + len(DOC_B.split())
    assert [s["file"] for s in corpus["skipped"]] == [str(texts / "broken.txt")]

    configs = {(c["engine"], c["n_process"]): c for c in report["configs"]}
    assert set(configs) == {("spacy", 1), ("saidwhat", 1), ("learned", 1)}
    for c in configs.values():
        assert c["errors"] == [] and c["docs"] == 2 and not c["incomplete"]
        assert c["words_per_s"] > 0 and c["docs_per_s"] > 0
        assert c["median_seconds"] == c["seconds"][0]
        assert c["median_cpu_seconds"] > 0 and c["words_per_cpu_s"] > 0
        assert c["maxrss_self_mb"] > 0
        assert c["peak_rss_mb"] is None or c["peak_rss_mb"] > 0
    by_engine = {r["engine"]: r for r in report["ratios"]}
    assert set(by_engine) == {"saidwhat", "learned"}
    assert by_engine["learned"]["issue10_target"] == 0.70
    assert by_engine["learned"]["meets_issue10_target"] == (by_engine["learned"]["ratio"] >= 0.70)
    ratio = by_engine["saidwhat"]
    assert ratio["n_process"] == 1 and ratio["ratio"] > 0
    assert ratio["cpu_ratio"] > 0 and len(ratio["per_round"]) == 1
    assert ratio["meets_issue2_target"] == (ratio["ratio"] >= report["issue2_target_ratio"])


def test_throughput_names_a_folder_without_texts(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run(
        [sys.executable, str(BENCH / "throughput.py"), "--texts", str(empty), "--rounds", "1"],
        capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 2
    assert str(empty) in proc.stderr and "no readable" in proc.stderr


def test_textacy_triple_becomes_char_offset_quote() -> None:
    from saidwhat.nlp import load_nlp

    baseline = _load_textacy_baseline()
    text = 'Officials said: "The road will reopen in May," the county engineer had said.'
    sdoc = load_nlp()(text)
    marks = [t.i for t in sdoc if t.is_quote]
    assert len(marks) == 2
    content = sdoc[marks[0]:marks[1] + 1]
    by_text = {t.text: t for t in sdoc}
    speaker = [by_text["county"], by_text["engineer"]]
    cue = [sdoc[-3], sdoc[-2]]  # "had", "said" (aux + verb, as textacy expands them)
    assert [t.text for t in cue] == ["had", "said"]

    quote = baseline.triple_to_quote(text, speaker, cue, content, "q1")

    assert quote.kind == "direct"
    assert quote.content.text == "The road will reopen in May,"
    assert text[quote.content.start:quote.content.end] == quote.content.text
    assert quote.cue.text == "had said"
    assert quote.source.text == "county engineer"
    assert quote.speaker.name == "county engineer"
    assert quote.to_dict()["source"] == {"start": text.index("county"),
                                         "end": text.index(" had"), "text": "county engineer"}


def _textacy_python() -> str | None:
    if importlib.util.find_spec("textacy") is not None:
        return sys.executable
    if BENCH_ENV_PYTHON.exists():
        return str(BENCH_ENV_PYTHON)
    return None


@pytest.mark.skipif(_textacy_python() is None,
                    reason="textacy not installed (run benchmarks/setup_textacy_env.sh)")
def test_textacy_baseline_writes_contract_jsonl(tmp_path: Path) -> None:
    texts = _tiny_corpus(tmp_path / "texts")
    out, pred = tmp_path / "textacy.json", tmp_path / "textacy.jsonl"
    proc = subprocess.run(
        [str(_textacy_python()), str(BENCH / "textacy_baseline.py"), "--texts", str(texts),
         "--rounds", "1", "--warmup", "0", "--json", str(out), "--pred", str(pred)],
        capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr

    report = json.loads(out.read_text(encoding="utf-8"))
    assert {c["engine"] for c in report["configs"]} == {"spacy", "textacy"}
    assert report["machine"]["textacy"] and report["predictions"]["docs"] == 2

    records = [json.loads(line) for line in pred.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == ["a", "b"]
    # DOC_A has one quotation with a reporting verb and subject; DOC_B has none.
    assert [len(r["quotes"]) for r in records] == [1, 0]
    assert records[0]["quotes"][0]["content"]["text"] == "We will publish the tender next week,"
    assert records[0]["quotes"][0]["cue"]["text"] == "said"
    texts_by_id = {"a": DOC_A, "b": DOC_B}
    for record in records:
        text = texts_by_id[record["doc_id"]]
        for q in record["quotes"]:
            assert q["kind"] == "direct"
            for key in ("content", "cue", "source"):
                span = q[key]
                assert text[span["start"]:span["end"]] == span["text"]
            assert q["speaker"]["name"] == q["source"]["text"]


def test_coding_speed_reports_both_methods(tmp_path: Path) -> None:
    texts = _tiny_corpus(tmp_path / "texts")
    out = tmp_path / "coding.json"
    codebook = REPO_ROOT / "src" / "saidwhat" / "examples" / "demo" / "codebook.yaml"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "coding_speed.py"), "--texts", str(texts), "--codebook",
         str(codebook), "--json", str(out)],
        capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["benchmark"] == "saidwhat-coding-speed" and report["date"]
    assert set(report["methods"]) == {"lexical", "embeddings"}
    for row in report["methods"].values():
        assert row["statements"] == 2  # one quote in each tiny document
        assert row["peak_rss_mib"] > 0 and row["code_s"] >= 0
    assert "| embeddings | 2 |" in proc.stdout
