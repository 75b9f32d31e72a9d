"""The evaluation report: micro/macro scores, per-kind and speaker breakdowns, error analysis.

``Report.to_dict()`` is plain JSON for notebooks; ``Report.table()`` the text the CLI prints.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .gold import span_text
from .mentions import MENTION_TYPES, mention_type
from .scorer import LOOSE, OVERLAP, SPAN_MATCHES, Counts, DocScore, _source_ok, names_match

CAUSES = ("no cue found", "wrong boundary", "wrong speaker", "unresolved pronoun", "spurious")
KIND_ORDER = ("direct", "indirect", "mixed")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+|\n\s*\n")

# What each headline number is, for the table and the JSON.
TARGETS = {
    "attribution_f1": ("attribution.strict", "f1",
                       f"attribution F1 (content token-F1 >= {OVERLAP} + source overlap, one-to-one)"),
    "content_token_f1": ("content.token", "f1", "content token-overlap F1 (all content tokens, micro)"),
    "source_exact_f1": ("source.exact", "f1", "source exact-span F1"),
    "content_exact_f1": ("content.exact", "f1", "content exact-span F1"),
    "cue_exact_f1": ("cue.exact", "f1", "cue exact-span F1"),
}
_MATCH_LABEL = {"exact": "exact", "overlap": f"overlap>={OVERLAP}", "loose": f"overlap>={LOOSE}",
                "soft": "soft token-F1", "token": "token-level"}


@dataclass(slots=True)
class ErrorItem:
    doc_id: str
    type: str  # "miss" | "false_positive" | "speaker"
    cause: str
    start: int
    content: str
    source: str | None
    cue: str | None
    context: str
    detail: str = ""
    mention: str | None = None  # the gold source's mention type (gold-side items)
    speaker_error: str = ""  # speaker errors: their kind, e.g. "wrong name: pronoun → wrong person"

    @property
    def group(self) -> str:
        """What ``--errors`` groups by: the speaker-error kind, else the cause."""
        return f"{self.type}: {self.speaker_error or self.cause}"

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "type": self.type, "cause": self.cause, "start": self.start,
                "content": self.content, "source": self.source, "cue": self.cue,
                "context": self.context, "detail": self.detail, "mention": self.mention,
                "speaker_error": self.speaker_error}


# Problems that leave a document (or a predictions line) out of the scores: the run is partial.
SKIPPING = frozenset({"prediction_mismatch", "bad_prediction_line", "extraction_failed"})


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the scores do not cover as asked. ``kind``: ``unknown_prediction`` (a
    prediction for no gold document, ignored), ``no_prediction`` (scored as predicting
    nothing), ``prediction_mismatch`` (offsets do not fit the gold text: left out),
    ``bad_prediction_line`` (a predictions line that is no document: skipped),
    ``extraction_failed`` (the extractor failed on the document: left out)."""

    kind: str
    message: str
    doc_id: str | None = None

    @property
    def skipped(self) -> bool:
        """Whether a document or prediction was left out of the scores."""
        return self.kind in SKIPPING


@dataclass
class Report:
    """Aggregated scores over documents. Build with :func:`saidwhat.evaluation.evaluate`."""

    gold_format: str = ""
    docs: list[DocScore] = field(default_factory=list)
    gold_errors: list[str] = field(default_factory=list)
    gold_warnings: list[str] = field(default_factory=list)
    issues: list[Problem] = field(default_factory=list)

    def add(self, ds: DocScore) -> None:
        self.docs.append(ds)

    @property
    def problems(self) -> list[str]:
        """The messages of :attr:`issues` (a copy)."""
        return [p.message for p in self.issues]

    @property
    def skipped(self) -> bool:
        """Whether some gold document, prediction or predictions line was left out."""
        return bool(self.gold_errors) or any(p.skipped for p in self.issues)

    # ------------------------------------------------------------------ numbers

    @property
    def metric_names(self) -> list[str]:
        names: list[str] = []
        for ds in self.docs:
            for k in ds.counts:
                if k not in names:
                    names.append(k)
        return names

    def micro(self, name: str) -> Counts:
        total = Counts()
        for ds in self.docs:
            c = ds.counts.get(name)
            if c is not None:
                total.add(c)
        return total

    def macro(self, name: str) -> dict[str, float] | None:
        """Mean per-document P/R/F1 over documents where the metric has gold or predictions."""
        cs = [ds.counts[name] for ds in self.docs if name in ds.counts and not ds.counts[name].empty]
        if not cs:
            return None
        n = len(cs)
        return {"precision": sum(c.precision for c in cs) / n, "recall": sum(c.recall for c in cs) / n,
                "f1": sum(c.f1 for c in cs) / n, "n_docs": n}

    def targets(self) -> dict[str, float | None]:
        names = set(self.metric_names)
        return {key: (getattr(self.micro(metric), attr) if metric in names else None)
                for key, (metric, attr, _) in TARGETS.items()}

    def per_kind(self) -> dict[str, dict[str, float]]:
        out = {}
        for kind in KIND_ORDER:
            r = self.micro(f"kind.{kind}.recall")
            p = self.micro(f"kind.{kind}.precision")
            both = Counts(0, p.n_pred, r.n_gold)
            prec, rec = p.precision, r.recall
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            out[kind] = {"n_gold": both.n_gold, "n_pred": both.n_pred, "recall": rec,
                         "precision": prec, "f1": f1}
        pairs = [pair for ds in self.docs for pair in ds.kind_pairs]
        out["_agreement"] = {"n_pairs": len(pairs),
                             "accuracy": (sum(g == p for g, p in pairs) / len(pairs)) if pairs else 0.0}
        return out

    def speaker(self) -> dict[str, Any] | None:
        if not any("speaker" in ds.gold.annotated for ds in self.docs):
            return None
        named = sum(ds.speaker_named for ds in self.docs)
        found = sum(ds.speaker_found for ds in self.docs)
        correct = sum(ds.speaker_correct for ds in self.docs)
        tfound = sum(ds.speaker_type_found for ds in self.docs)
        tcorrect = sum(ds.speaker_type_correct for ds in self.docs)
        return {"gold_named": named, "found": found, "correct": correct,
                "accuracy": correct / found if found else 0.0,
                "end_to_end": correct / named if named else 0.0,
                "type_found": tfound, "type_correct": tcorrect,
                "type_accuracy": tcorrect / tfound if tfound else 0.0}

    def speaker_by_mention(self) -> dict[str, dict[str, Any]]:
        """Per gold source mention type (:func:`~saidwhat.evaluation.mentions.mention_type`):
        ``n`` gold attributions, ``found`` content-matched; name accuracy over found ones with a
        gold name, type accuracy over found ones whose gold type is not ``unknown`` (both None
        where the gold annotates no speakers), source accuracy over found ones (the predicted
        source shares a word with the gold source, or both have none; None where the gold
        annotates no source spans). Sums over the types equal :meth:`speaker`'s counts."""
        rows = {t: {"n": 0, "found": 0, "name_found": 0, "name_correct": 0, "type_found": 0,
                    "type_correct": 0, "source_found": 0, "source_correct": 0}
                for t in MENTION_TYPES}
        speakers = any("speaker" in ds.gold.annotated for ds in self.docs)
        sources = any("source" in ds.gold.annotated for ds in self.docs)
        for ds in self.docs:
            mentions = doc_mentions(ds)
            for t in mentions:
                rows[t]["n"] += 1
            for m in ds.content_matches:
                g, p = ds.gold.attributions[m.gold], ds.preds[m.pred]
                r = rows[mentions[m.gold]]
                r["found"] += 1
                if "source" in ds.gold.annotated:
                    r["source_found"] += 1
                    r["source_correct"] += _source_ok(ds.index, g, p, True)
                if "speaker" not in ds.gold.annotated or g.speaker is None:
                    continue
                if g.speaker.name:
                    r["name_found"] += 1
                    r["name_correct"] += names_match(g.speaker.name, p.quote.speaker.name,
                                                     g.speaker.type)
                if g.speaker.type != "unknown":
                    r["type_found"] += 1
                    r["type_correct"] += g.speaker.type == p.quote.speaker.type
        out: dict[str, dict[str, Any]] = {}
        for t, r in rows.items():
            d: dict[str, Any] = dict(r)
            for what, on in (("name", speakers), ("type", speakers), ("source", sources)):
                found, correct = r[f"{what}_found"], r[f"{what}_correct"]
                d[f"{what}_accuracy"] = (correct / found if found else None) if on else None
                if not on:
                    d[f"{what}_found"] = d[f"{what}_correct"] = None
            out[t] = d
        return out

    # ------------------------------------------------------------------ errors

    def speaker_type_errors(self) -> list[ErrorItem]:
        """Content found, gold speaker type known, predicted type different."""
        items: list[ErrorItem] = []
        for ds in self.docs:
            items.extend(_doc_type_errors(ds))
        return items

    def all_errors(self) -> list[ErrorItem]:
        """:meth:`errors` and :meth:`speaker_type_errors`: what ``--errors`` lists."""
        return self.errors() + self.speaker_type_errors()

    def errors(self) -> list[ErrorItem]:
        """Misses, false positives and speaker errors, with a cause where one can be told."""
        items: list[ErrorItem] = []
        for ds in self.docs:
            items.extend(_doc_errors(ds))
        return items

    # ------------------------------------------------------------------ output

    def to_dict(self, errors: bool = False) -> dict[str, Any]:
        names = self.metric_names
        d: dict[str, Any] = {
            "gold_format": self.gold_format,
            "n_docs": len(self.docs),
            "n_gold": sum(len(ds.gold.attributions) for ds in self.docs),
            "n_pred": sum(len(ds.preds) for ds in self.docs),
            "targets": self.targets(),
            "micro": {n: self.micro(n).to_dict() for n in names if not n.startswith("kind.")},
            "macro": {n: self.macro(n) for n in names if not n.startswith("kind.")},
            "per_kind": self.per_kind(),
            "speaker": self.speaker(),
            "speaker_by_mention": self.speaker_by_mention(),
            "per_doc": [{"doc_id": ds.doc_id, "n_gold": len(ds.gold.attributions),
                         "n_pred": len(ds.preds),
                         **{n: ds.counts[n].to_dict() for n in ds.counts if not n.startswith("kind.")}}
                        for ds in self.docs],
            "gold_errors": self.gold_errors,
            "gold_warnings": self.gold_warnings,
            "problems": self.problems,
        }
        if errors:
            items, type_items = self.errors(), self.speaker_type_errors()
            d["errors"] = [e.to_dict() for e in items]
            d["speaker_type_errors"] = [e.to_dict() for e in type_items]
            d["speaker_errors"] = dict(Counter(e.speaker_error for e in items + type_items
                                               if e.speaker_error).most_common())
        return d

    def table(self) -> str:
        names = self.metric_names
        lines = [f"saidwhat eval: {len(self.docs)} documents ({self.gold_format or 'gold'}),"
                 f" {sum(len(ds.gold.attributions) for ds in self.docs)} gold attributions,"
                 f" {sum(len(ds.preds) for ds in self.docs)} predicted", "", "Targets"]
        for key, value in self.targets().items():
            label = TARGETS[key][2]
            lines.append(f"  {label:<72} {_fmt(value)}")
        lines += ["", f"{'role':<12} {'match':<15} {'P':>6} {'R':>6} {'F1':>6} {'macroF1':>8}"
                      f" {'gold':>6} {'pred':>6} {'matched':>8}"]
        rows = [("attribution", "strict"), ("attribution", "content")]
        rows += [(role, how) for role in ("content", "source", "cue", "channel") for how in SPAN_MATCHES]
        for role, how in rows:
            name = f"{role}.{how}"
            if name not in names:
                continue
            c, m = self.micro(name), self.macro(name)
            label = _MATCH_LABEL.get(how, how) if role != "attribution" else (
                "+source" if how == "strict" else "content only")
            matched = f"{c.tp:.1f}" if how == "soft" else f"{int(c.tp)}"
            lines.append(f"{role:<12} {label:<15} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
                         f" {_fmt(m['f1'] if m else None):>8} {c.n_gold:>6} {c.n_pred:>6} {matched:>8}")
        lines += ["", "By kind (recall over gold of the kind, precision over predictions of the kind;"
                      " attribution matching)",
                  f"  {'kind':<10} {'gold':>6} {'recall':>7} {'pred':>6} {'prec':>7} {'F1':>6}"]
        pk = self.per_kind()
        for kind in KIND_ORDER:
            k = pk[kind]
            lines.append(f"  {kind:<10} {k['n_gold']:>6} {k['recall']:7.3f} {k['n_pred']:>6}"
                         f" {k['precision']:7.3f} {k['f1']:6.3f}")
        agree = pk["_agreement"]
        lines.append(f"  kind agreement on {agree['n_pairs']} content-matched pairs:"
                     f" {agree['accuracy']:.3f}")
        sp = self.speaker()
        if sp is not None:
            lines += ["", "Speakers (gold attributions with a speaker whose content was found)",
                      f"  name accuracy  {sp['correct']}/{sp['found']} = {sp['accuracy']:.3f}"
                      f"   end-to-end {sp['correct']}/{sp['gold_named']} = {sp['end_to_end']:.3f}",
                      f"  type accuracy  {sp['type_correct']}/{sp['type_found']} = {sp['type_accuracy']:.3f}"]
        else:
            lines += ["", "Speakers: not annotated in this gold"]
        lines += self._mention_lines()
        for title, msgs in (("Gold documents skipped", self.gold_errors),
                            ("Gold annotations skipped", self.gold_warnings),
                            ("Problems", self.problems)):
            if msgs:
                lines += ["", f"{title} ({len(msgs)}):"] + [f"  {m}" for m in msgs[:20]]
                if len(msgs) > 20:
                    lines.append(f"  ... and {len(msgs) - 20} more (see --json)")
        return "\n".join(lines) + "\n"

    def _mention_lines(self) -> list[str]:
        bm = self.speaker_by_mention()
        if not any(r["n"] for r in bm.values()):
            return []
        speakers = any("speaker" in ds.gold.annotated for ds in self.docs)
        title = ("By gold source mention type (content-matched pairs; name accuracy over gold"
                 " with a name, type over gold type not unknown)" if speakers else
                 "By gold source mention type (speakers not annotated: source overlap only)")

        def acc(r: dict[str, Any], what: str) -> str:
            found = r[f"{what}_found"]
            if found is None:
                return f"{'–':>15}"
            return f"{r[f'{what}_correct']:>5}/{found:<4} {_fmt(r[f'{what}_accuracy']):>5}"

        lines = ["", title, f"  {'mention':<13} {'n':>5} {'found':>6} {'name acc.':>15}"
                            f" {'type acc.':>15} {'source acc.':>15}"]
        for t, r in bm.items():
            lines.append(f"  {t:<13} {r['n']:>5} {r['found']:>6} {acc(r, 'name')} {acc(r, 'type')}"
                         f" {acc(r, 'source')}")
        return lines

    def errors_table(self, per_cause: int | None = None) -> str:
        items = self.all_errors()
        by_cause: dict[str, list[ErrorItem]] = {}
        for e in items:
            by_cause.setdefault(e.group, []).append(e)
        lines = [f"Errors: {len(items)}  " + ", ".join(f"{k} {len(v)}" for k, v in
                                                     sorted(by_cause.items(), key=lambda kv: -len(kv[1])))]
        for key, group in sorted(by_cause.items(), key=lambda kv: -len(kv[1])):
            lines += ["", f"== {key} ({len(group)})"]
            for e in group[:per_cause] if per_cause else group:
                lines.append(f"- [{e.doc_id} @{e.start}] {e.context}")
                bits = [f"content: {_short(e.content)}"]
                if e.source is not None:
                    bits.append(f"source: {e.source!r}")
                if e.cue is not None:
                    bits.append(f"cue: {e.cue!r}")
                lines.append("    " + "; ".join(bits))
                if e.detail:
                    lines.append(f"    {e.detail}")
            if per_cause and len(group) > per_cause:
                lines.append(f"  ... and {len(group) - per_cause} more")
        return "\n".join(lines) + "\n"


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _short(s: str, n: int = 100) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= n else s[: n - 1] + "…")


def context(text: str, start: int, end: int, limit: int = 320) -> str:
    """The sentence(s) around ``start..end`` with the span marked ``[[...]]``, on one line."""
    lo = max(0, start - limit // 2)
    before = text[lo:start]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    s = lo + cut[-1] if cut else lo
    after_end = text[end:end + limit // 2]
    m = _SENTENCE_END.search(after_end)
    e = end + (len(after_end[:m.end()].rstrip()) if m else len(after_end))
    if end - start > limit:
        mid = f"{text[start:start + limit // 2]} … {text[end - limit // 4:end]}"
    else:
        mid = text[start:end]
    out = f"{'…' if s > 0 and not cut else ''}{text[s:start]}[[{mid}]]{text[end:e]}{'…' if e < len(text) and not m else ''}"
    return " ".join(out.split())


@lru_cache(maxsize=1)
def _pronouns() -> frozenset[str]:
    from ..lexicon import lexicons

    return frozenset(lexicons().pronouns)


def _is_pronoun(s: str | None) -> bool:
    return bool(s) and s.strip().lower() in _pronouns()  # type: ignore[union-attr]


def doc_mentions(ds: DocScore) -> list[str]:
    """The mention type of each gold attribution's source in one scored document."""
    text = ds.gold.text
    spk = "speaker" in ds.gold.annotated
    return [mention_type(span_text(text, g.source) if g.source else None, g.speaker if spk else None)
            for g in ds.gold.attributions]


def _gold_item(ds: DocScore, i: int, type_: str, cause: str, detail: str = "",
               mentions: list[str] | None = None) -> ErrorItem:
    text, g = ds.gold.text, ds.gold.attributions[i]
    a, b = g.content[0][0], g.content[-1][1]
    return ErrorItem(ds.doc_id, type_, cause, a, span_text(text, g.content),
                     span_text(text, g.source) if g.source else None,
                     span_text(text, g.cue) if g.cue else None, context(text, a, b), detail,
                     mention=(mentions or doc_mentions(ds))[i])


def _doc_type_errors(ds: DocScore) -> list[ErrorItem]:
    if "speaker" not in ds.gold.annotated:
        return []
    mentions = doc_mentions(ds)
    out = []
    for m in ds.content_matches:
        g, p = ds.gold.attributions[m.gold], ds.preds[m.pred]
        if g.speaker is None or g.speaker.type == "unknown" or g.speaker.type == p.quote.speaker.type:
            continue
        e = _gold_item(ds, m.gold, "speaker_type", "wrong speaker type",
                       f"gold speaker {g.speaker.name!r} ({g.speaker.type}), predicted"
                       f" {p.quote.speaker.name!r} ({p.quote.speaker.type})", mentions)
        e.speaker_error = f"wrong type: {g.speaker.type} → {p.quote.speaker.type}"
        out.append(e)
    return out


def _doc_errors(ds: DocScore) -> list[ErrorItem]:
    text, golds, preds, idx = ds.gold.text, ds.gold.attributions, ds.preds, ds.index
    mentions = doc_mentions(ds)
    matched_g = {m.gold for m in ds.attribution_matches}
    matched_p = {m.pred for m in ds.attribution_matches}
    content_pair = {m.gold: m.pred for m in ds.content_matches}
    content_pair_p = {m.pred: m.gold for m in ds.content_matches}
    out: list[ErrorItem] = []

    def gold_item(i: int, type_: str, cause: str, detail: str = "") -> ErrorItem:
        return _gold_item(ds, i, type_, cause, detail, mentions)

    for i, g in enumerate(golds):
        if i in matched_g:
            continue
        gtok = idx.tokens(g.content)
        if i in content_pair:
            p = preds[content_pair[i]]
            psrc = span_text(text, p.source) if p.source else None
            cause = "unresolved pronoun" if _is_pronoun(span_text(text, g.source)) else "wrong speaker"
            out.append(gold_item(i, "miss", cause, f"predicted source: {psrc!r}"))
        elif any(gtok & idx.tokens(p.content) for p in preds):
            out.append(gold_item(i, "miss", "wrong boundary", _best_overlap(ds, i)))
        elif g.cue and any(p.cue and idx.tokens(g.cue) & idx.tokens(p.cue) for p in preds):
            out.append(gold_item(i, "miss", "wrong boundary", "the cue was found, the content was not"))
        else:
            out.append(gold_item(i, "miss", "no cue found"))

    for j, p in enumerate(preds):
        if j in matched_p:
            continue
        q = p.quote
        a, b = q.content.start, q.content.end
        if j in content_pair_p:
            cause = "wrong speaker"
        elif any(idx.tokens(p.content) & idx.tokens(g.content) for g in golds):
            cause = "wrong boundary"
        else:
            cause = "spurious"
        out.append(ErrorItem(ds.doc_id, "false_positive", cause, a, q.content.text or text[a:b],
                             q.source.text if q.source else None, q.cue.text if q.cue else None,
                             context(text, a, b), f"speaker: {q.speaker.name!r}"))

    if "speaker" in ds.gold.annotated:
        for m in ds.content_matches:
            g, p = golds[m.gold], preds[m.pred]
            if g.speaker is None or not g.speaker.name:
                continue
            if names_match(g.speaker.name, p.quote.speaker.name, g.speaker.type):
                continue
            gsrc = span_text(text, g.source) if g.source else None
            cause = "unresolved pronoun" if _is_pronoun(gsrc) else "wrong speaker"
            e = gold_item(m.gold, "speaker", cause,
                          f"gold speaker {g.speaker.name!r}, predicted {p.quote.speaker.name!r}")
            mention = mentions[m.gold]
            if not p.quote.speaker.name:
                e.speaker_error = f"missing speaker: {mention}"
            else:
                wrong = "organisation" if g.speaker.type == "organization" else "person"
                e.speaker_error = f"wrong name: {mention} → wrong {wrong}"
            out.append(e)
    return out


def _best_overlap(ds: DocScore, i: int) -> str:
    idx, g = ds.index, ds.gold.attributions[i]
    gtok = idx.tokens(g.content)
    best = max(ds.preds, key=lambda p: len(gtok & idx.tokens(p.content)))
    return f"nearest predicted content: {_short(span_text(ds.gold.text, best.content))}"


def cause_counts(items: list[ErrorItem]) -> Counter[str]:
    return Counter(f"{e.type}: {e.cause}" for e in items)
