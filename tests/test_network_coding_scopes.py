"""Concept coding, issue 12 (thirteenth round): what a reducing or opposing word reaches, and
how a rhetorical question reads. Invented sentences, written from the read coding golds'
errors: a codebook description whose "end X and make Y pay" reversed Y, a passive label
("... should be closed") that reversed nothing, "neither X nor Y" read as a double
negation, and every rhetorical question read as a demand."""

from __future__ import annotations

import pytest
from coding_fixtures import FARES, coded, flipped

from saidwhat import Extractor
from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import ConceptCoder, flippers, question_reading
from saidwhat.nlp import load_nlp

LOOPHOLES = Concept(
    "loopholes", "Tax loopholes that let corporations avoid taxes should be closed",
    "Calls to close loopholes, end deferral and make the rich pay their fair share.",
    ("loopholes", "fair share"))
FITNESS = Concept("fitness", "Senator Vale is fit to be president",
                  "Whether Vale has the temperament and judgment for the office.",
                  ("temperament", "judgment"))
BOOK = Codebook([FARES, LOOPHOLES, FITNESS])


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.fixture(scope="module")
def coder(nlp) -> ConceptCoder:  # type: ignore[no-untyped-def]
    return ConceptCoder(BOOK, nlp)



def test_a_coordinated_verb_is_an_act_of_its_own(nlp) -> None:  # type: ignore[no-untyped-def]
    """"oppose X and support Y": Y is supported, not opposed; "end X and make Y pay": Y is
    not ended (the description below reversed "fair share" before)."""
    assert {"cuts"} <= flipped(nlp, "We oppose the cuts and support the new plan")
    assert not {"plan", "new"} & flipped(nlp, "We oppose the cuts and support the new plan")


def test_a_reducing_verb_reaches_its_object_not_its_agent_nor_a_relative_clause(
        nlp) -> None:  # type: ignore[no-untyped-def]
    out = flipped(nlp, "The council will ban phones that distract pupils")
    assert "phones" in out and "pupils" not in out
    assert "council" not in flipped(nlp, "The council will cut bus fares")
    # with no object, the subject is what ends
    assert "programme" in flipped(nlp, "The programme will end")


def test_a_verb_only_reducing_word_reduces_only_as_a_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    assert "plant" in flipped(nlp, "They will close the plant")
    assert "race" not in flipped(nlp, "It is a close race")


def test_the_label_and_description_reverse_what_the_concept_closes(
        coder: ConceptCoder) -> None:
    """A passive label whose subject the parser makes a clause ("Tax loopholes that let ...
    should be closed"); a coordinated "make the rich pay their fair share" after "end"."""
    prof = coder._profile_of["loopholes"]
    assert "loophol" in prof.reversed_terms
    assert not {"fair", "shar", "pay", "rich"} & prof.reversed_terms
    assert coded(coder, "Corporations should pay their fair share") == {"loopholes": "support"}
    assert coded(coder, "We will close the loopholes") == {"loopholes": "support"}
    assert coded(coder, "The loopholes are perfectly legal and should stay") == {
        "loopholes": "oppose"}


def test_neither_nor_negates_once(nlp, coder: ConceptCoder) -> None:  # type: ignore[no-untyped-def]
    assert {"temperament", "judgment"} <= flipped(nlp, "neither the temperament nor the judgment")
    assert coded(coder, "Vale has neither the temperament nor the judgment") == {
        "fitness": "oppose"}
    # "nor" with a clause of its own negates that clause
    assert "cut" in flipped(nlp, "He will not raise taxes, nor will he cut services")


@pytest.mark.parametrize(("content", "reading"), [
    ("Is it fair to raise fares again?", "denies"),
    ("Would a fare rise have helped anyone? Of course not", "denies"),
    ("Isn't it time we raised fares?", "demands"),
    ("Why should riders pay a higher rate than drivers?", "demands"),
    ("How many more routes have to close before the fares go up?", "demands"),
    ("The fares are fair. Is anyone surprised?", "demands"),
    ("The fares are fair.", ""),
])
def test_how_a_rhetorical_question_reads(nlp, content: str,  # type: ignore[no-untyped-def]
                                         reading: str) -> None:
    doc = nlp(content)
    assert question_reading(doc, [len(f) % 2 == 1 for f in flippers(doc)]) == reading


def test_a_question_asking_whether_something_good_holds_denies_it(coder: ConceptCoder) -> None:
    assert coded(coder, "Is it fair to raise fares again?") == {"fares": "oppose"}
    assert coded(coder, "Would a fare rise have helped anyone? Of course not") == {
        "fares": "oppose"}
    # a demand still supports
    assert coded(coder, "Who else will pay for the buses if fares are frozen forever?") == {
        "fares": "support"}


def test_a_wish_or_hope_states_a_position() -> None:
    """"X wants to Y", "X hopes to Y": Y is X's stated position (PolNeAR annotates them;
    they coded nothing before, as nothing was extracted)."""
    doc = next(iter(Extractor().pipe_pairs([("d", (
        "Senator Jane Doe wants to raise the minimum wage to $15. Later, Mayor Bob Lee said"
        " he hopes to reopen the library next year.\n"))])))
    found = {q.content.text: q.speaker.name for q in doc.quotes}
    assert found.get("to raise the minimum wage to $15") == "Jane Doe", found


def test_a_descriptions_negation_says_nothing_against_its_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    """"workers should not have to choose": the concept does not reduce workers (a later
    "shift workers" in a statement read as what the concept reduces before); a relative
    clause in a label describes whom the concept is about ("countries that refuse to take
    back their offenders"); "visa restrictions" reduce visas."""
    holiday = Concept("holiday", "Election Day should be made a national holiday",
                      "Arguing that Election Day should be a national holiday, that workers"
                      " should not have to choose between pay and voting.", ("day off",))
    visas = Concept("visas", "Countries that refuse to take back their offenders should face"
                    " visa restrictions", "Restricting visas for such countries.", ("visas",))
    coder = ConceptCoder(Codebook([holiday, visas]), nlp)
    assert "worker" not in coder._profile_of["holiday"].reversed_terms
    assert "offender" not in coder._profile_of["visas"].reversed_terms
    assert "visa" in coder._profile_of["visas"].reversed_terms
    assert coded(coder, "ministers should restrict visas for those countries") == {
        "visas": "support"}
