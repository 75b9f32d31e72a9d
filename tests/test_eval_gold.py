"""The saidwhat JSON gold format (docs/gold-format.md): span forms, errors, files and folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from saidwhat.evaluation import (
    GoldFormatError,
    detect_format,
    infer_kind,
    load_gold,
    parse_gold_document,
    read_json_gold,
)
from saidwhat.evaluation.gold import span_text

DOCS = Path(__file__).resolve().parents[1] / "docs" / "gold-format.md"
TEXT = ('Lena Marsh said the ferry would run again. "We are ready," she told reporters. '
        'Marsh said the pier was "almost done". The port will reportedly reopen in June.')


def parse(attrs: list[dict], text: str = TEXT) -> list:
    return parse_gold_document({"doc_id": "t", "text": text, "attributions": attrs},
                               where="t.json").attributions


def texts(attr, role: str, text: str = TEXT) -> list[str]:
    return [text[a:b] for a, b in attr.span(role)]


def test_documented_example_loads_as_described() -> None:
    block = re.search(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert block is not None
    doc = parse_gold_document(json.loads(block.group(1)), where="docs example")
    assert doc.doc_id == "example_bridge" and len(doc.attributions) == 8
    a = doc.attributions
    assert texts(a[1], "source", doc.text) == ["she"]
    assert texts(a[4], "channel", doc.text) == ["Twitter"]
    assert texts(a[4], "source", doc.text) == ["Ruiz"] and a[4].source[0][0] > a[0].source[0][1]
    assert texts(a[5], "content", doc.text) == ["The contract was", "signed in March"]
    assert a[5].source == ()
    assert texts(a[7], "cue", doc.text) == ["said"] and a[7].cue[0][0] > a[7].content[0][0]
    assert a[3].speaker is not None and a[3].speaker.type == "anonymous" and a[3].speaker.name is None
    # the kinds written in the example agree with the inference rule
    assert all(infer_kind(doc.text, x.content) == x.kind for x in a)


def test_span_forms() -> None:
    [a] = parse([{
        "content": {"start": TEXT.index("the ferry"), "end": TEXT.index(" again") + 6,
                    "text": "the ferry would run again"},
        "cue": {"text": "said", "occurrence": 1},
        "source": "Lena Marsh",
    }])
    assert texts(a, "content") == ["the ferry would run again"]
    [b] = parse([{"content": "the pier was", "cue": {"text": "said", "after": "reporters"},
                  "source": {"text": "Marsh", "occurrence": 2}}])
    assert b.cue[0][0] == TEXT.index("said", TEXT.index("reporters"))
    assert b.source[0][0] == TEXT.index(". Marsh said") + 2


def test_plain_cue_and_source_take_the_occurrence_nearest_the_content() -> None:
    [a] = parse([{"content": "the pier was \"almost done\"", "cue": "said", "source": "Marsh"}])
    second = TEXT.index(". Marsh said") + 2
    assert a.cue[0][0] == TEXT.index("said", second)
    assert texts(a, "source") == ["Marsh"] and a.source[0][0] == second


def test_plain_content_must_be_unique() -> None:
    with pytest.raises(GoldFormatError, match=r"attribution 0 content: text 'said' occurs 2 times"):
        parse([{"content": "said"}])


def test_discontinuous_content_parts_follow_each_other() -> None:
    text = '"Yes," he said, "yes and yes."'
    [a] = parse([{"content": ["Yes,", "yes and yes."], "cue": "said", "source": "he"}], text)
    assert a.content == ((1, 5), (17, 29))
    assert a.kind == "direct" and not a.kind_given


@pytest.mark.parametrize(("attr", "message"), [
    ({"content": "not in the text"}, r"t\.json: doc 't' attribution 0 content: text 'not in the text' not found"),
    ({"content": {"start": 0, "end": 4, "text": "Marsh"}}, r"offsets 0\.\.4 cover 'Lena', not 'Marsh'"),
    ({"content": {"start": 5, "end": 9999}}, r"outside the text"),
    ({"content": "the ferry", "source": {"text": "Marsh", "occurrence": 5}}, r"source: text 'Marsh' occurs 2 time\(s\), not 5"),
    ({"content": "the ferry", "cue": {"text": "said", "after": "nowhere"}}, r"cue: anchor 'nowhere' not found"),
    ({"content": "the ferry", "sorce": "Marsh"}, r"unknown field\(s\) \['sorce'\]"),
    ({"content": "the ferry", "kind": "quoted"}, r"kind must be one of"),
    ({"content": "the ferry", "speaker": {"name": "X", "type": "human"}}, r"speaker: type must be one of"),
    ({"cue": "said"}, r"'content' is required"),
])
def test_bad_attributions_name_file_document_index_and_span(attr: dict, message: str) -> None:
    with pytest.raises(GoldFormatError, match=message):
        parse([{"content": "the ferry would run again"}, attr] if "attribution 0" not in message
              else [attr])


def test_error_names_the_attribution_index() -> None:
    with pytest.raises(GoldFormatError, match=r"doc 't' attribution 1 source: text 'Nobody'"):
        parse([{"content": "the ferry would run again"}, {"content": "the pier", "source": "Nobody"}])


def test_files_jsonl_folder_and_text_file(tmp_path: Path) -> None:
    (tmp_path / "art.txt").write_text("Kim said rents rose.\r\nLee said fares fell.", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({
        "text_file": "art.txt",
        "attributions": [{"content": "fares fell", "cue": "said", "source": "Lee",
                          "speaker": {"name": "Lee Park", "type": "person"}}]}), encoding="utf-8")
    lines = [json.dumps({"doc_id": "j1", "text": "Kim said rents rose.", "attributions": []}),
             "",
             "{not json",
             json.dumps({"doc_id": "j3", "text": "Kim said rents rose.",
                         "attributions": [{"content": "rents fell"}]})]
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    assert detect_format(tmp_path) == "saidwhat-json"
    gold = load_gold(tmp_path)
    assert [d.doc_id for d in gold.documents] == ["a", "j1"]
    a = gold.documents[0]
    assert "\r\n" in a.text  # text_file is read as is, so offsets match the file
    assert span_text(a.text, a.attributions[0].content) == "fares fell"
    assert a.attributions[0].speaker is not None and a.attributions[0].speaker.name == "Lee Park"
    assert len(gold.errors) == 2
    assert any("b.jsonl:3: invalid JSON" in e for e in gold.errors)
    assert any("b.jsonl:4: doc 'j3' attribution 0 content: text 'rents fell' not found" in e
               for e in gold.errors)


def test_duplicate_doc_ids_are_reported(tmp_path: Path) -> None:
    doc = {"doc_id": "same", "text": "x said y.", "attributions": []}
    (tmp_path / "g.jsonl").write_text(json.dumps(doc) + "\n" + json.dumps(doc) + "\n", encoding="utf-8")
    gold = read_json_gold(tmp_path / "g.jsonl")
    assert len(gold.documents) == 1
    assert "doc_id 'same' already used" in gold.errors[0]


def test_unknown_paths_and_formats(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match="no such file"):
        load_gold(tmp_path / "missing.json")
    (tmp_path / "gold.csv").write_text("a,b", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="unknown gold format"):
        load_gold(tmp_path / "gold.csv")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(GoldFormatError, match="neither a brat folder"):
        load_gold(empty)


@pytest.mark.parametrize(("text", "content", "kind"), [
    ('He said "we won" today.', "we won", "direct"),
    ('He said “we won.” Then', "“we won.”", "direct"),
    ('He said that we had "clearly won" today.', 'that we had "clearly won"', "mixed"),
    ("He said that we won today.", "that we won", "indirect"),
    ("It’s fine, he said.", "It’s fine", "indirect"),
])
def test_kind_inference(text: str, content: str, kind: str) -> None:
    i = text.index(content)
    assert infer_kind(text, ((i, i + len(content)),)) == kind


def test_the_project_gold_set_reads_without_errors() -> None:
    folder = Path(__file__).resolve().parent / "data" / "gold"
    if not any(folder.glob("*.json*")):
        pytest.skip("no gold files under tests/data/gold yet")
    gold = load_gold(folder)
    assert gold.errors == [] and gold.warnings == []
    assert len(gold.documents) == len({d.doc_id for d in gold.documents}) >= 1
