"""Attribution stages over a parsed spaCy Doc.

quotes (direct, from the marks) -> cues (indirect, from the parse) -> source -> resolve.
:func:`run_stages` is pure: a parsed ``Doc`` in, a :class:`~saidwhat.model.Document` out.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..budget import TimeBudget
from ..model import Document, Quote, QuoteKind, Speaker, TextSpan
from .cues import Cue, channel_of, find_cue_near, find_cues, subject_of
from .intervals import SpanIndex
from .quotes import QuoteSpan, find_quotes, paragraphs
from .resolve import SpeakerResolver

_FULL_BEFORE = ":,"  # ‘…’ after these (or at a paragraph start) is a whole quotation
_RIGHT_CUE_ENDS = ",?!—–-"


@dataclass(slots=True)
class _Record:
    kind: QuoteKind
    content: tuple[int, int]
    cue: list[Token] | None
    verb: Token | None
    source: Token | None
    paragraph: int
    continuation: bool = False
    cue_class: str = "speech"
    clausal: bool = True  # the content is a clause (not just an object noun phrase)
    source_extent: tuple[int, int] | None = None  # token span, when known without the parse
    speaker: Speaker | None = None
    mention: TextSpan | None = None


def _no_check() -> None:
    return None


def run_stages(sdoc: Doc, doc_id: str, text: str | None = None,
               budget: TimeBudget | None = None) -> Document:
    """Run every stage over ``sdoc`` and return the document's records.

    ``text`` is the original text when the parsed one was normalised length for length
    (see :func:`saidwhat.extract.normalize_spaces`); offsets are the same in both.
    ``budget`` is checked between stages and inside their long loops (raising
    :class:`~saidwhat.budget.DocumentTimeout` once spent). Every stage is near-linear in
    the document, given sentences of bounded length (:mod:`saidwhat.settings`)."""
    check = budget.check if budget is not None else _no_check
    text = sdoc.text if text is None else text
    assert len(text) == len(sdoc.text), "normalisation must keep offsets"
    paras = paragraphs(text)
    para_of = _paragraph_index(paras)
    quotes = find_quotes(text)
    full: list[QuoteSpan] = []
    fragments: list[QuoteSpan] = []
    for q in quotes:
        (full if _is_full_quote(text, q, sdoc) else fragments).append(q)

    full_index = SpanIndex((q.start, q.end) for q in full)
    check()
    records = _direct_records(sdoc, full, full_index, para_of, check)
    used_verbs = {r.verb.i for r in records if r.verb is not None}
    check()
    cues = find_cues(sdoc, check)
    records += _indirect_records(sdoc, cues, full_index, fragments, used_verbs, para_of)
    check()
    records += _name_colon_records(sdoc, paras, records)
    records.sort(key=lambda r: r.content[0])
    check()

    resolver = SpeakerResolver(sdoc, text)
    check()
    _resolve_in_order(resolver, records, check)
    check()
    quotes_out: list[Quote] = []
    for r in records:
        if r.speaker is None:
            continue
        quotes_out.append(Quote(
            id=f"q{len(quotes_out) + 1}", kind=r.kind,
            content=TextSpan.of(text, *r.content),
            cue=_token_span(text, r.cue) if r.cue else None,
            source=r.mention,
            speaker=r.speaker,
            channel=_channel(text, r.verb) if r.verb is not None and not r.continuation else None))
    doc = Document(doc_id=doc_id, text=text, quotes=quotes_out, entities=resolver.finish())
    return doc


def _paragraph_index(paras: list[tuple[int, int]]) -> Callable[[int], int]:
    """Index of the paragraph holding (or last starting before) a character offset."""
    starts = [s for s, _ in paras]

    def index(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    return index


def _prev_char(text: str, i: int) -> str:
    i -= 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else "\n"


def _is_full_quote(text: str, q: QuoteSpan, sdoc: Doc) -> bool:
    """A whole quotation (direct speech), not a quoted fragment inside a clause."""
    prev = _prev_char(text, q.open_start)
    content = text[q.start:q.end]
    words = content.split()
    if prev == "\n" or prev in ".!?":
        # a paragraph or sentence of its own; short title-like strings are not speech
        return len(words) >= 4 or content.rstrip()[-1:] in ".!?,"
    if prev in _FULL_BEFORE:
        return content[:1].isupper() or len(words) >= 6
    # said “We will …” : a whole quotation right after the cue
    span = sdoc.char_span(max(0, q.open_start - 40), q.open_start, alignment_mode="contract")
    if span is not None and len(span) and content[:1].isupper() and len(words) >= 4:
        last = span[-1]
        if last.pos_ == "VERB" and last.lemma_.lower() in ("say", "tell", "add", "write", "tweet"):
            return True
    return False


def _direct_records(sdoc: Doc, full: list[QuoteSpan], full_index: SpanIndex,
                    para_of: Callable[[int], int],
                    check: Callable[[], None] = _no_check) -> list[_Record]:
    text = sdoc.text
    records: list[_Record] = []
    prev: _Record | None = None
    for n, q in enumerate(full):
        if n % 64 == 63:
            check()
        content = text[q.start:q.end]
        right_first = content[-1:] in _RIGHT_CUE_ENDS or _next_word_lower(text, q.close_end)
        sides = ("right", "left") if right_first else ("left", "right")
        verb = None
        for side in sides:
            verb = find_cue_near(sdoc, q.open_start, q.close_end, side)
            if verb is not None and full_index.containing(verb.idx):
                verb = None
            if verb is not None:
                break
        para = para_of(q.start)
        colon = _colon_source(sdoc, q) if verb is None else None
        if colon is not None:
            rec = _Record("direct", (q.start, q.end), [colon[0]], None, colon[1], para)
        elif verb is not None:
            rec = _Record("direct", (q.start, q.end), _cue_tokens(verb), verb, subject_of(verb),
                          para)
        elif prev is not None and para - prev.paragraph <= 2 and \
                _prev_char(text, q.open_start) in "\n.!?":
            # a cue-less quotation that opens a paragraph or sentence goes on from the last
            # speaker; one inside a sentence ("a film, ‘Title’, which …") is a title, not speech
            same_para = para == prev.paragraph
            # ‘A,’ she said. ‘B.’ : B shares A's cue and source; a new paragraph has none locally
            rec = _Record("direct", (q.start, q.end), prev.cue if same_para else None,
                          prev.verb if same_para else None,
                          prev.source if same_para else None, para, continuation=True)
        else:
            prev = None
            continue
        records.append(rec)
        prev = rec
    return records


def _colon_source(sdoc: Doc, q: QuoteSpan) -> tuple[Token, Token] | None:
    """"Pollster Jane Doe: ‘…’": a name right before a colon introduces the quotation."""
    text = sdoc.text
    i = q.open_start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] != ":":
        return None
    span = sdoc.char_span(i, i + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    colon, before = span[0], sdoc[span.start - 1]
    if before.pos_ not in ("PROPN", "NOUN") or before.is_space:
        return None
    head = before
    while head.dep_ in ("compound", "flat") and head.head.i > head.i and head.head.i < colon.i:
        head = head.head
    if head.sent.start != colon.sent.start and head.i < colon.sent.start:
        return None
    return colon, head


def _name_colon_records(sdoc: Doc, paras: list[tuple[int, int]],
                        records: list[_Record]) -> list[_Record]:
    """Headline and transcript convention: "Jane Doe: We will win" (no quotation marks)."""
    out = []
    text = sdoc.text
    taken = SpanIndex(r.content for r in records)
    for n, (ps, pe) in enumerate(paras):
        colon = text.find(":", ps, min(pe, ps + 60))
        if colon < 0:
            continue
        rest_start = colon + 1
        while rest_start < pe and text[rest_start] in " \t":
            rest_start += 1
        rest_end = pe
        while rest_end > rest_start and (text[rest_end - 1].isspace() or text[rest_end - 1] == "."):
            rest_end -= 1
        if len(text[rest_start:rest_end].split()) < 3 or text[rest_start] in "“‘\"'`":
            continue  # quotations after a colon are handled with the direct quotes
        if taken.overlapping(rest_start, rest_end):
            continue
        name = sdoc.char_span(ps, colon, alignment_mode="contract")
        if name is None or not 1 <= len(name) <= 4:
            continue
        if not all(t.pos_ == "PROPN" or t.text[:1].isupper() and t.is_alpha for t in name):
            continue
        if not any(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in name):
            continue
        colon_tok = sdoc.char_span(colon, colon + 1, alignment_mode="expand")
        if colon_tok is None:
            continue
        out.append(_Record("direct", (rest_start, rest_end), [colon_tok[0]], None, name.root, n,
                           source_extent=(name.start, name.end)))
    return out


def _next_word_lower(text: str, i: int) -> bool:
    while i < len(text) and text[i] in " \t,":
        i += 1
    return i < len(text) and text[i].islower()


def _indirect_records(sdoc: Doc, cues: list[Cue], full: SpanIndex,
                      fragments: list[QuoteSpan], used_verbs: set[int],
                      para_of: Callable[[int], int]) -> list[_Record]:
    records = []
    fragment_index = SpanIndex((q.start, q.end) for q in fragments)
    for cue in cues:
        if cue.verb.i in used_verbs or cue.content is None or cue.source is None:
            continue
        if full.containing(cue.verb.idx):
            continue  # a cue inside a quotation is the speaker's own words
        cs, ce = cue.content
        if full.covered(cs, ce) > 0.5 * (ce - cs):
            continue
        mixed = fragment_index.starting_in(cs, ce)
        records.append(_Record("mixed" if mixed else "indirect", (cs, ce), cue.tokens, cue.verb,
                               cue.source, para_of(cs), cue_class=cue.cue_class,
                               clausal=cue.clausal))
    # A feeling, belief or object-only position reported inside someone's statement is part
    # of that statement ("X said residents felt ignored", "… would offer free supervision");
    # nested attributions with a clause of their own stay ("X said that Y had claimed …").
    contents = SpanIndex(r.content for r in records)

    def inside_another(r: _Record) -> bool:
        assert r.verb is not None
        at = r.verb.idx
        return contents.containing(at) > (1 if r.content[0] <= at < r.content[1] else 0)

    return [r for r in records if not (r.cue_class == "cognition" or not r.clausal and
                                       r.cue_class != "position") or not inside_another(r)]


def _cue_tokens(verb: Token) -> list[Token]:
    return [verb] + [c for c in verb.children if c.dep_ == "prt"]


def _resolve_in_order(resolver: SpeakerResolver, records: list[_Record],
                      check: Callable[[], None] = _no_check) -> None:
    """Resolve sources in text order so that later pronouns can refer through earlier ones."""
    def position(r: _Record) -> int:
        if r.source is not None:
            return r.source.i
        return r.verb.i if r.verb is not None else 10**9

    ordered = sorted((r for r in records if not r.continuation), key=position)
    for n, r in enumerate(ordered):
        if n % 64 == 63:
            check()
        speaker, mention = resolver.resolve(r.source, r.verb, r.source_extent)
        r.speaker = speaker
        r.mention = resolver.text_span(mention) if mention else None
    last: _Record | None = None
    for r in records:  # content order
        if r.continuation:
            if last is not None and last.speaker is not None:
                r.speaker = last.speaker
                r.mention = last.mention if r.source is not None else None
        if r.speaker is not None and r.speaker.type != "unknown" or r.continuation:
            last = r
    for r in records:
        if r.speaker is not None and r.speaker.name is None and r.speaker.type == "unknown" \
                and r.mention is None:
            r.speaker = None  # nobody said it


def _token_span(text: str, tokens: list[Token]) -> TextSpan:
    s = min(t.idx for t in tokens)
    e = max(t.idx + len(t.text) for t in tokens)
    return TextSpan.of(text, s, e)


def _channel(text: str, verb: Token) -> TextSpan | None:
    span = channel_of(verb)
    return TextSpan.of(text, *span) if span else None
