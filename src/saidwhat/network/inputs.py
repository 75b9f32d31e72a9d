"""Reading extraction results for the network commands: predictions JSONL or the store.

A bad line is an error naming the file and the line; the other lines go on (the caller
reports the errors). Document texts, needed only by the .dna export, come with the record
("text") or from ``--texts`` files named ``<doc_id>.txt``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Document

if TYPE_CHECKING:
    from .reviewed import HandCode, ReviewedCorpus


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # a store's actor table: (doc_id, quote_id) -> its actor (name, type, organisation,
    # attributes, aliases), or None for a quote without one (see ActorIndex)
    actor_links: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    # a store's hand codes, (doc_id, quote_id) -> codes (they override the machine's coding
    # of that attribution), and what its corrections changed; empty without corrections
    hand_codes: dict[tuple[str, str], list[HandCode]] = field(default_factory=dict)
    reviewed: ReviewedCorpus | None = None


def _open(path: Path):  # type: ignore[no-untyped-def]
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def load_predictions(paths: Iterable[str | Path], result: LoadResult | None = None) -> LoadResult:
    """Documents from predictions JSONL files (``Document.to_dict()`` per line)."""
    out = result or LoadResult()
    for p in map(Path, paths):
        try:
            with _open(p) as fh:
                for line_no, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                        if not isinstance(record, dict) or "doc_id" not in record:
                            raise ValueError("not a saidwhat record (no 'doc_id')")
                        out.documents.append(Document.from_dict(record))
                    except (ValueError, KeyError, TypeError, AssertionError) as exc:
                        out.errors.append(f"{p}:{line_no}: {exc}")
        except (OSError, UnicodeDecodeError) as exc:
            out.errors.append(f"{p}: cannot read: {exc}")
    return out


def load_store(db: str | Path, result: LoadResult | None = None, *, corrections: bool = True,
               coder: str | None = None) -> LoadResult:
    """Documents from a saidwhat store (``saidwhat.store``), texts included.
    ``corrections``: as the review layer corrects them where it has corrections (rejected
    attributions left out, added ones in, corrected speakers and spans, hand codes in
    ``hand_codes``; :mod:`saidwhat.network.reviewed`), ``coder``: that coder's corrections
    only; else the machine's output as stored."""
    from ..store.db import Store, StoreError

    out = result or LoadResult()
    path = Path(db)
    if not path.is_file():
        out.errors.append(f"{path}: no such store database")
        return out
    try:  # a reader: read-only, never upgrades or adds tables to the file
        with Store(path, readonly=True) as store:
            if corrections and store.coders():  # any correction at all
                from .reviewed import load_reviewed

                reviewed = load_reviewed(store, coder=coder)
                out.documents += reviewed.documents
                out.actor_links.update(reviewed.actor_links)
                out.hand_codes.update(reviewed.hand_codes)
                out.reviewed = reviewed
                return out
            out.actor_links.update(store.quote_actors())
            for record in store.iter_results(with_text=True):
                try:
                    out.documents.append(Document.from_dict(record))
                except (ValueError, KeyError, TypeError, AssertionError) as exc:
                    out.errors.append(f"{path}: document {record.get('doc_id')}: {exc}")
    except StoreError as exc:
        out.errors.append(str(exc))
    return out


def attach_texts(docs: list[Document], paths: Iterable[str | Path]) -> list[str]:
    """Fill in missing texts from the inputs they were extracted from (files or folders),
    read by :mod:`saidwhat.readers` as ``saidwhat extract`` reads them: the same formats,
    the same document ids (``a.txt`` holds ``a``; a JSONL record its ``id``) and the same
    text (exact bytes; invalid UTF-8 replaced). Returns the errors."""
    from ..readers import InputError, ReadOptions, doc_id_for, expand_paths, read_file

    need = {d.doc_id: d for d in docs if not d.text}
    errors: list[str] = []
    opts = ReadOptions(unique_ids=False)  # the first input with an id gives its text
    for item in expand_paths([str(p) for p in paths]):
        if isinstance(item, InputError):
            if item.kind == "error":
                errors.append(str(item))
            continue
        if not need or item == "-":
            continue
        single = item.lower().endswith((".txt", ".text", ".html", ".htm"))
        if single and doc_id_for(item) not in need:
            continue  # not read at all: no document needs it
        for rec in read_file(item, opts):
            if isinstance(rec, InputError):
                if rec.record is None:  # the file; bad records of others' files are theirs
                    errors.append(f"{rec.path}: cannot read: {rec.reason}")
                continue
            doc = need.pop(rec.doc_id, None)
            if doc is not None:
                doc.text = rec.text
    return errors
