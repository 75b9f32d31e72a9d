"""Near-duplicate documents (wire copy): one story printed by several outlets, with a new
headline, a cut paragraph or a changed word, counted once in a network.

Each document's text (or, when the record carries no text, its quotations' contents) is cut
into word shingles (``Settings.near_duplicate_shingle_words`` consecutive words, case and
punctuation aside); MinHash signatures and locality-sensitive hashing (datasketch's
``MinHashLSH``) find the candidate pairs without comparing every pair, and a candidate is
a duplicate when the exact Jaccard similarity of the two shingle sets reaches
``Settings.near_duplicate_threshold``. Duplicates are grouped transitively; the original of
a group is its earliest document (by date, then input order) and the others are copies.

In the network a copy's statements count as the original's (:func:`fold_statements`): the
same actor, concept and qualifier in the original and its reprints is one document's
statement, as DNA counts duplicate statements once per document; what a reprint adds (a new
quote) still counts. The statements keep their own ids, so every edge stays traceable to
each printing. Nothing is stored: the groups are computed each time a network is built.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..model import Document
from ..settings import Settings
from .build import CodedStatement, parse_date

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class DuplicateGroup:
    """One story: its original document and the near-duplicate copies, each with its
    Jaccard similarity to the document it was matched with."""

    original: str
    copies: list[str] = field(default_factory=list)
    similarity: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"original": self.original, "copies": self.copies,
                "similarity": {k: round(v, 3) for k, v in self.similarity.items()}}


def document_text(doc: Document) -> str:
    """The text a document is compared by: its text, else its quotations' contents."""
    return doc.text or " ".join(q.content.text for q in doc.quotes)


def shingles(text: str, words: int = 3) -> set[str]:
    """The set of ``words``-word shingles of ``text`` (casefolded words, punctuation aside)."""
    tokens = _WORD.findall(text.casefold())
    if len(tokens) < words:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + words]) for i in range(len(tokens) - words + 1)}


def near_duplicate_groups(docs: Sequence[Document], settings: Settings | None = None
                          ) -> list[DuplicateGroup]:
    """Groups of near-duplicate documents among ``docs`` (only groups of two or more)."""
    from datasketch import MinHash, MinHashLSH

    settings = settings or Settings()
    k, threshold = settings.near_duplicate_shingle_words, settings.near_duplicate_threshold
    sets: dict[int, set[str]] = {}
    for i, d in enumerate(docs):
        sh = shingles(document_text(d), k)
        if len(sh) >= settings.near_duplicate_min_shingles:
            sets[i] = sh
    if len(sets) < 2:
        return []
    # LSH proposes candidates a little below the threshold (fewer missed pairs; datasketch
    # cannot band above about 0.95); the exact Jaccard of the shingle sets decides.
    lsh = MinHashLSH(threshold=min(0.95, max(0.1, threshold - 0.1)),
                     num_perm=settings.near_duplicate_num_perm)
    hashes: dict[int, Any] = {}
    for i, sh in sets.items():
        m = MinHash(num_perm=settings.near_duplicate_num_perm, seed=1)
        m.update_batch([s.encode("utf-8") for s in sorted(sh)])
        hashes[i] = m
        lsh.insert(str(i), m)
    parent = {i: i for i in sets}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best: dict[int, float] = {}
    for i, m in hashes.items():
        for key in lsh.query(m):
            j = int(key)
            if j <= i:
                continue
            a, b = sets[i], sets[j]
            sim = len(a & b) / len(a | b)
            if sim >= threshold:
                parent[find(j)] = find(i)
                best[i] = max(best.get(i, 0.0), sim)
                best[j] = max(best.get(j, 0.0), sim)
    members: dict[int, list[int]] = {}
    for i in sets:
        members.setdefault(find(i), []).append(i)
    groups = []
    for group in members.values():
        if len(group) < 2:
            continue

        def order(i: int) -> tuple[date, int]:
            day = parse_date(docs[i].meta.get("date"))
            return (day or date.max, i)

        ordered = sorted(group, key=order)
        groups.append(DuplicateGroup(
            original=docs[ordered[0]].doc_id, copies=[docs[i].doc_id for i in ordered[1:]],
            similarity={docs[i].doc_id: best[i] for i in ordered[1:]}))
    return sorted(groups, key=lambda g: g.original)


def fold_map(groups: Sequence[DuplicateGroup]) -> dict[str, str]:
    """copy doc_id -> its original's doc_id."""
    return {c: g.original for g in groups for c in g.copies}


def fold_statements(statements: Sequence[CodedStatement], groups: Sequence[DuplicateGroup]
                    ) -> list[CodedStatement]:
    """``statements`` with each copy's statements counted as its original's document
    (``count_as``); ids, offsets and everything else unchanged."""
    to = fold_map(groups)
    return [replace(s, count_as=to[s.doc_id]) if s.doc_id in to else s for s in statements]
