"""CLI commands: eval (score the extractor, or a predictions file, against gold).

Exit codes: 0 when every gold document and prediction was read and scored; 1 when some were
skipped (listed on stderr and in the JSON; the rest is still scored); 2 on a usage error
(gold path missing or of unknown format, unreadable predictions file, model not installed).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..evaluation import GoldSet
from ..evaluation.gold import span_text
from .common import (
    coding_method_option,
    extractor_options,
    model_option,
    output_path,
    threshold_option,
)


def _write_json_atomic(path: str, data: dict[str, Any]) -> None:
    from ..atomic import atomic_write

    with atomic_write(path, encoding="utf-8", newline="\n") as fh:
        fh.writelines([json.dumps(data, ensure_ascii=False, indent=1), "\n"])


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
                 show_gold: bool, save_pred: str | None, extractor: str | None = None,
                 scheme: str | None = None, bootstrap: int = 0) -> None:
    from ..services.evaluate import EvalOptions, EvalUsageError, evaluate, load_gold_set

    try:
        options = EvalOptions(gold=gold_path, predictions=pred_path, model=model, limit=limit,
                              save_predictions=save_pred, extractor=extractor, scheme=scheme)
        gold = load_gold_set(options)
    except EvalUsageError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from None
    for msg in gold.errors:
        click.echo(f"error: {msg}", err=True)
    for msg in gold.warnings:
        click.echo(f"warning: {msg}", err=True)
    if show_gold:
        click.echo(format_gold(gold), nl=False)
        sys.exit(1 if gold.errors else 0)

    progress = None
    if pred_path is None and sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(total=len(gold.documents), unit="doc", file=sys.stderr, desc="extract")
    try:
        result = evaluate(options, gold=gold,
                          on_document=None if progress is None else lambda: progress.update(1))
    except EvalUsageError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from None
    finally:
        if progress is not None:
            progress.close()

    report = result.report
    missing = [p for p in report.issues if p.kind == "no_prediction"]
    for p in report.issues:
        if p.kind != "no_prediction":
            click.echo(f"warning: {p.message}", err=True)
    if missing:  # one line, not one per document; the JSON lists them all
        click.echo(f"warning: {len(missing)} gold document(s) have no prediction and are scored as"
                   " predicting nothing", err=True)
    intervals = None
    if bootstrap:
        from ..evaluation.scorer import bootstrap_intervals

        intervals = bootstrap_intervals(report, bootstrap)
    as_dict = report.to_dict(errors=errors) if json_path or fmt == "json" else None
    if as_dict is not None:
        as_dict["provenance"] = result.provenance
        if intervals is not None:
            as_dict["bootstrap"] = intervals
    if json_path and as_dict is not None:
        _write_json_atomic(json_path, as_dict)
    if fmt == "json" and as_dict is not None:
        click.echo(json.dumps(as_dict, ensure_ascii=False, indent=1))
    else:
        click.echo(report.table(), nl=False)
        if intervals:
            click.echo(f"\nBootstrap 95% intervals over documents ({bootstrap} resamples):")
            for key, iv in intervals.items():
                click.echo(f"  {key:<18} {iv['f1']:.3f}  [{iv['low']:.3f}, {iv['high']:.3f}]")
        if result.provenance is not None:
            p = result.provenance
            click.echo(f"\nextractor {p['extractor']}, scheme {p['scheme']}, saidwhat "
                       f"{p['saidwhat_version']}"
                       + (f", model sha256 {p['model_checksum'][:12]}" if p.get("model_checksum")
                          else ""))
        if errors:
            click.echo("")
            click.echo(report.errors_table(per_cause=errors_per_cause or None), nl=False)
    sys.exit(result.exit_code)


def coding_command(coding_path: str, model: str | None, json_path: str | None, fmt: str,
                   errors: bool, method: str | None, threshold: float | None, given_spans: bool,
                   extractor_name: str | None = None, scheme: str | None = None,
                   bootstrap: int = 0) -> None:
    """Score concept coding against a coding gold (saidwhat.evaluation.coding); end to end
    with the extractor ``--extractor``/``--scheme`` choose (the default's otherwise);
    ``bootstrap``: also 95% intervals over documents."""
    from ..evaluation.coding import CodingGoldError, evaluate_coding, load_coding_gold
    from ..network.codebook import CodebookError
    from ..network.coding import ConceptCoder
    from ..nlp import load_nlp

    if given_spans and (extractor_name or scheme):
        raise click.UsageError("--extractor and --scheme only apply end to end (no --given-spans)")
    try:
        gold = load_coding_gold(coding_path)
    except CodingGoldError as exc:
        raise click.BadParameter(str(exc), param_hint="--coding") from None
    for msg in gold.warnings:
        click.echo(f"warning: {msg}", err=True)
    nlp = load_nlp(model)
    extra = {} if threshold is None else {"threshold": threshold}
    extractor = None
    if not given_spans:
        from ..extract import Extractor
        from ..services.evaluate import pipeline_config

        extractor = Extractor(model=model, config=pipeline_config(extractor_name, scheme))
    try:
        report = evaluate_coding(gold, lambda cb: ConceptCoder(cb, nlp, method=method, **extra),
                                 given_spans=given_spans, extractor=extractor)
    except CodebookError as exc:
        raise click.BadParameter(str(exc), param_hint="--coding") from None
    data = report.to_dict(statements=errors)
    intervals = {}
    if bootstrap:
        from ..evaluation.coding import coding_bootstrap

        intervals = coding_bootstrap(report, bootstrap)
        data["bootstrap"] = intervals
    if json_path:
        _write_json_atomic(json_path, data)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        click.echo(report.table(), nl=False)
        if intervals:
            click.echo(f"\nBootstrap 95% intervals over documents ({bootstrap} resamples,"
                       " seed 0):")
            for key, v in intervals.items():
                click.echo(f"  {key.replace('_', ' '):<20} {v['value']:.3f}"
                           f"  [{v['low']:.3f}, {v['high']:.3f}]")
        if errors:
            click.echo("")
            click.echo(report.errors_table(), nl=False)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""

    @group.command("eval")
    @click.option("--gold", "gold_path", default=None, metavar="PATH",
                  help="Gold: a brat folder (text/ + attributions/), a saidwhat gold .json/.jsonl"
                       " file or folder, or a DNA .dna database (docs/gold-format.md).")
    @click.option("--pred", "pred_path", metavar="FILE", default=None,
                  help="Predictions as JSON Lines (saidwhat extract output), '-' for stdin;"
                       " default: run the extractor on the gold texts.")
    @model_option
    @click.option("--json", "json_path", metavar="FILE", default=None, callback=output_path,
                  help="Also write the full report as JSON to FILE.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="What to print on stdout.")
    @click.option("--errors", is_flag=True,
                  help="List misses and false positives by cause, speaker errors by kind, in context.")
    @click.option("--errors-per-cause", type=click.IntRange(0), default=25, show_default=True,
                  help="With --errors: at most this many examples per cause (0 = all).")
    @click.option("--limit", type=click.IntRange(1), default=None,
                  help="Only the first N gold documents.")
    @click.option("--show-gold", is_flag=True,
                  help="Print every resolved gold span and exit (to check hand-written gold).")
    @click.option("--save-pred", metavar="FILE", default=None, callback=output_path,
                  help="Write the extractor's predictions as JSON Lines (reuse with --pred).")
    @click.option("--coding", "coding_path", metavar="PATH", default=None,
                  help="Score concept coding instead: a coding gold folder of *.gold.yaml"
                       " (tests/data/coding-gold/README.md).")
    @coding_method_option
    @threshold_option
    @click.option("--given-spans", is_flag=True,
                  help="With --coding: code the gold statements' own spans (no extraction).")
    @click.option("--bootstrap", type=click.IntRange(0), default=0, metavar="N",
                  help="Also give 95% bootstrap intervals over documents (N resamples, seed 0).")
    @extractor_options
    def eval_(gold_path: str | None, pred_path: str | None, model: str | None,
              json_path: str | None, fmt: str, errors: bool, errors_per_cause: int,
              limit: int | None, show_gold: bool, save_pred: str | None,
              coding_path: str | None, method: str | None, threshold: float | None,
              given_spans: bool, bootstrap: int = 0, extractor: str | None = None,
              scheme: str | None = None) -> None:
        """Score attributions against gold: P/R/F1 per role, attribution F1, speakers, kinds.

        \b
        saidwhat eval --gold ../shared/data/polnear/dev
        saidwhat eval --gold tests/data/gold --errors
        saidwhat eval --gold gold.jsonl --pred predictions.jsonl --json report.json
        saidwhat eval --coding tests/data/coding-gold [--given-spans] [--errors] [--bootstrap 1000]
        """
        if coding_path is not None:
            if gold_path is not None:
                raise click.UsageError("give --gold or --coding, not both")
            coding_command(coding_path, model, json_path, fmt, errors, method, threshold,
                           given_spans, extractor, scheme, bootstrap)
            return
        if gold_path is None:
            raise click.UsageError("Missing option '--gold' (or --coding)")
        if pred_path is not None and save_pred:
            raise click.UsageError("--save-pred only applies when the extractor runs (no --pred)")
        if pred_path is not None and (extractor or scheme):
            raise click.UsageError("--extractor and --scheme only apply when the extractor runs"
                                   " (no --pred)")
        eval_command(gold_path, pred_path, model, json_path, fmt, errors, errors_per_cause, limit,
                     show_gold, save_pred, extractor, scheme, bootstrap)
