"""DNA 3 databases: statements as typed records and as gold; clear errors for other files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from saidwhat.evaluation import (
    DnaFormatError,
    detect_format,
    load_gold,
    read_dna,
    read_documents,
    read_statements,
)

DOC_TEXT = "Chair: welcome. Ms Vale: Carbon limits will not hurt jobs. Mr Orr: They will cost jobs."


def make_dna(path: Path, drop_table: str | None = None) -> Path:
    """A tiny database with DNA 3's tables and columns (only those the reader uses, plus types)."""
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE DOCUMENTS(ID INTEGER PRIMARY KEY, Title TEXT NOT NULL, Text TEXT NOT NULL,
            Coder INTEGER, Author TEXT DEFAULT '', Source TEXT DEFAULT '', Section TEXT DEFAULT '',
            Notes TEXT DEFAULT '', Type TEXT DEFAULT '', Date INTEGER NOT NULL);
        CREATE TABLE STATEMENTTYPES(ID INTEGER PRIMARY KEY, Label TEXT NOT NULL);
        CREATE TABLE VARIABLES(ID INTEGER PRIMARY KEY, Variable TEXT NOT NULL, DataType TEXT NOT NULL,
            StatementTypeId INTEGER);
        CREATE TABLE STATEMENTS(ID INTEGER PRIMARY KEY, StatementTypeId INTEGER, DocumentId INTEGER,
            Start INTEGER NOT NULL, Stop INTEGER NOT NULL, Coder INTEGER);
        CREATE TABLE ENTITIES(ID INTEGER PRIMARY KEY, VariableId INTEGER NOT NULL, Value TEXT NOT NULL);
        CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY, StatementId INTEGER, VariableId INTEGER,
            Entity INTEGER);
        CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY, StatementId INTEGER, VariableId INTEGER,
            Value INTEGER);
        CREATE TABLE DATALONGTEXT(ID INTEGER PRIMARY KEY, StatementId INTEGER, VariableId INTEGER,
            Value TEXT);
        INSERT INTO STATEMENTTYPES VALUES (1, 'DNA Statement'), (2, 'Annotation');
        INSERT INTO VARIABLES VALUES (1, 'person', 'short text', 1), (2, 'organization', 'short text', 1),
            (3, 'concept', 'short text', 1), (4, 'agreement', 'boolean', 1), (5, 'note', 'long text', 2);
        INSERT INTO ENTITIES VALUES (1, 1, 'Nora Vale'), (2, 1, ''), (3, 2, 'Green Forum'),
            (4, 2, 'Steel Union'), (5, 3, 'Carbon limits hurt jobs.');
    """)
    con.execute("INSERT INTO DOCUMENTS (ID, Title, Text, Date) VALUES (1, 'hearing 1', ?, 0)",
                (DOC_TEXT,))
    s1 = DOC_TEXT.index("Carbon limits")
    s2 = DOC_TEXT.index("They will")
    con.executemany("INSERT INTO STATEMENTS VALUES (?, ?, 1, ?, ?, 1)", [
        (1, 1, s1, DOC_TEXT.index(" Mr Orr")), (2, 1, s2, len(DOC_TEXT)), (3, 2, 0, 6)])
    con.executemany("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                    [(1, 1, 1), (1, 2, 3), (1, 3, 5), (2, 1, 2), (2, 2, 4), (2, 3, 5)])
    con.executemany("INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?, 4, ?)",
                    [(1, 0), (2, 1)])
    con.execute("INSERT INTO DATALONGTEXT (StatementId, VariableId, Value) VALUES (3, 5, 'check')")
    if drop_table:
        con.execute(f"DROP TABLE {drop_table}")
    con.commit()
    con.close()
    return path


def test_statements_as_typed_records(tmp_path: Path) -> None:
    db = make_dna(tmp_path / "h.dna")
    st = read_statements(db)
    assert [s.id for s in st] == [1, 2, 3]
    assert st[0].text == "Carbon limits will not hurt jobs."
    assert st[0].values == {"person": "Nora Vale", "organization": "Green Forum",
                            "concept": "Carbon limits hurt jobs.", "agreement": False}
    assert st[1].values["agreement"] is True and st[1].values["person"] == ""
    assert st[2].statement_type == "Annotation" and st[2].values == {"note": "check"}


def test_gold_from_dna(tmp_path: Path) -> None:
    db = make_dna(tmp_path / "h.dna")
    assert detect_format(db) == "dna"
    gold = load_gold(db)
    [doc] = gold.documents
    assert doc.doc_id == "hearing 1" and doc.annotated == frozenset({"content", "speaker"})
    a1, a2 = doc.attributions  # the Annotation statement codes no speaker: not an attribution
    assert a1.speaker is not None and (a1.speaker.name, a1.speaker.type) == ("Nora Vale", "person")
    assert a1.speaker.affiliation == "Green Forum"
    # no person coded: the organization speaks
    assert a2.speaker is not None and (a2.speaker.name, a2.speaker.type) == ("Steel Union", "organization")
    assert a2.values["agreement"] is True


def test_not_sqlite(tmp_path: Path) -> None:
    bad = tmp_path / "notes.dna"
    bad.write_text("this is not a database", encoding="utf-8")
    with pytest.raises(DnaFormatError, match=r"notes\.dna: not a DNA database \(not an SQLite file\)"):
        read_statements(bad)


def test_sqlite_without_dna_tables(tmp_path: Path) -> None:
    other = tmp_path / "other.dna"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE people(name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(DnaFormatError, match="not a DNA 3 database: missing table"):
        read_dna(other)


def test_missing_table_or_column(tmp_path: Path) -> None:
    with pytest.raises(DnaFormatError, match="missing table.*STATEMENTS"):
        read_statements(make_dna(tmp_path / "a.dna", drop_table="STATEMENTS"))
    db = tmp_path / "b.dna"
    con = sqlite3.connect(db)
    for t in ("DOCUMENTS(ID, Title)", "STATEMENTS(ID)", "STATEMENTTYPES(ID, Label)",
              "VARIABLES(ID, Variable, DataType, StatementTypeId)"):
        con.execute(f"CREATE TABLE {t}")
    con.commit()
    con.close()
    with pytest.raises(DnaFormatError, match="table DOCUMENTS lacks column"):
        read_documents(db)


def test_statement_outside_its_document(tmp_path: Path) -> None:
    db = make_dna(tmp_path / "h.dna")
    con = sqlite3.connect(db)
    con.execute("UPDATE STATEMENTS SET Stop = 10000 WHERE ID = 2")
    con.commit()
    con.close()
    with pytest.raises(DnaFormatError, match="statement 2 span .* is outside document 1"):
        read_statements(db)


def test_truncated_database(tmp_path: Path) -> None:
    db = make_dna(tmp_path / "h.dna")
    data = db.read_bytes()
    cut = tmp_path / "cut.dna"
    cut.write_bytes(data[:200])
    with pytest.raises(DnaFormatError, match="cut.dna"):
        read_statements(cut)


def test_dna_sample(shared_dir: Path) -> None:
    sample = shared_dir / "data" / "dna" / "sample.dna"
    docs = read_documents(sample)
    statements = read_statements(sample)
    assert len(docs) == 7 and len(statements) == 41
    coded = [s for s in statements if s.statement_type == "DNA Statement"]
    assert all({"person", "organization", "concept", "agreement"} <= set(s.values) for s in coded)
    assert all(isinstance(s.values["agreement"], bool) for s in coded)
    gold = read_dna(sample)
    assert len(gold.documents) == 7
    assert sum(len(d.attributions) for d in gold.documents) == len(coded)
