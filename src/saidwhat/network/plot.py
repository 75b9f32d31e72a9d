"""A readable picture of a discourse network (matplotlib, extra ``saidwhat[plot]``).

Actors are circles coloured by organisation (or by congruence community), concepts grey
squares; edges are green for support / congruence, red for oppose / conflict, orange for
both, and as wide as the number of documents behind them (two-mode) or their weight.

Readable at 50+ actors: the figure and the spring layout's spacing grow with the network,
nodes shrink; only the ``max_labels`` actors of highest degree are labelled (every concept
is, up to the same number), each label placed below, above, right or left of its node,
whichever does not overlap a label already placed (a label that fits nowhere is left out,
most connected first); at most 12 organisations get their own colour, the rest are
"other". The legend names the node kinds, the colour groups and the edge colours, and says
how many actors are labelled.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from ..atomic import atomic_path

_EDGE_COLOURS = {"support": "#2e8b57", "oppose": "#c0392b", "both": "#e67e22",
                 "congruence": "#2e8b57", "conflict": "#c0392b"}
_PALETTE = ["#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e",
            "#aec7e8", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5"]
_OTHER = "#b0b0b0"
MAX_LABELS = 30


class EmptyNetworkError(ValueError):
    """A network without nodes: there is nothing to draw."""


@dataclass(slots=True)
class PlotInfo:
    """What was drawn: the labelled nodes, the legend entries, and the labels left out."""

    labelled: list[str] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    unlabelled: int = 0
    label_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


def _edge_colour(g: nx.Graph, d: dict[str, Any]) -> str:
    q = d.get("qualifier")
    if q in _EDGE_COLOURS:
        return _EDGE_COLOURS[q]
    w = float(d.get("weight", 0))
    relation = str(g.graph.get("network", ""))
    if relation.endswith("conflict") or w < 0:
        return _EDGE_COLOURS["conflict"]
    if relation.endswith("congruence") or w > 0:
        return _EDGE_COLOURS["congruence"]
    return "#999999"


def _strength(d: dict[str, Any]) -> float:
    """How wide an edge is drawn: documents behind it (two-mode), else |weight|."""
    if "documents" in d:
        return float(d["documents"])
    return abs(float(d.get("weight", 1)))


def packed_layout(g: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Spring layout per connected component, components packed in rows (largest first), so
    separate debates do not fly to the corners of the picture."""
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c))
    total = sum(len(c) for c in comps) or 1
    row_width = max(2.0, 1.6 * total ** 0.5)
    pos: dict[str, tuple[float, float]] = {}
    x0 = y0 = row_height = 0.0
    for comp in comps:
        size = max(0.6, len(comp) ** 0.5)
        if len(comp) == 1:
            local = {comp[0]: (0.5, 0.5)}
        else:
            sub = g.subgraph(comp)
            raw = nx.spring_layout(sub, seed=seed, iterations=300, weight=None,
                                   k=1.6 / math.sqrt(len(comp)))
            xs = [p[0] for p in raw.values()]
            ys = [p[1] for p in raw.values()]
            wx, wy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
            local = {n: ((p[0] - min(xs)) / wx, (p[1] - min(ys)) / wy) for n, p in raw.items()}
        if x0 > 0 and x0 + size > row_width:
            x0, y0, row_height = 0.0, y0 - row_height - 0.5, 0.0
        for n, (x, y) in local.items():
            pos[n] = (x0 + 0.1 * size + 0.8 * size * x, y0 - size + 0.1 * size + 0.8 * size * y)
        x0 += size + 0.4
        row_height = max(row_height, size)
    return pos


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
              ) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def plot_network(g: nx.Graph, path: str | Path, *, colour_by: str = "auto",
                 communities: list[list[str]] | None = None, title: str = "",
                 seed: int = 7, max_labels: int = MAX_LABELS) -> PlotInfo:
    """Draw ``g`` to ``path`` (.png or .svg). ``colour_by``: organization, community, or auto
    (organisation when at least half the actors have one, else congruence community).
    Raises :class:`EmptyNetworkError` for a network without nodes."""
    ext = Path(path).suffix.lower()
    if ext not in (".png", ".svg"):
        raise ValueError(f"{path}: plot to a .png or .svg file")
    if g.number_of_nodes() == 0:
        raise EmptyNetworkError("the network has no nodes (no coded statement left after"
                                " coding and filters): nothing to plot")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
    except ImportError as exc:
        raise RuntimeError("plots need matplotlib: pip install 'saidwhat[plot]'") from exc

    actors = [n for n, d in g.nodes(data=True) if d.get("kind") == "actor"]
    concepts = [n for n, d in g.nodes(data=True) if d.get("kind") == "concept"]
    groups: dict[str, str] = {}
    if colour_by == "auto":
        with_org = sum(1 for n in actors if g.nodes[n].get("organization"))
        colour_by = "organization" if with_org * 2 >= len(actors) or not communities else "community"
    if colour_by == "community" and communities:
        member = {label: i for i, c in enumerate(communities) for label in c}
        for n in actors:
            groups[n] = f"community {member.get(g.nodes[n].get('label', n), -1) + 1}"
    else:
        for n in actors:
            groups[n] = str(g.nodes[n].get("organization") or g.nodes[n].get("type") or "?")
    sizes: dict[str, int] = {}
    for k in groups.values():
        sizes[k] = sizes.get(k, 0) + 1
    ranked = sorted(sizes, key=lambda k: (-sizes[k], k))
    group_colour = {k: _PALETTE[i] for i, k in enumerate(ranked[:len(_PALETTE)])}
    n_other = sum(sizes[k] for k in ranked[len(_PALETTE):])

    simple = nx.Graph(g) if g.is_multigraph() else g
    pos = packed_layout(simple, seed=seed)
    n_nodes = g.number_of_nodes()
    scale = min(1.0, math.sqrt(25 / n_nodes))  # nodes and fonts shrink past 25 nodes
    width = min(26.0, 11.0 + 0.12 * max(0, n_nodes - 25))
    fig, ax = plt.subplots(figsize=(width, width * 0.72))
    max_s = max((_strength(d) for *_, d in g.edges(data=True)), default=1.0) or 1.0
    for u, v, d in g.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color=_edge_colour(g, d),
                linewidth=(0.8 + 3.2 * _strength(d) / max_s) * max(scale, 0.5),
                alpha=0.75 if n_nodes <= 40 else 0.55, zorder=1)
    if actors:
        nx.draw_networkx_nodes(simple, pos, nodelist=actors, ax=ax, node_shape="o",
                               node_size=700 * scale, linewidths=1.2, edgecolors="white",
                               node_color=[group_colour.get(groups[n], _OTHER) for n in actors])
    if concepts:
        nx.draw_networkx_nodes(simple, pos, nodelist=concepts, ax=ax, node_shape="s",
                               node_size=900 * scale, node_color="#d9d9d9",
                               edgecolors="#555555")
    ax.axis("off")
    ax.margins(0.08)
    fig.subplots_adjust(left=0.01, right=0.80, top=0.95, bottom=0.01)  # legend on the right
    ax.set_title(title or f"{g.graph.get('network', 'network')} network", fontsize=12)

    # labels: concepts first, then actors by degree; top max_labels of each kind
    degree = dict(simple.degree(weight=None))
    by_degree = sorted(actors, key=lambda n: (-degree.get(n, 0), str(g.nodes[n].get("label", n))))
    chosen = sorted(concepts, key=lambda n: -degree.get(n, 0))[:max_labels] + by_degree[:max_labels]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    info = PlotInfo()
    placed: list[tuple[float, float, float, float]] = []
    fontsize = max(6.5, 9 * scale ** 0.5)
    radius = math.sqrt(700 * scale) / 2 * fig.dpi / 72 + 2  # node radius in pixels, and a gap
    for n in chosen:
        d = g.nodes[n]
        text = str(d.get("concept_id") if d.get("kind") == "concept" else d.get("label", n))
        x, y = ax.transData.transform(pos[n])
        done = False
        for dx, dy, ha, va in ((0, -radius, "center", "top"), (0, radius, "center", "bottom"),
                               (radius, 0, "left", "center"), (-radius, 0, "right", "center")):
            xy = ax.transData.inverted().transform((x + dx, y + dy))
            t = ax.text(xy[0], xy[1], "\n".join(textwrap.wrap(text, 22)), ha=ha, va=va,
                        fontsize=fontsize, zorder=3,
                        fontweight="bold" if d.get("kind") == "concept" else "normal",
                        bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none",
                              "pad": 0.8})
            bb = t.get_window_extent(renderer=renderer)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            if not any(_overlaps(box, p) for p in placed):
                placed.append(box)
                info.labelled.append(str(d.get("label", n)))
                done = True
                break
            t.remove()
        if not done:
            info.unlabelled += 1
    info.label_boxes = placed

    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=c, markersize=9, label=k)
               for k, c in group_colour.items()]
    if n_other:
        handles.append(Line2D([0], [0], marker="o", color="w", markerfacecolor=_OTHER,
                              markersize=9, label=f"other ({n_other} actors)"))
    if concepts:
        handles.append(Line2D([0], [0], marker="s", color="w", markerfacecolor="#d9d9d9",
                              markeredgecolor="#555555", markersize=9, label="concept"))
    present = {_edge_colour(g, d) for *_, d in g.edges(data=True)}
    names = ({"support": "support", "oppose": "oppose", "both": "both"} if concepts else
             {"congruence": "agreement (congruence)", "conflict": "conflict"})
    for key, label in names.items():
        if _EDGE_COLOURS[key] in present:
            handles.append(Line2D([0], [0], color=_EDGE_COLOURS[key], linewidth=3, label=label))
    n_labelled = sum(1 for n in by_degree[:max_labels] if str(g.nodes[n].get("label", n))
                     in info.labelled)
    legend_title = (f"labels: {n_labelled} of {len(actors)} actors (most connected)"
                    if len(actors) > n_labelled else None)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9,
              frameon=False, title=legend_title, title_fontsize=8)
    info.legend = [h.get_label() for h in handles]
    atomic_path(path, lambda tmp: fig.savefig(tmp, format=ext[1:], dpi=110))
    plt.close(fig)
    return info
