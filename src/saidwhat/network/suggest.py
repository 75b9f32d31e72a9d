"""Suggest a starting codebook for a corpus without one.

Statements (quote contents) are lemmatised into TF-IDF vectors of content words and
clustered with spherical k-means (deterministic seeding: the farthest-first traversal from
the statement with the most terms). Each cluster of at least ``min_size`` statements becomes
a candidate concept: its most characteristic lemmas as keywords and its statements closest
to the centroid as examples. The researcher then rewrites each label as a claim.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from spacy.language import Language

from ..names import fold
from .codebook import Codebook, Concept
from .coding import _is_term, stem
from .lexicons import honorifics

_NAME_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})


def _vectors(docs_terms: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    df: Counter[str] = Counter()
    for terms in docs_terms:
        df.update(set(terms))
    vocab = sorted(t for t, c in df.items() if c >= 2 or len(docs_terms) < 10)
    index = {t: i for i, t in enumerate(vocab)}
    n = len(docs_terms)
    x = np.zeros((n, len(vocab)))
    for i, terms in enumerate(docs_terms):
        for t, c in Counter(terms).items():
            if t in index:
                x[i, index[t]] = (1 + math.log(c)) * math.log((1 + n) / (1 + df[t]))
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms), vocab


def _kmeans(x: np.ndarray, k: int, iterations: int = 50) -> np.ndarray:
    """Spherical k-means with farthest-first seeding; returns a cluster per row."""
    start = int(np.argmax((x > 0).sum(axis=1)))
    centres = [x[start]]
    for _ in range(1, k):
        sims = np.max(np.stack([x @ c for c in centres]), axis=0)
        centres.append(x[int(np.argmin(sims))])
    c = np.stack(centres)
    assign = np.zeros(len(x), dtype=int)
    for _ in range(iterations):
        new = np.argmax(x @ c.T, axis=1)
        if _ > 0 and np.array_equal(new, assign):
            break
        assign = new
        for j in range(k):
            members = x[assign == j]
            if len(members):
                m = members.sum(axis=0)
                norm = np.linalg.norm(m)
                c[j] = m / norm if norm else m
    return assign


def suggest_codebook(statements: Sequence[str], nlp: Language, *, k: int | None = None,
                     min_size: int = 2, n_keywords: int = 5, n_examples: int = 3,
                     name: str = "Suggested codebook") -> Codebook:
    """Cluster ``statements`` into candidate concepts (see the module docstring)."""
    texts = [" ".join(s.split()) for s in statements if s and s.strip()]
    if len(texts) < 2:
        raise ValueError("need at least two statements to suggest concepts")
    docs = list(nlp.pipe(texts))
    titles = honorifics()
    surface: dict[str, Counter[str]] = {}
    docs_terms: list[list[str]] = []
    for d in docs:
        terms = []
        for t in d:
            # Names are actors, not concepts: proper nouns and titles never become keywords.
            if _is_term(t) and t.pos_ not in ("NUM", "PROPN") and t.ent_type_ not in _NAME_ENTS \
                    and fold(t.text) not in titles:
                s = stem(t.lemma_)
                terms.append(s)
                surface.setdefault(s, Counter())[t.lemma_.lower()] += 1
        docs_terms.append(terms)
    x, vocab = _vectors(docs_terms)
    usable = np.flatnonzero(np.linalg.norm(x, axis=1) > 0)
    if len(usable) < 2:
        raise ValueError("the statements share too few words to cluster")
    if k is None:
        k = max(2, min(12, round(math.sqrt(len(usable) / 2))))
    k = min(k, len(usable))
    assign = _kmeans(x[usable], k)
    concepts: list[Concept] = []
    clusters = sorted(range(k), key=lambda j: -int((assign == j).sum()))
    for j in clusters:
        rows = usable[assign == j]
        if len(rows) < min_size:
            continue
        centre = x[rows].mean(axis=0)
        top = [vocab[i] for i in np.argsort(-centre)[:n_keywords] if centre[i] > 0]
        words = [surface[t].most_common(1)[0][0] for t in top]
        nearest = rows[np.argsort(-(x[rows] @ centre))][:n_examples]
        examples = tuple(texts[i] if len(texts[i]) <= 300 else texts[i][:297] + "..."
                         for i in nearest)
        slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words[:2]).lower()).strip("-") or "concept"
        concepts.append(Concept(
            id=f"c{len(concepts) + 1}-{slug}",
            label=f"EDIT: the claim about {', '.join(words[:3])}",
            description=f"Suggested from {len(rows)} statements sharing: {', '.join(words)}.",
            keywords=tuple(words), examples=examples))
    if not concepts:
        raise ValueError(f"no cluster has at least {min_size} statements; try a smaller -k")
    return Codebook(concepts=concepts, name=name)
