"""Training the learned attribution model (``saidwhat train``).

From brat gold (PolNeAR train): the documents are parsed once (cached), the rules'
candidates computed, and three logistic regressions fitted with L-BFGS (scipy, the optional
``train`` extra; deterministic, so a fixed seed only orders the data):

* **cue**: every token that may be a cue; positive when it heads a gold cue;
* **content**: the spans generated around each gold cue head; positive when the span equals
  the gold content (after the scorer's normalisation); when none does, all are negatives;
* **source**: the source heads generated around each gold cue head; positive when inside
  the gold source.

The cue-extent table counts, per dependency label (and word), how often a cue head's child
is part of the gold cue. Dev (optional) is used for model selection only: the cue, source
and rule-dropping thresholds that give the best mean of attribution F1 and the content,
source and cue exact F1 under ``--scheme parc`` (:data:`SELECTION`).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, Token

from ..evaluation.gold import GoldDocument, GoldSet
from ..evaluation.scorer import DocIndex, token_f1
from ..pipeline.cues import mention_span, subtree_extent
from .features import (
    DocFeatures,
    content_candidates,
    content_features,
    cue_children,
    cue_extent_keys,
    cue_features,
    is_cue_candidate,
    source_candidates,
    source_extent_keys,
    source_features,
    source_modifiers,
)
from .model import AttributionModel, LinearModel

MIN_COUNT = 2  # features seen fewer times in training are left out
L2 = 1.0  # L2 penalty of the cue and source logistic regressions
CONTENT_L2 = 3.0  # the content ranker's (more, sparser conjunction features: chosen on dev)


@dataclass
class Examples:
    feats: list[list[str]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # the cue each candidate belongs to

    def add(self, f: list[str], y: bool, group: int = -1) -> None:
        self.feats.append(f)
        self.labels.append(int(y))
        self.groups.append(group)


@dataclass
class TrainData:
    cue: Examples = field(default_factory=Examples)
    content: Examples = field(default_factory=Examples)
    source: Examples = field(default_factory=Examples)
    extent: Counter[str] = field(default_factory=Counter)
    extent_in: Counter[str] = field(default_factory=Counter)
    src_extent: Counter[str] = field(default_factory=Counter)
    src_extent_in: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)


def _tokens_in(sdoc: Doc, parts: tuple[tuple[int, int], ...]) -> list[Token]:
    out = []
    for a, b in parts:
        span = sdoc.char_span(a, b, alignment_mode="expand")
        if span is not None:
            out.extend(t for t in span if not t.is_space)
    return out


def cue_head(sdoc: Doc, parts: tuple[tuple[int, int], ...]) -> Token | None:
    """The syntactic head of a gold cue: its token whose head lies outside it (a verb or
    noun first)."""
    toks = _tokens_in(sdoc, parts)
    if not toks:
        return None
    inside = {t.i for t in toks}
    heads = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    pool = heads or toks
    return max(pool, key=lambda t: (is_cue_candidate(t), t.pos_ in ("VERB", "NOUN"), -t.i))


def rules_pipeline(scheme: str = "parc") -> Any:
    from ..config import build_pipeline, extractor_overrides, load_config

    return build_pipeline(load_config().merge(extractor_overrides("rules", scheme)))


def doc_context(attribution: Any, gd: GoldDocument, sdoc: Doc) -> tuple[Any, list[Any]]:
    """The rules pipeline's context of one parsed gold document and its rules' candidates."""
    ctx = attribution.context(sdoc, gd.doc_id, gd.text)
    found: list[Any] = []
    for name, source in attribution.sources:
        if name == "learned":
            continue
        proposed = source(ctx, tuple(found))
        for c in proposed:
            c.provenance = c.provenance or name
        found += proposed
    return ctx, found


def collect(golds: list[GoldDocument], sdocs: list[Doc], attribution: Any) -> TrainData:
    data = TrainData()
    for gd, sdoc in zip(golds, sdocs, strict=True):
        ctx, prior = doc_context(attribution, gd, sdoc)
        df = DocFeatures.of(ctx, prior)
        idx = DocIndex(gd.text)
        heads: dict[int, Any] = {}
        for a in gd.attributions:
            if not a.cue:
                data.stats["gold_no_cue"] += 1
                continue
            h = cue_head(sdoc, a.cue)
            if h is None:
                continue
            if not is_cue_candidate(h):
                data.stats["gold_head_not_candidate"] += 1
                continue
            heads.setdefault(h.i, a)
        data.stats["gold"] += len(gd.attributions)
        for tok in sdoc:
            if is_cue_candidate(tok):
                data.cue.add(cue_features(tok, df), tok.i in heads)
        for i, a in heads.items():
            tok = sdoc[i]
            cue_toks = {t.i for t in _tokens_in(sdoc, a.cue)}
            for c in cue_children(tok):
                for k in cue_extent_keys(c):
                    data.extent[k] += 1
                    data.extent_in[k] += c.i in cue_toks
            _content_examples(data, tok, a, df, idx)
            _source_examples(data, tok, a, df)
    return data


def _content_examples(data: TrainData, tok: Token, a: Any, df: DocFeatures,
                      idx: DocIndex) -> None:
    cands = content_candidates(tok, df)
    if not cands:
        data.stats["content_no_candidate"] += 1
        return
    gnorm = idx.normalise(a.content)
    gtok = idx.tokens(a.content)
    spans = list(cands)
    exact = [idx.normalise((s,)) == gnorm for s in spans]
    if not any(exact):
        # no candidate is the gold span: every one is a negative (labelling the nearest one
        # positive taught the ranker wrong edges: -14 right picks on dev)
        f1s = [token_f1(gtok, idx.tokens((s,))) for s in spans]
        data.stats["content_near" if max(f1s) >= 0.5 else "content_missed"] += 1
    else:
        data.stats["content_exact"] += 1
    longest = max(e - s for s, e in spans)
    group = data.stats["content_groups"]
    data.stats["content_groups"] += 1
    for span, y in zip(spans, exact, strict=True):
        data.content.add(content_features(tok, span, cands[span], df, len(cands),
                                          span[1] - span[0] == longest), y, group)


def _source_examples(data: TrainData, tok: Token, a: Any, df: DocFeatures) -> None:
    cands = source_candidates(tok, df)
    sdoc = tok.doc
    for i, kinds in cands.items():
        t = sdoc[i]
        y = any(s <= t.idx < e for s, e in a.source)
        data.source.add(source_features(tok, t, kinds), y)
        if y:  # which modifiers of the head the gold source keeps
            s0, e0 = mention_span(t, tok, df.lang)
            inside = {x.i for x in _tokens_in(sdoc, a.source)}
            for c in source_modifiers(t, s0, e0):
                lo, hi = subtree_extent(c)
                kept = all(j in inside or sdoc[j].is_punct or sdoc[j].is_space
                           for j in range(lo, hi + 1))
                for k in source_extent_keys(c, t):
                    data.src_extent[k] += 1
                    data.src_extent_in[k] += kept
    if a.source:
        data.stats["source_gold"] += 1
        if any(any(s <= sdoc[i].idx < e for s, e in a.source) for i in cands):
            data.stats["source_reachable"] += 1


def _matrix(ex: Examples, order: list[int], min_count: int) -> tuple[Any, dict[str, int]]:
    from scipy import sparse

    counts: Counter[str] = Counter(f for fs in ex.feats for f in set(fs))
    names = sorted(f for f, n in counts.items() if n >= min_count)
    vocab = {f: i for i, f in enumerate(names)}
    rows, cols = [], []
    for r, k in enumerate(order):
        for c in {vocab[f] for f in ex.feats[k] if f in vocab}:
            rows.append(r)
            cols.append(c)
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(order), len(names)))
    return X, vocab


def fit(ex: Examples, seed: int, l2: float = L2, min_count: int = MIN_COUNT) -> LinearModel:
    """L2-regularised logistic regression by L-BFGS over binary features."""
    from scipy.optimize import minimize

    order = list(range(len(ex.feats)))
    random.Random(seed).shuffle(order)
    X, vocab = _matrix(ex, order, min_count)
    n, d = X.shape
    y = np.asarray([ex.labels[k] for k in order], dtype=np.float64) * 2 - 1

    def loss(wb: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = wb[:-1], wb[-1]
        z = X @ w + b
        m = -y * z
        lo = np.logaddexp(0.0, m)
        g = -y * np.exp(m - lo)  # d lo / d z
        grad = np.empty_like(wb)
        grad[:-1] = X.T @ g + l2 * w
        grad[-1] = g.sum()
        return float(lo.sum() + 0.5 * l2 * w @ w), grad

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                   options={"maxiter": 500})
    return LinearModel(vocab, res.x[:-1].copy(), float(res.x[-1]))


def extent_table(data: TrainData) -> dict[str, float]:
    return {k: data.extent_in[k] / n for k, n in data.extent.items() if n >= 3}


def source_extent_table(data: TrainData) -> dict[str, float]:
    return {k: data.src_extent_in[k] / n for k, n in data.src_extent.items() if n >= 5}


def score_dev(model: AttributionModel, golds: list[GoldDocument], sdocs: list[Doc],
              scheme: str = "parc") -> dict[str, float | None]:
    """The learned pipeline's scores on parsed gold documents."""
    from ..config import build_pipeline, extractor_overrides, load_config
    from ..evaluation import evaluate
    from .component import LearnedCues, LearnedMerge

    pipe = build_pipeline(load_config().merge(extractor_overrides("rules", scheme)))
    pipe.sources.append(("learned", LearnedCues(model)))
    pipe.merger = LearnedMerge(model.drop_threshold, bool(model.thresholds.get("rules_content")))
    preds = [pipe(sd, gd.doc_id, gd.text) for gd, sd in zip(golds, sdocs, strict=True)]
    report = evaluate(GoldSet(documents=golds), preds)
    out = dict(report.targets())
    for role in ("content", "cue", "source"):
        out[f"{role}_exact_f1"] = report.micro(f"{role}.exact").f1
    return out


def train(train_golds: list[GoldDocument], train_docs: list[Doc],
          dev_golds: list[GoldDocument] | None = None, dev_docs: list[Doc] | None = None,
          seed: int = 13, say: Callable[[str], None] = lambda _: None) -> AttributionModel:
    start = time.monotonic()
    attribution = rules_pipeline("parc")
    data = collect(train_golds, train_docs, attribution)
    say(f"examples: cue {len(data.cue.labels)} ({sum(data.cue.labels)} positive), content "
        f"{len(data.content.labels)}, source {len(data.source.labels)}; {dict(data.stats)}")
    cue = fit(data.cue, seed)
    content = fit(data.content, seed, l2=CONTENT_L2)
    source = fit(data.source, seed)
    model = AttributionModel(cue, content, source, extent_table(data),
                             {"cue": 0.5, "source": 0.3, "drop_rules": 0.05,
                              "rules_content": 0.0}, source_extent=source_extent_table(data))
    say(f"fitted in {time.monotonic() - start:.0f} s")
    dev_scores: dict[str, float | None] = {}
    if dev_golds and dev_docs:
        model, dev_scores = select_thresholds(model, dev_golds, dev_docs, say)
    model.info = {"seed": seed, "train_documents": len(train_golds),
                  "train_seconds": round(time.monotonic() - start, 1),
                  "examples": {"cue": len(data.cue.labels), "content": len(data.content.labels),
                               "source": len(data.source.labels)},
                  "dev_documents": len(dev_golds or []),
                  "dev_parc": {k: None if v is None else round(v, 4)
                               for k, v in dev_scores.items()},
                  "min_count": MIN_COUNT, "l2": L2, "content_l2": CONTENT_L2}
    return model


GRID = {"cue": (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7), "source": (0.1, 0.2, 0.3, 0.4, 0.5),
        "drop_rules": (0.0, 0.05, 0.2, 0.35, 0.5), "rules_content": (0.0, 1.0)}
# Model selection maximises the mean of these dev scores (--scheme parc): attribution F1
# alone trades the exact spans away for a few more attributions.
SELECTION = ("attribution_f1", "content_exact_f1", "source_exact_f1", "cue_exact_f1")


def selection_score(scores: dict[str, float | None]) -> float:
    return sum(scores.get(k) or 0.0 for k in SELECTION) / len(SELECTION)


def select_thresholds(model: AttributionModel, golds: list[GoldDocument], sdocs: list[Doc],
                      say: Callable[[str], None]) -> tuple[AttributionModel,
                                                           dict[str, float | None]]:
    """Coordinate search of the thresholds on dev (parc) for :func:`selection_score`."""
    best = score_dev(model, golds, sdocs)
    for name, values in GRID.items():
        for v in values:
            if v == model.thresholds[name]:
                continue
            trial = replace(model, thresholds={**model.thresholds, name: v})
            got = score_dev(trial, golds, sdocs)
            say(f"  {name}={v}: selection score {selection_score(got):.4f} (attribution F1 "
                f"{got['attribution_f1']:.4f})")
            if selection_score(got) > selection_score(best):
                model, best = trial, got
    say(f"thresholds {model.thresholds}: dev {best}")
    return model, best


def load_split(path: str | Path) -> GoldSet:
    from ..evaluation import load_gold

    return load_gold(path)
