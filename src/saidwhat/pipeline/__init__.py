"""The attribution pipeline over a parsed spaCy Doc: one pipeline of named components.

quotes (from the marks) -> candidate sources -> merge -> resolve -> records.

:class:`Attribution` runs the components a config names (:mod:`saidwhat.config`):
every **candidate source** (``[sources]``, in ``[pipeline] sources`` order) proposes
:class:`~saidwhat.pipeline.candidates.Candidate` s, the **merger** decides between
overlapping ones, the **resolver** gives the kept ones their speakers, seeing the whole
document at once. :func:`run_stages` runs the default pipeline (kept for older callers).
Pure: a parsed ``Doc`` in, a :class:`~saidwhat.model.Document` out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Token

from ..budget import TimeBudget
from ..lang import LanguagePack
from ..model import CUE_CLASSES, CueClass, Document, Quote, TextSpan
from ..settings import Settings
from .candidates import Candidate, CandidateSource, DocContext, Merger, Resolver, _no_check
from .cues import channel_of
from .quotes import find_quotes, paragraphs

if TYPE_CHECKING:
    from confection import Config

__all__ = ["Attribution", "Candidate", "CandidateSource", "DocContext", "Merger", "Resolver",
           "default_pipeline", "run_stages"]


@dataclass
class Attribution:
    """The attribution components of one pipeline, built from a config
    (:func:`saidwhat.config.build_pipeline`)."""

    sources: list[tuple[str, CandidateSource]]
    merger: Merger
    resolver: Resolver
    settings: Settings
    lang: LanguagePack
    config: Config | None = field(default=None, repr=False)

    @property
    def source_names(self) -> list[str]:
        return [name for name, _ in self.sources]

    def context(self, sdoc: Doc, doc_id: str, text: str | None = None,
                check: Callable[[], None] = _no_check) -> DocContext:
        """The :class:`DocContext` the components see: paragraphs and quotations found,
        quotations split into whole ones and fragments."""
        from .sources import classify_quotes

        text = sdoc.text if text is None else text
        assert len(text) == len(sdoc.text), "normalisation must keep offsets"
        ctx = DocContext(sdoc=sdoc, text=text, doc_id=doc_id, settings=self.settings,
                         lang=self.lang, check=check, paragraphs=paragraphs(text),
                         quotes=find_quotes(text))
        classify_quotes(ctx)
        return ctx

    def candidates(self, ctx: DocContext) -> list[Candidate]:
        """Every source's candidates, in source order, then the merger's choice."""
        found: list[Candidate] = []
        for name, source in self.sources:
            ctx.check()
            proposed = source(ctx, tuple(found))
            for c in proposed:
                if not c.provenance:
                    c.provenance = name
            found += proposed
        ctx.check()
        merged = self.merger(ctx, found)
        if self.settings.scheme == "parc":
            from .parc import apply_parc

            merged = apply_parc(ctx, merged)
        return merged

    def __call__(self, sdoc: Doc, doc_id: str, text: str | None = None,
                 budget: TimeBudget | None = None) -> Document:
        """Run every component over ``sdoc`` and return the document's records.

        ``text`` is the original text when the parsed one was normalised length for length
        (see :func:`saidwhat.extract.normalize_spaces`); offsets are the same in both.
        ``budget`` is checked between components and inside their long loops (raising
        :class:`~saidwhat.budget.DocumentTimeout` once spent). Every built-in component is
        near-linear in the document, given sentences of bounded length."""
        check = budget.check if budget is not None else _no_check
        ctx = self.context(sdoc, doc_id, text, check)
        records = self.candidates(ctx)
        ctx.check()
        entities = self.resolver(ctx, records)
        if self.settings.scheme == "parc":
            from .parc import keep_sourceless

            keep_sourceless(records)
        ctx.check()
        return Document(doc_id=doc_id, text=ctx.text, quotes=to_quotes(ctx, records),
                        entities=entities)


def to_quotes(ctx: DocContext, records: Sequence[Candidate]) -> list[Quote]:
    """The records of the candidates that have a speaker, numbered ``q1, q2, ...``."""
    text = ctx.text
    out: list[Quote] = []
    for r in records:
        if r.speaker is None:
            continue
        out.append(Quote(
            id=f"q{len(out) + 1}", kind=r.kind,
            content=TextSpan.of(text, *r.content),
            cue=_token_span(text, r.cue) if r.cue else None,
            source=r.mention,
            speaker=r.speaker,
            channel=_channel(text, r.verb, ctx.lang)
            if r.verb is not None and not r.continuation else None,
            cue_class=cue_class_of(r.cue_class), confidence=r.confidence,
            content_parts=[TextSpan.of(text, a, b) for a, b in r.content_parts]
            if r.content_parts else None))
    return out


_CUE_CLASS_OF = {"report": "evidential"}  # the lexicon's "report" verbs: "show", "suggest"


def cue_class_of(name: str | None) -> CueClass:
    """The contract's cue class (speech, position, cognition, evidential, other) of a
    candidate's ``cue_class``."""
    c = _CUE_CLASS_OF.get(name or "", name or "other")
    return c if c in CUE_CLASSES else "other"  # type: ignore[return-value]


def _token_span(text: str, tokens: list[Token]) -> TextSpan:
    s = min(t.idx for t in tokens)
    e = max(t.idx + len(t.text) for t in tokens)
    return TextSpan.of(text, s, e)


def _channel(text: str, verb: Token, lang: LanguagePack) -> TextSpan | None:
    span = channel_of(verb, lang)
    return TextSpan.of(text, *span) if span else None


_default: list[Attribution] = []


def default_pipeline() -> Attribution:
    """The pipeline of the default config (built once per process)."""
    if not _default:
        from ..config import build_pipeline

        _default.append(build_pipeline())
    return _default[0]


def run_stages(sdoc: Doc, doc_id: str, text: str | None = None,
               budget: TimeBudget | None = None, **_: Any) -> Document:
    """The default pipeline over ``sdoc`` (compatibility: see :class:`Attribution`)."""
    return default_pipeline()(sdoc, doc_id, text, budget)
