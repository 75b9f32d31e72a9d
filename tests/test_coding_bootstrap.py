"""Bootstrap intervals over documents for the coding scores (`saidwhat eval --coding ...
--bootstrap N`): how far a difference between two runs on a small gold is from noise."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_network_coding_gold import STATEMENTS, write_gold

from saidwhat.cli import main
from saidwhat.evaluation.coding import (
    CodingReport,
    GoldStatement,
    StatementResult,
    _edge_scores,
    coding_bootstrap,
)


def _report(right_docs: int, wrong_docs: int) -> CodingReport:
    """A report over ``right_docs`` documents coded right and ``wrong_docs`` with the
    agreement flipped: one statement and one edge each, actors of their own."""
    report = CodingReport(mode="given spans")
    gold: dict[str, set[tuple[str, str, str]]] = {"g": set()}
    pred: dict[str, set[tuple[str, str, str]]] = {"g": set()}
    for n in range(right_docs + wrong_docs):
        actor, doc = f"Actor {chr(65 + n)}", f"d{n}"
        got = "support" if n < right_docs else "oppose"
        g = GoldStatement(((0, 5),), actor, "c", "support", ref=f"g:{doc}:1")
        r = StatementResult("g", doc, g, "text", True, actor, [("c", got)],
                            None if got == "support" else "wrong_agreement")
        report.results.append(r)
        report.doc_edges[("g", doc)] = ({(actor, "c", "support")}, {(actor, "c", got)})
        gold["g"].add((actor, "c", "support"))
        pred["g"].add((actor, "c", got))
    _edge_scores(report, gold, pred)
    return report


def test_a_perfect_coder_has_no_spread() -> None:
    iv = coding_bootstrap(_report(6, 0), 200)
    for key in ("concept_accuracy", "agreement_accuracy", "edge_f1"):
        assert iv[key]["value"] == iv[key]["low"] == iv[key]["high"] == 1.0, (key, iv[key])


def test_intervals_hold_the_value_and_narrow_with_more_documents() -> None:
    small, large = _report(3, 3), _report(30, 30)
    assert small.edge_f1 == large.edge_f1 == 0.5
    a, b = coding_bootstrap(small, 500)["edge_f1"], coding_bootstrap(large, 500)["edge_f1"]
    assert a["low"] <= 0.5 <= a["high"] and b["low"] <= 0.5 <= b["high"]
    assert b["high"] - b["low"] < a["high"] - a["low"]
    assert a["low"] < 0.4 and a["high"] > 0.6  # six documents decide little
    ag = coding_bootstrap(large, 500)["agreement_accuracy"]
    assert ag["value"] == 0.5 and ag["low"] < 0.5 < ag["high"]


def test_the_same_seed_gives_the_same_intervals_and_none_without_resamples() -> None:
    report = _report(4, 2)
    assert coding_bootstrap(report, 300, seed=3) == coding_bootstrap(report, 300, seed=3)
    assert coding_bootstrap(report, 0) == {}
    assert coding_bootstrap(CodingReport(mode="end to end"), 100) == {}


def test_eval_coding_prints_and_writes_intervals(tmp_path: Path) -> None:
    write_gold(tmp_path, STATEMENTS)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["eval", "--coding", str(tmp_path), "--given-spans",
                                       "--bootstrap", "50", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Bootstrap 95% intervals over documents (50 resamples" in result.output
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["bootstrap"]) == {"concept_accuracy", "agreement_accuracy",
                                      "edge_precision", "edge_recall", "edge_f1"}
    assert data["bootstrap"]["edge_f1"]["resamples"] == 50
