"""Speaker accuracy by gold source mention type, and speaker errors grouped by kind."""

from __future__ import annotations

import json

import pytest

from saidwhat.evaluation import GoldAttribution, GoldDocument, Report, evaluate
from saidwhat.evaluation.mentions import MENTION_TYPES, mention_type
from saidwhat.model import Document, Quote, Speaker, TextSpan

RUIZ = Speaker("Ana Ruiz", "person")


@pytest.mark.parametrize(("source", "speaker", "expected"), [
    ("Mayor Ana Ruiz", RUIZ, "name"),
    ("Ruiz", RUIZ, "name"),
    ("she", RUIZ, "pronoun"),
    ("They", None, "pronoun"),
    ("who", None, "pronoun"),  # relative pronouns are not in pronouns.tsv
    ("Mr. King", None, "name"),  # "king" is a role noun, but not after a title
    ("We", Speaker("Harbour Union", "organization"), "pronoun"),
    ("the mayor", RUIZ, "role noun"),
    ("The minister", RUIZ, "role noun"),  # a capitalised "The" is no name
    ("Health Minister", RUIZ, "role noun"),  # capitalised, but none of the gold name's words
    ("the fire chief", Speaker(None, "person"), "role noun"),
    ("Residents", None, "role noun"),  # sentence-initial plural of a role noun
    ("the company", Speaker("Granite Ridge", "organization"), "role noun"),
    ("Granite Ridge Aggregates", Speaker("Granite Ridge Aggregates", "organization"), "organisation"),
    ("a source", Speaker(None, "anonymous"), "anonymous"),
    ("Senior managers at Port Elvin Hospital", Speaker(None, "anonymous"), "anonymous"),
    ("officials", None, "anonymous"),  # no gold type: the anonymous-source lexicon
    ("", RUIZ, "none"),
    (None, None, "none"),
])
def test_mention_type(source: str | None, speaker: Speaker | None, expected: str) -> None:
    assert expected in MENTION_TYPES
    assert mention_type(source, speaker) == expected


TEXT = ('Mayor Ana Ruiz said the ferry would run again in June. '
        '"We are ready for the summer," she told reporters. '
        'The harbour master said the pier was unsafe. '
        'Officials said fares would rise. '
        'The Harbour Union said it would strike. '
        '"It is a scandal."')


def at(s: str) -> tuple[int, int]:
    i = TEXT.index(s)
    return (i, i + len(s))


def gold(content: str, source: str | None, speaker: Speaker) -> GoldAttribution:
    return GoldAttribution(content=(at(content),), source=(at(source),) if source else (),
                           cue=(), speaker=speaker, kind="indirect", kind_given=True)


def pred(content: str, source: str | None, name: str | None, stype: str, qid: str) -> Quote:
    return Quote(id=qid, kind="indirect", content=TextSpan.of(TEXT, *at(content)),
                 source=TextSpan.of(TEXT, *at(source)) if source else None,
                 speaker=Speaker(name=name, type=stype))  # type: ignore[arg-type]


def scored() -> Report:
    g = GoldDocument("d1", TEXT, [
        gold("the ferry would run again in June", "Mayor Ana Ruiz", RUIZ),  # name: right
        gold("We are ready for the summer,", "she", RUIZ),  # pronoun: wrong person
        gold("the pier was unsafe", "The harbour master", Speaker("Ian Cole", "person")),  # role noun: missing
        gold("fares would rise", "Officials", Speaker(None, "anonymous")),  # anonymous: type wrong
        gold("it would strike", "The Harbour Union", Speaker("Harbour Union", "organization")),
        gold("It is a scandal.", None, Speaker("Harbour Union", "organization")),  # none: not found
    ])
    p = Document("d1", TEXT, [
        pred("the ferry would run again in June", "Mayor Ana Ruiz", "Ana Ruiz", "person", "q1"),
        pred("We are ready for the summer,", "she", "Ian Cole", "person", "q2"),
        pred("the pier was unsafe", "The harbour master", None, "unknown", "q3"),
        pred("fares would rise", "Officials", None, "person", "q4"),
        pred("it would strike", "The Harbour Union", "Harbour Union", "organization", "q5"),
    ])
    return evaluate([g], [p])


def test_speaker_accuracy_by_mention_type() -> None:
    bm = scored().speaker_by_mention()
    assert list(bm) == list(MENTION_TYPES)
    assert bm["name"]["n"] == 1 and bm["name"]["name_accuracy"] == 1.0
    assert (bm["pronoun"]["name_correct"], bm["pronoun"]["name_found"]) == (0, 1)
    assert bm["pronoun"]["type_accuracy"] == 1.0
    assert bm["role noun"]["name_accuracy"] == 0.0 and bm["role noun"]["type_accuracy"] == 0.0
    anon = bm["anonymous"]
    assert (anon["n"], anon["name_found"], anon["name_accuracy"]) == (1, 0, None)
    assert anon["type_accuracy"] == 0.0 and anon["source_accuracy"] == 1.0
    assert bm["organisation"]["name_accuracy"] == 1.0
    assert (bm["none"]["n"], bm["none"]["found"], bm["none"]["name_accuracy"]) == (1, 0, None)
    # the per-type counts add up to the overall speaker numbers
    r = scored()
    sp = r.speaker()
    assert sp is not None
    assert sum(row["name_found"] for row in bm.values()) == sp["found"] == 4
    assert sum(row["name_correct"] for row in bm.values()) == sp["correct"] == 2
    assert sum(row["type_correct"] for row in bm.values()) == sp["type_correct"]


def test_json_and_table_carry_the_breakdown() -> None:
    r = scored()
    d = json.loads(json.dumps(r.to_dict(errors=True)))
    assert d["speaker_by_mention"]["pronoun"]["name_accuracy"] == 0.0
    assert "speaker" in d and "errors" in d  # the existing keys stay
    assert d["speaker_errors"] == {"wrong name: pronoun → wrong person": 1,
                                   "missing speaker: role noun": 1,
                                   "wrong type: person → unknown": 1,
                                   "wrong type: anonymous → person": 1}
    assert [e["speaker_error"] for e in d["speaker_type_errors"]] == [
        "wrong type: person → unknown", "wrong type: anonymous → person"]
    table = r.table()
    assert "By gold source mention type" in table
    assert any(line.split()[:3] == ["pronoun", "1", "1"] for line in table.splitlines())


def test_errors_are_grouped_by_speaker_error_kind() -> None:
    r = scored()
    kinds = {(e.type, e.speaker_error) for e in r.all_errors() if e.speaker_error}
    assert kinds == {("speaker", "wrong name: pronoun → wrong person"),
                     ("speaker", "missing speaker: role noun"),
                     ("speaker_type", "wrong type: person → unknown"),
                     ("speaker_type", "wrong type: anonymous → person")}
    listing = r.errors_table()
    assert "== speaker: wrong name: pronoun → wrong person (1)" in listing
    assert "== speaker: missing speaker: role noun (1)" in listing
    assert "== speaker_type: wrong type: anonymous → person (1)" in listing
    assert "[[We are ready for the summer,]]" in listing  # an example in context
    # the existing causes are kept on the same items
    pronoun = next(e for e in r.errors() if e.speaker_error.startswith("wrong name"))
    assert (pronoun.cause, pronoun.mention) == ("unresolved pronoun", "pronoun")


def test_gold_without_speakers_reports_source_accuracy_only() -> None:
    g = GoldDocument("d1", TEXT, [gold("the pier was unsafe", "The harbour master", RUIZ)],
                     annotated=frozenset({"content", "cue", "source", "channel"}))
    p = Document("d1", TEXT, [pred("the pier was unsafe", "The harbour master", None, "unknown", "q1")])
    r = evaluate([g], [p])
    row = r.speaker_by_mention()["role noun"]
    assert (row["n"], row["name_accuracy"], row["type_accuracy"], row["source_accuracy"]) == (
        1, None, None, 1.0)
    assert "speakers not annotated: source overlap only" in r.table()
    assert r.speaker_type_errors() == []
