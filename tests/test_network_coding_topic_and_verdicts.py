"""Concept coding, issue 12 (fifteenth round): what makes a document's topic, verdicts told
in the present perfect, relative clauses in a label, cues that oppose without being speech
verbs, and words of alarm. Invented sentences, written from the read coding golds' errors: a
story on protests that took a campaign concept named once in one quote as its topic and gave
it to every statement; "the program has sent a terrible message" read as a narration of the
past; "disputes the idea that ..." read as neutral."""

from __future__ import annotations

import pytest
from coding_fixtures import CLIMATE, FARES, coded

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder, polarity_of_cue
from saidwhat.nlp import load_nlp
from saidwhat.settings import Settings

RAISE = "The council must raise bus fares to save the network"
ALSO_RAISE = "A fare rise is the only way to keep the buses running"
OTHERS = ["The mayor spoke about the weather at the fair",
          "The town hall roof was repaired in May after the storm",
          "The library will open on Sundays from next month",
          "We need to think again about how this town works for people"]


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.fixture(scope="module")
def coder(nlp) -> ConceptCoder:  # type: ignore[no-untyped-def]
    return ConceptCoder(Codebook([FARES, CLIMATE]), nlp)


def _topic_coded(coder: ConceptCoder, contents: list[str]) -> list[set[str]]:
    items = [CodingItem(t, "said", group="doc") for t in contents]
    return [{c.concept_id for c in codes} for codes in coder.code_many(items)]


def test_one_coded_statement_is_no_document_topic(coder: ConceptCoder) -> None:
    once = _topic_coded(coder, [RAISE, *OTHERS])
    assert once[0] == {"fares"} and once[-1] == set()
    twice = _topic_coded(coder, [RAISE, ALSO_RAISE, *OTHERS])
    assert twice[-1] == {"fares"}  # two statements on fares make it the story's topic


def test_the_topic_needs_as_many_statements_as_the_setting_says(nlp) -> None:  # type: ignore[no-untyped-def]
    lenient = ConceptCoder(Codebook([FARES, CLIMATE]), nlp,
                           settings=Settings(coding_context_min_statements=1))
    assert _topic_coded(lenient, [RAISE, *OTHERS])[-1] == {"fares"}
    with pytest.raises(ValueError, match="coding_context_min_statements"):
        Settings(coding_context_min_statements=0)


def test_a_short_document_takes_its_topic_from_one_statement(coder: ConceptCoder) -> None:
    assert _topic_coded(coder, [RAISE, OTHERS[-1]])[-1] == {"fares"}


def test_article_keywords_count_sentences_not_occurrences(coder: ConceptCoder) -> None:
    assert coder._article_keywords("Fares, fares and a fare rise in one line. Nothing else.") == {
        "fares": 1}
    assert coder._article_keywords("Fares went up. The fare rise hurt.\nFares again") == {
        "fares": 3}


def test_a_present_perfect_verdict_is_a_position(coder: ConceptCoder) -> None:
    assert coded(coder, "The fare rise has done terrible damage to the town") == {
        "fares": "oppose"}
    assert coded(coder, "The fare rise has sent a terrible message to passengers") == {
        "fares": "oppose"}
    # a plain report of what was done is still a narration
    assert coded(coder, "The council has raised fares twice since May") == {}


def test_a_relative_clause_of_the_label_is_not_reduced(nlp) -> None:  # type: ignore[no-untyped-def]
    label = "Schemes that let landlords evict tenants should be scrapped"
    coder = ConceptCoder(Codebook([Concept("schemes", label)]), nlp)
    reversed_terms = coder._profiles[0].reversed_terms
    assert "schem" in reversed_terms
    assert not reversed_terms & {"landlord", "tenant", "evict"}


@pytest.mark.parametrize(("cue", "polarity"), [
    ("refused", "oppose"), ("decided against", "oppose"), ("disputes", "oppose"),
    ("said", "neutral"), ("did not say", "neutral"), ("did not reject", "support")])
def test_cues_that_oppose_without_being_speech_verbs(nlp, cue: str, polarity: str) -> None:  # type: ignore[no-untyped-def]
    assert polarity_of_cue(nlp(cue))[0] == polarity


def test_a_refusal_cue_opposes_its_content(coder: ConceptCoder) -> None:
    assert coded(coder, "a fare rise this year", cue="decided against") == {"fares": "oppose"}


def test_words_of_alarm_oppose(coder: ConceptCoder) -> None:
    assert coded(coder, "there are serious concerns about the fare rise") == {"fares": "oppose"}
    assert coded(coder, "the fare rise was a fiasco") == {"fares": "oppose"}


def test_words_of_character_oppose_the_person_a_label_favours(nlp) -> None:  # type: ignore[no-untyped-def]
    fit = Concept("fit", "Jane Doe is fit to be president",
                  "Her temperament and judgment; or attacks on her as unfit.", ("temperament",))
    coder = ConceptCoder(Codebook([fit]), nlp)
    assert coded(coder, "Jane Doe is an erratic, thin-skinned bully") == {"fit": "oppose"}


def test_words_that_name_a_matter_stay_concept_words(nlp) -> None:  # type: ignore[no-untyped-def]
    # "hatred" and "bigotry" are what a concept can be about, not a verdict on something else
    stoking = Concept("stoking", "The candidate stokes hatred and bigotry",
                      "Rallies that spread hatred; or defences of the rallies.", ())
    coder = ConceptCoder(Codebook([stoking]), nlp)
    assert "hatr" in coder._profiles[0].words or "hatred" in coder._profiles[0].words


def test_harm_and_good_done_by_the_measure(coder: ConceptCoder) -> None:
    assert coded(coder, "a fare rise would undermine the recovery of the town centre") == {
        "fares": "oppose"}
    assert coded(coder, "a fare rise would wipe out a year of gains in ridership") == {
        "fares": "oppose"}
    assert coded(coder, "a fare rise would save money and strengthen the network") == {
        "fares": "support"}


def test_bad_news_after_the_measure_comes_about_opposes_it(coder: ConceptCoder) -> None:
    [code] = coder.code("if fares go up again, we will have to close the depot and lay off staff",
                        "said")
    assert (code.concept_id, code.qualifier) == ("fares", "oppose")
    assert any("leads to bad news" in e for e in code.agreement_evidence)
    # good news after it, or bad news with no condition, is not read so
    assert coded(coder, "if fares go up, the buses will run every ten minutes") == {
        "fares": "support"}


def test_a_cost_borne_by_someone_is_a_price_warning(coder: ConceptCoder) -> None:
    assert coded(coder, "the fare rise would cost commuters $300 a year") == {"fares": "oppose"}
    assert coded(coder, "riders would pay an extra $5 a week under the fare rise") == {
        "fares": "oppose"}
    # a sum alone is a figure, and the noun names a topic
    assert coded(coder, "the fare rise would cost $3 million to administer") != {"fares": "oppose"}
    assert coded(coder, "the fare rise would cover the cost of new buses") == {"fares": "support"}
