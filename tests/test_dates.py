"""saidwhat.dates: metadata dates to ISO 8601, and dates given on the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.dates import DateError, normalize_date, parse_date, to_date, user_date, user_day
from saidwhat.network.build import parse_date as network_parse_date


@pytest.mark.parametrize(("value", "iso"), [
    ("2024-01-31", "2024-01-31"),
    ("2024-01-31T09:30:00Z", "2024-01-31T09:30:00+00:00"),
    ("2024-01-31 09:30", "2024-01-31T09:30:00"),
    ("Tue, 02 Jan 2024 10:00:00 +0000", "2024-01-02T10:00:00+00:00"),
    ("2024/01/31", "2024-01-31"),
    ("31 January 2024", "2024-01-31"),
    ("January 31, 2024", "2024-01-31"),
    ("Jan 31 2024", "2024-01-31"),
    ("Wednesday, 31st Jan. 2024", "2024-01-31"),
    ("Sept 3, 2023", "2023-09-03"),
    (date(2024, 5, 6), "2024-05-06"),
])
def test_metadata_dates_become_iso(value: object, iso: str) -> None:
    assert parse_date(value) == iso
    assert to_date(value) == date.fromisoformat(iso[:10])


@pytest.mark.parametrize("value", ["01/02/2024", "yesterday", "31 Febtember 2024",
                                   "30 February 2024", "", None, True])
def test_unreadable_dates_are_none_and_kept_as_given(value: object) -> None:
    assert parse_date(value) is None
    assert normalize_date(value) == (None if value in ("", None) else str(value))


def test_user_dates_are_iso_only_with_a_clear_error() -> None:
    assert user_date("2024") == "2024" and user_date("2024-03") == "2024-03"
    assert user_date("2024-03-05") == "2024-03-05"
    assert user_date("2024-03-05T10:00Z") == "2024-03-05T10:00:00+00:00"
    for bad in ("yesterday", "05/03/2024", "2024-13", "2024-02-30", "March 2024"):
        with pytest.raises(DateError, match="--since"):
            user_date(bad, "--since")
    assert user_day("2024-02", end=True) == date(2024, 2, 29)
    assert user_day("2024", end=True) == date(2024, 12, 31)
    assert user_day("2024-12", end=True) == date(2024, 12, 31)
    assert user_day("2024-02") == date(2024, 2, 1)


def test_network_reads_metadata_dates_the_same_way() -> None:
    assert network_parse_date("Tue, 02 Jan 2024 10:00:00 +0000") == date(2024, 1, 2)
    assert network_parse_date("2024-01-02T10:00:00Z") == date(2024, 1, 2)
    assert network_parse_date(1704153600) == date(2024, 1, 2)  # DNA's epoch seconds
    assert network_parse_date("no date") is None


def test_quotes_since_until_are_validated(tmp_path: Path) -> None:
    from saidwhat.store import Store

    with Store(tmp_path / "s.db"):
        pass
    runner = CliRunner()
    db = str(tmp_path / "s.db")
    result = runner.invoke(main, ["quotes", "--db", db, "--since", "last week"])
    assert result.exit_code == 2 and "--since" in result.output
    assert "not an ISO 8601 date" in result.output
    result = runner.invoke(main, ["quotes", "--db", db, "--until", "2024-02-30"])
    assert result.exit_code == 2 and "not a real date" in result.output
    result = runner.invoke(main, ["quotes", "--db", db, "--since", "2024-01"])
    assert result.exit_code == 0, result.output


def test_network_from_to_are_validated(tmp_path: Path) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"doc_id": "d", "quotes": [], "entities": []}) + "\n")
    codebook = tmp_path / "c.yaml"
    codebook.write_text("concepts:\n  - id: a\n    label: A\n    keywords: [bus]\n")
    result = CliRunner().invoke(main, ["network", str(preds), "--codebook", str(codebook),
                                       "-o", str(tmp_path / "n.csv"), "--from", "01/02/2024"])
    assert result.exit_code != 0 and "--from" in result.output
    assert "not an ISO 8601 date" in result.output
