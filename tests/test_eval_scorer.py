"""The scorer's rules, pinned on hand-made documents (docs/gold-format.md, "Scoring rules")."""

from __future__ import annotations

import json

import pytest

from saidwhat.evaluation import GoldAttribution, GoldDocument, evaluate, names_match
from saidwhat.evaluation.scorer import DocIndex, token_f1
from saidwhat.model import Document, Quote, Speaker, TextSpan

TEXT = ('Mayor Ana Ruiz said the ferry would run again in June. '
        '"We are ready for the summer," she told reporters on Monday. '
        'Harbour workers warned that the pier was unsafe.')


def at(text: str, s: str, occurrence: int = 1) -> tuple[int, int]:
    i = -1
    for _ in range(occurrence):
        i = text.index(s, i + 1)
    return (i, i + len(s))


def gold_attr(text: str, content: str | list[str], cue: str | None = None,
              source: str | None = None, kind: str = "indirect",
              speaker: Speaker | None = None) -> GoldAttribution:
    parts = [content] if isinstance(content, str) else content
    return GoldAttribution(content=tuple(at(text, p) for p in parts),
                           cue=(at(text, cue),) if cue else (),
                           source=(at(text, source),) if source else (),
                           kind=kind, kind_given=True, speaker=speaker)  # type: ignore[arg-type]


def quote(text: str, content: str, cue: str | None = None, source: str | None = None,
          kind: str = "indirect", speaker: str | None = None, qid: str = "q1") -> Quote:
    def ts(s: str | None) -> TextSpan | None:
        return TextSpan.of(text, *at(text, s)) if s else None

    c = ts(content)
    assert c is not None
    return Quote(id=qid, kind=kind, content=c, cue=ts(cue), source=ts(source),  # type: ignore[arg-type]
                 speaker=Speaker(name=speaker, type="person" if speaker else "unknown"))


def gold_doc(attrs: list[GoldAttribution], text: str = TEXT, doc_id: str = "d1") -> GoldDocument:
    return GoldDocument(doc_id=doc_id, text=text, attributions=attrs)


def three_gold() -> GoldDocument:
    return gold_doc([
        gold_attr(TEXT, "the ferry would run again in June", "said", "Mayor Ana Ruiz",
                  speaker=Speaker("Ana Ruiz", "person")),
        gold_attr(TEXT, "We are ready for the summer,", "told", "she", kind="direct",
                  speaker=Speaker("Ana Ruiz", "person")),
        gold_attr(TEXT, "the pier was unsafe", "warned", "Harbour workers",
                  speaker=Speaker(None, "anonymous")),
    ])


def three_pred() -> Document:
    return Document("d1", TEXT, [
        quote(TEXT, "the ferry would run again in June", "said", "Mayor Ana Ruiz", speaker="Ana Ruiz"),
        quote(TEXT, "We are ready for the summer,", "told", "she", kind="direct", speaker="Ana Ruiz",
              qid="q2"),
        quote(TEXT, "the pier was unsafe", "warned", "Harbour workers", qid="q3"),
    ])


def test_predictions_equal_to_gold_score_one() -> None:
    r = evaluate([three_gold()], [three_pred()])
    for name in ("attribution.strict", "content.exact", "content.overlap", "content.token",
                 "content.soft", "source.exact", "cue.exact"):
        c = r.micro(name)
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0), name
    assert r.targets() == {"attribution_f1": 1.0, "content_token_f1": 1.0, "source_exact_f1": 1.0,
                           "content_exact_f1": 1.0, "cue_exact_f1": 1.0}
    assert r.speaker()["accuracy"] == 1.0  # type: ignore[index]
    assert r.errors() == []


def test_empty_predictions_score_zero() -> None:
    r = evaluate([three_gold()], [Document("d1", TEXT, [])])
    for name in ("attribution.strict", "content.exact", "content.token", "source.exact"):
        c = r.micro(name)
        assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)
        assert c.n_gold > 0 and c.n_pred == 0
    assert r.speaker()["end_to_end"] == 0.0  # type: ignore[index]
    # a missing prediction record counts the same, and says so
    r2 = evaluate([three_gold()], [])
    assert r2.micro("attribution.strict").recall == 0.0
    assert any("no prediction" in p for p in r2.problems)


def test_exact_versus_token_overlap() -> None:
    gold = gold_doc([gold_attr(TEXT, "the ferry would run again in June", "said", "Mayor Ana Ruiz")])
    # the prediction drops "in June": 5 of 7 gold tokens
    pred = Document("d1", TEXT, [quote(TEXT, "the ferry would run again", "said", "Ana Ruiz")])
    r = evaluate([gold], [pred])
    assert r.micro("content.exact").f1 == 0.0
    assert r.micro("content.overlap").f1 == 1.0
    assert r.micro("content.soft").tp == pytest.approx(2 * 5 / (7 + 5))
    tok = r.micro("content.token")
    assert (tok.tp, tok.n_gold, tok.n_pred) == (5, 7, 5)
    # "Ana Ruiz" inside "Mayor Ana Ruiz": not exact, token-F1 0.8, and it overlaps the gold source
    assert r.micro("source.exact").f1 == 0.0
    assert r.micro("source.overlap").f1 == 1.0
    assert r.micro("attribution.strict").f1 == 1.0


def test_overlap_below_half_is_no_match_but_counts_at_loose_threshold() -> None:
    gold = gold_doc([gold_attr(TEXT, "the ferry would run again in June", "said", "Mayor Ana Ruiz")])
    # 3 of 7 tokens: token-F1 = 6/10 = 0.6 -> "the ferry would" ; 2 tokens: 4/9 = 0.44
    pred = Document("d1", TEXT, [quote(TEXT, "the ferry", "said", "Mayor Ana Ruiz")])
    r = evaluate([gold], [pred])
    assert r.micro("content.overlap").tp == 0
    assert r.micro("content.loose").tp == 1
    assert r.micro("attribution.strict").tp == 0
    assert [e.cause for e in r.errors() if e.type == "miss"] == ["wrong boundary"]


def test_surrounding_quotation_marks_and_punctuation_are_ignored_for_exact_match() -> None:
    text = 'He said: “We will not close the school.” Then he left.'
    gold = gold_doc([gold_attr(text, "“We will not close the school.”", "said", "He", kind="direct")],
                    text=text)
    pred = Document("d1", text, [quote(text, "We will not close the school", "said", "He", kind="direct")])
    r = evaluate([gold], [pred])
    assert r.micro("content.exact").f1 == 1.0
    # straight quotes and `` '' too
    text2 = "She said ``we are done'' yesterday."
    gold2 = gold_doc([gold_attr(text2, "``we are done''", "said", "She")], text=text2, doc_id="d2")
    pred2 = Document("d2", text2, [quote(text2, "we are done", "said", "She")])
    assert evaluate([gold2], [pred2]).micro("content.exact").f1 == 1.0


def test_discontinuous_gold_content() -> None:
    text = '"The roads are closed," the officer said, "and the schools too."'
    gold = gold_doc([gold_attr(text, ["The roads are closed,", "and the schools too."], "said",
                               "the officer", kind="direct")], text=text)
    # the prediction finds only the first part: 4 of 8 tokens, token-F1 = 8/12
    first = Document("d1", text, [quote(text, "The roads are closed,", "said", "the officer")])
    r = evaluate([gold], [first])
    assert r.micro("content.exact").tp == 0
    assert r.micro("content.soft").tp == pytest.approx(8 / 12)
    assert r.micro("attribution.strict").tp == 1
    tok = r.micro("content.token")
    assert (tok.tp, tok.n_gold, tok.n_pred) == (4, 8, 4)
    # one span over both parts also holds "the officer said": 8 of 11 tokens are gold
    whole = Document("d1", text, [Quote("q1", "direct", TextSpan.of(text, 1, len(text) - 1))])
    tok2 = evaluate([gold], [whole]).micro("content.token")
    assert (tok2.tp, tok2.n_gold, tok2.n_pred) == (8, 8, 11)


def test_parts_separated_only_by_quotes_compare_as_one_span() -> None:
    text = 'It is "fixed" "for good" now.'
    idx = DocIndex(text)
    two = (at(text, "fixed"), at(text, "for good"))
    assert idx.normalise(two) == ((at(text, "fixed")[0], at(text, "for good")[1]),)
    assert idx.normalise((at(text, '"fixed" "for good"'),)) == idx.normalise(two)


def test_gold_without_source() -> None:
    text = "The plant will reportedly close in May. Officials denied it."
    gold = gold_doc([gold_attr(text, "The plant will", "reportedly")], text=text)
    no_source = Document("d1", text, [quote(text, "The plant will", "reportedly")])
    with_source = Document("d1", text, [quote(text, "The plant will", "reportedly", "Officials")])
    assert evaluate([gold], [no_source]).micro("attribution.strict").f1 == 1.0
    r = evaluate([gold], [with_source])
    assert r.micro("attribution.strict").tp == 0
    assert r.micro("attribution.content").tp == 1
    assert "source.exact" in r.metric_names
    assert r.micro("source.exact").n_gold == 0 and r.micro("source.exact").n_pred == 1


def test_one_prediction_cannot_match_two_gold_attributions() -> None:
    text = "Ruiz said prices rose sharply and wages fell slowly."
    gold = gold_doc([gold_attr(text, "prices rose sharply", "said", "Ruiz"),
                     gold_attr(text, "wages fell slowly", "said", "Ruiz")], text=text)
    # 7 tokens over both: token-F1 with each gold = 6/10 >= 0.5
    pred = Document("d1", text, [quote(text, "prices rose sharply and wages fell slowly", "said", "Ruiz")])
    r = evaluate([gold], [pred])
    c = r.micro("attribution.strict")
    assert (c.tp, c.precision, c.recall) == (1, 1.0, 0.5)
    assert r.micro("content.overlap").tp == 1
    assert r.micro("cue.exact").tp == 1  # two gold cues are the same "said": one matched


def test_one_to_one_prefers_the_better_pair() -> None:
    text = "Ruiz said prices rose sharply in the spring and wages fell."
    gold = gold_doc([gold_attr(text, "prices rose sharply in the spring", "said", "Ruiz"),
                     gold_attr(text, "prices rose sharply", "said", "Ruiz")], text=text)
    pred = Document("d1", text, [quote(text, "prices rose sharply", "said", "Ruiz")])
    r = evaluate([gold], [pred])
    assert [(m.gold, m.pred) for m in r.docs[0].attribution_matches] == [(1, 0)]


def test_speaker_names_compare_normalised() -> None:
    assert names_match("Ana Ruiz", "Sen. Ana Ruiz")
    assert names_match("Ana Ruiz", "ANA RUÍZ")
    assert names_match("Ana Ruiz", "Ruiz")  # last names match
    assert names_match("Robert Hale Jr.", "Robert Hale")
    assert not names_match("Ana Ruiz", "Ana Lopez")
    assert not names_match("Ana Ruiz", None)
    assert names_match("the Sierra Club", "Sierra Club", "organization")
    assert not names_match("Sierra Club", "Country Club", "organization")


def test_speaker_accuracy_counts_found_contents_only() -> None:
    pred = three_pred()
    pred.quotes[1].speaker = Speaker("Ana Lopez", "person")  # "she" resolved wrongly
    pred.quotes.pop(0)  # the first quote is not found at all
    r = evaluate([three_gold()], [pred])
    sp = r.speaker()
    assert sp is not None
    assert (sp["gold_named"], sp["found"], sp["correct"]) == (2, 1, 0)
    # type accuracy: the anonymous "Harbour workers" was predicted as unknown
    assert (sp["type_found"], sp["type_correct"]) == (2, 1)
    causes = {(e.type, e.cause) for e in r.errors()}
    assert ("speaker", "unresolved pronoun") in causes
    assert ("miss", "no cue found") in causes


def test_per_kind_breakdown() -> None:
    pred = three_pred()
    pred.quotes = [pred.quotes[1]]  # only the direct quote
    pk = evaluate([three_gold()], [pred]).per_kind()
    assert pk["direct"]["recall"] == 1.0 and pk["direct"]["precision"] == 1.0
    assert pk["indirect"]["n_gold"] == 2 and pk["indirect"]["recall"] == 0.0
    assert pk["mixed"]["n_gold"] == 0


def test_micro_and_macro_differ() -> None:
    text2 = "Lee said rents rose. Kim said taxes fell. Poe said fares rose."
    g1 = three_gold()
    g1.attributions = g1.attributions[:1]
    g2 = gold_doc([gold_attr(text2, "rents rose", "said", "Lee"),
                   gold_attr(text2, "taxes fell", "said", "Kim"),
                   gold_attr(text2, "fares rose", "said", "Poe")], text=text2, doc_id="d2")
    p1 = three_pred()
    p1.quotes = p1.quotes[:1]
    r = evaluate([g1, g2], [p1, Document("d2", text2, [])])
    assert r.micro("attribution.strict").recall == 0.25
    assert r.macro("attribution.strict")["recall"] == 0.5  # type: ignore[index]


def test_error_causes() -> None:
    text = "Ruiz said the dam held. He added that it was safe. The sky was blue, Ruiz noted."
    gold = gold_doc([gold_attr(text, "the dam held", "said", "Ruiz"),
                     gold_attr(text, "it was safe", "added", "He")], text=text)
    pred = Document("d1", text, [
        quote(text, "the dam held", "said", None, qid="q1"),  # source missing
        quote(text, "The sky was blue", "noted", "Ruiz", qid="q2"),  # not in gold
    ])
    items = evaluate([gold], [pred]).errors()
    got = sorted((e.type, e.cause, e.content) for e in items)
    assert got == [("false_positive", "spurious", "The sky was blue"),
                   ("false_positive", "wrong speaker", "the dam held"),
                   ("miss", "no cue found", "it was safe"),
                   ("miss", "wrong speaker", "the dam held")]
    miss = next(e for e in items if e.cause == "no cue found")
    assert "[[it was safe]]" in miss.context and miss.context.startswith("He added")


def test_prediction_on_another_text_is_left_out_and_reported() -> None:
    other = "Completely different text, long enough to hold the offsets of the gold quotes here."
    pred = Document("d1", other, [quote(other, "different text")])
    r = evaluate([three_gold()], [pred])
    assert r.docs == []
    assert any("differs" in p for p in r.problems)
    # span text that differs from the text only in whitespace is accepted
    nbsp = TEXT.replace("Mayor Ana", "Mayor\u00a0Ana")
    spaced = Document("d1", "", [Quote("q1", "direct", TextSpan.of(TEXT, 0, 14))])
    assert evaluate([gold_doc([], text=nbsp)], [spaced]).problems == []
    bad_offsets = Document("d1", "", [Quote("q1", "direct", TextSpan(0, 5, "xxxxx"))])
    r2 = evaluate([three_gold()], [bad_offsets])
    assert r2.docs == [] and any("do not cover" in p for p in r2.problems)


def test_report_outputs() -> None:
    r = evaluate([three_gold()], [three_pred()])
    d = json.loads(json.dumps(r.to_dict(errors=True)))
    assert d["targets"]["attribution_f1"] == 1.0
    assert d["micro"]["content.token"]["f1"] == 1.0
    assert d["per_doc"][0]["doc_id"] == "d1" and d["errors"] == []
    table = r.table()
    assert "attribution F1" in table and "source exact-span F1" in table
    assert "content token-overlap F1" in table


def test_token_f1() -> None:
    assert token_f1(frozenset({1, 2}), frozenset({2, 3})) == 0.5
    assert token_f1(frozenset(), frozenset({1})) == 0.0
    # a cue without word characters still matches itself
    idx = DocIndex("WALLACE: fine")
    colon = ((7, 8),)
    assert token_f1(idx.tokens(colon), idx.tokens(colon)) == 1.0
    assert idx.normalise(colon) == colon  # and can match exactly


def test_punctuation_only_cue_matches_exactly() -> None:
    text = "WALLACE: Where were you? PENCE: At home."
    gold = gold_doc([gold_attr(text, "Where were you?", ":", "WALLACE")], text=text)
    pred = Document("d1", text, [quote(text, "Where were you", ":", "WALLACE")])
    r = evaluate([gold], [pred])
    assert r.micro("cue.exact").tp == 1 and r.micro("content.exact").tp == 1
