#!/usr/bin/env python
"""textacy baseline: ``textacy.extract.triples.direct_quotations`` on the same texts.

textacy is not a saidwhat dependency: run this with the benchmark's own environment,

    bash benchmarks/setup_textacy_env.sh           # creates bench-env/ (gitignored)
    bench-env/bin/python benchmarks/textacy_baseline.py --limit 10 \
        --json out/textacy.json --pred out/textacy-polnear-dev.jsonl

It times, with the harness of ``throughput.py`` (fresh subprocess per measurement, warm-up,
median of interleaved rounds), bare spaCy ``nlp.pipe`` against spaCy + ``direct_quotations``
with the same model (``saidwhat.nlp.load_nlp``), and with ``--pred`` writes textacy's
quotations in saidwhat's JSONL contract so ``saidwhat eval --gold DIR --pred FILE`` can
score them. textacy gives (speaker tokens, cue tokens, content span incl. quotation marks);
they become char-offset ``source``, ``cue`` and ``content`` spans (content without the
marks), kind ``"direct"``, speaker name = the speaker text. textacy refuses a document
whose quotation-mark count is odd (ValueError); such a document is written with no quotes
and the reason under ``meta.textacy_error``, and counted on stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import throughput  # noqa: E402  (the shared harness beside this file)
from spacy.tokens import Doc, Span, Token  # noqa: E402

from saidwhat.model import Document, Quote, Speaker, TextSpan  # noqa: E402


def _char_span(text: str, tokens: Sequence[Token]) -> TextSpan:
    """The char span from the first to the last token; textacy's token lists can have gaps
    (conjuncts, compounds, auxiliaries), so the span covers what lies between them too."""
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return TextSpan.of(text, start, end)


def content_without_marks(text: str, content: Span) -> TextSpan:
    """textacy's content span starts and ends with quotation-mark tokens; drop them and the
    whitespace just inside them."""
    start = content[0].idx + len(content[0].text) if content[0].is_quote else content[0].idx
    last = content[-1]
    end = last.idx if last.is_quote else last.idx + len(last.text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return TextSpan.of(text, start, end)


def triple_to_quote(text: str, speaker: Sequence[Token], cue: Sequence[Token], content: Span,
                    quote_id: str) -> Quote:
    source = _char_span(text, speaker)
    return Quote(id=quote_id, kind="direct", content=content_without_marks(text, content),
                 cue=_char_span(text, cue), source=source, speaker=Speaker(name=source.text))


def textacy_document(sdoc: Doc, doc_id: str) -> Document:
    """textacy's direct quotations of one parsed document, as a saidwhat Document."""
    from textacy.extract.triples import direct_quotations

    doc = Document(doc_id=doc_id, text=sdoc.text)
    try:
        triples = list(direct_quotations(sdoc))
    except ValueError as exc:  # textacy bails out on an odd number of quotation marks
        doc.meta["textacy_error"] = str(exc)
        return doc
    doc.quotes = [triple_to_quote(sdoc.text, t.speaker, t.cue, t.content, f"q{i}")
                  for i, t in enumerate(triples, 1)]
    return doc


def textacy_documents(model: str | None, items: list[tuple[str, str]], batch_size: int,
                      n_process: int) -> Iterator[Document]:
    from saidwhat.nlp import load_nlp

    nlp = load_nlp(model)
    stream = ((text, doc_id) for doc_id, text in items)
    for sdoc, doc_id in nlp.pipe(stream, as_tuples=True, batch_size=batch_size,
                                 n_process=n_process):
        yield textacy_document(sdoc, doc_id)


def run_textacy(model: str | None, items: list[tuple[str, str]], batch_size: int,
                n_process: int) -> int:
    return sum(1 for _ in textacy_documents(model, items, batch_size, n_process))


WORKLOADS: dict[str, throughput.Workload] = {"spacy": throughput.run_spacy,
                                             "textacy": run_textacy}


def write_predictions(path: Path, corpus: throughput.Corpus, model: str | None,
                      batch_size: int) -> dict[str, Any]:
    """Write one JSON line per document, all or nothing (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    docs = quotes = refused = 0
    with tmp.open("w", encoding="utf-8") as out:
        for doc in textacy_documents(model, corpus.items, batch_size, 1):
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            docs += 1
            quotes += len(doc.quotes)
            if "textacy_error" in doc.meta:
                refused += 1
                print(f"textacy refused {doc.doc_id}: {doc.meta['textacy_error']}",
                      file=sys.stderr)
    tmp.replace(path)
    return {"path": str(path), "docs": docs, "quotes": quotes, "docs_refused_by_textacy": refused}


def main(argv: Sequence[str] | None = None) -> int:
    engines = list(WORKLOADS)
    parser = throughput.build_parser(
        "textacy direct_quotations baseline: throughput vs bare spaCy, and predictions.", engines)
    parser.set_defaults(processes="1")
    parser.add_argument("--pred", type=Path, default=None,
                        help="write textacy's quotations here as saidwhat JSONL")
    parser.add_argument("--no-bench", action="store_true",
                        help="only write --pred, skip the timing")
    args = throughput.parse_args(parser, argv, engines)
    script = Path(__file__).resolve()
    try:
        if args.worker:
            return throughput.worker_main(args, WORKLOADS)
        import textacy

        report: dict[str, Any] = {}
        if not args.no_bench:
            report = throughput.benchmark(script, args, argv, "textacy-baseline")
            report["machine"]["textacy"] = textacy.__version__
        if args.pred is not None:
            corpus = throughput.load_corpus(args.texts, args.limit, args.repeat)
            stats = write_predictions(args.pred, corpus, args.model, args.batch_size)
            print(f"\npredictions: {stats['docs']} docs, {stats['quotes']} quotes, "
                  f"{stats['docs_refused_by_textacy']} docs refused by textacy -> {args.pred}")
            report["predictions"] = stats
            report.setdefault("command", throughput.command_line(script, argv))
    except throughput.CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json is not None:
        throughput.write_json_atomic(args.json, report)
        print(f"wrote {args.json}")
    failed = any(c.get("errors") for c in report.get("configs", []))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
