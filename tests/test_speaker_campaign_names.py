"""Speakers as US campaign coverage names them (issue 12, thirteenth round): invented
sentences for the speaker errors of the read coding golds. A body's apposition is no part
of its name; a dateline parsed as a second subject is no speaker; a headline's clause
before a semicolon is no part of what the next verb reports; "the Republican" is the one
person the text gives that party (from "(R)", a role before the name or after it);
"his surrogates" are the camp of the man just named."""

from __future__ import annotations

from test_extract_cases import describe, run, with_content

from saidwhat import Extractor


def test_a_bodys_apposition_is_no_part_of_its_name(extractor: Extractor) -> None:
    text = ("The Committee for Fiscal Prudence, a nonpartisan budget watchdog, said in a"
            " statement that the plan \"has not been paid for.\"\n")
    [q] = run(extractor, text)
    assert q.speaker.name == "Committee for Fiscal Prudence", describe([q])


def test_a_dateline_is_no_speaker(extractor: Extractor) -> None:
    text = ("Vale pushes rail bill; Hart says it would not pass\n\n"
            "MAPLE FORKS, Ga. — Senator Nora Vale called on Congress on Sunday to fund the"
            " rail line, saying no town should be left without a train.\n")
    quotes = run(extractor, text)
    q = with_content(quotes, "no town should be left without a train")
    assert q.speaker.name == "Nora Vale", describe([q])
    # the headline's first clause is its own statement, not what "says" reports
    q = with_content(quotes, "it would not pass")
    assert q.speaker.name == "Hart", describe([q])


def test_the_party_word_is_the_one_person_of_that_party(extractor: Extractor) -> None:
    text = ("Governor Tom Hale (R) toured Ohio on Sunday with Senator Ann Roe (D-Ohio).\n\n"
            "\"We will win this state,\" the Republican said.\n\n"
            "\"He is wrong about the plant,\" the Democrat said.\n")
    quotes = run(extractor, text)
    assert with_content(quotes, "We will win this state,").speaker.name == "Tom Hale"
    assert with_content(quotes, "He is wrong about the plant,").speaker.name == "Ann Roe"


def test_a_party_role_before_a_titled_name(extractor: Extractor) -> None:
    text = ("The Republican nominee, Governor Tom Hale, toured Ohio on Sunday.\n\n"
            "\"We will win this state,\" the Republican said.\n")
    q = with_content(run(extractor, text), "We will win this state,")
    assert q.speaker.name == "Tom Hale", describe([q])


def test_his_surrogates_are_the_camp_of_the_man_just_named(extractor: Extractor) -> None:
    text = ("Governor Tom Hale toured Ohio on Sunday. His surrogates said the polls were"
            " wrong.\n")
    q = with_content(run(extractor, text), "the polls were wrong")
    assert q.speaker.name == "Tom Hale's surrogates", describe([q])


def test_described_as_when_the_parser_makes_as_open_a_clause(extractor: Extractor) -> None:
    # (the tagger's reading of "Trump" here is what misleads the parser)
    text = ("Senator Ola Brisk has been steadily pounding Trump as a \u201ccon artist\u201d"
            " \u2015 just as she did with Marr in 2012.\n")
    q = with_content(run(extractor, text), "Trump as a \u201ccon artist\u201d")
    assert q.speaker.name == "Ola Brisk", describe([q])


def test_his_attorney_is_the_one_introduced_as_that_mans_attorney(extractor: Extractor) -> None:
    text = ("Bryan Tull refused to testify. Mark Roe, Tull's attorney, wrote to the committee"
            " on Friday. His attorney said the hearing was a stunt.\n")
    q = with_content(run(extractor, text), "the hearing was a stunt")
    assert q.speaker.name == "Mark Roe", describe([q])
    # another man's attorney is not his
    text = ("Bryan Tull refused to testify. Mark Roe, Smith's attorney, wrote to the committee"
            " on Friday. His attorney said the hearing was a stunt.\n")
    q = with_content(run(extractor, text), "the hearing was a stunt")
    assert q.speaker.name != "Mark Roe", describe([q])


def test_a_retort_reports_its_clause(extractor: Extractor) -> None:
    text = ("Hale shot back that Vale lacks the experience to lead in a crisis.\n\n"
            "But Ann Roe, the shadow minister, hit back at the minister's cheap headline.\n")
    quotes = run(extractor, text)
    q = with_content(quotes, "that Vale lacks the experience to lead in a crisis")
    assert q.speaker.name == "Hale", describe([q])
    # "hit back at" keeps its object
    with_content(quotes, "the minister's cheap headline")


def test_a_relative_clause_after_an_office_of_a_place_is_the_office_holders(
        extractor: Extractor) -> None:
    text = ("Lena Voss, the mayor of Danforth Mills, who said a higher gas tax was the only way"
            " to fix the bridges, urged Congress to pass the increase.\n")
    q = with_content(run(extractor, text), "a higher gas tax was the only way to fix the bridges")
    assert q.speaker.name == "Lena Voss", describe([q])


def test_coming_out_against_is_a_position(extractor: Extractor) -> None:
    text = ("The Freight Carriers Council, which represents trucking firms, also came out"
            " against the 12-cent hike.\n")
    q = with_content(run(extractor, text), "the 12-cent hike")
    assert q.speaker.name == "Freight Carriers Council", describe([q])
