"""CLI command: reliability (coder-vs-coder Krippendorff's alpha and Cohen's kappa).

Exit codes: 0 when every record was read, 1 when some record could not be (the rest is
scored), 2 on a usage error (no such file, nothing to compare, a bad option).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from .common import coding_method_option, model_option, output_path, threshold_option


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _store_records(db: str, coders: tuple[str, ...], codebook: str | None, model: str | None,
                   method: str | None, threshold: float | None, coded_only: bool) -> list[Any]:
    """Reliability records from a store's hand codes (and the machine's, with a codebook)."""
    from ..network.reviewed import store_codings
    from ..store.db import Store, StoreError

    if not Path(db).is_file():
        _fail(f"{db}: no such store database")
    machine = None
    if codebook:
        from ..network.codebook import CodebookError, load_codebook
        from ..network.coding import ConceptCoder
        from ..nlp import load_nlp

        try:
            machine = ConceptCoder(load_codebook(codebook), load_nlp(model), method=method,
                                   threshold=threshold)
        except (CodebookError, RuntimeError, ValueError) as exc:
            _fail(str(exc))
    try:
        with Store(db, readonly=True) as store:
            known = store.coders()
            missing = [c for c in coders if c not in known]
            if missing:
                _fail(f"{db}: no corrections by coder {', '.join(map(repr, missing))}"
                      f" (coders: {', '.join(known) or 'none'})")
            got = store_codings(store, coders=coders, machine=machine,
                                reviewed_as_none=not coded_only)
    except StoreError as exc:
        _fail(str(exc))
    except ValueError as exc:  # a store coder named like the machine
        _fail(f"{db}: {exc}")
    if not got.records:
        _fail(f"{db}: no hand-coded statements (code them in `saidwhat serve`)")
    notes = [f"{db}: {len(got.records)} records from {len(got.coders)} coder(s) on"
             f" {got.units} attribution(s)"]
    if got.none_from_reviewed:
        notes.append(f"{got.none_from_reviewed} 'no concept' from documents marked reviewed"
                     " (--coded-only to leave them out)")
    if got.on_rejected:
        notes.append(f"{got.on_rejected} on attributions since rejected")
    if machine is not None:
        notes.append(f"the machine coded {got.machine_units} attribution(s) as coder 'machine'")
    click.echo("; ".join(notes), err=True)
    return got.records


@click.command("reliability")
@click.argument("codings", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--db", type=click.Path(dir_okay=False),
              help="Score the hand codes of a store's review layer (`saidwhat serve`); default"
                   " without CODINGS: $SAIDWHAT_DB, else ./saidwhat.db.")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False),
              help="--db: also code every attribution a coder coded by machine"
                   " (ConceptCoder), as the coder 'machine' (machine-vs-coder figures).")
@click.option("--coder", "coders", multiple=True,
              help="--db: only this coder's codes (repeatable; default every coder).")
@click.option("--coded-only", is_flag=True,
              help="--db: an attribution a coder left uncoded is missing even in a document"
                   " they marked reviewed (by default it is their 'no concept').")
@coding_method_option
@threshold_option
@model_option
@click.option("--level", default="nominal", show_default=True,
              type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
              help="Krippendorff's alpha metric (concept and agreement are categories:"
                   " nominal).")
@click.option("-o", "--output", callback=output_path,
              help="Also write the figures as JSON to this file.")
def reliability_command(codings: tuple[str, ...], db: str | None, codebook_path: str | None,
                        coders: tuple[str, ...], coded_only: bool, method: str | None,
                        threshold: float | None, model: str | None, level: str,
                        output: str | None) -> None:
    """Inter-coder reliability of CODINGS: CSV (header coder, unit, concept, agreement) or
    JSONL files, one record per coder and unit (several when a unit has several concepts);
    or of a store's hand codes (--db), with the machine as one more coder (--codebook).

    Reports, on concept and on agreement (support/oppose, where the coders coded the same
    concept), Krippendorff's alpha over all coders, Light's kappa, and for each pair of
    coders the units both coded, percent agreement, Cohen's kappa and alpha.
    """
    from ..atomic import atomic_write
    from ..network.reliability import ReliabilityError, read_codings, reliability_report

    if not codings and not db:
        db = os.environ.get("SAIDWHAT_DB") or ("saidwhat.db" if Path("saidwhat.db").is_file()
                                               else None)
        if not db:
            _fail("give CODINGS files or --db STORE (no ./saidwhat.db here)")
    if not db and (codebook_path or coders or coded_only):
        _fail("--codebook, --coder and --coded-only read a store: give --db STORE")
    records, errors = [], []
    try:
        for path in codings:
            got, bad = read_codings(path)
            records += got
            errors += bad
        for e in errors:
            click.echo(f"error: {e}", err=True)
        if db:
            records += _store_records(db, coders, codebook_path, model, method, threshold,
                                      coded_only)
        if not records:
            raise ReliabilityError("no coding records read")
        report = reliability_report(records, level=level)
    except ReliabilityError as exc:
        _fail(str(exc))
    if len(report.coders) < 2:
        _fail(f"one coder only ({report.coders[0]}): reliability compares two coders or more"
              + (" (--codebook adds the machine)" if db and not codebook_path else ""))
    click.echo(report.to_text())
    if output:
        with atomic_write(output, encoding="utf-8") as fh:
            json.dump(report.to_dict(), fh, indent=2, ensure_ascii=False)
    sys.exit(1 if errors else 0)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    group.add_command(reliability_command)
