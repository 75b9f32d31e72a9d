"""Near-duplicate documents (wire copy): detection with MinHash LSH over word shingles, and
their statements counted once in networks (issue 12). The articles are invented."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.model import Document, TextSpan
from saidwhat.network.build import CodedStatement, two_mode
from saidwhat.network.duplicates import (
    fold_statements,
    near_duplicate_groups,
    shingles,
)
from saidwhat.network.stats import network_stats
from saidwhat.settings import Settings

STORY = (
    "The Lowmere county council voted on Tuesday to close two branch libraries in the "
    "northern villages, despite a petition signed by more than four thousand residents. "
    "Councillor Ada Brennick said the savings are needed to keep the mobile library "
    "running through the winter. Opposition members argued that the branches were the only "
    "public buildings open in the evenings and warned that older residents would be cut off. "
    "The council will review the decision in the spring after a public consultation on the "
    "future of library services across the county, officials said."
)
# the same wire story as another outlet printed it: a new first line, one sentence cut,
# two words changed
REPRINT = (
    "LIBRARIES TO CLOSE. The Lowmere county council voted on Tuesday to close two branch "
    "libraries in the northern villages, despite a petition signed by more than 4,000 "
    "residents. Councillor Ada Brennick said the savings are necessary to keep the mobile "
    "library running through the winter. Opposition members argued that the branches were "
    "the only public buildings open in the evenings and warned that older residents would be "
    "cut off. The council will review the decision in the spring after a public consultation "
    "on the future of library services across the county."
)
# a different story on the same topic, with many of the same words
OTHER = (
    "Residents of the northern villages of Lowmere county marched to the council offices on "
    "Saturday to protest against the planned closure of their branch libraries. Organisers "
    "said the mobile library could not replace a building where children do homework and "
    "older residents meet. Councillor Ada Brennick met the marchers and promised that the "
    "council would listen during the spring consultation, but said the county had to save "
    "money this winter and that no decision would be reversed without a plan to pay for it."
)


def doc(doc_id: str, text: str, day: str = "", outlet: str = "") -> Document:
    return Document.from_dict({"doc_id": doc_id, "text": text, "quotes": [], "entities": [],
                               "meta": {"date": day, "outlet": outlet}})


def test_shingles_ignore_case_and_punctuation() -> None:
    assert shingles("The cat, the CAT sat.", 2) == {"the cat", "cat the", "cat sat"}


def test_a_reprint_is_found_and_a_different_story_is_not() -> None:
    docs = [doc("herald-1", REPRINT, "2024-03-02"), doc("wire-1", STORY, "2024-03-01"),
            doc("post-7", OTHER, "2024-03-01")]
    groups = near_duplicate_groups(docs)
    assert len(groups) == 1
    assert groups[0].original == "wire-1"  # the earliest printing is the original
    assert groups[0].copies == ["herald-1"]
    assert 0.7 <= groups[0].similarity["herald-1"] < 1.0


def test_threshold_comes_from_settings() -> None:
    docs = [doc("a", STORY), doc("b", REPRINT)]
    assert near_duplicate_groups(docs, replace(Settings(), near_duplicate_threshold=0.99)) == []
    assert near_duplicate_groups(docs, Settings())[0].original == "a"  # undated: input order


def test_short_documents_are_never_called_duplicates() -> None:
    assert near_duplicate_groups([doc("a", "The council met."), doc("b", "The council met.")]) == []


def test_groups_are_transitive_and_quotes_stand_in_for_missing_text() -> None:
    second = REPRINT.replace("Opposition members", "Members of the opposition")
    no_text = Document.from_dict({
        "doc_id": "c", "quotes": [{"id": "q1", "kind": "direct",
                                   "content": {"start": 0, "end": len(STORY), "text": STORY},
                                   "speaker": {"name": "Ada Brennick", "type": "person"}}],
        "entities": [], "meta": {}})
    groups = near_duplicate_groups([doc("a", STORY), doc("b", REPRINT), doc("d", second),
                                    no_text])
    assert [(g.original, sorted(g.copies)) for g in groups] == [("a", ["b", "c", "d"])]


def st(doc_id: str, actor: str, concept: str, qualifier: str) -> CodedStatement:
    return CodedStatement(doc_id=doc_id, quote_id="q1", actor=actor, actor_type="person",
                          organization="", concept=concept, qualifier=qualifier, score=1.0,
                          evidence=(), content=TextSpan(0, 4, "text"))


def test_folded_statements_count_once_and_stay_traceable() -> None:
    docs = [doc("wire-1", STORY, "2024-03-01"), doc("herald-1", REPRINT, "2024-03-02"),
            doc("post-7", OTHER, "2024-03-03")]
    statements = [st("wire-1", "Ada Brennick", "close-libraries", "support"),
                  st("herald-1", "Ada Brennick", "close-libraries", "support"),
                  st("post-7", "Ada Brennick", "close-libraries", "support")]
    kept = two_mode(statements, "ignore").edges["actor:Ada Brennick", "concept:close-libraries"]
    assert kept["weight"] == 3
    folded = fold_statements(statements, near_duplicate_groups(docs))
    edge = two_mode(folded, "ignore").edges["actor:Ada Brennick", "concept:close-libraries"]
    assert edge["weight"] == 2  # the reprint counts as the wire story; the other story apart
    assert edge["statements"] == "wire-1:q1|herald-1:q1|post-7:q1"  # every printing listed
    assert folded[1].to_dict()["copy_of"] == "wire-1"
    assert network_stats(folded).documents_folded == 0  # set by the network workflow


CODEBOOK = """\
concepts:
  - id: close-libraries
    label: The branch libraries should close
    keywords: [mobile library]
"""


def _quote(text: str, start_marker: str, end_marker: str) -> dict:
    s = text.index(start_marker)
    e = text.index(end_marker, s) + len(end_marker)
    cue = text.index(" said", 0)
    return {"id": "q1", "kind": "indirect", "content": {"start": s, "end": e, "text": text[s:e]},
            "cue": {"start": cue + 1, "end": cue + 5, "text": "said"},
            "speaker": {"name": "Ada Brennick", "type": "person"}}


def test_network_command_folds_reprints_and_reports_them(tmp_path: Path) -> None:
    records = []
    for doc_id, text, day in (("wire-1", STORY, "2024-03-01"), ("herald-1", REPRINT, "2024-03-02")):
        records.append({"doc_id": doc_id, "text": text, "meta": {"date": day},
                        "quotes": [_quote(text, "the savings", "winter")], "entities": []})
    src = tmp_path / "pred.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    out, stats = tmp_path / "e.csv", tmp_path / "s.json"
    args = ["network", str(src), "--codebook", str(book), "--qualifier", "ignore",
            "-o", str(out), "--stats", str(stats)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "near-duplicates: 1 document(s)" in result.output and "wire-1 <- herald-1" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["actor"], r["weight"]) for r in rows] == [("Ada Brennick", "1")]
    assert rows[0]["statements"] == "wire-1:q1|herald-1:q1"
    s = json.loads(stats.read_text(encoding="utf-8"))
    assert s["documents_folded"] == 1 and s["duplicate_groups"] == [["wire-1", "herald-1"]]
    result = CliRunner().invoke(main, [*args, "--keep-duplicates"])
    assert result.exit_code == 0, result.output
    assert "near-duplicates" not in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["actor"], r["weight"]) for r in rows] == [("Ada Brennick", "2")]
    assert json.loads(stats.read_text(encoding="utf-8"))["documents_folded"] == 0
