"""Reliability: Krippendorff's alpha and Cohen's kappa against published values, the report
on concept and agreement, and the `reliability` command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.network.reliability import (
    Coding,
    ReliabilityError,
    cohen_kappa,
    krippendorff_alpha,
    read_codings,
    reliability_report,
)

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, missing values.
K2011 = list(zip([1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
                 [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
                 [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
                 [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N], strict=True))


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_worked_example(level: str, published: float) -> None:
    assert round(krippendorff_alpha(K2011, level), 3) == published


def test_alpha_takes_a_mapping_and_ignores_unpairable_units() -> None:
    by_unit = {f"u{i}": list(u) for i, u in enumerate(K2011)}
    assert krippendorff_alpha(by_unit) == pytest.approx(krippendorff_alpha(K2011))
    assert krippendorff_alpha([["a", "a"], ["b", "b"], ["a", None]]) == 1.0
    with pytest.raises(ReliabilityError, match="nothing to compare"):
        krippendorff_alpha([["a", None], [None, "b"]])
    with pytest.raises(ReliabilityError, match="unknown level"):
        krippendorff_alpha(K2011, "cardinal")


def test_alpha_of_systematic_disagreement_is_negative() -> None:
    assert krippendorff_alpha([["a", "b"], ["b", "a"], ["a", "b"], ["b", "a"]]) < 0


def test_cohen_kappa_worked_example() -> None:
    # 50 items: both yes 20, A yes / B no 5, A no / B yes 10, both no 15:
    # p_o = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == 1.0
    with pytest.raises(ReliabilityError, match="same units"):
        cohen_kappa(a, b[:-1])


def test_cohen_kappa_three_categories() -> None:
    # counts (A, B): (x,x) 10, (x,y) 2, (y,y) 8, (y,z) 2, (z,z) 6, (z,x) 2 -> n = 30
    pairs = ([("x", "x")] * 10 + [("x", "y")] * 2 + [("y", "y")] * 8 + [("y", "z")] * 2
             + [("z", "z")] * 6 + [("z", "x")] * 2)
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    p_o = 24 / 30
    p_e = (12 * 12 + 10 * 10 + 8 * 8) / 900  # marginals A: 12,10,8; B: 12,10,8
    assert cohen_kappa(a, b) == pytest.approx((p_o - p_e) / (1 - p_e))


CODINGS = [
    # unit, coder ann, coder bob, coder cy: (concept, agreement)
    ("s1", ("tax", "support"), ("tax", "support"), ("tax", "support")),
    ("s2", ("tax", "oppose"), ("tax", "oppose"), ("tax", "support")),
    ("s3", ("rail", "support"), ("rail", "support"), ("rail", "support")),
    ("s4", ("rail", "oppose"), ("tax", "oppose"), ("rail", "oppose")),
    ("s5", ("", ""), ("", ""), ("bus", "support")),
    ("s6", ("bus", "support"), ("bus", "support"), ("bus", "support")),
]


def _records() -> list[Coding]:
    return [Coding(coder, unit, concept, agreement) for unit, *codes in CODINGS
            for coder, (concept, agreement) in zip(("ann", "bob", "cy"), codes, strict=True)]


def test_report_on_concept_and_agreement() -> None:
    r = reliability_report(_records())
    assert r.coders == ["ann", "bob", "cy"]
    assert r.concept.units == 6
    pair = {p.coders: p for p in r.concept.pairs}
    assert pair[("ann", "bob")].percent == pytest.approx(5 / 6)  # s4 differs
    ann = [c or "none" for _, (c, _), _, _ in CODINGS]
    bob = [c or "none" for _, _, (c, _), _ in CODINGS]
    assert pair[("ann", "bob")].kappa == pytest.approx(cohen_kappa(ann, bob))
    cy = [c or "none" for *_, (c, _) in CODINGS]
    assert r.concept.alpha == pytest.approx(
        krippendorff_alpha(list(zip(ann, bob, cy, strict=True))))
    # agreement: compared only where two coders coded the same concept
    agree = {p.coders: p for p in r.agreement.pairs}
    assert agree[("ann", "bob")].units == 4  # s1 tax, s2 tax, s3 rail, s6 bus
    assert agree[("ann", "cy")].units == 5  # s1, s2, s3, s4 rail, s6
    assert agree[("ann", "cy")].percent == pytest.approx(4 / 5)  # s2 differs
    kappas = [p.kappa for p in r.concept.pairs]
    assert r.concept.light_kappa == pytest.approx(sum(kappas) / 3)
    text = r.to_text()
    assert "Krippendorff's alpha" in text and "ann vs bob" in text


def test_machine_vs_coder_is_just_another_coder() -> None:
    records = _records() + [Coding("saidwhat", u, c, a) for u, (c, a), *_ in CODINGS]
    r = reliability_report(records)
    machine = [p for p in r.concept.pairs if p.coders == ("ann", "saidwhat")][0]
    assert machine.percent == 1.0 and machine.kappa == 1.0


def _write_csv(path: Path, rows: list[Coding]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["coder", "unit", "concept", "agreement"])
        for c in rows:
            w.writerow([c.coder, c.unit, c.concept,
                        {"support": "1", "oppose": "0", "": ""}[c.agreement]])


def test_read_codings_csv_and_jsonl(tmp_path: Path) -> None:
    _write_csv(tmp_path / "c.csv", _records())
    got, errors = read_codings(tmp_path / "c.csv")
    assert errors == [] and got == _records()
    jl = tmp_path / "c.jsonl"
    jl.write_text("".join(json.dumps({"coder": c.coder, "unit_key": c.unit,
                                      "concept": c.concept, "agreement": c.agreement}) + "\n"
                          for c in _records()) + "{bad\n", encoding="utf-8")
    got, errors = read_codings(jl)
    assert got == _records()
    assert len(errors) == 1 and f"{jl}:{len(_records()) + 1}" in errors[0]


def test_reliability_command(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    _write_csv(path, _records())
    out = tmp_path / "rel.json"
    result = CliRunner().invoke(main, ["reliability", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "concept: 6 units" in result.output and "agreement:" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["concept"]["alpha"] == pytest.approx(
        reliability_report(_records()).concept.alpha, abs=1e-4)
    assert {tuple(p["coders"]) for p in data["agreement"]["pairs"]} == {
        ("ann", "bob"), ("ann", "cy"), ("bob", "cy")}


def test_reliability_command_usage_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reliability", str(tmp_path / "none.csv")])
    assert result.exit_code == 2 and "cannot read" in result.output
    one = tmp_path / "one.csv"
    _write_csv(one, [c for c in _records() if c.coder == "ann"])
    result = CliRunner().invoke(main, ["reliability", str(one)])
    assert result.exit_code == 2 and "one coder only" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("coder,unit,concept,agreement\nann,s1,tax,maybe\nann,s2,tax,1\n"
                   "bob,s2,tax,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["reliability", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2" in result.output
