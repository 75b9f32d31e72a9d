"""Concept coding, issue 12 (third round): agreement from meaning and concept precision.
One test per general pattern, with invented sentences: negated evaluations, idioms whose
negator negates nothing, a quote fronted before a negated comment, what a reducing word
reduces, the codebook's other side, and a concept named in passing."""

from __future__ import annotations

import pytest
from coding_fixtures import CHARGE, CLIMATE, FARES, WEALTH, coded

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder
from saidwhat.nlp import load_nlp

BOOK = Codebook([
    CLIMATE,
    FARES,
    WEALTH,
    CHARGE,
    # A description with both sides: "...; or objections that ..."
    Concept("bypass", "The town bypass should be built",
            "Calls to build the bypass to relieve traffic in the old centre; or objections that"
            " the scheme is oversized and would mostly serve haulage firms.",
            ("bypass", "relief road", "haulage firms")),
])


@pytest.fixture(scope="module")
def coder() -> ConceptCoder:
    return ConceptCoder(BOOK, load_nlp())


def agreement_evidence(coder: ConceptCoder, content: str, concept: str) -> list[str]:
    return next(list(c.agreement_evidence) for c in coder.code(content, "said")
                if c.concept_id == concept)


# -- negation -----------------------------------------------------------------------------
def test_a_negated_negative_evaluation_supports(coder: ConceptCoder) -> None:
    """"X is not a hoax": the negator is already inside the evaluation; it must not count a
    second time against X."""
    assert coded(coder, "Global warming is not a hoax") == {"climate": "support"}
    assert coded(coder, "The fare rise is not a disaster for passengers") == {"fares": "support"}
    # a negated positive evaluation still opposes
    assert coded(coder, "The fare rise is not a good idea") == {"fares": "oppose"}


def test_idioms_whose_negator_negates_nothing(coder: ConceptCoder) -> None:
    """"not only X but Y", "no matter what ...": no negation of what follows."""
    assert coded(coder, "The wealth tax is not only fair but popular") == {"wealth": "support"}
    assert coded(coder, "Not only is the wealth tax fair, it is popular") == {
        "wealth": "support"}
    assert coded(coder, "No matter what the lobby says, billionaires will pay the wealth"
                        " tax") == {"wealth": "support"}


def test_a_quote_fronted_before_a_negated_comment_is_not_negated(coder: ConceptCoder) -> None:
    """"X will help, it won't even be close": the negated comment does not reach back into
    the quote the parser hangs under it."""
    assert coded(coder, "\u201cThe wealth tax will fund every school,\u201d \u201cThey will"
                        " see the difference \u2014 it won\u2019t even be close.\u201d") == {
        "wealth": "support"}


# -- what a reducing word reduces ---------------------------------------------------------
def test_stop_someone_from_doing_something_reduces_the_deed(coder: ConceptCoder) -> None:
    """"stop X from Y", "prevent X from Y": what is stopped is Y, not X."""
    assert coded(coder, "the council wants to stop the city from introducing a congestion"
                        " charge") == {"charge": "oppose"}
    assert coded(coder, "the rules prevent the council from raising bus fares") == {
        "fares": "oppose"}


def test_a_reducing_noun_reduces_its_object(coder: ConceptCoder) -> None:
    """"a ban on X", "an end to X": the object of the noun is reduced."""
    assert coded(coder, "residents want an end to the congestion charge") == {
        "charge": "oppose"}
    assert coded(coder, "the mayor wants a freeze on fares") == {"fares": "oppose"}


def test_a_particle_after_the_object_completes_the_reducing_verb(coder: ConceptCoder) -> None:
    """"phase X out", "keep X out of Y"."""
    assert coded(coder, "the city should phase the congestion charge out by next year") == {
        "charge": "oppose"}


# -- the codebook's other side -------------------------------------------------------------
def test_the_descriptions_other_side_argues_against_the_concept(coder: ConceptCoder) -> None:
    """A description "calls for X; or objections that it is Y": stating Y opposes X."""
    assert coded(coder, "the bypass scheme is oversized for a town this small") == {
        "bypass": "oppose"}
    assert coded(coder, "the new bypass would mostly help haulage firms") == {"bypass": "oppose"}
    # the concept's own side still supports, and negating the other side supports
    assert coded(coder, "the bypass will relieve traffic in the old centre") == {
        "bypass": "support"}
    assert coded(coder, "the bypass is not oversized at all") == {"bypass": "support"}
    ev = agreement_evidence(coder, "the bypass scheme is oversized for a town this small",
                            "bypass")
    assert any("other side" in e and "oversized" in e for e in ev), ev


# -- a concept named in passing -------------------------------------------------------------
def test_an_embedded_question_without_a_position_codes_nothing(coder: ConceptCoder) -> None:
    """"[says] what the congestion charge would do", "[decided] how to count the fares": an
    embedded question names the topic, not a stance on it; a position with the same words,
    a polar cue or a real question is coded."""
    assert coded(coder, "what the congestion charge would do") == {}
    assert coded(coder, "how to count the bus fares in the annual report") == {}
    assert coded(coder, "the congestion charge must come in this year") == {"charge": "support"}
    assert coded(coder, "what the congestion charge would do", "questioned") == {
        "charge": "oppose"}
    assert coded(coder, "why should drivers not pay a congestion charge?") == {
        "charge": "support"}
    # a position inside the embedded question still counts
    assert coded(coder, "why we must bring in the congestion charge now") == {
        "charge": "support"}


def test_wanting_something_is_a_position_for_the_document_topic(coder: ConceptCoder) -> None:
    """A statement without concept words takes its document's concept when it takes a
    position; wanting or demanding something does ("they want it done by spring")."""
    items = [CodingItem("the congestion charge is the only way to clean the air", "said",
                        group="d"),
             CodingItem("the residents want it in place by spring", "said", group="d")]
    got = coder.code_many(items)
    assert [c.concept_id for c in got[1]] == ["charge"]


def test_a_keyword_phrase_with_one_content_word_is_matched_whole() -> None:
    """"get out the vote" keeps one content word ("vote"): that word alone ("he voted for
    the bill") is not the keyword; the whole phrase is."""
    book = Codebook([Concept("turnout", "The campaign will mobilise its supporters",
                             "Canvassing and rallies before polling day.",
                             ("get out the vote",))])
    coder = ConceptCoder(book, load_nlp())
    assert coded(coder, "she voted for the bill in the spring") == {}
    [code] = coder.code("volunteers will get out the vote in every county", "said")
    assert code.concept_id == "turnout"
    assert any("get out the vote" in e and "get out vote" in e for e in code.evidence)


def test_a_keyword_with_a_number_needs_its_number() -> None:
    """"four-day week": a "five-day week" is not the keyword."""
    book = Codebook([Concept("short-week", "Firms should adopt shorter working hours",
                             "Cutting hours without cutting pay.", ("four-day week",))])
    coder = ConceptCoder(book, load_nlp())
    assert coded(coder, "staff are happier on a five-day week") == {}
    assert coded(coder, "staff are happier on a four-day week") == {"short-week": "support"}



# -- a polar cue aimed at the person a concept evaluates ---------------------------------------
PEOPLE = Codebook([
    Concept("mayor-fit", "Maria Olsen is fit to be mayor",
            "Her judgment, experience and record as qualifications for the office.",
            ("experience", "judgment")),
    Concept("buses", "The city should run more buses",
            "More routes and more frequent services.", ("bus routes", "buses")),
    Concept("chief-culpable", "Peter Varga bears responsibility for the failures at the port",
            "Claims that the harbour chief was to blame.", ("harbour chief",)),
    Concept("nation", "Norway needs a stronger navy", "More ships.", ("navy",)),
])


@pytest.fixture(scope="module")
def people() -> ConceptCoder:
    # The rules alone: embedding similarity to "Maria Olsen is fit to be mayor" would also
    # reach her plan, and these tests are of what the rules read.
    return ConceptCoder(PEOPLE, load_nlp(), method="lexical")


def test_attacking_or_praising_a_person_codes_the_concept_about_them(
        people: ConceptCoder) -> None:
    """"attacked X for ...": the cue's stance is on X, and the concept whose label judges X
    takes it; the reason that follows is not a stance of its own."""
    assert coded(people, "Maria Olsen for her handling of the bus routes", "attacked") == {
        "mayor-fit": "oppose"}
    assert coded(people, "Maria Olsen as a steady hand", "praised") == {"mayor-fit": "support"}
    # a label that judges the person unfavourably: an attack agrees with it
    assert coded(people, "Peter Varga over the delays", "criticised") == {
        "chief-culpable": "support"}
    [code] = people.code("Maria Olsen for her handling of the bus routes", "attacked")
    assert any("targets 'Maria Olsen'" in e for e in code.evidence)
    assert any("whom the label judges favourably" in e for e in code.agreement_evidence)
    # a neutral cue, or a country in the label, is no such target
    assert coded(people, "Maria Olsen will speak at noon", "said") == {}
    assert "nation" not in coded(people, "Norway for its fishing quotas", "criticised")


def test_a_participle_in_a_compound_adjective_is_not_the_verb_keyword() -> None:
    """"hard-won" is not "win"; "win" itself is."""
    book = Codebook([Concept("victory", "The party will win the election",
                             "Polls and chances.", ("win",))])
    coder = ConceptCoder(book, load_nlp())
    assert coded(coder, "she will put her hard-won savings into the shop") == {}
    assert coded(coder, "she will win the seat") == {"victory": "support"}


def test_judging_the_person_a_label_judges_codes_that_concept(people: ConceptCoder) -> None:
    """"X is weak and dishonest": a clause that evaluates the person of a label codes the
    concept even without its keywords; the possessive ("X's plan is weak") judges the plan."""
    assert coded(people, "Maria Olsen is weak and dishonest") == {"mayor-fit": "oppose"}
    assert coded(people, "Maria Olsen is not a disaster") == {"mayor-fit": "support"}
    assert coded(people, "Peter Varga is honest") == {"chief-culpable": "oppose"}
    assert "mayor-fit" not in coded(people, "Maria Olsen's plan is weak")
    [code] = people.code("Maria Olsen is weak and dishonest", "said")
    assert any("judged unfavourably" in e for e in code.agreement_evidence)


def test_common_words_of_veracity_and_propriety_evaluate() -> None:
    """"false", "baseless", "corrupt", "excellent" are evaluations (evaluation_polarity.tsv)."""
    coder = ConceptCoder(BOOK, load_nlp())
    assert coded(coder, "the claims about the congestion charge are false") == {
        "charge": "oppose"}
    assert coded(coder, "the wealth tax is excellent policy") == {"wealth": "support"}


def test_a_denied_outcome_unless_something_is_done_argues_for_it(coder: ConceptCoder) -> None:
    """"We will never clear the air unless ...": a negated outcome in the absence of the
    thing argues for it (a statement without concept words, on its document's topic)."""
    items = [CodingItem("the congestion charge is the only way to clean the air", "said",
                        group="d"),
             CodingItem("our children will never walk to school unless something is done",
                        "said", group="d")]
    got = coder.code_many(items)
    assert [(c.concept_id, c.qualifier) for c in got[1]] == [("charge", "support")]
    assert "bad outcome without it" in got[1][0].agreement_evidence


def test_a_single_word_of_a_second_concept_is_a_mention_in_passing(coder: ConceptCoder) -> None:
    """A statement that argues one concept with several of its words does not also code a
    concept of which it has one word only; the setting turns it off."""
    text = "the wealth tax on billionaires would help families with their fares"
    assert coded(coder, text) == {"wealth": "support"}
    from dataclasses import replace

    from saidwhat.settings import Settings
    both = ConceptCoder(BOOK, load_nlp(),
                        settings=replace(Settings(), coding_drop_passing_mentions=False))
    assert set(coded(both, text)) == {"wealth", "fares"}


def test_what_the_other_side_reduces_is_what_the_concept_keeps() -> None:
    """In "...; or objections that it would cut bus services", the services are what the
    concept keeps: mentioning them approvingly does not oppose it; the other side's own
    act ("scrap") still does."""
    book = Codebook([Concept("tram", "The tram line should be extended",
                             "Extending the tram line to the suburbs; or objections that it"
                             " would cut bus services, and calls to scrap it.",
                             ("tram line", "bus services"))])
    coder = ConceptCoder(book, load_nlp())
    assert coded(coder, "the tram line and the bus services will both grow") == {
        "tram": "support"}
    assert coded(coder, "the council should scrap the tram line") == {"tram": "oppose"}


AUDIT = Concept("audit", "The council's contracts need an independent audit",
                "Calls to audit the council's contracts; or dismissals of the audit.",
                ("audit", "contracts"))
INTAKE = Concept("intake", "The country should take in more refugees",
                 "Refugee resettlement numbers.", ("refugees",))


@pytest.mark.parametrize(("content", "want"), [
    # negating what is said of the matter, with no evaluation, is not against the matter
    ("Audits are not optional", "support"),
    ("the audit is not over", "support"),
    # ... but negating its going ahead, or the label's own act, is
    ("the audit should not go ahead", "oppose"),
    ("the audit must not proceed", "oppose"),
    ("the country should not take in more refugees", "oppose"),
    ("an audit is not needed", "oppose"),
])
def test_a_negated_predicate_and_its_subject(content: str, want: str) -> None:
    coder = ConceptCoder(Codebook([AUDIT, INTAKE]), load_nlp())
    got = coded(coder, content)
    assert list(got.values()) == [want], got


@pytest.mark.parametrize(("cue", "expected"), [
    ("refused to endorse", "oppose"),
    ("did not back", "oppose"),
    ("never opposed", "support"),
    ("did not say", "neutral"),  # a neutral cue stays neutral
    ("declined to endorse", "oppose"),
    ("no longer backs", "oppose"),
    # idioms whose negator negates nothing of the polar word
    ("did not hesitate to criticise", "oppose"),
    ("not only endorsed", "support"),
    ("never failed to praise", "support"),
    ("endorsed", "support"),
    ("rejected", "oppose"),
])
def test_a_negator_or_refusal_in_the_cue_reverses_its_polar_word(cue: str, expected: str) -> None:
    from saidwhat.network.coding import polarity_of_cue

    assert polarity_of_cue(load_nlp()(cue))[0] == expected


CHECKS = Concept("live-checks", "Hosts should check the guests' claims live on air",
                 "Calls for hosts to call out lies and falsehoods on air; or objections that"
                 " checking is the guests' own job and that hosts should stay neutral.",
                 ("lies", "falsehoods", "call out"))


@pytest.mark.parametrize(("content", "expected"), [
    # a negative word of the description's own side is the concept's matter
    ("the hosts must call out the lies guests tell", "support"),
    ("the guest tells so many lies that someone has to check them", "support"),
    # a modifier's verdict still counts
    ("calling out lies is a pointless, biased exercise", "oppose"),
])
def test_a_negative_word_of_the_concepts_own_side_is_no_verdict(content: str, expected: str) -> None:
    coder = ConceptCoder(Codebook([CHECKS], "checks"), load_nlp())
    got = {c.concept_id: c.qualifier for c in coder.code(content, "said")}
    assert got.get("live-checks") == expected


RACE = Concept("lopez-leads", "Maria Lopez leads Tom Reilly in the race for mayor",
               "Polls of the mayoral race: findings that Lopez is ahead; or that the race is tied.",
               ("poll", "lead", "ahead", "percentage points", "likely voters"))
BUDGET = Concept("road-budget", "The road budget should be increased",
                 "Spending on road repairs.", ("road budget", "road repairs"))


def test_figures_on_a_concepts_own_terms_are_its_finding_a_figure_in_passing_is_not() -> None:
    coder = ConceptCoder(Codebook([RACE, BUDGET], "race"), load_nlp())
    got = {c.concept_id: c.qualifier
           for c in coder.code("Lopez leads Reilly by 5 percentage points among likely voters", "shows")}
    assert got == {"lopez-leads": "support"}
    # one concept word beside a figure: a report of figures, coded as nothing
    assert coder.code("the road budget would cost $40 million over five years", "said") == []


BYPASS = Concept("bypass", "The town bypass should be built",
                 "Building the proposed bypass road around the town centre.",
                 ("bypass", "relief road"))


@pytest.mark.parametrize(("content", "cue", "takes_topic"), [
    ("the decision", "welcomed", True),  # an anaphor of the matter
    ("the village needed it", "said", True),  # a clause
    ("Jill Moss", "backed", False),  # another person named
    ("us", "plotted against", False),  # a pronoun of persons
    ("rural road safety", "urged", False),  # a bare noun phrase: a matter, not a position
])
def test_a_short_statement_takes_its_documents_topic_only_as_a_clause_or_an_anaphor(
        content: str, cue: str, takes_topic: bool) -> None:
    coder = ConceptCoder(Codebook([BYPASS], "bypass"), load_nlp())
    topic = [CodingItem("the bypass would take lorries out of the town centre", "said", group="d"),
             CodingItem("the relief road must be built this year", "said", group="d")]
    got = coder.code_many([*topic, CodingItem(content, cue, group="d")])[-1]
    assert bool(got) is takes_topic
    if got:
        assert any("document topic" in e for e in got[0].evidence)


BIAS = Concept("hiring-bias", "Bias in council hiring is a serious problem",
               "Whether bias against women in council hiring is real and must be tackled.",
               ("hiring bias", "bias", "council hiring"))


@pytest.mark.parametrize(("content", "cue"), [
    ("the low pay gap progress on bias in council hiring", "blamed"),
    ("the pay gap, which she blamed on bias in council hiring", "cited"),
])
def test_blaming_a_harm_on_the_concepts_problem_supports_confronting_it(content: str, cue: str) -> None:
    coder = ConceptCoder(Codebook([BIAS], "bias"), load_nlp())
    got = {c.concept_id: c.qualifier for c in coder.code(content, cue)}
    assert got.get("hiring-bias") == "support"
