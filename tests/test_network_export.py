"""Exports: GraphML and GEXF round-trips (networkx, igraph), CSV edge list and matrix, DNA's
event list, and DNA 3 databases (schema, spans, password digest)."""

from __future__ import annotations

import base64
import csv
import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from saidwhat.model import Document, TextSpan
from saidwhat.network.actors import ActorIndex
from saidwhat.network.build import CodedStatement, code_documents, one_mode, two_mode
from saidwhat.network.codebook import Codebook, load_codebook
from saidwhat.network.coding import ConceptCoder
from saidwhat.network.dna_export import DnaDocumentInput, dna_password_hash, write_dna
from saidwhat.network.dna_schema import DNA3_TABLES
from saidwhat.network.export import (
    ExportError,
    edge_rows,
    format_for,
    write_edge_csv,
    write_event_list,
    write_gexf,
    write_graphml,
    write_matrix_csv,
)
from saidwhat.nlp import load_nlp

DATA = Path(__file__).parent / "data" / "network"


@pytest.fixture(scope="module")
def coded() -> tuple[list[CodedStatement], list[Document], Codebook, ActorIndex]:
    docs = [Document.from_dict(json.loads(line))
            for line in (DATA / "debate.jsonl").read_text(encoding="utf-8").splitlines()]
    codebook = load_codebook(DATA / "codebook.yaml")
    index = ActorIndex()
    statements, _ = code_documents(docs, ConceptCoder(codebook, load_nlp()), index)
    return statements, docs, codebook, index


def graphs(coded):  # type: ignore[no-untyped-def]
    statements, _, codebook, index = coded
    return {"two-mode": two_mode(statements, codebook=codebook, actors=index.actors),
            "split": two_mode(statements, "split", codebook=codebook),
            "congruence": one_mode(statements, "congruence", normalization="jaccard")}


def _same_graph(a: nx.Graph, b: nx.Graph) -> None:
    assert set(a.nodes) == set(b.nodes)
    for n, d in a.nodes(data=True):
        for k, v in d.items():
            assert b.nodes[n][k] == ("" if v is None else v), (n, k)
    assert a.number_of_edges() == b.number_of_edges()
    for u, v, d in a.edges(data=True):
        got = b.get_edge_data(u, v)
        if a.is_multigraph():
            got = next(x for x in got.values() if x.get("qualifier") == d["qualifier"])
        for k, val in d.items():
            assert got[k] == pytest.approx(val) if isinstance(val, float) else got[k] == val, k


@pytest.mark.parametrize("name", ["two-mode", "split", "congruence"])
def test_graphml_round_trips_through_networkx(coded, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    g = graphs(coded)[name]
    path = tmp_path / "n.graphml"
    write_graphml(g, path)
    back = nx.read_graphml(path, force_multigraph=g.is_multigraph())
    _same_graph(g, back)
    text = path.read_text(encoding="utf-8")
    types = {line.split('attr.type="')[1].split('"')[0]
             for line in text.splitlines() if "attr.type=" in line}
    assert types <= {"string", "double", "int", "long", "boolean"}


@pytest.mark.parametrize("name", ["two-mode", "congruence"])
def test_gexf_round_trips_through_networkx(coded, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    g = graphs(coded)[name]
    path = tmp_path / "n.gexf"
    write_gexf(g, path)
    back = nx.read_gexf(path)
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    for n, d in g.nodes(data=True):
        assert back.nodes[n]["label"] == d["label"]
        assert back.nodes[n]["kind"] == d["kind"]
        assert back.nodes[n]["organization"] == d["organization"]
    for u, v, d in g.edges(data=True):
        e = back.edges[u, v]
        assert e["weight"] == pytest.approx(d["weight"])
        assert e["statements"] == d["statements"]


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_igraph_reads_all_attributes(coded, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    ig = pytest.importorskip("igraph")
    g = graphs(coded)["two-mode"]
    path = tmp_path / f"n{suffix}"
    if suffix == ".graphml":
        write_graphml(g, path)
        h = ig.Graph.Read_GraphML(str(path))
        labels = h.vs["label"]
        assert set(h.vs.attributes()) >= {"label", "kind", "type", "organization", "statements"}
        assert set(h.es.attributes()) >= {"weight", "qualifier", "statements", "n_statements"}
    else:
        # igraph has no GEXF reader: check through networkx, as igraph users do.
        write_gexf(g, path)
        h = ig.Graph.from_networkx(nx.read_gexf(path))
        labels = h.vs["label"]
        assert {"weight", "qualifier", "statements"} <= set(h.es.attributes())
    assert h.vcount() == g.number_of_nodes() and h.ecount() == g.number_of_edges()
    assert sorted(labels) == sorted(d["label"] for _, d in g.nodes(data=True))
    assert sorted(h.es["statements"]) == sorted(d["statements"] for *_, d in g.edges(data=True))


def test_edge_csv_columns_and_traceability(coded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    statements = coded[0]
    g = graphs(coded)["two-mode"]
    path = tmp_path / "edges.csv"
    write_edge_csv(g, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["actor", "concept", "qualifier", "weight", "documents", "statements"]
    ids = {s.id for s in statements}
    assert all(set(r["statements"].split("|")) <= ids for r in rows)
    assert len(rows) == g.number_of_edges()
    header, one = edge_rows(graphs(coded)["congruence"])
    assert header[:3] == ["source", "target", "weight"]


def test_matrix_csv(coded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    statements = coded[0]
    g = two_mode(statements, "subtract")
    path = tmp_path / "m.csv"
    write_matrix_csv(g, path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    concepts = rows[0][1:]
    cells = {(r[0], c): float(x) for r in rows[1:] for c, x in zip(concepts, r[1:], strict=True)}
    for u, v, d in g.edges(data=True):
        a, c = (u, v) if u.startswith("actor:") else (v, u)
        assert cells[(g.nodes[a]["label"], c.split(":", 1)[1])] == d["weight"]
    assert len(rows) == 1 + sum(1 for _, d in g.nodes(data=True) if d["kind"] == "actor")


def _signed(doc: str, actor: str, concept: str, qualifier: str) -> CodedStatement:
    return CodedStatement(doc_id=doc, quote_id="q1", actor=actor, actor_type="person",
                          organization="", concept=concept, qualifier=qualifier, score=1.0,
                          evidence=(), content=TextSpan(0, 4, "text"))


SIGNED = [_signed("d1", "Ann", "tax", "support"), _signed("d2", "Ann", "tax", "support"),
          _signed("d1", "Bob", "tax", "oppose"), _signed("d1", "Cy", "tax", "support"),
          _signed("d2", "Cy", "tax", "oppose"), _signed("d3", "Cy", "rail", "support")]


def test_combine_keeps_the_sign_with_dna_codes_in_every_output(tmp_path: Path) -> None:
    g = two_mode(SIGNED, "combine")
    write_matrix_csv(g, tmp_path / "m.csv")
    rows = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert rows[0] == ["", "rail", "tax"]
    # DNA: 0 no tie, 1 support only, 2 oppose only, 3 both
    assert rows[1:] == [["Ann", "0", "1"], ["Bob", "0", "2"], ["Cy", "1", "3"]]
    write_edge_csv(g, tmp_path / "e.csv")
    edges = {(r["actor"], r["concept"]): r
             for r in csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8"))}
    assert {k: (r["qualifier"], r["weight"], r["documents"]) for k, r in edges.items()} == {
        ("Ann", "tax"): ("support", "1", "2"), ("Bob", "tax"): ("oppose", "2", "1"),
        ("Cy", "tax"): ("both", "3", "2"), ("Cy", "rail"): ("support", "1", "1")}
    write_graphml(g, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.edges["actor:Cy", "concept:tax"]["weight"] == 3
    assert back.edges["actor:Cy", "concept:tax"]["qualifier"] == "both"
    assert back.edges["actor:Bob", "concept:tax"]["weight"] == 2


def test_event_list_is_semicolon_separated(coded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    statements = coded[0]
    path = tmp_path / "events.csv"
    write_event_list(statements, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter=";"))
    assert len(rows) == len(statements)
    assert {r["agreement"] for r in rows} == {"0", "1"}
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)


def test_format_from_extension() -> None:
    assert format_for("x.graphml") == "graphml"
    assert format_for("x.csv") == "csv"
    assert format_for("x.csv", "matrix") == "matrix"
    assert format_for("x.dna") == "dna"
    with pytest.raises(ExportError, match="cannot tell the format"):
        format_for("x.xlsx")


def _columns(con: sqlite3.Connection) -> dict[str, list[tuple[str, str, int, int]]]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: [(r[1], r[2], r[3], r[5]) for r in con.execute(f'PRAGMA table_info("{t}")')]
            for t in tables}


@pytest.fixture(scope="module")
def dna_file(coded, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    statements, docs, codebook, index = coded
    path = tmp_path_factory.mktemp("dna") / "out.dna"
    inputs = [DnaDocumentInput(doc_id=d.doc_id, text=d.text, title=d.meta["title"],
                               source=d.meta["outlet"]) for d in docs]
    write_dna(statements, inputs, path, codebook=codebook, actors=index.actors)
    return path


def test_dna_export_has_dna3_tables_and_columns(dna_file: Path) -> None:
    expected = sqlite3.connect(":memory:")
    for ddl in DNA3_TABLES.values():
        expected.execute(ddl)
    with sqlite3.connect(dna_file) as con:
        assert _columns(con) == _columns(expected)


def test_dna_export_matches_dna_sample_schema(dna_file: Path, shared_dir: Path) -> None:
    sample = shared_dir / "data" / "dna" / "sample.dna"
    if not sample.is_file():
        pytest.skip("DNA sample not present")
    with sqlite3.connect(f"file:{sample}?mode=ro", uri=True) as a, sqlite3.connect(dna_file) as b:
        assert _columns(b) == _columns(a)


def test_dna_statements_point_to_their_spans(coded, dna_file: Path) -> None:  # type: ignore[no-untyped-def]
    statements, docs, codebook, _ = coded
    texts = {d.doc_id: d.text for d in docs}
    with sqlite3.connect(dna_file) as con:
        rows = con.execute(
            "SELECT d.Notes, d.Text, s.Start, s.Stop, p.Value, c.Value, b.Value FROM STATEMENTS s"
            " JOIN DOCUMENTS d ON d.ID = s.DocumentId"
            " JOIN STATEMENTTYPES t ON t.ID = s.StatementTypeId AND t.Label = 'DNA Statement'"
            " JOIN DATASHORTTEXT dp ON dp.StatementId = s.ID JOIN VARIABLES vp ON vp.ID ="
            " dp.VariableId AND vp.Variable = 'person' JOIN ENTITIES p ON p.ID = dp.Entity"
            " JOIN DATASHORTTEXT dc ON dc.StatementId = s.ID JOIN VARIABLES vc ON vc.ID ="
            " dc.VariableId AND vc.Variable = 'concept' JOIN ENTITIES c ON c.ID = dc.Entity"
            " JOIN DATABOOLEAN b ON b.StatementId = s.ID").fetchall()
    got = []
    for notes, text, start, stop, person, concept, agree in rows:
        doc_id = notes.removeprefix("saidwhat doc_id: ")
        assert text == texts[doc_id]  # the document's own text, so offsets hold
        got.append((doc_id, start, stop, person, concept, agree))
    expected = [(s.doc_id, *s.span(), s.actor if s.actor_type != "organization" else "",
                 codebook[s.concept].label, int(s.qualifier == "support")) for s in statements]
    assert sorted(got) == sorted(expected)
    for s in statements:  # the span covers the quote: content, cue and source
        start, stop = s.span()
        span = texts[s.doc_id][start:stop]
        assert s.content.text in span and (s.cue is None or s.cue.text in span)


def test_dna_export_reads_back_with_the_dna_reader(coded, dna_file: Path) -> None:  # type: ignore[no-untyped-def]
    from saidwhat.evaluation.dna import read_statements
    statements = coded[0]
    back = read_statements(dna_file)
    assert len(back) == len(statements)
    assert {s.values["agreement"] for s in back} == {True, False}
    assert all(any(c.content.text in s.text for c in statements) for s in back)


def test_dna_export_refuses_missing_text(coded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    statements = coded[0]
    with pytest.raises(ExportError, match="no text"):
        write_dna(statements, [], tmp_path / "x.dna")
    assert not (tmp_path / "x.dna").exists()


def test_dna_password_digest_is_jasypt_strong() -> None:
    salt = bytes(range(16))
    digest = base64.b64decode(dna_password_hash("secret", salt))
    assert digest[:16] == salt and len(digest) == 48
    assert dna_password_hash("secret", salt) == dna_password_hash("secret", salt)
    assert dna_password_hash("other", salt) != dna_password_hash("secret", salt)


def test_dna_password_digest_verifies_against_dna_sample(shared_dir: Path) -> None:
    """The coders of DNA's sample have the password 'sample': our digest must reproduce theirs."""
    sample = shared_dir / "data" / "dna" / "sample.dna"
    if not sample.is_file():
        pytest.skip("DNA sample not present")
    with sqlite3.connect(f"file:{sample}?mode=ro", uri=True) as con:
        stored = con.execute("SELECT Password FROM CODERS ORDER BY ID LIMIT 1").fetchone()[0]
    salt = base64.b64decode(stored)[:16]
    assert dna_password_hash("sample", salt) == stored
