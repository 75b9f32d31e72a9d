"""Input files -> records: :class:`InputDoc` for each document, :class:`InputError` for
each file or record that cannot be read. Errors never stop the stream.

Formats, chosen by file extension (stdin is sniffed):

``.txt``
    One document; ``doc_id`` is the file name without extension. The text is the file's
    bytes decoded as UTF-8 *without newline translation*, so offsets match
    ``open(path, encoding="utf-8", newline="").read()``.
``.html`` / ``.htm``
    The article text is extracted with trafilatura; offsets refer to that extracted text,
    which the output record carries as ``"text"`` (``include_text=True``). Title, author,
    date, URL and site name, where found, go to ``meta``.
``.jsonl`` / ``.jsonl.gz``
    One document per line: ``{"id": ..., "text": ..., ...}`` (``doc_id`` is accepted in
    place of ``id``); the other fields travel as ``meta``. A bad line is one error; the
    rest of the file goes on.

Policies (each one is tested):

* empty or whitespace-only document -> error ``empty document``;
* NUL bytes (a binary file, or UTF-16 without a byte-order mark) -> error;
* invalid UTF-8 -> decoded with ``errors="replace"`` (U+FFFD), with a warning; the record
  then carries its text, because offsets refer to the decoded text. If more than
  ``MAX_REPLACED_FRACTION`` of the characters would be replacements the file is not
  text in UTF-8 and is an error instead;
* a folder is searched recursively for the supported extensions (hidden files and
  folders skipped); a named file with another extension is an error; a folder that cannot
  be read, a broken link, a link loop or a special file is an error;
* a ``doc_id`` seen before in the same run gives a warning (records are kept);
* the rules of :mod:`saidwhat.records`, shared with ``saidwhat ingest``: JSON that cannot
  be parsed or written back (huge integers, deep nesting, ``NaN``/``Infinity``), ids that
  are not strings or integers -> per-record error; lone surrogates -> U+FFFD and control
  characters -> space, with a warning (the record then carries its text); a file name that
  is not UTF-8 -> backslash escapes in ``doc_id`` and path, with a warning;
* memory stays bounded: a document or JSONL line over ``max_bytes`` (default
  ``MAX_RECORD_BYTES``) is an error and is not read whole (a gzip bomb included);
* any other failure while reading a file is an error for that file, never an exception.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from .records import (
    MAX_RECORD_BYTES,
    Cleaner,
    PathProblem,
    RecordError,
    bounded_lines,
    normalize_id,
    parse_json_object,
    printable_name,
    walk_files,
)

InputFormat = Literal["txt", "html", "jsonl"]

STDIN = "-"
SUPPORTED_SUFFIXES: dict[str, InputFormat] = {
    ".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".jsonl.gz": "jsonl",
}
# Above this share of U+FFFD after a lenient decode the bytes are not text in UTF-8 at all
# (a Latin-1 article in English or French has well under 5% non-ASCII characters).
MAX_REPLACED_FRACTION = 0.2
_HTML_META_FIELDS = ("title", "author", "date", "url", "sitename")


@dataclass(frozen=True, slots=True)
class InputDoc:
    """One document to extract from."""

    doc_id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source_path: str = ""
    include_text: bool = False  # the output record must carry the text (HTML, repaired text)
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return self.source_path or self.doc_id


@dataclass(frozen=True, slots=True)
class InputError:
    """A file, or one record of a file, that could not be read (or extracted)."""

    path: str
    record: int | None  # 1-based line number in a JSONL file; None for a whole file
    reason: str

    # printable_name: a message quoting a non-UTF-8 name must still print and be written
    # as UTF-8 (the readers already give printable paths; this is the backstop).
    def __str__(self) -> str:
        path = printable_name(self.path)
        where = path if self.record is None else f"{path}:{self.record}"
        return f"{where}: {printable_name(self.reason)}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": printable_name(self.path), "record": self.record,
                "reason": printable_name(self.reason)}


class ReadError(Exception):
    """Raised by the decoders (``decode_text``, ``read_txt``, ``read_html``); the readers
    turn it into an :class:`InputError` naming the file."""


# ---------------------------------------------------------------------------- paths


_SUFFIXES_LONGEST_FIRST = sorted(SUPPORTED_SUFFIXES, key=len, reverse=True)


def _supported_suffix(name: str) -> str | None:
    """The longest supported suffix ``name`` ends with (``.jsonl.gz`` before ``.jsonl``)."""
    lower = name.lower()
    return next((s for s in _SUFFIXES_LONGEST_FIRST if lower.endswith(s)), None)


def input_format(path: str | os.PathLike[str]) -> InputFormat | None:
    """The format implied by the file name, or None if unsupported."""
    suffix = _supported_suffix(os.fspath(path))
    return SUPPORTED_SUFFIXES[suffix] if suffix else None


def expand_paths(args: Iterable[str]) -> Iterator[str | InputError]:
    """Files named by ``args`` (files, folders searched recursively, globs, ``-``), in order.

    A name that matches nothing, an empty folder, and every folder, link or special file
    inside a folder that cannot be read (see :func:`saidwhat.records.walk_files`) gives
    an :class:`InputError`.
    """
    for arg in args:
        if arg == STDIN:
            yield STDIN
        elif os.path.isdir(arg):
            found, problems = _walk_supported(arg)
            yield from problems
            if not found and not problems:
                yield InputError(printable_name(arg), None, "folder holds no .txt, .html, "
                                                            ".htm, .jsonl or .jsonl.gz files")
            yield from sorted(found)
        elif os.path.exists(arg):
            yield arg
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            for m in matches:
                if os.path.isdir(m):
                    found, problems = _walk_supported(m)
                    yield from problems
                    files.extend(sorted(found))
            if not files:
                yield InputError(printable_name(arg), None, "no files match this pattern")
            yield from dict.fromkeys(files)  # without repeats, in first-seen order
        else:
            yield InputError(printable_name(arg), None, "no such file or folder")


def _walk_supported(root: str) -> tuple[list[str], list[InputError]]:
    found: list[str] = []
    problems: list[InputError] = []
    for item in walk_files(root):
        if isinstance(item, PathProblem):
            problems.append(InputError(printable_name(item.path), None, item.reason))
        elif input_format(os.path.basename(item)) is not None:
            found.append(item)
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
                    warnings=tuple(warnings))


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
    return InputDoc(doc_id, text, meta, path, include_text=True)


def read_jsonl_lines(fh: IO[bytes], path: str,
                     max_bytes: int = MAX_RECORD_BYTES) -> Iterator[InputDoc | InputError]:
    """Records of a JSON Lines stream; each bad line is one :class:`InputError`. Lines are
    read in bounded memory: one over ``max_bytes`` is an error, skipped without being
    held whole."""
    for lineno, raw in bounded_lines(fh, max_bytes):
        if raw is None:
            yield InputError(path, lineno, f"line longer than {max_bytes:,} bytes; not read")
            continue
        if not raw.strip():
            continue
        try:
            yield _jsonl_record(raw, path, lineno)
        except (ReadError, RecordError) as exc:
            yield InputError(path, lineno, str(exc))


def _jsonl_record(raw: bytes, path: str, lineno: int) -> InputDoc:
    line, warnings = decode_text(raw)
    rec = parse_json_object(line)
    key = "id" if "id" in rec else "doc_id" if "doc_id" in rec else None
    if key is None:
        raise ReadError("record has no 'id'")
    doc_id = normalize_id(rec.pop(key), key)
    if doc_id is None:
        raise ReadError(f"'{key}' must be a non-empty string or integer")
    if "text" not in rec:
        raise ReadError("record has no 'text'")
    text = rec.pop("text")
    if not isinstance(text, str):
        raise ReadError(f"'text' must be a string, got {type(text).__name__}")
    _check_not_empty(text)
    return InputDoc(doc_id, text, rec, path, include_text=bool(warnings),
                    warnings=tuple(warnings))


# ---------------------------------------------------------------------------- files


def sniff_format(data: bytes) -> InputFormat:
    """Guess the format of unnamed input (stdin): JSON Lines, HTML or plain text."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article")):
        return "html"
    return "txt"


def doc_id_for(path: str) -> str:
    """``dir/article-1.txt`` -> ``article-1``."""
    name = os.path.basename(path)
    suffix = _supported_suffix(name)
    return name[: -len(suffix)] if suffix else Path(name).stem


def read_file(path: str, fmt: InputFormat | None = None, stdin: BinaryIO | None = None,
              max_bytes: int = MAX_RECORD_BYTES) -> Iterator[InputDoc | InputError]:
    """The records of one file (or ``-`` for stdin). Nothing raises: every failure, even an
    unforeseen one, is an :class:`InputError` and the batch goes on. A document (a .txt or
    .html file, a JSONL line) over ``max_bytes`` is an error, not read whole."""
    shown = "<stdin>" if path == STDIN else printable_name(path)
    n = 0
    try:
        for item in _read_file(path, shown, fmt, stdin, max_bytes):
            n += 1
            yield _cleaned(item, path) if isinstance(item, InputDoc) else item
    except ReadError as exc:
        yield InputError(shown, None, str(exc))
    except OSError as exc:
        yield InputError(shown, None, exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch either
        yield InputError(shown, None, f"reading stopped after {n} record(s): "
                                      f"{type(exc).__name__}: {exc}")


def _read_file(path: str, shown: str, fmt: InputFormat | None, stdin: BinaryIO | None,
               max_bytes: int) -> Iterator[InputDoc | InputError]:
    if path == STDIN:
        src = stdin if stdin is not None else _stdin_bytes()
        head = src.read(4096)
        fmt = fmt or sniff_format(head)
        stream = io.BufferedReader(_Prefixed(head, src))
        if fmt == "jsonl":
            yield from read_jsonl_lines(stream, shown, max_bytes)
        else:
            yield _read_doc(_read_at_most(stream, max_bytes), fmt, shown, "stdin")
        return
    fmt = fmt or input_format(path)
    if fmt is None:
        yield InputError(shown, None, "unsupported file type (expected .txt, .html, .htm, "
                                      ".jsonl or .jsonl.gz)")
        return
    if fmt == "jsonl":
        yield from _read_jsonl_file(path, shown, max_bytes)
        return
    if os.stat(path).st_size > max_bytes:  # checked before reading: memory stays bounded
        raise ReadError(f"file larger than {max_bytes:,} bytes; not read")
    with open(path, "rb") as fh:
        data = _read_at_most(fh, max_bytes)
    yield _read_doc(data, fmt, shown, doc_id_for(shown))


def _read_at_most(fh: IO[bytes], max_bytes: int) -> bytes:
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadError(f"document larger than {max_bytes:,} bytes; not read")
    return data


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


def _cleaned(doc: InputDoc, path: str) -> InputDoc:
    """The shared text rules (:class:`saidwhat.records.Cleaner`) applied to a document."""
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
    return InputDoc(doc_id, text, meta, doc.source_path, doc.include_text or text_changed,
                    doc.warnings + tuple(notes))


def _stdin_bytes() -> BinaryIO:
    import sys

    return sys.stdin.buffer


def _read_doc(data: bytes, fmt: InputFormat, path: str, doc_id: str) -> InputDoc:
    if fmt == "html":
        return read_html(data, path, doc_id)
    return read_txt(data, path, doc_id)


def _read_jsonl_file(path: str, shown: str, max_bytes: int) -> Iterator[InputDoc | InputError]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    n_lines = 0
    try:
        with opener(path, "rb") as fh:
            for item in read_jsonl_lines(fh, shown, max_bytes):
                n_lines += 1
                yield item
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield InputError(shown, None, f"corrupt gzip file ({exc})")
        return
    if n_lines == 0:
        yield InputError(shown, None, "empty document")


def read_inputs(args: Iterable[str], fmt: InputFormat | None = None,
                stdin: BinaryIO | None = None,
                max_bytes: int = MAX_RECORD_BYTES) -> Iterator[InputDoc | InputError]:
    """Every record named by ``args`` (see :func:`expand_paths`), errors in line.

    ``fmt`` forces one format for every file (by default the extension decides);
    ``max_bytes`` caps one document or JSONL line (see :func:`read_file`).
    """
    seen: dict[str, str] = {}
    for item in expand_paths(args):
        if isinstance(item, InputError):
            yield item
            continue
        for rec in read_file(item, fmt, stdin, max_bytes):
            if isinstance(rec, InputDoc):
                if rec.doc_id in seen:
                    rec = _with_warning(rec, f"duplicate doc_id {rec.doc_id!r} (first read "
                                             f"from {seen[rec.doc_id]})")
                else:
                    seen[rec.doc_id] = rec.where
            yield rec


def _with_warning(rec: InputDoc, warning: str) -> InputDoc:
    return InputDoc(rec.doc_id, rec.text, rec.meta, rec.source_path, rec.include_text,
                    rec.warnings + (warning,))
