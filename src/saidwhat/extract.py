"""Text in, records out: the extraction pipeline.

The spaCy parse, then the attribution components a config names (see ``saidwhat.pipeline``
and ``saidwhat.config``): quotes -> candidate sources -> merge -> resolve.
No I/O happens here, so the same code runs in a test, the CLI, a notebook and a Dask worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from .budget import DocumentTimeout, TimeBudget, alarm
from .model import Document
from .nlp import add_paragraph_boundaries, add_sentence_cap, load_nlp
from .settings import DEFAULT_DOC_TIMEOUT, Settings

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from .config import ConfigLike
    from .pipeline import Attribution

# ``(doc_id, text)``, or ``(doc_id, text, budget)`` to share one budget between the chunks
# of a document (see :mod:`saidwhat.chunking`)
Item = tuple[str, str] | tuple[str, str, TimeBudget]


class Extractor:
    """Holds a loaded spaCy pipeline and the attribution components, and runs them.

    ``config`` (a ``.cfg`` text or path, a :class:`confection.Config` or a dict; see
    :mod:`saidwhat.config`) names the components and holds the settings; it is merged
    over the default config. ``settings`` (:class:`saidwhat.settings.Settings`), when
    given, replaces the config's ``[settings]``: it caps sentence length before the parse,
    bounds the time one document may take and holds the stages' thresholds."""

    def __init__(self, model: str | None = None, nlp: Language | None = None,
                 settings: Settings | None = None, config: ConfigLike | None = None) -> None:
        from .config import build_pipeline, config_text

        self.config_text = config_text(config)  # what worker processes are handed
        self.attribution: Attribution = build_pipeline(
            self.config_text, settings) if config is not None or settings is not None \
            else _default_attribution()
        self.settings = self.attribution.settings
        self.nlp = add_sentence_cap(
            add_paragraph_boundaries(nlp if nlp is not None else load_nlp(model)),
            self.settings.max_sentence_tokens)

    def __call__(self, text: str, doc_id: str = "doc") -> Document:
        return next(self.pipe([(doc_id, text)]))

    def pipe(self, items: Iterable[Item], batch_size: int = 32) -> Iterator[Document]:
        """Extract from ``(doc_id, text)`` pairs, in order, batching the parser.

        Raises :class:`~saidwhat.budget.DocumentTimeout` for a document over its time
        budget; :meth:`pipe_results` yields it instead and goes on."""
        for result in self.pipe_results(items, batch_size):
            if isinstance(result, DocumentTimeout):
                raise result
            yield result

    def pipe_results(self, items: Iterable[Item],
                     batch_size: int = 32) -> Iterator[Document | DocumentTimeout]:
        """Like :meth:`pipe`, but a document over its time budget yields a
        :class:`~saidwhat.budget.DocumentTimeout` in its place, and the others go on.

        Texts are parsed ``batch_size`` at a time; each document is charged its share of
        the batch's parse (by characters) and its own stages. A batch whose parse takes
        longer than one document's budget is parsed again one document at a time, so
        that a slow document can only fail itself."""
        it = iter(items)
        while group := list(islice(it, batch_size)):
            yield from self._group(group)

    def _budget(self, item: Item) -> TimeBudget:
        return item[2] if len(item) == 3 else TimeBudget(self.settings.doc_timeout)  # type: ignore[misc]

    def _group(self, group: Sequence[Item]) -> Iterator[Document | DocumentTimeout]:
        attribution = self.attribution
        seconds = self.settings.doc_timeout
        budgets = [self._budget(item) for item in group]
        texts = [normalize_spaces(item[1]) for item in group]
        sdocs: list[Doc] | None = None
        if len(group) > 1:
            start = time.monotonic()
            try:
                with alarm(seconds, seconds):
                    sdocs = list(self.nlp.pipe(texts, batch_size=len(group)))
            except DocumentTimeout:
                sdocs = None  # some document is slow: parse one by one, below
            else:
                took = time.monotonic() - start
                total = sum(len(t) for t in texts) or 1
                for b, t in zip(budgets, texts, strict=True):
                    b.charge(took * len(t) / total)
        for n, item in enumerate(group):
            doc_id, text = item[0], item[1]
            budget = budgets[n]
            budget.start()
            try:
                with alarm(budget.remaining(), budget.seconds):
                    budget.check()
                    sdoc = sdocs[n] if sdocs is not None else self.nlp(texts[n])
                    doc = attribution(sdoc, doc_id, text, budget)
            except DocumentTimeout as exc:
                yield exc
                continue
            finally:
                budget.stop()
            yield doc


# Unicode spaces the parser mistakes for tokens; replaced one for one, so offsets never move.
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                         "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"})


def normalize_spaces(text: str) -> str:
    """Same-length normalisation of exotic spaces (offsets into the original stay valid)."""
    return text.translate(_SPACES)


def _default_attribution() -> Attribution:
    from .pipeline import default_pipeline

    return default_pipeline()


_extractors: dict[str | None, Extractor] = {}  # one loaded pipeline per model name


def extract(text: str, doc_id: str = "doc", model: str | None = None,
            doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Document:
    """Extract every attribution from ``text``; see :class:`saidwhat.model.Document`.

    The spaCy pipeline is loaded on the first call for each ``model`` and reused. Raises
    :class:`~saidwhat.budget.DocumentTimeout` past ``doc_timeout`` seconds (``None``: no
    limit)."""
    if model not in _extractors:
        _extractors[model] = Extractor(model)
    ex = _extractors[model]
    budget = TimeBudget(doc_timeout)
    return next(ex.pipe([(doc_id, text, budget)]))
