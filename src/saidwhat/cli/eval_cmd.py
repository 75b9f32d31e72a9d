"""CLI commands: eval (score the extractor, or a predictions file, against gold).

Exit codes: 0 when every gold document and prediction was read and scored; 1 when some were
skipped (listed on stderr and in the JSON; the rest is still scored); 2 on a usage error
(gold path missing or of unknown format, unreadable predictions file, model not installed).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import click

from ..evaluation import GoldFormatError, GoldSet, load_gold
from ..evaluation.gold import span_text
from ..model import Document
from .common import output_path

_BATCH = 16


def read_predictions(path: str) -> tuple[list[Document], list[str]]:
    """``Document.to_dict()`` records, one per line; bad lines are reported, not fatal."""
    docs: list[Document] = []
    problems: list[str] = []
    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise click.BadParameter(f"{path}: cannot read: {exc}", param_hint="--pred") from None
    with fh if path != "-" else contextlib.nullcontext(fh):
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                docs.append(Document.from_dict(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AssertionError) as exc:
                problems.append(f"{path}:{lineno}: not a saidwhat document record"
                                f" ({type(exc).__name__}: {exc}); line skipped")
    return docs, problems


def run_extractor(gold: GoldSet, model: str | None, progress: Any | None,
                  problems: list[str]) -> Iterator[Document]:
    """Extract every gold text the way ``saidwhat extract`` does (batched, long texts in
    chunks); a document the extractor fails on is reported and left out."""
    from ..chunking import extract_inputs
    from ..extract import Extractor
    from ..nlp import ModelNotFoundError
    from ..readers import InputDoc, InputError

    try:
        extractor = Extractor(model)
    except ModelNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="--model") from None
    inputs = (InputDoc(d.doc_id, d.text) for d in gold.documents)
    for result in extract_inputs(extractor, inputs, batch_size=_BATCH):
        if isinstance(result, InputError):
            problems.append(f"doc '{result.path}': {result.reason}; left out of the scores")
        else:
            yield result
        if progress is not None:
            progress.update(1)


def _write_atomic(path: str, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``path`` completely or not at all."""
    from ..atomic import atomic_write

    with atomic_write(path, encoding="utf-8", newline="\n") as fh:
        fh.writelines(chunks)


def _write_json_atomic(path: str, data: dict[str, Any]) -> None:
    _write_atomic(path, [json.dumps(data, ensure_ascii=False, indent=1), "\n"])


def _write_predictions(path: str, docs: list[Document]) -> None:
    _write_atomic(path, (json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs))


def _show_spans(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    if not spans:
        return "-"
    offs = ";".join(f"{x}-{y}" for x, y in spans)
    return f"{offs} {span_text(text, spans)!r}"


def format_gold(gold: GoldSet) -> str:
    """Every resolved gold span, to check hand-written gold."""
    lines = []
    for doc in gold.documents:
        lines.append(f"== {doc.doc_id} ({len(doc.attributions)} attributions)")
        for i, a in enumerate(doc.attributions):
            sp = a.speaker
            who = f"{sp.name!r} ({sp.type})" if sp is not None else "-"
            lines.append(f"[{i}] {a.kind}{'' if a.kind_given else ' (inferred)'}  speaker: {who}")
            for role in ("content", "cue", "source", "channel"):
                if role == "channel" and not a.channel:
                    continue
                lines.append(f"    {role:<8} {_show_spans(doc.text, a.span(role))}")
    return "\n".join(lines) + "\n"


def eval_command(gold_path: str, pred_path: str | None, model: str | None, json_path: str | None,
                 fmt: str, errors: bool, errors_per_cause: int, limit: int | None,
                 show_gold: bool, save_pred: str | None) -> None:
    from ..evaluation import evaluate

    try:
        gold = load_gold(gold_path)
    except GoldFormatError as exc:
        raise click.BadParameter(str(exc), param_hint="--gold") from None
    if limit is not None:
        gold.documents = gold.documents[:limit]
    for msg in gold.errors:
        click.echo(f"error: {msg}", err=True)
    for msg in gold.warnings:
        click.echo(f"warning: {msg}", err=True)
    if show_gold:
        click.echo(format_gold(gold), nl=False)
        sys.exit(1 if gold.errors else 0)

    problems: list[str] = []
    if pred_path is not None:
        preds, problems = read_predictions(pred_path)
        wanted = {d.doc_id for d in gold.documents}
        if limit is not None:  # predictions of the documents cut by --limit are not "unknown"
            preds = [p for p in preds if p.doc_id in wanted]
    else:
        progress = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            progress = tqdm(total=len(gold.documents), unit="doc", file=sys.stderr, desc="extract")
        try:
            preds = list(run_extractor(gold, model, progress, problems))
        finally:
            if progress is not None:
                progress.close()
        extracted = {p.doc_id for p in preds}
        # a document whose extraction failed is left out rather than scored as "found nothing"
        gold.documents = [d for d in gold.documents if d.doc_id in extracted]
        if save_pred:
            _write_predictions(save_pred, preds)

    report = evaluate(gold, preds)
    report.problems[:0] = problems
    missing = [m for m in report.problems if "no prediction" in m]
    for msg in report.problems:
        if msg not in missing:
            click.echo(f"warning: {msg}", err=True)
    if missing:  # one line, not one per document; the JSON lists them all
        click.echo(f"warning: {len(missing)} gold document(s) have no prediction and are scored as"
                   " predicting nothing", err=True)
    as_dict = report.to_dict(errors=errors) if json_path or fmt == "json" else None
    if json_path and as_dict is not None:
        _write_json_atomic(json_path, as_dict)
    if fmt == "json" and as_dict is not None:
        click.echo(json.dumps(as_dict, ensure_ascii=False, indent=1))
    else:
        click.echo(report.table(), nl=False)
        if errors:
            click.echo("")
            click.echo(report.errors_table(per_cause=errors_per_cause or None), nl=False)
    skipped = bool(gold.errors) or any("skipped" in p or "left out" in p for p in report.problems)
    if skipped:
        sys.exit(1)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""

    @group.command("eval")
    @click.option("--gold", "gold_path", required=True, metavar="PATH",
                  help="Gold: a brat folder (text/ + attributions/), a saidwhat gold .json/.jsonl"
                       " file or folder, or a DNA .dna database (docs/gold-format.md).")
    @click.option("--pred", "pred_path", metavar="FILE", default=None,
                  help="Predictions as JSON Lines (saidwhat extract output), '-' for stdin;"
                       " default: run the extractor on the gold texts.")
    @click.option("--model", metavar="NAME", default=None,
                  help="spaCy model for the extractor (when --pred is not given).")
    @click.option("--json", "json_path", metavar="FILE", default=None, callback=output_path,
                  help="Also write the full report as JSON to FILE.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="What to print on stdout.")
    @click.option("--errors", is_flag=True,
                  help="List misses, false positives and speaker errors by cause, in context.")
    @click.option("--errors-per-cause", type=click.IntRange(0), default=25, show_default=True,
                  help="With --errors: at most this many examples per cause (0 = all).")
    @click.option("--limit", type=click.IntRange(1), default=None,
                  help="Only the first N gold documents.")
    @click.option("--show-gold", is_flag=True,
                  help="Print every resolved gold span and exit (to check hand-written gold).")
    @click.option("--save-pred", metavar="FILE", default=None, callback=output_path,
                  help="Write the extractor's predictions as JSON Lines (reuse with --pred).")
    def eval_(gold_path: str, pred_path: str | None, model: str | None, json_path: str | None,
              fmt: str, errors: bool, errors_per_cause: int, limit: int | None, show_gold: bool,
              save_pred: str | None) -> None:
        """Score attributions against gold: P/R/F1 per role, attribution F1, speakers, kinds.

        \b
        saidwhat eval --gold ../shared/data/polnear/dev
        saidwhat eval --gold tests/data/gold --errors
        saidwhat eval --gold gold.jsonl --pred predictions.jsonl --json report.json
        """
        if pred_path is not None and save_pred:
            raise click.UsageError("--save-pred only applies when the extractor runs (no --pred)")
        eval_command(gold_path, pred_path, model, json_path, fmt, errors, errors_per_cause, limit,
                     show_gold, save_pred)
