"""Few-shot concept coding: labelled statements as plain data, nearest neighbours over
lemma features.

A :class:`LabelledExample` is one coded statement from any source: a codebook's
``examples`` (support by definition), a file of coded statements
(:func:`read_examples`: JSONL with ``text``, ``cue``, ``concept``, ``agreement``), or the
store's corrections layer (the review app: :func:`saidwhat.network.reviewed.review_examples`).
:class:`ExampleIndex` turns them into TF-IDF vectors of stemmed content lemmas.

:func:`learn_from_examples` is the learner, run by
:class:`saidwhat.network.coding.ConceptCoder` after its codebook (zero-shot) coding of a
batch, so that with no examples coding is exactly the codebook's:

* **concept**: the statement's nearest labelled examples (the
  ``Settings.coding_fewshot_neighbours`` most similar, cosine of TF-IDF lemma vectors, or
  with sentence embeddings the larger of that and the rescaled embedding cosine:
  :class:`ExampleIndex`) vote
  for their concepts, each by its similarity; the vote share ``p`` joins the codebook's
  calibrated score ``s`` as further evidence, ``1 - (1 - s) * (1 - w * p)`` with ``w =
  Settings.coding_fewshot_weight``, and a concept is coded when that reaches the coding
  threshold (codes are ranked by it). The learner abstains (the codebook's coding stands)
  when the nearest example is less similar than ``Settings.coding_example_min_sim``; a
  concept the codebook does not see is added only when one of its examples is at least
  ``Settings.coding_example_alone_sim`` similar (``Settings.coding_fewshot_paraphrase_sim``
  in a statement that does not visibly take a position: said neutrally, with nothing modal
  or evaluative);
* **learnt words**: a word at least two of a concept's examples use, and its codebook entry
  does not, counts as that concept's evidence (``Settings.coding_fewshot_word_weight``, by
  the share of its examples that use it and how specific it is to them), in a statement
  that takes a position;
* **agreement** (from TF-IDF similarity alone, also with embeddings): the rules'
  (zero-shot) reading of each example is known; where the rules
  read a statement's agreement on a concept as they read examples of that concept which
  were coded otherwise, the statement takes the coded agreement when those examples weigh
  enough (each: its similarity, plus ``Settings.coding_fewshot_cue_bonus`` for the same cue
  lemma, plus ``Settings.coding_fewshot_concept_prior``; together at least
  ``Settings.coding_example_agreement_sim``, and more than the examples the rules read
  right): the rules' repeated mistakes are corrected, their right readings kept.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .codebook import Codebook


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """A coded statement: its content text, cue (or None), concept id (None: codes no
    concept) and agreement (support / oppose)."""

    text: str
    cue: str | None = None
    concept: str | None = None
    agreement: str = "support"
    source: str = ""  # where it came from: "codebook", a file name, "review"
    group: str | None = None  # its document, where known (the review app's)


def codebook_examples(codebook: Codebook) -> list[LabelledExample]:
    """The codebook's ``examples``: each expresses (supports) its concept."""
    return [LabelledExample(text, None, c.id, "support", "codebook")
            for c in codebook for text in c.examples]


class ExampleFileError(ValueError):
    pass


def read_examples(path: str | Path) -> list[LabelledExample]:
    """Labelled statements from a JSONL file: one object a line with ``text`` (or
    ``content``: a string or ``{"text": ...}``), optional ``cue``, ``concept`` (null: no
    concept) and ``agreement`` (support/oppose; also 1/0 or true/false as DNA stores it)."""
    p = Path(path)
    out = []
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ExampleFileError(f"{p}: cannot read: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExampleFileError(f"{p}:{n}: not JSON: {exc.msg}") from exc
        text = d.get("text", d.get("content"))
        if isinstance(text, dict):
            text = text.get("text")
        cue = d.get("cue")
        if isinstance(cue, dict):
            cue = cue.get("text")
        agreement = d.get("agreement", d.get("qualifier", "support"))
        if agreement in (1, True, "1", "yes"):
            agreement = "support"
        elif agreement in (0, False, "0", "no"):
            agreement = "oppose"
        if not isinstance(text, str) or agreement not in ("support", "oppose"):
            raise ExampleFileError(f"{p}:{n}: needs a text and agreement support/oppose")
        out.append(LabelledExample(text, cue if isinstance(cue, str) else None,
                                   d.get("concept"), agreement, p.name))
    return out


class ExampleIndex:
    """TF-IDF (stemmed content lemmas) nearest neighbours over labelled examples; with
    ``vectors`` (the examples' sentence embeddings, unit rows), a statement's similarity to
    an example is the larger of the TF-IDF cosine and the embedding cosine rescaled so that
    ``floor`` counts 0 and 1 counts 1 (``Settings.coding_fewshot_embed_floor``): a
    paraphrase in other words is near, as a shared wording is."""

    def __init__(self, examples: Sequence[LabelledExample], terms: Sequence[list[str]],
                 vectors: Any = None, floor: float = 0.3) -> None:
        self.examples = list(examples)
        if vectors is not None and len(vectors) != len(self.examples):
            raise ValueError(f"{len(vectors)} example vectors for {len(self.examples)} examples")
        # a floor of 1 leaves nothing of the embedding: TF-IDF alone
        self._emb = vectors if vectors is not None and len(vectors) and floor < 1 else None
        self._floor = floor
        df: Counter[str] = Counter()
        for ts in terms:
            df.update(set(ts))
        n = max(1, len(terms))
        self._idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
        self._unseen = math.log(1 + n) + 1.0  # a term no example has
        self._vecs = [self._vector(ts) for ts in terms]

    def __len__(self) -> int:
        return len(self.examples)

    def _vector(self, terms: Iterable[str]) -> dict[str, float]:
        tf = Counter(terms)
        v = {t: (1 + math.log(c)) * self._idf.get(t, self._unseen) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def similarities(self, terms: Sequence[str], vector: Any = None) -> list[float]:
        """Similarity of a statement (its stemmed content lemmas; its embedding, if the
        index has the examples') to every example."""
        return self.with_embedding(self.worded_similarities(terms), vector)

    def worded_similarities(self, terms: Sequence[str]) -> list[float]:
        """TF-IDF cosine of a statement's stemmed content lemmas with every example."""
        q = self._vector(terms)
        return [sum(w * v.get(t, 0.0) for t, w in q.items()) for v in self._vecs]

    def with_embedding(self, worded: list[float], vector: Any) -> list[float]:
        """``worded`` (:meth:`worded_similarities`) raised to the statement vector's rescaled
        embedding cosine where that is larger; as it is without vectors."""
        if self._emb is None or vector is None:
            return worded
        span = 1.0 - self._floor
        cosines = np.clip(self._emb @ vector, -1.0, 1.0).tolist()  # float32 rounding
        return [max(s, (c - self._floor) / span) for s, c in zip(worded, cosines, strict=True)]

    def nearest(self, terms: Sequence[str], vector: Any = None
                ) -> dict[str | None, tuple[float, int]]:
        """Concept (None for examples that code nothing) -> (best similarity, example index)."""
        best: dict[str | None, tuple[float, int]] = {}
        for i, (ex, sim) in enumerate(zip(self.examples, self.similarities(terms, vector),
                                          strict=True)):
            if sim > best.get(ex.concept, (0.0, -1))[0]:
                best[ex.concept] = (sim, i)
        return best


# -- the learner ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Prepared:
    """What the learner needs of the examples: their index, the rules' (zero-shot) reading
    of each example's agreement on its concept (None: not read, e.g. codebook examples) and
    each example's cue lemma."""

    index: ExampleIndex
    rule_q: Sequence[str | None]
    cue_keys: Sequence[str]


def cue_key(cue_doc: Any) -> str:
    """A cue's lemma key ("warned" and "warns" -> "warn"; "" for no cue): its lemmas
    without auxiliaries, adverbs and punctuation."""
    if cue_doc is None:
        return ""
    words = [t.lemma_.lower() for t in cue_doc
             if not t.is_punct and t.pos_ not in ("AUX", "ADV", "PART", "PRON", "DET")]
    return " ".join(words)


def cue_keys(nlp: Any, cues: Sequence[str | None]) -> list[str]:
    distinct = sorted({c or "" for c in cues})
    keys = {c: (cue_key(d) if c else "") for c, d in zip(distinct, nlp.pipe(distinct),
                                                         strict=True)}
    return [keys[c or ""] for c in cues]


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def learn(coder: Any, docs: Sequence[Any], cues: Sequence[str | None],
          results: Sequence[Any], groups: Sequence[str | None] | None = None,
          vectors: Any = None) -> None:
    """The coder's hook: :func:`learn_from_examples` with the coder's labelled examples
    (prepared once per :meth:`~saidwhat.network.coding.ConceptCoder.use_examples`); with no
    examples it does nothing."""
    index = coder._examples
    if not len(index):
        return
    prep = getattr(coder, "_fewshot_prepared", None)
    if prep is None or prep.index is not index:
        prep = Prepared(index, list(coder._rule_q),
                        cue_keys(coder.nlp, [e.cue for e in index.examples]))
        coder._fewshot_prepared = prep
    learn_from_examples(coder, prep, docs, cue_keys(coder.nlp, cues), results, groups, vectors)


def learn_from_examples(coder: Any, prepared: Prepared, docs: Sequence[Any],
                        keys: Sequence[str], results: Sequence[Any],
                        groups: Sequence[str | None] | None = None, vectors: Any = None) -> None:
    """Revise, in place, the codebook's coding of a batch (``results``: the coder's
    results, one per statement, with ``codes``, ``raw``, ``position`` and
    ``context_polarity``) with what the labelled examples teach; see the module docstring.
    ``docs``: the statements' parsed contents; ``keys``: their cue keys (:func:`cue_key`);
    ``groups``: their documents (an example from the statement's own document counts
    ``Settings.coding_fewshot_document_bonus`` nearer in the concept vote); ``vectors``:
    their sentence embeddings, when the index has the examples' (:class:`ExampleIndex`)."""
    from .coding import ConceptCode, _terms, calibrate

    index, st = prepared.index, coder.settings
    if not len(index):
        return
    w, bonus = st.coding_fewshot_weight, st.coding_fewshot_document_bonus
    learnt_words = _learnt_words(coder, index) if st.coding_fewshot_word_weight > 0 else {}
    for n, (doc, key, r) in enumerate(zip(docs, keys, results, strict=True)):
        group = groups[n] if groups is not None else None
        terms = _terms(doc)
        # Agreement is learnt from shared wording only: a statement on the same subject, in
        # other words, is near in meaning but not in stance.
        worded = index.worded_similarities(terms)
        sims = index.with_embedding(worded, vectors[n] if vectors is not None else None)
        found = {c: [t for t in dict.fromkeys(terms) if t in ws] for c, ws in learnt_words.items()}
        found = {c: ts for c, ts in found.items() if ts}
        near = [x + (bonus if group is not None and ex.group == group else 0.0)
                for x, ex in zip(sims, index.examples, strict=True)]
        order = sorted(range(len(near)), key=lambda i: -near[i])
        top = [i for i in order[:st.coding_fewshot_neighbours] if near[i] > 0]
        vote: dict[str | None, float] = {}
        best: dict[str | None, int] = {}
        # Far neighbours: the learner abstains on the concept (the codebook's stands).
        if top and near[top[0]] >= st.coding_example_min_sim:
            total = sum(near[i] for i in top)
            for i in top:
                c = index.examples[i].concept
                vote[c] = vote.get(c, 0.0) + near[i] / total
                best.setdefault(c, i)
        before = {c.concept_id: c for c in r.codes}
        new_codes = []
        for cid in sorted(set(before) | {c for c in vote if c is not None} | set(found)):
            old = before.get(cid)
            s = old.score if old is not None else calibrate(r.raw.get(cid, 0.0))
            words = found.get(cid, [])
            if words:  # words the concept's examples keep using: evidence as the codebook's
                extra = st.coding_fewshot_word_weight * sum(learnt_words[cid][t] for t in words)
                s = calibrate(-math.log(max(1e-9, 1.0 - s)) + extra)
            p = vote.get(cid, 0.0)
            score = 1.0 - (1.0 - s) * (1.0 - w * p)
            if score < coder.threshold or score <= 0:
                continue
            ev = list(old.evidence) if old is not None else []
            if words:
                ev.append("example words " + ", ".join(f"'{t}'" for t in words))
            if cid in best:
                ex = best[cid]
                same = " (same document)" if near[ex] > sims[ex] else ""
                ev.append(f"example '{_short(index.examples[ex].text)}' similarity"
                          f" {sims[ex]:.2f}{same}")
            if old is not None:
                q, aev, reading = old.qualifier, list(old.agreement_evidence), old.qualifier
            else:
                need = (st.coding_example_alone_sim if r.position
                        else max(st.coding_example_alone_sim, st.coding_fewshot_paraphrase_sim))
                by_vote = cid in best and near[best[cid]] >= need
                if not by_vote and not (words and r.position):
                    continue
                reading = r.context_polarity[0]
                q, aev = reading, list(r.context_polarity[1])
                if coder._profile_of[cid].evaluated_terms:
                    q = "oppose" if q == "support" else "support"
                    aev.append(f"concept '{cid}' speaks against its subject: reversed")
            learnt = _learnt_agreement(prepared, worded, key, cid, reading, st)
            if learnt is not None:
                q, note = learnt
                aev.append(note)
            new_codes.append(ConceptCode(cid, q, score, tuple(ev), tuple(aev)))
        new_codes.sort(key=lambda c: -c.score)
        r.codes = new_codes


def _learnt_words(coder: Any, index: ExampleIndex) -> dict[str, dict[str, float]]:
    """Concept -> the words (stemmed lemmas) at least two of its examples use that its
    codebook entry does not, weighted by the share of its examples that use them times how
    specific they are to it among the concepts' examples (1: only its examples use them).
    Stance words (cues, negators, evaluations) carry polarity, not topic: never learnt."""
    from .coding import stem
    from .lexicons import content_stance_words, cue_polarity, evaluation_words

    stance = {stem(w) for w, p in cue_polarity().items() if p != "neutral" and " " not in w}
    stance |= {stem(w) for w in content_stance_words() if " " not in w}
    stance |= {stem(w[0]) for w in evaluation_words() if len(w) == 1}
    by_concept: dict[str, list[set[str]]] = {}
    for ex, vec in zip(index.examples, index._vecs, strict=True):
        if ex.concept is not None:
            by_concept.setdefault(ex.concept, []).append(set(vec))
    n = len(by_concept)
    spread: Counter[str] = Counter(t for sets in by_concept.values() for t in set().union(*sets))
    out: dict[str, dict[str, float]] = {}
    for cid, sets in by_concept.items():
        prof = coder._profile_of.get(cid)
        known = set(prof.words) | {t for _, seq in prof.keywords for t in seq} if prof else set()
        df: Counter[str] = Counter(t for ts in sets for t in ts)
        words = {}
        for t, d in df.items():
            if d < 2 or t in known or t in stance:
                continue
            specific = math.log(1 + n / spread[t]) / math.log(1 + n) if n > 1 else 1.0
            words[t] = d / len(sets) * specific
        if words:
            out[cid] = words
    return out


def _learnt_agreement(prepared: Prepared, sims: Sequence[float], key: str, cid: str,
                      reading: str, st: Any) -> tuple[str, str] | None:
    """The agreement the close examples of ``cid`` teach for a statement the rules read as
    ``reading``: among the examples the rules read the same way, similar enough (content
    similarity, plus the cue bonus for the same cue lemma), the similarity-weighted majority
    of their coded agreement, when it differs from ``reading``."""
    index, bonus = prepared.index, st.coding_fewshot_cue_bonus
    weight: dict[str, float] = {}
    nearest: dict[str, tuple[float, int]] = {}
    for i, ex in enumerate(index.examples):
        if ex.concept != cid or prepared.rule_q[i] != reading:
            continue
        same_cue = bool(key) and prepared.cue_keys[i] == key
        wt = st.coding_fewshot_concept_prior + sims[i] + (bonus if same_cue else 0.0)
        weight[ex.agreement] = weight.get(ex.agreement, 0.0) + wt
        if wt > nearest.get(ex.agreement, (0.0, -1))[0]:
            nearest[ex.agreement] = (wt, i)
    if not weight:
        return None
    label = max(sorted(weight), key=lambda a: weight[a])
    if (label == reading or weight[label] <= weight.get(reading, 0.0)
            or weight[label] < st.coding_example_agreement_sim):
        return None
    i = nearest[label][1]
    how = " and the same cue" if key and prepared.cue_keys[i] == key else ""
    return label, (f"learnt from '{_short(index.examples[i].text)}' (similarity"
                   f" {sims[i]:.2f}{how}): coded {label} where the rules read {reading}")
