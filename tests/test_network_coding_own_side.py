"""A statement by the person a concept's label is about speaks for their own side (issue 12).

Invented people and codebook entries only."""

from __future__ import annotations

import pytest

from saidwhat.model import Document
from saidwhat.network.build import code_documents
from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder, _label_owner, _label_person
from saidwhat.nlp import load_nlp
from saidwhat.settings import Settings

PLAN = Concept("okafor-plan", "Maria Okafor's housing plan would help young families",
               "Whether Okafor's housing plan helps first-time buyers and renters.",
               ("housing plan", "first-time buyers"))
CLAIMS = Concept("okafor-claims", "Maria Okafor's expense claims deserve further scrutiny",
                 "Okafor's expense claims and the audit of them.", ("expense claims", "audit"))
REFUGEES = Concept("refugees", "The country should take in more refugees",
                   "Refugee resettlement numbers.", ("refugees",))


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.fixture(scope="module")
def coder(nlp) -> ConceptCoder:  # type: ignore[no-untyped-def]
    return ConceptCoder(Codebook([PLAN, CLAIMS, REFUGEES], "own side"), nlp)


def qualifiers(coder: ConceptCoder, content: str, cue: str, speaker: str | None
               ) -> dict[str, str]:
    codes = coder.code_many([CodingItem(content, cue, speaker=speaker)])[0]
    return {c.concept_id: c.qualifier for c in codes}


@pytest.mark.parametrize(("label", "owner"), [
    ("Maria Okafor's housing plan would help young families", ("Maria Okafor", 1)),
    ("Maria Okafor's expense claims deserve further scrutiny", ("Maria Okafor", -1)),
    ("Maria Okafor leads Tom Reilly in the race for mayor", ("Maria Okafor", 1)),
    ("The country should take in more refugees", None),
])
def test_the_person_a_label_is_about_and_how(nlp, label: str, owner) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(label)
    assert _label_owner(doc, _label_person(doc)) == owner


def test_the_owner_of_a_favourable_label_supports_it_whatever_the_cue(coder: ConceptCoder) -> None:
    content = "the loopholes that the housing plan would close"
    assert qualifiers(coder, content, "railed against", None)["okafor-plan"] == "oppose"
    got = coder.code_many([CodingItem(content, "railed against", speaker="Maria Okafor")])[0]
    plan = next(c for c in got if c.concept_id == "okafor-plan")
    assert plan.qualifier == "support"
    assert any("own side" in e for e in plan.agreement_evidence)
    assert any(e.startswith("overridden:") for e in plan.agreement_evidence)


def test_the_owner_of_an_unfavourable_label_opposes_it(coder: ConceptCoder) -> None:
    content = "the expense claims should be published in full"
    assert qualifiers(coder, content, "said", "Tom Reilly")["okafor-claims"] == "support"
    assert qualifiers(coder, content, "said", "Okafor")["okafor-claims"] == "oppose"
    assert qualifiers(coder, content, "said", "Okafor campaign")["okafor-claims"] == "oppose"


def test_other_speakers_and_other_concepts_are_untouched(coder: ConceptCoder) -> None:
    content = "the country should take in more refugees"
    assert qualifiers(coder, content, "said", "Maria Okafor") == qualifiers(
        coder, content, "said", None)


def test_the_setting_turns_it_off(nlp) -> None:  # type: ignore[no-untyped-def]
    off = ConceptCoder(Codebook([PLAN, CLAIMS], "own side"), nlp,
                       settings=Settings(coding_own_side=False))
    assert qualifiers(off, "the expense claims should be published in full", "said",
                      "Maria Okafor")["okafor-claims"] == "support"


def test_network_building_gives_each_statement_its_own_speaker(coder: ConceptCoder) -> None:
    text = ("Maria Okafor said the expense claims should be published in full. "
            "Tom Reilly said the expense claims must be published in full.")
    quotes = []
    for n, (name, start) in enumerate((("Maria Okafor", 0), ("Tom Reilly", text.index("Tom")))):
        c0 = text.index("the expense", start)
        c1 = text.index(".", c0)
        cue = text.index("said", start)
        quotes.append({"id": f"q{n}", "kind": "indirect",
                       "content": {"start": c0, "end": c1, "text": text[c0:c1]},
                       "cue": {"start": cue, "end": cue + 4, "text": "said"},
                       "speaker": {"name": name, "type": "person"}})
    doc = Document.from_dict({"doc_id": "d", "text": text, "quotes": quotes})
    statements, _ = code_documents([doc], coder)
    got = {(s.actor, s.qualifier) for s in statements if s.concept == "okafor-claims"}
    assert ("Maria Okafor", "oppose") in got
    assert ("Tom Reilly", "oppose") not in got
