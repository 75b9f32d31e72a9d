"""From extracted documents to coded statements, and from coded statements to networks.

A :class:`CodedStatement` is one (statement, concept) pair: who (canonical actor), which
concept, support or oppose, and where it came from (doc_id, quote id, content and cue
offsets). Networks are built from these with DNA's conventions (see docs/networks.md):

* two-mode actor x concept, qualifier ``ignore`` / ``combine`` / ``subtract`` / ``split``;
* one-mode actor networks: ``congruence``, ``conflict``, ``subtract``;
* one-mode concept networks: the same three relations over shared actors;
* normalisation ``none``, ``average`` (average activity), ``jaccard``, ``cosine``;
* duplicates (same document, actor, concept and qualifier) count once; so do statements of
  near-duplicate documents (wire copy) folded onto their original (``count_as``,
  :mod:`.duplicates`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import networkx as nx

from ..dates import to_date
from ..model import Document, TextSpan
from .actors import Actor, ActorIndex
from .codebook import Codebook
from .coding import ConceptCoder

QUALIFIER_MODES = ("combine", "ignore", "subtract", "split")
RELATIONS = ("congruence", "conflict", "subtract")
NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
NETWORK_TYPES = ("two-mode", "congruence", "conflict", "subtract",
                 "concept-congruence", "concept-conflict", "concept-subtract")


@dataclass(frozen=True, slots=True)
class CodedStatement:
    doc_id: str
    quote_id: str
    actor: str
    actor_type: str
    organization: str
    concept: str
    qualifier: str  # support | oppose
    score: float
    evidence: tuple[str, ...]
    content: TextSpan
    cue: TextSpan | None = None
    source: TextSpan | None = None
    date: date | None = None
    outlet: str = ""
    agreement_evidence: tuple[str, ...] = ()
    # the document this statement counts as in a network: a near-duplicate copy's original
    # (network.duplicates); "" = its own document
    count_as: str = ""

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.quote_id}"

    def span(self) -> tuple[int, int]:
        """The attribution's extent in its document: content, cue and source together."""
        spans = [s for s in (self.content, self.cue, self.source) if s is not None]
        return min(s.start for s in spans), max(s.end for s in spans)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "doc_id": self.doc_id, "quote_id": self.quote_id,
                "actor": self.actor, "actor_type": self.actor_type,
                "organization": self.organization, "concept": self.concept,
                "qualifier": self.qualifier, "score": round(self.score, 3),
                "evidence": list(self.evidence),
                "agreement_evidence": list(self.agreement_evidence),
                "content": self.content.to_dict(),
                "cue": self.cue.to_dict() if self.cue else None,
                "date": self.date.isoformat() if self.date else None, "outlet": self.outlet,
                **({"copy_of": self.count_as} if self.count_as else {})}


@dataclass(slots=True)
class CodingReport:
    documents: int = 0
    quotes: int = 0
    unattributed: int = 0  # no usable speaker: left out of the network, counted here
    uncoded: int = 0  # no concept reached the threshold
    coded_statements: int = 0
    actors: dict[str, Actor] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.documents} documents, {self.quotes} quotes: {self.coded_statements} coded"
                f" statement-concept pairs; {self.uncoded} quotes matched no concept;"
                f" {self.unattributed} had no resolvable speaker; {len(self.actors)} actors")


def parse_date(value: Any) -> date | None:
    """ISO date or datetime (or DNA's epoch seconds) -> date; None if absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC).date()
        except (OverflowError, OSError, ValueError):  # out of range, NaN
            return None
    text = str(value).strip()
    found = to_date(text)  # ISO 8601, RFC 2822 and common forms (saidwhat.dates)
    if found is not None:
        return found
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def code_documents(docs: Sequence[Document], coder: ConceptCoder,
                   actors: ActorIndex | None = None) -> tuple[list[CodedStatement], CodingReport]:
    """Code every quote of ``docs``; speakers are canonicalised across the whole corpus."""
    actors = actors or ActorIndex()
    report = CodingReport(documents=len(docs))
    for d in docs:
        actors.add_all(q.speaker for q in d.quotes)
    items: list[tuple[Document, Any, Actor]] = []
    for d in docs:
        for q in d.quotes:
            report.quotes += 1
            actor = actors.resolve_quote(d.doc_id, q)
            if actor is None:
                report.unattributed += 1
                continue
            items.append((d, q, actor))
    from .coding import CodingItem

    codes = coder.code_many([CodingItem(own_words(d, q), q.cue.text if q.cue else None,
                                        group=d.doc_id, text=d.text or "",
                                        cue_start=q.cue.start if q.cue else None,
                                        speaker=a.name)
                             for d, q, a in items])
    out: list[CodedStatement] = []
    for (d, q, actor), concept_codes in zip(items, codes, strict=True):
        if not concept_codes:
            report.uncoded += 1
        for c in concept_codes:
            out.append(CodedStatement(
                doc_id=d.doc_id, quote_id=q.id, actor=actor.name, actor_type=actor.type,
                organization=actor.organization, concept=c.concept_id, qualifier=c.qualifier,
                score=c.score, evidence=c.evidence, content=q.content, cue=q.cue, source=q.source,
                date=parse_date(d.meta.get("date")),
                outlet=str(d.meta.get("outlet") or d.meta.get("source") or ""),
                agreement_evidence=c.agreement_evidence))
    # Organisations may be learnt after a statement was coded: take the final one.
    out = [replace(s, organization=actors.actors[s.actor].organization) for s in out]
    report.coded_statements = len(out)
    report.actors = dict(actors.actors)
    return out, report


def own_words(doc: Document, quote: Any) -> str:
    """The quote's content with other attributions nested in it blanked out (offsets kept):
    in "X said the plan, which Y called a disgrace, ..." the disgrace is Y's claim, not X's."""
    c = quote.content
    chars = list(c.text)
    for other in doc.quotes:
        if other is quote or other.speaker.name == quote.speaker.name:
            continue
        if not (c.start <= other.content.start and other.content.end <= c.end):
            continue
        for span in (other.content, other.cue, other.source):
            if span is None:
                continue
            for i in range(max(span.start, c.start), min(span.end, c.end)):
                chars[i - c.start] = " "
    return "".join(chars)


# -- filters and windows ------------------------------------------------------------------
def filter_statements(statements: Iterable[CodedStatement], *, start: date | None = None,
                      end: date | None = None, outlets: Iterable[str] = (),
                      actor_types: Iterable[str] = ()) -> list[CodedStatement]:
    """Keep statements in [start, end] (inclusive; undated ones only without a date filter),
    from the given outlets and actor types (empty = all)."""
    outlet_set = {o.casefold() for o in outlets}
    type_set = set(actor_types)
    out = []
    for s in statements:
        if (start or end) and s.date is None:
            continue
        if start and s.date and s.date < start:
            continue
        if end and s.date and s.date > end:
            continue
        if outlet_set and s.outlet.casefold() not in outlet_set:
            continue
        if type_set and s.actor_type not in type_set:
            continue
        out.append(s)
    return out


def parse_duration(text: str) -> timedelta:
    """"30d", "2w", "12h" -> timedelta (days, weeks, hours)."""
    units = {"d": 1.0, "w": 7.0, "h": 1 / 24}
    t = text.strip().lower()
    if not t or t[-1] not in units:
        raise ValueError(f"bad duration {text!r}: use a number and d, w or h (e.g. 30d)")
    try:
        n = float(t[:-1])
    except ValueError as exc:
        raise ValueError(f"bad duration {text!r}: use a number and d, w or h (e.g. 30d)") from exc
    if n <= 0:
        raise ValueError(f"bad duration {text!r}: must be positive")
    return timedelta(days=n * units[t[-1]])


def time_windows(statements: Sequence[CodedStatement], window: timedelta, step: timedelta
                 ) -> Iterator[tuple[date, date, list[CodedStatement]]]:
    """Sliding windows [start, start + window) every ``step`` over the dated statements."""
    dated = [s for s in statements if s.date is not None]
    if not dated:
        return
    first = min(s.date for s in dated if s.date)
    last = max(s.date for s in dated if s.date)
    days_w = max(1, round(window.total_seconds() / 86400))
    days_s = max(1, round(step.total_seconds() / 86400))
    start = first
    while start <= last:
        stop = start + timedelta(days=days_w)
        yield start, stop - timedelta(days=1), [s for s in dated if s.date and start <= s.date < stop]
        start += timedelta(days=days_s)


# -- aggregation --------------------------------------------------------------------------
@dataclass(slots=True)
class _Tie:
    """All statements of one actor on one concept with one qualifier, deduplicated by doc."""

    docs: set[str] = field(default_factory=set)
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.docs)


def _ties(statements: Iterable[CodedStatement]) -> dict[tuple[str, str, str], _Tie]:
    ties: dict[tuple[str, str, str], _Tie] = defaultdict(_Tie)
    for s in statements:
        t = ties[(s.actor, s.concept, s.qualifier)]
        t.docs.add(s.count_as or s.doc_id)  # a near-duplicate copy counts as its original
        if s.id not in t.statements:
            t.statements.append(s.id)
    return ties


def _actor_node(actor: str) -> str:
    return f"actor:{actor}"


def _concept_node(concept: str) -> str:
    return f"concept:{concept}"


def _add_nodes(g: nx.Graph, statements: Sequence[CodedStatement], codebook: Codebook | None,
               actors: dict[str, Actor] | None, *, with_actors: bool, with_concepts: bool) -> None:
    counts: dict[str, int] = defaultdict(int)
    for s in statements:
        counts[_actor_node(s.actor)] += 1
        counts[_concept_node(s.concept)] += 1
    if with_actors:
        seen: dict[str, CodedStatement] = {}
        for s in statements:
            seen.setdefault(s.actor, s)
        for name, s in sorted(seen.items()):
            attrs: dict[str, Any] = {"label": name, "kind": "actor", "type": s.actor_type,
                                     "organization": s.organization,
                                     "statements": counts[_actor_node(name)]}
            if actors and name in actors:
                for k, v in actors[name].attributes.items():
                    attrs.setdefault(k, str(v))
            g.add_node(_actor_node(name), **attrs)
    if with_concepts:
        for cid in sorted({s.concept for s in statements}):
            label = codebook.label_of(cid) if codebook is not None else cid
            g.add_node(_concept_node(cid), label=label, kind="concept", concept_id=cid,
                       type="concept", organization="", statements=counts[_concept_node(cid)])


# DNA's codes for ``qualifierAggregation = "combine"`` (DNA 3 Exporter, lexical rank of the
# qualifier values used: agreement 1 only -> 1, agreement 0 only -> 2, both -> 3; 0: no tie).
COMBINE_CODES = {"support": 1, "oppose": 2, "both": 3}


def two_mode(statements: Sequence[CodedStatement], qualifier: str = "combine", *,
             codebook: Codebook | None = None, actors: dict[str, Actor] | None = None) -> nx.Graph:
    """Bipartite actor x concept network.

    ``combine`` (DNA's): edge ``weight`` is DNA's code, 1 support, 2 oppose, 3 both, with
    ``qualifier`` support / oppose / both and ``documents`` the number of documents with such
    a statement (duplicates within a document once); ``ignore``: ``weight`` = documents;
    ``subtract``: support minus oppose documents; ``split``: one edge per qualifier (a
    MultiGraph), ``weight`` = documents. ``statements``: the statement ids, ``|``-joined.
    """
    if qualifier not in QUALIFIER_MODES:
        raise ValueError(f"qualifier must be one of {QUALIFIER_MODES}")
    g: nx.Graph = nx.MultiGraph() if qualifier == "split" else nx.Graph()
    g.graph.update(network="two-mode", qualifier=qualifier)
    _add_nodes(g, statements, codebook, actors, with_actors=True, with_concepts=True)
    ties = _ties(statements)
    pairs: dict[tuple[str, str], dict[str, _Tie]] = defaultdict(dict)
    for (a, c, q), t in ties.items():
        pairs[(a, c)][q] = t
    for (a, c), by_q in sorted(pairs.items()):
        u, v = _actor_node(a), _concept_node(c)
        if qualifier == "split":
            for q, t in sorted(by_q.items()):
                g.add_edge(u, v, key=q, weight=float(t.count), documents=t.count, qualifier=q,
                           statements="|".join(t.statements), n_statements=len(t.statements))
            continue
        all_ids = [i for q in sorted(by_q) for i in by_q[q].statements]
        sup = by_q.get("support", _Tie()).count
        opp = by_q.get("oppose", _Tie()).count
        n_docs = len(set().union(*(t.docs for t in by_q.values())))
        if qualifier == "subtract":
            weight = float(sup - opp)
            label = "support" if weight > 0 else "oppose" if weight < 0 else "balanced"
        elif qualifier == "ignore":
            weight, label = float(n_docs), "any"
        else:
            label = "both" if sup and opp else "support" if sup else "oppose"
            weight = float(COMBINE_CODES[label])
        g.add_edge(u, v, weight=weight, qualifier=label, documents=n_docs, support=sup,
                   oppose=opp, statements="|".join(all_ids), n_statements=len(all_ids))
    return g


def _normalise(shared: float, a_size: int, b_size: int, union: int, how: str) -> float:
    if how == "none":
        return float(shared)
    if how == "average":
        return shared / ((a_size + b_size) / 2) if a_size + b_size else 0.0
    if how == "jaccard":
        return shared / union if union else 0.0
    if how == "cosine":
        return shared / math.sqrt(a_size * b_size) if a_size and b_size else 0.0
    raise ValueError(f"normalization must be one of {NORMALIZATIONS}")


def one_mode(statements: Sequence[CodedStatement], relation: str = "congruence", *,
             mode: str = "actor", normalization: str = "none", codebook: Codebook | None = None,
             actors: dict[str, Actor] | None = None) -> nx.Graph:
    """Actor x actor (``mode="actor"``) or concept x concept network.

    For actors a and b, with A and B their sets of (concept, qualifier) pairs:
    congruence = |A ∩ B| (concepts on which they take the same position), conflict = the
    number of concepts on which one supports and the other opposes, subtract = congruence -
    conflict (each normalised first). Normalisation divides by the average number of
    pairs (``average``, DNA's average activity), by |A ∪ B| (``jaccard``) or by
    sqrt(|A||B|) (``cosine``). Concept networks swap the roles of actors and concepts.
    """
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {RELATIONS}")
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}")
    if mode not in ("actor", "concept"):
        raise ValueError("mode must be 'actor' or 'concept'")
    g = nx.Graph(network=f"{'' if mode == 'actor' else 'concept-'}{relation}",
                 normalization=normalization)
    _add_nodes(g, statements, codebook, actors, with_actors=mode == "actor",
               with_concepts=mode == "concept")
    ties = _ties(statements)
    profile: dict[str, set[tuple[str, str]]] = defaultdict(set)
    evidence: dict[tuple[str, str, str], list[str]] = {}
    for (a, c, q), t in ties.items():
        node, other = (a, c) if mode == "actor" else (c, a)
        profile[node].add((other, q))
        evidence[(node, other, q)] = t.statements
    node_id = _actor_node if mode == "actor" else _concept_node
    names = sorted(profile)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            px, py = profile[x], profile[y]
            same = px & py
            x_pos: dict[str, set[str]] = defaultdict(set)
            y_pos: dict[str, set[str]] = defaultdict(set)
            for o, q in px:
                x_pos[o].add(q)
            for o, q in py:
                y_pos[o].add(q)
            conflict_on = sorted(o for o in set(x_pos) & set(y_pos)
                                 if any(qa != qb for qa in x_pos[o] for qb in y_pos[o]))
            union = len(px | py)
            cong = _normalise(len(same), len(px), len(py), union, normalization)
            conf = _normalise(len(conflict_on), len(x_pos), len(y_pos),
                              len(set(x_pos) | set(y_pos)), normalization)
            weight = {"congruence": cong, "conflict": conf, "subtract": cong - conf}[relation]
            via = ({o for o, _ in same} if relation == "congruence" else set(conflict_on)
                   if relation == "conflict" else {o for o, _ in same} | set(conflict_on))
            if not via or (relation != "subtract" and weight == 0):
                continue
            ids: list[str] = []
            for o in sorted(via):
                for q in ("support", "oppose"):
                    for key in ((x, o, q), (y, o, q)):
                        ids.extend(i for i in evidence.get(key, []) if i not in ids)
            g.add_edge(node_id(x), node_id(y), weight=float(weight),
                       congruence=float(cong), conflict=float(conf),
                       via="|".join(sorted(via)), statements="|".join(ids),
                       n_statements=len(ids))
    return g


def build_network(statements: Sequence[CodedStatement], network_type: str = "two-mode", *,
                  qualifier: str = "combine", normalization: str = "none",
                  codebook: Codebook | None = None,
                  actors: dict[str, Actor] | None = None) -> nx.Graph:
    """One of :data:`NETWORK_TYPES`."""
    if network_type == "two-mode":
        return two_mode(statements, qualifier, codebook=codebook, actors=actors)
    if network_type in RELATIONS:
        return one_mode(statements, network_type, mode="actor", normalization=normalization,
                        codebook=codebook, actors=actors)
    if network_type.startswith("concept-") and network_type[8:] in RELATIONS:
        return one_mode(statements, network_type[8:], mode="concept",
                        normalization=normalization, codebook=codebook, actors=actors)
    raise ValueError(f"unknown network type {network_type!r}; choose one of {NETWORK_TYPES}")
