"""CLI commands of the corpus store: ingest, run, status, export, quotes.

Every command takes ``--db PATH`` (default ``./saidwhat.db``, or ``$SAIDWHAT_DB``).
Readers (status, export, quotes) open the store read-only. Exit codes: 0 on success;
1 when an ingest input or a run's document failed, on a full disk, on a damaged store
(one line naming the file, never a traceback); 2 on a usage error (missing file,
missing CSV column, no store, not a saidwhat store); 143 when stopped by SIGTERM.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from ..store.db import (
    DEFAULT_DB,
    StoreDamagedError,
    StoreError,
    damage_message,
    is_damage,
    is_disk_full,
)
from .common import (
    all_languages_option,
    config_option,
    doc_id_option,
    extractor_options,
    model_option,
    no_csv_escape_option,
    progress_option,
)

_FAILED = 1
_SIGNAL_EXIT_BASE = 128  # the shell's convention: killed by signal N exits 128 + N

db_option = click.option("--db", "db_path", default=DEFAULT_DB, envvar="SAIDWHAT_DB",
                         show_default=True, type=click.Path(dir_okay=False),
                         help="The project store (one SQLite file).")


def _open(db_path: str, create: bool = False, readonly: bool = False) -> Any:
    """The store; errors are turned into messages by :func:`_errors` around the command."""
    from ..store import Store

    return Store(db_path, create=create, readonly=readonly)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs (the run is recorded as
    interrupted, committed batches stay)."""


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(_FAILED)


def _cause(exc: BaseException) -> sqlite3.Error | OSError | None:
    """The SQLite or OS error behind ``exc``. pandas, for one, wraps SQLite's errors (in an
    OSError subclass without an errno, which is therefore not taken for the OS's)."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    for err in chain:
        if isinstance(err, sqlite3.Error):
            return err
    for err in chain:
        if isinstance(err, OSError) and err.errno is not None:
            return err
    return None


@contextmanager
def _errors(db_path: str, writing: str | None = None) -> Iterator[None]:
    """A command's store failures as one line naming the file, not a traceback.

    ``writing``: the file a full disk is reported for (default: the store).
    """
    try:
        yield
    except StoreDamagedError as exc:
        _fail(str(exc))
    except StoreError as exc:
        raise click.UsageError(str(exc)) from None
    except click.ClickException:
        raise
    except Exception as raised:
        exc = _cause(raised)
        if exc is None:
            raise
        if is_disk_full(exc):
            _fail(f"disk full writing {writing or db_path}: {exc} (everything committed "
                  "before is kept; free some space and rerun)")
        if is_damage(exc):
            _fail(damage_message(db_path, exc))
        if isinstance(exc, sqlite3.Error):
            _fail(f"{db_path}: {exc}")
        raise
    except Terminated:
        click.echo(f"error: stopped by SIGTERM; {db_path} keeps everything committed "
                   "before (rerun to go on)", err=True)
        sys.exit(_SIGNAL_EXIT_BASE + signal.SIGTERM)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a writing command works, SIGTERM (a batch system's time limit, ``kill``)
    stops it like Ctrl-C would. Signal handlers belong to the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _s(value: Any) -> str:
    """A cell for display: a missing value is empty."""
    return "" if value is None else str(value)


_PARTICULARS = (
    (re.compile(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”"), "'…'"),
    (re.compile(r"\d+(?:[.,]\d+)*"), "N"),
)
_REASON_WIDTH = 100


def reason_summary(reason: str | None) -> str:
    """A reason with its particulars (numbers, quoted values) replaced, so that like
    reasons count together, and kept whole otherwise: "time budget of 120 s exceeded",
    "invalid JSON: Expecting value: line N column N"."""
    text = " ".join((reason or "").split())
    for pattern, repl in _PARTICULARS:
        text = pattern.sub(repl, text)
    return text if len(text) <= _REASON_WIDTH else text[: _REASON_WIDTH - 1] + "…"


def short_doc_id(doc_id: str) -> str:
    """A document id to show above its quotes: the last part of a path or URL
    (``crawl/news/a.txt`` -> ``a.txt``, ``https://x.org/news/plan`` -> ``x.org/…/plan``)."""
    text = str(doc_id)
    scheme, sep, rest = text.partition("://")
    if sep:
        host, _, path = rest.partition("/")
        parts = [p for p in path.split("/") if p]
        return host if not parts else f"{host}/{parts[-1]}" if len(parts) == 1 \
            else f"{host}/…/{parts[-1]}"
    parts = [p for p in text.replace("\\", "/").split("/") if p]
    return parts[-1] if parts else text


def _progress_default() -> bool:
    return sys.stderr.isatty()


def _col(role: str) -> Callable[[Any], Any]:
    return click.option(f"--{role}-col", default=None, metavar="NAME",
                        help=f"CSV column / JSON field holding the {role} "
                             "(default: guessed from common names).")


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@_col("text")
@_col("id")
@_col("title")
@_col("date")
@_col("outlet")
@_col("url")
@_col("author")
@click.option("--max-doc-chars", default=None, type=click.IntRange(min=1),
              help="Reject documents longer than this many characters (default 8,000,000); "
                   "the same limit as `saidwhat extract --max-doc-chars`.")
@click.option("--max-chars", "old_max_chars", default=None, hidden=True,
              type=click.IntRange(min=1))
@doc_id_option
@all_languages_option
@progress_option()
def ingest_command(paths: tuple[str, ...], db_path: str, text_col: str | None,
                   id_col: str | None, title_col: str | None, date_col: str | None,
                   outlet_col: str | None, url_col: str | None, author_col: str | None,
                   max_doc_chars: int | None, old_max_chars: int | None, doc_id_rule: str,
                   all_languages: bool, progress: bool | None) -> None:
    """Read files and folders (.txt, .html, .jsonl[.gz], .csv[.gz], .warc[.gz]) into the
    store. Documents already stored (same text) are not added again."""
    from ..readers import DEFAULT_MAX_DOC_CHARS
    from ..store import IngestConfigError, IngestOptions, ingest
    from ..store.ingest import check_inputs

    if old_max_chars is not None:
        raise click.UsageError(
            "--max-chars is the chunk size of extraction (`saidwhat extract --max-chars`), "
            "not a limit on what ingest stores: to reject long documents use --max-doc-chars")
    opts = IngestOptions(text_col=text_col, id_col=id_col, title_col=title_col,
                         date_col=date_col, outlet_col=outlet_col, url_col=url_col,
                         author_col=author_col,
                         max_doc_chars=max_doc_chars or DEFAULT_MAX_DOC_CHARS,
                         doc_id=doc_id_rule,  # type: ignore[arg-type]
                         check_language=not all_languages)
    try:  # checked before the store is even created
        check_inputs(paths, opts)
    except IngestConfigError as exc:
        raise click.UsageError(str(exc)) from None
    with _errors(db_path), _sigterm_as_interrupt(), _open(db_path, create=True) as store:
        summary = ingest(store, paths, opts,
                         show_progress=_progress_default() if progress is None else progress)
        counts = store.status_counts()
    click.echo(f"ingested {summary.added} new documents from {summary.files} files into "
               f"{db_path}: {summary.duplicate} duplicates, {summary.skipped} skipped, "
               f"{summary.errors + summary.id_conflict} errors")
    for reason, n in sorted(summary.reasons.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {n:>7}  {reason}")
    click.echo(f"store: {counts['ingested']} documents, {counts['pending']} pending "
               "(run `saidwhat run`; `saidwhat status --errors` lists problems)")
    failed = summary.errors + summary.id_conflict  # duplicates and skips are not failures
    if failed:
        click.echo(f"{failed} inputs failed: `saidwhat status --errors` lists them", err=True)
        sys.exit(_FAILED)


def _run_config(path: str | None, max_chars: int | None, doc_timeout: float | None,
                extractor: str | None = None, scheme: str | None = None) -> str | None:
    """The pipeline config text the run's workers build from: ``path`` over the default,
    then the options; ``None`` (the default pipeline) when nothing is given."""
    from ..config import ConfigError, extractor_of, extractor_overrides, load_config, settings_of
    from ..learned.model import ModelError, load_model

    overrides: dict[str, Any] = {}
    if max_chars is not None:
        overrides["chunk_chars"] = max_chars
    if doc_timeout is not None:
        overrides["doc_timeout"] = doc_timeout
    try:
        cfg = load_config(Path(path)) if path is not None else load_config()
        chosen = extractor_overrides(extractor, scheme, base=cfg)
        if chosen:
            cfg = cfg.merge(chosen)
        if overrides:
            cfg = cfg.merge({"settings": overrides})
        settings_of(cfg)  # a bad [settings] is a usage error now, not in every worker
        if extractor_of(cfg) == "learned":
            load_model(None)  # a missing or corrupt model is a usage error now
    except ModelError as exc:
        raise click.BadParameter(str(exc), param_hint="--extractor") from None
    except ConfigError as exc:
        hint = "--extractor" if extractor is not None and path is None else "--config"
        raise click.BadParameter(str(exc), param_hint=hint) from None
    if path is None and not overrides and not chosen:
        return None
    return cfg.to_str()


@click.command("run")
@db_option
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes on this machine (with --dask local: Dask workers).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1),
              help="Documents per batch; each batch is committed atomically.")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS|local",
              help="Run on a Dask cluster (scheduler address, e.g. tcp://host:8786) or on a "
                   "local one.")
@click.option("--parts-dir", default=None, type=click.Path(file_okay=False),
              help="With --dask: folder (seen by workers and this machine) for the workers' "
                   "Parquet parts. Default: next to the store.")
@click.option("--no-parts", is_flag=True,
              help="With --dask: send results back through the scheduler instead of Parquet "
                   "files (no shared file system needed).")
@click.option("--limit", default=None, type=click.IntRange(min=1),
              help="Process at most this many documents.")
@click.option("--retry-failed", is_flag=True, help="Try failed documents again.")
@click.option("--redo", is_flag=True,
              help="Extract every document again (after a new model, config, extractor or "
                   "saidwhat version). Review corrections re-attach to their text; those that "
                   "no longer match are listed as orphaned (`saidwhat serve`, /orphans).")
@model_option
@config_option
@click.option("--max-chars", type=click.IntRange(1000, 1_000_000), default=None,
              help="Longer texts are extracted in chunks of at most this many characters "
                   "(default: the config's chunk_chars, 100,000).")
@click.option("--doc-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS",
              help="Wall-clock budget of one document (default: the config's, 120 s); a "
                   "document over it is failed with the reason and the run goes on.")
@progress_option()
@extractor_options
def run_command(db_path: str, workers: int, batch_size: int, dask_address: str | None,
                parts_dir: str | None, no_parts: bool, limit: int | None, retry_failed: bool,
                model: str | None, config_path: str | None, max_chars: int | None,
                doc_timeout: float | None, progress: bool | None, extractor: str | None = None,
                scheme: str | None = None, redo: bool = False) -> None:
    """Extract quotes from every document not yet processed (--redo: from every document).
    Safe to kill and rerun."""
    from ..store import run

    config = _run_config(config_path, max_chars, doc_timeout, extractor, scheme)
    with _errors(db_path), _sigterm_as_interrupt(), _open(db_path) as store:
        summary = run(store, batch_size=batch_size, workers=workers, dask=dask_address,
                      model=model, limit=limit, retry_failed=retry_failed,
                      parts_dir=None if no_parts else (parts_dir or "auto"),
                      show_progress=_progress_default() if progress is None else progress,
                      config=config, redo=redo)
        counts = store.status_counts()
        orphans = len(store.orphaned_corrections()) if redo else 0
    click.echo(f"run {summary.run_id} ({summary.backend}, {summary.workers} worker(s)): "
               f"{summary.processed} processed, {summary.failed} failed in "
               f"{summary.seconds:.1f} s ({summary.docs_per_second:.1f} docs/s); "
               f"{summary.pending_after} pending")
    click.echo(f"store: {counts['processed']} processed, {counts['failed']} failed, "
               f"{counts['pending']} pending, {counts['quotes']} quotes")
    if orphans:
        click.echo(f"{orphans} review correction(s) no longer find their attribution: see "
                   "them in `saidwhat serve` (/orphans)", err=True)
    if summary.failed:
        click.echo("failed documents: `saidwhat status --errors`", err=True)
        sys.exit(_FAILED)


@click.command("status")
@db_option
@click.option("--errors", "show_errors", is_flag=True,
              help="List every failed or skipped file / record with its reason.")
@click.option("--duplicates", is_flag=True, help="With --errors: list duplicates too.")
@click.option("--check", is_flag=True,
              help="Also check the file for damage (PRAGMA integrity_check; reads all of "
                   "it). Exit code 1 if it is damaged.")
def status_command(db_path: str, show_errors: bool, duplicates: bool, check: bool) -> None:
    """Counts: ingested, processed, failed (with reasons), pending."""
    with _errors(db_path), _open(db_path, readonly=True) as store:
        if check:
            problems = store.integrity_problems()
            if problems:
                click.echo(f"store {db_path} is damaged: PRAGMA integrity_check found "
                           f"{len(problems)} problem(s)")
                for problem in problems:
                    click.echo(f"  {problem}")
                sys.exit(_FAILED)
        c = store.status_counts()
        kinds = ("error", "skipped", "duplicate") if duplicates else ("error", "skipped")
        errors = store.error_rows(kinds)
        runs = store.run_counts()
    click.echo(f"store {db_path}")
    for label, key in (("ingested", "ingested"), ("processed", "processed"),
                       ("failed", "failed"), ("pending", "pending"),
                       ("ingest errors", "ingest_errors"), ("skipped at ingest", "skipped"),
                       ("duplicates", "duplicates"), ("quotes", "quotes")):
        click.echo(f"  {label:<18}{c[key]:>9}")
    for label, key in (("interrupted runs", "interrupted"), ("runs in progress", "running")):
        if runs.get(key):
            click.echo(f"  {label:<18}{runs[key]:>9}")
    if check:
        click.echo(f"  {'integrity check':<18}{'ok':>9}")
    if errors:
        click.echo("reasons:")
        groups = Counter(f"{e['kind']} ({e['stage']}): {reason_summary(e['reason'])}"
                         for e in errors)
        for group, n in groups.most_common():
            click.echo(f"  {n:>7}  {group}")
    if show_errors and not errors:
        click.echo("no failed or skipped documents" + ("" if duplicates else
                   " (duplicates: add --duplicates)"))
    if show_errors:
        for e in errors:
            where = _s(e["source"])
            if _s(e["record"]):
                where += f" [{e['record']}]"
            if _s(e["doc_id"]) and e["doc_id"] != e["source"]:
                where += f" ({e['doc_id']})"
            click.echo(f"{e['kind']}\t{e['stage']}\t{where}\t{e['reason']}")


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl", "gold", "brat"]),
              default="jsonl", show_default=True)
@click.option("-o", "--output", required=True,
              help="jsonl: a file ('-' for stdout); parquet/csv: a folder for documents, "
                   "quotes and entities tables, or a file name ending .csv / .parquet for "
                   "the quotes table alone; gold/brat: a folder for the documents "
                   "marked reviewed in `saidwhat serve`, corrections applied.")
@click.option("--text/--no-text", "with_text", default=None,
              help="jsonl: include each document's text (default: only for HTML/WARC input, "
                   "whose offsets refer to the extracted text).")
@no_csv_escape_option
def export_command(db_path: str, fmt: str, output: str, with_text: bool | None,
                   no_csv_escape: bool) -> None:
    """Write the results: JSONL in the extraction contract's shape (one line per document),
    or Parquet / CSV tables."""
    from ..atomic import OutputPathError, check_output_path
    from ..services.export import ExportOptions, export_store
    from ..store.export import is_table_file

    options = ExportOptions(db=db_path, format=fmt, output=output, with_text=with_text,
                            csv_escape=not no_csv_escape)
    if fmt == "jsonl" or is_table_file(output, fmt):  # before the store is opened
        try:
            check_output_path(output)
        except OutputPathError as exc:
            raise click.BadParameter(str(exc), param_hint="-o") from None
    with _errors(db_path, writing=output), _open(db_path, readonly=True) as store:
        try:
            written = export_store(options, store).written
        except OutputPathError as exc:
            raise click.BadParameter(str(exc), param_hint="-o") from None
        except OSError as exc:  # disk full, quota, I/O error: nothing was half written
            if exc.errno is None:  # not the system's (a wrapped database error)
                raise
            click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(1)
    click.echo(", ".join(f"{n} {what}" for what, n in written.items()) + f" -> {output}",
               err=output == "-")


def _speaker_actors(store: Any, speaker: str) -> list[int] | None:
    """The actors ``--speaker`` means (:mod:`saidwhat.store.lookup`); None when it names
    no actor (or the store has no actor table): the stored names are searched instead.
    A name that fits several actors is a usage error listing them."""
    from ..store.db import ACTORS_VERSION
    from ..store.lookup import match_actors

    if store.version < ACTORS_VERSION:
        return None
    match = match_actors(speaker, store.actor_rows())
    if not match.actors:
        return None
    if match.ambiguous and match.how != "exact":
        lines = [f"--speaker {speaker!r} is the {match.how} of {len(match.actors)} actors; "
                 "give the full name (or `saidwhat actors merge` them):"]
        lines += [f"  {a['name']}  ({a['type']}, {a['quotes']} quotes)" for a in match.actors]
        click.echo("\n".join(lines), err=True)
        sys.exit(2)
    return match.actor_ids


@click.command("quotes")
@db_option
@click.option("--speaker", default=None,
              help="An actor (`saidwhat actors`): full name or alias, or a first name or "
                   "surname that only one actor has (several: they are listed, exit 2).")
@click.option("--since", default=None, metavar="DATE",
              help="Documents dated on/after: YYYY-MM-DD (or YYYY, YYYY-MM).")
@click.option("--until", default=None, metavar="DATE",
              help="Documents dated on/before: YYYY-MM-DD (or YYYY, YYYY-MM: to its end).")
@click.option("--outlet", default=None, help="Outlet name (case-insensitive).")
@click.option("--limit", default=None, type=click.IntRange(min=1))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl"]), default="table",
              show_default=True)
@no_csv_escape_option
def quotes_command(db_path: str, speaker: str | None, since: str | None, until: str | None,
                   outlet: str | None, limit: int | None, fmt: str, no_csv_escape: bool) -> None:
    """Quick query: the quotes of a speaker, in a period, in an outlet."""
    import csv
    import json

    from ..csvsafe import escape_row
    from ..dates import DateError, user_date

    try:  # ISO dates only: they are compared with the stored ISO dates
        since = user_date(since, "--since") if since else None
        until = user_date(until, "--until") if until else None
    except DateError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1],
                                 param_hint=str(exc).split(":", 1)[0]) from None
    with _errors(db_path), _open(db_path, readonly=True) as store:
        actor_ids = _speaker_actors(store, speaker) if speaker else None
        columns, rows = store.quote_rows(speaker=None if actor_ids else speaker, since=since,
                                         until=until, outlet=outlet, limit=limit,
                                         actor_ids=actor_ids)
        out = sys.stdout  # CliRunner swaps it in tests, as a terminal would
        n = 0
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(columns)
        for row in rows:
            n += 1
            if fmt == "csv":
                writer.writerow(escape_row(row, not no_csv_escape))
            elif fmt == "jsonl":
                out.write(json.dumps(dict(zip(columns, row, strict=True)),
                                     ensure_ascii=False) + "\n")
            else:
                rec = dict(zip(columns, row, strict=True))
                head = " | ".join(short_doc_id(rec[k]) if k == "doc_id" else str(rec[k])
                                  for k in ("date", "outlet", "doc_id") if rec[k])
                out.write(f"{head}\n  {rec['speaker_name'] or '?'}: "
                          f"\u201c{rec['content_text']}\u201d\n")
        out.flush()
    click.echo(f"{n} quotes", err=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    for command in (ingest_command, run_command, status_command, export_command,
                    quotes_command):
        group.add_command(command)
