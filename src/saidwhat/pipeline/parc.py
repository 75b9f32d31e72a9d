"""The PARC 3.0 / PolNeAR span conventions (``--scheme parc``), applied to the merged
candidates before speakers are resolved.

* a quotation split by its cue ("‘A,’ she said. ‘B.’", "‘A,’ she said, ‘B.’") is one
  attribution: ``content`` runs from the first part's start to the last part's end and
  ``content_parts`` lists the parts;
* an attribution whose cue lies inside another attribution's content is not annotated
  (nested attributions are dropped);
* a cue keeps its auxiliaries, negation and adverbs ("has praised", "also said", "did not
  say"): the words between the source and the cue verb that hang from the verb;
* sourceless attributions ("is expected to …") are kept (the learned extractor proposes
  them; :func:`keep_sourceless` gives them an empty speaker after resolution).

A final period inside the closing quotation mark, and a source's apposition with its comma,
already follow PARC in saidwhat's spans (and the scorer strips edge punctuation).
"""

from __future__ import annotations

from spacy.tokens import Token

from ..lang import LanguagePack
from ..model import Speaker
from .candidates import Candidate, DocContext
from .intervals import SpanIndex

CUE_MODIFIER_DEPS = ("aux", "auxpass", "neg", "advmod")


def apply_parc(ctx: DocContext, records: list[Candidate]) -> list[Candidate]:
    """``records`` (the merger's output, in text order) under the parc conventions."""
    records = join_split_quotes(records)
    records = drop_nested(records)
    for r in records:
        if r.cue:
            r.cue = extend_cue(r.cue, ctx.lang)
    return records


def _verb_key(r: Candidate) -> int | None:
    if r.verb is not None:
        return r.verb.i
    if r.cue:
        return r.cue[0].i
    return None


def join_split_quotes(records: list[Candidate]) -> list[Candidate]:
    """Quotations of one paragraph sharing a cue become one attribution; what lies between
    them (an aside such as "…,” she said, speaking of X. “…") does not keep them apart."""
    out: list[Candidate] = []
    for r in records:
        key = _verb_key(r)
        first = None
        if key is not None and r.kind in ("direct", "mixed"):
            for prev in reversed(out):
                if prev.paragraph != r.paragraph or prev.kind in ("direct", "mixed") and \
                        _verb_key(prev) != key:
                    break
                if _verb_key(prev) == key and prev.kind in ("direct", "mixed"):
                    first = prev
                    break
        if first is not None and r.content[0] >= first.content[1]:
            parts = list(first.content_parts or [first.content]) + \
                list(r.content_parts or [r.content])
            first.content = (parts[0][0], parts[-1][1])
            first.content_parts = parts
            first.confidence = min(first.confidence, r.confidence)
            continue
        out.append(r)
    return out


def drop_nested(records: list[Candidate]) -> list[Candidate]:
    """Leave out the attributions whose cue lies inside another one's content (inside its
    parts: the aside between a split quotation's parts is not nested in it)."""
    index = SpanIndex(p for r in records for p in (r.content_parts or [r.content]))
    out = []
    for r in records:
        at = r.verb.idx if r.verb is not None else (r.cue[0].idx if r.cue else None)
        if at is not None:
            own = sum(1 for a, b in (r.content_parts or [r.content]) if a <= at < b)
            if index.containing(at) > own:
                continue
        out.append(r)
    return out


def extend_cue(cue: list[Token], lang: LanguagePack) -> list[Token]:
    """The cue with the auxiliaries, negation and adverbs right before its verb."""
    verb = max(cue, key=lambda t: t.pos_ in ("VERB", "AUX"))
    kids = {c.i for c in verb.children if c.dep_ in CUE_MODIFIER_DEPS and c.i < verb.i}
    doc = verb.doc
    start = min(t.i for t in cue)
    i = start - 1
    while i >= 0 and i in kids:
        start = i
        i -= 1
    extra = [doc[k] for k in range(start, min(t.i for t in cue))]
    return sorted({t.i: t for t in [*extra, *cue]}.values(), key=lambda t: t.i)


def keep_sourceless(records: list[Candidate]) -> None:
    """After resolution: a sourceless attribution keeps an empty speaker (and no source)."""
    for r in records:
        if r.sourceless and r.speaker is None:
            r.speaker = Speaker()
            r.mention = None
