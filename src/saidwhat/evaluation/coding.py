"""Scoring concept coding against a coding gold (``tests/data/coding-gold``, its README).

A coding gold is a folder of ``*.gold.yaml`` files; each names a codebook and documents,
and each document lists hand-coded statements: where the statement's content is (a
``quote`` substring of the text or ``content`` offsets), who said it (``actor``), the
concept (or ``null``: not a coded statement) and the agreement (support/oppose).

Two ways to score:

* **end to end** (default): the extractor runs on the texts, the coder codes its quotes
  (speakers resolved as ``saidwhat network`` does), and the gold statements are matched to
  extracted quotes by content overlap;
* **given spans** (``given_spans=True``): the coder codes each gold statement's own
  content (and cue, where the gold gives one) and the gold actor: coding alone, without
  extraction or speaker errors.

Reported: concept accuracy (a statement is right when its gold concept is among the
concepts coded on it, or when nothing is coded on a statement the gold codes ``null``),
agreement accuracy where the concept is right, edge precision/recall/F1 over
(actor, concept, agreement) edges of each codebook (actors compared with
:func:`saidwhat.names.same_name`), the kinds of error, and accuracy per hard-case tag.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..names import same_name
from ..settings import CODING_METHODS, Settings

# A gold statement and an extracted quote are the same statement when their contents share
# at least this share of the shorter one's characters.
MIN_OVERLAP = 0.5

ERROR_KINDS = ("not_extracted", "no_actor", "no_concept", "wrong_concept", "wrong_agreement",
               "spurious_concept")


class CodingGoldError(ValueError):
    """A coding gold file that cannot be used (names the file and the reason)."""


@dataclass(slots=True)
class GoldStatement:
    content: tuple[tuple[int, int], ...]
    actor: str
    concept: str | None
    agreement: str | None
    cue: tuple[tuple[int, int], ...] = ()
    tags: tuple[str, ...] = ()
    ref: str = ""  # where it is written, for messages: file:doc:index

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]

    def text(self, doc_text: str) -> str:
        return " ".join(doc_text[s:e] for s, e in self.content)

    def cue_text(self, doc_text: str) -> str | None:
        return " ".join(doc_text[s:e] for s, e in self.cue) if self.cue else None


@dataclass(slots=True)
class GoldDoc:
    doc_id: str
    text: str
    statements: list[GoldStatement]


@dataclass(slots=True)
class GoldSet:
    """One gold file: a codebook and its documents."""

    name: str
    codebook_path: Path
    documents: list[GoldDoc]


@dataclass(slots=True)
class CodingGold:
    sets: list[GoldSet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def statements(self) -> int:
        return sum(len(d.statements) for s in self.sets for d in s.documents)


def _find_cue(text: str, cue: str, start: int, end: int) -> tuple[int, int] | None:
    """The occurrence of ``cue`` nearest to the content [start, end)."""
    best: tuple[int, int] | None = None
    i = text.find(cue)
    while i >= 0:
        dist = start - (i + len(cue)) if i < start else i - end
        if best is None or abs(dist) < abs(best[0]):
            best = (dist, i)
        i = text.find(cue, i + 1)
    return None if best is None else (best[1], best[1] + len(cue))


def _spans(value: Any, where: str) -> tuple[tuple[int, int], ...]:
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        value = [value]
    if not isinstance(value, list) or not value or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) for v in p)
            and 0 <= p[0] < p[1] for p in value):
        raise CodingGoldError(f"{where}: offsets must be [start, end] or a list of them")
    return tuple((p[0], p[1]) for p in value)


def _statement(raw: Any, text: str, where: str) -> GoldStatement:
    if not isinstance(raw, dict):
        raise CodingGoldError(f"{where}: a statement must be a mapping")
    unknown = set(raw) - {"quote", "content", "cue", "actor", "concept", "agreement", "tags",
                          "note", "polnear"}
    if unknown:
        raise CodingGoldError(f"{where}: unknown field(s) {sorted(unknown)}")
    if "content" in raw:
        # in text order: brat lists a discontinuous content's parts as annotated, and the
        # first part written may come after the second ("…," X said. "…")
        content = tuple(sorted(_spans(raw["content"], where)))
        if content[-1][1] > len(text):
            raise CodingGoldError(f"{where}: content offsets beyond the text")
    elif isinstance(raw.get("quote"), str) and raw["quote"]:
        quote = raw["quote"]
        at = text.find(quote)
        if at < 0:
            raise CodingGoldError(f"{where}: quote not found in the text: {quote!r}")
        if text.find(quote, at + 1) >= 0:
            raise CodingGoldError(f"{where}: quote occurs more than once: {quote!r}")
        content = ((at, at + len(quote)),)
    else:
        raise CodingGoldError(f"{where}: give 'quote' (text) or 'content' (offsets)")
    cue: tuple[tuple[int, int], ...] = ()
    if isinstance(raw.get("cue"), str):
        found = _find_cue(text, raw["cue"], content[0][0], content[-1][1])
        if found is None:
            raise CodingGoldError(f"{where}: cue not found: {raw['cue']!r}")
        cue = (found,)
    elif raw.get("cue") is not None:
        cue = tuple(sorted(_spans(raw["cue"], where)))
    actor = raw.get("actor")
    if not isinstance(actor, str) or not actor.strip():
        raise CodingGoldError(f"{where}: 'actor' must be a name")
    concept = raw.get("concept")
    agreement = raw.get("agreement")
    if concept is not None and agreement not in ("support", "oppose"):
        raise CodingGoldError(f"{where}: a coded statement needs agreement support or oppose")
    if concept is None:
        agreement = None
    tags = raw.get("tags") or []
    if not isinstance(tags, list):
        raise CodingGoldError(f"{where}: 'tags' must be a list")
    return GoldStatement(content, actor.strip(), None if concept is None else str(concept),
                         agreement, cue, tuple(str(t) for t in tags), where)


def load_coding_gold(path: str | Path) -> CodingGold:
    """Read a coding gold folder (or one ``.gold.yaml`` file). Documents whose text file is
    absent (PolNeAR without ``../shared``) are skipped with a warning."""
    p = Path(path)
    files = sorted(p.glob("*.gold.yaml")) if p.is_dir() else [p]
    if not files or not all(f.is_file() for f in files):
        raise CodingGoldError(f"{p}: no coding gold here (expected *.gold.yaml files)")
    gold = CodingGold()
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CodingGoldError(f"{f}: cannot read: {exc}") from exc
        if not isinstance(data, dict) or "codebook" not in data or not isinstance(
                data.get("documents"), list):
            raise CodingGoldError(f"{f}: expected a mapping with 'codebook' and 'documents'")
        docs: list[GoldDoc] = []
        for n, d in enumerate(data["documents"]):
            where = f"{f.name}: document {n + 1}"
            if not isinstance(d, dict) or "doc_id" not in d or "text_file" not in d:
                raise CodingGoldError(f"{where}: needs doc_id and text_file")
            text_path = f.parent / str(d["text_file"])
            try:
                text = text_path.read_text(encoding="utf-8")
            except FileNotFoundError:
                gold.warnings.append(f"{where} ({d['doc_id']}): text {text_path} not found;"
                                     " skipped")
                continue
            statements = [_statement(s, text, f"{f.name}:{d['doc_id']}:{i + 1}")
                          for i, s in enumerate(d.get("statements") or [])]
            docs.append(GoldDoc(str(d["doc_id"]), text, statements))
        if docs:
            gold.sets.append(GoldSet(f.name.removesuffix(".gold.yaml"),
                                     f.parent / str(data["codebook"]), docs))
    return gold


# -- predictions ----------------------------------------------------------------------------
@dataclass(slots=True)
class PredQuote:
    """An extracted quote with what the coder made of it."""

    quote_id: str
    start: int
    end: int
    actor: str | None  # None: no resolvable speaker
    codes: list[tuple[str, str]]  # (concept, qualifier)
    text: str = ""
    evidence: list[str] = field(default_factory=list)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / max(1, min(a[1] - a[0], b[1] - b[0]))


def match_quotes(statements: Sequence[GoldStatement], quotes: Sequence[PredQuote]
                 ) -> dict[int, PredQuote]:
    """Gold statement index -> the extracted quote with the largest content overlap (at
    least :data:`MIN_OVERLAP`). Several gold statements may share a quote (two concepts)."""
    out: dict[int, PredQuote] = {}
    for i, g in enumerate(statements):
        best, best_ov = None, MIN_OVERLAP
        for q in quotes:
            ov = _overlap((g.start, g.end), (q.start, q.end))
            if ov >= best_ov and (best is None or ov > best_ov):
                best, best_ov = q, ov
        if best is not None:
            out[i] = best
    return out


# -- the report -----------------------------------------------------------------------------
Edge = tuple[str, str, str]  # (actor, concept, agreement)


@dataclass(slots=True)
class StatementResult:
    set_name: str
    doc_id: str
    gold: GoldStatement
    text: str
    matched: bool
    actor: str | None
    codes: list[tuple[str, str]]
    error: str | None  # one of ERROR_KINDS, or None when right
    evidence: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CodingReport:
    mode: str
    results: list[StatementResult] = field(default_factory=list)
    gold_edges: int = 0
    pred_edges: int = 0
    true_edges: int = 0
    missed_edges: Counter[str] = field(default_factory=Counter)
    extra_statements: int = 0  # coded quotes that match no gold statement
    warnings: list[str] = field(default_factory=list)
    # (gold set, document) -> (its gold edges, the edges drawn from its quotes): what a
    # bootstrap over documents resamples (coding_bootstrap)
    doc_edges: dict[tuple[str, str], tuple[set[Edge], set[Edge]]] = field(default_factory=dict)

    # concept accuracy over statements whose quote was extracted (end to end) or all (spans)
    def _scored(self) -> list[StatementResult]:
        return [r for r in self.results if r.matched]

    @property
    def concept_accuracy(self) -> float:
        rs = self._scored()
        return sum(_concept_right(r) for r in rs) / max(1, len(rs))

    @property
    def agreement_accuracy(self) -> float:
        rs = [r for r in self._scored() if r.gold.concept is not None and _concept_right(r)]
        return sum(_agreement_right(r) for r in rs) / max(1, len(rs))

    @property
    def edge_precision(self) -> float:
        return self.true_edges / self.pred_edges if self.pred_edges else 0.0

    @property
    def edge_recall(self) -> float:
        return self.true_edges / self.gold_edges if self.gold_edges else 0.0

    @property
    def edge_f1(self) -> float:
        p, r = self.edge_precision, self.edge_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def by_tag(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[StatementResult]] = defaultdict(list)
        for r in self._scored():
            for t in r.gold.tags:
                groups[t].append(r)
        out = {}
        for tag, rs in sorted(groups.items()):
            cr = [r for r in rs if _concept_right(r)]
            coded = [r for r in cr if r.gold.concept is not None]
            out[tag] = {"n": len(rs), "concept_accuracy": round(len(cr) / len(rs), 3),
                        "agreement_n": len(coded),
                        "agreement_accuracy": round(sum(_agreement_right(r) for r in coded)
                                                    / max(1, len(coded)), 3)}
        return out

    def errors(self) -> Counter[str]:
        return Counter(r.error for r in self.results if r.error)

    def to_dict(self, *, statements: bool = False) -> dict[str, Any]:
        rs = self._scored()
        coded = [r for r in rs if r.gold.concept is not None and _concept_right(r)]
        out: dict[str, Any] = {
            "mode": self.mode,
            "gold_statements": len(self.results),
            "scored_statements": len(rs),
            "concept_accuracy": round(self.concept_accuracy, 3),
            "agreement_accuracy": round(self.agreement_accuracy, 3),
            "agreement_n": len(coded),
            "edges": {"gold": self.gold_edges, "predicted": self.pred_edges,
                      "true": self.true_edges, "precision": round(self.edge_precision, 3),
                      "recall": round(self.edge_recall, 3), "f1": round(self.edge_f1, 3),
                      "missed_by_cause": dict(self.missed_edges)},
            "errors": {k: self.errors().get(k, 0) for k in ERROR_KINDS},
            "extra_coded_statements": self.extra_statements,
            "by_tag": self.by_tag(),
            "warnings": self.warnings,
        }
        if statements:
            out["statements"] = [
                {"set": r.set_name, "doc_id": r.doc_id, "ref": r.gold.ref, "text": r.text,
                 "gold": {"actor": r.gold.actor, "concept": r.gold.concept,
                          "agreement": r.gold.agreement},
                 "predicted": {"actor": r.actor, "codes": [list(c) for c in r.codes]},
                 "error": r.error, "evidence": r.evidence} for r in self.results]
        return out

    def table(self) -> str:
        d = self.to_dict()
        e = d["edges"]
        lines = [f"coding ({self.mode}): {d['gold_statements']} gold statements,"
                 f" {d['scored_statements']} scored",
                 f"  concept accuracy              {d['concept_accuracy']:.3f}",
                 f"  agreement acc. (concept right) {d['agreement_accuracy']:.3f}"
                 f"  (n={d['agreement_n']})",
                 f"  edges  P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}"
                 f"  (gold {e['gold']}, predicted {e['predicted']}, true {e['true']})",
                 "  missed edges by cause: " + (", ".join(
                     f"{k} {v}" for k, v in sorted(e["missed_by_cause"].items())) or "-"),
                 "  statement errors: " + ", ".join(f"{k} {v}" for k, v in d["errors"].items()),
                 f"  coded statements not in the gold: {d['extra_coded_statements']}",
                 "  by tag (n, concept acc., agreement acc.):"]
        for tag, v in d["by_tag"].items():
            lines.append(f"    {tag:<22} {v['n']:>4}  {v['concept_accuracy']:.2f}"
                         f"  {v['agreement_accuracy']:.2f}")
        return "\n".join(lines) + "\n"

    def errors_table(self) -> str:
        lines = []
        for r in self.results:
            if r.error:
                got = ", ".join(f"{c}/{q}" for c, q in r.codes) or "-"
                lines.append(f"[{r.error}] {r.gold.ref} {r.gold.actor}: gold"
                             f" {r.gold.concept}/{r.gold.agreement}; got {got}"
                             f" ({r.actor})\n    {r.text[:160]!r}")
                if r.evidence:
                    lines.append("    evidence: " + "; ".join(r.evidence))
        return "\n".join(lines) + ("\n" if lines else "")


def _concept_right(r: StatementResult) -> bool:
    if r.gold.concept is None:
        return not r.codes
    return any(c == r.gold.concept for c, _ in r.codes)


def _agreement_right(r: StatementResult) -> bool:
    return any(c == r.gold.concept and q == r.gold.agreement for c, q in r.codes)


def _classify(r: StatementResult) -> str | None:
    g = r.gold
    if not r.matched:
        return "not_extracted" if g.concept is not None else None
    if g.concept is None:
        return "spurious_concept" if r.codes else None
    if r.actor is None:
        return "no_actor"
    if not r.codes:
        return "no_concept"
    if not any(c == g.concept for c, _ in r.codes):
        return "wrong_concept"
    if not _agreement_right(r):
        return "wrong_agreement"
    return None


def _edge_scores(report: CodingReport, gold_edges: dict[str, set[tuple[str, str, str]]],
                 pred_edges: dict[str, set[tuple[str, str, str]]]) -> None:
    """One-to-one matching of (actor, concept, agreement) edges per gold set; names compared
    with same_name. Missed gold edges get the cause of their best statement."""
    for key, gold in gold_edges.items():
        pred = set(pred_edges.get(key, set()))
        report.gold_edges += len(gold)
        report.pred_edges += len(pred)
        missed = _match_edges(gold, pred)
        report.true_edges += len(gold) - len(missed)
        for actor, concept, agr in missed:
            causes = [r.error or "right_statement_other_actor" for r in report.results
                      if f"{r.set_name}" == key and r.gold.concept == concept
                      and r.gold.agreement == agr and r.gold.actor == actor]
            if any(c is None or c == "right_statement_other_actor" for c in causes):
                cause = "actor_named_differently"
            else:
                order = ["wrong_agreement", "wrong_concept", "no_concept", "no_actor",
                         "not_extracted"]
                cause = min(causes, key=lambda c: order.index(c) if c in order else 99,
                            default="not_extracted")
            report.missed_edges[cause] += 1


def _match_edges(gold: set[Edge], pred: set[Edge]) -> list[Edge]:
    """Match gold edges one to one with predicted ones (same concept and agreement, actor
    names compared with same_name); the gold edges left unmatched, in order."""
    left = sorted(pred)
    missed = []
    for actor, concept, agr in sorted(gold):
        hit = next((i for i, p in enumerate(left) if p[1] == concept and p[2] == agr
                    and same_name(p[0], actor)), None)
        if hit is None:
            missed.append((actor, concept, agr))
        else:
            del left[hit]
    return missed


def _edges_by_set(report: CodingReport, docs: Iterable[tuple[str, str]]
                  ) -> tuple[dict[str, set[Edge]], dict[str, set[Edge]]]:
    """The gold and the predicted edges of these (gold set, document) keys, as one set per
    gold set: a corpus draws an edge once, whichever of its documents it comes from."""
    gold: dict[str, set[Edge]] = defaultdict(set)
    pred: dict[str, set[Edge]] = defaultdict(set)
    for d in docs:
        g, p = report.doc_edges[d]
        gold[d[0]] |= g
        pred[d[0]] |= p
    return gold, pred


BOOTSTRAP_CODING = ("concept_accuracy", "agreement_accuracy", "edge_precision", "edge_recall",
                    "edge_f1")


def coding_bootstrap(report: CodingReport, n: int, seed: int = 0, level: float = 0.95
                     ) -> dict[str, dict[str, float]]:
    """Percentile bootstrap intervals over documents: ``n`` resamples (with replacement) of
    the gold documents; each resample's statements score concept and agreement accuracy,
    and the union of its documents' edges, per gold set, scores the edges as the report
    does (a document drawn twice adds no edge twice: edges are a set per corpus). How far a
    difference between two runs is from noise: two coders whose intervals overlap widely
    are not told apart by this gold."""
    import random

    docs = sorted(report.doc_edges)
    if not docs or n < 1:
        return {}
    by_doc: dict[tuple[str, str], list[StatementResult]] = defaultdict(list)
    for r in report.results:
        by_doc[(r.set_name, r.doc_id)].append(r)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {k: [] for k in BOOTSTRAP_CODING}
    for _ in range(n):
        pick = [docs[rng.randrange(len(docs))] for _ in docs]
        rs = [r for d in pick for r in by_doc[d] if r.matched]
        right = [r for r in rs if _concept_right(r)]
        coded = [r for r in right if r.gold.concept is not None]
        samples["concept_accuracy"].append(len(right) / max(1, len(rs)))
        samples["agreement_accuracy"].append(
            sum(_agreement_right(r) for r in coded) / max(1, len(coded)))
        gold, pred = _edges_by_set(report, set(pick))
        n_gold = sum(len(v) for v in gold.values())
        n_pred = sum(len(v) for v in pred.values())
        true = sum(len(g) - len(_match_edges(g, pred[k])) for k, g in gold.items())
        prec, rec = (true / n_pred if n_pred else 0.0), (true / n_gold if n_gold else 0.0)
        samples["edge_precision"].append(prec)
        samples["edge_recall"].append(rec)
        samples["edge_f1"].append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    from .scorer import percentile_interval

    out = {}
    for key, values in samples.items():
        lo, hi = percentile_interval(values, level)
        out[key] = {"value": round(getattr(report, key), 3), "low": round(lo, 3),
                    "high": round(hi, 3), "resamples": n, "seed": seed}
    return out


# -- running --------------------------------------------------------------------------------
CoderFactory = Callable[[Any], Any]  # codebook -> ConceptCoder


def evaluate_coding(gold: CodingGold, coder_factory: CoderFactory, *, given_spans: bool = False,
                    extractor: Any = None) -> CodingReport:
    """Score a coder (built per gold set by ``coder_factory(codebook)``) on ``gold``."""
    from ..network.build import code_documents
    from ..network.codebook import load_codebook

    report = CodingReport(mode="given spans" if given_spans else "end to end",
                          warnings=list(gold.warnings))
    for gs in gold.sets:
        codebook = load_codebook(gs.codebook_path)
        coder = coder_factory(codebook)
        if given_spans:
            items = [(d, g) for d in gs.documents for g in d.statements]
            from ..network.coding import CodingItem

            # Statements of one document share its topic, as in end-to-end coding.
            codes = coder.code_many([CodingItem(g.text(d.text), g.cue_text(d.text),
                                                group=f"{gs.name}:{d.doc_id}", speaker=g.actor,
                                                text=d.text)
                                     for d, g in items])
            for d in gs.documents:
                report.doc_edges[(gs.name, d.doc_id)] = (_gold_edges(d), set())
            for (d, g), cs in zip(items, codes, strict=True):
                r = StatementResult(gs.name, d.doc_id, g, g.text(d.text), True, g.actor,
                                    [(c.concept_id, c.qualifier) for c in cs], None,
                                    [e for c in cs for e in c.evidence])
                r.error = _classify(r)
                report.results.append(r)
                for c in cs:
                    report.doc_edges[(gs.name, d.doc_id)][1].add(
                        (g.actor, c.concept_id, c.qualifier))
            continue
        if extractor is None:
            from ..extract import Extractor

            extractor = Extractor()
        docs = list(extractor.pipe_pairs([(d.doc_id, d.text) for d in gs.documents]))
        coded, _ = code_documents(docs, coder)
        by_quote: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for s in coded:
            by_quote[(s.doc_id, s.quote_id)].append(s)
        for d, doc in zip(gs.documents, docs, strict=True):
            quotes = []
            doc_pred: set[Edge] = set()
            report.doc_edges[(gs.name, d.doc_id)] = (_gold_edges(d), doc_pred)
            for q in doc.quotes:
                ss = by_quote.get((d.doc_id, q.id), [])
                actor = ss[0].actor if ss else _speaker_name(q)
                quotes.append(PredQuote(q.id, q.content.start, q.content.end, actor,
                                        [(s.concept, s.qualifier) for s in ss], q.content.text,
                                        [e for s in ss for e in s.evidence]))
                for s in ss:
                    doc_pred.add((s.actor, s.concept, s.qualifier))
            matched = match_quotes(d.statements, quotes)
            used = {id(q) for q in matched.values()}
            report.extra_statements += sum(1 for q in quotes if q.codes and id(q) not in used)
            for i, g in enumerate(d.statements):
                q = matched.get(i)
                r = StatementResult(gs.name, d.doc_id, g, g.text(d.text), q is not None,
                                    q.actor if q else None, q.codes if q else [], None,
                                    q.evidence if q else [])
                r.error = _classify(r)
                report.results.append(r)
    _edge_scores(report, *_edges_by_set(report, report.doc_edges))
    return report


def _gold_edges(doc: Any) -> set[Edge]:
    """A gold document's (actor, concept, agreement) edges."""
    return {(g.actor, g.concept, g.agreement or "") for g in doc.statements
            if g.concept is not None}


def _speaker_name(quote: Any) -> str | None:
    sp = quote.speaker
    return sp.name or sp.affiliation or None


# -- few-shot learning curve ----------------------------------------------------------------
@dataclass(slots=True)
class ShotItem:
    """A statement for the few-shot curve: its text, cue, document and gold coding, and where
    its content is in the document (to keep an overlapping statement out of its examples)."""

    text: str
    cue: str | None
    group: str
    concept: str | None
    agreement: str | None
    span: tuple[int, int] | None = None
    speaker: str | None = None  # the gold actor: a speaker speaks for their own side
    document: str = ""  # the document's text, where speakers' roles are introduced


@dataclass(slots=True)
class CurvePoint:
    k: int
    concept_accuracy: float
    agreement_accuracy: float
    n: int
    agreement_n: float
    both_accuracy: float = 0.0  # concept and agreement right, of the statements with a concept


def may_teach(items: Sequence[ShotItem], j: int, i: int, other_documents: bool = False
              ) -> bool:
    """May statement ``j`` be an example when statement ``i`` is coded? Never itself, nor a
    statement with the same text, nor one whose content overlaps ``i``'s in its document (a
    statement coded twice, or a part of it): that would be ``i``'s own label. With
    ``other_documents``, no statement of ``i``'s document either (leave one document out)."""
    a, b = items[i], items[j]
    if j == i or a.text == b.text or (other_documents and a.group == b.group):
        return False
    return not (a.group == b.group and a.span is not None and b.span is not None
                and a.span[0] < b.span[1] and b.span[0] < a.span[1])


def draw_examples(items: Sequence[ShotItem], i: int, k: int, rng: Any,
                  other_documents: bool = False) -> list[int]:
    """k statements per concept (all there are where a concept has fewer: leave one out)
    from those that may teach statement ``i``, drawn with ``rng``; in concept order."""
    by_concept: dict[str, list[int]] = defaultdict(list)
    for j, it in enumerate(items):
        if it.concept is not None:
            by_concept[it.concept].append(j)
    out: list[int] = []
    for _, pool in sorted(by_concept.items()):
        pool = [j for j in pool if may_teach(items, j, i, other_documents)]
        out += rng.sample(pool, min(k, len(pool)))
    return out


def fewshot_curve(items: Sequence[ShotItem], codebook: Any, nlp: Any, *,
                  ks: Sequence[int] = (0, 1, 3, 5), seeds: int = 3,
                  codebook_examples: bool = False, threshold: float | None = None,
                  top_only: bool = False, settings: Any = None,
                  record: list[tuple[int, int, int, list[Any]]] | None = None,
                  other_documents: bool = False, method: str = "lexical") -> list[CurvePoint]:
    """Concept and agreement accuracy with k labelled examples per concept, cross-validated
    leave one statement out: each statement is coded with k examples per concept drawn
    (seeded) from the *other* statements (:func:`may_teach`: never itself, one with the same
    text, or one overlapping it), all of a concept's other statements where it has k or
    fewer. ``codebook_examples=False`` strips the codebook's own examples, so k = 0 is the
    codebook's labels, descriptions and keywords alone. Averaged over ``seeds`` draws.
    ``top_only``: only the best-scoring concept counts (forced choice, as DNA's sample is
    scored). ``record``: a list that gets (k, seed, statement index, codes) of every coding.
    ``other_documents``: examples only from other documents than the statement's.
    ``method``: the coder's (``embeddings``: similarity to the concepts in the codebook's
    coding, and embedding neighbours among the examples).

    The codebook's coding of a statement does not depend on the examples (they act after
    it: :func:`saidwhat.network.fewshot.learn_from_examples`, the coder's own few-shot step),
    so it is computed once, with its document's statements for the document topic, and each
    draw's examples revise it."""
    import random
    from dataclasses import replace as dc_replace

    from ..network.codebook import Codebook
    from ..network.coding import CodingItem, ConceptCoder, _Result, _terms, polarity_of_cue
    from ..network.fewshot import (
        ExampleIndex,
        LabelledExample,
        Prepared,
        cue_keys,
        learn_from_examples,
    )
    from ..network.fewshot import codebook_examples as cb_ex

    if not codebook_examples:
        codebook = Codebook([dc_replace(c, examples=()) for c in codebook], name=codebook.name)
    coder = ConceptCoder(codebook, nlp, use_codebook_examples=False, threshold=threshold,
                         settings=settings, method=method)
    embedder = coder._embedder
    docs = list(nlp.pipe(it.text for it in items))
    vectors = embedder.encode([it.text for it in items]) if embedder else None
    concept_sims = embedder.similarities(vectors) if embedder else None
    terms = [_terms(d) for d in docs]
    keys = cue_keys(nlp, [it.cue for it in items])
    cue_docs = {c: polarity_of_cue(d) for c, d in
                zip(sorted({it.cue or "" for it in items}),
                    nlp.pipe(sorted({it.cue or "" for it in items})), strict=True)}
    base = cb_ex(codebook) if codebook_examples else []
    base_docs = list(nlp.pipe(e.text for e in base))
    base_terms = [_terms(d) for d in base_docs]
    base_keys = cue_keys(nlp, [e.cue for e in base])
    base_vectors = embedder.encode([e.text for e in base]) if embedder and base else None
    # What the rules alone make of each statement's agreement (examples learn from it).
    rules = [coder.rule_qualifier(d, cue_docs[it.cue or ""], it.concept)
             if it.concept is not None else None for d, it in zip(docs, items, strict=True)]
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        by_group[it.group].append(i)
    zero: list[_Result | None] = [None] * len(items)
    for group, members in by_group.items():
        results = [coder._code_doc(docs[j], cue_docs[items[j].cue or ""],
                                   concept_sims[j] if concept_sims is not None else None)
                   for j in members]
        coding_items = [CodingItem(items[j].text, items[j].cue, group, text=items[j].document,
                                   speaker=items[j].speaker) for j in members]
        coder._code_from_context(coding_items, results, [docs[j] for j in members])
        coder._apply_own_side(coding_items, results)  # as code_many does
        for j, r in zip(members, results, strict=True):
            zero[j] = r
    out = []
    for k in ks:
        right = agree = agree_n = 0
        runs = seeds if k else 1
        for seed in range(runs):
            rng = random.Random(1000 * k + seed)
            for i, it in enumerate(items):
                r = dc_replace(zero[i])
                shots = draw_examples(items, i, k, rng, other_documents) if k else []
                exs = list(base) + [LabelledExample(items[j].text, items[j].cue,
                                                    items[j].concept,
                                                    items[j].agreement or "support",
                                                    "labelled", items[j].group)
                                    for j in shots]
                if exs:
                    ex_vectors = None
                    if vectors is not None:
                        ex_vectors = vectors[shots] if base_vectors is None else np.vstack(
                            [base_vectors, vectors[shots]])
                    index = ExampleIndex(exs, base_terms + [terms[j] for j in shots], ex_vectors,
                                         coder.settings.coding_fewshot_embed_floor)
                    prep = Prepared(index, [None] * len(base) + [rules[j] for j in shots],
                                    base_keys + [keys[j] for j in shots])
                    learn_from_examples(coder, prep, [docs[i]], [keys[i]], [r], [it.group],
                                        vectors[i:i + 1] if vectors is not None else None)
                codes = r.codes[:1] if top_only else r.codes
                if record is not None:
                    record.append((k, seed, i, codes))
                got = {c.concept_id: c.qualifier for c in codes}
                if it.concept is None:
                    right += not got
                elif it.concept in got:
                    right += 1
                    agree_n += 1
                    agree += got[it.concept] == it.agreement
        coded_n = sum(it.concept is not None for it in items)
        out.append(CurvePoint(k, right / (runs * max(1, len(items))),
                              agree / max(1, agree_n), len(items), agree_n / runs,
                              agree / (runs * max(1, coded_n))))
    return out


def gold_shot_items(gs: GoldSet) -> list[ShotItem]:
    return [ShotItem(g.text(d.text), g.cue_text(d.text), d.doc_id, g.concept, g.agreement,
                     (g.start, g.end), g.actor, d.text)
            for d in gs.documents for g in d.statements]


def dna_shot_items(path: str | Path) -> tuple[list[ShotItem], Any]:
    """DNA statements (concept label as the concept) and a labels-only codebook."""
    from ..network.codebook import codebook_from_labels
    from .dna import read_statements

    statements = [s for s in read_statements(path)
                  if s.statement_type == "DNA Statement" and str(s.values.get("concept") or "")]
    labels = sorted({str(s.values["concept"]) for s in statements})
    codebook = codebook_from_labels(labels)
    ids = {c.label: c.id for c in codebook}
    items = [ShotItem(s.text, None, f"dna{s.document_id}", ids[str(s.values["concept"])],
                      "support" if s.values.get("agreement") else "oppose", (s.start, s.stop))
             for s in statements]
    return items, codebook


def fewshot_table(gold_path: str | Path | None, dna_path: str | Path | None, nlp: Any,
                  ks: Sequence[int] = (0, 1, 3, 5), seeds: int = 3,
                  other_documents: bool = False, settings: Any = None,
                  method: str = "lexical") -> str:
    """The markdown table of docs/evaluation.md's few-shot section."""
    from ..network.codebook import load_codebook

    rows = []
    if gold_path is not None:
        gold = load_coding_gold(gold_path)
        for gs in gold.sets:
            items = gold_shot_items(gs)
            cb = load_codebook(gs.codebook_path)
            for p in fewshot_curve(items, cb, nlp, ks=ks, seeds=seeds, settings=settings,
                                   other_documents=other_documents, method=method):
                rows.append((f"coding gold: {gs.name}", f"k={p.k}", p))
            if any(c.examples for c in cb):
                [p] = fewshot_curve(items, cb, nlp, ks=(0,), codebook_examples=True,
                                    settings=settings, method=method)
                rows.append((f"coding gold: {gs.name}", "codebook examples", p))
    if dna_path is not None and Path(dna_path).is_file():
        items, cb = dna_shot_items(dna_path)
        # Forced choice, as saidwhat.network.evaluate_dna: the best concept however weak.
        for p in fewshot_curve(items, cb, nlp, ks=ks, seeds=seeds, threshold=1e-9,
                               top_only=True, settings=settings,
                               other_documents=other_documents, method=method):
            rows.append(("DNA sample.dna (labels only, forced choice)", f"k={p.k}", p))
    lines = ["| data | examples per concept | statements | concept accuracy |"
             " agreement accuracy (concept right) | both right (of coded statements) |",
             "|---|---|---|---|---|---|"]
    for data, k, p in rows:
        lines.append(f"| {data} | {k} | {p.n} | {p.concept_accuracy:.3f} |"
                     f" {p.agreement_accuracy:.3f} (n={p.agreement_n:.0f}) |"
                     f" {p.both_accuracy:.3f} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m saidwhat.evaluation.coding --fewshot [--gold DIR] [--dna FILE]``"""
    import argparse

    from ..nlp import load_nlp

    ap = argparse.ArgumentParser(description="Few-shot learning curve of concept coding.")
    ap.add_argument("--fewshot", action="store_true", required=True)
    ap.add_argument("--gold", default="tests/data/coding-gold")
    ap.add_argument("--dna", default="../shared/data/dna/sample.dna")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--other-documents", action="store_true",
                    help="draw examples only from other documents than the statement's")
    ap.add_argument("--method", choices=CODING_METHODS, default=None,
                    help="the coder's method (default: the settings', as `saidwhat network`:"
                         " embeddings; lexical: the rules and TF-IDF neighbours)")
    args = ap.parse_args(argv)
    method = args.method or Settings().coding_method
    print(fewshot_table(args.gold, args.dna, load_nlp(), seeds=args.seeds,
                        other_documents=args.other_documents, method=method), end="")


if __name__ == "__main__":
    main()
