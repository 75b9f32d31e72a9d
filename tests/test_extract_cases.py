"""The hard cases of attribution extraction, one small invented text each.

What a careful human coder would mark, under the conventions of tests/data/gold/README.md:
direct content excludes the quotation marks, indirect content starts at "that" and excludes the
final full stop, a quote split by its cue is two attributions sharing cue and source, a
multi-paragraph quote is one attribution, a cue-less continuation quote is its own attribution
with the previous speaker. Names, places and organisations are fictional.
"""

from __future__ import annotations

import pytest

from saidwhat import Extractor, Quote, TextSpan

# Compared after stripping whitespace, quotation marks and edge punctuation (as the scorer does).
EDGE = " \t\r\n\"'`“”‘’.,;:"


def core(text: str) -> str:
    return text.strip(EDGE)


def describe(quotes: list[Quote]) -> str:
    return "; ".join(f"[{q.kind}] {q.speaker.name!r}/{q.speaker.type} "
                     f"cue={q.cue and q.cue.text!r} src={q.source and q.source.text!r} "
                     f"content={q.content.text!r}" for q in quotes) or "no quotes"


def run(extractor: Extractor, text: str) -> list[Quote]:
    """Extract, and check that every span of every quote points at its own text."""
    doc = extractor(text, doc_id="case")
    for q in doc.quotes:
        spans: list[TextSpan | None] = [q.content, q.cue, q.source, q.channel]
        for span in spans:
            if span is not None:
                assert text[span.start:span.end] == span.text, (q.id, span)
    return doc.quotes


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, describe(quotes)
    return quotes[0]


def with_content(quotes: list[Quote], content: str) -> Quote:
    """The one quote whose content (stripped) equals ``content``."""
    found = [q for q in quotes if core(q.content.text) == core(content)]
    assert len(found) == 1, f"want content {content!r}; got {describe(quotes)}"
    return found[0]


def cue_of(q: Quote) -> str | None:
    return q.cue.text if q.cue is not None else None


def source_of(q: Quote) -> str | None:
    return q.source.text if q.source is not None else None


def assert_source_holds(q: Quote, mention: str) -> None:
    """The source span holds ``mention`` and stays clear of the cue and the content.

    The exact extent of the source (titles, appositions, relative clauses) is checked once, in
    test_source_is_the_whole_subject_noun_phrase; other tests only need the mention to be
    there.
    """
    assert q.source is not None, describe([q])
    assert mention in q.source.text, describe([q])
    assert not q.source.overlaps(q.content), describe([q])
    if q.cue is not None:
        assert not q.source.overlaps(q.cue), describe([q])


# --------------------------------------------------------------------------- direct quotes


def test_quote_first_with_inverted_cue(extractor: Extractor) -> None:
    text = "‘We will not back down on this,’ said Tom Hardacre, the union’s general secretary."
    q = only(run(extractor, text))
    assert core(q.content.text) == "We will not back down on this"
    assert q.kind == "direct"
    assert cue_of(q) == "said"
    assert_source_holds(q, "Tom Hardacre")
    assert q.speaker.name == "Tom Hardacre"
    assert q.speaker.type == "person"


def test_quote_last_after_colon(extractor: Extractor) -> None:
    text = "Tom Hardacre, the union’s general secretary, said: ‘Our members have had enough.’"
    q = only(run(extractor, text))
    assert core(q.content.text) == "Our members have had enough"
    assert q.kind == "direct"
    assert cue_of(q) == "said"
    assert_source_holds(q, "Tom Hardacre")
    assert q.speaker.name == "Tom Hardacre"


def test_direct_content_excludes_the_quotation_marks(extractor: Extractor) -> None:
    text = "‘The pier will reopen in May,’ said Gwen Tarrant, the harbour master."
    q = only(run(extractor, text))
    assert q.content.text.rstrip(",") == "The pier will reopen in May"
    assert text[q.content.start - 1] == "‘"


def test_pronoun_source_after_quote(extractor: Extractor) -> None:
    text = ("Lena Morrow chairs the committee that wrote the report.\n"
            "‘The findings are damning,’ she said.")
    q = only(run(extractor, text))
    assert core(q.content.text) == "The findings are damning"
    assert source_of(q) == "she"
    assert q.speaker.name == "Lena Morrow"


def test_quote_split_by_cue_gives_two_attributions_sharing_cue_and_source(
        extractor: Extractor) -> None:
    text = ("Lena Morrow chairs the committee.\n"
            "‘Nobody read the warnings,’ she said. ‘Nobody acted on them either.’")
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    first = with_content(quotes, "Nobody read the warnings")
    second = with_content(quotes, "Nobody acted on them either")
    assert first.cue is not None and second.cue is not None
    assert (first.cue.start, first.cue.end) == (second.cue.start, second.cue.end)
    assert first.cue.text == "said"
    assert first.source is not None and second.source is not None
    assert (first.source.start, first.source.end) == (second.source.start, second.source.end)
    assert first.speaker.name == second.speaker.name == "Lena Morrow"
    assert first.kind == second.kind == "direct"


def test_us_inverted_cue_with_apposition_after_surname(extractor: Extractor) -> None:
    text = ("Sen. Dana Walsh introduced the bill on Monday.\n\n"
            '"This is about basic fairness," said Walsh, the senator from Ohio. '
            '"Nothing more."')
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    q = with_content(quotes, "This is about basic fairness")
    assert cue_of(q) == "said"
    assert_source_holds(q, "Walsh")
    assert q.speaker.name == "Dana Walsh"
    assert q.speaker.role is not None and "senator" in q.speaker.role.lower()
    assert with_content(quotes, "Nothing more").speaker.name == "Dana Walsh"


def test_multi_paragraph_quote_is_one_attribution(extractor: Extractor) -> None:
    text = ("Owen Farley, the council leader, said: ‘We have cut everything we can cut.\n"
            "‘The libraries are next, and after that there is nothing left.\n"
            "‘I did not come into politics to close libraries.’\n"
            "The budget will be voted on in March.")
    q = only(run(extractor, text))
    assert q.kind == "direct"
    assert q.content.text.startswith("We have cut everything")
    assert core(q.content.text).endswith("I did not come into politics to close libraries")
    assert "The libraries are next" in q.content.text
    assert "voted on in March" not in q.content.text
    assert q.speaker.name == "Owen Farley"


def test_us_multi_paragraph_quote_in_double_quotes(extractor: Extractor) -> None:
    text = ('Police Chief Maria Lund told reporters: "We found the van within an hour.\n\n'
            '"The driver is in custody.\n\n'
            '"There is no further danger to the public."\n\n'
            "The road reopened at noon.")
    q = only(run(extractor, text))
    assert q.content.text.startswith("We found the van")
    assert core(q.content.text).endswith("no further danger to the public")
    assert cue_of(q) == "told"
    assert q.speaker.name == "Maria Lund"


def test_stray_straight_mark_does_not_run_into_a_curly_quote(extractor: Extractor) -> None:
    """A paragraph opening with a stray straight mark (a conversion artefact) is no
    multi-paragraph quotation with the next paragraph's curly one: the quotation a
    paragraph opens runs on only where the next one opens with the same mark."""
    from saidwhat.pipeline.quotes import find_quotes

    text = ('"The hall was half empty.\n\n'
            "“Here he is at last,” the organiser said. “We can start now.”\n\n"
            "The speech began at nine.")
    spans = [text[q.start:q.end] for q in find_quotes(text)]
    assert "Here he is at last," in spans
    assert not any("half empty" in s and "Here he is" in s for s in spans)
    quotes = run(extractor, text)
    q = with_content(quotes, "Here he is at last")
    assert "half empty" not in q.content.text


def test_continuation_quote_without_cue_belongs_to_previous_speaker(
        extractor: Extractor) -> None:
    text = ("‘The ferry is the island’s lifeline,’ said Bryn Cadwallader, the harbour master.\n"
            "‘Without it, the school and the surgery would close within a year.’\n"
            "The ferry company has not yet responded.")
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    follow = with_content(quotes, "Without it, the school and the surgery would close within a year")
    assert follow.kind == "direct"
    assert follow.cue is None
    assert follow.source is None
    assert follow.speaker.name == "Bryn Cadwallader"


def test_apostrophes_inside_single_quotes(extractor: Extractor) -> None:
    text = ("‘The councils’ budgets are stretched, and Jane’s team knows it isn’t sustainable,’ "
            "said Colin Brack, the finance director.")
    q = only(run(extractor, text))
    assert core(q.content.text) == ("The councils’ budgets are stretched, and Jane’s team knows "
                                    "it isn’t sustainable")
    assert q.speaker.name == "Colin Brack"


def test_unbalanced_mark_does_not_swallow_the_rest_of_the_document(extractor: Extractor) -> None:
    text = ("Ada Quennell said the review had been a ‘whitewash from beginning to end.\n"
            "The review cost £2m and took three years.\n"
            "‘We will publish every page of it,’ said Martin Coyle, the inquiry chairman.\n"
            "‘Nothing will be held back.’")
    quotes = run(extractor, text)
    q = with_content(quotes, "We will publish every page of it")
    assert q.speaker.name == "Martin Coyle"
    assert with_content(quotes, "Nothing will be held back").speaker.name == "Martin Coyle"
    # no quote may run from the stray mark across the paragraph break
    assert not any("took three years" in x.content.text for x in quotes), describe(quotes)


def test_unbalanced_mark_inside_indirect_speech_stays_in_its_paragraph(
        extractor: Extractor) -> None:
    text = ("Ada Quennell said the review had been a ‘whitewash from beginning to end.\n"
            "The review cost £2m and took three years.")
    q = only(run(extractor, text))
    assert q.speaker.name == "Ada Quennell"
    assert cue_of(q) == "said"
    assert core(q.content.text) == "the review had been a ‘whitewash from beginning to end"
    assert q.kind == "mixed"


def test_double_backtick_newspaper_convention(extractor: Extractor) -> None:
    text = ("``We can't keep every pool open,'' said Councilman Ray Dubois, "
            "who chairs the budget committee.")
    q = only(run(extractor, text))
    assert core(q.content.text) == "We can't keep every pool open"
    assert "`" not in q.content.text and "''" not in q.content.text
    assert q.kind == "direct"
    assert q.speaker.name == "Ray Dubois"


def test_straight_double_quotes_with_apostrophes(extractor: Extractor) -> None:
    text = 'Kim Osborne runs the shelter.\n\n"It\'s not over, and we\'re not leaving," she said.'
    q = only(run(extractor, text))
    assert core(q.content.text) == "It's not over, and we're not leaving"
    assert source_of(q) == "she"
    assert q.speaker.name == "Kim Osborne"


def test_curly_double_quotes_quote_last(extractor: Extractor) -> None:
    text = "Mayor Luis Ortega said: “The bridge will be open by Labor Day.”"
    q = only(run(extractor, text))
    assert core(q.content.text) == "The bridge will be open by Labor Day"
    assert q.speaker.name == "Luis Ortega"
    assert q.speaker.role is not None and "mayor" in q.speaker.role.lower()


# --------------------------------------------------------------------------- indirect speech


def test_indirect_speech_with_that(extractor: Extractor) -> None:
    text = "Hugo Penrose said that the plant would close by the end of the year."
    q = only(run(extractor, text))
    assert q.content.text == "that the plant would close by the end of the year"
    assert q.kind == "indirect"
    assert cue_of(q) == "said"
    assert_source_holds(q, "Hugo Penrose")


def test_indirect_speech_without_that(extractor: Extractor) -> None:
    text = "Hugo Penrose said the plant would close by the end of the year."
    q = only(run(extractor, text))
    assert q.content.text == "the plant would close by the end of the year"
    assert q.kind == "indirect"
    assert q.speaker.name == "Hugo Penrose"


CUE_CASES = [
    ("Nora Pell, the party chair, insisted that the vote had been fair.",
     "insisted", "that the vote had been fair", "Nora Pell"),
    ("Nora Pell, the party chair, warned that turnout could fall sharply.",
     "warned", "that turnout could fall sharply", "Nora Pell"),
    ("Gideon Ashby, the club's owner, claimed the stadium deal had been approved.",
     "claimed", "the stadium deal had been approved", "Gideon Ashby"),
    ("Gideon Ashby, the club's owner, argued that the stadium would pay for itself.",
     "argued", "that the stadium would pay for itself", "Gideon Ashby"),
    ("Rosa Whitcombe, the head teacher, stressed that no pupil had been hurt.",
     "stressed", "that no pupil had been hurt", "Rosa Whitcombe"),
    ("Rosa Whitcombe, the head teacher, called for an urgent review of school transport.",
     "called for", "an urgent review of school transport", "Rosa Whitcombe"),
    ("Bernard Oduya, the bishop, called on the government to restore the grant.",
     "called on", "the government to restore the grant", "Bernard Oduya"),
    ("Bernard Oduya, the bishop, urged parishioners to sign the petition.",
     "urged", "parishioners to sign the petition", "Bernard Oduya"),
    ("Imelda Strang, the opposition leader, accused the mayor of misleading voters.",
     "accused", "the mayor of misleading voters", "Imelda Strang"),
    ("Imelda Strang, the opposition leader, described the budget as reckless.",
     "described", "the budget as reckless", "Imelda Strang"),
    ("Felix Dunmore, the shadow chancellor, hit back at the prime minister's comments.",
     "hit back at", "the prime minister's comments", "Felix Dunmore"),
    ("Felix Dunmore, the shadow chancellor, rejected the proposal.",
     "rejected", "the proposal", "Felix Dunmore"),
    ("Felix Dunmore, the shadow chancellor, backed the proposal.",
     "backed", "the proposal", "Felix Dunmore"),
]


@pytest.mark.parametrize(("text", "cue", "content", "speaker"), CUE_CASES,
                         ids=[c[1].replace(" ", "_") for c in CUE_CASES])
def test_speech_and_position_cues(extractor: Extractor, text: str, cue: str, content: str,
                                  speaker: str) -> None:
    q = only(run(extractor, text))
    assert cue_of(q) == cue
    assert core(q.content.text) == content
    assert q.kind == "indirect"
    assert_source_holds(q, speaker)
    assert q.speaker.name == speaker
    assert q.speaker.type == "person"


def test_told_a_newspaper_is_the_channel(extractor: Extractor) -> None:
    text = "Alma Reyes told the Guardian that the charity would close two of its shelters."
    q = only(run(extractor, text))
    assert cue_of(q) == "told"
    assert q.content.text == "that the charity would close two of its shelters"
    assert q.channel is not None and q.channel.text == "the Guardian"
    assert q.speaker.name == "Alma Reyes"


def test_added_continues_with_the_short_form(extractor: Extractor) -> None:
    text = ("Alma Reyes, the charity's director, said demand had doubled.\n"
            "Ms Reyes added that volunteers were working double shifts.")
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    q = with_content(quotes, "that volunteers were working double shifts")
    assert cue_of(q) == "added"
    assert source_of(q) == "Ms Reyes"
    assert q.speaker.name == "Alma Reyes"


def test_according_to_an_organisation_at_the_start(extractor: Extractor) -> None:
    text = "According to the Office of Fiscal Analysis, the scheme would cost £2bn a year."
    q = only(run(extractor, text))
    assert cue_of(q) == "According to"
    assert core(q.content.text) == "the scheme would cost £2bn a year"
    assert_source_holds(q, "the Office of Fiscal Analysis")
    assert q.speaker.type == "organization"
    assert q.speaker.name == "Office of Fiscal Analysis"


def test_according_to_anonymous_officials_at_the_end(extractor: Extractor) -> None:
    text = "The Marlow plant will close in May, according to two company officials."
    q = only(run(extractor, text))
    assert cue_of(q) == "according to"
    assert core(q.content.text) == "The Marlow plant will close in May"
    assert q.speaker.type == "anonymous"


def test_wrote_in_a_blog_post(extractor: Extractor) -> None:
    text = "Dr. Raina Patel wrote in a blog post that the new rules would hurt rural clinics."
    q = only(run(extractor, text))
    assert cue_of(q) == "wrote"
    assert q.content.text == "that the new rules would hurt rural clinics"
    assert q.channel is not None and q.channel.text == "a blog post"
    assert q.speaker.name == "Raina Patel"


def test_writing_in_a_newspaper_with_a_separate_cue(extractor: Extractor) -> None:
    text = "Writing in the Observer, Dame Cecily Vane argued that the arts budget was too small."
    q = only(run(extractor, text))
    assert cue_of(q) == "argued"
    assert q.content.text == "that the arts budget was too small"
    assert q.channel is not None and q.channel.text == "the Observer"
    assert q.speaker.name == "Cecily Vane"


def test_tweeted(extractor: Extractor) -> None:
    text = "Gov. Carla Benton tweeted that the state would appeal the ruling."
    q = only(run(extractor, text))
    assert cue_of(q) == "tweeted"
    assert q.content.text == "that the state would appeal the ruling"
    assert q.speaker.name == "Carla Benton"


def test_in_a_statement_is_the_channel_of_an_organisation(extractor: Extractor) -> None:
    text = "In a statement, the Treasury said it would publish the figures in June."
    q = only(run(extractor, text))
    assert cue_of(q) == "said"
    assert core(q.content.text) == "it would publish the figures in June"
    assert q.channel is not None and q.channel.text == "a statement"
    assert q.speaker.type == "organization"
    assert q.speaker.name == "Treasury"


def test_nested_attribution(extractor: Extractor) -> None:
    text = "Hugo Penrose said that Nadia Kerr had claimed the accounts were false."
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    outer = with_content(quotes, "that Nadia Kerr had claimed the accounts were false")
    inner = with_content(quotes, "the accounts were false")
    assert cue_of(outer) == "said"
    assert outer.speaker.name == "Hugo Penrose"
    assert cue_of(inner) == "claimed"
    assert source_of(inner) == "Nadia Kerr"
    assert inner.speaker.name == "Nadia Kerr"
    assert outer.content.start <= inner.content.start and inner.content.end <= outer.content.end


def test_mixed_quote_called_for_a_quoted_fragment(extractor: Extractor) -> None:
    text = "Ruth Alden, the housing secretary, called for a ‘complete overhaul’ of the rules."
    q = only(run(extractor, text))
    assert q.kind == "mixed"
    assert cue_of(q) == "called for"
    assert q.content.text == "a ‘complete overhaul’ of the rules"


def test_mixed_quote_is_one_attribution_not_a_separate_direct_quote(
        extractor: Extractor) -> None:
    text = "Ruth Alden said the inspection regime was ‘simply not fit for the job’."
    q = only(run(extractor, text))
    assert q.kind == "mixed"
    assert core(q.content.text) == "the inspection regime was ‘simply not fit for the job"
    assert q.speaker.name == "Ruth Alden"


# --------------------------------------------------------------------------- speakers


@pytest.mark.parametrize(("mention", "name"), [
    ("Sir Malcolm Treddle", "Malcolm Treddle"),
    ("Dame Harriet Quayle", "Harriet Quayle"),
    ("Dr Yusuf Karim", "Yusuf Karim"),
    ("Professor Ines Valdo", "Ines Valdo"),
    ("Mr Stanley Heath", "Stanley Heath"),
    ("Ms Corinne Abbot", "Corinne Abbot"),
])
def test_honorific_stays_in_source_but_not_in_name(extractor: Extractor, mention: str,
                                                    name: str) -> None:
    text = f"{mention} said the scheme had been badly managed."
    q = only(run(extractor, text))
    assert source_of(q) == mention
    assert q.speaker.name == name
    assert q.speaker.type == "person"


def test_lord_is_an_honorific(extractor: Extractor) -> None:
    text = "Lord Ellery, a former defence minister, said the treaty should be ratified."
    q = only(run(extractor, text))
    assert_source_holds(q, "Lord Ellery")
    assert q.speaker.name == "Ellery"
    assert q.speaker.type == "person"


def test_apposition_gives_the_role(extractor: Extractor) -> None:
    text = "Ruth Alden, the transport secretary, said the line would reopen in June."
    q = only(run(extractor, text))
    assert_source_holds(q, "Ruth Alden")
    assert q.speaker.name == "Ruth Alden"
    assert q.speaker.role is not None and "transport secretary" in q.speaker.role.lower()


@pytest.mark.parametrize(("text", "source", "name"), [
    ("Transport Secretary Ruth Alden said the line would reopen in June.",
     "Transport Secretary Ruth Alden", "Ruth Alden"),
    ("Former Chancellor Dame Harriet Quayle said the line would reopen in June.",
     "Former Chancellor Dame Harriet Quayle", "Harriet Quayle"),
    ("Ruth Alden, the transport secretary, said the line would reopen in June.",
     "Ruth Alden, the transport secretary", "Ruth Alden"),
    ("Owen Tallow, 55, a teacher from Hartley, said the line would reopen in June.",
     "Owen Tallow, 55, a teacher from Hartley", "Owen Tallow"),
    ("The board's chair, Professor Ines Valdo, said the line would reopen in June.",
     "The board's chair, Professor Ines Valdo", "Ines Valdo"),
    ("Ruth Alden, who chairs the board, said the line would reopen in June.",
     "Ruth Alden, who chairs the board", "Ruth Alden"),
    ("Sir Malcolm Treddle – who chaired the review – said the line would reopen in June.",
     "Sir Malcolm Treddle – who chaired the review", "Malcolm Treddle"),
    ("‘The line will reopen in June,’ said Ruth Alden, the transport secretary.",
     "Ruth Alden, the transport secretary", "Ruth Alden"),
], ids=["title_before", "former_title_and_honorific_before", "apposition_after",
        "age_and_apposition", "role_then_name", "relative_clause", "dashed_relative_clause",
        "inverted_cue_apposition"])
def test_source_is_the_whole_subject_noun_phrase(extractor: Extractor, text: str, source: str,
                                                 name: str) -> None:
    # The project's convention (tests/data/gold/README.md), as PolNeAR and PARC mark sources:
    # the whole local mention, titles before the name, appositions and relative clauses
    # included, the trailing comma not; the speaker's name is still the bare name.
    q = only(run(extractor, text))
    assert source_of(q) == source
    assert q.speaker.name == name


@pytest.mark.parametrize(("text", "source"), [
    ("‘The line will reopen in June,’ he said.", "he"),
    ("A Treasury source said the line would reopen in June.", "A Treasury source"),
    ("A senior manager, who asked not to be named, said the line would reopen in June.",
     "A senior manager, who asked not to be named"),
], ids=["pronoun", "anonymous", "anonymous_relative_clause"])
def test_source_without_a_name_is_the_noun_phrase_as_written(extractor: Extractor, text: str,
                                                             source: str) -> None:
    q = only(run(extractor, text))
    assert source_of(q) == source


def test_role_before_name(extractor: Extractor) -> None:
    text = "Transport Secretary Ruth Alden said the line would reopen in June."
    q = only(run(extractor, text))
    assert q.speaker.name == "Ruth Alden"
    assert q.source is not None and "Ruth Alden" in q.source.text
    assert q.speaker.role is not None and "transport secretary" in q.speaker.role.lower()


def test_former_role_before_name(extractor: Extractor) -> None:
    text = "Former Chancellor Geoffrey Pask warned that the pension promise was unaffordable."
    q = only(run(extractor, text))
    assert q.speaker.name == "Geoffrey Pask"
    assert cue_of(q) == "warned"
    assert q.content.text == "that the pension promise was unaffordable"


def test_pronoun_resolves_by_gender_over_recency(extractor: Extractor) -> None:
    text = ("Ruth Alden, the minister, said the scheme was on time. "
            "Peter Crane, her opposite number, said it was a year late. "
            "She added that costs were under control.")
    quotes = run(extractor, text)
    assert len(quotes) == 3, describe(quotes)
    q = with_content(quotes, "that costs were under control")
    assert source_of(q) == "She"
    assert q.speaker.name == "Ruth Alden"


def test_pronoun_resolves_to_the_most_recent_matching_person(extractor: Extractor) -> None:
    text = ("Peter Crane said the scheme was a year late. "
            "Tom Baird, the project manager, said it was on schedule. "
            "He added that the final section would open in spring.")
    quotes = run(extractor, text)
    assert len(quotes) == 3, describe(quotes)
    assert with_content(quotes, "that the final section would open in spring").speaker.name \
        == "Tom Baird"


def test_role_noun_the_economist(extractor: Extractor) -> None:
    text = ("Professor Ines Valdo, who led the study, said rents had risen fastest in small towns.\n"
            "The economist stressed that the trend had begun before the pandemic.")
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    q = with_content(quotes, "that the trend had begun before the pandemic")
    assert source_of(q) == "The economist"
    assert q.speaker.name == "Ines Valdo"


def test_role_noun_the_minister_skips_a_more_recent_non_minister(extractor: Extractor) -> None:
    text = ("Ruth Alden, the housing minister, said the target would be met.\n"
            "Peter Crane, a backbench MP, said it would be missed by a mile.\n"
            "The minister insisted that 300,000 homes a year was achievable.")
    quotes = run(extractor, text)
    q = with_content(quotes, "that 300,000 homes a year was achievable")
    assert cue_of(q) == "insisted"
    assert source_of(q) == "The minister"
    assert q.speaker.name == "Ruth Alden"


def test_short_form_with_title_merges_with_full_name(extractor: Extractor) -> None:
    text = ("Sir Malcolm Treddle said the museum would stay open.\n"
            "Sir Malcolm added that admission would remain free.")
    doc = extractor(text, doc_id="case")
    assert len(doc.quotes) == 2, describe(doc.quotes)
    assert {q.speaker.name for q in doc.quotes} == {"Malcolm Treddle"}
    assert len([e for e in doc.entities if "Treddle" in e.name or "Malcolm" in e.name]) == 1


def test_organisation_speaker_insists(extractor: Extractor) -> None:
    text = "The Treasury insists that the forecast is robust."
    q = only(run(extractor, text))
    assert cue_of(q) == "insists"
    assert q.content.text == "that the forecast is robust"
    assert q.speaker.type == "organization"
    assert q.speaker.name == "Treasury"


def test_the_government_said(extractor: Extractor) -> None:
    text = "The Government said it would bring forward legislation in the autumn."
    q = only(run(extractor, text))
    assert q.speaker.type == "organization"
    assert q.speaker.name == "Government"
    assert q.content.text == "it would bring forward legislation in the autumn"


def test_anonymous_source_with_affiliation(extractor: Extractor) -> None:
    text = "A Treasury source said the figures would be revised."
    q = only(run(extractor, text))
    assert source_of(q) == "A Treasury source"
    assert q.speaker.type == "anonymous"
    assert q.speaker.affiliation == "Treasury"


def test_westminster_sources(extractor: Extractor) -> None:
    text = "Westminster sources suggested that the review would be delayed until the spring."
    q = only(run(extractor, text))
    assert q.speaker.type == "anonymous"
    assert cue_of(q) == "suggested"
    assert q.content.text == "that the review would be delayed until the spring"


def test_officials_on_condition_of_anonymity(extractor: Extractor) -> None:
    text = ("Two officials, who spoke on condition of anonymity because they were not authorized "
            "to discuss the talks, said a deal could be reached this week.")
    q = only(run(extractor, text))
    assert q.speaker.type == "anonymous"
    assert core(q.content.text) == "a deal could be reached this week"


def test_spokeswoman_of_a_named_body_is_the_body_speaking(extractor: Extractor) -> None:
    # issue 11: a spokesperson speaks on the record for the body (role spokesperson);
    # anonymous is for sources the text says are unnamed
    text = "A spokeswoman for the Coastal Safety Agency said the beach would stay closed."
    q = only(run(extractor, text))
    assert (q.speaker.name, q.speaker.type, q.speaker.role) == \
        ("Coastal Safety Agency", "organization", "spokeswoman")
    assert core(q.content.text) == "the beach would stay closed"


def test_a_generic_body_noun_is_the_body_named_before(extractor: Extractor) -> None:
    text = ("The Marlow Harbour Authority closed the north quay on Monday. A spokesman for the "
            "authority said repairs would take a month.")
    q = only(run(extractor, text))
    assert (q.speaker.name, q.speaker.type) == ("Marlow Harbour Authority", "organization")


def test_an_unnamed_official_stays_anonymous(extractor: Extractor) -> None:
    text = ("An official at the Coastal Safety Agency, who was not authorised to speak "
            "publicly, said the beach would stay closed.")
    q = only(run(extractor, text))
    assert q.speaker.type == "anonymous"


# --------------------------------------------------------------------------- non-attributions


def test_scare_quotes_are_not_attributed(extractor: Extractor) -> None:
    text = "The so-called ‘reform’ package was published on Monday after months of delay."
    assert run(extractor, text) == []


def test_quoted_title_is_not_attributed(extractor: Extractor) -> None:
    text = ("The town hall will screen ‘A River in Winter’, a documentary about the 1963 floods, "
            "on Friday evening.")
    assert run(extractor, text) == []


@pytest.mark.parametrize("text", [
    "The ministry has refused to publish the full list of contracts.",
    "The mayor is expected to announce a decision next week.",
    "Gareth Lomax was found guilty of fraud at Carnford Crown Court.",
    "The company declined to say how many jobs would go.",
], ids=["refused_to_publish", "expected_to_announce", "found_guilty", "declined_to_say"])
def test_verbs_that_report_no_statement(extractor: Extractor, text: str) -> None:
    assert run(extractor, text) == [], describe(run(extractor, text))


def test_non_attributions_beside_a_real_quote(extractor: Extractor) -> None:
    text = ("Critics dubbed the scheme a ‘tax on tourists’ when it was launched.\n"
            "The council is expected to review it next year.\n"
            "‘It has raised £4m for the harbour,’ said Elin Morgan, the council leader.")
    quotes = run(extractor, text)
    q = with_content(quotes, "It has raised £4m for the harbour")
    assert q.speaker.name == "Elin Morgan"
    assert not any("review it next year" in x.content.text for x in quotes), describe(quotes)


# --------------------------------------------------------------------------- offsets


def test_offsets_index_the_text_exactly(extractor: Extractor) -> None:
    text = ("  Ruth Alden, the minister, said: ‘We are on time.’\r\n"
            "‘Costs are under control,’ she added. Peter Crane said that was “nonsense”.\n")
    doc = extractor(text, doc_id="case")
    assert doc.quotes, "no quotes found"
    for q in doc.quotes:
        for span in (q.content, q.cue, q.source, q.channel):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start:span.end] == span.text
    assert with_content(doc.quotes, "We are on time").speaker.name == "Ruth Alden"


# --------------------------------------------------------------------------- found on the gold set


@pytest.mark.parametrize("text", [
    "The housing minister, Priya Castellan, rejected the criticism.",
    "Tallis's attorney, Brian Kowalczyk, said his client would appeal.",
    "The district’s transportation director, Kevin Moss, warned that the buses would be late.",
], ids=["the_x_comma_name", "possessive_name_comma", "curly_possessive_name_comma"])
def test_role_apposition_before_the_name_gives_the_name(extractor: Extractor, text: str) -> None:
    q = only(run(extractor, text))
    name = text.split(", ")[1]
    assert q.speaker.name == name
    assert q.speaker.type == "person"
    assert_source_holds(q, name)


def test_called_on_after_possessive_apposition(extractor: Extractor) -> None:
    text = "The victim’s sister, Carol Denholm, called on the force to apologise in person."
    q = only(run(extractor, text))
    assert cue_of(q) == "called on"
    assert core(q.content.text) == "the force to apologise in person"
    assert q.speaker.name == "Carol Denholm"


def test_role_noun_resolves_to_a_name_introduced_with_that_title(extractor: Extractor) -> None:
    text = ("Superintendent Dr. Alicia Brennan said the new timetable would start in the fall.\n\n"
            "The superintendent insisted that every campus would offer supervision before school.")
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    q = with_content(quotes, "that every campus would offer supervision before school")
    assert q.speaker.name == "Alicia Brennan"


def test_the_minister_is_not_the_shadow_minister(extractor: Extractor) -> None:
    text = ("Imogen Thwaite, the transport secretary, said fares would be frozen.\n"
            "Rhodri Pellow, the shadow transport secretary, said the freeze was a gimmick.\n"
            "The minister insisted the freeze was affordable.")
    quotes = run(extractor, text)
    assert with_content(quotes, "the freeze was affordable").speaker.name == "Imogen Thwaite"


def test_mixed_quote_with_full_stop_inside_the_closing_mark(extractor: Extractor) -> None:
    text = ('Sen. Loretta Haines tweeted that the bill was "the most important thing I will '
            'work on this year."')
    q = only(run(extractor, text))
    assert q.kind == "mixed"
    assert cue_of(q) == "tweeted"
    assert core(q.content.text) == ('that the bill was "the most important thing I will work on '
                                    "this year")


def test_statement_with_apposition_and_quoted_fragment(extractor: Extractor) -> None:
    text = ("The Pharmaceutical Access Council, an industry group, said in a statement that the "
            'cap would "stifle innovation."')
    q = only(run(extractor, text))
    assert cue_of(q) == "said"
    assert core(q.content.text) == 'that the cap would "stifle innovation'
    assert q.kind == "mixed"
    assert q.channel is not None and q.channel.text == "a statement"
    assert q.speaker.type == "organization"
    assert q.speaker.name == "Pharmaceutical Access Council"


def test_channel_stops_before_a_time_expression(extractor: Extractor) -> None:
    text = "A spokesman for the district said in a statement Friday that details would follow."
    q = only(run(extractor, text))
    assert q.channel is not None and q.channel.text == "a statement"
    assert q.content.text == "that details would follow"


@pytest.mark.parametrize("text", [
    "The minister told MPs that the ban would start in June.",
    "Evelyn Marsh told reporters that her office would appeal.",
    "The barrister told the court that his client had been misled.",
], ids=["MPs", "reporters", "the_court"])
def test_an_addressee_is_the_channel(extractor: Extractor, text: str) -> None:
    # The extraction contract: channel is "the medium or addressee the text names".
    q = only(run(extractor, text))
    assert cue_of(q) == "told"
    addressee = text.split("told ", 1)[1].split(" that", 1)[0]
    assert q.channel is not None and q.channel.text == addressee, describe([q])


def test_confirmed_and_said_are_two_attributions(extractor: Extractor) -> None:
    text = ("A spokeswoman for the agency confirmed the change but said the new deadline was "
            "realistic.")
    quotes = run(extractor, text)
    assert len(quotes) == 2, describe(quotes)
    assert cue_of(with_content(quotes, "the change")) == "confirmed"
    assert cue_of(with_content(quotes, "the new deadline was realistic")) == "said"


@pytest.mark.parametrize(("text", "content"), [
    ("Maggie Foyle said that residents felt ‘completely ignored’.",
     "that residents felt ‘completely ignored’"),
    ('Patricia Lindqvist tweeted that the utility had "known for years" that its lines were '
     "unsafe.", 'that the utility had "known for years" that its lines were unsafe'),
], ids=["felt", "known"])
def test_feeling_and_knowing_inside_speech_are_not_attributions(extractor: Extractor, text: str,
                                                                 content: str) -> None:
    q = only(run(extractor, text))
    assert core(q.content.text) == core(content)


def test_quoted_film_title_in_double_quotes_is_not_attributed(extractor: Extractor) -> None:
    text = ('Some of the money went toward a documentary, "The Last Honest Banker," which was '
            "never released.")
    assert run(extractor, text) == []


def test_called_after_a_nested_claim_belongs_to_the_outer_speaker(extractor: Extractor) -> None:
    text = ("Martin Oyelaran runs the utility.\n\n"
            "He said that Patricia Lindqvist had claimed the company ignored its engineers, "
            'and called the allegation "flatly untrue."')
    quotes = run(extractor, text)
    assert len(quotes) == 3, describe(quotes)
    called = [q for q in quotes if cue_of(q) == "called"]
    assert len(called) == 1, describe(quotes)
    assert called[0].speaker.name == "Martin Oyelaran"
    assert core(called[0].content.text) == 'the allegation "flatly untrue'
    assert with_content(quotes, "the company ignored its engineers").speaker.name \
        == "Patricia Lindqvist"


def test_empty_quotation_marks_are_no_quote() -> None:
    from saidwhat.pipeline.quotes import find_quotes

    assert find_quotes("“ ” she said.\n") == []


@pytest.mark.parametrize("text", [
    "Jane Doe: We will win the seat back.\r\nMore text here.\r\n",
    "Mark Reyes said the plan was ‘a disgrace\r\nThe vote is on Monday.\r\n",
], ids=["name_colon", "unclosed_quote"])
def test_crlf_line_endings_stay_out_of_content(extractor: Extractor, text: str) -> None:
    quotes = run(extractor, text)
    assert quotes, describe(quotes)
    for q in quotes:
        assert "\r" not in q.content.text
        assert text[q.content.start:q.content.end] == q.content.text


def test_spans_keep_the_original_no_break_spaces(extractor: Extractor) -> None:
    # The parser sees no-break spaces as plain ones; every span's text comes from the input.
    text = "Senator\u00a0Jane Doe said the\u00a0plan would fail.\n"
    q = only(run(extractor, text))
    for span in (q.content, q.cue, q.source):
        assert span is not None and span.text == text[span.start:span.end]
    assert "\u00a0" in q.source.text and "\u00a0" in q.content.text
