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


def _camps(n_per_camp: int, concepts: tuple[str, ...] = ("c1", "c2", "c3")) -> list[CodedStatement]:
    """Two camps of actors: camp A supports every concept, camp B opposes every one."""
    return [st(f"d{side}{i}", f"q{c}", f"{side}{i}", c, "support" if side == "A" else "oppose")
            for side in "AB" for i in range(n_per_camp) for c in concepts]


def _random_positions(n_actors: int, n_concepts: int, seed: int) -> list[CodedStatement]:
    import random
    rng = random.Random(seed)
    return [st(f"d{i}", f"q{j}", f"A{i}", f"c{j}", rng.choice(["support", "oppose"]))
            for i in range(n_actors) for j in range(n_concepts) if rng.random() < 0.6]


def test_polarisation_of_two_opposed_camps_is_the_maximum() -> None:
    stats = network_stats(_camps(4))
    assert stats.polarisation == pytest.approx(0.5)  # (0.5 - (-0.5)) / 2: DNA's maximum, k = 2
    assert sorted(map(sorted, stats.camps)) == [["A0", "A1", "A2", "A3"], ["B0", "B1", "B2", "B3"]]
    assert sorted(map(sorted, stats.communities)) == sorted(map(sorted, stats.camps))
    assert stats.polarisation_excess is not None and stats.polarisation_excess > 0.25


def test_polarisation_of_consensus_is_low_never_one() -> None:
    consensus = [st(f"d{a}", "q1", a, c, "support") for a in "UVWXYZ" for c in ("c1", "c2")]
    stats = network_stats(consensus)
    # six actors who all agree: the best equal split has modularity -1/(2(n-1)) in the
    # congruence network and no conflict: Q = -1/(4 * 5)
    assert stats.polarisation == pytest.approx(-1 / 20)
    assert stats.polarisation_excess == pytest.approx(0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_polarisation_of_random_positions_is_near_chance(seed: int) -> None:
    stats = network_stats(_random_positions(14, 6, seed))
    assert stats.polarisation is not None and stats.polarisation < 0.3  # far from 0.5
    assert stats.polarisation_excess is not None and abs(stats.polarisation_excess) < 0.1


def test_polarisation_with_one_defector_is_between() -> None:
    statements = _camps(4)
    statements += [st("dA0x", "x", "A0", "c4", "support"), st("dB0x", "x", "B0", "c4", "support")]
    p = network_stats(statements).polarisation
    assert p is not None and 0.3 < p < 0.5


def test_polarisation_matches_dna_quality_function() -> None:
    import numpy as np

    from saidwhat.network.stats import congruence_conflict, polarisation_quality
    names, cong, conf = congruence_conflict(_random_positions(8, 5, 3))
    p, side = polarisation_of(cong, conf)

    def modularity(mem: np.ndarray, mat: np.ndarray) -> float:  # DNA's Polarization.modularity
        total = mat.sum()
        e = np.array([[mat[np.ix_(mem == a, mem == b)].sum() / total for b in (0, 1)]
                      for a in (0, 1)])
        return float(np.trace(e) - (e.sum(axis=1) ** 2).sum())

    assert p == pytest.approx((modularity(side, cong) - modularity(side, conf)) / 2)
    assert p == pytest.approx(polarisation_quality(side, cong, conf))
    assert abs(int(side.sum()) - len(side) / 2) <= 0.5  # equal camps


def test_polarisation_of_a_large_network_finds_the_camps() -> None:
    import numpy as np
    # 30 actors (above the exhaustive limit), camps interleaved, one cross-camp agreement.
    side = np.array([0, 1] * 15)
    same = side[:, None] == side[None, :]
    cong = np.where(same, 1.0, 0.0)
    conf = np.where(same, 0.0, 1.0)
    cong[0, 1] = cong[1, 0] = 1.0
    conf[0, 1] = conf[1, 0] = 0.0
    np.fill_diagonal(cong, 0)
    p, found = polarisation_of(cong, conf)
    assert 0.45 < p < 0.5
    assert all((found[i] == found[j]) == (side[i] == side[j]) for i in range(30) for j in range(30))


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


@pytest.mark.parametrize("how", ["none", "average"])
def test_polarisation_matrices_are_the_one_mode_networks(how: str) -> None:
    from saidwhat.network.stats import congruence_conflict
    statements = _random_positions(9, 5, 4) + [st("dx", "x", "A0", "c0", "support"),
                                              st("dy", "y", "A0", "c0", "oppose")]
    names, cong, conf = congruence_conflict(statements, how)
    for relation, m in (("congruence", cong), ("conflict", conf)):
        g = one_mode(statements, relation, normalization=how)
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                want = g.edges[f"actor:{a}", f"actor:{b}"]["weight"] if g.has_edge(
                    f"actor:{a}", f"actor:{b}") else 0.0
                assert m[i, j] == pytest.approx(want if i != j else 0.0), (relation, a, b)
