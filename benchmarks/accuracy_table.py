#!/usr/bin/env python
"""The accuracy table of docs/evaluation.md, produced by ``saidwhat eval`` runs.

For each gold set (PolNeAR dev, the hand-written gold set, the seed article's gold, the
bundled demo's gold) it runs
``saidwhat eval --gold GOLD --json ...`` for saidwhat itself and, when its predictions are
present, for textacy's ``direct_quotations`` (written by ``benchmarks/textacy_baseline.py``
in its own environment, see docs/benchmarks.md), and prints one markdown table.

    python benchmarks/accuracy_table.py [--textacy-dir out/bench] [--out out/eval]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# (label, gold path, textacy predictions file name, what must exist for the row: the gold's
# texts, which for the seed article live in ../shared)
GOLD_SETS = [
    ("PolNeAR dev (84 articles)", SHARED / "data" / "polnear" / "dev", "textacy-polnear-dev.jsonl",
     SHARED / "data" / "polnear" / "dev"),
    ("saidwhat gold set (26 articles)", REPO / "tests" / "data" / "gold", "textacy-gold.jsonl",
     REPO / "tests" / "data" / "gold"),
    ("seed article (1 article)", REPO / "docs" / "seed-gold" / "seed.json", "textacy-seed.jsonl",
     SHARED / "seed"),
    ("bundled demo (4 invented articles)", REPO / "src" / "saidwhat" / "examples" / "demo" /
     "gold.jsonl", "textacy-demo.jsonl", REPO / "src" / "saidwhat" / "examples" / "demo"),
]


def run_eval(gold: Path, out_json: Path, pred: Path | None) -> dict:
    cmd = [sys.executable, "-m", "saidwhat", "eval", "--gold", str(gold), "--json", str(out_json)]
    if pred is not None:
        cmd += ["--pred", str(pred)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 1: some gold lines skipped, still scored
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return json.loads(out_json.read_text())


def row(label: str, system: str, report: dict) -> str:
    m = report["micro"]
    t = report["targets"]
    speaker = report.get("speaker") or {}
    acc = speaker.get("accuracy")
    cells = [label, system, f"{t['attribution_f1']:.3f}", f"{t['content_token_f1']:.3f}",
             f"{t['source_exact_f1']:.3f}", f"{m['content.exact']['f1']:.3f}",
             f"{m['cue.exact']['f1']:.3f}", f"{acc:.3f}" if isinstance(acc, float) else "–"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--textacy-dir", type=Path, default=REPO / "out" / "bench")
    ap.add_argument("--out", type=Path, default=REPO / "out" / "eval")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print("| gold | system | attribution F1 | content token F1 | source exact F1 "
          "| content exact F1 | cue exact F1 | speaker name acc. |")
    print("|---|---|---|---|---|---|---|---|")
    for label, gold, textacy_name, needs in GOLD_SETS:
        if not gold.exists() or not needs.exists():
            print(f"<!-- {label}: {needs if gold.exists() else gold} not found, skipped -->")
            continue
        stem = textacy_name.removeprefix("textacy-").removesuffix(".jsonl")
        print(row(label, "saidwhat", run_eval(gold, args.out / f"saidwhat-{stem}.json", None)))
        pred = args.textacy_dir / textacy_name
        if pred.exists():
            print(row(label, "textacy 0.13 direct_quotations",
                      run_eval(gold, args.out / f"textacy-{stem}.json", pred)))


if __name__ == "__main__":
    main()
