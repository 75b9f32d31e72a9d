"""Speakers, issue 12 (fourteenth round): a headline's bare role ("Lawmaker urges …"), a
body's name before a work ("a Budget Review Office report found"), and a gerund that goes
on after "X said," ("…, Sanders said, going on to say that …"). Invented texts; names,
places and organisations are fictional."""

from __future__ import annotations

from test_extract_cases import describe, run, with_content

from saidwhat import Extractor


def test_a_headlines_bare_role_is_the_first_person_the_body_quotes(
        extractor: Extractor) -> None:
    text = ("Lawmaker urges sanctions on Velmora.\n\n"
            "Rep. Dana Whitcombe, the top Democrat on the trade panel, said on Tuesday that "
            "the sanctions should start this year.\n\n"
            "Officials in Velmora did not respond.\n")
    q = with_content(run(extractor, text), "sanctions on Velmora")
    assert q.speaker.name == "Dana Whitcombe", describe([q])
    assert q.speaker.type == "person", describe([q])


def test_a_headlines_plural_role_stays_a_group(extractor: Extractor) -> None:
    text = ("Experts warn of a slowdown in Velmora.\n\n"
            "Finance Minister Ola Brandt said on Monday that growth would hold up.\n")
    q = with_content(run(extractor, text), "a slowdown in Velmora")
    assert q.speaker.name != "Ola Brandt", describe([q])


def test_a_body_named_before_its_report_is_the_speaker(extractor: Extractor) -> None:
    text = ("A Budget Review Office report found that the agency could not trace the money.\n\n"
            "A Fiscal Policy Center analysis concluded that the plan would cost $6 trillion.\n")
    quotes = run(extractor, text)
    q = with_content(quotes, "that the agency could not trace the money")
    assert q.speaker.name == "Budget Review Office", describe([q])
    assert q.speaker.type == "organization", describe([q])
    q = with_content(quotes, "that the plan would cost $6 trillion")
    assert q.speaker.name == "Fiscal Policy Center", describe([q])
    assert q.speaker.type == "organization", describe([q])


def test_a_gerund_after_said_continues_the_speakers_words(extractor: Extractor) -> None:
    text = ('"The American people do not agree with Marlow," Holm said, suggesting a few '
            'questions, including, "Mr. Marlow, do you really think that billionaires need a '
            'massive tax break?"\n\n'
            '"It is insane," Holm said, going on to say that the country has spent "hundreds '
            'of years fighting against racism and sexism, to have that debate again, young '
            'people do not want to see that."\n')
    quotes = run(extractor, "Senator Ira Holm spoke in Dayton on Friday.\n\n" + text)
    q = next(q for q in quotes if "billionaires need a massive tax break" in q.content.text)
    assert (q.speaker.name or "").endswith("Holm"), describe([q])
    q = next(q for q in quotes if q.content.text.startswith("that the country has spent"))
    assert (q.speaker.name or "").endswith("Holm"), describe([q])
