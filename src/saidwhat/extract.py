"""Text in, records out: the extraction pipeline.

Stages, each a pure function over a parsed spaCy ``Doc`` (see ``saidwhat.pipeline``):
segment -> quotes (direct) -> cues -> content (indirect) -> source -> resolve.
No I/O happens here, so the same code runs in a test, the CLI, a notebook and a Dask worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .model import Document
from .nlp import add_paragraph_boundaries, load_nlp

if TYPE_CHECKING:
    from spacy.language import Language


class Extractor:
    """Holds a loaded spaCy pipeline and runs the attribution stages over it."""

    def __init__(self, model: str | None = None, nlp: Language | None = None) -> None:
        self.nlp = add_paragraph_boundaries(nlp if nlp is not None else load_nlp(model))

    def __call__(self, text: str, doc_id: str = "doc") -> Document:
        return next(self.pipe([(doc_id, text)]))

    def pipe(self, items: Iterable[tuple[str, str]], batch_size: int = 32) -> Iterator[Document]:
        """Extract from ``(doc_id, text)`` pairs, in order, batching the parser."""
        from .pipeline import run_stages

        stream = ((normalize_spaces(text), (doc_id, text)) for doc_id, text in items)
        for sdoc, (doc_id, text) in self.nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
            yield run_stages(sdoc, doc_id=doc_id, text=text)


# Unicode spaces the parser mistakes for tokens; replaced one for one, so offsets never move.
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                         "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"})


def normalize_spaces(text: str) -> str:
    """Same-length normalisation of exotic spaces (offsets into the original stay valid)."""
    return text.translate(_SPACES)


_extractors: dict[str | None, Extractor] = {}  # one loaded pipeline per model name


def extract(text: str, doc_id: str = "doc", model: str | None = None) -> Document:
    """Extract every attribution from ``text``; see :class:`saidwhat.model.Document`.

    The spaCy pipeline is loaded on the first call for each ``model`` and reused."""
    if model not in _extractors:
        _extractors[model] = Extractor(model)
    return _extractors[model](text, doc_id)
