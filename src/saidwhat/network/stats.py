"""Summary statistics of a discourse network: actor degree and betweenness, communities of
the congruence network, and a polarisation score.

Polarisation (documented in docs/networks.md): take the signed actor network, each pair's
weight = congruence - conflict (shared positions minus opposed positions). For a split of
the actors into two non-empty camps,

    P = (W+_within - W+_between + W-_between - W-_within) / (W+ + W-)

where W+ is the positive and W- the absolute negative weight, summed over pairs within or
between camps. The score is the best P over all two-camp splits (exhaustive up to 16
actors, else a spectral split refined by single moves). P = 1: two camps that agree inside
and only disagree across; near 0 or below: no two-camp structure (consensus, or
disagreement that cuts across any split). Actors without any tie are left out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from .build import CodedStatement, one_mode

_EXHAUSTIVE_MAX = 16


@dataclass(slots=True)
class NetworkStats:
    degree: dict[str, int] = field(default_factory=dict)
    weighted_degree: dict[str, float] = field(default_factory=dict)
    betweenness: dict[str, float] = field(default_factory=dict)
    communities: list[list[str]] = field(default_factory=list)
    polarisation: float | None = None
    camps: list[list[str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"degree": self.degree, "weighted_degree": self.weighted_degree,
                "betweenness": {k: round(v, 4) for k, v in self.betweenness.items()},
                "communities": self.communities,
                "polarisation": None if self.polarisation is None else round(self.polarisation, 4),
                "camps": self.camps}

    def to_text(self) -> str:
        lines = ["actor                          degree  w.degree  betweenness"]
        for a in sorted(self.degree, key=lambda x: (-self.weighted_degree.get(x, 0), x)):
            lines.append(f"{a[:30]:30} {self.degree[a]:6d}  {self.weighted_degree.get(a, 0):8.2f}"
                         f"  {self.betweenness.get(a, 0):11.3f}")
        lines.append("communities (congruence): " + "; ".join(
            "{" + ", ".join(c) + "}" for c in self.communities))
        if self.polarisation is None:
            lines.append("polarisation: n/a (fewer than two actors with ties)")
        else:
            lines.append(f"polarisation: {self.polarisation:.3f} (camps: " + " | ".join(
                ", ".join(c) for c in self.camps) + ")")
        return "\n".join(lines)


def _label(g: nx.Graph, n: str) -> str:
    return str(g.nodes[n].get("label", n))


def signed_matrix(statements: list[CodedStatement]) -> tuple[list[str], np.ndarray]:
    g = one_mode(statements, "subtract", mode="actor")
    names = sorted(n for n in g.nodes if g.degree(n) > 0)
    idx = {n: i for i, n in enumerate(names)}
    w = np.zeros((len(names), len(names)))
    for u, v, d in g.edges(data=True):
        w[idx[u], idx[v]] = w[idx[v], idx[u]] = d["weight"]
    return [_label(g, n) for n in names], w


def polarisation_of(w: np.ndarray) -> tuple[float | None, np.ndarray]:
    """Best two-camp score P of a signed symmetric matrix, and the camp of each row (0/1)."""
    n = w.shape[0]
    total = np.abs(np.triu(w, 1)).sum()
    if n < 2 or total == 0:
        return None, np.zeros(n, dtype=int)

    def score(side: np.ndarray) -> float:
        same = side[:, None] == side[None, :]
        upper = np.triu(np.ones_like(w, dtype=bool), 1)
        return float((np.where(same, w, -w) * upper).sum() / total)

    if n <= _EXHAUSTIVE_MAX:
        best, best_side = -np.inf, np.zeros(n, dtype=int)
        for bits in itertools.product((0, 1), repeat=n - 1):  # first actor fixed in camp 0
            side = np.array((0, *bits))
            if side.all() or not side.any():
                continue
            s = score(side)
            if s > best:
                best, best_side = s, side
        return best, best_side
    vals, vecs = np.linalg.eigh(w)
    side = (vecs[:, -1] < 0).astype(int)
    if side.all() or not side.any():
        side[np.argmin(vecs[:, -1])] = 1 - side[0]
    improved = True
    current = score(side)
    while improved:
        improved = False
        for i in range(n):
            side[i] ^= 1
            if side.all() or not side.any():
                side[i] ^= 1
                continue
            s = score(side)
            if s > current + 1e-12:
                current, improved = s, True
            else:
                side[i] ^= 1
    return current, side


def network_stats(statements: list[CodedStatement]) -> NetworkStats:
    """Statistics of the actors of ``statements`` (see the module docstring)."""
    out = NetworkStats()
    cong = one_mode(statements, "congruence", mode="actor")
    conf = one_mode(statements, "conflict", mode="actor")
    both = nx.Graph()
    both.add_nodes_from(cong.nodes(data=True))
    for g in (cong, conf):
        for u, v, d in g.edges(data=True):
            prev = both.get_edge_data(u, v, {"weight": 0.0})["weight"]
            both.add_edge(u, v, weight=prev + d["weight"])
    for n in both.nodes:
        label = _label(both, n)
        out.degree[label] = int(both.degree(n))
        out.weighted_degree[label] = float(both.degree(n, weight="weight"))
    if both.number_of_nodes() > 2:
        # Betweenness along the strongest ties: distance = 1 / weight.
        for *_, d in both.edges(data=True):
            d["distance"] = 1.0 / d["weight"] if d["weight"] else 1e9
        bc = nx.betweenness_centrality(both, weight="distance", normalized=True)
        out.betweenness = {_label(both, n): float(v) for n, v in bc.items()}
    else:
        out.betweenness = {_label(both, n): 0.0 for n in both.nodes}
    if cong.number_of_edges():
        comms = nx.community.greedy_modularity_communities(cong, weight="weight")
        out.communities = sorted((sorted(_label(cong, n) for n in c) for c in comms),
                                 key=lambda c: (-len(c), c))
    names, w = signed_matrix(statements)
    p, side = polarisation_of(w)
    out.polarisation = p
    if p is not None:
        out.camps = [sorted(n for n, s in zip(names, side, strict=True) if s == k) for k in (0, 1)]
    return out
