"""Concept coding, issue 12 (twelfth round): four agreement patterns from the read coding
golds' errors, each with invented sentences. A causative's result is said of its subject
("would not make roads safer"); a thing that works or does not ("has not worked"); a
present perfect verdict is a position, not a narration of the past; a levy acts against
what its modifier names ("a carbon tax")."""

from __future__ import annotations

import pytest
from coding_fixtures import CLIMATE, FARES, coded

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import ConceptCoder
from saidwhat.nlp import load_nlp

SPEED = Concept("speed", "Urban speed limits should be lowered to 20 mph",
                "Lowering the speed limit on residential streets to make roads safer.",
                ("speed limits", "speed limit", "20mph"))
COAL = Concept("coal", "Coal power stations should be phased out",
               "Closing coal-fired plants and replacing them with cleaner power.",
               ("coal",))
BOOK = Codebook([CLIMATE, FARES, SPEED, COAL])


@pytest.fixture(scope="module")
def coder() -> ConceptCoder:
    return ConceptCoder(BOOK, load_nlp())


@pytest.mark.parametrize(("content", "expected"), [
    ("Lower speed limits would make roads safer", "support"),
    ("Lower speed limits would not make roads safer", "oppose"),
    ("A lower speed limit will keep children safe", "support"),
])
def test_a_causatives_result_is_said_of_its_subject(coder: ConceptCoder, content: str,
                                                     expected: str) -> None:
    """"X would (not) make roads safer": the good result is said of X, not only of the
    roads; without this the negator reached only "roads"."""
    assert coded(coder, content).get("speed") == expected


@pytest.mark.parametrize(("content", "concept", "expected"), [
    ("The fare rise has not worked", "fares", "oppose"),
    ("Raising fares has worked", "fares", "support"),
    ("The fare rise works", "fares", "support"),
    ("Cutting emissions has not worked", "climate", "oppose"),
])
def test_a_thing_that_works_or_does_not(coder: ConceptCoder, content: str, concept: str,
                                        expected: str) -> None:
    """"work" said of a thing is a verdict on it; a present perfect verdict is a position
    even after a neutral cue, not a narration of the past (these coded nothing before)."""
    assert coded(coder, content) == {concept: expected}


def test_a_future_verdict_and_a_past_narration(coder: ConceptCoder) -> None:
    """"will not work" is a verdict as well; "had worked on" is a narration of the past (a
    past perfect, and "work on" is labour): it codes nothing after a neutral cue."""
    assert coded(coder, "The fare rise will not work") == {"fares": "oppose"}
    assert coded(coder, "The driver had worked on the fares for years") == {}


@pytest.mark.parametrize(("content", "expected"), [
    ("We will never support a carbon tax", "oppose"),
    ("A carbon tax is the right thing to do", "support"),
])
def test_a_levy_acts_against_what_its_modifier_names(coder: ConceptCoder, content: str,
                                                     expected: str) -> None:
    """The concept reduces carbon; "a carbon tax" is a measure against carbon, so backing it
    backs the concept (it was read as backing carbon)."""
    assert coded(coder, content) == {"climate": expected}


def test_a_producer_named_by_its_modifier_keeps_the_concepts_direction(coder: ConceptCoder) -> None:
    """Only a levy reverses: "coal plants" are coal, so building them opposes phasing it
    out."""
    assert coded(coder, "We should build new coal plants") == {"coal": "oppose"}


FIT = Concept("fit", "Dana Voss is fit to be governor",
              "Praise of Voss's experience and judgment; or attacks on her as unfit.",
              ("fit to serve", "experience"))


@pytest.fixture(scope="module")
def person_coder() -> ConceptCoder:
    return ConceptCoder(Codebook([FIT, FARES]), load_nlp())


@pytest.mark.parametrize(("content", "cue", "expected"), [
    # the described-as fragment the labelling verbs give: its evaluation is of the person
    ("Voss as a \u201cpuffed-up leech who will bleed the state\u201d and a \u201cliar.\u201d",
     "pounding", "oppose"),
    # a clause inside the fragment says its own: "cannot be trusted" is not undone by "liar"
    ("Voss as a liar who cannot be trusted", "painted", "oppose"),
    ("Voss as a leader who can be trusted", "described", "support"),
])
def test_a_described_as_fragment_judges_the_person(person_coder: ConceptCoder, content: str,
                                                   cue: str, expected: str) -> None:
    assert coded(person_coder, content, cue).get("fit") == expected


@pytest.mark.parametrize(("content", "expected"), [
    ("Voss lacks the experience to serve", "oppose"),
    ("a lack of experience", "oppose"),
    ("Voss does not lack experience", "support"),
])
def test_what_one_lacks_one_has_not(person_coder: ConceptCoder, content: str,
                                    expected: str) -> None:
    """"lack" negates what it governs, as "reject" does (stance_content.tsv)."""
    assert coded(person_coder, content).get("fit") == expected


def test_did_nothing_wrong_is_a_verdict_not_a_narration(coder: ConceptCoder) -> None:
    """A past tense with "nothing wrong" judges the past: after a neutral cue it is a
    position (it coded nothing as a narration); a plain past stays a narration."""
    assert coded(coder, "The council did nothing wrong when it raised the fares") == {
        "fares": "support"}
    assert coded(coder, "The council raised the fares in 2019") == {}
