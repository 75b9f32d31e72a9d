"""The coding gold (tests/data/coding-gold) and its scorer: `saidwhat eval --coding`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat import Extractor
from saidwhat.cli import main
from saidwhat.evaluation.coding import (
    CodingGoldError,
    evaluate_coding,
    load_coding_gold,
)
from saidwhat.network.codebook import load_codebook
from saidwhat.network.coding import ConceptCoder
from saidwhat.nlp import load_nlp

GOLD = Path(__file__).parent / "data" / "coding-gold"
SEED_EDGES = Path(__file__).resolve().parents[1] / "docs" / "seed-gold" / "edges.csv"

BOOK = """concepts:
  - id: fares
    label: Bus fares should be raised
    keywords: [fare rise]
  - id: lanes
    label: Cycle lanes should be built
    keywords: [cycle lanes]
"""
TEXT = ("Mayor Ann Lee said a fare rise was the only way to keep routes open. "
        "Councillor Tom Reyes rejected the fare rise. "
        "Jo Park said cycle lanes would save lives. "
        "Sam Hill said the weather was lovely.")


def write_gold(tmp_path: Path, statements: str) -> Path:
    (tmp_path / "book.yaml").write_text(BOOK, encoding="utf-8")
    (tmp_path / "a1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.gold.yaml").write_text(
        "codebook: book.yaml\ndocuments:\n  - doc_id: a1\n    text_file: a1.txt\n"
        "    statements:\n" + statements, encoding="utf-8")
    return tmp_path


STATEMENTS = """      - {quote: "a fare rise was the only way to keep routes open", actor: Ann Lee, concept: fares, agreement: support}
      - {quote: "the fare rise", cue: rejected, actor: Tom Reyes, concept: fares, agreement: oppose}
      - {quote: "cycle lanes would save lives", actor: Jo Park, concept: lanes, agreement: support}
      - {quote: "the weather was lovely", actor: Sam Hill, concept: null}
"""


def test_gold_format_locates_quotes_and_cues(tmp_path: Path) -> None:
    gold = load_coding_gold(write_gold(tmp_path, STATEMENTS))
    [gs] = gold.sets
    [doc] = gs.documents
    s = doc.statements[1]
    assert s.text(doc.text) == "the fare rise" and s.cue_text(doc.text) == "rejected"
    assert doc.statements[3].concept is None and doc.statements[3].agreement is None


def test_discontinuous_content_is_read_in_text_order(tmp_path: Path) -> None:
    # brat lists a split content's parts as annotated: the later part may come first
    a, b = TEXT.index("a fare rise"), TEXT.index("cycle lanes would")
    line = (f"      - {{content: [[{b}, {b + 11}], [{a}, {a + 11}]], actor: Ann Lee, "
            "concept: fares, agreement: support}\n")
    [gs] = load_coding_gold(write_gold(tmp_path, line)).sets
    [s] = gs.documents[0].statements
    assert (s.start, s.end) == (a, b + 11)
    assert s.text(TEXT) == "a fare rise cycle lanes"


@pytest.mark.parametrize(("line", "message"), [
    ('      - {quote: "not in the text", actor: X, concept: fares, agreement: support}\n',
     "quote not found"),
    ('      - {quote: "said", actor: X, concept: fares, agreement: support}\n',
     "more than once"),
    ('      - {quote: "the weather", actor: X, concept: fares}\n', "needs agreement"),
    ('      - {content: [5, 2], actor: X, concept: null}\n', "offsets"),
])
def test_bad_gold_names_the_statement(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(CodingGoldError, match=message) as err:
        load_coding_gold(write_gold(tmp_path, line))
    assert "t.gold.yaml:a1:1" in str(err.value)


def test_scores_given_spans_and_end_to_end(tmp_path: Path, extractor: Extractor) -> None:
    gold = load_coding_gold(write_gold(tmp_path, STATEMENTS))
    nlp = load_nlp()
    for given in (True, False):
        report = evaluate_coding(gold, lambda cb: ConceptCoder(cb, nlp), given_spans=given,
                                 extractor=extractor)
        d = report.to_dict()
        assert d["gold_statements"] == 4
        assert d["concept_accuracy"] == 1.0, report.errors_table()
        assert d["edges"]["gold"] == 3 and d["edges"]["true"] == 3
        assert d["edges"]["f1"] == 1.0


def test_errors_are_classified(tmp_path: Path) -> None:
    wrong = STATEMENTS.replace("concept: lanes, agreement: support",
                               "concept: lanes, agreement: oppose").replace(
        "concept: null", "concept: fares, agreement: support")
    gold = load_coding_gold(write_gold(tmp_path, wrong))
    nlp = load_nlp()
    report = evaluate_coding(gold, lambda cb: ConceptCoder(cb, nlp), given_spans=True)
    errors = report.to_dict()["errors"]
    assert errors["wrong_agreement"] == 1 and errors["no_concept"] == 1
    assert report.edge_recall == pytest.approx(2 / 4)
    assert report.missed_edges == {"wrong_agreement": 1, "no_concept": 1}


def test_the_coding_gold_is_well_formed() -> None:
    gold = load_coding_gold(GOLD)
    for gs in gold.sets:
        ids = {c.id for c in load_codebook(gs.codebook_path)}
        for d in gs.documents:
            for s in d.statements:
                assert s.concept is None or s.concept in ids, s.ref
    civic = next(gs for gs in gold.sets if gs.name == "civic")
    n = sum(len(d.statements) for d in civic.documents)
    assert len(civic.documents) == 12 and n >= 110


def test_coding_gold_floor(shared_dir: Path) -> None:
    """Regression floor on the whole gold (given spans: the coder alone). Measured 0.69 /
    0.79 when written; the floor leaves room for honest trade-offs, not for collapse."""
    gold = load_coding_gold(GOLD)
    assert gold.statements() >= 150
    nlp = load_nlp()
    report = evaluate_coding(gold, lambda cb: ConceptCoder(cb, nlp), given_spans=True)
    assert report.concept_accuracy >= 0.6
    assert report.agreement_accuracy >= 0.72
    assert report.edge_f1 >= 0.5


def test_eval_coding_cli_json(tmp_path: Path) -> None:
    write_gold(tmp_path, STATEMENTS)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["eval", "--coding", str(tmp_path), "--given-spans",
                                       "--json", str(out), "--errors"])
    assert result.exit_code == 0, result.output
    assert "concept accuracy" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["edges"]["f1"] == 1.0 and len(data["statements"]) == 4
    bad = CliRunner().invoke(main, ["eval", "--coding", str(tmp_path / "nope")])
    assert bad.exit_code == 2
    # the extractor's options apply end to end only
    bad = CliRunner().invoke(main, ["eval", "--coding", str(tmp_path), "--given-spans",
                                    "--scheme", "parc"])
    assert bad.exit_code == 2 and "end to end" in bad.output


def test_seed_network_recovers_the_careful_coders_edges(shared_dir: Path, tmp_path: Path,
                                                        extractor: Extractor) -> None:
    from saidwhat.network.build import code_documents

    text = (shared_dir / "seed" / "000_00ad3073c4e7ca7c.txt").read_text(encoding="utf-8")
    [doc] = extractor.pipe_pairs([("seed", text)])
    coder = ConceptCoder(load_codebook(shared_dir / "seed" / "codebook.yaml"), load_nlp())
    statements, _ = code_documents([doc], coder)
    got = {(s.actor, s.concept, s.qualifier) for s in statements}
    with SEED_EDGES.open(encoding="utf-8") as fh:
        gold = {(r["actor"], r["concept"], r["agreement"]) for r in csv.DictReader(fh)}
    assert len(gold) == 14
    assert len(got & gold) >= 13, sorted(gold - got)
    assert len(got - gold) <= 1, sorted(got - gold)
