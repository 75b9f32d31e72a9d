"""Rules for bad input shared by both input paths (``saidwhat extract`` through
:mod:`saidwhat.readers`, ``saidwhat ingest`` through :mod:`saidwhat.store.ingest`), so that
they are written once:

* :func:`parse_json_object`: one JSON Lines record; every way ``json.loads`` can fail
  (syntax, integers over Python's 4,300-digit limit, nesting that exhausts the stack) and
  values that cannot be written back as valid JSON (``NaN``, ``Infinity``, floats that
  overflow to infinity) become a :class:`RecordError` with a reason, never an exception
  that stops the batch. Nesting deeper than :data:`MAX_NESTING` is refused too, so that
  writing the record back (``json.dumps``) cannot hit the recursion limit either.
* :func:`normalize_id`: a document id is a JSON string or integer, nothing else
  (``true`` would become ``"True"``, an object a Python repr).
* :class:`Cleaner`: text that cannot be encoded or stored. Lone surrogates (``"\\ud83d"`` in
  JSON, undecodable bytes kept by ``surrogateescape``) are replaced with U+FFFD, like
  invalid UTF-8; C0 control characters other than tab, newline and carriage return (NUL
  included) are replaced with a space. Both keep every other character at its offset, and
  both give a warning: the record then carries its text, as it does for invalid UTF-8.
  (Whole ``.txt`` files holding NUL bytes stay an error: that is how binary files and
  UTF-16 without a byte-order mark are told apart; inside a JSON string or a CSV field
  the container is text, so a stray NUL is only noise.)
* :func:`printable_name`: a file name that is not UTF-8 (``b'caf\\xe9.txt'``, which Python
  holds as ``'caf\\udce9.txt'``) made printable with backslash escapes
  (``'caf\\\\xe9.txt'``) for document ids, messages and stored sources.
* :func:`bounded_lines`: lines of a binary stream in bounded memory (a gzip bomb's one
  gigabyte line is skipped over in chunks, not read whole).
* :func:`walk_files`: the files of a folder, with an error for every folder that cannot
  be read, broken link, symbolic-link loop and non-regular file, instead of skipping them.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

# One JSON Lines record (or one .txt / .html document) larger than this is an error in
# ``saidwhat extract``; ``saidwhat ingest`` derives its own limit from --max-chars.
MAX_RECORD_BYTES = 32 * 1024 * 1024
# Deeper JSON is refused: real article records nest a few levels, and json.dumps must be
# able to write a record back without reaching the recursion limit.
MAX_NESTING = 64


class RecordError(ValueError):
    """One record that cannot be read; ``str(exc)`` is the reason."""


# ---------------------------------------------------------------------------- JSON


def _reject_constant(name: str) -> Any:
    raise RecordError(f"{name} is not valid JSON (only finite numbers can be written back)")


def _finite_float(s: str) -> float:
    value = float(s)
    if math.isinf(value):  # 1e999: Python reads infinity, which json.dumps writes as Infinity
        raise RecordError(f"number {s[:40]} overflows a 64-bit float")
    return value


def parse_json_object(line: str) -> dict[str, Any]:
    """One JSON object, or :class:`RecordError` with the reason."""
    try:
        obj = json.loads(line, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecordError:
        raise
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise RecordError(f"invalid JSON (nested deeper than {MAX_NESTING} levels)") from None
    except ValueError as exc:  # an integer over sys.get_int_max_str_digits() digits
        raise RecordError(f"invalid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    if _depth_exceeds(obj, MAX_NESTING):
        raise RecordError(f"invalid JSON (nested deeper than {MAX_NESTING} levels)")
    return obj


def _depth_exceeds(obj: Any, limit: int) -> bool:
    # Iterative: a recursive walk could itself hit the recursion limit.
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    return False


def normalize_id(value: Any, key: str = "id") -> str | None:
    """A document id as a string; None when absent or empty. Only strings and integers are
    ids: anything else (``true``, ``1.5``, an object) is a :class:`RecordError`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        kind = {bool: "boolean", float: "number", dict: "object", list: "array"}.get(
            type(value), type(value).__name__)
        raise RecordError(f"{key!r} must be a string or an integer, got {kind}")
    return str(value)


# ---------------------------------------------------------------------------- text

# C0 controls except \t \n \r, and every surrogate code point (lone ones: pairs from JSON
# are already combined into one character by json.loads).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


class Cleaner:
    """Cleans the strings of one record and counts what it replaced (see the module doc)."""

    def __init__(self) -> None:
        self.surrogates = 0
        self.controls = 0

    def _fix(self, match: re.Match[str]) -> str:
        if match.group() >= "\ud800":
            self.surrogates += 1
            return "\ufffd"
        self.controls += 1
        return " "

    def text(self, s: str) -> str:
        return _BAD_CHARS.sub(self._fix, s) if _BAD_CHARS.search(s) else s

    def value(self, obj: Any) -> Any:
        """Strings, and the keys and values of lists and dicts, cleaned (depth is bounded by
        :func:`parse_json_object`)."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v)
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.value(v) for v in obj]
        return obj

    def warnings(self) -> list[str]:
        notes = []
        if self.surrogates:
            notes.append(f"{self.surrogates} lone surrogate(s) (not Unicode text) replaced "
                         "with U+FFFD")
        if self.controls:
            notes.append(f"{self.controls} control character(s) (NUL and the like) replaced "
                         "with spaces")
        return notes


def printable_name(name: str) -> str:
    """``name`` with the bytes of a non-UTF-8 file name as backslash escapes, so that it can
    be written as UTF-8 (JSON output, SQLite, stderr)."""
    if not _SURROGATES.search(name):
        return name
    try:
        return os.fsencode(name).decode("utf-8", errors="backslashreplace")
    except UnicodeEncodeError:  # a surrogate that surrogateescape did not make
        return _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", name)


# ---------------------------------------------------------------------------- streams


def bounded_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)``; a line longer than ``limit`` bytes is skipped over in
    bounded memory and given as ``None``."""
    lineno = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line, a chunk at a time
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
        else:
            yield lineno, line


# ---------------------------------------------------------------------------- folders


@dataclass(frozen=True, slots=True)
class PathProblem:
    """Something in a folder that is not a file to read, and why."""

    path: str
    reason: str


def walk_files(root: str) -> Iterator[str | PathProblem]:
    """The regular files under ``root``, depth first, names sorted, hidden files and folders
    (``.name``) skipped. Symbolic links are followed, each folder searched once; a folder
    that cannot be listed, a broken link, a link loop and anything that is not a regular
    file (a FIFO would block the reader) is a :class:`PathProblem`."""
    try:
        st = os.stat(root)
    except OSError as exc:
        yield PathProblem(root, f"cannot read folder: {exc.strerror or exc}")
        return
    first_seen: dict[tuple[int, int], str] = {(st.st_dev, st.st_ino): root}
    stack = [root]  # explicit stack: very deep trees must not hit the recursion limit
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield PathProblem(folder, f"cannot read folder: {exc.strerror or exc}")
            continue
        subfolders: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                st = os.stat(entry.path)  # follows links
            except OSError as exc:
                if not entry.is_symlink():
                    reason = f"cannot read: {exc.strerror or exc}"
                elif exc.errno == errno.ELOOP:
                    reason = "symbolic link loop (the link leads back to itself)"
                elif exc.errno == errno.ENOENT:
                    reason = "broken symbolic link (its target does not exist)"
                else:
                    reason = f"cannot follow symbolic link: {exc.strerror or exc}"
                yield PathProblem(entry.path, reason)
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                seen = first_seen.get(key)
                if seen is None:
                    first_seen[key] = entry.path
                    subfolders.append(entry.path)
                elif folder == seen or folder.startswith(seen.rstrip(os.sep) + os.sep):
                    yield PathProblem(entry.path, f"symbolic link loop: leads back to {seen}, "
                                                  "which is being searched; not followed")
                else:
                    yield PathProblem(entry.path, f"another path to the folder {seen}, "
                                                  "which is searched there; not searched twice")
            elif stat.S_ISREG(st.st_mode):
                yield entry.path
            else:
                yield PathProblem(entry.path, "not a regular file (device, socket or FIFO); "
                                              "not read")
        stack.extend(reversed(subfolders))
