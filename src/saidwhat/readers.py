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
  folders skipped); a named file with another extension is an error;
* a ``doc_id`` seen before in the same run gives a warning (records are kept).
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

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

    def __str__(self) -> str:
        where = self.path if self.record is None else f"{self.path}:{self.record}"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "record": self.record, "reason": self.reason}


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

    A name that matches nothing, or an empty folder, gives an :class:`InputError`.
    """
    for arg in args:
        if arg == STDIN:
            yield STDIN
        elif os.path.isdir(arg):
            found = sorted(_walk_supported(arg))
            if not found:
                yield InputError(arg, None, "folder holds no .txt, .html, .htm, .jsonl or "
                                            ".jsonl.gz files")
            yield from found
        elif os.path.exists(arg):
            yield arg
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            for m in matches:
                if os.path.isdir(m):
                    files.extend(_walk_supported(m))
            if not files:
                yield InputError(arg, None, "no files match this pattern")
            yield from dict.fromkeys(files)  # without repeats, in first-seen order
        else:
            yield InputError(arg, None, "no such file or folder")


def _walk_supported(root: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and input_format(name) is not None:
                yield os.path.join(dirpath, name)


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


def read_jsonl_lines(lines: Iterable[bytes], path: str) -> Iterator[InputDoc | InputError]:
    """Records of a JSON Lines stream; each bad line is one :class:`InputError`."""
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            yield _jsonl_record(raw, path, lineno)
        except ReadError as exc:
            yield InputError(path, lineno, str(exc))


def _jsonl_record(raw: bytes, path: str, lineno: int) -> InputDoc:
    line, warnings = decode_text(raw)
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(rec, dict):
        raise ReadError(f"expected a JSON object, got {type(rec).__name__}")
    key = "id" if "id" in rec else "doc_id" if "doc_id" in rec else None
    if key is None:
        raise ReadError("record has no 'id'")
    doc_id = rec.pop(key)
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id) == "":
        raise ReadError(f"'{key}' must be a non-empty string or integer")
    if "text" not in rec:
        raise ReadError("record has no 'text'")
    text = rec.pop("text")
    if not isinstance(text, str):
        raise ReadError(f"'text' must be a string, got {type(text).__name__}")
    _check_not_empty(text)
    return InputDoc(str(doc_id), text, rec, path, include_text=bool(warnings),
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


def read_file(path: str, fmt: InputFormat | None = None,
              stdin: BinaryIO | None = None) -> Iterator[InputDoc | InputError]:
    """The records of one file (or ``-`` for stdin)."""
    try:
        if path == STDIN:
            data = (stdin if stdin is not None else _stdin_bytes()).read()
            fmt = fmt or sniff_format(data)
            yield from _read_bytes(data, fmt, "<stdin>", "stdin")
            return
        fmt = fmt or input_format(path)
        if fmt is None:
            yield InputError(path, None, "unsupported file type (expected .txt, .html, .htm, "
                                         ".jsonl or .jsonl.gz)")
            return
        if fmt == "jsonl":
            yield from _read_jsonl_file(path)
            return
        with open(path, "rb") as fh:
            data = fh.read()
        yield from _read_bytes(data, fmt, path, doc_id_for(path))
    except ReadError as exc:
        yield InputError(path if path != STDIN else "<stdin>", None, str(exc))
    except OSError as exc:
        yield InputError(path, None, exc.strerror or str(exc))


def _stdin_bytes() -> BinaryIO:
    import sys

    return sys.stdin.buffer


def _read_bytes(data: bytes, fmt: InputFormat, path: str,
                doc_id: str) -> Iterator[InputDoc | InputError]:
    if fmt == "jsonl":
        yield from read_jsonl_lines(io.BytesIO(data), path)
    elif fmt == "html":
        yield read_html(data, path, doc_id)
    else:
        yield read_txt(data, path, doc_id)


def _read_jsonl_file(path: str) -> Iterator[InputDoc | InputError]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    n_lines = 0
    try:
        with opener(path, "rb") as fh:
            for item in read_jsonl_lines(fh, path):
                n_lines += 1
                yield item
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield InputError(path, None, f"corrupt gzip file ({exc})")
        return
    if n_lines == 0:
        yield InputError(path, None, "empty document")


def read_inputs(args: Iterable[str], fmt: InputFormat | None = None,
                stdin: BinaryIO | None = None) -> Iterator[InputDoc | InputError]:
    """Every record named by ``args`` (see :func:`expand_paths`), errors in line.

    ``fmt`` forces one format for every file (by default the extension decides).
    """
    seen: dict[str, str] = {}
    for item in expand_paths(args):
        if isinstance(item, InputError):
            yield item
            continue
        for rec in read_file(item, fmt, stdin):
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
