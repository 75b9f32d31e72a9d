"""Smoke test of benchmarks/serve_pages.py: it builds a small replicated store and times every
page end to end; the times are measured by the script, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("multipart")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "serve_pages.py"


def test_serve_pages_benchmark_runs_on_a_tiny_store(tmp_path: Path) -> None:
    out = tmp_path / "pages.json"
    subprocess.run([sys.executable, str(SCRIPT), "--docs", "40", "--seed-docs", "4",
                    "--corrected", "6", "--repeats", "1", "--work", str(tmp_path),
                    "--json", str(out)], check=True, stdout=subprocess.DEVNULL, timeout=600)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["store"]["docs"] == 40
    assert result["pages"]["corpus"]["rows"] > 0
    assert all(p["median_ms"] > 0 for p in result["pages"].values())
    again = tmp_path / "again.json"
    subprocess.run([sys.executable, str(SCRIPT), "--store", str(tmp_path / "big.db"),
                    "--repeats", "1", "--json", str(again)], check=True,
                   stdout=subprocess.DEVNULL, timeout=600)
    assert json.loads(again.read_text(encoding="utf-8"))["pages"].keys() == \
        result["pages"].keys()
