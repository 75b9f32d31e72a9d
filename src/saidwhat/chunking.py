"""Running the extractor over texts of any length, in batches, one failure at a time.

spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters) and its parser's memory
grows with text length, so a long text is cut into chunks at paragraph, line, sentence or
word boundaries (:func:`chunk_text`), each chunk is extracted, and the chunk records are
shifted back to offsets into the whole text (:func:`merge_chunks`). A quote that spans a
cut is lost or split; cutting at paragraph breaks first makes that rare.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from .budget import DocumentTimeout, TimeBudget
from .model import Document, Entity, Quote, TextSpan
from .names import name_key
from .readers import InputDoc, InputError
from .settings import DEFAULT_CHUNK_CHARS as DEFAULT_MAX_CHARS  # one default, in settings

# A batch of chunks handed to one ``nlp.pipe`` call is capped in characters as well as in
# documents, so that a few long texts do not all sit in the parser at once.
BATCH_MAX_CHARS = 200_000

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_WHITESPACE = re.compile(r"\s+")


def chunk_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, chunk)`` pairs of at most ``max_chars`` characters.

    ``text[offset:offset + len(chunk)] == chunk`` and the chunks, joined, are ``text``.
    Cuts fall after a blank line if one lies in the second half of the window, else after
    a line break, a sentence end, any whitespace, and as a last resort at ``max_chars``.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    chunks: list[tuple[int, str]] = []
    start, n = 0, len(text)
    while n - start > max_chars:
        cut = _cut_point(text, start, start + max_chars)
        chunks.append((start, text[start:cut]))
        start = cut
    if start < n or not chunks:
        chunks.append((start, text[start:]))
    return chunks


def _cut_point(text: str, start: int, limit: int) -> int:
    half = start + (limit - start) // 2
    for sep in ("\n\n", "\n"):
        pos = text.rfind(sep, half, limit)
        if pos != -1:
            return pos + len(sep)
    last = None
    for m in _SENTENCE_END.finditer(text, half, limit):
        last = m
    if last is not None:
        return last.end()
    for m in _WHITESPACE.finditer(text, start + 1, limit):
        last = m
    if last is not None:
        return last.end()
    return limit


def _shift(value: Any, text: str, offset: int) -> Any:
    if isinstance(value, TextSpan):
        return TextSpan.of(text, value.start + offset, value.end + offset)
    return value


def _shift_fields(obj: Any, text: str, offset: int, **changes: Any) -> Any:
    """A copy of a dataclass record with every TextSpan field (and list of them) shifted."""
    for f in dataclasses.fields(obj):
        if f.name in changes:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, TextSpan):
            changes[f.name] = _shift(value, text, offset)
        elif isinstance(value, list) and value and isinstance(value[0], TextSpan):
            changes[f.name] = [_shift(v, text, offset) for v in value]
    return dataclasses.replace(obj, **changes)


def merge_chunks(doc_id: str, text: str, parts: list[tuple[int, Document]]) -> Document:
    """One :class:`Document` for ``text`` from the documents of its chunks.

    Spans are shifted by each chunk's offset, quotes renumbered ``q1, q2, ...``, and
    entities of the same type and the same name (:func:`saidwhat.names.name_key`: case,
    diacritics, punctuation and titles folded) merged into one (``e1, e2, ...``).
    """
    if len(parts) == 1 and parts[0][0] == 0:
        doc = parts[0][1]
        doc.doc_id, doc.text = doc_id, text
        return doc
    entities: dict[tuple[str, str], Entity] = {}
    id_map: dict[tuple[int, str], str] = {}
    for i, (offset, part) in enumerate(parts):
        for ent in part.entities:
            key = (name_key(ent.name) or ent.name, ent.type)
            shifted = _shift_fields(ent, text, offset)
            if key not in entities:
                entities[key] = dataclasses.replace(shifted, id=f"e{len(entities) + 1}",
                                                    roles=list(shifted.roles),
                                                    mentions=list(shifted.mentions))
            else:
                kept = entities[key]
                kept.roles.extend(r for r in shifted.roles if r not in kept.roles)
                kept.mentions.extend(shifted.mentions)
                kept.affiliation = kept.affiliation or shifted.affiliation
                kept.gender = kept.gender or shifted.gender
            id_map[(i, ent.id)] = entities[key].id
    quotes: list[Quote] = []
    for i, (offset, part) in enumerate(parts):
        for q in part.quotes:
            speaker = q.speaker
            if speaker.entity_id is not None:
                speaker = dataclasses.replace(
                    speaker, entity_id=id_map.get((i, speaker.entity_id)))
            quotes.append(_shift_fields(q, text, offset, id=f"q{len(quotes) + 1}",
                                        speaker=speaker))
    for ent in entities.values():
        ent.mentions.sort(key=lambda s: (s.start, s.end))
    return Document(doc_id=doc_id, text=text, quotes=quotes, entities=list(entities.values()))


class SupportsPipe(Protocol):
    def pipe(self, items: Iterable[tuple[str, str]],
             batch_size: int = ...) -> Iterator[Document]: ...


def extract_inputs(extractor: SupportsPipe, inputs: Iterable[InputDoc | InputError], *,
                   max_chars: int | None = None,
                   batch_size: int = 32) -> Iterator[Document | InputError]:
    """Extract every :class:`InputDoc`; pass every :class:`InputError` through, in order.

    Inputs are batched for ``extractor.pipe``. If a batch fails, its documents are redone
    one by one so that only the document that fails becomes an :class:`InputError`. A
    document over its time budget (``extractor.settings.doc_timeout``, shared by all its
    chunks) becomes an :class:`InputError` with the reason ``time budget of N s
    exceeded``, and the others go on.
    The resulting documents carry the input's ``meta`` and ``include_text``.
    """
    if max_chars is None:  # the extractor's settings (a run's config), else the default
        settings = getattr(extractor, "settings", None)
        max_chars = getattr(settings, "chunk_chars", DEFAULT_MAX_CHARS)
    batch: list[tuple[InputDoc | InputError, list[tuple[int, str]]]] = []
    n_chunks = n_chars = 0
    for item in inputs:
        chunks = chunk_text(item.text, max_chars) if isinstance(item, InputDoc) else []
        batch.append((item, chunks))
        n_chunks += len(chunks)
        n_chars += sum(len(c) for _, c in chunks)
        if n_chunks >= batch_size or n_chars >= BATCH_MAX_CHARS:
            yield from _run_batch(extractor, batch, batch_size)
            batch, n_chunks, n_chars = [], 0, 0
    if batch:
        yield from _run_batch(extractor, batch, batch_size)


def _pipe(extractor: SupportsPipe, group: list[tuple[str, str, TimeBudget]]
          ) -> Iterator[Document | DocumentTimeout]:
    """``extractor.pipe_results`` (a document over its time budget is a
    :class:`DocumentTimeout`, the others go on) where the extractor has it, else ``pipe``."""
    pipe_results = getattr(extractor, "pipe_results", None)
    if pipe_results is not None:
        return pipe_results(group, batch_size=len(group))  # type: ignore[no-any-return]
    return extractor.pipe([(d, t) for d, t, _ in group], batch_size=len(group))


def _pipe_limited(extractor: SupportsPipe, pairs: list[tuple[str, str, TimeBudget]],
                  batch_size: int) -> Iterator[Document | DocumentTimeout]:
    """``extractor.pipe`` over groups of at most ``batch_size`` texts and, unless a single
    text is longer, at most ``BATCH_MAX_CHARS`` characters: the parser's memory grows with
    the characters it holds at once (one long text's chunks would otherwise all go in)."""
    group: list[tuple[str, str, TimeBudget]] = []
    n_chars = 0
    for pair in pairs:
        if group and (len(group) >= batch_size or n_chars + len(pair[1]) > BATCH_MAX_CHARS):
            yield from _pipe(extractor, group)
            group, n_chars = [], 0
        group.append(pair)
        n_chars += len(pair[1])
    if group:
        yield from _pipe(extractor, group)


def _doc_timeout(extractor: SupportsPipe) -> float | None:
    settings = getattr(extractor, "settings", None)
    return getattr(settings, "doc_timeout", None)


def _run_batch(extractor: SupportsPipe,
               batch: list[tuple[InputDoc | InputError, list[tuple[int, str]]]],
               batch_size: int) -> Iterator[Document | InputError]:
    # one time budget per document, shared by its chunks (see saidwhat.budget)
    seconds = _doc_timeout(extractor)
    budgets = [TimeBudget(seconds) for _ in batch]
    pairs = [(item.doc_id, chunk, budget)
             for (item, chunks), budget in zip(batch, budgets, strict=True)
             if isinstance(item, InputDoc) for _, chunk in chunks]
    try:
        docs = iter(list(_pipe_limited(extractor, pairs, batch_size)))
    except Exception:  # noqa: BLE001 - isolate the failing document below
        docs = None
    for (item, chunks), budget in zip(batch, budgets, strict=True):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            if docs is not None:
                parts = [(off, next(docs)) for off, _ in chunks]
            else:
                parts = [(off, next(_pipe(extractor, [(item.doc_id, chunk, budget)])))
                         for off, chunk in chunks]
        except DocumentTimeout as exc:  # from a plain ``pipe``
            yield InputError(item.where, None, str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
            yield InputError(item.where, None,
                             f"extraction failed for {item.doc_id!r}: {type(exc).__name__}: {exc}")
            continue
        timeout = next((p for _, p in parts if isinstance(p, DocumentTimeout)), None)
        if timeout is not None:  # one of its chunks ran out of the document's time
            yield InputError(item.where, None, str(timeout))
            continue
        doc = merge_chunks(item.doc_id, item.text, parts)  # type: ignore[arg-type]
        doc.meta = dict(item.meta)
        doc.include_text = item.include_text
        yield doc
