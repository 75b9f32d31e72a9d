"""Text in, records out: the extraction pipeline.

The spaCy parse, then the attribution components a config names (see ``saidwhat.pipeline``
and ``saidwhat.config``): quotes -> candidate sources -> merge -> resolve.
No I/O happens here, so the same code runs in a test, the CLI, a notebook and a Dask worker.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

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
# of a document (see :mod:`saidwhat.chunking`); the text may be a spaCy ``Doc`` parsed by
# the extractor's own pipeline (``extractor.nlp``)
Item = tuple[str, "str | Doc"] | tuple[str, "str | Doc", TimeBudget]
_PIPE_HELP = ("for (doc_id, text) pairs use Extractor.pipe_pairs(); for (text, context) "
              "tuples, as spaCy's nlp.pipe takes them, use pipe(..., as_tuples=True)")


class Extractor:
    """Holds a loaded spaCy pipeline and the attribution components, and runs them.

    ``config`` (a ``.cfg`` text or path, a :class:`confection.Config` or a dict; see
    :mod:`saidwhat.config`) names the components and holds the settings; it is merged
    over the default config. ``settings`` (:class:`saidwhat.settings.Settings`), when
    given, replaces the config's ``[settings]``: it caps sentence length before the parse,
    bounds the time one document may take and holds the stages' thresholds.

    As spaCy's ``nlp``: ``extractor(text)``, ``extractor.pipe(texts)``,
    ``extractor.pipe(((text, context), ...), as_tuples=True)``; with your own document ids,
    ``extractor.pipe_pairs([(doc_id, text), ...])``. A text may be a spaCy ``Doc`` made by
    ``extractor.nlp`` (used as parsed; a ``Doc`` of another pipeline is refused)."""

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

    def __call__(self, text: str | Doc, doc_id: str = "doc") -> Document:
        return next(self.pipe_pairs([(doc_id, text)]))

    def pipe(self, texts: Iterable[Any], batch_size: int = 32, *,
             as_tuples: bool = False) -> Iterator[Any]:
        """Extract from texts (``str`` or spaCy ``Doc``), in order, batching the parser, as
        ``nlp.pipe`` does: documents are ``doc1``, ``doc2`` ... With ``as_tuples=True``
        the items are ``(text, context)`` and ``(Document, context)`` pairs come back.
        For ``(doc_id, text)`` pairs: :meth:`pipe_pairs`.

        Raises :class:`~saidwhat.budget.DocumentTimeout` for a document over its time
        budget (:meth:`pipe_results` yields it instead and goes on)."""
        if not as_tuples:
            yield from self.pipe_pairs(
                ((f"doc{n}", self._content(t)) for n, t in enumerate(texts, 1)), batch_size)
            return
        contexts: deque[Any] = deque()

        def items() -> Iterator[Item]:
            for n, entry in enumerate(texts, 1):
                if not (isinstance(entry, tuple) and len(entry) == 2):
                    raise TypeError(f"pipe(as_tuples=True) takes (text, context) tuples; "
                                    f"item {n} is {type(entry).__name__}")
                contexts.append(entry[1])
                yield f"doc{n}", self._content(entry[0], tuples=True)

        for doc in self.pipe_pairs(items(), batch_size):
            yield doc, contexts.popleft()

    def pipe_pairs(self, items: Iterable[Item], batch_size: int = 32) -> Iterator[Document]:
        """Extract from ``(doc_id, text)`` pairs (the text a ``str`` or a spaCy ``Doc``), in
        order, batching the parser.

        Raises :class:`~saidwhat.budget.DocumentTimeout` for a document over its time
        budget; :meth:`pipe_results` yields it instead and goes on."""
        for result in self.pipe_results(items, batch_size):
            if isinstance(result, DocumentTimeout):
                raise result
            yield result

    def _content(self, value: Any, tuples: bool = False) -> str | Doc:
        """A text of :meth:`pipe`: a string, or a ``Doc`` of this extractor's pipeline."""
        if isinstance(value, str):
            return value
        if isinstance(value, tuple) and not tuples:
            raise TypeError(f"Extractor.pipe() takes texts (str or spaCy Doc), not tuples: "
                            f"{_PIPE_HELP}")
        return self._check_doc(value)

    def _check_doc(self, value: Any) -> Doc:
        from spacy.tokens import Doc

        if not isinstance(value, Doc):
            raise TypeError(f"a text must be a str or a spaCy Doc, not {type(value).__name__} "
                            f"({_PIPE_HELP})")
        if value.vocab is not self.nlp.vocab:
            raise ValueError("this spaCy Doc was made by another pipeline (its vocab is not "
                             "the extractor's): parse it with extractor.nlp, or pass its text "
                             "(doc.text)")
        return value

    def pipe_results(self, items: Iterable[Item],
                     batch_size: int = 32) -> Iterator[Document | DocumentTimeout]:
        """Like :meth:`pipe_pairs`, but a document over its time budget yields a
        :class:`~saidwhat.budget.DocumentTimeout` in its place, and the others go on.

        Texts are parsed ``batch_size`` at a time; each document is charged its share of
        the batch's parse (by characters) and its own stages. A batch whose parse takes
        longer than one document's budget is parsed again one document at a time, so
        that a slow document can only fail itself. A ``Doc`` already parsed is used as it
        is (one that is only tokenized goes through the pipeline)."""
        it = iter(items)
        while group := list(islice(it, batch_size)):
            yield from self._group(group)

    def _budget(self, item: Item) -> TimeBudget:
        return item[2] if len(item) == 3 else TimeBudget(self.settings.doc_timeout)  # type: ignore[misc]

    def _group(self, group: Sequence[Item]) -> Iterator[Document | DocumentTimeout]:
        attribution = self.attribution
        seconds = self.settings.doc_timeout
        budgets = [self._budget(item) for item in group]
        given: list[Doc | None] = [None] * len(group)  # Docs handed in, already parsed
        texts: list[str] = []
        for n, item in enumerate(group):
            content = item[1]
            if isinstance(content, str):
                texts.append(normalize_spaces(content))
                continue
            doc = self._check_doc(content)
            texts.append(doc.text)
            given[n] = doc if doc.has_annotation("DEP") else None
        sdocs: list[Doc] | None = None
        todo = [n for n in range(len(group)) if given[n] is None]
        if len(todo) > 1:
            start = time.monotonic()
            try:
                with alarm(seconds, seconds):
                    parsed = list(self.nlp.pipe(
                        [texts[n] if isinstance(group[n][1], str) else group[n][1]
                         for n in todo], batch_size=len(todo)))
            except DocumentTimeout:
                sdocs = None  # some document is slow: parse one by one, below
            else:
                sdocs = list(given)  # type: ignore[arg-type]
                for n, sdoc in zip(todo, parsed, strict=True):
                    sdocs[n] = sdoc
                took = time.monotonic() - start
                total = sum(len(texts[n]) for n in todo) or 1
                for n in todo:
                    budgets[n].charge(took * len(texts[n]) / total)
        for n, item in enumerate(group):
            doc_id, text = item[0], item[1]
            if not isinstance(text, str):
                text = text.text
            budget = budgets[n]
            budget.start()
            try:
                with alarm(budget.remaining(), budget.seconds):
                    budget.check()
                    sdoc = given[n] if given[n] is not None else sdocs[n] \
                        if sdocs is not None else self.nlp(
                            texts[n] if isinstance(item[1], str) else item[1])
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
    return next(ex.pipe_pairs([(doc_id, text, budget)]))
