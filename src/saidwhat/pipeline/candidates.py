"""The types the attribution components share: :class:`Candidate`, :class:`DocContext`
and the interfaces of the three kinds of component.

* A **candidate source** (:class:`CandidateSource`) proposes candidates: callable as
  ``source(doc, prior) -> list[Candidate]``, where ``prior`` are the candidates proposed by
  the sources before it in the config (so a source can defer to them, as spaCy components
  read the annotations of earlier ones).
* A **merger** (:class:`Merger`) decides between overlapping candidates and returns the
  kept ones in text order: ``merger(doc, candidates) -> list[Candidate]``.
* A **resolver** (:class:`Resolver`) sees the whole document and every kept candidate at
  once, sets each candidate's ``speaker`` (``None``: nobody said it; the candidate is
  dropped) and ``mention``, and returns the document's entities:
  ``resolver(doc, candidates) -> list[Entity]``.

Components are registered by name (:mod:`saidwhat.config`) and chosen in a config.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from spacy.tokens import Doc, Token

from ..lang import LanguagePack
from ..model import Entity, QuoteKind, Speaker, TextSpan
from ..settings import Settings
from .intervals import SpanIndex
from .quotes import QuoteSpan


def _no_check() -> None:
    return None


@dataclass(slots=True)
class Candidate:
    """One proposed attribution: what was said (``content``), the cue, and the source.

    Offsets: ``content`` in characters of the text; ``source_extent`` in tokens of the
    parse. ``provenance`` is the name of the component that proposed it (its key in the
    config's ``[sources]``), ``confidence`` that component's belief in it (0..1)."""

    kind: QuoteKind
    content: tuple[int, int]
    cue: list[Token] | None
    verb: Token | None  # the cue's head (its channel and subject hang from it)
    source: Token | None  # head token of the local source mention
    paragraph: int
    provenance: str = ""
    confidence: float = 1.0
    continuation: bool = False  # goes on from the previous quotation's speaker
    cue_class: str = "speech"  # "speech", "position", "cognition" (lexicons/cues.tsv)
    clausal: bool = True  # the content is a clause (not just an object noun phrase)
    source_extent: tuple[int, int] | None = None  # token span, when known without the parse
    content_parts: list[tuple[int, int]] | None = None  # a split quotation's parts (parc)
    sourceless: bool = False  # parc: "is expected to …", an attribution without a source
    speaker: Speaker | None = None  # set by the resolver
    mention: TextSpan | None = None  # set by the resolver


@dataclass
class DocContext:
    """One parsed document and what every component may read about it.

    ``text`` is the original text (the parse may have seen a same-length normalised copy);
    ``check`` raises :class:`~saidwhat.budget.DocumentTimeout` once the document's time is
    spent: components call it inside their long loops."""

    sdoc: Doc
    text: str
    doc_id: str
    settings: Settings
    lang: LanguagePack
    check: Callable[[], None] = _no_check
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    quotes: list[QuoteSpan] = field(default_factory=list)  # every quotation from the marks
    full_quotes: list[QuoteSpan] = field(default_factory=list)  # those that are speech
    fragments: list[QuoteSpan] = field(default_factory=list)  # quoted words inside a clause
    full_index: SpanIndex = field(default_factory=lambda: SpanIndex(()))
    cache: dict[str, Any] = field(default_factory=dict)  # components' shared computations
    _para_starts: list[int] = field(default_factory=list)

    def paragraph_of(self, char: int) -> int:
        """Index of the paragraph holding (or last starting before) a character offset."""
        if not self._para_starts and self.paragraphs:
            self._para_starts = [s for s, _ in self.paragraphs]
        return max(0, bisect.bisect_right(self._para_starts, char) - 1)


@runtime_checkable
class CandidateSource(Protocol):
    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]: ...


@runtime_checkable
class Merger(Protocol):
    def __call__(self, doc: DocContext, candidates: list[Candidate]) -> list[Candidate]: ...


@runtime_checkable
class Resolver(Protocol):
    def __call__(self, doc: DocContext, candidates: list[Candidate]) -> list[Entity]: ...
