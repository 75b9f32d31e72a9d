"""Whose side a label takes, and who speaks for whom (saidwhat.network.sides, issue 12).

Invented people, articles and codebook entries only."""

from __future__ import annotations

import pytest

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder, _label_owner, _label_person
from saidwhat.network.sides import label_sides, speaker_side, speaks_for
from saidwhat.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def sides(nlp, label: str):  # type: ignore[no-untyped-def]
    doc = nlp(label)
    return dict(label_sides(doc, _label_owner(doc, _label_person(doc))))


@pytest.mark.parametrize(("label", "expected"), [
    # a wrong done to a person: they would support the claim
    ("The council hearings and their chairs are biased against Maria Okafor", {"Maria Okafor": 1}),
    # a failure laid on people: they would oppose it
    ("Flood defences must be rebuilt, which the Reilly administration and Okafor have failed to do",
     {"Reilly": -1, "Okafor": -1}),
    # the label's subject leads a rival: the rival would oppose it
    ("Maria Okafor leads Tom Reilly in the race for mayor", {"Maria Okafor": 1, "Tom Reilly": -1}),
    # backing a person
    ("Party members should unite behind Tom Reilly's candidacy", {"Tom Reilly": 1}),
    # a break from people's policy
    ("The city needs new parks and a break from Tom Reilly's planning policy", {"Tom Reilly": -1}),
    # a demand on a person says nothing of their own side
    ("Flooding is getting worse, and the council and Tom Reilly should act on it", {}),
    ("The council and Tom Reilly should not cut the library budget", {}),
    # a negated verdict is no verdict
    ("Voters believe that Maria Okafor did not lie about the audit", {}),
    # the side of a person's adversaries is against the person
    ("Party members should endorse Tom Reilly's rivals", {"Tom Reilly": -1}),
    # a camp word after the name: the camp stands for the person
    ("The council hearings are biased against the Okafor campaign", {"Okafor": 1}),
])
def test_the_people_a_label_takes_sides_on(nlp, label: str, expected) -> None:  # type: ignore[no-untyped-def]
    assert sides(nlp, label) == expected


ARTICLE = ("Okafor campaign manager Dev Patel said the audit was unfair. Lena Moss, Reilly's "
           "spokeswoman, disagreed. Sam Kerr, who met Okafor's running mate Joe Bloggs last "
           "week, was unimpressed. Priya Shah, a senior adviser to Tom Reilly, said more.")


@pytest.mark.parametrize(("speaker", "person", "text", "expected"), [
    ("Maria Okafor", "Maria Okafor", "", True),
    ("Okafor campaign", "Maria Okafor", "", True),
    ("Okafor's campaign", "Maria Okafor", "", True),
    ("Okafor surrogates", "Maria Okafor", "", True),
    ("Tom Okafor", "Maria Okafor", "", False),  # another person of the same surname
    ("Dev Patel", "Maria Okafor", "", False),  # nothing says whom he works for
    ("Dev Patel", "Maria Okafor", ARTICLE, True),  # "Okafor campaign manager Dev Patel"
    ("Lena Moss", "Tom Reilly", ARTICLE, True),  # "Lena Moss, Reilly's spokeswoman"
    ("Priya Shah", "Tom Reilly", ARTICLE, True),  # "a senior adviser to Tom Reilly"
    ("Sam Kerr", "Maria Okafor", ARTICLE, False),  # met her running mate: not of her camp
    ("Joe Bloggs", "Maria Okafor", ARTICLE, True),
    ("Lena Moss", "Maria Okafor", ARTICLE, False),
    # the role is someone else's, or the name closes no introduction
    ("Lena Moss", "Maria Okafor", "Reilly attacked the Okafor campaign, Moss said on Sunday.",
     False),
    ("Lena Moss", "Maria Okafor", "According to Moss, Okafor's campaign is in trouble.", False),
    ("Zoe Patel", "Maria Okafor", ARTICLE, False),  # Dev Patel is of the camp, not Zoe
    ("Lena Moss", "Maria Okafor", "He criticised the Okafor team\n\nMoss said so.", False),
])
def test_who_speaks_for_whom(speaker: str, person: str, text: str, expected: bool) -> None:
    assert speaks_for(speaker, person, text) is expected


def test_a_joint_speaker_takes_a_side_only_when_all_its_members_share_it() -> None:
    both_failed = (("Reilly", -1), ("Okafor", -1))
    assert speaker_side("Tom Reilly and Maria Okafor", both_failed) == ("Reilly", -1, True)
    assert speaker_side("Tom Reilly and Sam Kerr", both_failed) is None
    rivals = (("Maria Okafor", 1), ("Tom Reilly", -1))
    assert speaker_side("Maria Okafor and Tom Reilly", rivals) is None
    # a title after a comma is no second member
    assert speaker_side("Tom Reilly, D-Ohio", rivals) == ("Tom Reilly", -1, True)
    # the person themselves, whatever the article says of others' camps
    text = "The ads target Okafor's campaign, Tom Reilly said."
    assert speaker_side("Tom Reilly", rivals, text) == ("Tom Reilly", -1, True)


FLOODS = Concept("flood-defences",
                 "Flood defences must be rebuilt, which the Reilly administration has failed to do",
                 "Rebuilding the river walls and pumping stations.", ("flood defences", "river walls"))
HEARINGS = Concept("hearings-biased", "The council hearings are biased against Maria Okafor",
                   "Whether the hearing chairs treat Okafor fairly.", ("hearing chairs", "unfair"))


@pytest.fixture(scope="module")
def coder(nlp) -> ConceptCoder:  # type: ignore[no-untyped-def]
    return ConceptCoder(Codebook([FLOODS, HEARINGS], "sides"), nlp)


def qualifier(coder: ConceptCoder, item: CodingItem, concept: str) -> str:
    return next(c.qualifier for c in coder.code_many([item])[0] if c.concept_id == concept)


def test_the_wronged_person_supports_a_complaint_made_in_negative_words(coder: ConceptCoder) -> None:
    content = "the hearing chairs are a phony, unfair system"
    assert qualifier(coder, CodingItem(content, "said"), "hearings-biased") == "oppose"
    assert qualifier(coder, CodingItem(content, "said", speaker="Maria Okafor"),
                     "hearings-biased") == "support"


def test_a_spokesperson_introduced_in_the_article_speaks_for_the_failed_side(coder: ConceptCoder) -> None:
    text = "Ed Cole, a spokesman for Tom Reilly, said the river walls will be rebuilt soon."
    content = "the river walls will be rebuilt soon"
    item = CodingItem(content, "said", speaker="Ed Cole")
    assert qualifier(coder, item, "flood-defences") == "support"
    item = CodingItem(content, "said", speaker="Ed Cole", text=text)
    got = next(c for c in coder.code_many([item])[0] if c.concept_id == "flood-defences")
    assert got.qualifier == "oppose"
    assert any("speaks for 'Reilly'" in e for e in got.agreement_evidence)
