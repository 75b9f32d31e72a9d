"""``saidwhat eval``: gold + predictions file, or the extractor itself, to a table and JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from saidwhat import Extractor
from saidwhat.cli import main

TEXT1 = 'Lena Marsh said the ferry would run again. "We are ready," she told reporters.'
TEXT2 = "Port officials warned that the pier was unsafe."


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def span(text: str, s: str) -> dict:
    i = text.index(s)
    return {"start": i, "end": i + len(s), "text": s}


@pytest.fixture()
def gold_file(tmp_path: Path) -> Path:
    docs = [
        {"doc_id": "d1", "text": TEXT1, "attributions": [
            {"content": "the ferry would run again", "cue": "said", "source": "Lena Marsh",
             "speaker": {"name": "Lena Marsh", "type": "person"}},
            {"content": "We are ready,", "cue": "told", "source": "she", "kind": "direct",
             "speaker": {"name": "Lena Marsh", "type": "person"}}]},
        {"doc_id": "d2", "text": TEXT2, "attributions": [
            {"content": "the pier was unsafe", "cue": "warned", "source": "Port officials",
             "speaker": {"name": None, "type": "anonymous"}}]},
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


@pytest.fixture()
def pred_file(tmp_path: Path) -> Path:
    """d1: both quotes found, the second with the wrong speaker; d2: nothing found."""
    def q(qid: str, kind: str, content: str, cue: str, source: str, name: str) -> dict:
        return {"id": qid, "kind": kind, "content": span(TEXT1, content), "cue": span(TEXT1, cue),
                "source": span(TEXT1, source), "channel": None,
                "speaker": {"name": name, "type": "person", "role": None, "affiliation": None}}

    recs = [{"doc_id": "d1", "quotes": [
                q("q1", "indirect", "the ferry would run again", "said", "Lena Marsh", "Lena Marsh"),
                q("q2", "direct", "We are ready", "told", "she", "Someone Else")], "entities": []},
            {"doc_id": "d2", "quotes": [], "entities": []}]
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def test_scores_a_predictions_file(gold_file: Path, pred_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    res = invoke("eval", "--gold", str(gold_file), "--pred", str(pred_file), "--json", str(out))
    assert res.exit_code == 0, res.output
    assert "attribution F1" in res.output and "name accuracy  1/2" in res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["n_docs"] == 2 and report["n_gold"] == 3 and report["n_pred"] == 2
    attr = report["micro"]["attribution.strict"]
    assert (attr["precision"], attr["recall"]) == (1.0, pytest.approx(2 / 3))
    assert report["targets"]["source_exact_f1"] == pytest.approx(0.8)
    assert report["speaker"]["correct"] == 1 and report["speaker"]["found"] == 2
    assert [d["doc_id"] for d in report["per_doc"]] == ["d1", "d2"]


def test_json_to_stdout_with_errors(gold_file: Path, pred_file: Path) -> None:
    res = invoke("eval", "--gold", str(gold_file), "--pred", str(pred_file), "--format", "json",
                 "--errors")
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    causes = sorted((e["type"], e["cause"]) for e in report["errors"])
    assert causes == [("miss", "no cue found"), ("speaker", "unresolved pronoun")]


def test_errors_listing(gold_file: Path, pred_file: Path) -> None:
    res = invoke("eval", "--gold", str(gold_file), "--pred", str(pred_file), "--errors")
    assert "== miss: no cue found (1)" in res.output
    assert "[[the pier was unsafe]]" in res.output
    assert "gold speaker 'Lena Marsh', predicted 'Someone Else'" in res.output


def test_limit(gold_file: Path, pred_file: Path) -> None:
    res = invoke("eval", "--gold", str(gold_file), "--pred", str(pred_file), "--limit", "1",
                 "--format", "json")
    report = json.loads(res.stdout)
    assert report["n_docs"] == 1 and report["problems"] == []


def test_gold_without_prediction_is_scored_as_empty_and_reported(gold_file: Path, tmp_path: Path) -> None:
    preds = tmp_path / "only_d2.jsonl"
    preds.write_text(json.dumps({"doc_id": "d2", "quotes": [], "entities": []}) + "\n", encoding="utf-8")
    res = invoke("eval", "--gold", str(gold_file), "--pred", str(preds), "--format", "json")
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    assert report["n_docs"] == 2 and report["micro"]["attribution.strict"]["recall"] == 0.0
    assert "1 gold document(s) have no prediction" in res.stderr


def test_bad_gold_and_bad_prediction_lines(gold_file: Path, pred_file: Path, tmp_path: Path) -> None:
    res = invoke("eval", "--gold", str(tmp_path / "nope.json"))
    assert res.exit_code == 2 and "no such file" in res.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text(gold_file.read_text(encoding="utf-8")
                      + json.dumps({"doc_id": "d3", "text": "x", "attributions": [{"content": "y"}]})
                      + "\n", encoding="utf-8")
    preds = tmp_path / "preds.jsonl"
    preds.write_text(pred_file.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    res = invoke("eval", "--gold", str(broken), "--pred", str(preds), "--format", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["n_docs"] == 2  # the rest is still scored
    assert any("broken.jsonl:3: doc 'd3' attribution 0 content" in e for e in report["gold_errors"])
    assert any("preds.jsonl:3: not a saidwhat document record" in p for p in report["problems"])


def test_show_gold(gold_file: Path) -> None:
    res = invoke("eval", "--gold", str(gold_file), "--show-gold")
    assert res.exit_code == 0
    assert "[1] direct  speaker: 'Lena Marsh' (person)" in res.output
    assert "source   " in res.output and "'she'" in res.output


def test_runs_the_extractor(gold_file: Path, tmp_path: Path, extractor: Extractor,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    # reuse the session's loaded pipeline (``saidwhat.extract`` the attribute is the function)
    monkeypatch.setattr(sys.modules["saidwhat.extract"], "Extractor", lambda model=None: extractor)
    saved = tmp_path / "saved.jsonl"
    res = invoke("eval", "--gold", str(gold_file), "--format", "json", "--save-pred", str(saved))
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["n_docs"] == 2 and report["problems"] == []
    # the direct quote is within reach of any extractor worth the name
    assert report["micro"]["content.overlap"]["tp"] >= 1
    saved_ids = [json.loads(line)["doc_id"] for line in saved.read_text(encoding="utf-8").splitlines()]
    assert saved_ids == ["d1", "d2"]
    # the saved predictions score the same when read back
    again = invoke("eval", "--gold", str(gold_file), "--pred", str(saved), "--format", "json")
    assert json.loads(again.stdout)["micro"] == report["micro"]
