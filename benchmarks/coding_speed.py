"""Concept coding speed and memory, by method (lexical rules; rules plus sentence embeddings).

    python benchmarks/coding_speed.py --texts ../shared/data/polnear/dev/text \\
        --codebook tests/data/coding-gold/codebooks/us2016.yaml [--json out.json]

The texts are extracted once (not timed); each method then codes every extracted statement
in a fresh subprocess, one ``ConceptCoder.code_many`` call per document, as ``saidwhat
network`` does. Reported per method: statements, seconds to build the coder (loading the
model), seconds to code, statements per second, and the subprocess's peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from saidwhat.atomic import atomic_write

METHODS = ("lexical", "embeddings")


def _extract(texts: Path, out: Path) -> int:
    """Statements of every readable ``*.txt`` under ``texts`` as JSON lines; unreadable
    files are reported on stderr and skipped."""
    from saidwhat import Extractor

    pairs = []
    for path in sorted(texts.glob("*.txt")):
        try:
            pairs.append((path.stem, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"skipped {path}: {exc}", file=sys.stderr)
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for (doc_id, text), doc in zip(pairs, Extractor().pipe_pairs(pairs), strict=True):
            items = [{"content": q.content.text, "cue": q.cue.text if q.cue else None,
                      "speaker": q.speaker.name if q.speaker else None} for q in doc.quotes]
            n += len(items)
            fh.write(json.dumps({"id": doc_id, "text": text, "items": items}) + "\n")
    return n


def _measure(statements: Path, codebook: str, method: str) -> dict[str, float]:
    """Run in a subprocess: build the coder, code every document's statements."""
    from saidwhat.network.codebook import load_codebook
    from saidwhat.network.coding import CodingItem, ConceptCoder
    from saidwhat.nlp import load_nlp

    docs = [json.loads(line) for line in statements.open(encoding="utf-8")]
    nlp = load_nlp()
    t0 = time.perf_counter()
    coder = ConceptCoder(load_codebook(codebook), nlp, method=method)
    t1 = time.perf_counter()
    n = coded = 0
    for d in docs:
        items = [CodingItem(i["content"], i["cue"], group=d["id"], speaker=i["speaker"],
                            text=d["text"]) for i in d["items"]]
        codes = coder.code_many(items)
        n += len(items)
        coded += sum(bool(c) for c in codes)
    t2 = time.perf_counter()
    return {"statements": n, "coded": coded, "load_s": round(t1 - t0, 2),
            "code_s": round(t2 - t1, 2), "statements_per_s": round(n / max(t2 - t1, 1e-9), 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=Path, required=True, help="folder of .txt articles")
    ap.add_argument("--codebook", required=True, help="codebook YAML")
    ap.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    ap.add_argument("--json", type=Path, default=None, help="also write the report here")
    ap.add_argument("--_worker", nargs=2, metavar=("STATEMENTS", "METHOD"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._worker:
        print(json.dumps(_measure(Path(args._worker[0]), args.codebook, args._worker[1])))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        statements = Path(tmp) / "statements.jsonl"
        _extract(args.texts, statements)
        rows = {}
        for method in args.methods:
            proc = subprocess.run(
                [sys.executable, __file__, "--texts", str(args.texts), "--codebook",
                 args.codebook, "--_worker", str(statements), method],
                capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(f"{method}: the worker failed:\n{proc.stderr}", file=sys.stderr)
                return proc.returncode
            rows[method] = json.loads(proc.stdout.strip().splitlines()[-1])
    print("| method | statements | coded | load s | code s | statements/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for method, r in rows.items():
        print(f"| {method} | {r['statements']} | {r['coded']} | {r['load_s']} | {r['code_s']} "
              f"| {r['statements_per_s']} | {r['peak_rss_mib']} |")
    if args.json:
        report = {"benchmark": "saidwhat-coding-speed",
                  "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
                  "date": dt.date.today().isoformat(),
                  "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                              "platform": platform.platform()},
                  "methods": rows}
        with atomic_write(args.json, encoding="utf-8") as fh:
            fh.write(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
