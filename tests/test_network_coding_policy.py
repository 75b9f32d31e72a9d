"""Agreement on policy concepts whose labels name no person (issue 12, eighth round): labels
that leave something ("withdraw from trade deals"), a word a label uses both ways, a matter
criticised by name, judgements in the past and present perfect, fixed phrases that negate
nothing. Invented statements and codebook entries only."""

from __future__ import annotations

import pytest

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder
from saidwhat.nlp import load_nlp

BOOK = Codebook([
    Concept("voter-id", "Strict voter identification rules are needed to prevent voter fraud",
            "Photo ID requirements and purges of voter rolls defended as protecting the integrity "
            "of elections against fraud; or attacked as voter suppression that disenfranchises "
            "poor and young voters.",
            ("voter ID", "photo ID", "voter fraud", "voter rolls", "election integrity",
             "voter suppression")),
    Concept("trade-tough", "The country should get tough on trade and renegotiate or withdraw "
            "from trade deals",
            "Tariffs and withdrawing from the Harbour Pact defended as bringing back jobs and "
            "protecting workers; or attacked as starting trade wars that raise prices and cost jobs.",
            ("trade", "Harbour Pact", "tariffs", "trade deal", "trade war", "jobs")),
])


@pytest.fixture(scope="module")
def coder() -> ConceptCoder:
    return ConceptCoder(BOOK, load_nlp())


def coded(coder: ConceptCoder, content: str, cue: str = "said") -> list[tuple[str, str]]:
    [codes] = coder.code_many([CodingItem(content, cue)])
    return [(c.concept_id, c.qualifier) for c in codes]


@pytest.mark.parametrize(("content", "cue", "expected"), [
    # "nothing more than" negates nothing: the laws are voter suppression
    ("voter ID laws are nothing more than voter suppression", "said", ("voter-id", "oppose")),
    # what the label leaves ("withdraw from trade deals") is what the concept reduces
    ("the country should withdraw from the Harbour Pact immediately", "said",
     ("trade-tough", "support")),
    ("the country must stay in the Harbour Pact", "said", ("trade-tough", "oppose")),
    # a word the label uses both ways ("tough on trade", "trade deals") gives no direction
    ("we need tougher trade policies to protect our workers", "said", ("trade-tough", "support")),
    # the matter itself criticised by name: the cue's opposition is to it
    ("the Harbour Pact as a job killer", "criticised", ("trade-tough", "support")),
    # a judgement in the present perfect, or in the past, is a position, not a narration
    ("bad trade deals have shipped millions of jobs overseas", "said", ("trade-tough", "support")),
    ("the purge of voter rolls violated federal law", "ruled", ("voter-id", "oppose")),
])
def test_agreement_on_policy_concepts(coder: ConceptCoder, content: str, cue: str,
                                      expected: tuple[str, str]) -> None:
    assert expected in coded(coder, content, cue)


@pytest.mark.parametrize("content", [
    "the election board met in May and the county clerk updated the voter rolls",
    "the trade minister flew to the capital on Tuesday for talks on the Harbour Pact",
])
def test_a_narrated_past_without_a_judgement_codes_nothing(coder: ConceptCoder,
                                                          content: str) -> None:
    assert coded(coder, content) == []
