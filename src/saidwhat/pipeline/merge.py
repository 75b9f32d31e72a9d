"""The built-in merger, ``text_order_merge.v1``: decides between overlapping candidates and
returns the kept ones in text order."""

from __future__ import annotations

from ..config import registry
from .candidates import Candidate, DocContext


class TextOrderMerge:
    """Keep one candidate per content span and one per cue verb, then sort by content start.

    Candidates compete when they have the same content span (``dedupe_spans``) or the same
    cue verb (``one_per_cue``); the one with the higher confidence wins, ties going to the
    source listed first in the config. The built-in sources already defer to earlier ones,
    so with them alone nothing is dropped here; a source added by config (a learned model
    proposing what the rules found too) is reconciled here. Sorting is stable: candidates
    starting at the same offset stay in source order."""

    def __init__(self, one_per_cue: bool = True, dedupe_spans: bool = True) -> None:
        self.one_per_cue = one_per_cue
        self.dedupe_spans = dedupe_spans

    def __call__(self, doc: DocContext, candidates: list[Candidate]) -> list[Candidate]:
        if self.one_per_cue or self.dedupe_spans:
            candidates = self._reconcile(candidates)
        candidates.sort(key=lambda r: r.content[0])
        return candidates

    def _reconcile(self, candidates: list[Candidate]) -> list[Candidate]:
        # only candidates of different sources compete: one source may use one cue verb
        # for several quotations ("‘A,’ she said, ‘B.’")
        by_span: dict[tuple[int, int], list[int]] = {}
        by_verb: dict[int, list[int]] = {}
        kept: list[Candidate | None] = []
        for cand in candidates:
            rivals: list[int] = []
            if self.dedupe_spans:
                rivals += by_span.get(cand.content, ())
            verb = cand.verb.i if cand.verb is not None and not cand.continuation else None
            if self.one_per_cue and verb is not None:
                rivals += by_verb.get(verb, ())
            live = [kept[r] for r in dict.fromkeys(rivals)]
            rival_ids = [r for r, c in zip(dict.fromkeys(rivals), live, strict=True)
                         if c is not None and c.provenance != cand.provenance]
            if any(kept[r].confidence >= cand.confidence  # type: ignore[union-attr]
                   for r in rival_ids):
                continue
            for r in rival_ids:
                kept[r] = None
            kept.append(cand)
            at = len(kept) - 1
            by_span.setdefault(cand.content, []).append(at)
            if verb is not None:
                by_verb.setdefault(verb, []).append(at)
        return [c for c in kept if c is not None]


@registry.mergers("text_order_merge.v1")
def make_text_order_merge(one_per_cue: bool = True, dedupe_spans: bool = True) -> TextOrderMerge:
    return TextOrderMerge(one_per_cue, dedupe_spans)
