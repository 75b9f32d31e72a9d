"""Few-shot coding (issue 12, "Learning from the researcher"): labelled examples correct the
codebook's coding (saidwhat.network.fewshot), and the learning curve's cross-validation never
lets a statement teach itself (saidwhat.evaluation.coding)."""

from __future__ import annotations

import random

import pytest

from saidwhat.evaluation.coding import ShotItem, draw_examples, fewshot_curve, may_teach
from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import ConceptCoder
from saidwhat.network.fewshot import LabelledExample
from saidwhat.nlp import load_nlp

BOOK = Codebook([
    Concept("fares", "Bus fares should be raised",
            "Raising ticket prices to pay for the bus network.",
            ("fare increase", "fare rise", "fares")),
    Concept("speed", "Speed limits in towns should be lowered",
            "Slower speed limits on residential streets.", ("speed limits",)),
])


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def coded(coder: ConceptCoder, content: str, cue: str) -> dict[str, str]:
    return {c.concept_id: c.qualifier for c in coder.code(content, cue)}


def test_examples_the_rules_misread_correct_the_agreement_of_a_statement(nlp) -> None:
    # A warning about a fare rise's harm opposes it; the rules see a plain mention of the
    # fare rise, said neutrally ("warned"), and read support.
    text = "the fare rise would leave pensioners stranded at home"
    plain = ConceptCoder(BOOK, nlp)
    assert coded(plain, text, "warned") == {"fares": "support"}
    # The researcher coded two such warnings: neither is a paraphrase of the statement, but
    # the rules read both as support, as they read the statement, and both were coded oppose.
    examples = [
        LabelledExample("a fare rise would leave students waiting at empty stops", "warned",
                        "fares", "oppose", "review"),
        LabelledExample("the fare increase would mean fewer trips to see the grandchildren",
                        "warned", "fares", "oppose", "review"),
    ]
    for ex in examples:
        assert coded(plain, ex.text, ex.cue) == {"fares": "support"}
    taught = ConceptCoder(BOOK, nlp, examples=examples)
    [code] = taught.code(text, "warned")
    assert (code.concept_id, code.qualifier) == ("fares", "oppose")
    assert any(e.startswith("learnt from") and "same cue" in e for e in code.agreement_evidence)
    # ... and what the rules read right stays as they read it: a statement for the rise.
    assert coded(taught, "the fare rise is needed to keep the buses running", "said") == {
        "fares": "support"}


def test_words_a_concepts_examples_share_code_a_statement_the_codebook_misses(nlp) -> None:
    # A labels-only codebook (as DNA's sample): nothing in the statement names either concept.
    book = Codebook([Concept("transit", "More money for public transport"),
                     Concept("police", "More police on the streets")])
    text = "the number 12 tram should run every ten minutes"
    assert ConceptCoder(book, nlp).code(text, "said") == []
    examples = [
        LabelledExample("the tram line to the airport must be finished", "said", "transit",
                        "support", "review"),
        LabelledExample("a tram every five minutes would transform the east end", "said",
                        "transit", "support", "review"),
        # the nearest single example is the police one ("ten minutes"): no paraphrase decides
        LabelledExample("officers must arrive within ten minutes of a call", "said", "police",
                        "support", "review"),
        LabelledExample("every neighbourhood needs officers it knows by name", "said", "police",
                        "support", "review"),
    ]
    [code] = ConceptCoder(book, nlp, examples=examples).code(text, "said")
    assert (code.concept_id, code.qualifier) == ("transit", "support")
    assert "example words 'tram'" in code.evidence


def test_far_examples_change_nothing(nlp) -> None:
    plain = ConceptCoder(BOOK, nlp)
    taught = ConceptCoder(BOOK, nlp, examples=[
        LabelledExample("slower streets save the lives of children", "said", "speed", "support",
                        "review")])
    for text in ("fares should not be raised", "the weather was fine on Tuesday"):
        assert taught.code(text, "said") == plain.code(text, "said")


def test_no_examples_is_the_codebook_alone(nlp) -> None:
    plain = ConceptCoder(BOOK, nlp)
    none = ConceptCoder(BOOK, nlp, examples=[])
    texts = ["fares should not be raised", "speed limits save lives", "a fine day"]
    assert [none.code(t, "said") for t in texts] == [plain.code(t, "said") for t in texts]


# -- cross-validation: no statement is its own example ---------------------------------------
def _items() -> list[ShotItem]:
    """Statements that share no words with one another, each with a shorter statement of
    the same words and concept inside it (a statement coded twice, or in part): only those
    twins could teach them their concept."""
    words = ["apricot orchard", "granite quarry", "violin workshop", "lighthouse keeper",
             "glacier expedition", "saffron harvest", "tram depot", "puppet theatre"]
    out = []
    for n, w in enumerate(words):
        concept = "a" if n % 2 else "b"
        long_text = f"the {w} matters enormously"
        out.append(ShotItem(long_text, "said", f"doc{n}", concept, "support", (0, len(long_text))))
        out.append(ShotItem(f"the {w}", "said", f"doc{n}", concept, "support",
                            (0, len(f"the {w}"))))
    return out


def test_draws_never_include_the_statement_or_an_overlapping_one() -> None:
    items = _items() + [ShotItem("the tram depot matters enormously", "said", "doc99", "a",
                                 "support", (5, 40))]
    rng = random.Random(0)
    for i in range(len(items)):
        for k in (1, 3, 5):
            shots = draw_examples(items, i, k, rng)
            assert i not in shots
            assert all(items[j].text != items[i].text for j in shots)
            assert all(not (items[j].group == items[i].group) for j in shots)
            per_concept = {c: sum(items[j].concept == c for j in shots) for c in ("a", "b")}
            for c, got in per_concept.items():
                pool = [j for j, it in enumerate(items) if it.concept == c
                        and may_teach(items, j, i)]
                assert got == min(k, len(pool))  # k per concept, all there are when fewer


def test_the_curve_learns_nothing_from_a_statement_itself(nlp) -> None:
    book = Codebook([Concept("a", "Alpha"), Concept("b", "Beta")])
    items = _items()
    points = fewshot_curve(items, book, nlp, ks=(0, 5), seeds=2, threshold=1e-9,
                           top_only=True)
    # With its own words (itself, or its twin) among the examples each statement would be
    # coded right; from the others, which share none of its words, nothing is learnt.
    assert [p.concept_accuracy for p in points] == [0.0, 0.0]


# -- embedding neighbours (method embeddings) ------------------------------------------------
def test_embedding_neighbours_find_a_paraphrase_that_shares_no_word() -> None:
    import numpy as np

    from saidwhat.network.fewshot import ExampleIndex

    examples = [LabelledExample("cheaper tickets for pensioners", None, "fares"),
                LabelledExample("slower traffic near schools", None, "speed")]
    terms = [["cheap", "ticket", "pensioner"], ["slow", "traffic", "school"]]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]])
    statement = ["elderly", "riders", "pay", "less"]  # no word of either example
    near_first = np.array([0.8, 0.6])  # cosine 0.8 with the first example, 0.6 with the second
    lexical = ExampleIndex(examples, terms)
    assert lexical.similarities(statement, near_first) == [0.0, 0.0]  # no vectors: TF-IDF only
    index = ExampleIndex(examples, terms, vectors, floor=0.3)
    sims = index.similarities(statement, near_first)
    assert sims == pytest.approx([(0.8 - 0.3) / 0.7, (0.6 - 0.3) / 0.7])
    assert index.nearest(statement, near_first)["fares"] == (pytest.approx(sims[0]), 0)
    # a shared wording still counts as much as it did: the larger of the two similarities
    assert index.similarities(["cheap", "ticket", "pensioner"], np.array([0.0, 1.0]))[0] == (
        pytest.approx(1.0))
    # without the statement's vector, or with a floor of 1, the index is TF-IDF alone
    assert index.similarities(statement) == [0.0, 0.0]
    same = ExampleIndex(examples, terms, vectors, floor=1.0)
    assert same.similarities(statement, np.array([1.0, 0.0])) == [0.0, 0.0]
    # float32 rounding may put a cosine a hair above 1: it counts 1, not more
    assert index.similarities([], np.array([1.0 + 1e-6, 0.0]))[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="1 example vectors for 2 examples"):
        ExampleIndex(examples, terms, vectors[:1])


def test_a_hand_coded_paraphrase_teaches_through_the_sentence_model(nlp) -> None:
    book = Codebook([Concept("transit", "More money for public transport"),
                     Concept("police", "More police on the streets")])
    examples = [
        LabelledExample("the night buses must keep running after midnight", "said", "transit",
                        "support", "review"),
        LabelledExample("officers should patrol the park at night", "said", "police", "support",
                        "review")]
    text = "late-night bus routes have to stay open past twelve"
    for method in ("lexical", "embeddings"):  # the codebook alone finds nothing
        assert ConceptCoder(book, nlp, method=method).code(text, "said") == []
    # TF-IDF neighbours see too little shared wording; the sentence model sees a paraphrase
    assert ConceptCoder(book, nlp, method="lexical", examples=examples).code(text, "said") == []
    [code] = ConceptCoder(book, nlp, method="embeddings", examples=examples).code(text, "said")
    assert (code.concept_id, code.qualifier) == ("transit", "support")
    assert any(e.startswith("example 'the night buses") for e in code.evidence)
