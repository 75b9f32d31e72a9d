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

CSV files are read as UTF-8, or UTF-16 when they start with its byte-order mark; the
delimiter (``,`` ``;`` tab ``|``) is sniffed from a sample and checked against the header.
Quotes are parsed strictly, so a quote that never closes is an error naming the lines it
swallowed. A CSV file that still cannot be read is one error for that file only.

The rules shared with ``saidwhat extract`` (:mod:`saidwhat.records`) apply to every record:
JSON that cannot be parsed or written back (huge integers, deep nesting, ``NaN``,
``Infinity``) and ids that are not strings or integers are per-record errors; lone
surrogates become U+FFFD and control characters a space, noted in ``meta["encoding"]``;
file names that are not UTF-8 are stored with backslash escapes.

Nothing is dropped silently: every file or record that does not become a document is an
:class:`IngestProblem` with its reason, stored in the ``errors`` table; so is every folder
that cannot be read, broken link, link loop and special file met while walking folders.
A failure nobody foresaw ends that file with an error, and the batch goes on; if the run
itself dies, what was read is committed and the run is marked ``interrupted``.
"""

from __future__ import annotations

import contextlib
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
from ..records import (
    Cleaner,
    PathProblem,
    RecordError,
    bounded_lines,
    normalize_id,
    parse_json_object,
    printable_name,
    walk_files,
)
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


def expand(paths: Iterable[str | Path], exclude: Iterable[Path] = (),
           problems: list[IngestProblem] | None = None) -> list[Path]:
    """Files named by ``paths``: folders are walked recursively in sorted order, skipping
    hidden files and folders and the files in ``exclude`` (the store's own files).
    Raises :class:`IngestConfigError` for a path that does not exist. Folders that cannot
    be read, broken links, link loops and special files inside a folder are appended to
    ``problems`` (see :func:`saidwhat.records.walk_files`)."""
    skip = {p.resolve() for p in exclude}
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found: list[Path] = []
            for item in walk_files(str(p)):
                if isinstance(item, PathProblem):
                    if problems is not None:
                        problems.append(IngestProblem("error", printable_name(item.path), None,
                                                      None, item.reason))
                elif Path(item).resolve() not in skip:
                    found.append(Path(item))
            files.extend(sorted(found))
        elif p.is_file():
            files.append(p)
        else:
            raise IngestConfigError(f"{printable_name(str(p))}: no such file or folder")
    return files


def store_files(store: Store) -> list[Path]:
    """The files a store keeps beside its database, never to be ingested."""
    base = store.path
    return [base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))]


def check_inputs(files: list[Path], opts: IngestOptions) -> None:
    """Check what can be checked before any work starts: CSV headers have the columns
    (the text column, and every column named on the command line). A CSV file whose
    header cannot be read at all (binary, not UTF-8 or UTF-16, bad quoting) is not the
    command's fault: it is one error for that file at ingest time, and the rest is read."""
    for f in files:
        if file_format(f) != "csv":
            continue
        try:
            header = _csv_header(f)
        except (OSError, ReadError, *_CORRUPT, csv.Error):
            continue
        resolve_columns(header, opts, where=printable_name(str(f)))


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
        return "; ".join(v if isinstance(v, str) else json.dumps(v) for v in value)
    if isinstance(value, dict):  # JSON, not a Python repr
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def finish(rec: DocumentRecord, opts: IngestOptions) -> Item:
    """The checks every document passes: text cleaned (:class:`saidwhat.records.Cleaner`),
    not empty, not too long, English."""
    _clean(rec)
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


def _clean(rec: DocumentRecord) -> None:
    """Lone surrogates and control characters out of every string the store keeps, with a
    note in ``meta["encoding"]`` (like invalid UTF-8)."""
    c = Cleaner()
    rec.doc_id, rec.text = c.text(rec.doc_id), c.text(rec.text)
    rec.title, rec.date, rec.outlet, rec.url, rec.author = (
        None if v is None else c.text(v)
        for v in (rec.title, rec.date, rec.outlet, rec.url, rec.author))
    rec.meta = c.value(rec.meta)
    if notes := c.warnings():
        rec.meta["encoding"] = "; ".join(filter(None, [rec.meta.get("encoding"), *notes]))


def _unstorable(rec: DocumentRecord) -> str | None:
    """Why SQLite (UTF-8 text, meta as JSON) would refuse the record, or None. Backstop:
    the cleaning in :func:`finish` should leave nothing for it to find."""
    try:
        for value in (rec.doc_id, rec.text, rec.title, rec.date, rec.outlet, rec.url,
                      rec.author, rec.source, rec.record):
            if value is not None:
                value.encode("utf-8")
        json.dumps(rec.meta, ensure_ascii=False, allow_nan=False, default=str).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError) as exc:
        return f"record cannot be stored: {type(exc).__name__}: {exc}"
    return None


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
    try:
        doc_id = normalize_id(roles.get("id"), mapping.get("id", "id")) or default_id
    except RecordError as exc:
        return str(exc)
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


_CORRUPT = (EOFError, zlib.error, gzip.BadGzipFile)


def read_text_file(path: Path, fmt: str, opts: IngestOptions,
                   progress: Progress | None = None) -> Iterator[Item]:
    source = printable_name(str(path))
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
    source, n = printable_name(str(path)), 0
    mapping_cache: dict[frozenset[str], dict[str, str] | str] = {}
    try:
        with _open_binary(path, progress) as fh:
            for lineno, line in bounded_lines(fh, opts.max_bytes):
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
        obj = parse_json_object(text)
    except RecordError as exc:
        return IngestProblem("error", source, record, None, str(exc))
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


# Candidate delimiters, in order of preference on a tie.
CSV_DELIMITERS = ",;\t|"
# Bytes read ahead to find the encoding and delimiter of a CSV file.
CSV_SAMPLE_BYTES = 64 * 1024
# More NUL bytes than this share of the sample: binary, or UTF-16 without a byte-order mark.
MAX_CSV_NUL_FRACTION = 0.01


@dataclass(frozen=True, slots=True)
class _CsvFormat:
    encoding: str
    errors: str
    dialect: type[csv.Dialect]


def _csv_format(path: Path) -> _CsvFormat:
    """Encoding (UTF-8, or UTF-16 by its byte-order mark) and delimiter of a CSV file, from
    a sample; :class:`ReadError` if the file is not CSV text at all."""
    with _open_binary(path, None) as fh:
        raw = fh.read(CSV_SAMPLE_BYTES)
    if not raw.strip():
        raise ReadError("empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Undecodable UTF-16 is replaced (U+FFFD) by the codec itself.
        enc, errors = "utf-16", "replace"
        sample = raw[: len(raw) // 2 * 2].decode("utf-16", errors="replace")
    else:
        if raw.count(0) > MAX_CSV_NUL_FRACTION * len(raw):
            raise ReadError("binary file or UTF-16 without a byte-order mark (contains NUL "
                            "bytes), not CSV text")
        # A stray NUL in a field is only noise (cleaned later); the policy on the rest:
        sample, _ = decode_text(raw.removeprefix(b"\xef\xbb\xbf").replace(b"\x00", b" "))
        # surrogateescape keeps undecodable bytes so each field can be decoded by the
        # shared policy (readers.decode_text) instead of failing the whole file.
        enc, errors = "utf-8-sig", "surrogateescape"
    if str(path).lower().removesuffix(".gz").endswith(".tsv"):
        delimiter = "\t"
    else:
        delimiter = _sniff_delimiter(sample)
    # strict: a quote that does not close (or closes mid-field) is a csv.Error naming the
    # lines it swallowed, not a field that silently eats the rows after it.
    dialect = type("SniffedDialect", (csv.excel,), {"delimiter": delimiter, "strict": True})
    return _CsvFormat(enc, errors, dialect)


def _sniff_delimiter(sample: str) -> str:
    """csv.Sniffer's choice among :data:`CSV_DELIMITERS`, checked against the header line:
    the delimiter must split the header into as many columns as the best candidate does
    (the sniffer alone is easily misled by commas and semicolons in article text)."""
    header = sample.split("\n", 1)[0]
    columns = {d: len(next(csv.reader([header], delimiter=d), [])) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: columns[d])  # max keeps the first on a tie
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        sniffed = best
    return sniffed if columns.get(sniffed, 0) == columns[best] else best


def _csv_reader(fh: IO[bytes], fmt: _CsvFormat) -> Any:
    text = io.TextIOWrapper(fh, encoding=fmt.encoding, errors=fmt.errors, newline="")
    return csv.reader(text, dialect=fmt.dialect)


def _csv_header(path: Path) -> list[str]:
    fmt = _csv_format(path)
    with _open_binary(path, None) as fh:
        row = next(_csv_reader(fh, fmt), None)
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
    source = printable_name(str(path))
    csv.field_size_limit(max(opts.max_bytes + 1, 131072))
    try:
        fmt = _csv_format(path)
    except ReadError as exc:
        yield IngestProblem("error", source, None, None, str(exc))
        if progress:
            progress(_size(path))
        return
    n, errors_in_a_row = 0, 0
    try:
        with _open_binary(path, progress) as fh:
            reader = _csv_reader(fh, fmt)
            try:
                header = [_fix_field(c)[0] for c in next(reader, [])]
            except (csv.Error, ReadError) as exc:
                yield IngestProblem("error", source, None, None,
                                    f"cannot read the CSV header: {exc}")
                return
            try:
                mapping = resolve_columns(header, opts, where="")
            except IngestConfigError as exc:  # only if check_inputs was not called first
                yield IngestProblem("error", source, None, None, str(exc).lstrip(": "))
                return
            while True:
                record = f"row {n + 1}"
                first_line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    n += 1
                    errors_in_a_row += 1
                    yield IngestProblem("error", source, record, None,
                                        _csv_error_reason(exc, first_line, reader.line_num,
                                                          opts))
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


def _csv_error_reason(exc: csv.Error, first: int, last: int, opts: IngestOptions) -> str:
    lines = f"line {first}" if last <= first else f"lines {first}-{last}"
    if "field larger" in str(exc):
        return (f"field longer than {opts.max_bytes:,} bytes (--max-chars "
                f"{opts.max_chars:,}); row not read")
    if "unexpected end of data" in str(exc):
        return (f"unterminated quoted field: {lines}, to the end of the file, were read "
                "as one field; the rows there are not stored")
    if "expected after" in str(exc) and last > first:
        return (f"bad CSV row ({exc}): a quote that does not close swallowed {lines}; "
                "the rows there are not stored")
    return f"bad CSV row ({lines}): {exc}"


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
    """HTML ``response`` records with HTTP status 200; other records are not documents.

    A record the file ends inside (a cut download) is not stored: it is one error naming
    the file and the record, and the complete records before it are kept."""
    source = printable_name(str(path))
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        yield IngestProblem("error", source, None, None,
                            "reading WARC needs warcio: pip install 'saidwhat[warc]'")
        return
    limit = opts.max_bytes * HTML_BYTES_PER_CHAR
    n = index = 0
    cut: str | None = None
    try:
        with open(path, "rb") as raw:
            counted = io.BufferedReader(_CountingRaw(raw, progress))
            for index, rec in enumerate(ArchiveIterator(counted, arc2warc=True), 1):
                item = _warc_record(rec, index, source, opts, limit)
                missing = _bytes_missing(rec)
                if missing:
                    name = rec.rec_headers.get_header("WARC-Target-URI") or rec.rec_type
                    cut = (f"record {index} ({name}) is cut off, {missing:,} of its "
                           f"{rec.length or 0:,} bytes missing; not stored")
                    break
                if item is not None:
                    n += 1
                    yield item
    except (ArchiveLoadFailed, *_CORRUPT, OSError, ValueError) as exc:
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt WARC after {n} HTML records: record "
                            f"{index + 1}: {type(exc).__name__}: {exc}")
        return
    if cut is not None:
        # One row for the file (record None) so a cut file reads like a cut gzip; the
        # reason names the record.
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt WARC after {n} HTML records: {cut}")
        return
    # warcio stops quietly at a cut between records of a compressed WARC: check the gzip
    # stream's end.
    damage = _gzip_damage(path) if source.lower().endswith(".gz") else None
    if damage is not None:
        yield IngestProblem("error", source, None, None,
                            f"truncated or corrupt WARC after {n} HTML records: the file "
                            f"ends after record {index}, inside record {index + 1} or the "
                            f"gzip trailer ({damage})")
    elif n == 0:
        yield IngestProblem("error", source, None, None,
                            "no HTML response records (HTTP 200) in this WARC file")


def _warc_record(rec: Any, index: int, source: str, opts: IngestOptions,
                 limit: int) -> Item | None:
    """The document (or problem) of one WARC record; None for records that are not HTML
    pages. The content is read (up to ``limit``) before the caller checks for a cut."""
    if rec.rec_type != "response" or rec.http_headers is None:
        return None
    ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
    status = rec.http_headers.get_statuscode()
    if "html" not in ctype or status != "200":
        return None
    url = rec.rec_headers.get_header("WARC-Target-URI")
    record = f"record {index}"
    doc_id = url or rec.rec_headers.get_header("WARC-Record-ID") or f"{source}#{index}"
    data = rec.content_stream().read(limit + 1)
    if len(data) > limit:
        return IngestProblem("error", source, record, doc_id,
                             f"HTML response larger than {limit:,} bytes; not read")
    if _bytes_missing(rec):
        return None  # cut off: reported by the caller, not extracted
    return _warc_item(data, url, doc_id, source, record, opts,
                      rec.rec_headers.get_header("WARC-Date"))


def _bytes_missing(rec: Any) -> int:
    """How many bytes of the record's declared Content-Length the file lacks: warcio's
    reader of the record body keeps a count of what it still expects, which stays above
    zero when the file ends first."""
    stream = rec.raw_stream
    while stream.read(1 << 16):  # drain what is left (the iterator would do it too)
        pass
    return int(getattr(stream, "limit", 0) or 0)


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
    source = printable_name(str(path))
    if fmt is None:
        suffix = "".join(path.suffixes[-2:]) or path.name
        yield IngestProblem("skipped", source, None, None,
                            f"unsupported file type {suffix!r} (expected one of "
                            f"{', '.join(sorted(FORMATS))})")
        if progress:
            progress(_size(path))
        return
    n = 0
    try:
        if fmt in ("txt", "html"):
            items = read_text_file(path, fmt, opts, progress)
        elif fmt == "jsonl":
            items = read_jsonl(path, opts, progress)
        elif fmt == "csv":
            items = read_csv(path, opts, progress)
        else:
            items = read_warc(path, opts, progress)
        for item in items:
            n += 1
            yield item
    except OSError as exc:
        yield IngestProblem("error", source, None, None, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch either
        yield IngestProblem("error", source, None, None,
                            f"reading stopped after {n} record(s): {type(exc).__name__}: {exc}")


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
    paths = list(paths)
    walk_problems: list[IngestProblem] = []
    files = expand(paths, exclude=store_files(store), problems=walk_problems)
    check_inputs(files, opts)
    summary = IngestSummary()
    run_id = store.start_run("ingest", {"paths": [printable_name(str(p)) for p in paths],
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

    def note(item: Item) -> None:
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

    try:
        with tqdm(total=total_bytes(files), unit="B", unit_scale=True, desc="ingest",
                  disable=not show_progress, dynamic_ncols=True) as bar:
            for problem in walk_problems:
                note(problem)
            for f in files:
                summary.files += 1
                for item in read_path(f, opts, bar.update):
                    note(item)
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
