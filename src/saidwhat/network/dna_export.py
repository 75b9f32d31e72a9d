"""Write saidwhat's coding as a Discourse Network Analyzer 3 database (``.dna``, SQLite).

DNA's own schema (:mod:`.dna_schema`), statement type "DNA Statement" with the variables
person, organization, concept (short text) and agreement (boolean), so a researcher can open
the coding in DNA, review it and use rDNA on it. Each coded statement becomes a DNA
statement over the attribution's character span (content, cue and source together) in its
document's text; a statement coding two concepts becomes two DNA statements on one span.

Every document given is written, coded or not, so that hand-coding can go on in DNA. DNA
needs a date for each document: an undated one gets the date the user gives
(``default_date``, ``--default-date``), else its ingest date (``ingested``), else the day the
file is written, and a warning says how many were dated so -- never 1970-01-01.

The database has one coder, "saidwhat", whose password (default ``saidwhat``) is stored as
DNA 3 stores passwords: jasypt's StrongPasswordEncryptor digest (SHA-256, 16-byte salt,
100,000 iterations, Base64 of salt + digest).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..atomic import atomic_path
from .actors import Actor
from .build import CodedStatement
from .codebook import Codebook
from .dna_schema import DNA3_TABLES, DNA_VERSION
from .export import ExportError

STATEMENT_TYPE = "DNA Statement"
VARIABLES = (("person", "short text"), ("organization", "short text"),
             ("concept", "short text"), ("agreement", "boolean"))
ATTRIBUTE_VARIABLES = ("Type", "Alias", "Notes")
_MAX = 190  # DNA's CHECK (LENGTH(x) < 191)


@dataclass(slots=True)
class DnaDocumentInput:
    """A document to write: its text (the offsets' reference) and metadata."""

    doc_id: str
    text: str
    title: str = ""
    author: str = ""
    source: str = ""
    date: date | None = None
    meta: dict[str, str] = field(default_factory=dict)
    ingested: date | None = None  # when it entered the corpus: the date of last resort


def document_dates(documents: Sequence[DnaDocumentInput], default_date: date | None = None,
                   today: date | None = None) -> tuple[list[date], list[str]]:
    """The date each document gets in DNA, and the warnings: its own date, else
    ``default_date``, else its ingest date, else ``today`` (the day of writing)."""
    today = today or datetime.now(UTC).date()
    out: list[date] = []
    given = ingest = now = 0
    for d in documents:
        if d.date is not None:
            out.append(d.date)
        elif default_date is not None:
            out.append(default_date)
            given += 1
        elif d.ingested is not None:
            out.append(d.ingested)
            ingest += 1
        else:
            out.append(today)
            now += 1
    warnings = []
    if given and default_date is not None:
        warnings.append(f"{given} document(s) without a date: dated {default_date.isoformat()}"
                        " (--default-date)")
    if ingest:
        warnings.append(f"{ingest} document(s) without a date: dated with their ingest date;"
                        " give --default-date YYYY-MM-DD to choose one")
    if now:
        warnings.append(f"{now} document(s) without a date or ingest date: dated"
                        f" {today.isoformat()} (today); give --default-date YYYY-MM-DD to"
                        " choose one")
    return out, warnings


def dna_password_hash(password: str, salt: bytes | None = None) -> str:
    """jasypt StrongPasswordEncryptor (DNA 3's coder passwords)."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    for _ in range(100_000 - 1):
        digest = hashlib.sha256(digest).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX else text[: _MAX - 1] + "…"


def _epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def write_dna(statements: Sequence[CodedStatement], documents: Sequence[DnaDocumentInput],
              path: str | Path, *, codebook: Codebook | None = None,
              actors: dict[str, Actor] | None = None, password: str = "saidwhat",
              default_date: date | None = None,
              on_warning: Callable[[str], None] | None = None) -> None:
    """Write a DNA 3 database holding every document of ``documents`` (coded or not) and
    the statements. Every statement's document must be in ``documents`` with the text its
    offsets refer to; otherwise :class:`ExportError` names the document. Undated documents
    are dated by :func:`document_dates`; its warnings, and one for documents without text,
    go to ``on_warning``."""
    unique: list[DnaDocumentInput] = []
    seen: set[str] = set()
    for d in documents:  # one DNA document per doc_id: the first given
        if d.doc_id not in seen:
            seen.add(d.doc_id)
            unique.append(d)
    by_id = {d.doc_id: d for d in unique}  # the texts DNA gets
    for s in statements:
        d = by_id.get(s.doc_id)
        if d is None or not d.text:
            raise ExportError(f"document '{s.doc_id}': no text to export to .dna (the statement"
                              " offsets need it; give the texts with --texts or extract with text)")
        if d.text[s.content.start:s.content.end] != s.content.text:
            raise ExportError(f"document '{s.doc_id}': statement {s.id}'s offsets do not match"
                              " the document text given (was it the text extraction ran on?)")
    dates, warnings = document_dates(unique, default_date)
    no_text = sum(1 for d in unique if not d.text)
    if no_text:
        warnings.append(f"{no_text} document(s) have no text: written empty (give the texts"
                        " with --texts to code them by hand in DNA)")
    for w in warnings:
        if on_warning is not None:
            on_warning(w)
    atomic_path(path, lambda tmp: _write(tmp, statements, unique, dates, codebook,
                                         actors or {}, password))


def _write(tmp: str, statements: Sequence[CodedStatement], documents: Sequence[DnaDocumentInput],
           dates: Sequence[date], codebook: Codebook | None, actors: dict[str, Actor],
           password: str) -> None:
    os.unlink(tmp)  # sqlite creates it afresh
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        for ddl in DNA3_TABLES.values():
            con.execute(ddl)
        today = datetime.now(UTC).date().isoformat()
        con.executemany("INSERT INTO SETTINGS(Property, Value) VALUES (?, ?)",
                        [("version", DNA_VERSION), ("date", today)])
        con.execute("INSERT INTO CODERS(ID, Name, Red, Green, Blue, Password) VALUES"
                    " (1, 'saidwhat', 51, 153, 255, ?)", (dna_password_hash(password),))
        con.execute("INSERT INTO STATEMENTTYPES(ID, Label, Red, Green, Blue) VALUES"
                    " (1, ?, 239, 208, 51)", (STATEMENT_TYPE,))
        var_id: dict[str, int] = {}
        for i, (name, dtype) in enumerate(VARIABLES, 1):
            con.execute("INSERT INTO VARIABLES(ID, Variable, DataType, StatementTypeId)"
                        " VALUES (?, ?, ?, 1)", (i, name, dtype))
            var_id[name] = i
        attr_id: dict[tuple[int, str], int] = {}
        for attr in ATTRIBUTE_VARIABLES:
            for name in ("person", "organization", "concept"):
                cur = con.execute("INSERT INTO ATTRIBUTEVARIABLES(VariableId, AttributeVariable)"
                                  " VALUES (?, ?)", (var_id[name], attr))
                attr_id[(var_id[name], attr)] = int(cur.lastrowid or 0)

        doc_pk: dict[str, int] = {}
        for pk, (d, day) in enumerate(zip(documents, dates, strict=True), 1):
            con.execute("INSERT INTO DOCUMENTS(ID, Title, Text, Coder, Author, Source, Section,"
                        " Notes, Type, Date) VALUES (?, ?, ?, 1, ?, ?, '', ?, '', ?)",
                        (pk, _short(d.title or d.doc_id), d.text or "", _short(d.author),
                         _short(d.source), f"saidwhat doc_id: {d.doc_id}", _epoch(day)))
            doc_pk[d.doc_id] = pk

        entity: dict[tuple[int, str], int] = {}

        def entity_id(variable: str, value: str, attrs: dict[str, str]) -> int:
            key = (var_id[variable], _short(value))
            if key not in entity:
                cur = con.execute("INSERT INTO ENTITIES(VariableId, Value, Red, Green, Blue)"
                                  " VALUES (?, ?, 0, 0, 0)", key)
                entity[key] = int(cur.lastrowid or 0)
                for attr in ATTRIBUTE_VARIABLES:
                    con.execute("INSERT INTO ATTRIBUTEVALUES(EntityId, AttributeVariableId,"
                                " AttributeValue) VALUES (?, ?, ?)",
                                (entity[key], attr_id[(var_id[variable], attr)],
                                 _short(attrs.get(attr, ""))))
            return entity[key]

        for name in ("person", "organization", "concept"):  # DNA keeps an empty entity each
            entity_id(name, "", {})

        ordered = sorted(statements, key=lambda s: (doc_pk[s.doc_id], s.span(), s.concept))
        for sid, s in enumerate(ordered, 1):
            start, stop = s.span()
            con.execute("INSERT INTO STATEMENTS(ID, StatementTypeId, DocumentId, Start, Stop,"
                        " Coder) VALUES (?, 1, ?, ?, ?, 1)", (sid, doc_pk[s.doc_id], start, stop))
            actor = actors.get(s.actor)
            person = "" if s.actor_type == "organization" else s.actor
            org = s.organization or (s.actor if s.actor_type == "organization" else "")
            person_attrs = {"Type": s.actor_type,
                            "Alias": "; ".join(sorted(actor.aliases)) if actor else ""}
            concept = codebook.label_of(s.concept) if codebook is not None else s.concept
            values = {
                "person": entity_id("person", person, person_attrs),
                "organization": entity_id("organization", org, {"Type": "organization"}),
                "concept": entity_id("concept", concept, {"Alias": s.concept}),
            }
            for name, eid in values.items():
                con.execute("INSERT INTO DATASHORTTEXT(StatementId, VariableId, Entity)"
                            " VALUES (?, ?, ?)", (sid, var_id[name], eid))
            con.execute("INSERT INTO DATABOOLEAN(StatementId, VariableId, Value) VALUES (?, ?, ?)",
                        (sid, var_id["agreement"], 1 if s.qualifier == "support" else 0))
        con.commit()
    finally:
        con.close()
