#!/usr/bin/env python
"""Cost of one long document (GitHub issue 8): seconds per document, parse and stages apart.

Cases (all generated, deterministic, no real article text):

* ``noperiod-N`` -- N characters of random phrases (names, cue verbs) joined by spaces and
  a few commas, with no sentence end anywhere: the parser makes one huge "sentence" of it;
* ``quotes-N``   -- N short direct quotes, ``'Text n,' she said.``, one paragraph each.

Every case runs in a fresh subprocess (model load not timed) with a wall-clock limit, so a
case that never finishes is reported as such instead of stalling the run. The extractor
runs with its per-document time budget switched off (``doc_timeout=None``): what is timed
is the work, not the budget. Prints one line per case; ``--json PATH`` also writes them.

    python benchmarks/long_documents.py                       # 10k/40k/100k + 2,000 quotes
    python benchmarks/long_documents.py --sizes 40000 --quotes 0 --limit 300
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

# Clauses that the small English parser chains into one ever deeper tree ("X said that Y
# told reporters Z argued that ..."): the shape that made the stages quadratic (issue 8).
_PHRASES = (
    "Jane Doe said that", "Tomas Reyes told reporters", "Margaret Olsen argued that the plan",
    "he added that", "the council", "the budget would hold",
)


def no_period_text(n_chars: int, seed: int = 0) -> str:
    """``n_chars`` characters of phrases joined by spaces and commas, no ``.!?`` at all."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_chars:
        p = rng.choice(_PHRASES) + ("," if rng.random() < 0.02 else "")
        parts.append(p)
        size += len(p) + 1
    return " ".join(parts)[:n_chars].rstrip()


def quote_text(n_quotes: int) -> str:
    """``n_quotes`` paragraphs ``'Text n,' she said.``"""
    return "\n".join(f"'Text {n},' she said." for n in range(1, n_quotes + 1)) + "\n"


def _case_text(name: str) -> str:
    kind, n = name.rsplit("-", 1)
    return no_period_text(int(n)) if kind == "noperiod" else quote_text(int(n))


def _run_case(name: str, model: str | None) -> dict[str, Any]:
    """In the child process: load, then time the parse, the stages and the whole call."""
    sys.path.insert(0, str(REPO_ROOT / "src"))
    from saidwhat.extract import Extractor, normalize_spaces
    from saidwhat.pipeline import run_stages
    from saidwhat.settings import Settings

    extractor = Extractor(model, settings=Settings(doc_timeout=None))
    text = _case_text(name)
    t0 = time.perf_counter()
    sdoc = extractor.nlp(normalize_spaces(text))
    t1 = time.perf_counter()
    doc = run_stages(sdoc, "bench", text)
    t2 = time.perf_counter()
    sents = [len(s) for s in sdoc.sents]
    return {"case": name, "chars": len(text), "tokens": len(sdoc), "sentences": len(sents),
            "longest_sentence": max(sents, default=0), "quotes": len(doc.quotes),
            "parse_s": round(t1 - t0, 3), "stages_s": round(t2 - t1, 3),
            "total_s": round(t2 - t0, 3), "status": "ok"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,40000,100000",
                    help="characters of each no-period text, comma-separated")
    ap.add_argument("--quotes", type=int, default=2000, help="quotes in the quote-heavy text "
                                                             "(0: none)")
    ap.add_argument("--limit", type=float, default=600, help="seconds allowed per case")
    ap.add_argument("--model", default=None)
    ap.add_argument("--json", default=None, help="also write the results here")
    ap.add_argument("--case", default=None, help=argparse.SUPPRESS)  # child process
    args = ap.parse_args(argv)
    if args.case:
        print(json.dumps(_run_case(args.case, args.model)))
        return 0
    cases = [f"noperiod-{int(n)}" for n in args.sizes.split(",") if n.strip()]
    if args.quotes:
        cases.append(f"quotes-{args.quotes}")
    results = []
    for name in cases:
        cmd = [sys.executable, __file__, "--case", name] + (
            ["--model", args.model] if args.model else [])
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.limit,
                                  check=False)
        except subprocess.TimeoutExpired:
            res: dict[str, Any] = {"case": name, "status": f"did not finish in {args.limit:g} s"}
        else:
            if proc.returncode != 0:
                res = {"case": name, "status": "failed: " + proc.stderr.strip()[-300:]}
            else:
                res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["wall_s"] = round(time.perf_counter() - start, 3)
        results.append(res)
        if res["status"] == "ok":
            print(f"{name:16s} {res['chars']:>7d} chars {res['tokens']:>6d} tokens "
                  f"longest sentence {res['longest_sentence']:>5d}  quotes {res['quotes']:>5d}  "
                  f"parse {res['parse_s']:7.2f} s  stages {res['stages_s']:7.2f} s  "
                  f"total {res['total_s']:7.2f} s", flush=True)
        else:
            print(f"{name:16s} {res['status']}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["status"] == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
