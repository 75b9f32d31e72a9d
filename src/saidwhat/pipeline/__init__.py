"""Attribution stages over a parsed spaCy Doc."""

from __future__ import annotations

from spacy.tokens import Doc

from ..model import Document


def run_stages(sdoc: Doc, doc_id: str) -> Document:
    """Run every stage over ``sdoc`` and return the document's records."""
    from .direct import find_direct_quotes

    doc = Document(doc_id=doc_id, text=sdoc.text)
    doc.quotes = find_direct_quotes(sdoc)
    return doc
