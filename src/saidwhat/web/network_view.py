"""Discourse networks of a reviewed store for the network page: statements from the
corrections layer (hand codes, corrected speakers, rejected and added attributions),
optionally with the machine's concept coding for attributions nobody coded -- made by
:mod:`saidwhat.network.reviewed` (the one implementation, shared with ``saidwhat network
--db``), built and exported by :mod:`saidwhat.network`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Document

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
    """Coded statements of every processed document with the corrections applied
    (:mod:`saidwhat.network.reviewed`, as ``saidwhat network --db``). Hand codes
    (``coder``'s, or everyone's: the latest per attribution and concept) come first;
    ``machine``: attributions without a hand code are coded by
    :class:`saidwhat.network.coding.ConceptCoder` against ``codebook``."""
    from ..network.actors import ActorIndex
    from ..network.reviewed import code_reviewed, drop_foreign_codes, load_reviewed, review_examples

    corpus = load_reviewed(store, coder=coder)
    left_out = 0
    if codebook is not None:  # codes made against another codebook are not this network's
        before = sum(len(v) for v in corpus.hand_codes.values())
        drop_foreign_codes(corpus.hand_codes, codebook)
        left_out = before - sum(len(v) for v in corpus.hand_codes.values())
    concept_coder = None
    if machine:
        from ..network.coding import ConceptCoder

        if nlp is None:
            from ..nlp import load_nlp

            nlp = load_nlp()
        # the researcher's hand codes teach the machine the rest (few-shot)
        concept_coder = ConceptCoder(codebook, nlp, examples=review_examples(
            corpus.documents, corpus.hand_codes))
    coded = code_reviewed(corpus.documents, corpus.hand_codes, concept_coder,
                          ActorIndex(links=corpus.actor_links))
    return ReviewedNetwork(graph=None, statements=coded.statements, documents=corpus.documents,
                           actors=coded.actors, hand_coded=coded.hand_coded,
                           machine_coded=coded.machine_coded, left_out=left_out,
                           notes=coded.notes)


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
