"""Extraction results as a pandas DataFrame, the shape researchers analyse.

>>> import saidwhat
>>> docs = saidwhat.Extractor().pipe(["\u201cWe will not back down,\u201d said Ana Ruiz."])
>>> saidwhat.to_frame(docs)[["speaker_name", "cue_text", "content_text"]]

One row per quote, with the columns (and types) of the store's Parquet export of quotes
(``saidwhat export --format parquet``: ``quotes.parquet``), so a notebook that reads one
reads the other. pandas is imported when called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .model import Document, Quote, TextSpan

if TYPE_CHECKING:
    import pandas as pd

# The store's export of quotes, column for column (tests/test_python_api.py checks it).
QUOTE_COLUMNS = (
    "doc_id", "date", "outlet", "seq", "quote_id", "kind",
    "content_start", "content_end", "content_text", "cue_start", "cue_end", "cue_text",
    "source_start", "source_end", "source_text", "channel_start", "channel_end",
    "channel_text", "speaker_name", "speaker_type", "speaker_role", "speaker_affiliation")


def _meta_field(meta: Mapping[str, Any], role: str) -> Any:
    """A document's date or outlet from its meta, found as the store finds it."""
    from .readers import COLUMN_CANDIDATES

    lower = {k.lower(): k for k in meta if isinstance(k, str)}
    key = next((lower[c] for c in COLUMN_CANDIDATES[role] if c in lower), None)
    return meta.get(key) if key is not None else None


def _span(prefix: str, span: TextSpan | None) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_start": None, f"{prefix}_end": None, f"{prefix}_text": None}
    return {f"{prefix}_start": span.start, f"{prefix}_end": span.end, f"{prefix}_text": span.text}


def quote_row(doc: Document, seq: int, quote: Quote) -> dict[str, Any]:
    """One row of :func:`to_frame` (values as stored: the date as its ISO text)."""
    from .dates import normalize_date

    sp = quote.speaker
    outlet = _meta_field(doc.meta, "outlet")
    return {"doc_id": doc.doc_id, "date": normalize_date(_meta_field(doc.meta, "date")),
            "outlet": None if outlet is None else str(outlet), "seq": seq,
            "quote_id": quote.id, "kind": quote.kind, **_span("content", quote.content),
            **_span("cue", quote.cue), **_span("source", quote.source),
            **_span("channel", quote.channel), "speaker_name": sp.name,
            "speaker_type": sp.type, "speaker_role": sp.role,
            "speaker_affiliation": sp.affiliation}


def to_frame(docs: Document | Iterable[Document]) -> pd.DataFrame:
    """One row per quote of ``docs`` (a :class:`~saidwhat.model.Document` or an iterable of
    them, e.g. ``Extractor.pipe(...)``): the columns and types of the store's Parquet
    quotes table (``date`` a ``datetime.date``, offsets nullable integers)."""
    import pandas as pd

    from .store.export import _typed

    if isinstance(docs, Document):
        docs = [docs]
    rows = [quote_row(doc, seq, q) for doc in docs for seq, q in enumerate(doc.quotes)]
    return _typed(pd.DataFrame(rows, columns=list(QUOTE_COLUMNS)), "parquet")
