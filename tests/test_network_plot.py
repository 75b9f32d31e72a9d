"""Plots stay readable at 50+ actors (labels without overlaps, a legend), and an empty
network gives a clear message instead of a crash (issues 12, 14)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.model import TextSpan
from saidwhat.network.build import CodedStatement, one_mode, two_mode

pytest.importorskip("matplotlib")

from saidwhat.network.plot import EmptyNetworkError, plot_network  # noqa: E402

DATA = Path(__file__).parent / "data" / "network"


def _sixty_actors() -> list[CodedStatement]:
    rng = random.Random(3)
    return [CodedStatement(doc_id=f"d{i}", quote_id=f"q{j}", actor=f"Actor Number {i} Surname",
                           actor_type="person", organization=f"Org {i % 15}",
                           concept=f"concept-{j}", qualifier=rng.choice(["support", "oppose"]),
                           score=1.0, evidence=(), content=TextSpan(0, 4, "text"))
            for i in range(60) for j in rng.sample(range(8), 3)]


def _no_overlap(boxes: list[tuple[float, float, float, float]]) -> bool:
    return all(a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
               for a, b in itertools.combinations(boxes, 2))


def test_sixty_actor_two_mode_plot_has_legend_and_readable_labels(tmp_path: Path) -> None:
    out = tmp_path / "p.png"
    info = plot_network(two_mode(_sixty_actors()), out, max_labels=30)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"support", "oppose", "concept"} <= set(info.legend)
    assert "other (12 actors)" in info.legend  # 15 organisations: 12 colours and "other"
    actors_labelled = [x for x in info.labelled if x.startswith("Actor")]
    assert 0 < len(actors_labelled) <= 30  # only the most connected actors are labelled
    assert all(f"concept-{j}" in info.labelled for j in range(8))
    assert _no_overlap(info.label_boxes)


def test_sixty_actor_one_mode_plot(tmp_path: Path) -> None:
    out = tmp_path / "p.svg"
    info = plot_network(one_mode(_sixty_actors(), "subtract"), out, max_labels=20)
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert {"agreement (congruence)", "conflict"} <= set(info.legend)
    assert len(info.labelled) <= 20 and _no_overlap(info.label_boxes)


def test_empty_network_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmptyNetworkError, match="no nodes"):
        plot_network(two_mode([]), tmp_path / "p.png")
    assert not (tmp_path / "p.png").exists()


def test_empty_network_with_plot_from_the_cli(tmp_path: Path) -> None:
    out, png = tmp_path / "e.csv", tmp_path / "p.png"
    result = CliRunner().invoke(main, [
        "network", str(DATA / "debate.jsonl"), "--codebook", str(DATA / "codebook.yaml"),
        "-o", str(out), "--plot", str(png), "--from", "2030-01-01"])
    assert result.exit_code == 0, result.output
    assert "max() arg" not in result.output
    assert f"warning: no plot written to {png}: the network has no nodes" in result.output
    assert not png.exists() and out.exists()
