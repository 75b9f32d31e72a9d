"""``saidwhat ingest``: inputs -> :class:`DocumentRecord` in the store, or a problem row.

Reading is :mod:`saidwhat.readers`, the layer ``saidwhat extract`` reads through too: the
same formats, folder walk, document ids, size limit (``--max-doc-chars``), text-carrying
rule and bad-input rules (see its module doc). What ingest adds:

* the store's columns, derived in one place (:func:`columns_of`) from the document's
  ``meta``, which is kept whole: title, date (ISO 8601 by :func:`saidwhat.dates.normalize_date`
  where it can be read), outlet, url, author, from the field named on the command line
  (``--date-col``) or the first common name present (:data:`saidwhat.readers.COLUMN_CANDIDATES`);
* an English check (non-English documents are skipped, with the reason);
* the store's own checks: the same text again is a duplicate, not stored twice; an id
  that the store already holds for another text is an id conflict naming both inputs.

Nothing is dropped silently: every file or record that does not become a document is an
:class:`IngestProblem` with its reason, stored in the ``errors`` table; so is every folder
that cannot be read, broken link, link loop and special file met while walking folders.
A failure nobody foresaw ends that file with an error, and the batch goes on; if the run
itself dies, what was read is committed and the run is marked ``interrupted``.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..dates import normalize_date
from ..lang import skip_reason
from ..readers import (
    COLUMN_CANDIDATES,
    DEFAULT_MAX_DOC_CHARS,
    STDIN,
    ColumnError,
    DocIdRule,
    InputDoc,
    InputError,
    ReadError,
    ReadOptions,
    csv_header,
    expand_paths,
    input_format,
    read_file,
    resolve_columns,
)
from ..records import printable_name
from .db import DocumentRecord, Store
from .lang import detect_english

# The store's columns that come from a document's metadata.
META_COLUMNS = ("title", "date", "outlet", "url", "author")


class IngestConfigError(ValueError):
    """A problem with the command itself (missing file, missing CSV column): raised before
    any work starts."""


@dataclass(slots=True)
class IngestOptions:
    text_col: str | None = None
    id_col: str | None = None
    title_col: str | None = None
    date_col: str | None = None
    outlet_col: str | None = None
    url_col: str | None = None
    author_col: str | None = None
    max_doc_chars: int = DEFAULT_MAX_DOC_CHARS
    doc_id: DocIdRule = "stem"
    check_language: bool = True

    def column(self, role: str) -> str | None:
        return getattr(self, f"{role}_col")  # type: ignore[no-any-return]

    @property
    def columns(self) -> dict[str, str]:
        """The fields named on the command line, by role."""
        return {role: name for role in COLUMN_CANDIDATES if (name := self.column(role))}

    def read_options(self, exclude: frozenset[str] = frozenset()) -> ReadOptions:
        # unique_ids=False: the store checks ids itself, against earlier runs too, and tells
        # a duplicate (same text) from a conflict.
        return ReadOptions(max_doc_chars=self.max_doc_chars, doc_id=self.doc_id,
                           columns=self.columns, exclude=exclude, unique_ids=False)


@dataclass(frozen=True, slots=True)
class IngestProblem:
    kind: str  # "error" | "skipped"
    source: str
    record: str | None
    doc_id: str | None
    reason: str


Item = DocumentRecord | IngestProblem
Progress = Callable[[int], None]


# ----------------------------------------------------------------------------- checks

def store_files(store: Store) -> list[Path]:
    """The files a store keeps beside its database, never to be ingested."""
    base = store.path
    return [base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))]


def check_inputs(paths: Iterable[str | os.PathLike[str]], opts: IngestOptions) -> None:
    """Check what can be checked before any work starts: every path exists, and CSV headers
    have the columns (the text column, and every column named on the command line). A CSV
    file whose header cannot be read at all (binary, not UTF-8 or UTF-16, bad quoting) is
    not the command's fault: it is one error for that file at ingest time."""
    paths = [os.fspath(p) for p in paths]
    for p in paths:
        if p != STDIN and not os.path.exists(p) and not glob.has_magic(p):
            raise IngestConfigError(f"{printable_name(p)}: no such file or folder")
    for item in expand_paths(paths):
        if isinstance(item, InputError) or item == STDIN or input_format(item) != "csv":
            continue
        try:
            header = csv_header(item)
        except (OSError, ReadError, EOFError, ValueError, csv.Error):
            continue
        try:
            resolve_columns(header, opts.columns, where=printable_name(item))
        except ColumnError as exc:
            raise IngestConfigError(str(exc)) from None


# ----------------------------------------------------------------------------- records

def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return "; ".join(v if isinstance(v, str) else json.dumps(v) for v in value)
    if isinstance(value, dict):  # JSON, not a Python repr
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def columns_of(meta: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, str | None]:
    """The store's metadata columns of a document, from its ``meta``: the one place they
    are derived. ``columns``: the fields named on the command line, by role."""
    lower = {k.lower(): k for k in meta if isinstance(k, str)}
    out: dict[str, str | None] = {}
    for role in META_COLUMNS:
        named = columns.get(role)
        if named is not None:
            key = named if named in meta else None  # a named field this record lacks
        else:
            key = next((lower[c] for c in COLUMN_CANDIDATES[role] if c in lower), None)
        out[role] = _as_text(meta.get(key)) if key is not None else None
    out["date"] = normalize_date(out["date"])
    return out


def record_of(doc: InputDoc, opts: IngestOptions) -> Item:
    """The store's record of a document read, or why it is skipped (not English)."""
    guess = detect_english(doc.text)
    reason = skip_reason(doc.text, guess) if opts.check_language else None
    if reason is not None:  # the same check and wording as extract's (saidwhat.lang)
        return IngestProblem("skipped", doc.where, doc.position, doc.doc_id, reason)
    return DocumentRecord(doc_id=doc.doc_id, text=doc.text, format=doc.format,
                          source=doc.where, record=doc.position,
                          **columns_of(doc.meta, opts.columns),
                          language=guess.language, language_score=guess.score,
                          meta=dict(doc.meta), warnings=tuple(doc.warnings),
                          include_text=doc.include_text)


def problem_of(err: InputError) -> IngestProblem:
    return IngestProblem(err.kind, err.path, err.position, err.doc_id, err.reason)


def _unstorable(rec: DocumentRecord) -> str | None:
    """Why SQLite (UTF-8 text, meta as JSON) would refuse the record, or None. Backstop:
    the readers' cleaning should leave nothing for it to find."""
    try:
        for value in (rec.doc_id, rec.text, rec.title, rec.date, rec.outlet, rec.url,
                      rec.author, rec.source, rec.record, *rec.warnings):
            if value is not None:
                value.encode("utf-8")
        json.dumps(rec.meta, ensure_ascii=False, allow_nan=False, default=str).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError) as exc:
        return f"record cannot be stored: {type(exc).__name__}: {exc}"
    return None


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


@dataclass(slots=True)
class IngestSummary:
    files: int = 0
    added: int = 0
    duplicate: int = 0
    id_conflict: int = 0
    errors: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"files": self.files, "added": self.added, "duplicate": self.duplicate,
                "id_conflict": self.id_conflict, "errors": self.errors,
                "skipped": self.skipped, "reasons": dict(self.reasons)}


def reason_group(reason: str) -> str:
    """The kind of a reason without its particulars: "not English: 3% of ..." -> "not English"."""
    return reason.split(":", 1)[0].split(" (", 1)[0]


def ingest(store: Store, paths: Iterable[str | Path], opts: IngestOptions | None = None,
           show_progress: bool = False, batch_size: int = 1000) -> IngestSummary:
    """Read ``paths`` into ``store``. Raises :class:`IngestConfigError` before any work if
    a path is missing or a CSV file lacks a column; every other problem is recorded."""
    opts = opts or IngestOptions()
    paths = [os.fspath(p) for p in paths]
    check_inputs(paths, opts)
    exclude = frozenset(os.path.realpath(p) for p in store_files(store))
    read_opts = opts.read_options(exclude)
    items = list(expand_paths(paths, exclude))
    summary = IngestSummary()
    run_id = store.start_run("ingest", {"paths": [printable_name(p) for p in paths],
                                        **asdict(opts)})
    records: list[DocumentRecord] = []
    problems: list[IngestProblem] = []

    def flush() -> None:
        counts = store.add_documents(
            records, run_id,
            [("ingest", p.kind, p.source, p.record, p.doc_id, p.reason) for p in problems])
        summary.added += counts["added"]
        summary.duplicate += counts["duplicate"]
        summary.id_conflict += counts["id_conflict"]
        records.clear()
        problems.clear()

    def note(read: InputDoc | InputError) -> None:
        item = record_of(read, opts) if isinstance(read, InputDoc) else problem_of(read)
        if isinstance(item, DocumentRecord):
            reason = _unstorable(item)
            if reason is None:
                records.append(item)
                return
            item = IngestProblem("error", item.source, item.record, None, reason)
        problems.append(item)
        if item.kind == "skipped":
            summary.skipped += 1
        else:
            summary.errors += 1
        group = f"{item.kind}: {reason_group(item.reason)}"
        summary.reasons[group] = summary.reasons.get(group, 0) + 1

    total = sum(_size(i) for i in items if isinstance(i, str) and i != STDIN)
    try:
        with tqdm(total=total, unit="B", unit_scale=True, desc="ingest",
                  disable=not show_progress, dynamic_ncols=True) as bar:
            for item in items:
                if isinstance(item, InputError):
                    note(item)
                    continue
                summary.files += 1
                for read in read_file(item, read_opts, progress=bar.update):
                    note(read)
                    if len(records) + len(problems) >= batch_size:
                        flush()
                        bar.set_postfix(docs=summary.added, refresh=False)
            flush()
    except BaseException as exc:
        # Keep what was read and close the run instead of leaving it "running".
        with contextlib.suppress(Exception):
            flush()
        with contextlib.suppress(Exception):
            store.finish_run(run_id, {**summary.to_dict(), "error": repr(exc)},
                             status="interrupted")
        raise
    store.finish_run(run_id, summary.to_dict())
    return summary
