"""The hand-written gold set (tests/data/gold/): it loads, its spans are right, and the
extractor scores at least the floors in tests/data/gold/floors.json."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from saidwhat import Extractor
from saidwhat.evaluation import GoldSet, Report, evaluate, read_json_gold
from saidwhat.evaluation.gold import CLOSING_QUOTES, OPENING_QUOTES

GOLD = Path(__file__).resolve().parent / "data" / "gold"
SINGLE_OPEN, SINGLE_CLOSE = ("‘",), ("’",)  # the gold module leaves single marks out (apostrophes)


@pytest.fixture(scope="module")
def gold() -> GoldSet:
    return read_json_gold(GOLD)


@pytest.fixture(scope="module")
def report(gold: GoldSet, extractor: Extractor) -> Report:
    predicted = list(extractor.pipe_pairs((d.doc_id, d.text) for d in gold.documents))
    return evaluate(gold, predicted)


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gold_build", GOLD / "_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_gold_file_loads(gold: GoldSet) -> None:
    assert gold.errors == []
    assert gold.warnings == []
    json_files = sorted(p.stem for p in GOLD.glob("*.json"))
    assert sorted(d.doc_id for d in gold.documents) == json_files
    assert len(gold.documents) >= 12


def test_gold_files_are_up_to_date_with_their_markup() -> None:
    build = _build_module()
    for markup in sorted((GOLD / "_markup").glob("*.txt")):
        for name, content in build.render(markup).items():
            assert (GOLD / name).read_text(encoding="utf-8") == content, (
                f"{name} differs from _markup/{markup.name}: run python tests/data/gold/_build.py")


def test_every_span_matches_its_text(gold: GoldSet) -> None:
    for doc in gold.documents:
        raw = json.loads((GOLD / f"{doc.doc_id}.json").read_text(encoding="utf-8"))
        assert len(raw["attributions"]) == len(doc.attributions)
        for given, parsed in zip(raw["attributions"], doc.attributions, strict=True):
            for role in ("content", "cue", "source", "channel"):
                span = given.get(role)
                if span is None:
                    assert parsed.span(role) == ()
                    continue
                assert parsed.span(role) == ((span["start"], span["end"]),)
                assert doc.text[span["start"]:span["end"]] == span["text"], (doc.doc_id, role)
                assert span["text"] == span["text"].strip(), (doc.doc_id, role, span)


def test_direct_quotes_sit_between_quotation_marks(gold: GoldSet) -> None:
    opening = OPENING_QUOTES + SINGLE_OPEN
    closing = CLOSING_QUOTES + SINGLE_CLOSE
    for doc in gold.documents:
        for a in doc.attributions:
            if a.kind != "direct":
                continue
            (start, end), = a.content
            assert doc.text[:start].endswith(opening), (doc.doc_id, a.id)
            assert doc.text[end:].startswith(closing), (doc.doc_id, a.id)


def test_every_attribution_has_a_typed_speaker(gold: GoldSet) -> None:
    for doc in gold.documents:
        for a in doc.attributions:
            assert a.speaker is not None, (doc.doc_id, a.id)
            assert a.speaker.type in ("person", "organization", "anonymous"), (doc.doc_id, a.id)
            assert (a.speaker.name is None) == (a.speaker.type == "anonymous"), (doc.doc_id, a.id)
            if a.cue == ():  # only continuation quotes have no cue, and then no source either
                assert a.source == () and a.kind == "direct", (doc.doc_id, a.id)


def test_the_set_covers_both_conventions_and_every_kind(gold: GoldSet) -> None:
    conventions = [d.meta.get("conventions") for d in gold.documents]
    assert conventions.count("UK") >= 6 and conventions.count("US") >= 6
    kinds = {a.kind for d in gold.documents for a in d.attributions}
    assert kinds == {"direct", "indirect", "mixed"}
    types = {a.speaker.type for d in gold.documents for a in d.attributions if a.speaker}
    assert types == {"person", "organization", "anonymous"}
    for doc in gold.documents:
        assert 150 <= len(doc.text.split()) <= 400, doc.doc_id


def _measured(report: Report) -> dict[str, float]:
    speaker = report.speaker()
    assert speaker is not None
    return {
        "attribution.strict.f1": report.micro("attribution.strict").f1,
        "attribution.content.f1": report.micro("attribution.content").f1,
        "content.overlap.f1": report.micro("content.overlap").f1,
        "speaker.accuracy": speaker["accuracy"],
        "speaker.type_accuracy": speaker["type_accuracy"],
    }


def read_floors() -> dict[str, float]:
    floors = {}
    for line in (GOLD / "floors.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            metric, value = line.split("\t")
            floors[metric] = float(value)
    return floors


def test_extractor_scores_at_least_the_floors(report: Report) -> None:
    floors = read_floors()
    measured = _measured(report)
    assert report.problems == []
    assert set(floors) == set(measured)
    below = {k: (round(v, 3), floors[k]) for k, v in measured.items() if v < floors[k]}
    assert not below, f"below the floor (measured, floor): {below}"
