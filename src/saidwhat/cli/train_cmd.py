"""CLI command: train (fit the learned attribution model on brat gold, on CPU).

Exit codes: 0 trained and written; 2 usage error (gold unreadable, scipy missing, output
folder's parent missing).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from .common import model_option


def model_card(model: Any, command: str, train_path: str, dev_path: str | None,
               spacy_model: str) -> str:
    info = model.info
    dev = info.get("dev_parc") or {}
    rows = "\n".join(f"| {k} | {'–' if v is None else f'{v:.4f}'} |" for k, v in dev.items())
    return f"""# saidwhat learned attribution model (English)

A cue-first attribution model (saidwhat.learned): logistic-regression cue detector, content
ranker and source ranker over spaCy parse features, with the rules as candidates and
fallback. Applied with numpy; trained with scipy's L-BFGS (`pip install saidwhat[train]`).

* **data**: `{train_path}` ({info.get('train_documents')} documents, brat). Dev
  (`{dev_path or '–'}`, {info.get('dev_documents')} documents) chose the thresholds only.
  The model holds feature strings (single words and lemmas, tags, dependency labels, each
  seen at least twice) and their weights: no passage of the training text.
* **parser**: {spacy_model}
* **command**: `{command}`
* **seed**: {info.get('seed')}; L2 {info.get('l2')} (content ranker {info.get('content_l2', info.get('l2'))}); features seen at least
  {info.get('min_count')} times
* **examples**: {info.get('examples')}
* **train time**: {info.get('train_seconds')} s wall clock, fitting and model selection (the parse,
  cached with `--cache-dir`, comes on top: about 3 minutes for PolNeAR train)
* **thresholds**: {model.thresholds}

## Dev metrics (`--scheme parc`, micro, exact F1 after the scorer's normalisation)

| metric | value |
|---|---|
{rows}

Reproduce: run the command above; `saidwhat eval --gold {dev_path or 'DEV'} --scheme parc
--extractor learned` scores the shipped model.
"""


def register(group: click.Group) -> None:
    @group.command("train")
    @click.option("--train", "train_path", required=True, metavar="PATH",
                  help="Training gold: a brat folder (text/ + attributions/), e.g. "
                       "../shared/data/polnear/train.")
    @click.option("--dev", "dev_path", default=None, metavar="PATH",
                  help="Dev gold (brat) for model selection only (the thresholds).")
    @click.option("--out", "out_dir", required=True, metavar="DIR",
                  help="Model folder to write (replaced whole, atomically), e.g. "
                       "src/saidwhat/models/attribution-en.")
    @click.option("--seed", type=int, default=13, show_default=True)
    @click.option("--cache-dir", default=None, metavar="DIR",
                  help="Keep the parses here (spaCy DocBin) and reuse them on the next run.")
    @model_option
    @click.option("--limit", type=click.IntRange(1), default=None,
                  help="Only the first N training documents.")
    def train_(train_path: str, dev_path: str | None, out_dir: str, seed: int,
               cache_dir: str | None, model: str | None, limit: int | None) -> None:
        """Train the learned attribution model on CPU (fixed seed) and write it with its
        model card and checksum.

        \b
        saidwhat train --train ../shared/data/polnear/train --dev ../shared/data/polnear/dev \\
            --out src/saidwhat/models/attribution-en --cache-dir /tmp/polnear-cache
        """
        from ..atomic import OutputPathError, atomic_folder
        from ..evaluation import GoldFormatError, load_gold
        from ..learned.data import parse_documents
        from ..learned.model import CARD_FILE, CHECKSUM_FILE, MODEL_FILE, sha256_hex
        from ..learned.train import train
        from ..nlp import ModelNotFoundError, add_paragraph_boundaries, add_sentence_cap, load_nlp
        from ..settings import Settings

        try:
            import scipy  # noqa: F401
        except ImportError:
            raise click.UsageError("training needs scipy: pip install 'saidwhat[train]'") from None
        if cache_dir is not None and not Path(cache_dir).is_dir():
            raise click.BadParameter(f"{cache_dir}: no such folder", param_hint="--cache-dir")
        if not Path(out_dir).resolve().parent.is_dir():
            raise click.BadParameter(f"{Path(out_dir).parent}: no such folder",
                                     param_hint="--out")
        try:
            tr = load_gold(train_path)
            dv = load_gold(dev_path) if dev_path else None
        except GoldFormatError as exc:
            raise click.BadParameter(str(exc), param_hint="--train/--dev") from None
        for msg in tr.errors + (dv.errors if dv else []):
            click.echo(f"error: {msg}", err=True)
        try:
            nlp = add_sentence_cap(add_paragraph_boundaries(load_nlp(model)),
                                   Settings().max_sentence_tokens)
        except ModelNotFoundError as exc:
            raise click.BadParameter(str(exc), param_hint="--model") from None
        start = time.monotonic()
        docs = tr.documents[:limit] if limit else tr.documents
        train_docs = parse_documents(docs, nlp, cache_dir)
        dev_docs = parse_documents(dv.documents, nlp, cache_dir) if dv else None
        click.echo(f"parsed in {time.monotonic() - start:.0f} s", err=True)
        m = train(docs, train_docs, dv.documents if dv else None, dev_docs, seed=seed,
                  say=lambda s: click.echo(s, err=True))
        data = m.to_json().encode("utf-8")
        command = " ".join(["saidwhat train", "--train", train_path,
                            *(["--dev", dev_path] if dev_path else []), "--out", out_dir,
                            "--seed", str(seed), *(["--limit", str(limit)] if limit else [])])
        meta = nlp.meta
        card = model_card(m, command, train_path, dev_path,
                          f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}")
        try:
            with atomic_folder(out_dir) as tmp:
                (tmp / MODEL_FILE).write_bytes(data)
                (tmp / CHECKSUM_FILE).write_text(f"{sha256_hex(data)}  {MODEL_FILE}\n",
                                                 encoding="utf-8")
                (tmp / CARD_FILE).write_text(card, encoding="utf-8")
        except OutputPathError as exc:
            raise click.BadParameter(str(exc), param_hint="--out") from None
        click.echo(f"saidwhat train: model written to {out_dir} ({len(data) / 1e6:.1f} MB, "
                   f"sha256 {sha256_hex(data)[:12]}) in {time.monotonic() - start:.0f} s",
                   err=True)
        sys.exit(0)
