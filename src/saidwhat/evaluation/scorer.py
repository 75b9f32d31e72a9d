"""Scoring predicted quotes against gold attributions.

Everything here is pure: gold documents and predicted :class:`~saidwhat.model.Document` records
in, a :class:`~saidwhat.evaluation.report.Report` out. The rules are in docs/gold-format.md
("Scoring rules"); the short version:

* spans are compared after stripping whitespace, quotation marks and edge punctuation;
* token overlap uses word tokens (``\\w+``) and token-F1 between two spans;
* one-to-one matching is greedy on scores sorted best first (ties: gold order, then prediction
  order), so one prediction never matches two gold items.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Document, Quote, TextSpan
from ..names import name_words, same_name
from ..quotemarks import MARK_CHARS
from .gold import GoldAttribution, GoldDocument, GoldSet, Part, Spans

if TYPE_CHECKING:
    from .report import Report

# Stripped from both ends of every span part before exact comparison: whitespace, every
# quotation mark (saidwhat.quotemarks) and edge punctuation.
STRIP_CHARS = " \t\r\n\u00a0" + MARK_CHARS + ".,;:!?…—–-"
_WORD_RE = re.compile(r"\w+")

OVERLAP = 0.5  # token-F1 needed for an "overlap" match and for attribution matching
LOOSE = 0.3  # the looser, GGT-style content overlap
ROLES_SCORED = ("content", "source", "cue", "channel")
SPAN_MATCHES = ("exact", "overlap", "loose", "soft", "token")


@dataclass(slots=True)
class Counts:
    """Matched/predicted/gold counts; ``tp`` is fractional for the soft metric."""

    tp: float = 0.0
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def empty(self) -> bool:
        return self.n_pred == 0 and self.n_gold == 0

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "n_pred": self.n_pred, "n_gold": self.n_gold}


@dataclass(slots=True)
class PredAttribution:
    """A predicted quote in the gold's span shape."""

    content: Spans
    cue: Spans
    source: Spans
    channel: Spans
    quote: Quote

    def span(self, role: str) -> Spans:
        return getattr(self, role)  # type: ignore[no-any-return]

    @classmethod
    def of(cls, q: Quote) -> PredAttribution:
        def sp(s: TextSpan | None) -> Spans:
            return ((s.start, s.end),) if s is not None and s.end > s.start else ()

        # a split quotation (--scheme parc) is scored by its parts, as brat gold marks it
        content = tuple((p.start, p.end) for p in q.content_parts if p.end > p.start) \
            if q.content_parts else sp(q.content)
        return cls(content=content, cue=sp(q.cue), source=sp(q.source),
                   channel=sp(q.channel), quote=q)


class DocIndex:
    """Word tokens of one text, to turn spans into token sets and normalised spans."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [m.span() for m in _WORD_RE.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self._cache: dict[Spans, frozenset[int]] = {}

    def tokens(self, spans: Spans) -> frozenset[int]:
        """Indices of the word tokens overlapping the span; a span without word characters
        counts its non-space characters instead (as negative ids), so a ":" cue can still match."""
        got = self._cache.get(spans)
        if got is not None:
            return got
        ids: set[int] = set()
        for a, b in spans:
            lo = bisect_right(self.ends, a)  # first token ending after a
            hi = bisect_left(self.starts, b)  # tokens starting before b
            ids.update(range(lo, hi))
        if not ids:
            ids = {-(i + 1) for a, b in spans for i in range(a, b) if not self.text[i].isspace()}
        out = frozenset(ids)
        self._cache[spans] = out
        return out

    def normalise(self, spans: Spans) -> Spans:
        """Strip whitespace, quotation marks and edge punctuation from each part; join parts
        separated only by such characters. A span of nothing but those (a ":" cue) is kept as is."""
        parts: list[Part] = []
        for a, b in spans:
            while a < b and self.text[a] in STRIP_CHARS:
                a += 1
            while b > a and self.text[b - 1] in STRIP_CHARS:
                b -= 1
            if a >= b:
                continue
            if parts and not _WORD_RE.search(self.text[parts[-1][1]:a]):
                parts[-1] = (parts[-1][0], b)
            else:
                parts.append((a, b))
        return tuple(parts) if parts else spans


def token_f1(g: frozenset[int], p: frozenset[int]) -> float:
    if not g or not p:
        return 0.0
    common = len(g & p)
    return 2 * common / (len(g) + len(p)) if common else 0.0


def greedy_match(scores: Iterable[tuple[float, int, int]], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold, pred, score) with score >= threshold (> 0), best score first."""
    ranked = sorted((s for s in scores if s[0] >= threshold and s[0] > 0),
                    key=lambda s: (-s[0], s[1], s[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for score, g, p in ranked:
        if g in used_g or p in used_p:
            continue
        used_g.add(g)
        used_p.add(p)
        out.append((g, p, score))
    return out


# ----------------------------------------------------------------------------- names


def name_tokens(name: str | None) -> tuple[str, ...]:
    """Folded name words without leading titles/articles or Jr/Sr/III (:func:`saidwhat.names.name_words`)."""
    return name_words(name)


def names_match(gold: str | None, pred: str | None, gold_type: str | None = None) -> bool:
    """The same speaker by :func:`saidwhat.names.same_name`: equal keys, or (unless the gold
    speaker is an organization) one name is the other's surname, or only middle names differ."""
    return same_name(gold, pred, person=gold_type != "organization")


# ----------------------------------------------------------------------------- per document


@dataclass(slots=True)
class Match:
    gold: int
    pred: int
    score: float


@dataclass(slots=True)
class DocScore:
    """Everything scored for one document; the report aggregates these."""

    doc_id: str
    gold: GoldDocument
    preds: list[PredAttribution]
    index: DocIndex
    counts: dict[str, Counts] = field(default_factory=dict)
    attribution_matches: list[Match] = field(default_factory=list)
    content_matches: list[Match] = field(default_factory=list)
    speaker_named: int = 0
    speaker_found: int = 0
    speaker_correct: int = 0
    speaker_type_found: int = 0
    speaker_type_correct: int = 0
    kind_pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold kind, pred kind)


def _role_counts(idx: DocIndex, gold: list[Spans], pred: list[Spans]) -> dict[str, Counts]:
    gtok = [idx.tokens(s) for s in gold]
    ptok = [idx.tokens(s) for s in pred]
    f1s = [(token_f1(g, p), i, j) for i, g in enumerate(gtok) for j, p in enumerate(ptok)]
    gnorm = [idx.normalise(s) for s in gold]
    pnorm = [idx.normalise(s) for s in pred]
    exact = [(1.0, i, j) for i, g in enumerate(gnorm) for j, p in enumerate(pnorm) if g and g == p]
    n_g, n_p = len(gold), len(pred)
    out = {
        "exact": Counts(len(greedy_match(exact, 1.0)), n_p, n_g),
        "overlap": Counts(len(greedy_match(f1s, OVERLAP)), n_p, n_g),
        "loose": Counts(len(greedy_match(f1s, LOOSE)), n_p, n_g),
        "soft": Counts(sum(s for _, _, s in greedy_match(f1s, 0.0)), n_p, n_g),
    }
    g_all = frozenset().union(*gtok) if gtok else frozenset()
    p_all = frozenset().union(*ptok) if ptok else frozenset()
    out["token"] = Counts(len(g_all & p_all), len(p_all), len(g_all))
    return out


def _source_ok(idx: DocIndex, g: GoldAttribution, p: PredAttribution, scored: bool) -> bool:
    if not scored:
        return True
    if not g.source:
        return not p.source
    return bool(p.source) and bool(idx.tokens(g.source) & idx.tokens(p.source))


def score_document(gold: GoldDocument, pred: Document | None) -> DocScore:
    idx = DocIndex(gold.text)
    preds = [PredAttribution.of(q) for q in (pred.quotes if pred is not None else [])]
    ds = DocScore(gold.doc_id, gold, preds, idx)
    golds = gold.attributions
    for role in ROLES_SCORED:
        if role not in gold.annotated:
            continue
        g_spans = [a.span(role) for a in golds if a.span(role)]
        p_spans = [p.span(role) for p in preds if p.span(role)]
        for how, c in _role_counts(idx, g_spans, p_spans).items():
            ds.counts[f"{role}.{how}"] = c

    content_f1 = {(i, j): token_f1(idx.tokens(g.content), idx.tokens(p.content))
                  for i, g in enumerate(golds) for j, p in enumerate(preds)}
    source_scored = "source" in gold.annotated
    strict = [(f, i, j) for (i, j), f in content_f1.items()
              if f >= OVERLAP and _source_ok(idx, golds[i], preds[j], source_scored)]
    ds.attribution_matches = [Match(g, p, s) for g, p, s in greedy_match(strict, OVERLAP)]
    ds.content_matches = [Match(g, p, s) for g, p, s in
                          greedy_match([(f, i, j) for (i, j), f in content_f1.items()], OVERLAP)]
    ds.counts["attribution.strict"] = Counts(len(ds.attribution_matches), len(preds), len(golds))
    ds.counts["attribution.content"] = Counts(len(ds.content_matches), len(preds), len(golds))

    for kind in ("direct", "indirect", "mixed"):
        matched_g = sum(1 for m in ds.attribution_matches if golds[m.gold].kind == kind)
        matched_p = sum(1 for m in ds.attribution_matches if preds[m.pred].quote.kind == kind)
        n_g = sum(1 for g in golds if g.kind == kind)
        n_p = sum(1 for p in preds if p.quote.kind == kind)
        # recall counts gold of this kind, precision predictions of this kind
        ds.counts[f"kind.{kind}.recall"] = Counts(matched_g, 0, n_g)
        ds.counts[f"kind.{kind}.precision"] = Counts(matched_p, n_p, 0)

    if "speaker" in gold.annotated:
        ds.speaker_named = sum(1 for g in golds if g.speaker is not None and g.speaker.name)
        for m in ds.content_matches:
            g, p = golds[m.gold], preds[m.pred]
            if g.speaker is None:
                continue
            if g.speaker.name:
                ds.speaker_found += 1
                ds.speaker_correct += names_match(g.speaker.name, p.quote.speaker.name, g.speaker.type)
            if g.speaker.type != "unknown":
                ds.speaker_type_found += 1
                ds.speaker_type_correct += g.speaker.type == p.quote.speaker.type
    ds.kind_pairs = [(golds[m.gold].kind, preds[m.pred].quote.kind) for m in ds.content_matches]
    return ds


class PredictionMismatch(ValueError):
    """Predicted offsets do not fit the gold text (the prediction was made on another text)."""


def _same_text(a: str, b: str) -> bool:
    """Equal, or equal up to whitespace (a span's text may have its spaces normalised)."""
    return a == b or a.split() == b.split()


def check_prediction(gold: GoldDocument, pred: Document) -> None:
    if pred.text and pred.text != gold.text:
        raise PredictionMismatch(f"doc '{gold.doc_id}': the prediction's text differs from the gold text")
    n = len(gold.text)
    for q in pred.quotes:
        for role in ("content", "cue", "source", "channel"):
            s: TextSpan | None = getattr(q, role)
            if s is None:
                continue
            if not 0 <= s.start <= s.end <= n or (s.text and not _same_text(gold.text[s.start:s.end],
                                                                             s.text)):
                raise PredictionMismatch(
                    f"doc '{gold.doc_id}' quote {q.id} {role}: offsets {s.start}..{s.end} do not"
                    f" cover {s.text[:40]!r} in the gold text")


def evaluate(gold_docs: GoldSet | Iterable[GoldDocument],
             pred_docs: Iterable[Document] | Mapping[str, Document],
             on_progress: Callable[[], None] | None = None) -> Report:
    """Score predictions against gold; documents are paired by ``doc_id``.

    A gold document without a prediction counts as predicting nothing; predictions for unknown
    documents, and predictions whose offsets do not fit the gold text, are reported in
    ``Report.issues`` (and the latter documents left out of the scores).
    """
    from .report import Problem, Report  # report imports this module

    if isinstance(gold_docs, GoldSet):
        gold_set = gold_docs
    else:
        gold_set = GoldSet(documents=list(gold_docs))
    preds = dict(pred_docs) if isinstance(pred_docs, Mapping) else {d.doc_id: d for d in pred_docs}
    report = Report(gold_format=gold_set.format, gold_errors=list(gold_set.errors),
                    gold_warnings=list(gold_set.warnings))
    gold_ids = {g.doc_id for g in gold_set.documents}
    for doc_id in preds:
        if doc_id not in gold_ids:
            report.issues.append(Problem("unknown_prediction",
                                         f"prediction for unknown doc_id '{doc_id}' ignored",
                                         doc_id))
    for gold in gold_set.documents:
        pred = preds.get(gold.doc_id)
        if pred is None:
            report.issues.append(Problem(
                "no_prediction", f"doc '{gold.doc_id}': no prediction; scored as predicting nothing",
                gold.doc_id))
        else:
            try:
                check_prediction(gold, pred)
            except PredictionMismatch as exc:
                report.issues.append(Problem("prediction_mismatch",
                                             f"{exc}; document left out of the scores", gold.doc_id))
                continue
        report.add(score_document(gold, pred))
        if on_progress is not None:
            on_progress()
    return report


BOOTSTRAP_METRICS = {"attribution_f1": "attribution.strict", "content_exact_f1": "content.exact",
                     "source_exact_f1": "source.exact", "cue_exact_f1": "cue.exact",
                     "content_token_f1": "content.token"}


def percentile_interval(values: list[float], level: float = 0.95) -> tuple[float, float]:
    """The percentile interval at ``level`` of bootstrap resample values (sorted in place)."""
    values.sort()
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    last = len(values) - 1
    return values[min(last, int(lo_q * len(values)))], values[min(last, int(hi_q * len(values)))]


def bootstrap_intervals(report: Report, n: int, seed: int = 0,
                        level: float = 0.95) -> dict[str, dict[str, float]]:
    """Percentile bootstrap intervals over documents: ``n`` resamples (with replacement) of
    the scored documents, micro F1 of each metric recomputed per resample."""
    import random

    docs = report.docs
    rng = random.Random(seed)
    out: dict[str, dict[str, float]] = {}
    if not docs or n < 1:
        return out
    samples: dict[str, list[float]] = {k: [] for k in BOOTSTRAP_METRICS}
    for _ in range(n):
        pick = [docs[rng.randrange(len(docs))] for _ in docs]
        for key, metric in BOOTSTRAP_METRICS.items():
            total = Counts()
            for ds in pick:
                c = ds.counts.get(metric)
                if c is not None:
                    total.add(c)
            samples[key].append(total.f1)
    for key, values in samples.items():
        lo, hi = percentile_interval(values, level)
        out[key] = {"f1": report.micro(BOOTSTRAP_METRICS[key]).f1, "low": lo, "high": hi,
                    "resamples": n, "seed": seed}
    return out
