"""The one reading layer: input files -> :class:`InputDoc` for each document,
:class:`InputError` for each file or record that cannot be read. Errors never stop the
stream. ``saidwhat extract``, ``saidwhat ingest``, ``eval`` (texts of gold files) and
``network --texts`` all read through here, so every rule below holds for all of them.

Formats (:data:`FORMATS`, by file name; ``--format`` forces one; stdin is sniffed):

``.txt`` / ``.text``
    One document. The text is the file's bytes decoded as UTF-8 *without newline
    translation*, so offsets match ``open(path, encoding="utf-8", newline="").read()``.
``.html`` / ``.htm``
    The article text is extracted with trafilatura; title, author, date, url and the site
    name (as ``outlet``), where found, go to ``meta``.
``.jsonl`` / ``.ndjson`` (optionally ``.gz``)
    One document per line, a JSON object.
``.csv`` / ``.tsv`` (optionally ``.gz``)
    One document per row under a header. UTF-8, or UTF-16 by its byte-order mark; the
    delimiter (``,`` ``;`` tab ``|``) is sniffed and checked against the header; quotes are
    parsed strictly (a quote that never closes is an error naming the lines it swallowed).
``.warc`` / ``.arc`` (optionally ``.gz``)
    HTML ``response`` records with HTTP status 200, each read like an HTML file (needs
    ``warcio``); the target URI goes to ``meta["url"]``, the crawl date to
    ``meta["crawl_date"]``.

JSON Lines records and CSV rows: the text is the field named by ``columns["text"]``
(``--text-col``), else the first of :data:`COLUMN_CANDIDATES` ``["text"]`` present (``text``,
``body``, ``content`` ...); the id likewise (``id``, ``doc_id`` ...). Every other non-empty
field travels, as given, in ``meta`` (the store finds the outlet under any of
:data:`COLUMN_CANDIDATES` ``["outlet"]``); the readers' own field for the publication is
``outlet`` (an HTML page's site name), the name every command filters on.

**Document ids** (:func:`doc_id_for`): the file name without its format suffix for a
``.txt`` or ``.html`` file (``news/a.txt`` -> ``a``; ``stdin`` for standard input); the
record's ``id`` for JSON Lines and CSV; ``<stem>:<line>`` for a record without one
(``batch.jsonl`` line 3 -> ``batch:3``; for CSV, the line the row starts on); the target URI
for a WARC record. ``doc_id="path"`` (``--doc-id path``) uses the path as named instead of
the stem (``crawl/news/index.html``; ``crawl/batch.jsonl:3``), for crawls full of
``index.html``. A later input whose id was already read is an *id conflict*: an error
naming both places, and the batch goes on (``ReadOptions.unique_ids``; the store, which
also sees ids of earlier runs, checks for itself).

**Text travels with the record** (``include_text``) when offsets cannot be recomputed from
the input file: HTML and WARC (the text is extracted), and any text that was repaired
(invalid UTF-8, lone surrogates, control characters).

**Sizes**: a document longer than ``max_doc_chars`` characters (``--max-doc-chars``) is an
error; so is, before it is read whole, a file, line or record over the byte bound that
follows from it (4 bytes a character; HTML and WARC pages 16, for their markup).
``--max-chars`` is something else: the chunk size of extraction (:mod:`saidwhat.chunking`).

Other policies (each one is tested):

* empty or whitespace-only document (or a file with no records) -> ``empty document``;
* NUL bytes in a .txt file (a binary file, or UTF-16 without a byte-order mark) -> error;
* invalid UTF-8 -> decoded with ``errors="replace"`` (U+FFFD), with a warning; if more than
  ``MAX_REPLACED_FRACTION`` of the characters would be replacements the file is not text
  in UTF-8 and is an error instead;
* a folder is searched recursively (hidden files and folders skipped); a file there of a
  format not listed is *skipped*, reported as such (``InputError.kind == "skipped"``), not
  a failure; a named file of such a format is an error; a folder that cannot be read, a
  broken link, a link loop or a special file is an error;
* the rules of :mod:`saidwhat.records`: JSON that cannot be parsed or written back, ids
  that are not strings or integers -> per-record error; lone surrogates -> U+FFFD and
  control characters -> space, with a warning; a file name that is not UTF-8 ->
  backslash escapes in ``doc_id`` and path, with a warning;
* any other failure while reading a file is an error for that file, never an exception.

Warnings are in ``InputDoc.warnings`` (``meta`` holds only what the input said).
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from .records import (
    Cleaner,
    PathProblem,
    RecordError,
    bounded_lines,
    normalize_id,
    parse_json_object,
    printable_name,
    walk_files,
)

InputFormat = Literal["txt", "html", "jsonl", "csv", "warc"]
DocIdRule = Literal["stem", "path"]
Progress = Callable[[int], None]

STDIN = "-"
FORMATS: dict[str, InputFormat] = {
    ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl",
    ".csv": "csv", ".csv.gz": "csv", ".tsv": "csv", ".tsv.gz": "csv",
    ".warc": "warc", ".warc.gz": "warc", ".arc": "warc", ".arc.gz": "warc",
}
SUPPORTED_SUFFIXES = FORMATS
FORMAT_NAMES: tuple[InputFormat, ...] = ("txt", "html", "jsonl", "csv", "warc")
_SUFFIX_LIST = ", ".join(FORMATS)

# Field / column names tried, in order, when the user names none. ``text`` and ``id`` are
# read here; the store derives its columns (title, date ...) from ``meta`` with the rest.
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

# One document may be at most this many characters (``--max-doc-chars``).
DEFAULT_MAX_DOC_CHARS = 8_000_000
BYTES_PER_CHAR = 4  # UTF-8: anything over 4 bytes a character is over the limit for sure
HTML_BYTES_PER_CHAR = 16  # HTML and WARC pages carry markup around the article
# Above this share of U+FFFD after a lenient decode the bytes are not text in UTF-8 at all
# (a Latin-1 article in English or French has well under 5% non-ASCII characters).
MAX_REPLACED_FRACTION = 0.2
# Lines of a CSV file that fail to parse in a row before the file is given up as not CSV.
MAX_CSV_ERRORS_IN_A_ROW = 20
CSV_DELIMITERS = ",;\t|"
CSV_SAMPLE_BYTES = 64 * 1024
# More NUL bytes than this share of the sample: binary, or UTF-16 without a byte-order mark.
MAX_CSV_NUL_FRACTION = 0.01
_HTML_META_FIELDS = ("title", "author", "date", "url", "sitename")
_CORRUPT = (EOFError, zlib.error, gzip.BadGzipFile)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read; the same for every command (see the module doc)."""

    fmt: InputFormat | None = None  # read every file as this format (default: by name)
    max_doc_chars: int = DEFAULT_MAX_DOC_CHARS
    max_bytes: int | None = None  # byte bound of one document or line (default: derived)
    doc_id: DocIdRule = "stem"
    columns: Mapping[str, str] = field(default_factory=dict)  # role -> field (--text-col ...)
    exclude: frozenset[str] = frozenset()  # real paths never read (a store's own files)
    unique_ids: bool = True  # an id read before is an id conflict (error)
    # skip documents that are not English (a skip, not a failure; saidwhat.lang.skip_reason)
    check_language: bool = False

    def byte_limit(self, fmt: str) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        per_char = HTML_BYTES_PER_CHAR if fmt in ("html", "warc") else BYTES_PER_CHAR
        return per_char * self.max_doc_chars

    def limit_hint(self) -> str:
        return "" if self.max_bytes is not None else \
            f" (from --max-doc-chars {self.max_doc_chars:,})"


@dataclass(frozen=True, slots=True)
class InputDoc:
    """One document to extract from: the one input record type."""

    doc_id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source_path: str = ""
    include_text: bool = False  # the output record must carry the text (HTML, repaired text)
    warnings: tuple[str, ...] = ()
    format: str = "txt"
    record: int | None = None  # position in a multi-record file (see ``unit``)
    unit: str = ""  # "line" (JSON Lines), "row" (CSV), "record" (WARC)

    @property
    def where(self) -> str:
        return self.source_path or self.doc_id

    @property
    def position(self) -> str | None:
        return None if self.record is None else f"{self.unit} {self.record}"

    @property
    def located(self) -> str:
        return self.where if self.record is None else f"{self.where}:{self.record}"


@dataclass(frozen=True, slots=True)
class InputError:
    """A file, or one record of a file, that could not be read (or extracted): the one
    error type, naming the file, the position in it and the reason."""

    path: str
    record: int | None  # 1-based line (JSON Lines), row (CSV) or record (WARC); None: file
    reason: str
    kind: Literal["error", "skipped"] = "error"  # skipped: no input format, not English
    unit: str = "line"
    doc_id: str | None = None

    # printable_name: a message quoting a non-UTF-8 name must still print and be written
    # as UTF-8 (the readers already give printable paths; this is the backstop).
    def __str__(self) -> str:
        path = printable_name(self.path)
        where = path if self.record is None else f"{path}:{self.record}"
        return f"{where}: {printable_name(self.reason)}"

    @property
    def position(self) -> str | None:
        return None if self.record is None else f"{self.unit} {self.record}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": printable_name(self.path), "record": self.record,
                "reason": printable_name(self.reason)}


class ReadError(Exception):
    """Raised by the decoders and readers; turned into an :class:`InputError`."""


class ColumnError(ValueError):
    """A field named by the user (``--text-col``) that is missing, or no text field."""


def id_conflict_reason(doc_id: str, first: str, what: str = "not read") -> str:
    """The one message for an id taken by an earlier input (``first`` names it)."""
    return (f"id conflict: doc_id {doc_id!r} is already used by {first}; {what} (give "
            "the records ids of their own, or pass --doc-id path)")


# ---------------------------------------------------------------------------- paths


_SUFFIXES_LONGEST_FIRST = sorted(FORMATS, key=len, reverse=True)


def _supported_suffix(name: str) -> str | None:
    """The longest supported suffix ``name`` ends with (``.jsonl.gz`` before ``.jsonl``)."""
    lower = name.lower()
    return next((s for s in _SUFFIXES_LONGEST_FIRST if lower.endswith(s)), None)


def input_format(path: str | os.PathLike[str]) -> InputFormat | None:
    """The format implied by the file name, or None if unsupported."""
    suffix = _supported_suffix(os.fspath(path))
    return FORMATS[suffix] if suffix else None


def doc_id_for(path: str, rule: DocIdRule = "stem") -> str:
    """The id base of a file: ``dir/article-1.txt`` -> ``article-1`` (``rule="path"``:
    the path as named). A single-document file's id; records add ``:<line>``."""
    if path == STDIN or path == "<stdin>":
        return "stdin"
    if rule == "path":
        return path
    name = os.path.basename(path)
    suffix = _supported_suffix(name)
    return name[: -len(suffix)] if suffix else Path(name).stem


def _unsupported(name: str) -> str:
    lower = os.path.basename(name).lower()
    suffix = "".join(Path(lower).suffixes[-2:]) or lower
    return f"unsupported file type {suffix!r} (expected one of {_SUFFIX_LIST})"


def expand_paths(args: Iterable[str], exclude: frozenset[str] = frozenset()
                 ) -> Iterator[str | InputError]:
    """Files named by ``args`` (files, folders searched recursively, globs, ``-``), in order.

    A name that matches nothing, an empty folder, and every folder, link or special file
    inside a folder that cannot be read (see :func:`saidwhat.records.walk_files`) gives an
    :class:`InputError`; a file of no input format inside a folder, a skipped one. Files
    in ``exclude`` (real paths) are never given.
    """
    for arg in args:
        arg = os.fspath(arg)
        if arg == STDIN:
            yield STDIN
        elif os.path.isdir(arg):
            found, problems = _walk_supported(arg, exclude)
            yield from problems
            if not found and not any(p.kind == "error" for p in problems):
                yield InputError(printable_name(arg), None,
                                 f"folder holds no files of a supported type ({_SUFFIX_LIST})")
            yield from sorted(found)
        elif os.path.exists(arg):
            if os.path.realpath(arg) not in exclude:
                yield arg
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if os.path.isfile(m)
                     and os.path.realpath(m) not in exclude]
            for m in matches:
                if os.path.isdir(m):
                    found, problems = _walk_supported(m, exclude)
                    yield from problems
                    files.extend(sorted(found))
            if not files:
                yield InputError(printable_name(arg), None, "no files match this pattern")
            yield from dict.fromkeys(files)  # without repeats, in first-seen order
        else:
            yield InputError(printable_name(arg), None, "no such file or folder")


def _walk_supported(root: str, exclude: frozenset[str]) -> tuple[list[str], list[InputError]]:
    found: list[str] = []
    problems: list[InputError] = []
    for item in walk_files(root):
        if isinstance(item, PathProblem):
            problems.append(InputError(printable_name(item.path), None, item.reason))
        elif exclude and os.path.realpath(item) in exclude:
            continue
        elif input_format(os.path.basename(item)) is not None:
            found.append(item)
        else:
            problems.append(InputError(printable_name(item), None,
                                       _unsupported(item) + "; not read", kind="skipped"))
    return found, problems


# ---------------------------------------------------------------------------- decoding


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes -> (text, warnings). Raises :class:`ReadError` for binary or non-UTF-8 data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise ReadError(f"invalid UTF-16 ({exc.reason})") from None
    if b"\x00" in data:
        raise ReadError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    if replaced > MAX_REPLACED_FRACTION * max(len(text), 1):
        raise ReadError(f"not UTF-8 text ({replaced} of {len(text)} characters undecodable)")
    return text, [f"invalid UTF-8 at byte {first_bad}: {replaced} character(s) replaced "
                  "with U+FFFD; offsets refer to the decoded text, which the record carries"]


def _check_not_empty(text: str) -> None:
    if not text.strip():
        raise ReadError("empty document")


def read_txt(data: bytes, path: str, doc_id: str) -> InputDoc:
    text, warnings = decode_text(data)
    _check_not_empty(text)
    return InputDoc(doc_id, text, {}, path, include_text=bool(warnings),
                    warnings=tuple(warnings), format="txt")


def read_html(data: bytes, path: str, doc_id: str) -> InputDoc:
    """Extract the article text of an HTML page with trafilatura."""
    if not data.strip():
        raise ReadError("empty document")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("binary file (contains NUL bytes), not HTML")
    try:
        import trafilatura  # heavy import, only when HTML is read
    except ImportError as exc:  # e.g. lxml without its html-clean part (pip < 23.3)
        raise ReadError(f"cannot read HTML: trafilatura does not import ({exc}); "
                        "try `pip install lxml_html_clean`") from None

    result = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                         include_tables=False)
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise ReadError("no article text found in the HTML page")
    meta = {k: v for k in _HTML_META_FIELDS if (v := getattr(result, k, None))}
    if "sitename" in meta:  # one vocabulary: the site is the outlet, as in the store
        meta["outlet"] = meta.pop("sitename")
    return InputDoc(doc_id, text, meta, path, include_text=True, format="html")


def sniff_format(data: bytes) -> InputFormat:
    """Guess the format of unnamed input (stdin): JSON Lines, HTML or plain text."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article")):
        return "html"
    return "txt"


# ---------------------------------------------------------------------------- fields


def resolve_columns(fields: Iterable[str], columns: Mapping[str, str], where: str = "",
                    need_text: bool = True, roles: Iterable[str] = ("text", "id")
                    ) -> dict[str, str]:
    """Map roles to the fields present: the one named in ``columns`` (``--text-col``), else
    the first candidate (case-insensitive). A named field that is missing, or no text field
    at all, is a :class:`ColumnError`."""
    present = list(fields)
    lower = {c.lower(): c for c in present if isinstance(c, str)}
    mapping: dict[str, str] = {}
    prefix = f"{where}: " if where else ""
    for role in (*roles, *(r for r in columns if r not in roles)):
        named = columns.get(role)
        if named is not None:
            if named not in present:
                raise ColumnError(f"{prefix}no column {named!r} (--{role}-col); columns are: "
                                  + ", ".join(repr(c) for c in present))
            mapping[role] = named
            continue
        found = next((lower[c] for c in COLUMN_CANDIDATES.get(role, ()) if c in lower), None)
        if found is not None:
            mapping[role] = found
    if need_text and "text" not in mapping:
        raise ColumnError(f"{prefix}no text column (tried "
                          f"{', '.join(COLUMN_CANDIDATES['text'])}; name it with --text-col). "
                          "Columns are: " + ", ".join(repr(c) for c in present))
    return mapping


def _fields_doc(fields: dict[str, Any], mapping: Mapping[str, str], src: _Source,
                record: int, unit: str, line: int, warnings: list[str]) -> InputDoc:
    """The document of one JSON Lines record or CSV row."""
    text_key = mapping["text"]
    text = fields.get(text_key)
    if text is None:
        raise ReadError(f"no {text_key!r} field")
    if not isinstance(text, str):
        raise ReadError(f"{text_key!r} must be a string, got {type(text).__name__}")
    id_key = mapping.get("id")
    doc_id = normalize_id(fields.get(id_key), id_key) if id_key else None
    _check_not_empty(text)
    meta = {k: v for k, v in fields.items() if k not in (text_key, id_key)
            and v is not None and v != ""}
    return InputDoc(doc_id or f"{src.id_base}:{line}", text, meta, src.shown,
                    include_text=bool(warnings), warnings=tuple(warnings), format=src.fmt,
                    record=record, unit=unit)


# ---------------------------------------------------------------------------- sources


@dataclass(slots=True)
class _Source:
    """One file being read."""

    path: str
    shown: str
    id_base: str
    fmt: InputFormat
    opts: ReadOptions
    stdin: BinaryIO | None = None
    counted: int = 0
    progress: Progress | None = None

    def count(self, n: int) -> None:
        self.counted += n
        if self.progress is not None and n:
            self.progress(n)

    @property
    def limit(self) -> int:
        return self.opts.byte_limit(self.fmt)

    def open(self) -> IO[bytes]:
        """The file's bytes, counted for progress, decompressed for ``.gz``."""
        if self.path == STDIN:
            return self.stdin  # type: ignore[return-value]
        raw: IO[bytes] = io.BufferedReader(_CountingRaw(open(self.path, "rb"), self))
        if self.path.lower().endswith(".gz"):
            return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
        return raw


class _CountingRaw(io.RawIOBase):
    """Counts bytes read from a file, for progress in bytes."""

    def __init__(self, fh: BinaryIO, src: _Source) -> None:
        self.fh, self.src = fh, src

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = self.fh.readinto(buf)  # type: ignore[attr-defined]
        self.src.count(n or 0)
        return n or 0

    def close(self) -> None:
        self.fh.close()
        super().close()


class _Prefixed(io.RawIOBase):
    """Bytes already read (to sniff the format), then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        if self.head:
            data, self.head = self.head[: len(buf)], self.head[len(buf):]
        else:
            data = self.rest.read(len(buf))
        buf[: len(data)] = data
        return len(data)


def _read_at_most(fh: IO[bytes], max_bytes: int, hint: str) -> bytes:
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadError(f"document larger than {max_bytes:,} bytes{hint}; not read")
    return data


# ---------------------------------------------------------------------------- formats


def _read_single(src: _Source) -> Iterator[InputDoc | InputError]:
    """A .txt or .html file: one document."""
    hint = src.opts.limit_hint()
    if src.path != STDIN:
        size = os.stat(src.path).st_size
        if size > src.limit:  # checked before reading: memory stays bounded
            raise ReadError(f"file larger than {src.limit:,} bytes{hint}; not read")
    with _Opened(src) as fh:
        data = _read_at_most(fh, src.limit, hint)
    if src.fmt == "html":
        yield read_html(data, src.shown, src.id_base)
    else:
        yield read_txt(data, src.shown, src.id_base)


class _Opened:
    """The source's stream; closed afterwards unless it is stdin."""

    def __init__(self, src: _Source) -> None:
        self.src = src
        self.fh: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        self.fh = self.src.open()
        return self.fh

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None and self.src.path != STDIN:
            self.fh.close()


def _read_jsonl(src: _Source) -> Iterator[InputDoc | InputError]:
    """Records of a JSON Lines stream; each bad line is one :class:`InputError`. Lines are
    read in bounded memory: one over the limit is an error, skipped without being held."""
    n = 0
    cache: dict[frozenset[str], dict[str, str] | str] = {}
    limit = src.limit
    try:
        with _Opened(src) as fh:
            for lineno, raw in bounded_lines(fh, limit):
                if raw is None:
                    n += 1
                    yield InputError(src.shown, lineno, f"line longer than {limit:,} bytes"
                                                        f"{src.opts.limit_hint()}; not read")
                    continue
                if not raw.strip():
                    continue
                n += 1
                try:
                    yield _jsonl_record(raw, src, lineno, cache)
                except (ReadError, RecordError) as exc:
                    yield InputError(src.shown, lineno, str(exc))
    except _CORRUPT as exc:
        yield InputError(src.shown, None, f"truncated or corrupt gzip after {n} records: {exc}")
        return
    if n == 0:
        yield InputError(src.shown, None, "empty document")


def _jsonl_record(raw: bytes, src: _Source, lineno: int,
                  cache: dict[frozenset[str], dict[str, str] | str]) -> InputDoc:
    line, warnings = decode_text(raw)
    rec = parse_json_object(line)
    keys = frozenset(rec)
    if keys not in cache:
        try:
            cache[keys] = resolve_columns(rec, src.opts.columns)
        except ColumnError as exc:
            cache[keys] = str(exc)
    mapping = cache[keys]
    if isinstance(mapping, str):
        raise ReadError(f"record has {mapping}")
    return _fields_doc(rec, mapping, src, lineno, "line", lineno, warnings)


@dataclass(frozen=True, slots=True)
class _CsvFormat:
    encoding: str
    errors: str
    dialect: type[csv.Dialect]


def _csv_format(src: _Source) -> _CsvFormat:
    """Encoding (UTF-8, or UTF-16 by its byte-order mark) and delimiter of a CSV file, from
    a sample; :class:`ReadError` if the file is not CSV text at all."""
    quiet = replace(src, progress=None)
    with _Opened(quiet) as fh:
        raw = fh.read(CSV_SAMPLE_BYTES)
    if not raw.strip():
        raise ReadError("empty document")
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
        # shared policy (decode_text) instead of failing the whole file.
        enc, errors = "utf-8-sig", "surrogateescape"
    if src.path.lower().removesuffix(".gz").endswith(".tsv"):
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


def _fix_field(value: str) -> tuple[str, list[str]]:
    try:
        value.encode("utf-8")
        return value, []
    except UnicodeEncodeError:
        return decode_text(value.encode("utf-8", errors="surrogateescape"))


def csv_header(path: str, opts: ReadOptions | None = None) -> list[str]:
    """The header of a CSV file; :class:`ReadError`, :class:`csv.Error` or ``OSError``
    if it cannot be read."""
    opts = opts or ReadOptions()
    src = _Source(path, printable_name(path), "", "csv", opts)
    fmt = _csv_format(src)
    with _Opened(src) as fh:
        row = next(_csv_reader(fh, fmt), None)
    if row is None:
        raise csv.Error("empty file")
    return [_fix_field(c)[0] for c in row]


def _read_csv(src: _Source) -> Iterator[InputDoc | InputError]:
    if src.path == STDIN:
        raise ReadError("CSV cannot be read from stdin; save it to a file")
    # the csv module's field limit is process-wide: raised for this file, then given back
    previous = csv.field_size_limit(max(src.limit + 1, 131072))
    try:
        yield from _read_csv_rows(src)
    finally:
        csv.field_size_limit(previous)


def _read_csv_rows(src: _Source) -> Iterator[InputDoc | InputError]:
    limit = src.limit
    fmt = _csv_format(src)
    n = rows = 0
    errors_in_a_row = 0
    try:
        with _Opened(src) as fh:
            reader = _csv_reader(fh, fmt)
            try:
                header = [_fix_field(c)[0] for c in next(reader, [])]
            except (csv.Error, ReadError) as exc:
                yield InputError(src.shown, None, f"cannot read the CSV header: {exc}")
                return
            try:
                mapping = resolve_columns(header, src.opts.columns)
            except ColumnError as exc:
                yield InputError(src.shown, None, str(exc))
                return
            while True:
                first_line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    n += 1
                    errors_in_a_row += 1
                    yield InputError(src.shown, n, _csv_error_reason(
                        exc, first_line, reader.line_num, limit, src.opts), unit="row")
                    if errors_in_a_row >= MAX_CSV_ERRORS_IN_A_ROW:
                        yield InputError(src.shown, None, f"gave up after {errors_in_a_row} "
                                                          "bad rows in a row")
                        return
                    continue
                n += 1
                errors_in_a_row = 0
                if not any(c.strip() for c in row):
                    continue
                rows += 1
                try:
                    yield _csv_doc(row, header, mapping, src, n, first_line)
                except (ReadError, RecordError) as exc:
                    yield InputError(src.shown, n, str(exc), unit="row")
    except _CORRUPT as exc:
        yield InputError(src.shown, None, f"truncated or corrupt gzip after {n} rows: {exc}")
        return
    if n == 0:
        yield InputError(src.shown, None, "empty document")


def _csv_error_reason(exc: csv.Error, first: int, last: int, limit: int,
                      opts: ReadOptions) -> str:
    lines = f"line {first}" if last <= first else f"lines {first}-{last}"
    if "field larger" in str(exc):
        return f"field longer than {limit:,} bytes{opts.limit_hint()}; row not read"
    if "unexpected end of data" in str(exc):
        return (f"unterminated quoted field: {lines}, to the end of the file, were read "
                "as one field; the rows there are not stored")
    if "expected after" in str(exc) and last > first:
        return (f"bad CSV row ({exc}): a quote that does not close swallowed {lines}; "
                "the rows there are not stored")
    return f"bad CSV row ({lines}): {exc}"


def _csv_doc(row: list[str], header: list[str], mapping: Mapping[str, str], src: _Source,
             n: int, line: int) -> InputDoc:
    if len(row) != len(header):
        raise ReadError(f"{len(row)} fields, but the header has {len(header)}")
    fields: dict[str, Any] = {}
    notes: list[str] = []
    for name, value in zip(header, row, strict=True):
        fields[name], warnings = _fix_field(value)
        notes += warnings
    return _fields_doc(fields, mapping, src, n, "row", line, notes)


def _read_warc(src: _Source) -> Iterator[InputDoc | InputError]:
    """HTML ``response`` records with HTTP status 200; other records are not documents.

    A record the file ends inside (a cut download) is not read: it is one error naming
    the file and the record, and the complete records before it are kept."""
    if src.path == STDIN:
        raise ReadError("WARC cannot be read from stdin; save it to a file")
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise ReadError("reading WARC needs warcio: pip install 'saidwhat[warc]'") from None
    n = index = 0
    cut: str | None = None
    try:
        with open(src.path, "rb") as raw:
            counted = io.BufferedReader(_CountingRaw(raw, src))
            for index, rec in enumerate(ArchiveIterator(counted, arc2warc=True), 1):
                item = _warc_record(rec, index, src)
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
        yield InputError(src.shown, None,
                         f"truncated or corrupt WARC after {n} HTML records: record "
                         f"{index + 1}: {type(exc).__name__}: {exc}")
        return
    if cut is not None:
        # One error for the file (record None) so a cut file reads like a cut gzip; the
        # reason names the record.
        yield InputError(src.shown, None,
                         f"truncated or corrupt WARC after {n} HTML records: {cut}")
        return
    # warcio stops quietly at a cut between records of a compressed WARC: check the gzip
    # stream's end.
    damage = _gzip_damage(src.path) if src.path.lower().endswith(".gz") else None
    if damage is not None:
        yield InputError(src.shown, None,
                         f"truncated or corrupt WARC after {n} HTML records: the file "
                         f"ends after record {index}, inside record {index + 1} or the "
                         f"gzip trailer ({damage})")
    elif n == 0:
        yield InputError(src.shown, None,
                         "no HTML response records (HTTP 200) in this WARC file")


def _warc_record(rec: Any, index: int, src: _Source) -> InputDoc | InputError | None:
    """The document (or error) of one WARC record; None for records that are not HTML
    pages. The content is read (up to the limit) before the caller checks for a cut."""
    if rec.rec_type != "response" or rec.http_headers is None:
        return None
    ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
    status = rec.http_headers.get_statuscode()
    if "html" not in ctype or status != "200":
        return None
    url = rec.rec_headers.get_header("WARC-Target-URI")
    doc_id = url or rec.rec_headers.get_header("WARC-Record-ID") or f"{src.id_base}:{index}"
    limit = src.limit
    data = rec.content_stream().read(limit + 1)

    def error(reason: str) -> InputError:
        return InputError(src.shown, index, reason, unit="record", doc_id=doc_id)

    if len(data) > limit:
        return error(f"HTML response larger than {limit:,} bytes{src.opts.limit_hint()}; "
                     "not read")
    if _bytes_missing(rec):
        return None  # cut off: reported by the caller, not extracted
    if not data.strip():
        return error("empty HTML response")
    try:
        doc = read_html(data, src.shown, doc_id)
    except ReadError as exc:
        return error(str(exc))
    meta = dict(doc.meta)
    if url:
        meta["url"] = url
    crawl_date = rec.rec_headers.get_header("WARC-Date")
    if crawl_date:
        meta["crawl_date"] = crawl_date
    return InputDoc(doc_id, doc.text, meta, src.shown, include_text=True, format="warc",
                    record=index, unit="record")


def _bytes_missing(rec: Any) -> int:
    """How many bytes of the record's declared Content-Length the file lacks: warcio's
    reader of the record body keeps a count of what it still expects, which stays above
    zero when the file ends first."""
    stream = rec.raw_stream
    while stream.read(1 << 16):  # drain what is left (the iterator would do it too)
        pass
    return int(getattr(stream, "limit", 0) or 0)


def _gzip_damage(path: str) -> str | None:
    """Why a gzip file does not decompress to its end, or None if it does."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except _CORRUPT as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


_READERS: dict[str, Callable[[_Source], Iterator[InputDoc | InputError]]] = {
    "txt": _read_single, "html": _read_single, "jsonl": _read_jsonl, "csv": _read_csv,
    "warc": _read_warc,
}


# ---------------------------------------------------------------------------- files


# Counting reads multi-record files once more; past this many bytes in all it is not worth it.
COUNT_MAX_BYTES = 2_000_000_000


def count_documents(args: Iterable[str], options: ReadOptions | None = None,
                    max_bytes: int = COUNT_MAX_BYTES) -> int | None:
    """About how many documents ``args`` hold, cheaply, for a progress bar: one per text or
    HTML file, one per non-blank line of JSON Lines, one per line after the header of CSV
    (a cell spanning lines counts too often). ``None`` when it cannot be told cheaply
    (standard input, WARC, more than ``max_bytes`` of records to scan, a .gz file measured
    by its decompressed bytes, read as a stream and given up once over). Unreadable
    names and skipped files count once: each is one error or skip."""
    opts = options or ReadOptions()
    total = 0
    scanned = 0
    for item in expand_paths(args, opts.exclude):
        if isinstance(item, InputError):
            total += 1  # an error or a skipped file: one step of the bar too
            continue
        if item == STDIN:
            return None
        fmt = opts.fmt or input_format(os.path.basename(item))
        if fmt in ("txt", "html"):
            total += 1
            continue
        if fmt not in ("jsonl", "csv"):
            return None
        compressed = item.lower().endswith(".gz")
        try:
            if not compressed and scanned + os.path.getsize(item) > max_bytes:
                return None  # a plain file's size is what it holds: no need to read it
            opener = gzip.open if compressed else open
            with opener(item, "rb") as fh:
                counted = _count_lines(fh, max_bytes - scanned)
        except (OSError, EOFError, zlib.error):
            total += 1
            continue
        if counted is None:
            return None
        lines, size = counted
        scanned += size  # decompressed bytes: a .gz is measured by what it holds
        total += max(lines - 1, 0) if fmt == "csv" else lines
    return total


_COUNT_PIECE = 1 << 16


def _count_lines(fh: BinaryIO, budget: int) -> tuple[int, int] | None:
    """Non-blank lines of ``fh`` and the bytes read, streaming in pieces of at most 64 KiB
    (a long line is never held whole); ``None`` as soon as more than ``budget`` bytes came."""
    lines = size = 0
    blank = True  # the line read so far holds only white space
    while piece := fh.readline(_COUNT_PIECE):
        size += len(piece)
        if size > budget:
            return None
        if blank and piece.strip():
            blank = False
        if piece.endswith(b"\n"):
            lines += not blank
            blank = True
    return lines + (not blank), size


def read_file(path: str, options: ReadOptions | None = None, stdin: BinaryIO | None = None,
              progress: Progress | None = None) -> Iterator[InputDoc | InputError]:
    """The records of one file (or ``-`` for stdin). Nothing raises: every failure, even an
    unforeseen one, is an :class:`InputError` and the batch goes on."""
    opts = options or ReadOptions()
    shown = "<stdin>" if path == STDIN else printable_name(path)
    n = 0
    src: _Source | None = None
    try:
        if path == STDIN:
            stream = stdin if stdin is not None else _stdin_bytes()
            head = stream.read(4096)
            fmt = opts.fmt or sniff_format(head)
            src = _Source(path, shown, "stdin", fmt, opts,
                          stdin=io.BufferedReader(_Prefixed(head, stream)))  # type: ignore[arg-type]
        else:
            fmt = opts.fmt or input_format(path)  # type: ignore[assignment]
            if fmt is None:
                yield InputError(shown, None, _unsupported(shown))
                return
            src = _Source(path, shown, doc_id_for(shown, opts.doc_id), fmt, opts,
                          progress=progress)
        for item in _READERS[src.fmt](src):
            n += 1
            yield _finished(item, path, opts) if isinstance(item, InputDoc) else item
    except ReadError as exc:
        yield InputError(shown, None, str(exc))
    except OSError as exc:
        yield InputError(shown, None, exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch either
        yield InputError(shown, None, f"reading stopped after {n} record(s): "
                                      f"{type(exc).__name__}: {exc}")
    finally:
        if progress is not None and path != STDIN:  # the bar reaches the file's end
            try:
                rest = os.stat(path).st_size - (src.counted if src is not None else 0)
            except OSError:
                rest = 0
            if rest > 0:
                progress(rest)


def _finished(doc: InputDoc, path: str, opts: ReadOptions) -> InputDoc | InputError:
    """The shared text rules (:class:`saidwhat.records.Cleaner`) applied to a document, and
    the size limit."""
    if len(doc.text) > opts.max_doc_chars:
        return InputError(doc.source_path or doc.doc_id, doc.record,
                          f"document too long: {len(doc.text):,} characters (limit "
                          f"{opts.max_doc_chars:,}; raise it with --max-doc-chars)",
                          unit=doc.unit or "line", doc_id=doc.doc_id)
    cleaner = Cleaner()
    text = cleaner.text(doc.text)
    text_changed = text is not doc.text
    meta = cleaner.value(doc.meta)
    doc_id = cleaner.text(doc.doc_id)
    notes = cleaner.warnings()
    if notes and text_changed:
        notes[-1] += "; offsets refer to the cleaned text, which the record carries"
    if path != STDIN and printable_name(path) != path:
        notes.append("file name is not valid UTF-8: its bytes are written as backslash "
                     "escapes in the doc_id and path")
    if not notes:
        return doc
    return replace(doc, doc_id=doc_id, text=text, meta=meta,
                   include_text=doc.include_text or text_changed,
                   warnings=doc.warnings + tuple(notes))


def _stdin_bytes() -> BinaryIO:
    import sys

    return sys.stdin.buffer


def read_inputs(args: Iterable[str], fmt: InputFormat | None = None,
                stdin: BinaryIO | None = None, max_bytes: int | None = None, *,
                options: ReadOptions | None = None,
                progress: Progress | None = None) -> Iterator[InputDoc | InputError]:
    """Every record named by ``args`` (see :func:`expand_paths`), errors in line.

    ``options`` (:class:`ReadOptions`) are the reading rules; ``fmt`` and ``max_bytes``
    override its format and byte bound. ``progress`` is called with bytes read.
    """
    opts = options or ReadOptions()
    if fmt is not None:
        opts = replace(opts, fmt=fmt)
    if max_bytes is not None:
        opts = replace(opts, max_bytes=max_bytes)
    seen: dict[str, str] = {}
    for item in expand_paths(args, opts.exclude):
        if isinstance(item, InputError):
            yield item
            continue
        for rec in read_file(item, opts, stdin, progress):
            if isinstance(rec, InputDoc) and opts.unique_ids:
                first = seen.get(rec.doc_id)
                if first is not None:
                    yield InputError(rec.where, rec.record, id_conflict_reason(rec.doc_id, first),
                                     unit=rec.unit or "line", doc_id=rec.doc_id)
                    continue
                seen[rec.doc_id] = rec.located
            if isinstance(rec, InputDoc) and opts.check_language:
                from .lang import skip_reason

                reason = skip_reason(rec.text)
                if reason is not None:
                    yield InputError(rec.where, rec.record, reason, kind="skipped",
                                     unit=rec.unit or "line", doc_id=rec.doc_id)
                    continue
            yield rec


def read_text_file(path: str | os.PathLike[str]) -> str:
    """The text of one ``.txt`` file by the rules above (exact bytes, invalid UTF-8
    replaced, NUL bytes refused), for readers of texts outside a batch (gold files,
    ``network --texts``). Raises :class:`ReadError` with the reason."""
    shown = printable_name(os.fspath(path))
    for item in read_file(os.fspath(path), ReadOptions(fmt="txt", unique_ids=False)):
        if isinstance(item, InputError):
            raise ReadError(item.reason)
        return item.text
    raise ReadError(f"{shown}: empty document")  # pragma: no cover - read_file always yields
