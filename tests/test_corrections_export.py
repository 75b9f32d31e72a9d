"""Corrected data out: `export --format gold|brat` writes the reviewed documents with the
corrections applied, readable by saidwhat's gold readers, so `eval --gold DIR` scores the
machine against the researcher."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_corrections import TEXT, make_store, span

from saidwhat.cli import main
from saidwhat.evaluation import load_gold
from saidwhat.store import Store
from saidwhat.store.review_export import file_stem


def review(db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d0", "reject", coder="ann", quote_id="q3")
        store.add_correction("d0", "speaker", coder="ann", quote_id="q2",
                             value={"name": "Transport Union", "type": "organization"})
        store.add_correction("d0", "span", coder="ann", quote_id="q1",
                             value={"role": "content", **span(TEXT, "four hundred homes")})
        store.add_correction("d0", "add", coder="ann", value={
            "kind": "direct", "content": span(TEXT, "It is a start,"),
            "cue": span(TEXT, "said", 3), "source": span(TEXT, "a resident"),
            "speaker": {"name": None, "type": "anonymous", "role": "resident"}})
        store.add_correction("d0", "reviewed", coder="ann", value={"reviewed": True})
        store.add_correction("d1", "reject", coder="ann", quote_id="q1")  # not reviewed


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_gold_export_holds_the_corrections_of_reviewed_documents(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db", docs=2)
    review(db)
    out = tmp_path / "gold"
    cli("export", "--db", str(db), "--format", "gold", "-o", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["d0.json"]
    gold = load_gold(out)
    assert gold.errors == [] and [d.doc_id for d in gold.documents] == ["d0"]
    doc = gold.documents[0]
    got = [(doc.text[a.content[0][0]:a.content[0][1]], a.speaker.name if a.speaker else None)
           for a in doc.attributions]
    assert got == [("four hundred homes", "Ana Ruiz"),
                   ("the budget was too small", "Transport Union"),
                   ("It is a start,", None)]
    record = json.loads((out / "d0.json").read_text(encoding="utf-8"))
    assert record["attributions"][2]["source"]["text"] == "a resident"


def test_eval_scores_the_machine_against_the_researcher(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db", docs=2)
    review(db)
    cli("export", "--db", str(db), "--format", "gold", "-o", str(tmp_path / "gold"))
    cli("export", "--db", str(db), "--format", "jsonl", "--text", "-o",
        str(tmp_path / "machine.jsonl"))
    cli("eval", "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "machine.jsonl"),
        "--json", str(tmp_path / "score.json"))
    micro = json.loads((tmp_path / "score.json").read_text(encoding="utf-8"))["micro"]
    strict = micro["attribution.strict"]
    # machine: 3 attributions; researcher: 3. The rejected one is a false positive, the
    # added one a miss; the shortened content still matches (token-F1 2*3/(3+6) >= 0.5)
    assert (strict["tp"], strict["n_pred"], strict["n_gold"]) == (2, 3, 3)


def test_brat_export_reads_back_with_the_brat_reader(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db", docs=2)
    review(db)
    out = tmp_path / "brat"
    cli("export", "--db", str(db), "--format", "brat", "-o", str(out))
    assert (out / "text" / "d0.txt").read_text(encoding="utf-8") == TEXT
    gold = load_gold(out)
    assert gold.errors == []
    doc = gold.documents[0]
    spans = sorted((doc.text[a.content[0][0]:a.content[0][1]],
                    doc.text[a.source[0][0]:a.source[0][1]] if a.source else None)
                   for a in doc.attributions)
    assert spans == [("It is a start,", "a resident"), ("four hundred homes", "Mayor Ana Ruiz"),
                     ("the budget was too small", "The union")]


def test_no_document_id_names_a_path() -> None:
    taken: set[str] = set()
    names = [file_stem(i, taken) for i in ("a1", "../../etc/passwd", "A1", "x/y", "..")]
    assert names[0] == "a1"
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert len({n.casefold() for n in names}) == 5
