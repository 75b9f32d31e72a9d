"""A quotation in marks introduced by "According to X," is X's (direct_quotes.v1).
Invented text only."""

from __future__ import annotations

import pytest

from saidwhat import Extractor


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


@pytest.mark.parametrize("text", [
    "The vote is on Tuesday. According to Maria Lopez, “the plan is a mistake that will hurt families.”",
    "The vote is on Tuesday.\n\nAccording to Maria Lopez, “If it was left to the council, nothing"
    " would change. The plan is a mistake.”",
])
def test_according_to_before_a_quotation_names_its_speaker(ex: Extractor, text: str) -> None:
    quotes = ex(text).quotes
    assert len(quotes) == 1
    q = quotes[0]
    assert q.cue is not None and q.cue.text == "According to"
    assert q.speaker is not None and q.speaker.name == "Maria Lopez"
    assert q.content.text.startswith(("the plan", "If it was"))


def test_a_quoted_word_after_according_to_is_no_quotation_of_its_own(ex: Extractor) -> None:
    quotes = ex("According to a report by the council, the “affordable” homes cost far too much.").quotes
    assert all("affordable" not in q.content.text or len(q.content.text.split()) > 2 for q in quotes)
