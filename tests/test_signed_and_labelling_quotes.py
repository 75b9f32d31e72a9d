"""Quotations signed with a dash and a name ("“…” ― Ann Lee", as vox-pop lists and epigraphs
are printed), a closing mark typed for an opening one, and labelling verbs whose content is
the object with its "as" phrase ("cast X as Y"). Invented text only."""

from __future__ import annotations

import pytest
from test_extract_cases import core, describe, run, with_content

from saidwhat import Extractor


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def speaker_of(ex: Extractor, text: str, content: str) -> str | None:
    q = with_content(run(ex, text), content)
    return q.speaker.name if q.speaker is not None else None


@pytest.mark.parametrize("dash", ["―", "—", "–"])
def test_a_quotation_signed_with_a_dash_and_a_name_is_that_persons(ex: Extractor, dash: str) -> None:
    text = ("Readers Share Their Views On The Mayor.\n\n"
            f"“The mayor has ignored our street for years. Nothing gets fixed.” {dash} Nadia Okafor\n"
            f"“She listens to us and the buses finally run on time.” {dash} Tomas Brandt, 52, Leeds")
    assert speaker_of(ex, text, "The mayor has ignored our street for years. Nothing gets fixed.") \
        == "Nadia Okafor"
    assert speaker_of(ex, text, "She listens to us and the buses finally run on time.") == "Tomas Brandt"


def test_two_signed_quotations_on_one_line_keep_their_own_names(ex: Extractor) -> None:
    text = ("“We deserve a council that answers letters.” ― Julie A. Marwick "
            "“The new library is the best thing in years.” ― Colm Ferris")
    assert speaker_of(ex, text, "We deserve a council that answers letters.") == "Julie A. Marwick"
    assert speaker_of(ex, text, "The new library is the best thing in years.") == "Colm Ferris"


def test_a_closing_mark_typed_as_opener_still_opens_the_quotation(ex: Extractor) -> None:
    text = ("”The council has let the park go to ruin. Somebody has to answer for it.” ― Ada Renwick\n"
            "”I am tired of the excuses.” ― Piet Vanloo")
    assert speaker_of(ex, text, "The council has let the park go to ruin. Somebody has to answer for it.") \
        == "Ada Renwick"
    assert speaker_of(ex, text, "I am tired of the excuses.") == "Piet Vanloo"


@pytest.mark.parametrize("text", [
    "“We will win,” — and then the candidate left the room without another word.",
    "The film “Harbour Lights” — Ines Varga directed it — opens on Friday.",
    "“It works” — said nobody who has ridden the new tram line since it opened.",
])
def test_a_dash_without_a_name_ending_the_line_signs_nothing(ex: Extractor, text: str) -> None:
    quotes = run(ex, text)
    assert all(q.cue is None or q.cue.text not in "―—–" for q in quotes), describe(quotes)


@pytest.mark.parametrize(("text", "content", "speaker"), [
    ("The union has cast the mayor as “an enemy of working families” in its leaflets.",
     "the mayor as “an enemy of working families” in its leaflets", "union"),
    ("Opposition leaders painted Gerald Hume as a reckless spender.",
     "Gerald Hume as a reckless spender", "Opposition leaders"),
    ("Critics characterised the plan as a tax cut for landlords.",
     "the plan as a tax cut for landlords", "Critics"),
])
def test_labelling_verbs_report_the_object_with_its_as_phrase(ex: Extractor, text: str, content: str,
                                                            speaker: str) -> None:
    q = with_content(run(ex, text), content)
    assert q.speaker is not None and core(q.speaker.name).endswith(speaker.split()[-1]), describe([q])


@pytest.mark.parametrize("text", [
    "Mr Hume cast his vote early on Tuesday morning at the school.",
    "Volunteers painted the fence behind the community hall last week.",
    "The report cast doubt on the official figures for the harbour.",
])
def test_labelling_verbs_without_an_as_phrase_report_nothing(ex: Extractor, text: str) -> None:
    assert run(ex, text) == [], describe(run(ex, text))


def test_a_preposition_after_a_naming_complement_is_no_call_on(ex: Extractor) -> None:
    q = with_content(run(ex, "Senator Ruth Abara called the mayor a “coward” on Tuesday."),
                     "the mayor a “coward")
    assert q.cue is not None and q.cue.text == "called"


@pytest.mark.parametrize(("text", "content", "cue"), [
    ("The appeals court ruled that the county's practices could remove eligible voters.",
     "that the county's practices could remove eligible voters", "ruled"),
    ("A federal court ruled against the county's procedure for purging voter rolls.",
     "the county's procedure for purging voter rolls", "ruled against"),
    ("The supreme court struck down the harbour tax in 2019.", "the harbour tax", "struck down"),
])
def test_rulings_are_attributions(ex: Extractor, text: str, content: str,
                                               cue: str) -> None:
    q = with_content(run(ex, text), content)
    assert q.cue is not None and q.cue.text == cue, describe([q])


@pytest.mark.parametrize("text", [
    "The governor ruled out a second term in office.",
    "The union struck a deal with the harbour board.",
])
def test_ruling_out_and_striking_a_deal_are_not_rulings(ex: Extractor, text: str) -> None:
    assert run(ex, text) == [], describe(run(ex, text))


def test_rule_cues_stay_outside_the_learned_models_features() -> None:
    from saidwhat.lang import english

    lex = english().lexicons
    assert "rule" in lex.rule_cues and "rule" not in lex.cues
    assert lex.cue_entry("rule") == ("speech", "neutral")
    assert lex.cue_entry("say") == lex.cues["say"]


@pytest.mark.parametrize(("text", "content", "speaker"), [
    ("The Marlow Court of Appeals heard the case in May. The appeals court ruled that the "
     "harbour tax was lawful.", "that the harbour tax was lawful", "Marlow Court of Appeals"),
    ("A regional appeals court ruled on Friday that the harbour tax was lawful. The decision by "
     "the Marlow Court of Appeals ends a long dispute.", "that the harbour tax was lawful",
     "Marlow Court of Appeals"),
    ("The Harbour Oversight Committee met on Tuesday. The committee said that the dredging must "
     "stop.", "that the dredging must stop", "Harbour Oversight Committee"),
    ("A panel of the U.S. Court of Appeals for the Sixth Circuit heard the case. The appeals "
     "court ruled that the harbour tax was lawful.", "that the harbour tax was lawful",
     "U.S. Court of Appeals for the Sixth Circuit"),
])
def test_a_lower_case_description_is_the_organisation_the_article_names(
        ex: Extractor, text: str, content: str, speaker: str) -> None:
    q = with_content(run(ex, text), content)
    assert q.speaker is not None and q.speaker.name == speaker, describe([q])
    assert q.speaker.type == "organization"


def test_a_date_after_the_organisation_is_no_part_of_its_name(ex: Extractor) -> None:
    text = ("The Harbour Oversight Committee on Tuesday opened an inquiry. The committee said "
            "that the dredging must stop.")
    assert speaker_of(ex, text, "that the dredging must stop") == "Harbour Oversight Committee"


def test_a_description_without_a_matching_name_keeps_its_own_words(ex: Extractor) -> None:
    text = "The Harbour Trust met on Tuesday. The council said that the road would close."
    assert speaker_of(ex, text, "that the road would close") == "council"


def test_a_headline_surname_and_colon_is_the_person_the_article_names(ex: Extractor) -> None:
    text = ("Okafor: Harbour Tax Is A Mistake For Families.\n\n"
            "Senator Ruth Okafor spoke to fishermen on Sunday about the harbour.")
    assert speaker_of(ex, text, "Harbour Tax Is A Mistake For Families") == "Ruth Okafor"


def test_a_transcript_line_in_marks_names_its_speaker(ex: Extractor) -> None:
    text = ('"HOST: Will the senator be at the harbour meeting tonight?\n\n'
            '"ABARA: Well, the question really should be about the harbour tax and the families.\n\n'
            "Ruth Abara spoke on the breakfast show.")
    assert speaker_of(ex, text, "Well, the question really should be about the harbour tax and "
                      "the families") == "Ruth Abara"


def test_a_headline_word_the_article_does_not_name_is_no_speaker(ex: Extractor) -> None:
    text = ("Update: The Harbour Road Is Closed Until Monday.\n\n"
            "The council said repairs would take a week.")
    assert not any(q.speaker is not None and q.speaker.name == "Update" for q in run(ex, text))
