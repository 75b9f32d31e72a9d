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
    """Consecutive quotations of one paragraph sharing a cue become one attribution."""
    out: list[Candidate] = []
    for r in records:
        prev = out[-1] if out else None
        key = _verb_key(r)
        if prev is not None and key is not None and key == _verb_key(prev) and \
                prev.kind in ("direct", "mixed") and r.kind in ("direct", "mixed") and \
                prev.paragraph == r.paragraph and r.content[0] >= prev.content[1]:
            parts = list(prev.content_parts or [prev.content]) + list(r.content_parts or [r.content])
            prev.content = (parts[0][0], parts[-1][1])
            prev.content_parts = parts
            prev.confidence = min(prev.confidence, r.confidence)
            continue
        out.append(r)
    return out


def drop_nested(records: list[Candidate]) -> list[Candidate]:
    """Leave out the attributions whose cue lies inside another one's content."""
    index = SpanIndex(r.content for r in records)
    out = []
    for r in records:
        at = r.verb.idx if r.verb is not None else (r.cue[0].idx if r.cue else None)
        if at is not None:
            own = 1 if r.content[0] <= at < r.content[1] else 0
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
