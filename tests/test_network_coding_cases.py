"""Concept coding, issue 12: one fixture per error kind (agreement from meaning, concepts
without their keywords, role descriptions), calibrated scores, evidence, few-shot examples,
codebook checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from coding_fixtures import CHARGE, CLIMATE, FARES, WEALTH, coded

from saidwhat.network.codebook import Codebook, Concept, check_codebook
from saidwhat.network.coding import (
    DEFAULT_THRESHOLD,
    CodingItem,
    ConceptCoder,
    calibrate,
    polarity_of_cue,
)
from saidwhat.network.fewshot import LabelledExample, codebook_examples, read_examples
from saidwhat.nlp import load_nlp

BOOK = Codebook([
    CLIMATE,
    FARES,
    WEALTH,
    Concept("speed", "Speed limits in towns should be lowered",
            "Slower speed limits on residential streets.", ("speed limits",)),
    CHARGE,
])


@pytest.fixture(scope="module")
def coder() -> ConceptCoder:
    return ConceptCoder(BOOK, load_nlp())


# -- agreement flipped: the error kinds ----------------------------------------------
def test_calling_the_problem_a_hoax_opposes_acting_on_it(coder: ConceptCoder) -> None:
    assert coded(coder, "Climate change is a hoax.") == {"climate": "oppose"}
    assert coded(coder, "warnings about global warming were exaggerated scaremongering") == {
        "climate": "oppose"}
    # named by the cue: "called climate change 'a hoax'"
    assert coded(coder, "climate change \"a hoax invented to sell panels\"", "called") == {
        "climate": "oppose"}
    [code] = coder.code("Climate change is a hoax.", "said")
    assert any("evaluated negatively" in e for e in code.agreement_evidence)


def test_rhetorical_question_demanding_something_supports_it(coder: ConceptCoder) -> None:
    assert coded(coder, "Why should a nurse pay a higher rate than billionaires?") == {
        "wealth": "support"}


def test_act_without_delay_supports(coder: ConceptCoder) -> None:
    assert coded(coder, "the council should approve the fare increase without delay") == {
        "fares": "support"}
    # "without" still negates its own object
    assert coded(coder, "we can run the buses without a fare increase") == {"fares": "oppose"}


def test_warning_that_a_rise_drives_customers_away_opposes_the_rise(coder: ConceptCoder) -> None:
    assert coded(coder, "the fare increase would drive passengers away") == {"fares": "oppose"}
    assert coded(coder, "a fare rise would hurt the people who rely on buses most") == {
        "fares": "oppose"}
    assert coded(coder, "the fare increase is the only way to save the routes") == {
        "fares": "support"}


def test_role_description_in_a_relative_clause_is_not_a_statement(coder: ConceptCoder) -> None:
    text = "Board member Ann Lee, who supports the fare increase, said buses were full."
    cue_at = text.index("supports")
    role = CodingItem("the fare increase", "supports", text=text, cue_start=cue_at)
    assert coder.code_many([role]) == [[]]
    # a speech verb in the relative clause is a statement
    text2 = "Ann Lee, who said the fare increase should go ahead, left early."
    said = CodingItem("the fare increase should go ahead", "said", text=text2,
                      cue_start=text2.index("said"))
    assert {c.concept_id for c in coder.code_many([said])[0]} == {"fares"}


# -- negation, conditionals, hedges ----------------------------------------------------------
def test_negation_scope_ends_at_a_conjunct_with_its_own_modal(coder: ConceptCoder) -> None:
    assert coded(coder, "the town should not stop at one street and should extend the"
                        " congestion charge to every district") == {"charge": "support"}
    assert coded(coder, "bus fares should not be raised") == {"fares": "oppose"}
    assert coded(coder, "we will never support a congestion charge") == {"charge": "oppose"}


def test_double_negation_and_reducing_words(coder: ConceptCoder) -> None:
    assert coded(coder, "we do not oppose lower speed limits near schools") == {
        "speed": "support"}
    # the concept itself lowers the limits: higher limits oppose it
    assert coded(coder, "higher speed limits would be welcome") == {"speed": "oppose"}
    assert coded(coder, "there is no reason to delay cutting emissions") == {
        "climate": "support"}


def test_hedge_and_conditional_in_context(coder: ConceptCoder) -> None:
    topic = CodingItem("the congestion charge is the only way to clean the air", "said",
                       group="d1")
    hedge = CodingItem("he was not convinced it would work", "said", group="d1")
    conditional = CodingItem("if the price keeps rising, we cannot back it", "said",
                             group="d1")
    report = CodingItem("the meeting would take place on Monday", "said", group="d1")
    got = coder.code_many([topic, hedge, conditional, report])
    assert [{c.concept_id: c.qualifier for c in cs} for cs in got] == [
        {"charge": "support"}, {"charge": "oppose"}, {"charge": "oppose"}, {}]
    assert any("document topic" in e for e in got[1][0].evidence)


def test_statement_in_other_words_takes_its_documents_concept(coder: ConceptCoder) -> None:
    items = [CodingItem("a fare rise is overdue", "said", group="a"),
             CodingItem("the decision", "welcomed", group="a"),
             CodingItem("We will be stuck paying more every single week", "said", group="a"),
             CodingItem("the decision", "welcomed", group="b")]  # no topic in b
    got = coder.code_many(items)
    assert [c.concept_id for c in got[1]] == ["fares"] and got[1][0].qualifier == "support"
    assert [c.concept_id for c in got[2]] == ["fares"]
    assert got[3] == []
    # without groups nothing is borrowed
    assert coder.code("the decision", "welcomed") == []


def test_called_without_its_particle_is_neutral() -> None:
    nlp = load_nlp()
    assert polarity_of_cue(nlp("called"))[0] == "neutral"
    assert polarity_of_cue(nlp("called for"))[0] == "support"


# -- scores -----------------------------------------------------------------------------------
def test_scores_are_calibrated_between_zero_and_one(coder: ConceptCoder) -> None:
    assert calibrate(0) == 0 and abs(calibrate(1.0) - 0.632) < 0.001 and calibrate(9) < 1
    [one] = coder.code("a congestion charge", "backed")
    assert DEFAULT_THRESHOLD <= one.score < 1
    # the rules alone: one keyword's score (embedding similarity would add to it)
    strict = ConceptCoder(BOOK, load_nlp(), threshold=0.95, method="lexical")
    assert strict.code("a congestion charge", "backed") == []


def test_one_generic_label_word_alone_counts_half() -> None:
    book = Codebook([Concept("refugees", "The country should take in more refugees")])
    c = ConceptCoder(book, load_nlp())
    assert c.code("the country could not afford to wait", "said") == []
    assert [x.concept_id for x in c.code("the country must take in refugees", "said")] == [
        "refugees"]


# -- few-shot --------------------------------------------------------------------------------
def test_labelled_examples_code_paraphrases() -> None:
    nlp = load_nlp()
    plain = ConceptCoder(BOOK, nlp)
    text = "pensioners would be priced off the number nine route"
    assert plain.code(text, "said") == []
    taught = ConceptCoder(BOOK, nlp, examples=[
        LabelledExample("families would be priced off the route", "said", "fares", "oppose")])
    [code] = taught.code(text, "said")
    assert code.concept_id == "fares"
    assert any(e.startswith("example 'families would") for e in code.evidence)


def test_examples_from_the_codebook_and_a_file(tmp_path: Path) -> None:
    book = Codebook([Concept("x", "Night buses should run", examples=("Run buses all night.",))])
    [ex] = codebook_examples(book)
    assert (ex.concept, ex.agreement, ex.source) == ("x", "support", "codebook")
    f = tmp_path / "ex.jsonl"
    f.write_text('{"text": "No more night buses", "cue": "said", "concept": "x",'
                 ' "agreement": 0}\n{"content": {"text": "nice weather"}, "concept": null}\n',
                 encoding="utf-8")
    got = read_examples(f)
    assert [(e.text, e.concept, e.agreement) for e in got] == [
        ("No more night buses", "x", "oppose"), ("nice weather", None, "support")]
    f.write_text('{"text": 3}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="ex.jsonl:1"):
        read_examples(f)


def test_a_misread_example_corrects_close_statements() -> None:
    nlp = load_nlp()
    text = "every time fares go up, more people give up on the tram"
    plain = ConceptCoder(BOOK, nlp)
    assert coded(plain, text) == {"fares": "support"}  # the rules miss the consequence
    taught = ConceptCoder(BOOK, nlp, examples=[LabelledExample(
        "every time fares go up, more people give up on the bus", "said", "fares", "oppose",
        "review")])
    [code] = taught.code(text, "said")
    assert code.qualifier == "oppose"
    assert any(e.startswith("learnt from") for e in code.agreement_evidence)


# -- codebook checks ---------------------------------------------------------------------------
def test_check_reports_every_error_and_placeholder_labels(tmp_path: Path) -> None:
    f = tmp_path / "book.yaml"
    f.write_text("concepts:\n"
                 "  - id: a\n    label: 'EDIT: the claim about buses'\n    keywords: [bus]\n"
                 "  - id: b b\n    label: x\n"
                 "  - id: c\n"
                 "  - id: d\n    label: Buses should run later\n    keywords: [bus]\n",
                 encoding="utf-8")
    check = check_codebook(f)
    assert not check.ok
    assert [e.line for e in check.errors] == [5, 7]
    assert check.codebook is not None and [c.id for c in check.codebook] == ["a", "d"]
    assert any("placeholder" in w and "'a'" in w for w in check.warnings)
    assert any("keyword 'bus'" in w for w in check.warnings)
    assert check_codebook(tmp_path / "none.yaml").errors[0].reason == "file not found"


# -- reported figures and concepts that speak against their subject (issue 12) ---------------
def test_a_neutral_report_of_figures_codes_nothing(coder: ConceptCoder) -> None:
    # an estimate or a statistic, said neutrally, takes no position
    assert coded(coder, "the wealth tax would bring in $40 billion over five years") == {}
    assert coded(coder, "62 percent of the bus fares are paid by card") == {}
    assert coded(coder, "the richest 1 percent would face little or no extra wealth tax") == {}
    # ... but a figure with a verdict, an obligation, the speaker's own voice or a polar cue
    # is a statement
    assert coded(coder, "the wealth tax would raise $40 billion, a huge waste") == {
        "wealth": "oppose"}
    assert coded(coder, "the wealth tax should raise $40 billion") == {"wealth": "support"}
    assert coded(coder, "we would raise $40 billion with a wealth tax") == {"wealth": "support"}
    assert coded(coder, "a wealth tax raising $40 billion", "called for") == {
        "wealth": "support"}
    # ordinals, years and durations are not figures
    assert coded(coder, "the wealth tax was the first in 2022 and lasted two years") != {}


def test_is_estimate_reads_quantities_only() -> None:
    from saidwhat.network.coding import is_estimate, negation_flips

    nlp = load_nlp()

    def est(text: str) -> bool:
        doc = nlp(text)
        return is_estimate(doc, negation_flips(doc))

    assert est("the plan would raise $2 trillion over a decade")
    assert est("40 percent of households pay the charge")
    assert not est("the plan would raise taxes on the rich")  # no figure
    assert not est("the first charge came in 2019")  # an ordinal and a year
    assert not est("the plan would not raise $2 trillion")  # a negated verdict


BLAME = Codebook([
    Concept("scheme-failing", "The housing voucher scheme is failing",
            "Criticism of the housing voucher scheme: long waits, broken promises.",
            ("voucher scheme",)),
])


def test_document_topic_on_a_concept_against_its_subject_is_reversed() -> None:
    """A concept whose label evaluates its subject negatively ("X is failing") is supported
    by a statement against the subject, opposed by one for it."""
    c = ConceptCoder(BLAME, load_nlp())
    group = "doc1"
    items = [CodingItem("the voucher scheme is failing tenants", "said", group),
             CodingItem("the voucher scheme has left families waiting for years", "said", group),
             CodingItem("It does not work and it never will", "said", group),
             CodingItem("It is a great success for families", "said", group)]
    codes = c.code_many(items)
    assert [x.qualifier for x in codes[2]] == ["support"]
    assert any("reversed" in e for e in codes[2][0].agreement_evidence)
    assert [x.qualifier for x in codes[3]] == ["oppose"]


# -- the embeddings method (the default; all-MiniLM-L6-v2 on onnxruntime, no torch) ---------
def test_embeddings_method_codes_a_paraphrase() -> None:
    c = ConceptCoder(BOOK, load_nlp(), method="embeddings")
    # no keyword, label or description word of the concept: similarity alone codes it
    [code] = c.code("We must stop burning coal and oil before the planet overheats.", "said")
    assert code.concept_id == "climate"
    assert any(e.startswith("embedding similarity") for e in code.evidence)
    # a figure said neutrally still codes nothing, and unrelated talk codes nothing
    assert c.code("the wealth tax would bring in $40 billion over five years", "said") == []
    assert c.code("The weather in the valley was pleasant on Sunday.", "said") == []
