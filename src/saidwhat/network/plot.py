"""A readable picture of a discourse network (matplotlib, extra ``saidwhat[plot]``).

Actors are circles coloured by organisation (or by congruence community), concepts grey
squares; edges are green for support / congruence, red for oppose / conflict, orange for
mixed, and as wide as their weight.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import networkx as nx

from ..atomic import atomic_path

_EDGE_COLOURS = {"support": "#2e8b57", "oppose": "#c0392b", "both": "#e67e22",
                 "congruence": "#2e8b57", "conflict": "#c0392b"}
_PALETTE = ["#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
            "#ff7f0e", "#aec7e8", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5", "#dbdb8d"]


def _edge_colour(g: nx.Graph, d: dict) -> str:
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
            raw = nx.spring_layout(g.subgraph(comp), seed=seed, iterations=300, weight=None)
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


def plot_network(g: nx.Graph, path: str | Path, *, colour_by: str = "auto",
                 communities: list[list[str]] | None = None, title: str = "",
                 seed: int = 7) -> None:
    """Draw ``g`` to ``path`` (.png or .svg). ``colour_by``: organization, community, or auto
    (organisation when at least half the actors have one, else congruence community)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
    except ImportError as exc:
        raise RuntimeError("plots need matplotlib: pip install 'saidwhat[plot]'") from exc
    ext = Path(path).suffix.lower()
    if ext not in (".png", ".svg"):
        raise ValueError(f"{path}: plot to a .png or .svg file")

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
    group_colour = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(sorted(set(groups.values())))}

    simple = nx.Graph(g) if g.is_multigraph() else g
    pos = packed_layout(simple, seed=seed)
    span_y = (max(y for _, y in pos.values()) - min(y for _, y in pos.values())) or 1.0
    fig, ax = plt.subplots(figsize=(12, 8.5))
    max_w = max((abs(float(d.get("weight", 1))) for *_, d in g.edges(data=True)), default=1) or 1
    for u, v, d in g.edges(data=True):
        w = abs(float(d.get("weight", 1)))
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color=_edge_colour(g, d), linewidth=1.2 + 3.5 * w / max_w,
                alpha=0.8, zorder=1)
    if actors:
        nx.draw_networkx_nodes(simple, pos, nodelist=actors, ax=ax, node_shape="o", node_size=700,
                               node_color=[group_colour[groups[n]] for n in actors],
                               edgecolors="white", linewidths=1.5)
    if concepts:
        nx.draw_networkx_nodes(simple, pos, nodelist=concepts, ax=ax, node_shape="s",
                               node_size=900, node_color="#d9d9d9", edgecolors="#555555")
    for n in g.nodes:
        d = g.nodes[n]
        text = str(d.get("concept_id") if d.get("kind") == "concept" else d.get("label", n))
        x, y = pos[n]
        ax.text(x, y - 0.045 * span_y, "\n".join(textwrap.wrap(text, 22)), ha="center", va="top",
                fontsize=9, fontweight="bold" if d.get("kind") == "concept" else "normal",
                zorder=3, bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})
    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=c, markersize=10, label=k)
               for k, c in group_colour.items()]
    if concepts:
        handles.append(Line2D([0], [0], marker="s", color="w", markerfacecolor="#d9d9d9",
                              markeredgecolor="#555555", markersize=10, label="concept"))
    present = {_edge_colour(g, d) for *_, d in g.edges(data=True)}
    names = ({"support": "support", "oppose": "oppose", "mixed": "mixed"} if concepts else
             {"congruence": "agreement", "conflict": "conflict"})
    for key, label in names.items():
        if _EDGE_COLOURS[key] in present:
            handles.append(Line2D([0], [0], color=_EDGE_COLOURS[key], linewidth=3, label=label))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9,
              frameon=False)
    ax.set_title(title or f"{g.graph.get('network', 'network')} network", fontsize=12)
    ax.axis("off")
    ax.margins(0.12)
    fig.tight_layout()
    atomic_path(path, lambda tmp: fig.savefig(tmp, format=ext[1:], dpi=110))
    plt.close(fig)
