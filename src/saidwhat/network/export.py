"""Network exports: GraphML, GEXF, CSV edge list, CSV matrix, DNA's semicolon event list.

Every writer writes to a temporary file beside the target and renames it at the end, so a
failed export never leaves half a file. GraphML and GEXF carry only string, double, integer
and boolean attributes (no visone-only types, no nested data), so visone, Gephi, networkx
and igraph all read them.

Hostile text stays harmless: characters XML 1.0 cannot hold (control characters, lone
surrogates, U+FFFE/U+FFFF) become U+FFFD in GraphML and GEXF ids, keys and values; CSV text
cells that a spreadsheet would run as formulas get a ``'`` in front (:mod:`saidwhat.csvsafe`,
``csv_escape=False`` for the exact text).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from ..atomic import atomic_path, atomic_write
from ..csvsafe import escape_row, escape_rows
from ..model import Document
from ..registry import Registry, UnknownNameError
from .actors import Actor
from .build import CodedStatement
from .codebook import Codebook


class ExportError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ExportJob:
    """What an exporter may need: the network, the statements it was built from (the event
    list), the documents (DNA: texts and metadata), codebook and actors, and options."""

    graph: nx.Graph
    statements: Sequence[CodedStatement] = ()
    documents: Sequence[Document] = ()
    codebook: Codebook | None = None
    actors: dict[str, Actor] | None = None
    csv_escape: bool = True
    dna_password: str = "saidwhat"
    default_date: date | None = None  # .dna: the date of undated documents
    on_warning: Callable[[str], None] | None = None


Exporter = Callable[[ExportJob, Path], None]
# Network exporters by format. A new format is one registered function:
#     @EXPORTERS.register("pajek", extensions=(".net",))
#     def write_pajek(job: ExportJob, path: Path) -> None: ...
EXPORTERS: Registry[Exporter] = Registry("network export format")


def _extensions() -> dict[str, str]:
    return {ext: e.name for e in EXPORTERS.entries() for ext in e.meta.get("extensions", ())}


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from the file extension (the extensions
    the exporters were registered with)."""
    formats = EXPORTERS.names()
    if fmt:
        if fmt not in EXPORTERS:
            raise ExportError(f"unknown format {fmt!r}; choose one of {formats}")
        return fmt
    ext = Path(path).suffix.lower()
    known = _extensions()
    if ext not in known:
        raise ExportError(f"{path}: cannot tell the format from '{ext or 'no extension'}';"
                          f" use {', '.join(known)}, or --format {{{','.join(formats)}}}")
    return known[ext]


def export_network(fmt: str, job: ExportJob, path: str | Path) -> None:
    """Write ``job`` as ``fmt`` (a name in :data:`EXPORTERS`) to ``path``."""
    try:
        exporter = EXPORTERS.get(fmt)
    except UnknownNameError as exc:
        raise ExportError(str(exc)) from None
    exporter(job, Path(path))


def _plain(value: Any) -> str | int | float | bool:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return "|".join(str(v) for v in value)
    return str(value)


def plain_graph(g: nx.Graph) -> nx.Graph:
    """A copy whose graph, node and edge attributes are all str/int/float/bool.

    Every node carries the same attribute keys (missing ones as ""), so GraphML declares one
    type per key and tools do not see mixed types.
    """
    h = g.copy()
    h.graph = {k: _plain(v) for k, v in g.graph.items()}
    node_keys = sorted({k for _, d in g.nodes(data=True) for k in d})
    for _, d in h.nodes(data=True):
        for k in node_keys:
            d[k] = _plain(d.get(k))
    for *_, d in h.edges(data=True):
        for k in list(d):
            d[k] = _plain(d[k])
    return h


# what XML 1.0 cannot hold: not #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
# [#x10000-#x10FFFF] (so also lone surrogates, which UTF-8 cannot encode either)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_REPLACEMENT = "\ufffd"


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub(XML_REPLACEMENT, value)


def _xml_value(value: Any) -> Any:
    return xml_text(value) if isinstance(value, str) else value


def _xml_attrs(attrs: dict[Any, Any], where: str) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for k, v in attrs.items():
        key = _xml_value(k)
        if key in out:
            twin = next(o for o in attrs if _xml_value(o) == key and o != k)
            raise ExportError(f"{where}: attribute names {twin!r} and {k!r} are the same once"
                              " characters XML cannot hold are replaced; rename one")
        out[key] = _xml_value(v)
    return out


def xml_graph(g: nx.Graph) -> nx.Graph:
    """:func:`plain_graph` with every node id, edge key, attribute name and text value made
    writable as XML 1.0 (:func:`xml_text`). Two node ids that become the same raise
    :class:`ExportError` naming both."""
    h = plain_graph(g)
    out = h.__class__()
    out.graph = _xml_attrs(h.graph, "graph")
    ids: dict[Hashable, Hashable] = {}
    seen: dict[Hashable, Hashable] = {}
    for n, d in h.nodes(data=True):
        new = _xml_value(n)
        if new in seen:
            raise ExportError(f"nodes {seen[new]!r} and {n!r}: the same id once characters XML"
                              " cannot hold are replaced by U+FFFD; fix the names")
        seen[new] = n
        ids[n] = new
        out.add_node(new, **_xml_attrs(d, f"node {n!r}"))
    if h.is_multigraph():
        for u, v, k, d in h.edges(keys=True, data=True):
            out.add_edge(ids[u], ids[v], key=_xml_value(k),
                         **_xml_attrs(d, f"edge {u!r} - {v!r}"))
    else:
        for u, v, d in h.edges(data=True):
            out.add_edge(ids[u], ids[v], **_xml_attrs(d, f"edge {u!r} - {v!r}"))
    return out


def _xml_failure(g: nx.Graph, fmt: str, path: str | Path, exc: Exception) -> ExportError:
    """An error naming the node and value a failing XML writer stumbled on, if one is found."""
    for n, d in g.nodes(data=True):
        for k, v in [("id", n), *d.items()]:
            for x in (k, v):
                if isinstance(x, str) and _NOT_XML.search(x):
                    return ExportError(f"{path}: cannot write {fmt}: node {n!r}: {k} = {v!r}:"
                                       f" {exc}")
    return ExportError(f"{path}: cannot write {fmt}: {exc}")


def write_graphml(g: nx.Graph, path: str | Path) -> None:
    h = xml_graph(g)
    try:
        atomic_path(path, lambda tmp: nx.write_graphml(h, tmp, encoding="utf-8"))
    except (ValueError, TypeError) as exc:
        raise _xml_failure(h, "GraphML", path, exc) from exc


def write_gexf(g: nx.Graph, path: str | Path) -> None:
    h = xml_graph(g)
    try:
        atomic_path(path, lambda tmp: nx.write_gexf(h, tmp, encoding="utf-8"))
    except (ValueError, TypeError) as exc:
        raise _xml_failure(h, "GEXF", path, exc) from exc


def _label(g: nx.Graph, node: str) -> str:
    d = g.nodes[node]
    return str(d.get("concept_id") or d.get("label") or node)


def edge_rows(g: nx.Graph) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the CSV edge list.

    Two-mode: ``actor,concept,qualifier,weight,documents,statements`` (with ``--qualifier
    combine`` the weight is DNA's code: 1 support, 2 oppose, 3 both); one-mode:
    ``source,target,weight,congruence,conflict,via,statements``.
    """
    two_mode = g.graph.get("network") == "two-mode"
    rows: list[list[Any]] = []
    for u, v, d in g.edges(data=True):
        if two_mode:
            a, c = (u, v) if g.nodes[u].get("kind") == "actor" else (v, u)
            rows.append([_label(g, a), _label(g, c), d.get("qualifier", ""), _num(d["weight"]),
                         d.get("documents", ""), d.get("statements", "")])
        else:
            a, b = sorted((_label(g, u), _label(g, v)))
            rows.append([a, b, _num(d["weight"]), _num(d.get("congruence", 0.0)),
                         _num(d.get("conflict", 0.0)), d.get("via", ""), d.get("statements", "")])
    rows.sort(key=lambda r: [str(x) for x in r[:3]])
    header = (["actor", "concept", "qualifier", "weight", "documents", "statements"] if two_mode else
              ["source", "target", "weight", "congruence", "conflict", "via", "statements"])
    return header, rows


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(float(x), 6)


def write_edge_csv(g: nx.Graph, path: str | Path, *, csv_escape: bool = True) -> None:
    """The edge list (:func:`edge_rows`); ``csv_escape=False``: labels exactly as they are,
    even those a spreadsheet would take for formulas."""
    header, rows = edge_rows(g)
    with atomic_write(path, newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(escape_rows(rows, csv_escape))


def matrix(g: nx.Graph) -> tuple[list[str], list[str], list[list[float]]]:
    """Row labels, column labels and cell weights (actors x concepts, or square). Two-mode
    ``combine`` cells are DNA's codes (0 no tie, 1 support, 2 oppose, 3 both), ``split``
    cells support minus oppose documents."""
    if g.graph.get("network") == "two-mode":
        rows = sorted(n for n, d in g.nodes(data=True) if d.get("kind") == "actor")
        cols = sorted(n for n, d in g.nodes(data=True) if d.get("kind") == "concept")
    else:
        rows = cols = sorted(g.nodes)
    index = {n: i for i, n in enumerate(cols)}
    cells = [[0.0] * len(cols) for _ in rows]
    row_index = {n: i for i, n in enumerate(rows)}
    for u, v, d in g.edges(data=True):
        w = float(d.get("weight", 1.0))
        if d.get("qualifier") == "oppose" and isinstance(g, nx.MultiGraph):
            w = -w  # split: support and oppose edges meet in one signed cell
        for a, b in ((u, v), (v, u)):
            if a in row_index and b in index:
                cells[row_index[a]][index[b]] += w
    return [_label(g, r) for r in rows], [_label(g, c) for c in cols], cells


def write_matrix_csv(g: nx.Graph, path: str | Path, *, csv_escape: bool = True) -> None:
    """The weight matrix (:func:`matrix`): labels are text cells, escaped unless
    ``csv_escape=False``; weights (negative ones too) are numbers, never changed."""
    rows, cols, cells = matrix(g)
    with atomic_write(path, newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(escape_row(["", *cols], csv_escape))
        for label, row in zip(rows, cells, strict=True):
            w.writerow([*escape_row([label], csv_escape), *(_num(x) for x in row)])


EVENT_COLUMNS = ("statement_id", "time", "document_id", "document_title", "source", "person",
                 "organization", "concept", "agreement", "score", "text")


def write_event_list(statements: Sequence[CodedStatement], path: str | Path,
                     titles: dict[str, str] | None = None, *, csv_escape: bool = True) -> None:
    """DNA's event list: one semicolon-separated row per coded statement, in time order.

    ``agreement`` is 1 (support) or 0 (oppose) as DNA's boolean; ``person`` is empty for an
    organisation speaking as itself. Text cells a spreadsheet would take for formulas get a
    ``'`` in front unless ``csv_escape=False``.
    """
    titles = titles or {}
    ordered = sorted(statements, key=lambda s: (s.date.isoformat() if s.date else "", s.doc_id,
                                                s.content.start, s.concept))
    with atomic_write(path, newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(EVENT_COLUMNS)
        for s in ordered:
            person = "" if s.actor_type == "organization" else s.actor
            w.writerow(escape_row(
                [s.id, s.date.isoformat() if s.date else "", s.doc_id,
                 titles.get(s.doc_id, s.doc_id), s.outlet, person, s.organization, s.concept,
                 1 if s.qualifier == "support" else 0, round(s.score, 3),
                 " ".join(s.content.text.split())], csv_escape))


# -- the built-in exporters ------------------------------------------------------------


@EXPORTERS.register("graphml", extensions=(".graphml",))
def _export_graphml(job: ExportJob, path: Path) -> None:
    write_graphml(job.graph, path)


@EXPORTERS.register("gexf", extensions=(".gexf",))
def _export_gexf(job: ExportJob, path: Path) -> None:
    write_gexf(job.graph, path)


@EXPORTERS.register("csv", extensions=(".csv",))
def _export_csv(job: ExportJob, path: Path) -> None:
    write_edge_csv(job.graph, path, csv_escape=job.csv_escape)


@EXPORTERS.register("matrix")
def _export_matrix(job: ExportJob, path: Path) -> None:
    write_matrix_csv(job.graph, path, csv_escape=job.csv_escape)


def _title(d: Document) -> str:
    return str(d.meta.get("title") or d.doc_id)


@EXPORTERS.register("events")
def _export_events(job: ExportJob, path: Path) -> None:
    write_event_list(job.statements, path, {d.doc_id: _title(d) for d in job.documents},
                     csv_escape=job.csv_escape)


@EXPORTERS.register("dna", extensions=(".dna",))
def _export_dna(job: ExportJob, path: Path) -> None:
    from .build import parse_date
    from .dna_export import DnaDocumentInput, write_dna

    inputs = [DnaDocumentInput(doc_id=d.doc_id, text=d.text, title=_title(d),
                               author=str(d.meta.get("author") or ""),
                               source=str(d.meta.get("outlet") or d.meta.get("source") or ""),
                               date=parse_date(d.meta.get("date")),
                               ingested=next((x for k in INGEST_DATE_KEYS
                                              if (x := parse_date(d.meta.get(k)))), None))
              for d in job.documents]
    write_dna(job.statements, inputs, path, codebook=job.codebook, actors=job.actors,
              password=job.dna_password, default_date=job.default_date,
              on_warning=job.on_warning)


# record fields (meta) that say when a document entered the corpus: an undated document's
# date in a .dna export when no --default-date is given
INGEST_DATE_KEYS = ("ingested_at", "ingested", "processed_at")


FORMATS = EXPORTERS.names()  # the built-in formats; EXPORTERS holds any registered since
