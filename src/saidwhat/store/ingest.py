"""Input files -> :class:`DocumentRecord` (with metadata) or :class:`IngestProblem`.

Formats, by file name (folders are searched recursively, in sorted order):

* ``.txt`` / ``.text``: one document per file;
* ``.html`` / ``.htm``: article text and metadata extracted with trafilatura
  (dates via htmldate), through :func:`saidwhat.readers.read_html`;
* ``.jsonl`` / ``.ndjson`` (optionally ``.gz``): one JSON object per line;
* ``.csv`` / ``.tsv`` (optionally ``.gz``): one row per document, with a text column;
* ``.warc`` / ``.warc.gz`` / ``.arc`` ...: HTML ``response`` records (HTTP 200), each
  extracted like an HTML file; needs ``warcio`` (``pip install saidwhat[warc]``).

Bytes are decoded by :func:`saidwhat.readers.decode_text`: invalid UTF-8 is replaced by
U+FFFD (and the encoding note kept in the document's meta); mostly-undecodable or NUL-holding
input is an error. Memory stays bounded: files and lines above the size limit are
rejected before they are read whole.

Nothing is dropped silently: every file or record that does not become a document is an
:class:`IngestProblem` with its reason, stored in the ``errors`` table.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from tqdm import tqdm

from ..readers import ReadError, decode_text, read_html
from .db import DocumentRecord, Store
from .lang import THRESHOLD, detect_english

FORMATS: dict[str, str] = {
    ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl",
    ".csv": "csv", ".csv.gz": "csv", ".tsv": "csv", ".tsv.gz": "csv",
    ".warc": "warc", ".warc.gz": "warc", ".arc": "warc", ".arc.gz": "warc",
}

# Column / field names tried, in order, when the user names none.
COLUMN_CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "maintext"),
    "id": ("id", "doc_id", "article_id", "uid", "guid"),
    "title": ("title", "headline"),
    "date": ("date", "published", "publish_date", "pub_date", "publication_date",
             "date_publish", "datetime"),
    "outlet": ("outlet", "source", "publication", "sitename", "media", "media_name",
               "publisher"),
    "url": ("url", "link"),
    "author": ("author", "byline", "authors"),
}

DEFAULT_MAX_CHARS = 1_000_000
# HTML and WARC pages carry markup around the article: allow this many bytes per text char.
HTML_BYTES_PER_CHAR = 4
# Lines of a CSV file that fail to parse in a row before the file is given up as not CSV.
MAX_CSV_ERRORS_IN_A_ROW = 20


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
    max_chars: int = DEFAULT_MAX_CHARS
    check_language: bool = True

    def column(self, role: str) -> str | None:
        return getattr(self, f"{role}_col")

    @property
    def max_bytes(self) -> int:
        # UTF-8 needs up to 4 bytes a character: anything bigger is over max_chars for sure.
        return 4 * self.max_chars


@dataclass(frozen=True, slots=True)
class IngestProblem:
    kind: str  # "error" | "skipped"
    source: str
    record: str | None
    doc_id: str | None
    reason: str


Item = DocumentRecord | IngestProblem
Progress = Callable[[int], None]


# ----------------------------------------------------------------------------- paths

def file_format(path: str | Path) -> str | None:
    name = str(path).lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


def expand(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Files named by ``paths``: folders are walked recursively in sorted order, skipping
    hidden files and folders and the files in ``exclude`` (the store's own files).
    Raises :class:`IngestConfigError` for a path that does not exist."""
    skip = {p.resolve() for p in exclude}
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.resolve() not in skip))
        elif p.is_file():
            files.append(p)
        else:
            raise IngestConfigError(f"{p}: no such file or folder")
    return files


def store_files(store: Store) -> list[Path]:
    """The files a store keeps beside its database, never to be ingested."""
    base = store.path
    return [base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))]


def check_inputs(files: list[Path], opts: IngestOptions) -> None:
    """Check what can be checked before any work starts: CSV headers have the columns."""
    for f in files:
        if file_format(f) != "csv":
            continue
        try:
            header = _csv_header(f)
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile, csv.Error) as exc:
            raise IngestConfigError(f"{f}: cannot read the CSV header ({exc})") from None
        resolve_columns(header, opts, where=str(f))


def resolve_columns(fields: Iterable[str], opts: IngestOptions, where: str,
                    need_text: bool = True) -> dict[str, str]:
    """Map roles (text, id, date, ...) to the columns present; a named column that is
    missing, or no text column at all, is an :class:`IngestConfigError`."""
    present = list(fields)
    lower = {c.lower(): c for c in present}
    mapping: dict[str, str] = {}
    for role, candidates in COLUMN_CANDIDATES.items():
        named = opts.column(role)
        if named is not None:
            if named not in present:
                raise IngestConfigError(
                    f"{where}: no column {named!r} (--{role}-col); columns are: "
                    + ", ".join(repr(c) for c in present))
            mapping[role] = named
            continue
        found = next((lower[c] for c in candidates if c in lower), None)
        if found is not None:
            mapping[role] = found
    if need_text and "text" not in mapping:
        raise IngestConfigError(
            f"{where}: no text column (tried {', '.join(COLUMN_CANDIDATES['text'])}); "
            "name it with --text-col. Columns are: " + ", ".join(repr(c) for c in present))
    return mapping


# ----------------------------------------------------------------------------- records

def _normalize_date(value: Any) -> str | None:
    """ISO 8601 where the value can be parsed (ISO or RFC 2822), else the value as given."""
    if value is None or value == "":
        return None
    s = str(value).strip()
    try:
        return date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s).isoformat()
    except (TypeError, ValueError, IndexError):
        return s


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def finish(rec: DocumentRecord, opts: IngestOptions) -> Item:
    """The checks every document passes: not empty, not too long, English."""
    if not rec.text.strip():
        return IngestProblem("error", rec.source, rec.record, rec.doc_id, "empty document")
    if len(rec.text) > opts.max_chars:
        return IngestProblem("error", rec.source, rec.record, rec.doc_id,
                             f"document too long: {len(rec.text):,} characters "
                             f"(limit {opts.max_chars:,}; raise it with --max-chars)")
    guess = detect_english(rec.text)
    rec.language, rec.language_score = guess.language, guess.score
    if opts.check_language and not guess.is_english:
        return IngestProblem("skipped", rec.source, rec.record, rec.doc_id,
                             f"not English: {guess.score:.0%} of {guess.words} words are "
                             f"English function words (threshold {THRESHOLD:.0%})")
    rec.date = _normalize_date(rec.date)
    return rec


def record_from_fields(fields: dict[str, Any], mapping: dict[str, str], fmt: str,
                       source: str, record: str, default_id: str) -> DocumentRecord | str:
    """A record from a JSON object or CSV row, or the reason it is not one."""
    text = fields.get(mapping["text"])
    if text is None:
        return f"no {mapping['text']!r} field"
    if not isinstance(text, str):
        return f"{mapping['text']!r} must be a string, got {type(text).__name__}"
    roles = {role: fields.get(col) for role, col in mapping.items() if role != "text"}
    used = set(mapping.values())
    meta = {k: v for k, v in fields.items() if k not in used and v not in (None, "")}
    doc_id = _as_text(roles.get("id")) or default_id
    return DocumentRecord(doc_id=doc_id, text=text, format=fmt, source=source, record=record,
                          title=_as_text(roles.get("title")), date=_as_text(roles.get("date")),
                          outlet=_as_text(roles.get("outlet")), url=_as_text(roles.get("url")),
                          author=_as_text(roles.get("author")), meta=meta)


# ----------------------------------------------------------------------------- readers

class _CountingRaw(io.RawIOBase):
    """Counts bytes read from a file, for progress in bytes."""

    def __init__(self, fh: BinaryIO, progress: Progress | None) -> None:
        self.fh, self.progress = fh, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = self.fh.readinto(buf)  # type: ignore[attr-defined]
        if self.progress and n:
            self.progress(n)
        return n or 0

    def close(self) -> None:
        self.fh.close()
        super().close()


def _open_binary(path: Path, progress: Progress | None) -> IO[bytes]:
    raw: IO[bytes] = io.BufferedReader(_CountingRaw(open(path, "rb"), progress))
    if str(path).lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def _bounded_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)``; a line longer than ``limit`` bytes is skipped over in
    bounded memory and given as ``None``."""
    lineno = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
        else:
            yield lineno, line


_CORRUPT = (EOFError, zlib.error, gzip.BadGzipFile)


def read_text_file(path: Path, fmt: str, opts: IngestOptions,
                   progress: Progress | None = None) -> Iterator[Item]:
    source = str(path)
    size = path.stat().st_size
    limit = opts.max_bytes * (HTML_BYTES_PER_CHAR if fmt == "html" else 1)
    if size == 0:
        yield IngestProblem("error", source, None, source, "empty file")
        return
    if size > limit:
        yield IngestProblem("error", source, None, source,
                            f"file too large: {size:,} bytes (limit {limit:,} for "
                            f"--max-chars {opts.max_chars:,}); not read")
        return
    data = path.read_bytes()
    if progress:
        progress(size)
    try:
        if fmt == "html":
            doc = read_html(data, source, source)
            text, meta = doc.text, dict(doc.meta)
        else:
            text, warnings = decode_text(data)
            meta = {"encoding": "; ".join(warnings)} if warnings else {}
    except ReadError as exc:
        yield IngestProblem("error", source, None, source, str(exc))
        return
    rec = DocumentRecord(doc_id=source, text=text, format=fmt, source=source, meta=meta)
    if fmt == "html":
        _take_html_meta(rec)
    yield finish(rec, opts)


def _take_html_meta(rec: DocumentRecord) -> None:
    """Move trafilatura's metadata to the record's columns."""
    rec.title = rec.meta.pop("title", None) or rec.title
    rec.author = rec.meta.pop("author", None) or rec.author
    rec.date = rec.meta.pop("date", None) or rec.date
    rec.url = rec.meta.pop("url", None) or rec.url
    rec.outlet = rec.meta.pop("sitename", None) or rec.outlet


def read_jsonl(path: Path, opts: IngestOptions, progress: Progress | None = None
               ) -> Iterator[Item]:
    source, n = str(path), 0
    mapping_cache: dict[frozenset[str], dict[str, str] | str] = {}
    try:
        with _open_binary(path, progress) as fh:
            for lineno, line in _bounded_lines(fh, opts.max_bytes):
                record = f"line {lineno}"
                if line is None:
                    yield IngestProblem("error", source, record, None,
                                        f"line longer than {opts.max_bytes:,} bytes "
                                        f"(--max-chars {opts.max_chars:,}); not read")
                    continue
                if not line.strip():
                    continue
                n += 1
                yield _jsonl_item(line, source, record, f"{source}#{lineno}", opts,
                                  mapping_cache)
    except _CORRUPT as exc:
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt gzip after {n} records: {exc}")
        return
    if n == 0:
        yield IngestProblem("error", source, None, None, "empty file (no JSON records)")


def _jsonl_item(line: bytes, source: str, record: str, default_id: str, opts: IngestOptions,
                cache: dict[frozenset[str], dict[str, str] | str]) -> Item:
    try:
        text, warnings = decode_text(line)
    except ReadError as exc:
        return IngestProblem("error", source, record, None, str(exc))
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return IngestProblem("error", source, record, None,
                             f"invalid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return IngestProblem("error", source, record, None,
                             f"expected a JSON object, got {type(obj).__name__}")
    keys = frozenset(obj)
    if keys not in cache:
        try:
            cache[keys] = resolve_columns(obj, opts, where="")
        except IngestConfigError as exc:
            cache[keys] = str(exc).lstrip(": ")
    mapping = cache[keys]
    if isinstance(mapping, str):
        return IngestProblem("error", source, record, None, mapping)
    rec = record_from_fields(obj, mapping, "jsonl", source, record, default_id)
    if isinstance(rec, str):
        return IngestProblem("error", source, record, None, rec)
    if warnings:
        rec.meta["encoding"] = "; ".join(warnings)
    return finish(rec, opts)


def _csv_dialect(path: Path) -> type[csv.Dialect]:
    name = str(path).lower().removesuffix(".gz")
    return csv.excel_tab if name.endswith(".tsv") else csv.excel


def _csv_text(fh: IO[bytes]) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes so each field can be decoded by the shared
    # policy (readers.decode_text) instead of failing the whole file.
    return io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")


def _csv_header(path: Path) -> list[str]:
    with _open_binary(path, None) as fh:
        row = next(csv.reader(_csv_text(fh), dialect=_csv_dialect(path)), None)
    if row is None:
        raise csv.Error("empty file")
    return [_fix_field(c)[0] for c in row]


def _fix_field(value: str) -> tuple[str, list[str]]:
    try:
        value.encode("utf-8")
        return value, []
    except UnicodeEncodeError:
        return decode_text(value.encode("utf-8", errors="surrogateescape"))


def read_csv(path: Path, opts: IngestOptions, progress: Progress | None = None
             ) -> Iterator[Item]:
    source = str(path)
    csv.field_size_limit(max(opts.max_bytes + 1, 131072))
    n, errors_in_a_row = 0, 0
    try:
        with _open_binary(path, progress) as fh:
            reader = csv.reader(_csv_text(fh), dialect=_csv_dialect(path))
            header = [_fix_field(c)[0] for c in next(reader, [])]
            mapping = resolve_columns(header, opts, where=source)
            while True:
                record = f"row {n + 1}"
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    n += 1
                    errors_in_a_row += 1
                    reason = (f"field longer than {opts.max_bytes:,} bytes (--max-chars "
                              f"{opts.max_chars:,}); row not read" if "field larger" in str(exc)
                              else f"bad CSV row: {exc}")
                    yield IngestProblem("error", source, record, None, reason)
                    if errors_in_a_row >= MAX_CSV_ERRORS_IN_A_ROW:
                        yield IngestProblem("error", source, None, None,
                                            f"gave up after {errors_in_a_row} bad rows in a row")
                        return
                    continue
                n += 1
                errors_in_a_row = 0
                if not any(c.strip() for c in row):
                    continue
                yield _csv_item(row, header, mapping, source, record, opts)
    except _CORRUPT as exc:
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt gzip after {n} rows: {exc}")


def _csv_item(row: list[str], header: list[str], mapping: dict[str, str], source: str,
              record: str, opts: IngestOptions) -> Item:
    if len(row) != len(header):
        return IngestProblem("error", source, record, None,
                             f"{len(row)} fields, but the header has {len(header)}")
    fields: dict[str, Any] = {}
    notes: list[str] = []
    try:
        for name, value in zip(header, row, strict=True):
            fields[name], warnings = _fix_field(value)
            notes += warnings
    except ReadError as exc:
        return IngestProblem("error", source, record, None, str(exc))
    rec = record_from_fields(fields, mapping, "csv", source, record, f"{source}#{record[4:]}")
    if isinstance(rec, str):
        return IngestProblem("error", source, record, None, rec)
    if notes:
        rec.meta["encoding"] = "; ".join(notes)
    return finish(rec, opts)


def read_warc(path: Path, opts: IngestOptions, progress: Progress | None = None
              ) -> Iterator[Item]:
    """HTML ``response`` records with HTTP status 200; other records are not documents."""
    source = str(path)
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        yield IngestProblem("error", source, None, None,
                            "reading WARC needs warcio: pip install 'saidwhat[warc]'")
        return
    limit = opts.max_bytes * HTML_BYTES_PER_CHAR
    n = 0
    try:
        with open(path, "rb") as raw:
            counted = io.BufferedReader(_CountingRaw(raw, progress))
            for index, rec in enumerate(ArchiveIterator(counted, arc2warc=True), 1):
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
                status = rec.http_headers.get_statuscode()
                if "html" not in ctype or status != "200":
                    continue
                n += 1
                url = rec.rec_headers.get_header("WARC-Target-URI")
                record = f"record {index}"
                doc_id = url or rec.rec_headers.get_header("WARC-Record-ID") or f"{source}#{n}"
                data = rec.content_stream().read(limit + 1)
                if len(data) > limit:
                    yield IngestProblem("error", source, record, doc_id,
                                        f"HTML response larger than {limit:,} bytes; not read")
                    continue
                yield _warc_item(data, url, doc_id, source, record, opts,
                                 rec.rec_headers.get_header("WARC-Date"))
    except (ArchiveLoadFailed, *_CORRUPT, OSError, ValueError) as exc:
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt WARC after {n} HTML records: "
                            f"{type(exc).__name__}: {exc}")
        return
    # warcio stops quietly at a cut in a compressed WARC: check the gzip stream's end.
    damage = _gzip_damage(path) if source.lower().endswith(".gz") else None
    if damage is not None:
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt WARC after {n} HTML records: {damage}")
    elif n == 0:
        yield IngestProblem("error", source, None, None,
                            "no HTML response records (HTTP 200) in this WARC file")


def _gzip_damage(path: Path) -> str | None:
    """Why a gzip file does not decompress to its end, or None if it does."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except _CORRUPT as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _warc_item(data: bytes, url: str | None, doc_id: str, source: str, record: str,
               opts: IngestOptions, crawl_date: str | None) -> Item:
    if not data.strip():
        return IngestProblem("error", source, record, doc_id, "empty HTML response")
    try:
        doc = read_html(data, source, doc_id)
    except ReadError as exc:
        return IngestProblem("error", source, record, doc_id, str(exc))
    rec = DocumentRecord(doc_id=doc_id, text=doc.text, format="warc", source=source,
                         record=record, url=url, meta=dict(doc.meta))
    _take_html_meta(rec)
    rec.url = url or rec.url
    if crawl_date:
        rec.meta["crawl_date"] = crawl_date
    return finish(rec, opts)


def read_path(path: Path, opts: IngestOptions, progress: Progress | None = None
              ) -> Iterator[Item]:
    """Every record of one file; an unreadable file is one problem, never an exception."""
    fmt = file_format(path)
    source = str(path)
    if fmt is None:
        suffix = "".join(path.suffixes[-2:]) or path.name
        yield IngestProblem("skipped", source, None, None,
                            f"unsupported file type {suffix!r} (expected one of "
                            f"{', '.join(sorted(FORMATS))})")
        if progress:
            progress(_size(path))
        return
    try:
        if fmt in ("txt", "html"):
            yield from read_text_file(path, fmt, opts, progress)
        elif fmt == "jsonl":
            yield from read_jsonl(path, opts, progress)
        elif fmt == "csv":
            yield from read_csv(path, opts, progress)
        else:
            yield from read_warc(path, opts, progress)
    except OSError as exc:
        yield IngestProblem("error", source, None, None, f"cannot read: {exc.strerror or exc}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def total_bytes(files: list[Path]) -> int:
    return sum(_size(f) for f in files)


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
    files = expand(paths, exclude=store_files(store))
    check_inputs(files, opts)
    summary = IngestSummary()
    run_id = store.start_run("ingest", {"paths": [str(p) for p in paths], **asdict(opts)})
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

    with tqdm(total=total_bytes(files), unit="B", unit_scale=True, desc="ingest",
              disable=not show_progress, dynamic_ncols=True) as bar:
        for f in files:
            summary.files += 1
            for item in read_path(f, opts, bar.update):
                if isinstance(item, DocumentRecord):
                    records.append(item)
                else:
                    problems.append(item)
                    if item.kind == "skipped":
                        summary.skipped += 1
                    else:
                        summary.errors += 1
                    group = f"{item.kind}: {reason_group(item.reason)}"
                    summary.reasons[group] = summary.reasons.get(group, 0) + 1
                if len(records) + len(problems) >= batch_size:
                    flush()
                    bar.set_postfix(docs=summary.added, refresh=False)
        flush()
    store.finish_run(run_id, summary.to_dict())
    return summary
