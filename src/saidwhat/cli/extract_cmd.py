"""CLI commands: extract (files -> JSON Lines) and show (attributions as a table).

Exit codes of ``extract`` and ``show``: 0 when every input was read and extracted, 1 when
at least one input (file or JSONL record) failed (the others are still written), 2 on a
usage error (no input, unknown option, model not installed).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..chunking import DEFAULT_MAX_CHARS
from ..model import Document
from ..readers import (
    DEFAULT_MAX_DOC_CHARS,
    FORMAT_NAMES,
    InputFormat,
    ReadOptions,
)
from ..settings import DEFAULT_DOC_TIMEOUT, Settings
from .common import (
    all_languages_option,
    config_option,
    doc_id_option,
    extractor_options,
    model_option,
    output_path,
    progress_option,
)

if TYPE_CHECKING:  # the services import pandas-backed exports: load them when a command runs
    from ..services.extract import Problem

EXAMPLE_NAME = "council_housing.txt"


def example_path() -> str:
    """Path of the bundled example article (package data)."""
    return str(resources.files("saidwhat") / "examples" / EXAMPLE_NAME)


def _load_extractor(model: str | None, doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
                    config: str | None = None, extractor: str | None = None,
                    scheme: str | None = None) -> Any:
    """The Extractor for the options: ``config`` (a .cfg path, :mod:`saidwhat.config`)
    over the default pipeline, then ``--extractor`` and ``--scheme``; ``doc_timeout``
    (``None``: the config's) replaces its ``[settings] doc_timeout``."""
    from ..config import ConfigError, extractor_overrides, load_config, settings_of
    from ..extract import Extractor
    from ..learned.model import ModelError
    from ..nlp import ModelNotFoundError

    try:
        if config is None and extractor is None and scheme is None:
            return Extractor(model, settings=Settings(doc_timeout=doc_timeout))
        cfg = load_config(Path(config)) if config is not None else load_config()
        overrides = extractor_overrides(extractor, scheme, base=cfg)
        if overrides:
            cfg = cfg.merge(overrides)
        settings = settings_of(cfg)
        if doc_timeout is not None:
            settings = dataclasses.replace(settings, doc_timeout=doc_timeout)
        return Extractor(model, config=cfg, settings=settings)
    except ModelError as exc:
        raise click.BadParameter(str(exc), param_hint="--extractor") from None
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
    model_option,
    click.option("--format", "fmt", type=_FORMAT, default=None,
                 help="Read every input as this format (default: by file extension; "
                      "stdin is sniffed)."),
    click.option("--max-chars", type=click.IntRange(1000, 1_000_000),
                 default=DEFAULT_MAX_CHARS, show_default=True,
                 help="Longer texts are extracted in chunks of at most this many characters."),
    click.option("--max-doc-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_DOC_CHARS,
                 show_default=True,
                 help="Documents longer than this are errors (not read whole)."),
    doc_id_option,
    all_languages_option,
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
@config_option
@progress_option("show_progress")
@extractor_options
@_with_common_options
@_quiet_on_broken_pipe
def extract_command(paths: tuple[str, ...], output: str | None, errors_path: str | None,
                    include_text: bool, batch_size: int, doc_timeout: float, model: str | None,
                    fmt: InputFormat | None, max_chars: int, max_doc_chars: int,
                    doc_id_rule: str, all_languages: bool, example: bool,
                    config_path: str | None = None, show_progress: bool | None = None,
                    extractor: str | None = None, scheme: str | None = None) -> None:
    """Extract quotes and speakers from PATH... to JSON Lines, one object per document.

    PATH is a .txt, .html/.htm, .jsonl/.ndjson(.gz), .csv/.tsv(.gz) or .warc(.gz) file, a
    folder (searched recursively), a glob, or - for stdin. Errors are printed to stderr as
    `path: reason`; the batch goes on. A later input whose doc_id is taken is an error (id
    conflict). Exit code 0: all inputs extracted; 1: some inputs failed; 2: usage error.
    """
    inputs = _inputs_or_example(paths, example)
    if config_path is None:
        the_extractor = _load_extractor(model, doc_timeout) if extractor is None and \
            scheme is None else _load_extractor(model, doc_timeout, extractor=extractor,
                                                scheme=scheme)
    else:  # --doc-timeout replaces the config's only when given
        given = click.get_current_context().get_parameter_source("doc_timeout")
        explicit = given is not None and given.name != "DEFAULT"
        the_extractor = _load_extractor(model, doc_timeout if explicit else None, config_path,
                                        extractor, scheme)
    from tqdm import tqdm

    from ..services.extract import ExtractOptions, extract_paths

    options = ExtractOptions(
        paths=tuple(inputs), output=output, errors_path=errors_path, include_text=include_text,
        batch_size=batch_size, max_chars=max_chars,
        read=_read_options(fmt, max_doc_chars, doc_id_rule, all_languages))
    # A progress bar only for a person watching (by default); never in logs or pipes. The
    # documents are counted first (cheaply: readers.count_documents), for a total and an ETA.
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    progress = None
    if show_progress:
        from ..readers import count_documents

        progress = tqdm(total=count_documents(inputs, options.read), unit="doc",
                        file=sys.stderr, desc="extract", dynamic_ncols=True, smoothing=0.1)

    def say(problem: Any) -> None:
        if progress is not None:
            if problem.level != "warning":  # a failed or skipped input is one done too
                progress.update(1)
            progress.write(str(problem), file=sys.stderr)
        else:
            click.echo(str(problem), err=True)

    try:
        result = extract_paths(the_extractor, options, on_problem=say,
                               on_document=(lambda _: progress.update(1)) if progress else None)
    finally:
        if progress is not None:
            progress.close()
    target = output if output not in (None, "-") else "stdout"
    click.echo(f"saidwhat extract: {result.documents} document(s), {result.quotes} quote(s), "
               f"{result.errors} error(s) -> {target}", err=True)
    sys.exit(result.exit_code)


# ---------------------------------------------------------------------------- show


SHOW_MIN_WIDTH = 40
CONTENT_LINES = 3  # lines of content a row shows without --full
# widest a column gets before it wraps; a content narrower than _CONTENT_NARROW next to
# its own channel column gets the channel under the cue instead
_WIDEST = {"speaker": 26, "cue": 14, "channel": 16, "cue / channel": 16}
_CONTENT_MIN, _CONTENT_NARROW = 20, 30
_GAP = "  "


def _flat(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def terminal_width() -> int:
    """The width to print for: ``COLUMNS`` when set, else the terminal's (120 when output
    goes to a pipe or file)."""
    import shutil

    return max(shutil.get_terminal_size(fallback=(120, 24)).columns, SHOW_MIN_WIDTH)


def _wrap(text: str, width: int, *, cut_words: bool) -> list[str]:
    import textwrap

    lines = textwrap.wrap(text, width, break_long_words=cut_words, break_on_hyphens=False)
    return lines or [""]


def _layout(columns: list[str], cells: list[list[str]], width: int, narrow: bool = False
            ) -> tuple[list[int], int]:
    """Column widths (each at least its longest word: no cell is cut inside a word) and
    the content's width; ``narrow``: wrap the speaker and cue columns sooner."""
    widths = []
    for k, name in enumerate(columns):
        values = [row[k] for row in cells]
        longest = max([len(name)] + [len(v) for v in values])
        word = max([len(name)] + [len(w) for v in values for w in v.split()])
        widest = _WIDEST.get(name, longest) // (2 if narrow and name in _WIDEST else 1)
        widths.append(max(min(longest, widest), word))
    return widths, width - sum(widths) - len(_GAP) * len(widths)


def _content_lines(text: str, width: int, full: bool) -> list[str]:
    content = _wrap(_flat(text), width, cut_words=True)
    if not full and len(content) > CONTENT_LINES:
        last = content[CONTENT_LINES - 1]
        content = content[:CONTENT_LINES - 1] + [
            (last if len(last) < width else last[:width - 1].rstrip()) + "…"]
    return content


def _stacked(doc: Document, width: int, full: bool) -> str:
    """A terminal too narrow for the table: each quote as a line about the attribution
    (wrapped between words) and its content indented below."""
    lines = [f"{doc.doc_id}: {len(doc.quotes)} quote(s)"]
    for i, q in enumerate(doc.quotes, 1):
        about = f"{i}. {q.kind}: {_flat(q.speaker.name) or '—'} ({q.speaker.type})"
        if q.cue:
            about += f", cue: {_flat(q.cue.text)}"
        if q.channel:
            about += f", channel: {_flat(q.channel.text)}"
        lines += _wrap(about, width, cut_words=False)
        lines += ["    " + line for line in _content_lines(q.content.text, width - 4, full)]
    return "\n".join(lines)


def format_table(doc: Document, width: int | None = None, full: bool = False) -> str:
    """The attributions of ``doc`` as a plain-text table at most ``width`` columns wide
    (default: the terminal's, :func:`terminal_width`) where the terminal allows: number,
    kind, speaker, type, cue, channel, content. Cells wrap instead of being cut; no word of
    a speaker, cue or channel is ever cut. Contents show at most :data:`CONTENT_LINES`
    lines (the last ending in "…" when there is more) unless ``full``. In a narrow
    terminal the channel goes under the cue; in a very narrow one each quote is a few
    lines of its own."""
    width = width or terminal_width()
    quotes = doc.quotes
    base = [[str(i), q.kind, _flat(q.speaker.name) or "—", q.speaker.type]
            for i, q in enumerate(quotes, 1)]
    cues = [_flat(q.cue.text) if q.cue else "—" for q in quotes]
    channels = [_flat(q.channel.text) if q.channel else "—" for q in quotes]
    columns = ["#", "kind", "speaker", "type", "cue", "channel"]
    cells = [row + [c, ch] for row, c, ch in zip(base, cues, channels, strict=True)]
    widths, content_w = _layout(columns, cells, width)
    if content_w < _CONTENT_NARROW:
        columns = columns[:4] + ["cue / channel"]
        cells = [row + [c if ch == "—" else f"{c} / {ch}"]
                 for row, c, ch in zip(base, cues, channels, strict=True)]
        widths, content_w = _layout(columns, cells, width)
    if content_w < _CONTENT_NARROW:
        widths, content_w = _layout(columns, cells, width, narrow=True)
    if content_w < _CONTENT_MIN:
        return _stacked(doc, width, full)
    lines = [f"{doc.doc_id}: {len(quotes)} quote(s)"]
    header = _GAP.join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    lines.append(f"{header}{_GAP}content")
    lines.append("-" * min(width, len(header) + len(_GAP) + content_w))
    for row, q in zip(cells, quotes, strict=True):
        wrapped = [_wrap(cell, w, cut_words=False) for cell, w in zip(row, widths, strict=True)]
        content = _content_lines(q.content.text, content_w, full)
        height = max(len(content), *(len(c) for c in wrapped))
        for n in range(height):
            parts = [(c[n] if n < len(c) else "").ljust(w)
                     for c, w in zip(wrapped, widths, strict=True)]
            text = content[n] if n < len(content) else ""
            lines.append((_GAP.join(parts) + _GAP + text).rstrip())
    return "\n".join(lines)


def _result_records(path: str, problem: Callable[[Problem], None]
                    ) -> Iterator[Document] | None:
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
                    from ..services.extract import Problem

                    problem(Problem("error", path, lineno,
                                    f"not an extraction record ({exc})"))

    return records()


@click.command("show")
@click.argument("paths", nargs=-1, metavar="FILE...")
@click.option("--width", type=click.IntRange(SHOW_MIN_WIDTH, 1000), default=None,
              help="Table width in columns (default: the terminal's, or $COLUMNS; 120 "
                   "in a pipe).")
@click.option("--full", is_flag=True,
              help=f"Show whole contents (by default at most {CONTENT_LINES} lines each).")
@_with_common_options
@_quiet_on_broken_pipe
def show_command(paths: tuple[str, ...], width: int | None, full: bool, model: str | None,
                 fmt: InputFormat | None, max_chars: int, max_doc_chars: int,
                 doc_id_rule: str, all_languages: bool, example: bool) -> None:
    """Print who said what in FILE... as a table.

    FILE is an article (.txt, .html) or JSONL (articles to extract, or the output of
    `saidwhat extract`). Exit code 0: all shown; 1: some inputs failed; 2: usage error.
    """
    from ..services.extract import ExtractOptions, iter_documents

    inputs = _inputs_or_example(paths, example)
    problems: list[Problem] = []

    def problem(p: Problem) -> None:
        problems.append(p)
        click.echo(str(p), err=True)

    extractor = None
    first = True
    for path in inputs:
        results = None
        if fmt in (None, "jsonl") and path.lower().endswith((".jsonl", ".jsonl.gz")):
            results = _result_records(path, problem)
        if results is None:
            if extractor is None:
                extractor = _load_extractor(model)
            options = ExtractOptions(paths=(path,), max_chars=max_chars,
                                     read=_read_options(fmt, max_doc_chars, doc_id_rule,
                                                        all_languages))
            results = iter_documents(extractor, options, problem)
        for doc in results:
            if not first:
                click.echo("")
            click.echo(format_table(doc, width or terminal_width(), full))
            first = False
    if any(p.level == "error" for p in problems):
        sys.exit(1)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    group.add_command(extract_command)
    group.add_command(show_command)
