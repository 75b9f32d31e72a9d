"""The store's actor table: one actor per person or body across documents, no junk actors,
edits through `saidwhat actors`, the same table for `quotes --speaker` and `network --db`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.store import DocumentRecord, ExtractionResult, Store
from saidwhat.store.actors import actor_name
from saidwhat.store.schema import LATEST_VERSION

CODEBOOK = str(Path(__file__).parent / "data" / "network" / "codebook.yaml")

# (speaker name, type) per document; every quote calls for a congestion charge
DOCS = [
    [("Trump", "person"), ("> Trump", "person")],
    [("Donald J. Trump", "person"), ("PolitiFact", "organization"),
     ("52 percent of voters", "unknown")],
    [("Trump team", "organization"), ("Politifact", "organization"),
     ("the country's future", "unknown"), ("Donald Trump", "person")],
    [("Ivanka Trump", "person"), (None, "anonymous")],
]
CONTENT = "We need a congestion charge in the old town"


def _doc(i: int, speakers: list[tuple[str | None, str]]) -> tuple[str, dict]:
    parts, quotes = [], []
    pos = 0
    for j, (name, kind) in enumerate(speakers):
        sentence = f"\u201c{CONTENT},\u201d said {name or 'a source'}. "
        start = pos + 1
        quotes.append({"id": f"q{j + 1}", "kind": "direct",
                       "content": {"start": start, "end": start + len(CONTENT), "text": CONTENT},
                       "speaker": {"name": name, "type": kind,
                                   "affiliation": "Treasury" if name is None else None}})
        parts.append(sentence)
        pos += len(sentence)
    return "".join(parts), {"quotes": quotes, "entities": []}


def make_store(path: Path) -> Path:
    with Store(path) as store:
        docs = [_doc(i, s) for i, s in enumerate(DOCS)]
        store.add_documents([DocumentRecord(f"d{i}", text, "txt", f"d{i}.txt",
                                            date=f"2024-01-0{i + 1}", outlet="Gazette")
                             for i, (text, _) in enumerate(docs)], None)
        store.save_results([ExtractionResult(i + 1, result)
                            for i, (_, result) in enumerate(docs)], None)
    return path


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def actors(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {a["name"]: a for a in store.actor_rows()}


def speaker_quotes(db: Path, speaker: str) -> int:
    out = cli("quotes", "--db", str(db), "--speaker", speaker, "--format", "jsonl")
    return sum(1 for line in out.splitlines() if line.startswith("{"))


def network_actors(db: Path, tmp_path: Path) -> dict[str, int]:
    out = tmp_path / "edges.csv"
    cli("network", "--db", str(db), "--codebook", CODEBOOK, "-o", str(out))
    counts: dict[str, int] = {}
    for row in csv.DictReader(out.open(encoding="utf-8")):
        counts[row["actor"]] = counts.get(row["actor"], 0) + len(row["statements"].split("|"))
    return counts


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path / "s.db")


def test_one_actor_per_person_or_body_across_documents(db: Path) -> None:
    found = actors(db)
    trump = found["Donald J. Trump"]
    assert trump["type"] == "person" and trump["quotes"] == 5
    assert set(trump["aliases"]) == {"Trump", "Donald J. Trump", "Donald Trump", "Trump team"}
    assert found["PolitiFact"]["type"] == "organization" and found["PolitiFact"]["quotes"] == 2
    assert found["Ivanka Trump"]["quotes"] == 1  # same surname, another person
    assert found["Treasury source"]["type"] == "anonymous"
    assert set(found) == {"Donald J. Trump", "PolitiFact", "Ivanka Trump", "Treasury source"}


@pytest.mark.parametrize("name", ["52 percent of voters", "> ", "the country's future",
                                  "voters", "3,000 people", "...", "Trump >> said"])
def test_junk_speakers_are_no_actors(name: str) -> None:
    assert actor_name({"name": name, "type": "unknown"}) is None
    assert actor_name({"name": name, "type": "person"}) is None


def test_junk_quotes_have_no_actor_anywhere(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        unlinked = store.conn.execute("SELECT speaker_name FROM quotes WHERE actor_key IS NULL"
                                      ).fetchall()
    assert sorted(r[0] for r in unlinked) == ["52 percent of voters", "the country's future"]
    net = network_actors(db, tmp_path)
    assert not any("percent" in a or "future" in a for a in net)


def test_listing(db: Path) -> None:
    out = cli("actors", "--db", str(db))
    line = next(x for x in out.splitlines() if "\tDonald J. Trump\t" in x)
    _, name, kind, n, aliases = line.split("\t")
    assert (kind, n) == ("person", "5") and "Trump team" in aliases
    rows = [json.loads(x) for x in cli("actors", "--db", str(db), "--format", "jsonl"
                                       ).splitlines() if x.startswith("{")]
    assert {r["name"] for r in rows} == set(actors(db))


def test_split_rename_merge_change_quotes_and_network(db: Path, tmp_path: Path) -> None:
    assert speaker_quotes(db, "Donald J. Trump") == 5
    assert speaker_quotes(db, "Trump team") == 5  # any alias finds the actor's quotes
    assert network_actors(db, tmp_path)["Donald J. Trump"] == 5

    cli("actors", "split", "--db", str(db), "Trump team", "--name", "Trump campaign team")
    assert speaker_quotes(db, "Donald J. Trump") == 4
    assert speaker_quotes(db, "Trump campaign team") == 1
    net = network_actors(db, tmp_path)
    assert net["Donald J. Trump"] == 4 and net["Trump campaign team"] == 1

    cli("actors", "rename", "--db", str(db), "Donald J. Trump", "Donald John Trump")
    assert speaker_quotes(db, "Donald John Trump") == 4
    assert "Donald John Trump" in network_actors(db, tmp_path)

    cli("actors", "merge", "--db", str(db), "Donald John Trump", "Trump campaign team")
    assert speaker_quotes(db, "Donald John Trump") == 5
    net = network_actors(db, tmp_path)
    assert net["Donald John Trump"] == 5 and "Trump campaign team" not in net
    # the group's --db works too, and an unknown actor is a usage error
    cli("actors", "--db", str(db), "merge", "Donald John Trump", "Ivanka Trump")
    assert speaker_quotes(db, "Ivanka Trump") == 6
    bad = CliRunner().invoke(main, ["actors", "merge", "--db", str(db), "Nobody", "PolitiFact"])
    assert bad.exit_code == 2 and "no actor 'Nobody'" in bad.output


def test_new_quotes_follow_the_edited_table(db: Path) -> None:
    cli("actors", "split", "--db", str(db), "Trump team")
    with Store(db) as store:
        text, result = _doc(9, [("Trump team", "organization"), ("Mr Trump", "person")])
        store.add_documents([DocumentRecord("d9", text, "txt", "d9.txt")], None)
        pk = store.conn.execute("SELECT pk FROM documents WHERE doc_id='d9'").fetchone()[0]
        store.save_results([ExtractionResult(pk, result)], None)
    found = actors(db)
    assert found["Trump team"]["quotes"] == 2 and found["Donald J. Trump"]["quotes"] == 5


def test_import_actors_csv(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "actors.csv"
    sheet.write_text("actor,type,party,organisation,aliases\n"
                     "Donald Trump,person,Republican,White House,The Donald\n"
                     "Jane Roe,person,Democrat,,\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["actors", "--db", str(db), "--import", str(sheet)])
    assert out.exit_code == 0, out.output
    assert "1 new actors, 1 updated" in out.output
    found = actors(db)
    trump = found["Donald Trump"]  # the sheet's name is the canonical one
    assert trump["quotes"] == 5 and trump["attributes"] == {"party": "Republican"}
    assert trump["organisation"] == "White House" and "The Donald" in trump["aliases"]
    assert found["Jane Roe"]["quotes"] == 0
    assert speaker_quotes(db, "The Donald") == 5
    assert "Donald Trump" in network_actors(db, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nx\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["actors", "--db", str(db), "--import", str(bad)])
    assert out.exit_code == 2 and "'actor' column" in out.output


def test_store_from_before_actors_is_upgraded_and_readable(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:  # what a store of schema version 4 holds
        store.conn.executescript("DROP TABLE actor_aliases; DROP TABLE actors; "
                                 "DROP INDEX quotes_actor_key; "
                                 "ALTER TABLE quotes DROP COLUMN actor_key; "
                                 "PRAGMA user_version = 4;")
    with Store(db, readonly=True) as old:  # readers never migrate, and still work
        assert old.version == 4
        assert len(old.quotes(speaker="Donald J. Trump")) == 1
        assert old.quote_actors() == {}
    assert "Donald J. Trump" in network_actors(db, tmp_path)
    assert speaker_quotes(db, "Trump") == 5  # the last-name search of before
    with Store(db) as store:  # a writer upgrades and fills the table
        assert store.version == LATEST_VERSION >= 5
    assert actors(db)["Donald J. Trump"]["quotes"] == 5
    assert speaker_quotes(db, "Donald J. Trump") == 5
    cli("actors", "rebuild", "--db", str(db), "--reset")
    assert actors(db)["Donald J. Trump"]["quotes"] == 5


def test_entourage_seen_before_the_person_joins_the_person(tmp_path: Path) -> None:
    with Store(tmp_path / "e.db") as store:
        docs = [_doc(0, [("Trump team", "organization")]), _doc(1, [("Trump", "person")])]
        store.add_documents([DocumentRecord(f"d{i}", text, "txt", f"d{i}.txt")
                             for i, (text, _) in enumerate(docs)], None)
        store.save_results([ExtractionResult(i + 1, r) for i, (_, r) in enumerate(docs)], None)
        rows = store.actor_rows()
    assert [(a["name"], a["type"], a["quotes"]) for a in rows] == [("Trump", "person", 2)]
