"""Few-shot concept coding: labelled statements as plain data, nearest neighbours over
lemma features.

A :class:`LabelledExample` is one coded statement from any source: a codebook's
``examples`` (support by definition), a file of coded statements
(:func:`read_examples`: JSONL with ``text``, ``cue``, ``concept``, ``agreement``), or the
store's corrections layer (the review app). :class:`ExampleIndex` turns them into TF-IDF
vectors of stemmed content lemmas; :meth:`ExampleIndex.nearest` gives, for a statement, the
most similar example of each concept (cosine similarity), which
:class:`saidwhat.network.coding.ConceptCoder` adds to a concept's score and, for a near
paraphrase, uses for the agreement.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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
    """TF-IDF (stemmed content lemmas) nearest neighbours over labelled examples."""

    def __init__(self, examples: Sequence[LabelledExample], terms: Sequence[list[str]]) -> None:
        self.examples = list(examples)
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

    def nearest(self, terms: Sequence[str]) -> dict[str | None, tuple[float, int]]:
        """Concept (None for examples that code nothing) -> (best cosine, example index)."""
        q = self._vector(terms)
        best: dict[str | None, tuple[float, int]] = {}
        for i, (ex, v) in enumerate(zip(self.examples, self._vecs, strict=True)):
            sim = sum(w * v.get(t, 0.0) for t, w in q.items())
            if sim > best.get(ex.concept, (0.0, -1))[0]:
                best[ex.concept] = (sim, i)
        return best
