"""Concept coding, issue 12 (fourteenth round): what a reducing word lowers and bad news of
it. Invented sentences, written from the read coding golds' errors: a label "ease sanctions
on Velmora" that reversed Velmora itself (every statement naming the country then opposed
engaging it), and bad news of what a concept cuts ("the danger of letting coal plants ...")
read as support for that thing."""

from __future__ import annotations

import pytest
from coding_fixtures import coded, flipped

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import ConceptCoder
from saidwhat.nlp import load_nlp

ENGAGE = Concept(
    "engage", "The United States should ease sanctions on Velmora and reward its reforms",
    "Lifting the trade sanctions on Velmora after its reforms; or critics who want the "
    "pressure kept.", ("Velmora", "sanctions", "reforms"))
COAL = Concept("coal", "The government should cut coal power to curb emissions",
               "Closing coal plants and curbing emissions; or defences of coal jobs.",
               ("coal", "coal plants", "emissions"))
BOOK = Codebook([ENGAGE, COAL])


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.fixture(scope="module")
def coder(nlp) -> ConceptCoder:  # type: ignore[no-untyped-def]
    return ConceptCoder(BOOK, nlp)



def test_what_the_lowered_thing_bears_on_is_not_lowered(nlp) -> None:  # type: ignore[no-untyped-def]
    out = flipped(nlp, "We should ease sanctions on Velmora")
    assert "sanctions" in out and "velmora" not in out
    assert "rich" not in flipped(nlp, "They will cut taxes on the rich")
    # an "of" phrase and what a figure counts are lowered with it
    assert "cuts" in flipped(nlp, "They will stop the series of budget cuts")
    assert "debt" in flipped(nlp, "She would cancel $20,000 in student debt")
    # a reducing object keeps its own scope: easing the ban on phones favours phones
    assert flipped(nlp, "The school will ease the ban on phones") & {"ban"}
    assert "phones" not in flipped(nlp, "The school will ease the ban on phones")

def test_naming_the_country_a_label_engages_is_no_opposition(coder: ConceptCoder) -> None:
    assert "velmora" not in coder._profile_of["engage"].reversed_terms
    assert coded(coder, "Velmora is a good news story in a hard decade") == {
        "engage": "support"}
    assert coded(coder, "It is the right thing to do to reward Velmora for its reforms") == {
        "engage": "support"}


def test_bad_news_of_what_the_concept_cuts_supports_cutting_it(coder: ConceptCoder) -> None:
    assert coded(coder, "Every year of delay is a disaster that locks in more coal plants") == {
        "coal": "support"}
    # good news of it still opposes
    assert coded(coder, "Coal plants keep the lights on and keep thousands in work") == {
        "coal": "oppose"}
