"""The store's reading commands as a researcher uses them (issue 14): `quotes --speaker`
matched against the corpus actors by folded name, checked dates, short doc ids; `status
--errors` with nothing to list; typed Parquet; `export -o quotes.csv` a file. The store is
filled directly (no spaCy), so these run in a second."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.cli.store_cmd import reason_summary, short_doc_id
from saidwhat.store import DocumentRecord, ExtractionResult, Store
from saidwhat.store.lookup import match_actors

# (doc id, speakers): each quote is the same sentence, spoken by the named speaker
DOCS = [
    ("news/2016/a.txt", ["Hillary Clinton", "Bill Clinton"]),
    ("news/2016/b.txt", ["Crooked Hillary", "Conan O\u2019Brien"]),
    ("news/2016/c.txt", ["Clinton", "Chelsea Clinton", "Ann O'Neill"]),
]
CONTENT = "We need a congestion charge in the old town"


def _result(speakers: list[str]) -> tuple[str, dict]:
    parts, quotes = [], []
    pos = 0
    for j, name in enumerate(speakers):
        sentence = f"\u201c{CONTENT},\u201d said {name}. "
        start = pos + 1
        quotes.append({"id": f"q{j + 1}", "kind": "direct",
                       "content": {"start": start, "end": start + len(CONTENT), "text": CONTENT},
                       "speaker": {"name": name, "type": "person", "entity_id": f"e{j + 1}"}})
        parts.append(sentence)
        pos += len(sentence)
    text = "".join(parts)
    entities = [{"id": f"e{j + 1}", "name": name, "type": "person", "roles": ["senator"],
                 "mentions": [{"start": 0, "end": 3, "text": text[:3]}]}
                for j, name in enumerate(speakers)]
    return text, {"quotes": quotes, "entities": entities}


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.db"
    with Store(path) as store:
        docs = [(doc_id, *_result(s)) for doc_id, s in DOCS]
        store.add_documents([DocumentRecord(doc_id, text, "txt", doc_id,
                                            date=f"2016-10-0{i + 1}", outlet="Gazette")
                             for i, (doc_id, text, _) in enumerate(docs)], None)
        store.save_results([ExtractionResult(i + 1, result)
                            for i, (_, _, result) in enumerate(docs)], None)
    return str(path)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def speakers_of(db: str, speaker: str) -> tuple[int, list[str], str]:
    code, out, err = invoke("quotes", "--db", db, "--speaker", speaker, "--format", "jsonl")
    return code, sorted(json.loads(x)["speaker_name"] for x in out.splitlines()), err


def test_full_name_matches_that_actor_exactly(db: str) -> None:
    code, names, _ = speakers_of(db, "Bill Clinton")
    assert code == 0 and names == ["Bill Clinton"]
    code, names, _ = speakers_of(db, "hillary  clinton")
    assert code == 0 and names == ["Hillary Clinton"]


def test_first_name_finds_the_person(db: str) -> None:
    code, names, err = speakers_of(db, "Chelsea")
    # the bare "Clinton" of that article is Chelsea Clinton in the actor table
    assert code == 0 and names == ["Chelsea Clinton", "Clinton"]
    # "Hillary" is Hillary Clinton's first name and the last word of "Crooked Hillary":
    # both are offered, not only the nickname
    code, names, err = speakers_of(db, "Hillary")
    assert code == 2 and names == []
    assert "Hillary Clinton" in err and "Crooked Hillary" in err


def test_an_alias_is_an_exact_match(db: str) -> None:
    # "Clinton" alone is an alias of one actor (Chelsea Clinton, in the article that
    # names her), so it is that actor, not every Clinton
    code, names, err = speakers_of(db, "Clinton")
    assert code == 0 and names == ["Chelsea Clinton", "Clinton"], err
    with Store(db, readonly=True) as store:
        assert match_actors("Clinton", store.actor_rows()).how == "exact"
    code, out, err = invoke("quotes", "--db", db, "--speaker", "O'Neill")
    assert code == 0 and "Ann O'Neill" in out


def test_surname_of_several_actors_is_ambiguous() -> None:
    actors = [{"actor_id": 1, "name": "Hillary Clinton", "type": "person", "aliases": [],
               "quotes": 3},
              {"actor_id": 2, "name": "Bill Clinton", "type": "person", "aliases": [],
               "quotes": 1}]
    match = match_actors("Clinton", actors)
    assert match.ambiguous and match.how == "surname" and match.actor_ids == [1, 2]
    assert match_actors("Hillary", actors).actor_ids == [1]
    assert match_actors("Nobody", actors).actors == []


def test_apostrophes_fold_both_ways(db: str) -> None:
    code, names, _ = speakers_of(db, "O'Brien")  # straight, stored curly
    assert code == 0 and names == ["Conan O\u2019Brien"]
    code, names, _ = speakers_of(db, "Ann O\u2019Neill")  # curly, stored straight
    assert code == 0 and names == ["Ann O'Neill"]


@pytest.mark.parametrize("bad", ["10/01/2016", "last week", "2016-13-01"])
def test_quotes_dates_are_checked(db: str, bad: str) -> None:
    code, out, err = invoke("quotes", "--db", db, "--since", bad)
    assert code == 2 and "--since" in err and out == ""
    code, _, err = invoke("quotes", "--db", db, "--until", bad)
    assert code == 2 and "--until" in err


def test_quotes_dates_filter(db: str) -> None:
    code, out, _ = invoke("quotes", "--db", db, "--since", "2016-10-02", "--until",
                          "2016-10-02", "--format", "jsonl")
    assert code == 0 and {json.loads(x)["doc_id"] for x in out.splitlines()} == {
        "news/2016/b.txt"}


def test_quotes_table_shows_a_short_doc_id(db: str) -> None:
    code, out, _ = invoke("quotes", "--db", db, "--speaker", "Bill Clinton")
    assert code == 0
    head = out.splitlines()[0]
    assert head == "2016-10-01 | Gazette | a.txt"
    assert short_doc_id("https://news.example/2016/10/plan") == "news.example/…/plan"
    assert short_doc_id("plain") == "plain"


def test_status_errors_says_when_there_are_none(db: str) -> None:
    code, out, _ = invoke("status", "--db", db, "--errors")
    assert code == 0 and "no failed or skipped documents" in out


def test_reason_summary_keeps_the_reason_after_a_colon() -> None:
    assert reason_summary("invalid JSON: Expecting value: line 3 column 1 (char 2)") == \
        "invalid JSON: Expecting value: line N column N (char N)"
    assert reason_summary("not English: 3% of words known") == "not English: N% of words known"
    assert reason_summary("x" * 300).endswith("…")


def test_status_summary_groups_reasons_whole(db: str) -> None:
    with Store(db) as store:
        store.add_errors([("ingest", "error", "feed.jsonl", str(n), None,
                           f"invalid JSON: Expecting value: line {n} column 1")
                          for n in (3, 9)], None)
    code, out, _ = invoke("status", "--db", db, "--errors")
    assert "      2  error (ingest): invalid JSON: Expecting value: line N column N" in out


def test_parquet_has_real_types(db: str, tmp_path: Path) -> None:
    code, _, err = invoke("export", "--db", db, "--format", "parquet", "-o",
                          str(tmp_path / "pq"))
    assert code == 0, err
    quotes = pq.read_table(tmp_path / "pq" / "quotes.parquet")
    assert quotes.schema.field("date").type == pa.date32()
    assert quotes.column("date").to_pylist()[0] == dt.date(2016, 10, 1)
    docs = pq.read_table(tmp_path / "pq" / "documents.parquet")
    assert docs.schema.field("date").type == pa.date32()
    ents = pq.read_table(tmp_path / "pq" / "entities.parquet")
    assert ents.schema.field("roles").type == pa.list_(pa.string())
    assert pa.types.is_struct(ents.schema.field("mentions").type.value_type)
    first = ents.to_pylist()[0]
    assert first["roles"] == ["senator"]
    assert first["mentions"] == [{"start": 0, "end": 3, "text": "\u201cWe"}]


def test_export_csv_to_a_file_name_writes_the_quotes_table(db: str, tmp_path: Path) -> None:
    target = tmp_path / "quotes.csv"
    code, _, err = invoke("export", "--db", db, "--format", "csv", "-o", str(target))
    assert code == 0, err
    assert target.is_file()
    table = pd.read_csv(target)
    assert len(table) == 7 and "speaker_name" in table.columns
    folder = tmp_path / "tables"
    code, _, err = invoke("export", "--db", db, "--format", "csv", "-o", str(folder))
    assert code == 0 and sorted(p.name for p in folder.iterdir()) == [
        "documents.csv", "entities.csv", "quotes.csv"]
    # a file name in a folder that does not exist: a usage error, nothing written
    code, _, err = invoke("export", "--db", db, "--format", "csv", "-o",
                          str(tmp_path / "nope" / "q.csv"))
    assert code == 2 and not (tmp_path / "nope").exists()


def test_export_parquet_to_a_file_name(db: str, tmp_path: Path) -> None:
    target = tmp_path / "quotes.parquet"
    code, _, err = invoke("export", "--db", db, "--format", "parquet", "-o", str(target))
    assert code == 0, err
    assert pq.read_table(target).num_rows == 7
