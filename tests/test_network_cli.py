"""The `network` and `concepts` commands end to end on the fictional fixture."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.network.codebook import load_codebook

DATA = Path(__file__).parent / "data" / "network"
JSONL = str(DATA / "debate.jsonl")
CODEBOOK = str(DATA / "codebook.yaml")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_edge_list_csv(tmp_path: Path) -> None:
    out = tmp_path / "edges.csv"
    code, output = run("network", JSONL, "--codebook", CODEBOOK, "-o", str(out))
    assert code == 0, output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["actor", "concept", "qualifier", "weight", "documents", "statements"]
    assert {"actor": "Tom Reyes", "concept": "cycle-lanes", "qualifier": "oppose",
            "weight": "2", "documents": "1", "statements": "harbour-3:q1"} in rows  # 2: oppose
    assert "polarisation" in output


def test_one_mode_graphml_with_stats_and_plot(tmp_path: Path) -> None:
    try:
        import matplotlib  # noqa: F401
        can_plot = True
    except ImportError:
        can_plot = False
    out, stats, png = tmp_path / "c.graphml", tmp_path / "s.json", tmp_path / "p.png"
    code, output = run("network", JSONL, "--codebook", CODEBOOK, "--type", "congruence",
                       "--normalization", "cosine", "-o", str(out), "--stats", str(stats),
                       *(["--plot", str(png)] if can_plot else []))
    assert code == 0, output
    g = nx.read_graphml(out)
    assert g.graph["network"] == "congruence"
    assert all(0 < d["weight"] <= 1 for *_, d in g.edges(data=True))
    s = json.loads(stats.read_text(encoding="utf-8"))
    assert set(s) >= {"degree", "betweenness", "communities", "polarisation"}
    if can_plot:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dna_export_from_cli(tmp_path: Path) -> None:
    out = tmp_path / "out.dna"
    code, output = run("network", JSONL, "--codebook", CODEBOOK, "-o", str(out))
    assert code == 0, output
    with sqlite3.connect(out) as con:
        n = con.execute("SELECT COUNT(*) FROM STATEMENTS").fetchone()[0]
        labels = {r[0] for r in con.execute("SELECT Value FROM ENTITIES e JOIN VARIABLES v ON"
                                            " v.ID = e.VariableId WHERE v.Variable='concept'")}
    assert n > 0
    assert {c.label for c in load_codebook(CODEBOOK)} >= labels - {""}


def test_dna_export_takes_texts_from_files(tmp_path: Path) -> None:
    lines = []
    texts = tmp_path / "texts"
    texts.mkdir()
    for line in Path(JSONL).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        (texts / f"{record['doc_id']}.txt").write_text(record.pop("text"), encoding="utf-8")
        lines.append(json.dumps(record))
    stripped = tmp_path / "notext.jsonl"
    stripped.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = run("network", str(stripped), "--codebook", CODEBOOK, "-o",
                       str(tmp_path / "a.dna"))
    assert code == 2 and "no text" in output
    assert not (tmp_path / "a.dna").exists()
    code, output = run("network", str(stripped), "--codebook", CODEBOOK, "-o",
                       str(tmp_path / "a.dna"), "--texts", str(texts))
    assert code == 0, output


def test_time_windows_write_one_file_each(tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    code, output = run("network", JSONL, "--codebook", CODEBOOK, "-o", str(out),
                       "--window", "30d", "--step", "30d")
    assert code == 0, output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["w_2024-03-01.csv", "w_2024-03-31.csv"]


def test_filters_from_cli(tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    code, output = run("network", JSONL, "--codebook", CODEBOOK, "-o", str(out),
                       "--outlet", "Harbour Times", "--actor-type", "person")
    assert code == 0, output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["statements"].startswith("harbour-3:") for r in rows)


def test_bad_codebook_is_a_usage_error_naming_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("concepts:\n  - id: x\n", encoding="utf-8")
    code, output = run("network", JSONL, "--codebook", str(bad), "-o", str(tmp_path / "e.csv"))
    assert code == 2
    assert f"{bad}:2" in output and "label" in output


def test_bad_input_line_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(Path(JSONL).read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    out = tmp_path / "e.csv"
    code, output = run("network", str(mixed), "--codebook", CODEBOOK, "-o", str(out))
    assert code == 1
    assert f"{mixed}:4" in output
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) > 0


def test_concepts_suggest_writes_a_valid_codebook(tmp_path: Path) -> None:
    out = tmp_path / "suggested.yaml"
    code, output = run("concepts", JSONL, "--suggest", "-k", "3", "-o", str(out))
    assert code == 0, output
    cb = load_codebook(out)
    assert 1 <= len(cb) <= 3
    contents = {q["content"]["text"].strip() for line in Path(JSONL).read_text().splitlines()
                for q in json.loads(line)["quotes"]}
    for concept in cb:
        assert concept.keywords
        assert all(" ".join(e.split()) in {" ".join(c.split()) for c in contents}
                   for e in concept.examples)


def test_concepts_check(tmp_path: Path) -> None:
    code, output = run("concepts", "--check", CODEBOOK)
    assert code == 0 and "3 concepts, valid" in output


def test_store_input_gives_the_same_network_as_jsonl(tmp_path: Path) -> None:
    from saidwhat.store.db import DocumentRecord, ExtractionResult, Store

    records = [json.loads(line) for line in Path(JSONL).read_text(encoding="utf-8").splitlines()]
    db = tmp_path / "saidwhat.db"
    with Store(db) as store:
        store.add_documents([DocumentRecord(doc_id=r["doc_id"], text=r["text"], format="txt",
                                            source=f"{r['doc_id']}.txt", title=r["meta"]["title"],
                                            date=r["meta"]["date"], outlet=r["meta"]["outlet"])
                             for r in records], None)
        by_id = {r["doc_id"]: r for r in records}
        for batch in store.pending_batches(10):
            store.save_results([ExtractionResult(pk, {k: v for k, v in by_id[doc_id].items()
                                                      if k in ("doc_id", "quotes", "entities")})
                                for pk, doc_id, _ in batch], None)
    from_db, from_jsonl = tmp_path / "db.csv", tmp_path / "jsonl.csv"
    code, output = run("network", "--db", str(db), "--codebook", CODEBOOK, "-o", str(from_db),
                       "--outlet", "Coastal Gazette")
    assert code == 0, output
    run("network", JSONL, "--codebook", CODEBOOK, "-o", str(from_jsonl),
        "--outlet", "Coastal Gazette")
    assert from_db.read_text(encoding="utf-8") == from_jsonl.read_text(encoding="utf-8")
    code, output = run("network", "--db", str(db), "--codebook", CODEBOOK, "-o",
                       str(tmp_path / "db.dna"))
    assert code == 0, output  # the store keeps the texts the .dna export needs


def _with_extra_documents(tmp_path: Path) -> Path:
    """The fixture plus an undated document with no quotes (nothing to code)."""
    path = tmp_path / "more.jsonl"
    extra = {"doc_id": "harbour-9", "text": "The harbour ferry timetable changes on Monday.",
             "meta": {"title": "Ferry times", "outlet": "Harbour Times"}, "quotes": [],
             "entities": []}
    path.write_text(Path(JSONL).read_text(encoding="utf-8") + json.dumps(extra) + "\n",
                    encoding="utf-8")
    return path


def _dna_documents(path: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(path) as con:
        return {notes.removeprefix("saidwhat doc_id: "): (text, day) for notes, text, day in
                con.execute("SELECT Notes, Text, Date FROM DOCUMENTS")}


def test_dna_export_holds_every_document_and_dates_the_undated(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from saidwhat.evaluation.dna import read_statements

    source = _with_extra_documents(tmp_path)
    out = tmp_path / "all.dna"
    code, output = run("network", str(source), "--codebook", CODEBOOK, "-o", str(out),
                       "--default-date", "2024-05-02")
    assert code == 0, output
    docs = _dna_documents(out)
    assert set(docs) == {"harbour-1", "harbour-2", "harbour-3", "harbour-9"}  # uncoded too
    assert docs["harbour-9"][0].startswith("The harbour ferry")
    assert datetime.fromtimestamp(docs["harbour-9"][1], UTC).date().isoformat() == "2024-05-02"
    assert datetime.fromtimestamp(docs["harbour-3"][1], UTC).date().isoformat() == "2024-04-25"
    assert "1 document(s) without a date: dated 2024-05-02" in output
    assert len(read_statements(out)) > 0  # the DNA readers read it back
    from saidwhat.evaluation.dna import read_documents
    assert len(read_documents(out)) == 4
    out2 = tmp_path / "today.dna"
    code, output = run("network", str(source), "--codebook", CODEBOOK, "-o", str(out2))
    assert code == 0, output
    day = datetime.fromtimestamp(_dna_documents(out2)["harbour-9"][1], UTC).date()
    assert day == datetime.now(UTC).date()  # never 1970
    assert "warning: 1 document(s) without a date or ingest date" in output
    assert "--default-date" in output


def test_dna_export_dates_undated_documents_by_their_ingest_date(tmp_path: Path) -> None:
    source = tmp_path / "ingested.jsonl"
    record = {"doc_id": "x1", "text": "Nothing to see.", "quotes": [], "entities": [],
              "meta": {"ingested_at": "2023-11-05T10:00:00Z"}}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "x.dna"
    code, output = run("network", str(source), "--codebook", CODEBOOK, "-o", str(out))
    assert code == 0, output
    from datetime import UTC, datetime
    day = datetime.fromtimestamp(_dna_documents(out)["x1"][1], UTC).date()
    assert day.isoformat() == "2023-11-05"
    assert "ingest date" in output


def test_bad_default_date_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("network", JSONL, "--codebook", CODEBOOK, "-o", str(tmp_path / "x.dna"),
                       "--default-date", "05/02/2024")
    assert code == 2 and "--default-date" in output
    assert not (tmp_path / "x.dna").exists()


def test_missing_store_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    code, output = run("network", "--db", str(tmp_path / "none.db"), "--codebook", CODEBOOK,
                       "-o", str(out), "--stats", str(tmp_path / "s.json"))
    assert code == 2
    assert "none.db: no such store" in output
    assert "polarisation" not in output and "degree" not in output  # no statistics
    assert list(tmp_path.iterdir()) == []


def test_network_honours_saidwhat_db(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAIDWHAT_DB", str(tmp_path / "elsewhere.db"))
    monkeypatch.chdir(tmp_path)
    code, output = run("network", "--codebook", CODEBOOK, "-o", str(tmp_path / "e.csv"))
    assert code == 2 and "elsewhere.db: no such store" in output
