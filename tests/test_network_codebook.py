"""Codebook YAML: loading, and errors that name the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.network.codebook import (
    CodebookError,
    codebook_from_labels,
    load_codebook,
    parse_codebook,
)

FIXTURE = Path(__file__).parent / "data" / "network" / "codebook.yaml"


def test_fixture_codebook_loads_with_all_fields() -> None:
    cb = load_codebook(FIXTURE)
    assert [c.id for c in cb] == ["congestion-charge", "cycle-lanes", "more-buses"]
    buses = cb["more-buses"]
    assert buses.keywords == ("buses", "bus routes")
    assert buses.examples and "ten minutes" in buses.examples[0]
    assert cb.name == "Harbourtown transport debate"


def test_round_trip_through_yaml() -> None:
    cb = load_codebook(FIXTURE)
    again = parse_codebook(cb.to_yaml())
    assert again.concepts == cb.concepts


@pytest.mark.parametrize(("text", "line", "field", "reason"), [
    ("concepts:\n  - id: a\n    label: A\n  - id: b\n", 4, "label", "no 'label'"),
    ("concepts:\n  - id: a\n    label: A\n  - id: a\n    label: B\n", 4, "id", "duplicate id 'a'"),
    ("concepts:\n  - id: a\n    label: A\n    keywrds: [x]\n", 4, "keywrds", "unknown field"),
    ("concepts:\n  - id: a\n    label: A\n    keywords: {x: 1}\n", 4, "keywords", "list of texts"),
    ("concepts:\n  - id: has space\n    label: A\n", 2, "id", "not a valid id"),
    ("concepts:\n  - id: a\n    label: ''\n", 3, "label", "must not be empty"),
    ("concepts: []\n", 1, "concepts", "non-empty list"),
    ("name: x\n", 1, "concepts", "missing"),
    ("concepts:\n  - id: a\n   label: A\n", 3, None, "not valid YAML"),
])
def test_errors_name_line_and_field(text: str, line: int, field: str | None, reason: str) -> None:
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, "book.yaml")
    err = info.value
    assert err.line == line
    assert err.field == field
    assert reason in str(err)
    assert str(err).startswith(f"book.yaml:{line}")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="nope.yaml.*file not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_codebook_from_labels_makes_unique_ids() -> None:
    cb = codebook_from_labels(["Taxes should rise.", "Taxes should rise!"])
    assert len({c.id for c in cb}) == 2
    assert [c.label for c in cb] == ["Taxes should rise.", "Taxes should rise!"]
