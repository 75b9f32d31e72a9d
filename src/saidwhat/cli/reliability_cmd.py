"""CLI command: reliability (coder-vs-coder Krippendorff's alpha and Cohen's kappa).

Exit codes: 0 when every record was read, 1 when some record could not be (the rest is
scored), 2 on a usage error (no such file, nothing to compare, a bad option).
"""

from __future__ import annotations

import json
import sys

import click

from .common import output_path


@click.command("reliability")
@click.argument("codings", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--level", default="nominal", show_default=True,
              type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
              help="Krippendorff's alpha metric (concept and agreement are categories:"
                   " nominal).")
@click.option("-o", "--output", callback=output_path,
              help="Also write the figures as JSON to this file.")
def reliability_command(codings: tuple[str, ...], level: str, output: str | None) -> None:
    """Inter-coder reliability of CODINGS: CSV (header coder, unit, concept, agreement) or
    JSONL files, one record per coder and unit (several when a unit has several concepts).

    Reports, on concept and on agreement (support/oppose, where the coders coded the same
    concept), Krippendorff's alpha over all coders, Light's kappa, and for each pair of
    coders the units both coded, percent agreement, Cohen's kappa and alpha.
    """
    from ..atomic import atomic_write
    from ..network.reliability import ReliabilityError, read_codings, reliability_report

    records, errors = [], []
    try:
        for path in codings:
            got, bad = read_codings(path)
            records += got
            errors += bad
        for e in errors:
            click.echo(f"error: {e}", err=True)
        if not records:
            raise ReliabilityError("no coding records read")
        report = reliability_report(records, level=level)
    except ReliabilityError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if len(report.coders) < 2:
        click.echo(f"error: one coder only ({report.coders[0]}): reliability compares two"
                   " coders or more", err=True)
        sys.exit(2)
    click.echo(report.to_text())
    if output:
        with atomic_write(output, encoding="utf-8") as fh:
            json.dump(report.to_dict(), fh, indent=2, ensure_ascii=False)
    sys.exit(1 if errors else 0)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    group.add_command(reliability_command)
