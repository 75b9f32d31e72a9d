"""Suggest a starting codebook for a corpus without one.

Concepts are topics of debate, so statements (quote contents) are described by their
*topical* terms only: the lemmas of common nouns and noun compounds ("parking fee"), never
verbs ("think", "go"), names (actors, not concepts), titles and role nouns ("minister"),
channel nouns ("statement") or general nouns ("people", "thing", "way": the lexicon
``general_nouns.txt``); in a corpus of at least ``MIN_DOCS_FOR_MAX_DF`` statements, a term
in more than ``max_df`` of them is no topic either. The terms are weighted by TF-IDF and the
statements clustered with spherical k-means (deterministic seeding: the farthest-first
traversal from the statement with the most terms). Each cluster of at least ``min_size``
statements becomes a candidate concept: as keywords the terms that set it apart from the
other clusters (class-based TF-IDF: frequent in the cluster, rare elsewhere), as examples
its statements closest to the centroid. The researcher then rewrites each label as a claim.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Token

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


MIN_DOCS_FOR_MAX_DF = 20
_TOPIC_POS = frozenset({"NOUN"})


@lru_cache(maxsize=1)
def _no_topic_words() -> frozenset[str]:
    """General nouns, role nouns and channel nouns (lower-case lemmas and words)."""
    from ..lexicon import read_list
    from .lexicons import role_nouns

    return read_list("general_nouns.txt") | read_list("channels.txt") | {
        r.lower() for r in role_nouns()}


def _topical(tok: Token, titles: frozenset[str], no_topic: frozenset[str]) -> bool:
    """A common noun that can name a topic of debate."""
    if tok.pos_ not in _TOPIC_POS or tok.ent_type_ in _NAME_ENTS or not _is_term(tok):
        return False
    lemma = tok.lemma_.lower()
    return (len(lemma) > 2 and lemma not in no_topic and tok.lower_ not in no_topic
            and fold(tok.text) not in titles)


def statement_terms(doc: Doc, surface: dict[str, Counter[str]] | None = None) -> list[str]:
    """The topical terms of one parsed statement: noun stems and noun-compound stems
    ("parking fee"); ``surface`` collects the words each stands for."""
    titles = honorifics()
    no_topic = _no_topic_words()
    terms: list[str] = []

    def add(term: str, shown: str) -> None:
        terms.append(term)
        if surface is not None:
            surface.setdefault(term, Counter())[shown] += 1

    for tok in doc:
        if not _topical(tok, titles, no_topic):
            continue
        add(stem(tok.lemma_), tok.lower_)  # shown as written most often ("taxes")
        head = tok.head
        if tok.dep_ == "compound" and head.i != tok.i and _topical(head, titles, no_topic):
            add(f"{stem(tok.lemma_)} {stem(head.lemma_)}", f"{tok.lower_} {head.lower_}")
    return terms


def _distinctive(x_counts: np.ndarray, assign: np.ndarray, k: int) -> np.ndarray:
    """Class-based TF-IDF (Grootendorst 2022, BERTopic): per cluster, a term's share of the
    cluster's terms times log(1 + mean terms per cluster / the term's corpus count)."""
    per_cluster = np.stack([x_counts[assign == j].sum(axis=0) for j in range(k)])
    totals = per_cluster.sum(axis=1, keepdims=True)
    tf = per_cluster / np.where(totals == 0, 1, totals)
    mean_terms = float(totals.mean()) or 1.0
    corpus = per_cluster.sum(axis=0)
    return tf * np.log1p(mean_terms / np.where(corpus == 0, 1, corpus))


def suggest_codebook(statements: Sequence[str], nlp: Language, *, k: int | None = None,
                     min_size: int = 2, n_keywords: int = 5, n_examples: int = 3,
                     max_df: float = 0.25, name: str = "Suggested codebook") -> Codebook:
    """Cluster ``statements`` into candidate concepts (see the module docstring)."""
    texts = [" ".join(s.split()) for s in statements if s and s.strip()]
    if len(texts) < 2:
        raise ValueError("need at least two statements to suggest concepts")
    surface: dict[str, Counter[str]] = {}
    docs_terms = [statement_terms(d, surface) for d in nlp.pipe(texts)]
    if len(texts) >= MIN_DOCS_FOR_MAX_DF:  # a term in most statements is no topic
        df: Counter[str] = Counter()
        for terms in docs_terms:
            df.update(set(terms))
        common = {t for t, c in df.items() if c > max_df * len(texts)}
        docs_terms = [[t for t in terms if t not in common] for terms in docs_terms]
    x, vocab = _vectors(docs_terms)
    usable = np.flatnonzero(np.linalg.norm(x, axis=1) > 0)
    if len(usable) < 2:
        raise ValueError("the statements share too few topical words (nouns) to cluster")
    if k is None:
        k = max(2, min(12, round(math.sqrt(len(usable) / 2))))
    k = min(k, len(usable))
    assign = _kmeans(x[usable], k)
    index = {t: i for i, t in enumerate(vocab)}
    counts = np.zeros((len(usable), len(vocab)))
    for row, i in enumerate(usable):
        for t, c in Counter(docs_terms[i]).items():
            if t in index:
                counts[row, index[t]] = c
    present = (counts > 0).astype(float)
    score = _distinctive(counts, assign, k)
    concepts: list[Concept] = []
    clusters = sorted(range(k), key=lambda j: -int((assign == j).sum()))
    for j in clusters:
        members = assign == j
        rows = usable[members]
        if len(rows) < min_size:
            continue
        # keywords: distinctive terms that at least two of the cluster's statements share
        shared = present[members].sum(axis=0) >= min(2, len(rows))
        ranked = [i for i in np.argsort(-score[j]) if score[j, i] > 0 and shared[i]]
        words: list[str] = []
        for i in ranked:
            word = surface[vocab[i]].most_common(1)[0][0]
            if word not in words:
                words.append(word)
            if len(words) == n_keywords:
                break
        if not words:
            continue
        centre = x[rows].mean(axis=0)
        nearest = rows[np.argsort(-(x[rows] @ centre))][:n_examples]
        examples = tuple(texts[i] if len(texts[i]) <= 300 else texts[i][:297] + "..."
                         for i in nearest)
        slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words[:2]).lower()).strip("-") or "concept"
        concepts.append(Concept(
            id=f"c{len(concepts) + 1}-{slug}",
            label=f"EDIT: the claim about {', '.join(words[:3])}",
            description=f"Suggested from {len(rows)} statements about: {', '.join(words)}.",
            keywords=tuple(words), examples=examples))
    if not concepts:
        raise ValueError(f"no cluster has at least {min_size} statements; try a smaller -k")
    return Codebook(concepts=concepts, name=name)
