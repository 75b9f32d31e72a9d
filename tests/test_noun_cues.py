"""Indirect speech cued by a noun of reported speech with its that-clause (noun_cues.v1):
"warnings from his lawyer that …", "persisted in arguments that …". Invented text only."""

from __future__ import annotations

import pytest

from saidwhat import Extractor


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def found(ex: Extractor, text: str) -> list[tuple[str, str | None, str | None]]:
    return [(q.content.text, q.cue.text if q.cue else None, q.speaker.name or None)
            for q in ex(text).quotes]


def test_a_warning_from_a_person_that(ex: Extractor) -> None:
    text = ("Ada Brisk, the clerk's lawyer, said on Monday that she would appeal.\n\n"
            "The vote went ahead despite repeated warnings from Brisk that the hearing was "
            "pointless.\n")
    got = found(ex, text)
    assert ("that the hearing was pointless", "warnings", "Ada Brisk") in got, got


def test_the_subject_who_voices_the_noun(ex: Extractor) -> None:
    text = "Democrats also persisted in arguments that the panel was trying to overrule the court.\n"
    got = found(ex, text)
    assert ("that the panel was trying to overrule the court", "arguments", "Democrats") in got, got


def test_a_possessive_author(ex: Extractor) -> None:
    text = ("Mayor Ines Varro said on Monday that taxes would not rise.\n\n"
            "Varro's claim that the budget was balanced drew criticism from the council.\n")
    got = found(ex, text)
    assert ("that the budget was balanced", "claim", "Ines Varro") in got, got


def test_a_noun_with_no_author_names_no_speaker(ex: Extractor) -> None:
    # the council rejects the claims; whose claims they were, the sentence does not say
    text = "The council rejected claims that the water was unsafe.\n"
    got = found(ex, text)
    assert not any(cue == "claims" for _, cue, _ in got), got


def test_a_that_clause_of_fact_is_no_speech(ex: Extractor) -> None:
    # "the fact that" / "the news that": no speech noun, no attribution
    text = "The fact that the mayor's office had closed surprised residents.\n"
    got = found(ex, text)
    assert not any(c.startswith("that the mayor") for c, _, _ in got), got
