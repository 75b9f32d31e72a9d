"""Verbs of praise and censure report a position on their object (issue 12, ninth round):
"lambasted the budget as reckless", "hailed the decision as a victory", "bemoaned the
delays". The polarity reaches the coder: censure opposes, praise supports. Invented text."""

from __future__ import annotations

import pytest
from test_extract_cases import run, with_content

from saidwhat import Extractor
from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("Councillor Maya Brandt lambasted the council's budget as reckless.", "lambasted",
     "the council's budget as reckless"),
    ("Senator Ruth Alvarez hailed the decision as a victory for workers.", "hailed",
     "the decision as a victory for workers"),
    ("The union's leader, Pat Kerr, bemoaned the delays to the new rail line.", "bemoaned",
     "the delays to the new rail line"),
    ("Mayor Tom Lake derided the proposal as a gimmick.", "derided",
     "the proposal as a gimmick"),
])
def test_praise_and_censure_verbs_report_their_object(ex: Extractor, text: str, cue: str,
                                                      content: str) -> None:
    q = with_content(run(ex, text), content)
    assert q.cue is not None and q.cue.text == cue


def test_a_verb_that_is_no_verdict_reports_nothing(ex: Extractor) -> None:
    assert run(ex, "Hail fell on the town for an hour on Tuesday.") == []


def test_the_coder_reads_censure_as_opposition_and_praise_as_support() -> None:
    book = Codebook([Concept("rail-line", "The new rail line should be built", "",
                             ("rail line",))])
    coder = ConceptCoder(book)
    censure, praise = coder.code_many([
        CodingItem("the plans for the new rail line", "lambasted"),
        CodingItem("the plans for the new rail line", "hailed")])
    assert [(c.concept_id, c.qualifier) for c in censure] == [("rail-line", "oppose")]
    assert [(c.concept_id, c.qualifier) for c in praise] == [("rail-line", "support")]
