"""Discourse networks of a reviewed store: statements from the corrections layer (hand codes,
corrected speakers, rejected and added attributions), optionally with the machine's concept
coding for attributions nobody coded, built and exported by :mod:`saidwhat.network`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Document, Quote

NETWORK_TYPES = ("two-mode", "congruence")


@dataclass(slots=True)
class ReviewedNetwork:
    graph: Any
    statements: list[Any]
    documents: list[Document]
    actors: dict[str, Any]
    hand_coded: int = 0
    machine_coded: int = 0
    left_out: int = 0  # hand codes of concepts the codebook does not have
    notes: list[str] = field(default_factory=list)


def reviewed_statements(store: Any, codebook: Any, *, machine: bool = False, nlp: Any = None,
                        coder: str | None = None) -> ReviewedNetwork:
    """Coded statements of every processed document with the corrections applied. Hand
    codes (``coder``'s, or everyone's: the latest per attribution and concept) come first;
    ``machine``: attributions without a hand code are coded by
    :class:`saidwhat.network.coding.ConceptCoder` against ``codebook``."""
    from ..network.actors import ActorIndex
    from ..network.build import CodedStatement, code_documents, parse_date

    docs: list[Document] = []
    views = []
    for doc, view in store.corrected_documents(coder=coder):
        docs.append(doc)
        views.append(view)
    links = dict(store.quote_actors())
    by_id = {a["actor_id"]: a for a in store.actor_rows()} if links else {}
    for view in views:
        for q in view.quotes:
            if "speaker" in q.changed:  # the corrected speaker, not the machine's actor
                links.pop((view.doc_id, q.id), None)
                if q.actor_id in by_id:
                    links[(view.doc_id, q.id)] = by_id[q.actor_id]
    index = ActorIndex(links=links)
    for d in docs:
        index.add_all(q.speaker for q in d.quotes)
    out = ReviewedNetwork(graph=None, statements=[], documents=docs, actors={})
    known = {c.id for c in codebook} if codebook is not None else None
    uncoded: list[Document] = []
    for doc, view in zip(docs, views, strict=True):
        kept = {q.id: q for q in view.kept()}
        rest: list[Quote] = []
        for quote in doc.quotes:
            rq = kept.get(quote.id)
            codes: dict[str, dict[str, Any]] = {}
            for code in sorted(rq.code_list(coder) if rq else [],
                               key=lambda c: c["correction_id"]):
                if known is not None and code["concept"] not in known:
                    out.left_out += 1  # coded against another codebook: not this network's
                    continue
                codes[code["concept"]] = code  # the latest coder's code per concept
            if not codes:
                rest.append(quote)
                continue
            actor = index.resolve_quote(doc.doc_id, quote)
            if actor is None:
                out.notes.append(f"{doc.doc_id}:{quote.id}: coded, but the speaker is no actor")
                continue
            for concept, code in sorted(codes.items()):
                out.statements.append(CodedStatement(
                    doc_id=doc.doc_id, quote_id=quote.id, actor=actor.name,
                    actor_type=actor.type, organization=actor.organization, concept=concept,
                    qualifier=code["agreement"], score=1.0,
                    evidence=(f"coded by {code['coder']}",), content=quote.content,
                    cue=quote.cue, source=quote.source, date=parse_date(doc.meta.get("date")),
                    outlet=str(doc.meta.get("outlet") or doc.meta.get("source") or "")))
                out.hand_coded += 1
        if rest:
            uncoded.append(Document(doc.doc_id, doc.text, rest, doc.entities, doc.meta))
    if machine and uncoded:
        from ..network.coding import ConceptCoder

        if nlp is None:
            from ..nlp import load_nlp

            nlp = load_nlp()
        statements, _ = code_documents(uncoded, ConceptCoder(codebook, nlp), index)
        out.statements += statements
        out.machine_coded = len(statements)
    out.actors = dict(index.actors)
    return out


def build(store: Any, codebook: Any, network_type: str, *, machine: bool = False,
          nlp: Any = None, coder: str | None = None) -> ReviewedNetwork:
    from ..network.build import build_network

    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r} ({', '.join(NETWORK_TYPES)})")
    net = reviewed_statements(store, codebook, machine=machine, nlp=nlp, coder=coder)
    net.graph = build_network(net.statements, network_type, codebook=codebook,
                              actors=net.actors)
    return net


def elements(g: Any) -> list[dict[str, Any]]:
    """The graph as Cytoscape.js elements (plain values; the page escapes nothing itself,
    labels are set as text)."""
    out: list[dict[str, Any]] = []
    for node, attrs in g.nodes(data=True):
        out.append({"data": {"id": str(node), "label": str(attrs.get("label") or node),
                             "kind": str(attrs.get("type") or attrs.get("kind") or ""),
                             "mode": "concept" if str(node).startswith("concept:") else "actor"}})
    for i, (u, v, attrs) in enumerate(g.edges(data=True)):
        out.append({"data": {"id": f"e{i}", "source": str(u), "target": str(v),
                             "weight": float(attrs.get("weight") or 1),
                             "qualifier": str(attrs.get("qualifier") or "")}})
    return out


def export_bytes(net: ReviewedNetwork, codebook: Any, fmt: str, folder: Path) -> bytes:
    """The network written as ``fmt`` into ``folder`` (a temporary folder of the server's
    own, under a fixed name: no part of a request names a file) and read back."""
    from ..network.export import ExportJob, export_network

    path = folder / f"network.{fmt}"
    export_network(fmt, ExportJob(graph=net.graph, statements=net.statements,
                                  documents=net.documents, codebook=codebook,
                                  actors=net.actors), path)
    return path.read_bytes()
