"""Extraction of files, folders and streams to JSON Lines, callable from Python.

:func:`extract_paths` (:class:`ExtractOptions` -> :class:`ExtractResult`) is what
``saidwhat extract`` runs: read every input through the one reading layer
(:mod:`saidwhat.readers`), extract it (:func:`saidwhat.chunking.extract_inputs`), write one
JSON line per document (atomically, :mod:`saidwhat.atomic`) and every problem as a record.
:func:`iter_documents` is the same without writing, for notebooks and other callers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..atomic import atomic_write
from ..chunking import extract_inputs
from ..model import Document
from ..readers import InputDoc, InputError, ReadOptions, read_inputs

Level = Literal["error", "skipped", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One input that failed or was skipped, or a warning about one."""

    level: Level
    path: str
    record: int | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "record": self.record, "reason": self.reason,
                "level": self.level}

    def __str__(self) -> str:
        where = self.path if self.record is None else f"{self.path}:{self.record}"
        return f"{self.level}: {where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What ``saidwhat extract`` is asked to do (the CLI fills this in)."""

    paths: tuple[str, ...]
    output: str | None = None  # a file, or None / "-" for standard output
    errors_path: str | None = None  # also write the problems here as JSON Lines
    include_text: bool = False  # every record carries its text (not only HTML and repaired)
    batch_size: int = 32
    max_chars: int | None = None  # chunk size; None: the extractor's settings
    read: ReadOptions = field(default_factory=lambda: ReadOptions(check_language=True))


@dataclass(slots=True)
class ExtractResult:
    documents: int = 0
    quotes: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.level == "error" for p in self.problems)

    @property
    def status(self) -> Literal["ok", "partial"]:
        return "partial" if self.errors else "ok"

    @property
    def exit_code(self) -> int:
        """0: every input extracted (skips are not failures); 1: some inputs failed."""
        return 1 if self.errors else 0


def _problem(err: InputError) -> Problem:
    d = err.to_dict()
    return Problem("skipped" if err.kind == "skipped" else "error", d["path"], d["record"],
                   d["reason"])


def iter_documents(extractor: Any, options: ExtractOptions,
                   on_problem: Callable[[Problem], None] | None = None) -> Iterator[Document]:
    """The documents of ``options.paths`` in input order; every problem (errors, skips,
    reader warnings) goes to ``on_problem`` as it happens and the batch goes on."""
    report = on_problem or (lambda p: None)

    def with_warnings(items: Iterable[InputDoc | InputError]
                      ) -> Iterator[InputDoc | InputError]:
        for item in items:
            if isinstance(item, InputDoc):
                for w in item.warnings:
                    report(Problem("warning", item.where, None, w))
            yield item

    stream = with_warnings(read_inputs(options.paths, options=options.read))
    for result in extract_inputs(extractor, stream, max_chars=options.max_chars,
                                 batch_size=options.batch_size):
        if isinstance(result, InputError):
            report(_problem(result))
        else:
            yield result


def extract_paths(extractor: Any, options: ExtractOptions, *,
                  on_problem: Callable[[Problem], None] | None = None,
                  on_document: Callable[[Document], None] | None = None) -> ExtractResult:
    """Extract ``options.paths`` to ``options.output`` (JSON Lines, written whole or not at
    all); ``on_problem`` and ``on_document`` see each problem and document as it comes
    (progress, messages)."""
    result = ExtractResult()

    def problem(p: Problem) -> None:
        result.problems.append(p)
        if on_problem is not None:
            on_problem(p)

    with atomic_write(options.output or "-", encoding="utf-8", newline="\n") as out:
        # JSON Lines is UTF-8; on a stream that cannot take it, escape instead of failing
        ascii_only = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "") \
            != "utf8"
        for doc in iter_documents(extractor, options, problem):
            record = doc.to_dict(include_text=options.include_text or doc.include_text)
            try:  # backstop: the readers' cleaning should leave nothing to fail here
                line = json.dumps(record, ensure_ascii=ascii_only, allow_nan=False)
                line.encode("utf-8")
            except (ValueError, TypeError, RecursionError, UnicodeEncodeError) as exc:
                problem(Problem("error", doc.doc_id, None, "result cannot be written as "
                                f"JSON: {type(exc).__name__}: {exc}"))
                continue
            out.write(line + "\n")
            result.documents += 1
            result.quotes += len(doc.quotes)
            if on_document is not None:
                on_document(doc)
        out.flush()
    if options.errors_path is not None:
        with atomic_write(options.errors_path, encoding="utf-8", newline="\n") as fh:
            for p in result.problems:
                fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    return result
