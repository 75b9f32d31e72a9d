"""Each attribution stage on its own, over small parsed documents."""

from __future__ import annotations

import dataclasses

import pytest

from saidwhat import Extractor
from saidwhat.lang import Labels, english
from saidwhat.model import Speaker
from saidwhat.pipeline import DocContext
from saidwhat.pipeline.candidates import Candidate
from saidwhat.pipeline.cues import find_cue_near, find_cues, subject_of
from saidwhat.pipeline.merge import TextOrderMerge
from saidwhat.pipeline.resolve import RuleResolver, SpeakerResolver
from saidwhat.pipeline.sources import CueSpeech, DirectQuotes, NameColon
from saidwhat.settings import Settings


@pytest.fixture()
def ctx(extractor: Extractor):
    """A DocContext for a text, as the pipeline builds it (quotes found and classified)."""
    def make(text: str, settings: Settings | None = None) -> DocContext:
        pipe = extractor.attribution
        if settings is not None:
            pipe = dataclasses.replace(pipe, settings=settings)
        return pipe.context(extractor.nlp(text), "t")
    return make


def texts(doc: DocContext, cands: list[Candidate]) -> list[str]:
    return [doc.text[slice(*c.content)] for c in cands]


# -- quotes ---------------------------------------------------------------------------

def test_whole_quotations_and_fragments_are_told_apart(ctx) -> None:
    doc = ctx("‘We will not be moved,’ she said.\n"
              "The minister called the plan ‘pathetic’ on Monday.\n")
    assert [doc.text[q.start:q.end] for q in doc.full_quotes] == ["We will not be moved,"]
    assert [doc.text[q.start:q.end] for q in doc.fragments] == ["pathetic"]
    assert doc.full_index.containing(doc.full_quotes[0].start) == 1


def test_full_quote_minimum_is_a_setting(ctx) -> None:
    text = "Jane Doe spoke.\n“Never again,” she said.\n"
    assert len(ctx(text).full_quotes) == 1  # ends in a comma: speech
    short = "Jane Doe spoke.\n“Never again”\n"
    assert ctx(short).full_quotes == []
    assert len(ctx(short, Settings(full_quote_min_words=2)).full_quotes) == 1


# -- candidate sources -----------------------------------------------------------------

def test_direct_quotes_find_the_cue_beside_the_marks(ctx) -> None:
    doc = ctx("‘We will not be moved,’ said Jane Doe. ‘Not now, not ever.’\n")
    cands = DirectQuotes()(doc, ())
    assert texts(doc, cands) == ["We will not be moved,", "Not now, not ever."]
    first, second = cands
    assert first.verb is not None and first.verb.text == "said"
    assert first.source is not None and first.source.text == "Doe"
    assert first.provenance == "direct_quotes" and first.confidence == 1.0
    assert second.verb is not None and second.verb.i == first.verb.i  # the same cue


def test_the_cue_window_is_a_setting(ctx) -> None:
    text = "‘We will not be moved,’ the long-serving and widely respected Jane Doe said.\n"
    doc = ctx(text)
    q = doc.full_quotes[0]
    assert find_cue_near(doc.sdoc, q.open_start, q.close_end, "right", doc.lang,
                         doc.settings) is not None
    narrow = Settings(cue_tokens_after=3)
    assert find_cue_near(doc.sdoc, q.open_start, q.close_end, "right", doc.lang,
                         narrow) is None


def test_a_name_and_colon_introduce_a_quotation(ctx) -> None:
    doc = ctx("Pollster Jane Doe: ‘The race is tighter than it looks.’\n")
    cands = DirectQuotes()(doc, ())
    assert texts(doc, cands) == ["The race is tighter than it looks."]
    assert cands[0].cue is not None and cands[0].cue[0].text == ":"
    assert cands[0].source is not None and cands[0].source.text == "Doe"


def test_cue_speech_finds_indirect_speech_and_defers_to_earlier_sources(ctx) -> None:
    doc = ctx("The council said that the plan would cost more than expected.\n")
    cands = CueSpeech()(doc, ())
    assert texts(doc, cands) == ["that the plan would cost more than expected"]
    assert cands[0].kind == "indirect" and cands[0].cue_class == "speech"
    # a cue verb that an earlier source used proposes nothing more
    assert CueSpeech()(doc, cands) == []


def test_according_to_is_a_cue(ctx) -> None:
    doc = ctx("According to the police, the driver was not hurt in the crash.\n")
    cands = CueSpeech()(doc, ())
    assert texts(doc, cands) == ["the driver was not hurt in the crash"]
    assert cands[0].source is not None and cands[0].source.text == "police"


def test_name_colon_lines(ctx) -> None:
    doc = ctx("Jane Doe: We will win this election\n")
    cands = NameColon()(doc, ())
    assert texts(doc, cands) == ["We will win this election"]
    assert cands[0].source_extent == (0, 2)
    # text already taken by an earlier source is not proposed again
    assert NameColon()(doc, cands) == []


# -- merge ------------------------------------------------------------------------------

def _cand(content: tuple[int, int], provenance: str, confidence: float = 1.0,
          verb=None) -> Candidate:
    return Candidate("indirect", content, None, verb, None, 0, provenance=provenance,
                     confidence=confidence)


def test_merge_sorts_by_text_order_and_keeps_one_per_span(ctx) -> None:
    doc = ctx("The council said that the plan would cost more.\n")
    merged = TextOrderMerge()(doc, [_cand((10, 20), "a"), _cand((0, 5), "a"),
                                    _cand((10, 20), "b", 0.5), _cand((0, 5), "b", 0.9)])
    assert [(c.content, c.provenance) for c in merged] == [((0, 5), "a"), ((10, 20), "a")]
    # the more confident proposal wins
    merged = TextOrderMerge()(doc, [_cand((0, 5), "a", 0.3), _cand((0, 5), "b", 0.9)])
    assert [c.provenance for c in merged] == ["b"]


def test_merge_keeps_one_candidate_per_cue_verb_across_sources(ctx) -> None:
    doc = ctx("The council said that the plan would cost more.\n")
    said = doc.sdoc[2]
    merged = TextOrderMerge()(doc, [_cand((0, 5), "a", verb=said), _cand((6, 9), "a", verb=said),
                                    _cand((10, 20), "b", 0.5, verb=said)])
    # one source may use a verb twice ("‘A,’ she said, ‘B.’"); another source may not
    assert [(c.content, c.provenance) for c in merged] == [((0, 5), "a"), ((6, 9), "a")]
    off = TextOrderMerge(one_per_cue=False)(doc, [_cand((0, 5), "a", verb=said),
                                                  _cand((10, 20), "b", 0.5, verb=said)])
    assert len(off) == 2


# -- resolution ------------------------------------------------------------------------

def test_rule_resolver_sees_the_whole_document(ctx) -> None:
    doc = ctx("Jane Doe, the housing minister, spoke on Monday. "
              "She said that the plan would cost more.\n")
    cands = CueSpeech()(doc, ())
    entities = RuleResolver()(doc, cands)
    assert cands[0].speaker is not None and cands[0].speaker.name == "Jane Doe"
    assert cands[0].mention is not None and cands[0].mention.text == "She"
    assert [e.name for e in entities] == ["Jane Doe"]


def test_a_candidate_without_any_source_is_dropped(ctx) -> None:
    doc = ctx("It was a cold day in the town.\n")
    cand = Candidate("direct", (0, 5), None, None, None, 0, provenance="x")
    RuleResolver()(doc, [cand])
    assert cand.speaker is None


def test_speaker_resolver_folds_names(ctx) -> None:
    doc = ctx("James O’Neill, the commissioner, arrived. O'Neill said the street was safe.\n")
    resolver = SpeakerResolver(doc.sdoc, doc.text, doc.lang, doc.settings)
    said = next(t for t in doc.sdoc if t.text == "said")
    speaker, _ = resolver.resolve(subject_of(said, doc.lang), said)
    assert isinstance(speaker, Speaker) and speaker.name == "James O’Neill"


# -- the language pack is what the rules read --------------------------------------------

def test_dependency_labels_come_from_the_language_pack(ctx) -> None:
    doc = ctx("The council said that the plan would cost more than expected.\n")
    said = doc.sdoc[2]
    assert subject_of(said, doc.lang) is not None
    other = dataclasses.replace(english(), labels=Labels(nsubj="sb"))
    assert subject_of(said, other) is None
    cues = find_cues(doc.sdoc, lang=other)
    assert cues and all(c.source is None for c in cues)


def test_cue_verbs_come_from_the_language_pack(ctx) -> None:
    doc = ctx("The council said that the plan would cost more than expected.\n")
    en = english()
    lexicons = dataclasses.replace(en.lexicons, cues={})
    assert find_cues(doc.sdoc, lang=en)
    assert find_cues(doc.sdoc, lang=dataclasses.replace(en, lexicons=lexicons)) == []
