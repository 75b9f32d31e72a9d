"""CLI commands: network (coded statements -> discourse networks) and concepts (codebooks).

Exit codes: 0 when every input was read, 1 when some input record or file could not be
read (the rest is still used and written), 2 on a usage error (bad codebook, bad option).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..model import Document
from .common import output_path

if TYPE_CHECKING:
    from ..network.actors import Actor
    from ..network.build import CodedStatement
    from ..network.codebook import Codebook


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _load_docs(inputs: tuple[str, ...], db: str | None, texts: tuple[str, ...]
               ) -> tuple[list[Document], list[str]]:
    from ..network.inputs import LoadResult, attach_texts, load_predictions, load_store

    if not inputs and not db:
        default = Path("saidwhat.db")
        if not default.is_file():
            _fail("give predictions JSONL files or --db STORE (no ./saidwhat.db here)")
        db = str(default)
    result = LoadResult()
    if inputs:
        load_predictions(inputs, result)
    if db:
        load_store(db, result)
    errors = list(result.errors)
    if texts:
        errors += attach_texts(result.documents, texts)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    return result.documents, errors


def _suffixed(path: str, suffix: str) -> str:
    p = Path(path)
    return str(p.with_name(f"{p.stem}_{suffix}{p.suffix}"))


@click.command("network")
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--codebook", "codebook_path", required=True, type=click.Path(dir_okay=False),
              help="Codebook YAML (see docs/networks.md).")
@click.option("--db", type=click.Path(dir_okay=False), help="Read a saidwhat store instead of / as well as JSONL.")
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
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "matrix", "events", "dna"]),
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
@click.option("--method", default="lexical", show_default=True,
              type=click.Choice(["lexical", "embeddings"]),
              help="Concept coding method (embeddings needs saidwhat[embeddings]).")
@click.option("--threshold", default=1.0, show_default=True, type=float,
              help="Minimum concept score (1.0 = one keyword).")
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
@click.option("--no-csv-escape", "no_csv_escape", is_flag=True,
              help="CSV edge list / matrix / event list: write text cells exactly, even ones"
                   " starting with = + - @ that spreadsheets run as formulas (by default they"
                   " get a ' in front).")
@click.option("--model", default=None, help="spaCy model (default: the installed English model).")
def network_command(inputs: tuple[str, ...], codebook_path: str, db: str | None,
                    network_type: str, qualifier: str, normalization: str, output: str | None,
                    fmt: str | None, date_from: str | None, date_to: str | None,
                    outlet: tuple[str, ...], actor_type: tuple[str, ...], window: str | None,
                    step: str | None, actors_path: str | None, method: str, threshold: float,
                    texts: tuple[str, ...], plot_path: str | None, colour_by: str,
                    stats_path: str | None, statements_path: str | None, dna_password: str,
                    no_csv_escape: bool, model: str | None) -> None:
    """Code extracted statements against a codebook and build a discourse network.

    INPUTS are predictions JSONL files from `saidwhat extract`; or use --db.
    """
    from ..atomic import atomic_write
    from ..dates import user_day
    from ..network.actors import ActorFileError, ActorIndex, load_actor_attributes
    from ..network.build import (
        code_documents,
        filter_statements,
        parse_duration,
        time_windows,
    )
    from ..network.codebook import CodebookError, load_codebook
    from ..network.coding import ConceptCoder
    from ..network.export import ExportError, format_for
    from ..nlp import load_nlp

    if not (output or plot_path or stats_path or statements_path):
        _fail("nothing to write: give -o OUT, --plot, --stats or --statements")
    try:
        codebook = load_codebook(codebook_path)
        out_format = format_for(output, fmt) if output else None
        attrs = load_actor_attributes(actors_path) if actors_path else None
        start = user_day(date_from, "--from") if date_from else None  # DateError: ValueError
        end = user_day(date_to, "--to", end=True) if date_to else None
        win = parse_duration(window) if window else None
        stp = parse_duration(step) if step else win
        if step and not window:
            raise ValueError("--step needs --window")
    except (CodebookError, ExportError, ActorFileError, ValueError) as exc:
        _fail(str(exc))
        return
    if plot_path and Path(plot_path).suffix.lower() not in (".png", ".svg"):
        _fail(f"{plot_path}: plot to a .png or .svg file")

    docs, errors = _load_docs(inputs, db, texts)
    try:
        coder = ConceptCoder(codebook, load_nlp(model), method=method, threshold=threshold)
    except RuntimeError as exc:
        _fail(str(exc))
        return
    index = ActorIndex(attrs)
    statements, report = code_documents(docs, coder, index)
    click.echo(report.summary(), err=True)
    statements = filter_statements(statements, start=start, end=end, outlets=outlet,
                                   actor_types=actor_type)
    if statements_path:
        with atomic_write(statements_path, encoding="utf-8") as fh:
            for s in statements:
                fh.write(json.dumps(s.to_dict(), ensure_ascii=False) + "\n")

    slices = [("", statements)]
    if win is not None and stp is not None:
        slices = [(f"{a.isoformat()}", part) for a, _, part in time_windows(statements, win, stp)]
        if not slices:
            _fail("--window: no statement has a date (documents need meta.date)")
    try:
        for suffix, part in slices:
            _write_outputs(part, docs, codebook, report.actors, network_type, qualifier,
                           normalization, out_format, output, plot_path, stats_path, colour_by,
                           dna_password, suffix, csv_escape=not no_csv_escape)
    except (ExportError, ValueError, RuntimeError) as exc:
        _fail(str(exc))
    except OSError as exc:  # disk full, quota, I/O error: no output was half written
        where = output or plot_path or stats_path
        click.echo(f"error: cannot write {where}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    sys.exit(1 if errors else 0)


def _write_outputs(statements: list[CodedStatement], docs: list[Document], codebook: Codebook,
                   actors: dict[str, Actor], network_type: str, qualifier: str,
                   normalization: str, out_format: str | None, output: str | None,
                   plot_path: str | None, stats_path: str | None, colour_by: str,
                   dna_password: str, suffix: str, *, csv_escape: bool = True) -> None:
    """Build one network (one time window) and write what was asked for."""
    from ..atomic import atomic_write
    from ..network.build import build_network, parse_date
    from ..network.dna_export import DnaDocumentInput, write_dna
    from ..network.export import (
        write_edge_csv,
        write_event_list,
        write_gexf,
        write_graphml,
        write_matrix_csv,
    )
    from ..network.stats import network_stats

    g = build_network(statements, network_type, qualifier=qualifier,
                      normalization=normalization, codebook=codebook, actors=actors)
    where = f" [{suffix}]" if suffix else ""
    click.echo(f"network{where}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges"
               f" from {len(statements)} coded statements", err=True)
    if output:
        out = _suffixed(output, suffix) if suffix else output
        if out_format == "graphml":
            write_graphml(g, out)
        elif out_format == "gexf":
            write_gexf(g, out)
        elif out_format == "csv":
            write_edge_csv(g, out, csv_escape=csv_escape)
        elif out_format == "matrix":
            write_matrix_csv(g, out, csv_escape=csv_escape)
        elif out_format == "events":
            write_event_list(statements, out, {d.doc_id: str(d.meta.get("title") or d.doc_id)
                                               for d in docs}, csv_escape=csv_escape)
        elif out_format == "dna":
            inputs = [DnaDocumentInput(doc_id=d.doc_id, text=d.text,
                                       title=str(d.meta.get("title") or d.doc_id),
                                       author=str(d.meta.get("author") or ""),
                                       source=str(d.meta.get("outlet") or d.meta.get("source") or ""),
                                       date=parse_date(d.meta.get("date"))) for d in docs]
            write_dna(statements, inputs, out, codebook=codebook, actors=actors,
                      password=dna_password)
        click.echo(f"wrote {out}", err=True)
    st = network_stats(statements)
    click.echo(st.to_text(), err=True)
    if stats_path:
        out = _suffixed(stats_path, suffix) if suffix else stats_path
        with atomic_write(out, encoding="utf-8") as fh:
            json.dump(st.to_dict(), fh, indent=2, ensure_ascii=False)
    if plot_path:
        from ..network.plot import plot_network
        out = _suffixed(plot_path, suffix) if suffix else plot_path
        title = f"{codebook.name or 'discourse network'}: {network_type}"
        if st.polarisation is not None:
            title += f" (polarisation {st.polarisation:.2f})"
        plot_network(g, out, colour_by=colour_by, communities=st.communities, title=title)
        click.echo(f"wrote {out}", err=True)


@click.command("concepts")
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--db", type=click.Path(dir_okay=False), help="Read a saidwhat store.")
@click.option("--suggest", is_flag=True, help="Propose candidate concepts (clusters of statements).")
@click.option("--check", "check_path", type=click.Path(dir_okay=False),
              help="Validate a codebook and list its concepts.")
@click.option("-k", "k", type=int, default=None, help="Number of clusters (default: from corpus size).")
@click.option("--min-size", default=2, show_default=True, type=int,
              help="Smallest cluster that becomes a concept.")
@click.option("-o", "--output", callback=output_path,
              help="Write the suggested codebook here (YAML); default stdout.")
@click.option("--model", default=None, help="spaCy model (default: the installed English model).")
def concepts_command(inputs: tuple[str, ...], db: str | None, suggest: bool,
                     check_path: str | None, k: int | None, min_size: int,
                     output: str | None, model: str | None) -> None:
    """Codebooks: --suggest a starting codebook for a corpus, or --check one."""
    from ..atomic import atomic_write
    from ..network.codebook import CodebookError, load_codebook

    if check_path:
        try:
            cb = load_codebook(check_path)
        except CodebookError as exc:
            _fail(str(exc))
            return
        click.echo(f"{check_path}: {len(cb)} concepts, valid")
        for c in cb:
            click.echo(f"  {c.id}: {c.label} ({len(c.keywords)} keywords, {len(c.examples)} examples)")
        return
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
