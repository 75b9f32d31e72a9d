"""Coded statements -> networks: two-mode qualifiers, one-mode relations and normalisation,
duplicates, filters, time windows, statistics."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from saidwhat.model import Document, TextSpan
from saidwhat.network.actors import ActorIndex
from saidwhat.network.build import (
    CodedStatement,
    build_network,
    code_documents,
    filter_statements,
    one_mode,
    parse_duration,
    time_windows,
    two_mode,
)
from saidwhat.network.codebook import load_codebook
from saidwhat.network.coding import ConceptCoder
from saidwhat.network.stats import network_stats, polarisation_of
from saidwhat.nlp import load_nlp

DATA = Path(__file__).parent / "data" / "network"


def st(doc: str, q: str, actor: str, concept: str, qualifier: str, *, day: int | None = None,
       actor_type: str = "person", outlet: str = "") -> CodedStatement:
    return CodedStatement(doc_id=doc, quote_id=q, actor=actor, actor_type=actor_type,
                          organization="", concept=concept, qualifier=qualifier, score=1.0,
                          evidence=(), content=TextSpan(0, 4, "text"),
                          date=date(2024, 1, day) if day else None, outlet=outlet)


ABC = [st("d1", "q1", "A", "c1", "support"), st("d1", "q2", "A", "c2", "support"),
       st("d2", "q1", "A", "c3", "oppose"), st("d2", "q2", "B", "c1", "support"),
       st("d3", "q1", "B", "c2", "oppose"), st("d3", "q2", "C", "c3", "support")]


def edge(g, u: str, v: str) -> dict:  # type: ignore[no-untyped-def]
    return g.edges[f"actor:{u}", f"actor:{v}"]


def test_congruence_conflict_subtract() -> None:
    cong = one_mode(ABC, "congruence")
    assert edge(cong, "A", "B")["weight"] == 1
    assert not cong.has_edge("actor:A", "actor:C")
    conf = one_mode(ABC, "conflict")
    assert edge(conf, "A", "B")["weight"] == 1
    assert edge(conf, "A", "C")["weight"] == 1
    assert edge(conf, "A", "C")["via"] == "c3"
    sub = one_mode(ABC, "subtract")
    assert edge(sub, "A", "B")["weight"] == 0
    assert edge(sub, "A", "C")["weight"] == -1
    assert not sub.has_edge("actor:B", "actor:C")


@pytest.mark.parametrize(("how", "expected"), [
    ("none", 1.0), ("average", 1 / 2.5), ("jaccard", 1 / 4), ("cosine", 1 / math.sqrt(6))])
def test_normalisation_of_congruence(how: str, expected: float) -> None:
    g = one_mode(ABC, "congruence", normalization=how)
    assert edge(g, "A", "B")["weight"] == pytest.approx(expected)


def test_concept_network_counts_shared_actors() -> None:
    cong = one_mode(ABC, "congruence", mode="concept")
    assert cong.edges["concept:c1", "concept:c2"]["weight"] == 1  # A supports both
    conf = one_mode(ABC, "conflict", mode="concept")
    assert conf.edges["concept:c1", "concept:c2"]["weight"] == 1  # B: c1 yes, c2 no
    assert build_network(ABC, "concept-subtract").edges["concept:c1", "concept:c2"]["weight"] == 0


def test_duplicates_count_once_per_document_but_stay_traceable() -> None:
    statements = [st("d1", "q1", "A", "c1", "support"), st("d1", "q5", "A", "c1", "support"),
                  st("d2", "q1", "A", "c1", "support")]
    g = two_mode(statements)
    e = g.edges["actor:A", "concept:c1"]
    assert e["documents"] == 2 and e["weight"] == 1  # combine: DNA's code 1 (support)
    assert two_mode(statements, "ignore").edges["actor:A", "concept:c1"]["weight"] == 2
    assert e["statements"] == "d1:q1|d1:q5|d2:q1"


def test_two_mode_qualifier_modes() -> None:
    statements = [st("d1", "q1", "A", "c1", "support"), st("d2", "q1", "A", "c1", "oppose"),
                  st("d3", "q1", "A", "c1", "support"), st("d3", "q2", "B", "c1", "oppose")]
    combine = two_mode(statements, "combine")
    assert combine.edges["actor:A", "concept:c1"]["qualifier"] == "both"
    assert combine.edges["actor:A", "concept:c1"]["weight"] == 3  # DNA's code for both
    assert combine.edges["actor:A", "concept:c1"]["documents"] == 3
    assert combine.edges["actor:B", "concept:c1"]["qualifier"] == "oppose"
    assert combine.edges["actor:B", "concept:c1"]["weight"] == 2
    subtract = two_mode(statements, "subtract")
    assert subtract.edges["actor:A", "concept:c1"]["weight"] == 1  # 2 docs support, 1 opposes
    assert subtract.edges["actor:B", "concept:c1"]["weight"] == -1
    assert two_mode(statements, "ignore").edges["actor:A", "concept:c1"]["weight"] == 3
    split = two_mode(statements, "split")
    assert split.number_of_edges("actor:A", "concept:c1") == 2
    assert split.edges["actor:A", "concept:c1", "support"]["weight"] == 2


def test_filters() -> None:
    statements = [st("d1", "q1", "A", "c1", "support", day=1, outlet="Gazette"),
                  st("d2", "q1", "B", "c1", "oppose", day=10, actor_type="organization"),
                  st("d3", "q1", "C", "c1", "oppose")]
    assert [s.actor for s in filter_statements(statements, start=date(2024, 1, 5))] == ["B"]
    assert [s.actor for s in filter_statements(statements, end=date(2024, 1, 5))] == ["A"]
    assert [s.actor for s in filter_statements(statements, outlets=["gazette"])] == ["A"]
    assert [s.actor for s in filter_statements(statements, actor_types=["organization"])] == ["B"]
    assert len(filter_statements(statements)) == 3


def test_time_windows_slide() -> None:
    statements = [st(f"d{d}", "q1", "A", "c1", "support", day=d) for d in (1, 5, 9, 20)]
    windows = list(time_windows(statements, parse_duration("7d"), parse_duration("7d")))
    assert [(w[0].day, len(w[2])) for w in windows] == [(1, 2), (8, 1), (15, 1)]
    assert windows[0][1] - windows[0][0] == timedelta(days=6)
    overlapping = list(time_windows(statements, parse_duration("10d"), parse_duration("5d")))
    assert [len(w[2]) for w in overlapping] == [3, 1, 1, 1]


@pytest.mark.parametrize("bad", ["", "30", "xd", "-3d", "0w"])
def test_bad_duration(bad: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


def test_polarisation_two_camps_and_consensus() -> None:
    camps = [st("d1", f"q{i}", a, c, q) for i, (a, q) in enumerate(
        [("A1", "support"), ("A2", "support"), ("B1", "oppose"), ("B2", "oppose")])
        for c in ("c1", "c2")]
    stats = network_stats(camps)
    assert stats.polarisation == pytest.approx(1.0)
    assert sorted(map(sorted, stats.camps)) == [["A1", "A2"], ["B1", "B2"]]
    assert sorted(map(sorted, stats.communities)) == [["A1", "A2"], ["B1", "B2"]]
    consensus = [st("d1", f"q{i}", a, "c1", "support") for i, a in enumerate("WXYZ")]
    # Complete agreement: the best split is one actor against three, (3 - 3) / 6 = 0.
    assert network_stats(consensus).polarisation == pytest.approx(0.0)


def test_polarisation_of_a_large_network_finds_the_camps() -> None:
    import numpy as np
    # 20 actors (above the exhaustive limit), camps interleaved, one cross-camp agreement.
    side = np.array([0, 1] * 10)
    w = np.where(side[:, None] == side[None, :], 1.0, -1.0)
    w[0, 1] = w[1, 0] = 1.0
    np.fill_diagonal(w, 0)
    p, found = polarisation_of(w)
    pairs = 20 * 19 / 2
    assert p == pytest.approx((pairs - 2) / pairs)  # one pair of 190 is on the wrong side
    assert all((found[i] == found[j]) == (side[i] == side[j]) for i in range(20) for j in range(20))


def test_betweenness_of_a_broker() -> None:
    # M agrees with L on c1 and with R on c2; L and R share nothing.
    statements = [st("d", "1", "L", "c1", "support"), st("d", "2", "M", "c1", "support"),
                  st("d", "3", "M", "c2", "support"), st("d", "4", "R", "c2", "support")]
    s = network_stats(statements)
    assert s.betweenness["M"] > s.betweenness["L"] == s.betweenness["R"] == 0
    assert s.degree == {"L": 1, "M": 2, "R": 1}


@pytest.fixture(scope="module")
def fixture_coded() -> tuple[list[CodedStatement], list[Document]]:
    docs = [Document.from_dict(json.loads(line))
            for line in (DATA / "debate.jsonl").read_text(encoding="utf-8").splitlines()]
    coder = ConceptCoder(load_codebook(DATA / "codebook.yaml"), load_nlp())
    statements, report = code_documents(docs, coder, ActorIndex())
    assert report.quotes == 12 and report.unattributed == 0
    return statements, docs


def test_fixture_two_mode_positions(fixture_coded) -> None:  # type: ignore[no-untyped-def]
    statements, _ = fixture_coded
    g = two_mode(statements)
    edges = {(g.nodes[u]["label"], v.split(":", 1)[1]): d["qualifier"]
             for u, v, d in g.edges(data=True)
             for u, v in [(u, v) if u.startswith("actor:") else (v, u)]}
    assert edges[("Linda Okafor", "congestion-charge")] == "support"
    assert edges[("Linda Okafor", "cycle-lanes")] == "support"
    assert edges[("Tom Reyes", "congestion-charge")] == "oppose"
    assert edges[("Tom Reyes", "cycle-lanes")] == "oppose"
    assert edges[("Tom Reyes", "more-buses")] == "support"
    assert edges[("Chamber of Commerce", "more-buses")] == "support"
    assert edges[("Priya Nair", "more-buses")] == "support"
    # "Mayor Linda Okafor", "she", "Okafor" and "Ms Okafor" are one actor.
    okafor = g.edges["actor:Linda Okafor", "concept:congestion-charge"]
    assert okafor["documents"] == 2 and okafor["weight"] == 1  # two documents, support
    assert len(okafor["statements"].split("|")) == 3


def test_fixture_statements_keep_offsets(fixture_coded) -> None:  # type: ignore[no-untyped-def]
    statements, docs = fixture_coded
    texts = {d.doc_id: d.text for d in docs}
    for s in statements:
        text = texts[s.doc_id]
        assert text[s.content.start:s.content.end] == s.content.text
        assert s.cue is not None and text[s.cue.start:s.cue.end] == s.cue.text
        assert s.date is not None and s.outlet


def test_nested_attribution_is_not_the_outer_speakers_claim() -> None:
    text = "Ann Lee said the plan, which Bob Day called a toll by stealth, was fine."
    outer = text.index("the plan")
    inner = text.index("a toll")
    doc = Document.from_dict({"doc_id": "n", "text": text, "quotes": [
        {"id": "q1", "kind": "indirect",
         "content": {"start": outer, "end": len(text) - 1, "text": text[outer:-1]},
         "cue": {"start": 8, "end": 12, "text": "said"},
         "speaker": {"name": "Ann Lee", "type": "person"}},
        {"id": "q2", "kind": "indirect",
         "content": {"start": inner, "end": inner + 19, "text": text[inner:inner + 19]},
         "cue": {"start": text.index("called"), "end": text.index("called") + 6, "text": "called"},
         "speaker": {"name": "Bob Day", "type": "person"}}]})
    coder = ConceptCoder(load_codebook(DATA / "codebook.yaml"), load_nlp())
    statements, _ = code_documents([doc], coder)
    assert [(s.actor, s.concept) for s in statements] == [("Bob Day", "congestion-charge")]
