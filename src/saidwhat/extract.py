"""Text in, records out: the extraction pipeline.

Stages, each a pure function over a parsed spaCy ``Doc`` (see ``saidwhat.pipeline``):
segment -> quotes (direct) -> cues -> content (indirect) -> source -> resolve.
No I/O happens here, so the same code runs in a test, the CLI, a notebook and a Dask worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language

from .model import Document
from .nlp import load_nlp


class Extractor:
    """Holds a loaded spaCy pipeline and runs the attribution stages over it."""

    def __init__(self, model: str | None = None, nlp: Language | None = None) -> None:
        self.nlp = nlp if nlp is not None else load_nlp(model)

    def __call__(self, text: str, doc_id: str = "doc") -> Document:
        return next(self.pipe([(doc_id, text)]))

    def pipe(self, items: Iterable[tuple[str, str]], batch_size: int = 32) -> Iterator[Document]:
        """Extract from ``(doc_id, text)`` pairs, in order, batching the parser."""
        from .pipeline import run_stages

        stream = ((text, doc_id) for doc_id, text in items)
        for sdoc, doc_id in self.nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
            yield run_stages(sdoc, doc_id=doc_id)


_default: Extractor | None = None


def extract(text: str, doc_id: str = "doc", model: str | None = None) -> Document:
    """Extract every attribution from ``text``; see :class:`saidwhat.model.Document`."""
    global _default
    if model is not None:
        return Extractor(model)(text, doc_id)
    if _default is None:
        _default = Extractor()
    return _default(text, doc_id)
