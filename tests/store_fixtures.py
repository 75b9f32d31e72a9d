"""Building small stores for tests (shared by test_web.py and test_corrections.py): a few
documents with the same article text and the same machine attributions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from saidwhat.store import DocumentRecord, ExtractionResult, Store


def span(text: str, part: str, occurrence: int = 1) -> dict:
    """The span of the ``occurrence``-th ``part`` in ``text``, as the contract writes it."""
    i = -1
    for _ in range(occurrence):
        i = text.index(part, i + 1)
    return {"start": i, "end": i + len(part), "text": part}


def build_store(path: Path, text: str, quotes: list[dict],
                docs: Iterable[dict[str, Any]]) -> Path:
    """A new store at ``path`` with one document per entry of ``docs`` (its ``id`` and other
    DocumentRecord fields: title, date, outlet, url). Document i's text is ``text`` and i
    spaces (each text is its own, the offsets stay), from the file ``d<i>.txt``; each has
    the machine attributions ``quotes``, saved as one extraction."""
    records = [DocumentRecord(fields.pop("id"), text + " " * i, "txt", f"d{i}.txt", **fields)
               for i, fields in enumerate(dict(d) for d in docs)]
    with Store(path) as store:
        store.add_documents(records, None)
        store.save_results([ExtractionResult(i + 1, {"quotes": quotes, "entities": []})
                            for i in range(len(records))], None)
    return path
