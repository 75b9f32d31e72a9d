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


# Three debates in the way people talk about them: every statement also carries the
# generic words of speech ("I think", "people", "work", "go") that must not become concepts.
TALK = {
    "housing": ["I think people need more council houses to rent in this town.",
                "We go to work and still cannot afford the rent on a council house.",
                "People think the housing waiting list will go on growing.",
                "The council houses we were promised never came, and people work two jobs "
                "to pay the rent.",
                "I think the housing list is a scandal, people wait ten years.",
                "Build council houses and the rent will go down for people."],
    "buses": ["I think people cannot get to work since the bus routes were cut.",
              "The bus fares go up every year and people think it is a disgrace.",
              "We need bus routes to the hospital, people work shifts at night.",
              "People think the bus timetable was written for nobody who has to work.",
              "Cheaper bus fares would get people out of their cars, I think.",
              "The bus station will close and people will go elsewhere."],
    "river": ["I think people should be allowed to swim in the river again.",
              "The sewage in the river is a disgrace, people go fishing there.",
              "People work hard to clean the river banks every spring.",
              "The water company pours sewage into the river, I think, every week.",
              "Fishing in the river was what people did at the weekend.",
              "Stop the sewage and people will go back to the river."],
}
GENERIC = {"think", "people", "work", "go", "year", "thing", "way", "time"}


def test_suggestions_are_topics_not_the_words_of_speech() -> None:
    statements = [s for group in TALK.values() for s in group]
    cb = suggest_codebook(statements, load_nlp(), k=3)
    keywords = [set(" ".join(c.keywords).split()) for c in cb]
    assert len(cb) == 3
    assert not any(words & GENERIC for words in keywords), [c.keywords for c in cb]
    # each concept is one debate: its examples come from one group, its keywords name it
    for c in cb:
        groups = {name for name, group in TALK.items() for s in c.examples if s in group}
        assert len(groups) == 1, c.examples
    found = {k for c in cb for k in c.keywords}
    assert {"rent", "bus", "river"} <= {w for k in found for w in k.split()}
