"""Suggested codebooks and the DNA-sample evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.network.codebook import parse_codebook
from saidwhat.network.suggest import suggest_codebook
from saidwhat.nlp import load_nlp

PARKING = ["Parking fees in the centre are far too high.",
           "We must cut parking fees for residents.",
           "Higher parking fees drive shoppers away from the centre.",
           "The parking fees should be frozen this year."]
LIBRARY = ["The library must stay open on Sundays.",
           "Closing the library on Sundays hurts students.",
           "Library opening hours should be extended.",
           "Our library needs longer opening hours."]


def test_two_topics_become_two_concepts() -> None:
    cb = suggest_codebook(PARKING + LIBRARY, load_nlp(), k=2)
    assert len(cb) == 2
    groups = [set(c.examples) for c in cb]
    assert any(g <= set(PARKING) for g in groups)
    assert any(g <= set(LIBRARY) for g in groups)
    keywords = {k for c in cb for k in c.keywords}
    assert {"parking", "library"} <= keywords
    assert parse_codebook(cb.to_yaml()).concepts == cb.concepts  # a valid codebook file


def test_too_few_statements() -> None:
    with pytest.raises(ValueError, match="at least two"):
        suggest_codebook(["Only one."], load_nlp())


def test_dna_sample_evaluation_covers_every_coded_statement(shared_dir: Path) -> None:
    from saidwhat.evaluation.dna import read_statements
    from saidwhat.network.evaluate_dna import NONE, evaluate_dna

    sample = shared_dir / "data" / "dna" / "sample.dna"
    if not sample.is_file():
        pytest.skip("DNA sample not present")
    gold = [s for s in read_statements(sample)
            if s.statement_type == "DNA Statement" and s.values.get("concept")]
    ev = evaluate_dna(sample)
    assert len(ev.concept_pairs) == len(gold)
    assert sorted(g for g, _ in ev.concept_pairs) == sorted(str(s.values["concept"]) for s in gold)
    assert {p for _, p in ev.concept_pairs} <= set(ev.labels) | {NONE}
    assert len(ev.agreement_pairs) == sum(g == p for g, p in ev.concept_pairs)
    table = ev.to_markdown()
    assert table.count("\n| C") == len(ev.labels)
