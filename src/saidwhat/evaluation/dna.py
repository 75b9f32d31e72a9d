"""Discourse Network Analyzer 3 databases (``.dna``, SQLite) as gold and as typed statement records.

:func:`read_statements` gives every coded statement with its variable values (for discourse
network code); :func:`read_dna` turns the documents and their actor statements into gold
documents whose speaker is the statement's ``person`` (else ``organization``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Speaker
from .gold import GoldAttribution, GoldDocument, GoldFormatError, GoldSet, infer_kind

_REQUIRED = {
    "DOCUMENTS": {"ID", "Title", "Text"},
    "STATEMENTS": {"ID", "StatementTypeId", "DocumentId", "Start", "Stop"},
    "STATEMENTTYPES": {"ID", "Label"},
    "VARIABLES": {"ID", "Variable", "DataType", "StatementTypeId"},
}
# Value tables: name -> whether the value is stored through ENTITIES
_VALUE_TABLES = {"DATASHORTTEXT": True, "DATALONGTEXT": False, "DATAINTEGER": False,
                 "DATABOOLEAN": False}
_SPEAKER_VARIABLES = ("person", "organization")

Value = str | int | bool


class DnaFormatError(GoldFormatError):
    """The file is not a readable DNA 3 database."""


@dataclass(frozen=True, slots=True)
class DnaDocument:
    id: int
    title: str
    text: str
    author: str = ""
    source: str = ""
    section: str = ""
    type: str = ""
    date: int | None = None  # DNA stores seconds since the epoch

    @property
    def doc_id(self) -> str:
        return self.title or str(self.id)


@dataclass(frozen=True, slots=True)
class DnaStatement:
    """One coded statement: its span in a document and its variables' values.

    ``values`` maps variable name to value: short/long text as ``str`` (an empty entity is
    ``""``), integers as ``int``, booleans as ``bool`` (DNA's ``agreement``: True = agrees).
    """

    id: int
    document_id: int
    statement_type: str
    start: int
    stop: int
    text: str
    coder: int | None = None
    values: dict[str, Value] = field(default_factory=dict)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise DnaFormatError(f"{path}: no such file")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise DnaFormatError(f"{path}: not a DNA database (not an SQLite file)")
    try:
        con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DnaFormatError(f"{path}: not a readable SQLite database: {exc}") from exc
    upper = {t.upper(): t for t in tables}
    missing = [t for t in _REQUIRED if t not in upper]
    if missing:
        con.close()
        raise DnaFormatError(f"{path}: not a DNA 3 database: missing table(s) {', '.join(missing)}")
    for table, cols in _REQUIRED.items():
        have = {r[1].upper() for r in con.execute(f'PRAGMA table_info("{upper[table]}")')}
        lacking = sorted(c for c in cols if c.upper() not in have)
        if lacking:
            con.close()
            raise DnaFormatError(f"{path}: not a DNA 3 database: table {table} lacks column(s)"
                                 f" {', '.join(lacking)}")
    return con


@contextmanager
def _dna_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A checked read-only connection; SQLite errors become :class:`DnaFormatError`."""
    con = _connect(path)
    try:
        yield con
    except sqlite3.DatabaseError as exc:
        raise DnaFormatError(f"{path}: malformed DNA database: {exc}") from exc
    finally:
        con.close()


def read_documents(path: str | Path) -> list[DnaDocument]:
    """Every document of a DNA database, by ID."""
    path = Path(path)
    with _dna_connection(path) as con:
        return _documents(con)


def read_statements(path: str | Path) -> list[DnaStatement]:
    """Every statement of a DNA database with its variable values, by ID."""
    path = Path(path)
    with _dna_connection(path) as con:
        texts = {int(i): str(t or "") for i, t in con.execute("SELECT ID, Text FROM DOCUMENTS")}
        return _statements(con, path, texts)


def _documents(con: sqlite3.Connection) -> list[DnaDocument]:
    cols = {r[1].upper() for r in con.execute("PRAGMA table_info(DOCUMENTS)")}
    extra = [c for c in ("Author", "Source", "Section", "Type", "Date") if c.upper() in cols]
    select = ", ".join(["ID", "Title", "Text", *extra])
    out = []
    for row in con.execute(f"SELECT {select} FROM DOCUMENTS ORDER BY ID"):
        kw = {k.lower(): v for k, v in zip(extra, row[3:], strict=True)}
        out.append(DnaDocument(id=int(row[0]), title=str(row[1] or ""), text=str(row[2] or ""),
                               **{k: (v if k == "date" else str(v or "")) for k, v in kw.items()}))
    return out


def _statements(con: sqlite3.Connection, path: Path, texts: dict[int, str]) -> list[DnaStatement]:
    """Statements with their values; ``texts`` maps document ID to text (spans are checked)."""
    tables = {r[0].upper() for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    types = {int(i): str(label) for i, label in con.execute("SELECT ID, Label FROM STATEMENTTYPES")}
    variables = {int(i): (str(name), str(dtype))
                 for i, name, dtype in con.execute("SELECT ID, Variable, DataType FROM VARIABLES")}
    values: dict[int, dict[str, Value]] = {}
    for table, via_entity in _VALUE_TABLES.items():
        if table not in tables:
            continue
        if via_entity:
            rows = con.execute("SELECT d.StatementId, d.VariableId, e.Value FROM DATASHORTTEXT d"
                               " LEFT JOIN ENTITIES e ON e.ID = d.Entity")
        else:
            rows = con.execute(f"SELECT StatementId, VariableId, Value FROM {table}")
        for sid, vid, value in rows:
            name, dtype = variables.get(int(vid), (f"variable{vid}", ""))
            if dtype == "boolean":
                value = bool(value)
            elif value is None:
                value = ""
            values.setdefault(int(sid), {})[name] = value
    has_coder = "CODER" in {r[1].upper() for r in con.execute("PRAGMA table_info(STATEMENTS)")}
    query = ("SELECT ID, StatementTypeId, DocumentId, Start, Stop"
             + (", Coder" if has_coder else ", NULL") + " FROM STATEMENTS ORDER BY ID")
    out = []
    for sid, tid, did, start, stop, coder in con.execute(query):
        text = texts.get(int(did))
        if text is None:
            raise DnaFormatError(f"{path}: statement {sid} refers to missing document {did}")
        if not 0 <= int(start) < int(stop) <= len(text):
            raise DnaFormatError(f"{path}: statement {sid} span {start}..{stop} is outside"
                                 f" document {did} (length {len(text)})")
        out.append(DnaStatement(id=int(sid), document_id=int(did),
                                statement_type=types.get(int(tid), str(tid)),
                                start=int(start), stop=int(stop), text=text[int(start):int(stop)],
                                coder=None if coder is None else int(coder),
                                values=values.get(int(sid), {})))
    return out


def read_dna(path: str | Path) -> GoldSet:
    """DNA documents as gold; attributions are the statements of types that code a speaker
    (a ``person`` or ``organization`` variable); other statement types (notes) are left out."""
    path = Path(path)
    with _dna_connection(path) as con:  # one connection: documents, statements, speaker types
        docs = _documents(con)
        statements = _statements(con, path, {d.id: d.text for d in docs})
        marks = ", ".join("?" * len(_SPEAKER_VARIABLES))
        speaker_types = {str(label) for (label,) in con.execute(
            "SELECT DISTINCT t.Label FROM STATEMENTTYPES t JOIN VARIABLES v ON v.StatementTypeId = t.ID"
            f" WHERE lower(v.Variable) IN ({marks})", _SPEAKER_VARIABLES)}
    out = GoldSet(format="dna")
    by_doc: dict[int, list[DnaStatement]] = {}
    for st in statements:
        if st.statement_type in speaker_types:
            by_doc.setdefault(st.document_id, []).append(st)
    seen: set[str] = set()
    for d in docs:
        doc_id = d.doc_id if d.doc_id not in seen else f"{d.doc_id}#{d.id}"
        seen.add(doc_id)
        attributions = [_statement_to_gold(st, d.text) for st in by_doc.get(d.id, [])]
        out.documents.append(GoldDocument(
            doc_id=doc_id, text=d.text, attributions=attributions, path=str(path),
            annotated=frozenset({"content", "speaker"}),
            meta={"dna_id": d.id, "author": d.author, "source": d.source, "date": d.date}))
    return out


def _statement_to_gold(st: DnaStatement, text: str) -> GoldAttribution:
    person = str(st.values.get("person") or "").strip()
    org = str(st.values.get("organization") or "").strip()
    if person:
        speaker = Speaker(name=person, type="person", affiliation=org or None)
    elif org:
        speaker = Speaker(name=org, type="organization")
    else:
        speaker = None
    content = ((st.start, st.stop),)
    return GoldAttribution(content=content, speaker=speaker, kind=infer_kind(text, content),
                           id=f"s{st.id}", values=dict(st.values))
