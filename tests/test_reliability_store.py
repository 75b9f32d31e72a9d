"""`saidwhat reliability --db`: coder-vs-coder figures from the review layer's hand codes
(units paired on doc_id + anchor span), "no concept" from documents marked reviewed, and the
machine as one more coder with --codebook. The figures are computed by hand below."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.network.reviewed import MACHINE_CODER, store_codings, unit_of
from saidwhat.store import DocumentRecord, ExtractionResult, Store

CODEBOOK = str(Path(__file__).parent / "data" / "network" / "codebook.yaml")
CONTENTS = ["a congestion charge would clear the old town",
            "the toll is a fair price for cleaner air",
            "we need more buses on every route",
            "bus routes should run all night",
            "more buses would waste money",
            "drivers should pay a congestion charge"]
NAMES = ["Ada Moss", "Ben Lark", "Cai Dunn", "Dee Holt", "Eli Fenn", "Fay Grove"]
TEXT = " ".join(f"{n} said that {c}." for n, c in zip(NAMES, CONTENTS, strict=True))
CHARGE, BUSES = "congestion-charge", "more-buses"
# (ann's code, bob's code) per attribution q1..q6; None: bob coded nothing there
CODES = [((CHARGE, "support"), (CHARGE, "support")),
         ((CHARGE, "oppose"), (CHARGE, "support")),
         ((BUSES, "support"), (BUSES, "support")),
         ((BUSES, "support"), (CHARGE, "support")),
         ((BUSES, "oppose"), (BUSES, "oppose")),
         ((CHARGE, "support"), None)]


def span(part: str) -> dict:
    i = TEXT.index(part)
    return {"start": i, "end": i + len(part), "text": part}


def make_store(path: Path, *, bob_reviews: bool = True) -> Path:
    quotes = [{"id": f"q{i + 1}", "kind": "indirect", "content": span(c),
               "cue": {"start": TEXT.index(n) + len(n) + 1, "end": TEXT.index(n) + len(n) + 5,
                       "text": "said"},
               "source": span(n), "channel": None,
               "speaker": {"name": n, "type": "person", "role": None, "affiliation": None}}
              for i, (n, c) in enumerate(zip(NAMES, CONTENTS, strict=True))]
    with Store(path) as store:
        store.add_documents([DocumentRecord("d0", TEXT, "txt", "d0.txt", title="Town",
                                            date="2024-03-01")], None)
        store.save_results([ExtractionResult(1, {"quotes": quotes, "entities": []})], None)
        for i, (ann, bob) in enumerate(CODES):
            for coder, code in (("ann", ann), ("bob", bob)):
                if code is not None:
                    store.add_correction("d0", "code", coder=coder, quote_id=f"q{i + 1}",
                                         value={"concept": code[0], "agreement": code[1]})
        # a code changed, then undone: the first one counts
        store.add_correction("d0", "code", coder="bob", quote_id="q1",
                             value={"concept": CHARGE, "agreement": "oppose"})
        store.undo_correction(coder="bob", doc_id="d0")
        if bob_reviews:
            store.add_correction("d0", "reviewed", coder="bob", value={"reviewed": True})
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["reliability", *args])
    return result.exit_code, result.output


def test_units_pair_on_the_anchor_and_reviewed_documents_give_no_concept(tmp_path: Path
                                                                          ) -> None:
    db = make_store(tmp_path / "s.db")
    with Store(db, readonly=True) as store:
        got = store_codings(store)
    assert got.coders == ["ann", "bob"] and got.units == 6
    assert got.none_from_reviewed == 1  # q6: bob reviewed the document, coded nothing there
    q6 = span(CONTENTS[5])
    bob = {r.unit: (r.concept, r.agreement) for r in got.records if r.coder == "bob"}
    assert bob[unit_of("d0", q6["start"], q6["end"])] == ("", "")
    q1 = span(CONTENTS[0])
    assert bob[unit_of("d0", q1["start"], q1["end"])] == (CHARGE, "support")  # undo held


def test_reliability_db_coder_vs_coder_figures(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db")
    out = tmp_path / "rel.json"
    code, output = run("--db", str(db), "-o", str(out))
    assert code == 0, output
    assert "2 coders: ann, bob" in output and "1 'no concept' from documents marked" in output
    data = json.loads(out.read_text(encoding="utf-8"))
    # concept, 6 units: ann C C B B B C, bob C C B C B none. p_o = 4/6;
    # p_e = (3*3 + 3*2) / 36 = 15/36; kappa = (24/36 - 15/36) / (21/36) = 3/7.
    # alpha: n = 12 values (C 6, B 5, none 1); D_o = 4/12; D_e = (144 - 62) / 132;
    # alpha = 1 - (1/3) / (82/132) = 19/41.
    concept = data["concept"]
    assert concept["units"] == 6
    assert concept["pairs"][0]["percent"] == pytest.approx(4 / 6, abs=1e-4)
    assert concept["pairs"][0]["kappa"] == pytest.approx(3 / 7, abs=1e-4)
    assert concept["alpha"] == pytest.approx(19 / 41, abs=1e-4)
    # agreement, on the 4 units with the same concept: ann s o s o, bob s s s o.
    # p_o = 3/4; p_e = (2*3 + 2*1) / 16 = 1/2; kappa = 1/2.
    # alpha: n = 8 (s 5, o 3); D_o = 2/8; D_e = (64 - 34) / 56; alpha = 1 - 56/120 = 8/15.
    agreement = data["agreement"]
    assert agreement["units"] == 4
    assert agreement["pairs"][0]["kappa"] == pytest.approx(1 / 2, abs=1e-4)
    assert agreement["alpha"] == pytest.approx(8 / 15, abs=1e-4)


def test_coded_only_and_unreviewed_leave_uncoded_attributions_missing(tmp_path: Path) -> None:
    # 5 units: ann C C B B B, bob C C B C B. p_o = 4/5; p_e = (2*3 + 3*2) / 25 = 12/25;
    # kappa = (20/25 - 12/25) / (13/25) = 8/13.
    for db, extra in ((make_store(tmp_path / "a.db"), ("--coded-only",)),
                      (make_store(tmp_path / "b.db", bob_reviews=False), ())):
        out = tmp_path / f"{db.stem}.json"
        code, output = run("--db", str(db), "-o", str(out), *extra)
        assert code == 0, output
        concept = json.loads(out.read_text(encoding="utf-8"))["concept"]
        assert concept["units"] == 5
        assert concept["pairs"][0]["kappa"] == pytest.approx(8 / 13, abs=1e-4)


def test_machine_vs_coder_with_a_codebook(tmp_path: Path) -> None:
    from saidwhat.network.codebook import load_codebook
    from saidwhat.network.coding import ConceptCoder
    from saidwhat.network.reliability import Coding, reliability_report
    from saidwhat.nlp import load_nlp

    db = make_store(tmp_path / "s.db")
    out = tmp_path / "rel.json"
    code, output = run("--db", str(db), "--codebook", CODEBOOK, "-o", str(out))
    assert code == 0, output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["coders"] == ["ann", "bob", MACHINE_CODER]
    pairs = {tuple(p["coders"]): p for p in data["concept"]["pairs"]}
    assert pairs[("ann", MACHINE_CODER)]["units"] == 6  # every unit a coder coded
    # the machine's records are ConceptCoder's codes of each attribution (public API)
    coder = ConceptCoder(load_codebook(CODEBOOK), load_nlp())
    machine = []
    for c, found in zip(CONTENTS, coder.code_many([(c, "said") for c in CONTENTS]),
                        strict=True):
        s = span(c)
        unit = unit_of("d0", s["start"], s["end"])
        machine += [Coding(MACHINE_CODER, unit, x.concept_id, x.qualifier) for x in found] \
            or [Coding(MACHINE_CODER, unit, "", "")]
    assert any(r.concept == BUSES for r in machine[2:4])  # "more buses": a keyword
    with Store(db, readonly=True) as store:
        humans = store_codings(store).records
    expected = reliability_report(humans + machine)
    assert data["concept"]["alpha"] == pytest.approx(expected.concept.alpha, abs=1e-4)
    exp_pairs = {p.coders: p for p in expected.concept.pairs}
    assert pairs[("ann", MACHINE_CODER)]["kappa"] == pytest.approx(
        exp_pairs[("ann", MACHINE_CODER)].kappa, abs=1e-4)


def test_reliability_db_usage_errors(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db")
    code, output = run("--db", str(db), "--coder", "cy")
    assert code == 2 and "no corrections by coder 'cy'" in output
    code, output = run("--db", str(db), "--coder", "ann")
    assert code == 2 and "one coder only (ann)" in output and "--codebook" in output
    code, output = run("--db", str(tmp_path / "none.db"))
    assert code == 2 and "no such store" in output
    code, output = run("--codebook", CODEBOOK, str(tmp_path / "x.csv"))
    assert code == 2 and "give --db" in output
    empty = tmp_path / "e.db"
    with Store(empty) as store:
        store.add_documents([DocumentRecord("d0", TEXT, "txt", "d0.txt")], None)
    code, output = run("--db", str(empty))
    assert code == 2 and "no hand-coded statements" in output
