"""CLI commands: network (coded statements -> discourse networks) and concepts (codebooks).

Exit codes: 0 when every input was read, 1 when some input record or file could not be
read (the rest is still used and written), 2 on a usage error (bad codebook, bad option).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from ..model import Document
from .common import (
    LazyChoice,
    coding_method_option,
    model_option,
    no_csv_escape_option,
    output_path,
    threshold_option,
)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _load_docs(inputs: tuple[str, ...], db: str | None, texts: tuple[str, ...]
               ) -> tuple[list[Document], list[str]]:
    from ..services.network import NetworkError, load_documents

    try:
        result = load_documents(inputs, db, texts)
    except NetworkError as exc:
        _fail(str(exc))
    for e in result.errors:
        click.echo(f"error: {e}", err=True)
    return result.documents, result.errors


def _export_formats() -> tuple[str, ...]:
    from ..network.export import EXPORTERS

    return EXPORTERS.names()


@click.command("network")
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--codebook", "codebook_path", required=True, type=click.Path(dir_okay=False),
              help="Codebook YAML (see docs/networks.md).")
@click.option("--db", type=click.Path(dir_okay=False),
              help="Read a saidwhat store instead of / as well as JSONL (default without"
                   " INPUTS: $SAIDWHAT_DB, else ./saidwhat.db).")
@click.option("--type", "network_type", default="two-mode", show_default=True,
              type=click.Choice(["two-mode", "congruence", "conflict", "subtract",
                                 "concept-congruence", "concept-conflict", "concept-subtract"]),
              help="two-mode actor x concept; actor one-mode congruence/conflict/subtract;"
                   " concept one-mode networks.")
@click.option("--qualifier", default="combine", show_default=True,
              type=click.Choice(["combine", "ignore", "subtract", "split"]),
              help="Two-mode: how agreement enters the edge.")
@click.option("--normalization", "--normalisation", "normalization", default="none",
              show_default=True, type=click.Choice(["none", "average", "jaccard", "cosine"]),
              help="One-mode edge weight normalisation.")
@click.option("-o", "--output", callback=output_path,
              help="Output file; format from the extension or --format.")
@click.option("--format", "fmt", type=LazyChoice(_export_formats),
              help="Output format (default: from the extension: .graphml .gexf .csv .dna).")
@click.option("--from", "date_from", help="Keep statements on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Keep statements on or before this date (YYYY-MM-DD).")
@click.option("--outlet", multiple=True, help="Keep only this outlet (repeatable).")
@click.option("--actor-type", multiple=True,
              type=click.Choice(["person", "organization", "anonymous", "unknown"]),
              help="Keep only this actor type (repeatable).")
@click.option("--window", help="Time-window slices of this length (e.g. 30d); one output per window.")
@click.option("--step", help="Step between windows (default: the window length).")
@click.option("--actors", "actors_path", type=click.Path(dir_okay=False),
              help="Actor attributes CSV (actor, organisation, party, type, aliases, ...).")
@coding_method_option
@threshold_option
@click.option("--texts", multiple=True, type=click.Path(),
              help="<doc_id>.txt files or folders with the document texts (for .dna export).")
@click.option("--plot", "plot_path", callback=output_path, help="Also draw the network to a .png or .svg.")
@click.option("--colour-by", "--color-by", "colour_by", default="auto", show_default=True,
              type=click.Choice(["auto", "organization", "community"]),
              help="Actor colours: organisation, congruence community, or auto (organisation"
                   " when most actors have one).")
@click.option("--stats", "stats_path", callback=output_path, help="Write summary statistics (JSON); they also go to stderr.")
@click.option("--statements", "statements_path", callback=output_path,
              help="Write the coded statements (JSONL, with evidence and offsets).")
@click.option("--dna-password", default="saidwhat", show_default=True,
              help="Password of the 'saidwhat' coder in an exported .dna database.")
@click.option("--default-date", "default_date",
              help=".dna export: the date (YYYY-MM-DD) of documents that have none (default:"
                   " their ingest date, else today; a warning says how many).")
@click.option("--keep-duplicates", is_flag=True,
              help="Count near-duplicate documents (wire copy, reprints) apart; by default"
                   " a copy's statements count as its original's.")
@click.option("--duplicate-threshold", type=float, default=None,
              help="Jaccard similarity of word 3-grams from which two documents are one"
                   " story (default: Settings.near_duplicate_threshold, 0.7).")
@no_csv_escape_option
@model_option
@click.option("--no-corrections", "no_corrections", is_flag=True,
              help="--db: the machine's network alone (by default the review corrections of"
                   " `saidwhat serve` apply where there are any: rejected attributions out,"
                   " added ones in, corrected speakers and spans, hand codes over the"
                   " machine's).")
@click.option("--coder", "coder_name", default=None,
              help="--db: only this coder's corrections and codes (default: everyone's, the"
                   " latest winning).")
@click.option("--examples", "examples_paths", multiple=True, type=click.Path(dir_okay=False),
              help="JSON Lines of labelled statements (text, cue, concept, agreement) the"
                   " coder learns from, beyond the codebook's examples (repeatable).")
@click.option("--no-learn", "no_learn", is_flag=True,
              help="--db: do not learn from the store's hand-coded statements (by default they"
                   " teach the coder the statements nobody coded: few-shot).")
def network_command(inputs: tuple[str, ...], codebook_path: str, db: str | None,
                    network_type: str, qualifier: str, normalization: str, output: str | None,
                    fmt: str | None, date_from: str | None, date_to: str | None,
                    outlet: tuple[str, ...], actor_type: tuple[str, ...], window: str | None,
                    step: str | None, actors_path: str | None, method: str | None, threshold: float | None,
                    texts: tuple[str, ...], plot_path: str | None, colour_by: str,
                    stats_path: str | None, statements_path: str | None, dna_password: str,
                    default_date: str | None, keep_duplicates: bool,
                    duplicate_threshold: float | None, no_csv_escape: bool,
                    model: str | None, no_corrections: bool, coder_name: str | None,
                    examples_paths: tuple[str, ...] = (), no_learn: bool = False) -> None:
    """Code extracted statements against a codebook and build a discourse network.

    INPUTS are predictions JSONL files from `saidwhat extract`; or use --db (without
    INPUTS and --db: $SAIDWHAT_DB, else ./saidwhat.db). A store's review corrections
    apply unless --no-corrections.
    """
    from ..services.network import NetworkError, NetworkOptions, build_networks

    if not inputs and not db:
        db = os.environ.get("SAIDWHAT_DB") or None

    def say(kind: str, text: str) -> None:
        click.echo(f"error: {text}" if kind == "error" else text, err=True)

    try:
        options = NetworkOptions(
            codebook=codebook_path, inputs=inputs, db=db, network_type=network_type,
            qualifier=qualifier, normalization=normalization, output=output, format=fmt,
            date_from=date_from, date_to=date_to, outlets=outlet, actor_types=actor_type,
            window=window, step=step, actors=actors_path, method=method, threshold=threshold,
            texts=texts, plot=plot_path, colour_by=colour_by, stats=stats_path,
            statements=statements_path, dna_password=dna_password, default_date=default_date,
            keep_duplicates=keep_duplicates, duplicate_threshold=duplicate_threshold,
            csv_escape=not no_csv_escape, model=model, corrections=not no_corrections,
            coder=coder_name, examples=examples_paths, learn=not no_learn)
        result = build_networks(options, on_message=say)
    except NetworkError as exc:
        _fail(str(exc))
    except OSError as exc:  # disk full, quota, I/O error: no output was half written
        where = output or plot_path or stats_path
        click.echo(f"error: cannot write {where}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    sys.exit(result.exit_code)


@click.command("concepts")
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--db", type=click.Path(dir_okay=False),
              help="Read a saidwhat store (default: ./saidwhat.db when no INPUTS are given).")
@click.option("--suggest", is_flag=True, help="Propose candidate concepts (clusters of statements).")
@click.option("--check", "check_path", type=click.Path(dir_okay=False),
              help="Validate a codebook: list its concepts, every error and warnings"
                   " (placeholder labels from --suggest, label-only concepts).")
@click.option("-k", "k", type=int, default=None, help="Number of clusters (default: from corpus size).")
@click.option("--min-size", default=2, show_default=True, type=int,
              help="Smallest cluster that becomes a concept.")
@click.option("-o", "--output", callback=output_path,
              help="Write the suggested codebook here (YAML); default stdout.")
@model_option
def concepts_command(inputs: tuple[str, ...], db: str | None, suggest: bool,
                     check_path: str | None, k: int | None, min_size: int,
                     output: str | None, model: str | None) -> None:
    """Codebooks: --suggest a starting codebook for a corpus, or --check one.

    Statements come from INPUTS (predictions JSONL) or a store (--db; ./saidwhat.db by
    default). --check exits 2 when the codebook has errors (all are listed), 0 otherwise;
    warnings go to stderr.
    """
    from ..atomic import atomic_write
    from ..network.codebook import check_codebook

    if check_path:
        check = check_codebook(check_path)
        for exc in check.errors:
            click.echo(f"error: {exc}", err=True)
        for w in check.warnings:
            click.echo(f"warning: {w}", err=True)
        cb = check.codebook
        if cb is not None:
            state = "valid" if check.ok else f"{len(check.errors)} error(s)"
            click.echo(f"{check_path}: {len(cb)} concepts, {state}"
                       + (f", {len(check.warnings)} warning(s)" if check.warnings else ""))
            for c in cb:
                click.echo(f"  {c.id}: {c.label} ({len(c.keywords)} keywords,"
                           f" {len(c.examples)} examples)")
        sys.exit(0 if check.ok else 2)
    if not suggest:
        _fail("say what to do: --suggest (with INPUTS or --db) or --check CODEBOOK")
    from ..network.suggest import suggest_codebook
    from ..nlp import load_nlp

    docs, errors = _load_docs(inputs, db, ())
    contents = [q.content.text for d in docs for q in d.quotes]
    try:
        cb = suggest_codebook(contents, load_nlp(model), k=k, min_size=min_size)
    except ValueError as exc:
        _fail(str(exc))
        return
    text = ("# Suggested by `saidwhat concepts --suggest`: edit each label into a claim,\n"
            "# prune the keywords, and merge or drop concepts before coding with it.\n"
            + cb.to_yaml())
    if output:
        with atomic_write(output, encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"wrote {output}: {len(cb)} candidate concepts from {len(contents)} statements",
                   err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if errors else 0)


def register(group: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    group.add_command(network_command)
    group.add_command(concepts_command)
