#!/usr/bin/env python
"""Extraction speed and memory: bare spaCy ``nlp.pipe`` against the full saidwhat extraction.

One run measures, on the same texts and with the same spaCy model:

* ``spacy``    -- ``saidwhat.nlp.load_nlp(model).pipe`` alone (the parser is the floor);
* ``saidwhat`` -- ``saidwhat.Extractor(model).pipe`` (parse + every attribution stage);
* ``learned``  -- the same with ``--extractor learned`` (the shipped model; issue 10 targets
  >= 0.70 of spaCy's words/s, and >= 0.93 for the rules);

each with one and with two processes (``n_process=2`` for spaCy; a pool of two workers,
each with its own ``Extractor``, for saidwhat), and reports words/s, docs/s, the ratio
saidwhat/spaCy (GitHub issue 2 targets >= 0.85) and peak memory.

Every measurement runs in a fresh subprocess, so each configuration's memory peak is its
own; inside it the model is loaded and warmed up on a few documents before the clock
starts. Rounds are repeated (median reported) and interleaved spaCy/saidwhat, in
alternating order, so that drift in machine load hits both sides alike.

Words are whitespace tokens of the input text.

    python benchmarks/throughput.py --limit 10 --json out/throughput.json

``benchmarks/textacy_baseline.py`` reuses this harness with a textacy workload.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# PolNeAR has no licence: it is read here at run time only, never copied into the repo.
DEFAULT_TEXTS = REPO_ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
SAMPLE_ARTICLE = Path(__file__).resolve().with_name("sample_article.txt")
ISSUE2_TARGET_RATIO = 0.85
BASELINE_ENGINE = "spacy"

# A workload processes every (doc_id, text) item and returns how many documents it produced.
Workload = Callable[[str | None, list[tuple[str, str]], int, int], int]


# --------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    source: str
    items: list[tuple[str, str]]
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(len(text.split()) for _, text in self.items)

    @property
    def chars(self) -> int:
        return sum(len(text) for _, text in self.items)


class CorpusError(RuntimeError):
    pass


def read_text_dir(directory: Path, limit: int | None) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """Read ``*.txt`` files in name order; unreadable or empty files are reported, not dropped."""
    if not directory.is_dir():
        raise CorpusError(f"{directory}: not a directory of .txt files")
    items: list[tuple[str, str]] = []
    skipped: list[dict[str, str]] = []
    for path in sorted(directory.glob("*.txt")):
        if limit is not None and len(items) >= limit:
            break
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            skipped.append({"file": str(path), "reason": f"{type(exc).__name__}: {exc}"})
            continue
        if not text.strip():
            skipped.append({"file": str(path), "reason": "empty file"})
            continue
        items.append((path.stem, text))
    if not items:
        raise CorpusError(f"{directory}: no readable, non-empty .txt files")
    return items, skipped


def load_corpus(texts: Path | None, limit: int | None, repeat: int) -> Corpus:
    """The texts given, else the PolNeAR dev texts if present, else the sample article repeated."""
    if texts is not None:
        items, skipped = read_text_dir(texts, limit)
        return Corpus(str(texts), items, skipped)
    if DEFAULT_TEXTS.is_dir():
        items, skipped = read_text_dir(DEFAULT_TEXTS, limit)
        return Corpus(str(DEFAULT_TEXTS), items, skipped)
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    count = repeat if limit is None else min(repeat, limit)
    return Corpus(f"{SAMPLE_ARTICLE} x{count}",
                  [(f"sample-{i:04d}", text) for i in range(1, count + 1)])


# --------------------------------------------------------------------------- workloads


def run_spacy(model: str | None, items: list[tuple[str, str]], batch_size: int,
              n_process: int) -> int:
    from saidwhat.nlp import load_nlp

    nlp = load_nlp(model)
    count = 0
    for _ in nlp.pipe((text for _, text in items), batch_size=batch_size, n_process=n_process):
        count += 1
    return count


_worker_extractor: Any = None  # one Extractor per pool worker process


def _make_extractor(model: str | None, extractor: str = "rules") -> Any:
    """The saidwhat Extractor of an engine: ``rules`` (``--extractor rules``) or
    ``learned`` (``--extractor learned``, the shipped model: the default pipeline)."""
    from saidwhat import Extractor
    from saidwhat.config import extractor_overrides, load_config

    return Extractor(model, config=load_config().merge(extractor_overrides(extractor)))


def _init_pool_worker(model: str | None, extractor: str = "rules") -> None:
    global _worker_extractor
    _worker_extractor = _make_extractor(model, extractor)


def _extract_chunk(args: tuple[list[tuple[str, str]], int]) -> list[Any]:
    chunk, batch_size = args
    return list(_worker_extractor.pipe_pairs(chunk, batch_size=batch_size))


def chunked(items: Sequence[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def run_saidwhat(model: str | None, items: list[tuple[str, str]], batch_size: int,
                 n_process: int, extractor: str = "rules") -> int:
    if n_process == 1:
        ex = _make_extractor(model, extractor)
        return sum(1 for _ in ex.pipe_pairs(items, batch_size=batch_size))
    import multiprocessing

    # Each worker gets its own Extractor; whole Documents travel back, as a store would get them.
    count = 0
    with multiprocessing.Pool(n_process, initializer=_init_pool_worker,
                              initargs=(model, extractor)) as pool:
        for docs in pool.imap(_extract_chunk, ((c, batch_size) for c in chunked(items, batch_size))):
            count += len(docs)
    return count


def run_learned(model: str | None, items: list[tuple[str, str]], batch_size: int,
                n_process: int) -> int:
    return run_saidwhat(model, items, batch_size, n_process, extractor="learned")


# targets of issue 10: rules >= 0.93 and learned >= 0.70 of bare nlp.pipe words/s
ISSUE10_TARGETS = {"saidwhat": 0.93, "learned": 0.70}
WORKLOADS: dict[str, Workload] = {"spacy": run_spacy, "saidwhat": run_saidwhat,
                                  "learned": run_learned}
ENGINE_LABELS = {"spacy": "spaCy nlp.pipe", "saidwhat": "saidwhat Extractor.pipe (rules)",
                 "learned": "saidwhat Extractor.pipe (--extractor learned)",
                 "textacy": "textacy direct_quotations"}


# --------------------------------------------------------------------------- memory


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its reaped children so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _maxrss_mb(who: int) -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 2**20


class PeakRssSampler:
    """Samples the RSS of this process plus all its descendants; keeps the peak.

    The sum counts copy-on-write pages shared by forked workers once per process, so for
    multi-process runs it is an upper bound on the real footprint.
    """

    def __init__(self, interval_s: float = 0.05) -> None:
        try:
            import psutil
        except ImportError:
            self._proc = None
        else:
            self._proc = psutil.Process()
            self._errors: tuple[type[BaseException], ...] = (psutil.Error,)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def available(self) -> bool:
        return self._proc is not None

    def sample(self) -> None:
        if self._proc is None:
            return
        total = self._proc.memory_info().rss
        for child in self._proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except self._errors:  # the child exited between listing and reading
                pass
        self.peak_bytes = max(self.peak_bytes, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def __enter__(self) -> PeakRssSampler:
        self.sample()
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()
        self.sample()


# --------------------------------------------------------------------------- one measurement


def worker_main(args: argparse.Namespace, workloads: dict[str, Workload]) -> int:
    """Runs inside a fresh subprocess: one timed pass of one configuration, JSON on stdout."""
    workload = workloads[args.worker]
    with PeakRssSampler() as sampler:
        corpus = load_corpus(args.texts, args.limit, args.repeat)
        t0 = time.perf_counter()
        from saidwhat.nlp import load_nlp

        nlp = load_nlp(args.model)
        load_s = time.perf_counter() - t0
        if args.warmup > 0:
            # Single-process warm-up: forked workers then inherit the warmed pipeline.
            workload(args.model, corpus.items[:args.warmup], args.batch_size, 1)
        cpu0, t0 = _cpu_seconds(), time.perf_counter()
        docs = workload(args.model, corpus.items, args.batch_size, args.worker_n_process)
        seconds = time.perf_counter() - t0
        cpu_seconds = _cpu_seconds() - cpu0
    result = {
        "engine": args.worker, "n_process": args.worker_n_process, "seconds": seconds,
        "cpu_seconds": cpu_seconds, "docs": docs, "expected_docs": len(corpus.items), "model_load_s": load_s,
        "peak_rss_mb": sampler.peak_bytes / 2**20 if sampler.available else None,
        "maxrss_self_mb": _maxrss_mb(resource.RUSAGE_SELF),
        "maxrss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
        "model": {"name": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
                  "version": nlp.meta.get("version"), "pipeline": list(nlp.pipe_names)},
    }
    print(json.dumps(result))
    return 0


def corpus_args(args: argparse.Namespace) -> list[str]:
    out = ["--limit", str(args.limit) if args.limit is not None else "0",
           "--repeat", str(args.repeat), "--batch-size", str(args.batch_size),
           "--warmup", str(args.warmup)]
    if args.texts is not None:
        out += ["--texts", str(args.texts)]
    if args.model:
        out += ["--model", args.model]
    return out


def measure(script: Path, args: argparse.Namespace, engine: str, n_process: int) -> dict[str, Any]:
    cmd = [sys.executable, str(script), "--worker", engine, "--worker-n-process", str(n_process),
           *corpus_args(args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        return {"engine": engine, "n_process": n_process,
                "error": f"exit {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- orchestration


def machine_info() -> dict[str, Any]:
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu_model = platform.processor() or None
    import spacy

    import saidwhat

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"cpu_model": cpu_model, "cpu_count": os.cpu_count(), "usable_cpus": usable,
            "platform": platform.platform(), "python": platform.python_version(),
            "spacy": spacy.__version__, "saidwhat": saidwhat.__version__,
            "loadavg_at_start": list(os.getloadavg())}


def summarize(runs: list[dict[str, Any]], words: int) -> dict[str, Any]:
    ok = [r for r in runs if "error" not in r]
    summary: dict[str, Any] = {"engine": runs[0]["engine"], "n_process": runs[0]["n_process"],
                               "label": ENGINE_LABELS.get(runs[0]["engine"], runs[0]["engine"]),
                               "rounds": len(runs), "errors": [r["error"] for r in runs
                                                               if "error" in r]}
    if not ok:
        return summary
    secs = [r["seconds"] for r in ok]
    med = statistics.median(secs)
    docs = ok[0]["docs"]
    peaks = [r["peak_rss_mb"] for r in ok if r["peak_rss_mb"] is not None]
    summary.update({
        "seconds": secs, "median_seconds": med, "min_seconds": min(secs), "max_seconds": max(secs),
        "docs": docs, "words": words, "docs_per_s": docs / med, "words_per_s": words / med,
        "peak_rss_mb": max(peaks) if peaks else None,
        "rss_method": ("psutil: peak of RSS summed over the process and its children"
                       if peaks else "getrusage: maxrss of self and of the largest child"),
        "maxrss_self_mb": max(r["maxrss_self_mb"] for r in ok),
        "maxrss_children_mb": max(r["maxrss_children_mb"] for r in ok),
        "cpu_seconds": [r["cpu_seconds"] for r in ok],
        "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in ok),
        "words_per_cpu_s": words / statistics.median(r["cpu_seconds"] for r in ok),
        "model_load_s": statistics.median(r["model_load_s"] for r in ok),
        "incomplete": any(r["docs"] != r["expected_docs"] for r in ok),
    })
    return summary


def paired_ratios(results: dict[tuple[str, int], list[dict[str, Any]]], engines: Sequence[str],
                  processes: Sequence[int]) -> list[dict[str, Any]]:
    """Throughput of each engine relative to bare spaCy, from rounds run back to back."""
    ratios = []
    for engine in engines:
        if engine == BASELINE_ENGINE:
            continue
        for n in processes:
            base, other = results.get((BASELINE_ENGINE, n)), results.get((engine, n))
            if not base or not other:
                continue
            pairs = [(b, o) for b, o in zip(base, other, strict=True)
                     if "error" not in b and "error" not in o]
            if not pairs:
                continue
            per_round = [b["seconds"] / o["seconds"] for b, o in pairs]
            cpu_per_round = [b["cpu_seconds"] / o["cpu_seconds"] for b, o in pairs]
            ratio = statistics.median(per_round)
            ratios.append({
                "engine": engine, "n_process": n, "ratio": ratio, "per_round": per_round,
                "ratio_of_medians": (statistics.median(b["seconds"] for b, _ in pairs)
                                     / statistics.median(o["seconds"] for _, o in pairs)),
                "cpu_ratio": statistics.median(cpu_per_round), "cpu_per_round": cpu_per_round,
                "meets_issue2_target": ratio >= ISSUE2_TARGET_RATIO,
                "issue10_target": ISSUE10_TARGETS.get(engine),
                "meets_issue10_target": ratio >= ISSUE10_TARGETS[engine]
                if engine in ISSUE10_TARGETS else None})
    return ratios


def run_rounds(script: Path, args: argparse.Namespace, engines: Sequence[str],
               processes: Sequence[int]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    results: dict[tuple[str, int], list[dict[str, Any]]] = {
        (e, n): [] for n in processes for e in engines}
    for round_no in range(args.rounds):
        for n in processes:
            # Alternate the order each round so neither side always runs first.
            order = list(engines) if round_no % 2 == 0 else list(reversed(engines))
            for engine in order:
                print(f"round {round_no + 1}/{args.rounds}: {engine} n_process={n} ...",
                      file=sys.stderr, flush=True)
                run = measure(script, args, engine, n)
                if "error" in run:
                    print(f"  FAILED: {run['error']}", file=sys.stderr)
                else:
                    print(f"  {run['seconds']:.2f} s", file=sys.stderr)
                results[(engine, n)].append(run)
    return results


def markdown_table(configs: Iterable[dict[str, Any]], ratios: list[dict[str, Any]]) -> str:
    ratio_of = {(r["engine"], r["n_process"]): r for r in ratios}
    lines = ["| engine | processes | docs/s | words/s | median s (min-max) | CPU s "
             "| peak RSS MB | vs spaCy (wall) | vs spaCy (CPU) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in configs:
        if "median_seconds" not in c:
            lines.append(f"| {c['label']} | {c['n_process']} | failed | | | | | | |")
            continue
        peak = f"{c['peak_rss_mb']:.0f}" if c["peak_rss_mb"] is not None else "n/a"
        ratio = ratio_of.get((c["engine"], c["n_process"]))
        if c["engine"] == BASELINE_ENGINE:
            wall_s = cpu_s = "1.00"
        elif ratio is not None:
            wall_s, cpu_s = f"{ratio['ratio']:.2f}", f"{ratio['cpu_ratio']:.2f}"
        else:
            wall_s = cpu_s = ""
        lines.append(f"| {c['label']} | {c['n_process']} | {c['docs_per_s']:.2f} "
                     f"| {c['words_per_s']:.0f} | {c['median_seconds']:.2f} "
                     f"({c['min_seconds']:.2f}-{c['max_seconds']:.2f}) "
                     f"| {c['median_cpu_seconds']:.1f} | {peak} | {wall_s} | {cpu_s} |")
    return "\n".join(lines)


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def build_parser(description: str, engines: Sequence[str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--texts", type=Path, default=None,
                   help="folder of .txt files (default: PolNeAR dev texts if present, "
                        "else the bundled sample article repeated)")
    p.add_argument("--limit", type=int, default=None, help="use the first N texts (0 = all)")
    p.add_argument("--repeat", type=int, default=50,
                   help="copies of the sample article when no corpus is found (default 50)")
    p.add_argument("--model", default=None, help="spaCy model (default: saidwhat's default)")
    p.add_argument("--engines", default=",".join(engines),
                   help=f"comma-separated, from {','.join(engines)} (default: all)")
    p.add_argument("--processes", default="1,2", help="process counts to run (default 1,2)")
    p.add_argument("--rounds", type=int, default=3, help="timed repetitions (median reported)")
    p.add_argument("--warmup", type=int, default=5, help="documents parsed before timing")
    p.add_argument("--batch-size", type=int, default=8,
                   help="documents per parser batch and per pool task (default 8: small "
                        "enough that two processes share a corpus of ~100 documents)")
    p.add_argument("--json", type=Path, default=None, help="write the results here")
    p.add_argument("--worker", choices=list(engines), help=argparse.SUPPRESS)
    p.add_argument("--worker-n-process", type=int, default=1, help=argparse.SUPPRESS)
    return p


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None,
               engines: Sequence[str]) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if args.limit == 0:
        args.limit = None
    if args.texts is not None:
        args.texts = args.texts.resolve()
    args.engine_list = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in args.engine_list if e not in engines]
    if unknown:
        parser.error(f"unknown engine(s) {unknown}; choose from {list(engines)}")
    try:
        args.process_list = [int(n) for n in args.processes.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--processes {args.processes!r}: expected integers like 1,2")
    if not args.process_list or min(args.process_list) < 1:
        parser.error("--processes needs at least one count >= 1")
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    return args


def command_line(script: Path, argv: Sequence[str] | None) -> str:
    try:
        shown = script.relative_to(REPO_ROOT)
    except ValueError:
        shown = script
    # The benchmark's own venv (bench-env/) is named, any other interpreter is "python".
    python = Path(sys.executable)
    interpreter = (str(python.relative_to(REPO_ROOT)) if python.is_relative_to(REPO_ROOT)
                   else "python")
    return shlex.join([interpreter, str(shown), *(sys.argv[1:] if argv is None else argv)])


def benchmark(script: Path, args: argparse.Namespace, argv: Sequence[str] | None,
              name: str) -> dict[str, Any]:
    """Run every configuration, print the table, return the JSON-ready report."""
    corpus = load_corpus(args.texts, args.limit, args.repeat)
    for bad in corpus.skipped:
        print(f"skipped {bad['file']}: {bad['reason']}", file=sys.stderr)
    info = machine_info()
    started = dt.datetime.now(dt.UTC)
    results = run_rounds(script, args, args.engine_list, args.process_list)
    configs = [summarize(runs, corpus.words) for runs in results.values()]
    ratios = paired_ratios(results, args.engine_list, args.process_list)
    first_ok = next((r for runs in results.values() for r in runs if "error" not in r), None)
    info["model"] = first_ok["model"] if first_ok else None
    info["loadavg_at_end"] = list(os.getloadavg())
    report = {
        "benchmark": name,
        "date": started.isoformat(timespec="seconds"),
        "command": command_line(script, argv),
        "machine": info,
        "corpus": {"source": corpus.source, "docs": len(corpus.items), "words": corpus.words,
                   "chars": corpus.chars, "skipped": corpus.skipped},
        "settings": {"rounds": args.rounds, "warmup_docs": args.warmup,
                     "batch_size": args.batch_size, "processes": args.process_list,
                     "engines": args.engine_list, "words": "whitespace tokens of the input",
                     "timed": "one full pass over the corpus, excluding model load and warm-up, "
                              "including worker start-up for multi-process runs",
                     "cpu_seconds": "user + system CPU of the process and its workers over the "
                                    "timed pass: less sensitive than wall time to other load "
                                    "on a shared machine"},
        "configs": configs,
        "ratios": ratios,
        "issue2_target_ratio": ISSUE2_TARGET_RATIO,
    }
    m = info
    print(f"# {name}: {report['date']}")
    print(f"command: {report['command']}")
    print(f"machine: {m['cpu_model']}, {m['cpu_count']} cores ({m['usable_cpus']} usable), "
          f"Python {m['python']}, spaCy {m['spacy']}, model "
          f"{m['model']['name'] if m['model'] else '?'} {m['model']['version'] if m['model'] else ''}"
          f", load average {m['loadavg_at_start'][0]:.2f} -> {m['loadavg_at_end'][0]:.2f}")
    print(f"corpus: {corpus.source}: {len(corpus.items)} docs, {corpus.words} words")
    print()
    print(markdown_table(configs, ratios))
    for r in ratios:
        verdict = "meets" if r["meets_issue2_target"] else "below"
        extra = ""
        if r.get("issue10_target") is not None:
            extra = (f"; {'meets' if r['meets_issue10_target'] else 'below'} the issue-10 "
                     f"target {r['issue10_target']}")
        print(f"\n{r['engine']}/spaCy throughput, {r['n_process']} process(es): "
              f"{r['ratio']:.2f} wall, {r['cpu_ratio']:.2f} CPU "
              f"({verdict} the issue-2 target {ISSUE2_TARGET_RATIO}{extra})")
    return report


def main(argv: Sequence[str] | None = None, *, workloads: dict[str, Workload] | None = None,
         script: Path | None = None, name: str = "saidwhat-throughput",
         description: str = "Extraction throughput and memory: bare spaCy vs saidwhat.") -> int:
    workloads = workloads or WORKLOADS
    script = script or Path(__file__).resolve()
    parser = build_parser(description, list(workloads))
    args = parse_args(parser, argv, list(workloads))
    try:
        if args.worker:
            return worker_main(args, workloads)
        report = benchmark(script, args, argv, name)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json is not None:
        write_json_atomic(args.json, report)
        print(f"\nwrote {args.json}")
    failed = any(c.get("errors") for c in report["configs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
