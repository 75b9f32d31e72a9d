"""Training data for the learned attribution model: gold documents parsed once, cached.

The parse is the one extraction sees (:class:`saidwhat.extract.Extractor`'s spaCy pipeline
over :func:`saidwhat.extract.normalize_spaces` of the text), saved as spaCy ``DocBin`` files
so that training runs many times over one parse. Caches live outside the repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from ..evaluation.gold import GoldDocument


def _cache_key(docs: list[GoldDocument], nlp: Language) -> str:
    h = hashlib.sha256()
    meta = nlp.meta
    h.update(f"{meta.get('name')}-{meta.get('version')}-{','.join(nlp.pipe_names)}".encode())
    for d in docs:
        h.update(d.doc_id.encode())
        h.update(hashlib.sha256(d.text.encode()).digest())
    return h.hexdigest()[:16]


def parse_documents(docs: list[GoldDocument], nlp: Language,
                    cache_dir: str | Path | None = None, batch_size: int = 16) -> list[Doc]:
    """The parses of ``docs`` (in order), read from ``cache_dir`` when cached there."""
    from spacy.tokens import DocBin

    from ..extract import normalize_spaces

    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"parse-{_cache_key(docs, nlp)}.spacy"
        if path.is_file():
            return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    texts: Iterable[str] = (normalize_spaces(d.text) for d in docs)
    parsed = list(nlp.pipe(texts, batch_size=batch_size))
    if path is not None:
        from ..atomic import atomic_write

        with atomic_write(path, "wb") as fh:
            fh.write(DocBin(docs=parsed, store_user_data=False).to_bytes())
    return parsed
