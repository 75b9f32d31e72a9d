"""Speaker resolution cases (issue 11), one small invented text each.

Conventions as in tests/test_extract_cases.py and tests/data/gold/README.md. Names, places and
organisations are fictional.
"""

from __future__ import annotations

from test_extract_cases import core, describe, run, with_content

from saidwhat import Extractor


def test_second_coordinated_cue_takes_the_first_cues_subject(extractor: Extractor) -> None:
    text = ("Priya Ashdown said the depot would close in March, "
            "and urged drivers to find other routes.\n")
    quotes = run(extractor, text)
    first = with_content(quotes, "the depot would close in March")
    second = with_content(quotes, "drivers to find other routes")
    for q in (first, second):
        assert q.speaker.name == "Priya Ashdown", describe(quotes)
    assert core(second.source.text) == "Priya Ashdown", describe(quotes)


def test_but_denied_after_a_content_clause(extractor: Extractor) -> None:
    text = ("Tomas Verhoek said the ferry had been delayed by fog but denied "
            "that the crew had ignored the warnings.\n")
    quotes = run(extractor, text)
    with_content(quotes, "the ferry had been delayed by fog")
    second = with_content(quotes, "that the crew had ignored the warnings")
    assert second.speaker.name == "Tomas Verhoek", describe(quotes)
