"""A paragraph "X added:" introduces the next paragraph as X's words (cue_colon.v1), with
or without quotation marks. Invented text only."""

from __future__ import annotations

import pytest

from saidwhat import Extractor


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def quotes(ex: Extractor, text: str) -> list[tuple[str, str | None, str | None]]:
    doc = ex(text)
    return [(q.content.text, q.cue.text if q.cue else None,
             q.speaker.name if q.speaker else None) for q in doc.quotes]


def test_a_block_quotation_without_marks_after_a_cue_colon(ex: Extractor) -> None:
    text = ("Maria Lopez criticised the budget on Monday.\n\nLopez continued:\n\n"
            "We cannot afford another year of cuts to schools and libraries.\n\n"
            "The mayor did not reply.")
    got = quotes(ex, text)
    assert ("We cannot afford another year of cuts to schools and libraries.", "continued",
            "Maria Lopez") in got
    assert not any(c.startswith("The mayor") for c, _, _ in got)


def test_a_quotation_in_marks_after_a_cue_colon_takes_that_cue(ex: Extractor) -> None:
    text = ("The plan was unveiled on Monday.\n\nCouncillor Dev Patel added:\n\n"
            "“It will cost jobs and it will hurt families in every town across the county.”")
    got = quotes(ex, text)
    assert ("It will cost jobs and it will hurt families in every town across the county.",
            "added", "Dev Patel") in got


@pytest.mark.parametrize("intro", [
    "The following roads are closed:",  # no cue verb
    "Maria Lopez, who has led the council since the election of 2019 and chaired the finance committee, said this week:",  # too long to be an introduction
])
def test_a_colon_paragraph_that_is_no_cue_introduces_nothing(ex: Extractor, intro: str) -> None:
    text = f"The council met on Monday.\n\n{intro}\n\nMain Street, Mill Lane and the old bridge road."
    assert not any(c.startswith("Main Street") for c, _, _ in quotes(ex, text))


def test_a_name_colon_quotation_after_a_cue_colon_keeps_its_own_speaker(ex: Extractor) -> None:
    text = ("The plan was unveiled on Monday.\n\nCouncillor Dev Patel added:\n\n"
            "Mayor Ann Jones: “It is a costly failure that the town cannot afford.”")
    got = quotes(ex, text)
    assert not any(cue == "added" and "costly failure" in c for c, cue, _ in got)
