"""Summary statistics of a discourse network: actor degree and betweenness, communities of
the congruence network, and a polarisation score.

Polarisation is DNA's (Discourse Network Analyzer 3, ``dna.export.Polarization``; rDNA's
``dna_polarization(qualityFunction = "modularity", k = 2)``, by Philip Leifeld): split the
actors into two camps of equal size (sizes differing by one for an odd number) and score the
split by

    Q = (Q_congruence - Q_conflict) / 2

where Q_X is Newman and Girvan's modularity of the split in network X (Newman & Girvan 2004,
"Finding and evaluating community structure in networks", Phys. Rev. E 69, 026113:
Q = sum over camps of e_cc - a_c^2, with e_cc the share of X's tie weight inside camp c and
a_c the share of tie ends in c). The congruence and conflict networks are DNA's, normalised
by average activity (rDNA's default). The polarisation is the best Q over all equal splits:
found exhaustively up to 18 actors, else by steepest-ascent swaps of two actors from a
spectral start and random starts (DNA's "swapping" algorithm; DNA's default is a genetic
algorithm, which searches the same space). Two camps that agree inside and only disagree
across score 0.5, the maximum for two camps; consensus scores below 0 (-1/(4(n-1)) for n
actors who all agree); disagreement that cuts across any split scores near 0. A network
without a tie in either network has no score. Actors without any tie are left out.

Because Q is a maximum over splits, a network of random positions scores above 0 (about
0.1 to 0.2 for a dozen actors: chance alone leaves some split better than others). So the
statistics also give a baseline: the mean polarisation of the same statements with their
agreement values shuffled among them (``NULL_SHUFFLES`` times, a fixed seed), and the
excess over it: about 0 for random positions, clearly positive for real camps.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np

from .build import CodedStatement, one_mode


@dataclass(slots=True)
class NetworkStats:
    degree: dict[str, int] = field(default_factory=dict)
    weighted_degree: dict[str, float] = field(default_factory=dict)
    betweenness: dict[str, float] = field(default_factory=dict)
    communities: list[list[str]] = field(default_factory=list)
    polarisation: float | None = None
    camps: list[list[str]] = field(default_factory=list)
    polarisation_baseline: float | None = None  # mean over shuffled agreement values
    documents_folded: int = 0  # near-duplicate documents counted as their original
    duplicate_groups: list[list[str]] = field(default_factory=list)

    @property
    def polarisation_excess(self) -> float | None:
        if self.polarisation is None or self.polarisation_baseline is None:
            return None
        return self.polarisation - self.polarisation_baseline

    def to_dict(self) -> dict[str, Any]:
        return {"degree": self.degree, "weighted_degree": self.weighted_degree,
                "betweenness": {k: round(v, 4) for k, v in self.betweenness.items()},
                "communities": self.communities,
                "polarisation": _round(self.polarisation), "camps": self.camps,
                "polarisation_baseline": _round(self.polarisation_baseline),
                "polarisation_excess": _round(self.polarisation_excess),
                "polarisation_method": "DNA modularity, k = 2 equal camps, average activity",
                "documents_folded": self.documents_folded,
                "duplicate_groups": self.duplicate_groups}

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
            lines.append(f"polarisation: {self.polarisation:.3f} (DNA's modularity score of two"
                         " equal camps: 0.5 = two camps fully opposed, 0 or less = none; camps: "
                         + " | ".join(", ".join(c) for c in self.camps) + ")")
            if self.polarisation_baseline is not None:
                lines.append(f"  baseline (agreement shuffled): {self.polarisation_baseline:.3f};"
                             f" excess over chance: {self.polarisation_excess:.3f}")
        if self.documents_folded:
            lines.append(f"near-duplicates: {self.documents_folded} document(s) counted as the"
                         f" original they copy ({len(self.duplicate_groups)} group(s))")
        return "\n".join(lines)

def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _label(g: nx.Graph, n: str) -> str:
    return str(g.nodes[n].get("label", n))

_EXHAUSTIVE_MAX = 18
_RANDOM_STARTS = 8
NULL_SHUFFLES = 20

def _matrix(g: nx.Graph, names: list[str]) -> np.ndarray:
    idx = {n: i for i, n in enumerate(names)}
    w = np.zeros((len(names), len(names)))
    for u, v, d in g.edges(data=True):
        if u in idx and v in idx and u != v:
            w[idx[u], idx[v]] = w[idx[v], idx[u]] = float(d["weight"])
    return w

def congruence_conflict(statements: list[CodedStatement], normalization: str = "average"
                        ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The actors with any tie, and their congruence and conflict matrices: the weights of
    :func:`~saidwhat.network.build.one_mode` (``normalization`` none or average), computed
    as matrix products (fast enough to repeat for the shuffled baseline); zero diagonal."""
    if normalization not in ("none", "average"):
        raise ValueError("normalization must be 'none' or 'average' here")
    ties = {(s.actor, s.concept, s.qualifier) for s in statements}
    actors = sorted({a for a, _, _ in ties})
    concepts = sorted({c for _, c, _ in ties})
    ai = {a: i for i, a in enumerate(actors)}
    ci = {c: i for i, c in enumerate(concepts)}
    sup = np.zeros((len(actors), len(concepts)))
    opp = np.zeros_like(sup)
    for a, c, q in ties:
        (sup if q == "support" else opp)[ai[a], ci[c]] = 1.0
    both = sup * opp
    cong = sup @ sup.T + opp @ opp.T  # shared (concept, qualifier) pairs
    conf = sup @ opp.T + opp @ sup.T - both @ both.T  # concepts with opposite positions
    if normalization == "average":
        pairs = (sup + opp).sum(axis=1)
        held = np.maximum(sup, opp).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            cong = np.nan_to_num(cong / ((pairs[:, None] + pairs[None, :]) / 2))
            conf = np.nan_to_num(conf / ((held[:, None] + held[None, :]) / 2))
    np.fill_diagonal(cong, 0.0)
    np.fill_diagonal(conf, 0.0)
    keep = np.flatnonzero((cong.sum(axis=1) > 0) | (conf.sum(axis=1) > 0))
    return ([actors[i] for i in keep], cong[np.ix_(keep, keep)], conf[np.ix_(keep, keep)])


def _quality_form(congruence: np.ndarray, conflict: np.ndarray) -> np.ndarray:
    """M with Q(s) = s' M s for a camp vector s of +1/-1: each network's modularity matrix
    B = A - k k' / 2m over 4 * 2m, congruence added and conflict subtracted."""
    m = np.zeros_like(congruence, dtype=float)
    for a, sign in ((congruence, 1.0), (conflict, -1.0)):
        total = float(a.sum())  # 2m: every tie counted in both directions
        if total > 0:
            k = a.sum(axis=1)
            m += sign * (a - np.outer(k, k) / total) / (4.0 * total)
    return m

def polarisation_quality(side: np.ndarray, congruence: np.ndarray, conflict: np.ndarray
                         ) -> float:
    """DNA's quality of one split (``side``: 0/1 per actor): (Q_cong - Q_conf) / 2."""
    s = np.where(np.asarray(side) > 0, 1.0, -1.0)
    return float(s @ _quality_form(congruence, conflict) @ s)

def _swap_ascent(m: np.ndarray, s: np.ndarray) -> tuple[float, np.ndarray]:
    """Steepest ascent by swapping one actor of each camp (camp sizes stay as they are)."""
    s = s.astype(float).copy()
    d = np.diag(m)
    for _ in range(10 * len(s) + 10):
        u = s * (m @ s)
        p, q = np.flatnonzero(s > 0), np.flatnonzero(s < 0)
        if not len(p) or not len(q):
            break
        gain = (-4.0 * (u[p][:, None] + u[q][None, :]) + 4.0 * (d[p][:, None] + d[q][None, :])
                - 8.0 * m[np.ix_(p, q)])
        i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
        if gain[i, j] <= 1e-12:
            break
        s[p[i]], s[q[j]] = -1.0, 1.0
    return float(s @ m @ s), s

def polarisation_of(congruence: np.ndarray, conflict: np.ndarray, *, seed: int = 7,
                    random_starts: int = _RANDOM_STARTS) -> tuple[float | None, np.ndarray]:
    """The polarisation (best DNA quality over equal two-camp splits) of a pair of
    congruence and conflict matrices, and the camp of each row (0/1); None without ties."""
    n = congruence.shape[0]
    if n < 2 or not (congruence.sum() > 0 or conflict.sum() > 0):
        return None, np.zeros(n, dtype=int)
    m = _quality_form(congruence, conflict)
    half = n // 2
    if n <= _EXHAUSTIVE_MAX:
        best, best_s = -np.inf, np.ones(n)
        combos = itertools.combinations(range(n), half)
        while True:
            chunk = list(itertools.islice(combos, 20000))
            if not chunk:
                break
            sides = np.ones((len(chunk), n))
            rows = np.repeat(np.arange(len(chunk)), half)
            sides[rows, np.array(chunk).ravel()] = -1.0
            q = np.einsum("ij,jk,ik->i", sides, m, sides)
            k = int(np.argmax(q))
            if q[k] > best + 1e-12:
                best, best_s = float(q[k]), sides[k]
        found = best_s
        best_q = best
    else:
        starts = []
        vals, vecs = np.linalg.eigh(m)
        order = np.argsort(vecs[:, -1])
        spectral = np.ones(n)
        spectral[order[:half]] = -1.0
        starts.append(spectral)
        rng = np.random.default_rng(seed)
        for _ in range(random_starts):
            s0 = np.ones(n)
            s0[rng.permutation(n)[:half]] = -1.0
            starts.append(s0)
        best_q, found = -np.inf, spectral
        for s0 in starts:
            q, s1 = _swap_ascent(m, s0)
            if q > best_q + 1e-12:
                best_q, found = q, s1
    side = (found < 0).astype(int)
    if side[0] == 1:  # the first actor's camp is camp 0
        side = 1 - side
    return best_q, side

def polarisation_baseline(statements: list[CodedStatement], shuffles: int = NULL_SHUFFLES,
                          seed: int = 7) -> float | None:
    """Mean polarisation of ``statements`` with their agreement values shuffled among them
    (same actors, concepts and numbers of support and oppose)."""
    import random

    if shuffles <= 0 or not statements:
        return None
    rng = random.Random(seed)
    quals = [s.qualifier for s in statements]
    scores = []
    for _ in range(shuffles):
        rng.shuffle(quals)
        shuffled = [replace(s, qualifier=q) for s, q in zip(statements, quals, strict=True)]
        _, cong, conf = congruence_conflict(shuffled)
        p, _ = polarisation_of(cong, conf, random_starts=2)
        scores.append(0.0 if p is None else p)
    return float(np.mean(scores))


def network_stats(statements: list[CodedStatement], *, null_shuffles: int = NULL_SHUFFLES
                  ) -> NetworkStats:
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
    names, cong_m, conf_m = congruence_conflict(statements)
    p, side = polarisation_of(cong_m, conf_m)
    out.polarisation = p
    if p is not None:
        out.camps = [sorted(n for n, s in zip(names, side, strict=True) if s == k) for k in (0, 1)]
        out.polarisation_baseline = polarisation_baseline(statements, null_shuffles)
    return out
