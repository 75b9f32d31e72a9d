"""`saidwhat network --db` with the review layer's corrections (rejected attributions out,
added ones in, corrected speakers and spans, hand codes over the machine's coding),
`--no-corrections` for the machine's network, `--coder` for one coder's."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.store import DocumentRecord, ExtractionResult, Store

CODEBOOK = str(Path(__file__).parent / "data" / "network" / "codebook.yaml")
TEXT = ("\u201cWe need more buses on every route,\u201d said Mara Quill. "
        "The council said new cycle lanes would be a waste of money. "
        "Tom Reyes said a congestion charge is the only answer. "
        "Lee Park said that it was raining, and a toll on drivers would clear the streets. "
        "Residents want more buses at night.")


def span(part: str, text: str = TEXT) -> dict:
    i = text.index(part)
    return {"start": i, "end": i + len(part), "text": part}


def quote(qid: str, content: str, cue: str, source: str, name: str, kind: str = "person",
          q_kind: str = "indirect") -> dict:
    return {"id": qid, "kind": q_kind, "content": span(content), "cue": span(cue),
            "source": span(source), "channel": None,
            "speaker": {"name": name, "type": kind, "role": None, "affiliation": None}}


def machine_quotes() -> list[dict]:
    said = [i for i in range(len(TEXT)) if TEXT.startswith("said", i)]
    qs = [quote("q1", "We need more buses on every route,", "said", "Mara Quill", "Mara Quill",
                q_kind="direct"),
          quote("q2", "new cycle lanes would be a waste of money", "said", "The council",
                "city council", "organization"),
          quote("q3", "a congestion charge is the only answer", "said", "Tom Reyes",
                "Tom Reyes"),
          quote("q4", "it was raining", "said", "Lee Park", "Lee Park")]
    for q, at in zip(qs, said, strict=True):  # each its own "said"
        q["cue"] = {"start": at, "end": at + 4, "text": "said"}
    return qs


def make_store(path: Path) -> Path:
    with Store(path) as store:
        store.add_documents([DocumentRecord("d0", TEXT, "txt", "d0.txt", title="Buses",
                                            date="2024-03-01", outlet="Gazette")], None)
        store.save_results([ExtractionResult(1, {"quotes": machine_quotes(), "entities": []})],
                           None)
    return path


def correct(path: Path) -> None:
    with Store(path) as store:
        store.add_correction("d0", "reject", coder="ann", quote_id="q3")
        store.add_correction("d0", "speaker", coder="ann", quote_id="q1",
                             value={"name": "Ana Ruiz", "type": "person"})
        store.add_correction("d0", "span", coder="ann", quote_id="q4",
                             value={"role": "content",
                                    **span("a toll on drivers would clear the streets")})
        store.add_correction("d0", "code", coder="ann", quote_id="q2",
                             value={"concept": "more-buses", "agreement": "oppose"})
        store.add_correction("d0", "add", coder="ann", value={
            "content": span("more buses at night"), "cue": span("want"),
            "source": span("Residents"),
            "speaker": {"name": "Harbour Residents Group", "type": "organization"}})
        store.add_correction("d0", "code", coder="bob", quote_id="q1",
                             value={"concept": "cycle-lanes", "agreement": "oppose"})


def edges(out: Path) -> set[tuple[str, str, str]]:
    return {(r["actor"], r["concept"], r["qualifier"])
            for r in csv.DictReader(out.open(encoding="utf-8"))}


def network(tmp_path: Path, db: Path, name: str, *extra: str) -> set[tuple[str, str, str]]:
    out = tmp_path / f"{name}.csv"
    result = CliRunner().invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                       "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return edges(out)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path / "s.db")


def test_network_db_applies_the_corrections_and_no_corrections_gives_the_machines(
        tmp_path: Path, db: Path) -> None:
    before = network(tmp_path, db, "before")  # no corrections yet: the machine's network
    correct(db)
    machine = network(tmp_path, db, "machine", "--no-corrections")
    assert machine == before
    actors = {a for a, _, _ in machine}
    # the machine's own reading of the store (what the corrections will change)
    assert ("Tom Reyes", "congestion-charge", "support") in machine
    assert "Mara Quill" in actors and "Ana Ruiz" not in actors
    assert "Lee Park" not in actors  # its content span ("it was raining") codes nothing
    assert "Harbour Residents Group" not in actors

    fixed = network(tmp_path, db, "fixed")
    by_actor: dict[str, set[tuple[str, str]]] = {}
    for a, c, q in fixed:
        by_actor.setdefault(a, set()).add((c, q))
    assert "Tom Reyes" not in by_actor  # rejected
    assert "Mara Quill" not in by_actor  # her quote's speaker was corrected ...
    assert by_actor["Ana Ruiz"] == {("cycle-lanes", "oppose")}  # ... and bob's code overrides
    assert by_actor["city council"] == {("more-buses", "oppose")}  # ann's code overrides
    assert ("congestion-charge", "support") in by_actor["Lee Park"]  # the corrected span
    assert ("more-buses", "support") in by_actor["Harbour Residents Group"]  # added, machine-coded


def test_one_coders_corrections_with_coder(tmp_path: Path, db: Path) -> None:
    correct(db)
    bob = network(tmp_path, db, "bob", "--coder", "bob")
    actors = {a for a, _, _ in bob}
    assert {("Mara Quill", c, q) for a, c, q in bob if a == "Mara Quill"} == {
        ("Mara Quill", "cycle-lanes", "oppose")}  # bob's code, bob's (un)corrected speaker
    assert "Tom Reyes" in actors and "Ana Ruiz" not in actors  # ann's corrections left out
    assert "Harbour Residents Group" not in actors
    ann = network(tmp_path, db, "ann", "--coder", "ann")
    assert ("Ana Ruiz", "cycle-lanes", "oppose") not in ann  # bob's code left out
    assert ("city council", "more-buses", "oppose") in ann


def test_exports_and_statements_carry_the_corrections(tmp_path: Path, db: Path) -> None:
    correct(db)
    gml, dna, stm = tmp_path / "n.graphml", tmp_path / "n.dna", tmp_path / "s.jsonl"
    runner = CliRunner()
    result = runner.invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                  "-o", str(gml), "--statements", str(stm)])
    assert result.exit_code == 0, result.output
    assert "corrections: 1 document(s) corrected; 1 attribution(s) rejected, 1 added" \
        in result.output
    labels = {d.get("label") for _, d in nx.read_graphml(gml).nodes(data=True)}
    assert {"Ana Ruiz", "Lee Park", "Harbour Residents Group"} <= labels
    assert not {"Tom Reyes", "Mara Quill"} & labels
    rows = [json.loads(line) for line in stm.read_text(encoding="utf-8").splitlines()]
    lee = [r for r in rows if r["actor"] == "Lee Park"]
    assert lee and all(r["content"]["text"] == "a toll on drivers would clear the streets"
                       for r in lee)
    council = [r for r in rows if r["actor"] == "city council"]
    assert [(r["concept"], r["evidence"]) for r in council] == [("more-buses", ["coded by ann"])]

    result = runner.invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                  "-o", str(dna)])
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(dna)
    try:
        values = {r[0] for r in con.execute("SELECT Value FROM ENTITIES")}
        stops = {r[0] for r in con.execute("SELECT Stop FROM STATEMENTS")}
    finally:
        con.close()
    assert {"Ana Ruiz", "Lee Park", "Harbour Residents Group"} <= values
    assert "Tom Reyes" not in values and "Mara Quill" not in values
    # Lee Park's statement covers the corrected content, not the machine's "it was raining"
    toll = span("a toll on drivers would clear the streets")
    assert toll["end"] in stops


def test_coder_and_no_corrections_usage_errors(tmp_path: Path, db: Path) -> None:
    correct(db)
    runner = CliRunner()
    base = ["network", "--db", str(db), "--codebook", CODEBOOK, "-o", str(tmp_path / "x.csv")]
    result = runner.invoke(main, [*base, "--coder", "cy"])
    assert result.exit_code == 2 and "no corrections by coder 'cy'" in result.output
    assert "ann, bob" in result.output
    result = runner.invoke(main, [*base, "--coder", "ann", "--no-corrections"])
    assert result.exit_code == 2 and "--no-corrections" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_hand_codes_outside_the_codebook_are_left_out_with_a_warning(tmp_path: Path,
                                                                 db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d0", "code", coder="ann", quote_id="q2",
                             value={"concept": "harbour-ferry", "agreement": "support"})
    out = tmp_path / "e.csv"
    result = CliRunner().invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "concepts not in" in result.output and "harbour-ferry" in result.output
    # as the network page does: coded against another codebook, not this network's
    assert not any(concept == "harbour-ferry" for _, concept, _ in edges(out))


# Few-shot from the review layer: a statement in words no concept entry uses is coded only
# once a coder has hand-coded a statement like it; --no-learn turns that off. The rules alone
# (--method lexical): embedding similarity finds "shuttle vans" near "more buses" unaided.
LEARN_TEXT = ("Ivo Brand said the harbour shuttle vans should run every night. "
              "Una Kell said shuttle vans on the harbour should run every night too.")


def _learn_store(path: Path) -> Path:
    said = [i for i in range(len(LEARN_TEXT)) if LEARN_TEXT.startswith("said", i)]
    qs = []
    for n, (content, name) in enumerate((
            ("the harbour shuttle vans should run every night", "Ivo Brand"),
            ("shuttle vans on the harbour should run every night too", "Una Kell")), 1):
        qs.append({"id": f"q{n}", "kind": "indirect", "content": span(content, LEARN_TEXT),
                   "cue": {"start": said[n - 1], "end": said[n - 1] + 4, "text": "said"},
                   "source": span(name, LEARN_TEXT), "channel": None,
                   "speaker": {"name": name, "type": "person", "role": None,
                               "affiliation": None}})
    with Store(path) as store:
        store.add_documents([DocumentRecord("d1", LEARN_TEXT, "txt", "d1.txt", title="Vans",
                                            date="2024-03-02", outlet="Gazette")], None)
        store.save_results([ExtractionResult(1, {"quotes": qs, "entities": []})], None)
        store.add_correction("d1", "code", coder="ann", quote_id="q1",
                             value={"concept": "more-buses", "agreement": "support"})
    return path


def test_hand_codes_teach_the_coder_the_statements_nobody_coded(tmp_path: Path) -> None:
    db = _learn_store(tmp_path / "learn.db")
    runner = CliRunner()
    learned = runner.invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                   "--method", "lexical", "-o", str(tmp_path / "learned.csv")])
    assert learned.exit_code == 0, learned.output
    assert "few-shot: 1 labelled statement(s)" in learned.output
    assert edges(tmp_path / "learned.csv") == {("Ivo Brand", "more-buses", "support"),
                                               ("Una Kell", "more-buses", "support")}
    alone = runner.invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                 "--method", "lexical", "--no-learn",
                                 "-o", str(tmp_path / "alone.csv")])
    assert alone.exit_code == 0, alone.output
    assert edges(tmp_path / "alone.csv") == {("Ivo Brand", "more-buses", "support")}


def test_examples_file_teaches_the_coder(tmp_path: Path) -> None:
    db = _learn_store(tmp_path / "learn.db")
    with Store(db) as store:  # no hand codes: the file is the only teacher
        for c in store.corrections("d1"):
            store.undo_correction(coder="ann", correction_id=c.id)
    examples = tmp_path / "examples.jsonl"
    examples.write_text(json.dumps({"text": "harbour shuttle vans should run at night",
                                    "concept": "more-buses", "agreement": "support"}) + "\n",
                        encoding="utf-8")
    out = tmp_path / "ex.csv"
    result = CliRunner().invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                       "--method", "lexical", "--examples", str(examples),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert ("Una Kell", "more-buses", "support") in edges(out)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    broken = CliRunner().invoke(main, ["network", "--db", str(db), "--codebook", CODEBOOK,
                                       "--examples", str(bad), "-o", str(tmp_path / "b.csv")])
    assert broken.exit_code == 2 and "bad.jsonl:1" in broken.output
