"""From the review layer (``saidwhat serve``'s corrections) to coded statements and to
reliability records.

Two halves, both reached through :class:`saidwhat.store.Store` only:

* **Networks.** :func:`load_reviewed` reads every processed document of a store with the
  corrections applied (rejected attributions left out, added ones in, corrected speakers and
  spans) and the hand codes per attribution (the latest code per attribution and concept;
  one coder's with ``coder``). :func:`code_reviewed` turns them into
  :class:`~saidwhat.network.build.CodedStatement` s: hand codes first; with a
  :class:`~saidwhat.network.coding.ConceptCoder`, the machine codes every attribution nobody
  coded. ``saidwhat network --db`` and the review app's network page both use these.
* **Reliability.** :func:`store_codings` makes the records
  :func:`saidwhat.network.reliability.reliability_report` scores from ``Store.codings()``:
  one unit per attribution, ``doc_id`` plus its anchor span (the same for every coder, see
  docs/review.md); in a document a coder marked reviewed, an attribution of theirs they did
  not code is their "no concept". With a ConceptCoder the machine codes the same units as
  one more coder (``machine``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..model import Document

if TYPE_CHECKING:
    from ..network.reliability import Coding as ReliabilityCoding
    from .actors import Actor, ActorIndex
    from .build import CodedStatement, CodingReport
    from .coding import ConceptCoder

MACHINE_CODER = "machine"  # the machine's name as a coder in reliability figures

Links = dict[tuple[str, str], dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class HandCode:
    """A coder's concept and agreement for one attribution (the latest for the concept)."""

    concept: str
    agreement: str  # support | oppose
    coder: str
    correction_id: int


@dataclass(slots=True)
class ReviewedCorpus:
    """A store's documents as the corrections make them. ``hand_codes``: (doc_id, quote_id)
    -> the hand codes of that kept attribution; ``actor_links``: the store's actor table
    (``Store.quote_actors``) with corrected speakers re-linked."""

    documents: list[Document] = field(default_factory=list)
    hand_codes: dict[tuple[str, str], list[HandCode]] = field(default_factory=dict)
    actor_links: Links = field(default_factory=dict)
    corrected: int = 0  # documents with at least one correction applied
    rejected: int = 0  # attributions left out
    added: int = 0  # attributions added by hand
    respeakered: int = 0  # attributions whose speaker was corrected
    respanned: int = 0  # attributions with a corrected content, cue, source or channel
    orphaned: int = 0  # corrections that found nothing (never applied)

    def summary(self) -> str:
        coded = sum(len(v) for v in self.hand_codes.values())
        return (f"corrections: {self.corrected} document(s) corrected; {self.rejected}"
                f" attribution(s) rejected, {self.added} added, {self.respeakered} with a"
                f" corrected speaker, {self.respanned} with corrected spans; {coded} hand"
                f" code(s) on {len(self.hand_codes)} attribution(s)"
                + (f"; {self.orphaned} orphaned correction(s) not applied"
                   if self.orphaned else ""))


def load_reviewed(store: Any, *, coder: str | None = None) -> ReviewedCorpus:
    """Every processed document of ``store`` with the corrections applied (``coder``: only
    that coder's corrections, codes included), with the hand codes and actor links."""
    out = ReviewedCorpus()
    links: Links = dict(store.quote_actors())
    has_actors = bool(links)  # a store with an actor table
    by_id: dict[int, dict[str, Any]] | None = None  # that table, read when needed
    for doc, view in store.corrected_documents(coder=coder):
        out.documents.append(doc)
        if not view.corrections:
            continue
        out.corrected += 1
        out.orphaned += len(view.orphaned)
        for q in view.quotes:
            if q.status == "rejected":
                out.rejected += 1
                continue
            out.added += q.origin == "added"
            if q.origin == "machine":
                out.respeakered += "speaker" in q.changed
                out.respanned += bool(q.changed - {"speaker"})
            if "speaker" in q.changed:  # the corrected speaker, not the machine's actor
                links.pop((view.doc_id, q.id), None)
                if q.actor_id is not None and has_actors:
                    if by_id is None:
                        by_id = {a["actor_id"]: a for a in store.actor_rows()}
                    if q.actor_id in by_id:
                        links[(view.doc_id, q.id)] = by_id[q.actor_id]
            latest: dict[str, HandCode] = {}
            for code in sorted(q.code_list(coder), key=lambda c: c["correction_id"]):
                latest[code["concept"]] = HandCode(code["concept"], code["agreement"],
                                                   code["coder"], code["correction_id"])
            if latest:
                out.hand_codes[(view.doc_id, q.id)] = [latest[c] for c in sorted(latest)]
    out.actor_links = links
    return out


@dataclass(slots=True)
class ReviewedCoding:
    """Coded statements from hand codes and (optionally) the machine, with the counts."""

    statements: list[CodedStatement]
    report: CodingReport
    hand_coded: int = 0  # statement-concept pairs from hand codes
    machine_coded: int = 0  # from the machine, on attributions nobody coded
    notes: list[str] = field(default_factory=list)

    @property
    def actors(self) -> dict[str, Actor]:
        return self.report.actors


def code_reviewed(documents: Sequence[Document],
                  hand_codes: dict[tuple[str, str], list[HandCode]],
                  machine: ConceptCoder | None, actors: ActorIndex | None = None
                  ) -> ReviewedCoding:
    """Coded statements of ``documents``: an attribution with hand codes gets those (they
    override the machine's coding of it); with ``machine`` every other attribution is coded
    by it, as ``saidwhat network`` codes (nested attributions blanked, speakers resolved
    across the corpus). Without ``machine``: hand-coded statements only."""
    from .actors import ActorIndex
    from .build import CodedStatement, CodingReport, code_documents, parse_date

    index = actors or ActorIndex()
    if machine is not None:
        machine_statements, report = code_documents(documents, machine, index)
    else:
        machine_statements, report = [], CodingReport(documents=len(documents))
        for d in documents:
            index.add_all(q.speaker for q in d.quotes)
    machine_keys = {(s.doc_id, s.quote_id) for s in machine_statements}
    kept = [s for s in machine_statements if (s.doc_id, s.quote_id) not in hand_codes]
    hand: list[CodedStatement] = []
    notes: list[str] = []
    for d in documents:
        for q in d.quotes:
            if machine is None:
                report.quotes += 1
            codes = hand_codes.get((d.doc_id, q.id))
            if not codes:
                if machine is None:
                    report.uncoded += 1
                continue
            actor = index.resolve_quote(d.doc_id, q)
            if actor is None:
                notes.append(f"{d.doc_id}:{q.id}: coded, but the speaker is no actor")
                if machine is None:
                    report.unattributed += 1
                continue
            if machine is not None and (d.doc_id, q.id) not in machine_keys:
                report.uncoded -= 1  # the machine found no concept, the coder did
            for code in codes:
                hand.append(CodedStatement(
                    doc_id=d.doc_id, quote_id=q.id, actor=actor.name, actor_type=actor.type,
                    organization=actor.organization, concept=code.concept,
                    qualifier=code.agreement, score=1.0, evidence=(f"coded by {code.coder}",),
                    content=q.content, cue=q.cue, source=q.source,
                    date=parse_date(d.meta.get("date")),
                    outlet=str(d.meta.get("outlet") or d.meta.get("source") or "")))
    hand = [replace(s, organization=index.actors[s.actor].organization) for s in hand]
    order = {(d.doc_id, q.id): (i, j) for i, d in enumerate(documents)
             for j, q in enumerate(d.quotes)}
    statements = sorted(hand + kept, key=lambda s: order.get((s.doc_id, s.quote_id), (0, 0)))
    report.coded_statements = len(statements)
    report.actors = dict(index.actors)
    return ReviewedCoding(statements, report, hand_coded=len(hand), machine_coded=len(kept),
                          notes=notes)


# -- reliability ----------------------------------------------------------------------------
def unit_of(doc_id: str, start: int | None, end: int | None) -> str:
    """A reliability unit: the document and the attribution's anchor span."""
    return f"{doc_id}:{start}-{end}"


@dataclass(slots=True)
class StoreCodings:
    """Reliability records from a store, and what went into them."""

    records: list[ReliabilityCoding] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    units: int = 0
    none_from_reviewed: int = 0  # "no concept" records from documents marked reviewed
    on_rejected: int = 0  # records of attributions rejected (they count: the coder coded)
    machine_units: int = 0


def store_codings(store: Any, *, coders: Iterable[str] = (), machine: ConceptCoder | None = None,
                  reviewed_as_none: bool = True) -> StoreCodings:
    """Records for :func:`~saidwhat.network.reliability.reliability_report` from
    ``store.codings()`` (``coders``: only these; default all). Units pair on the document
    and the attribution's anchor span. ``reviewed_as_none``: in a document a coder marked
    reviewed, each attribution they kept and did not code is their "no concept" (without a
    reviewed mark an uncoded attribution is missing, not "none"). ``machine``: the machine
    codes every unit, as one more coder named ``machine``."""
    from ..network.reliability import Coding as RCoding

    wanted = set(coders)
    out = StoreCodings()
    seen: set[tuple[str, str]] = set()  # (coder, unit)
    quotes: dict[str, tuple[str, str]] = {}  # unit -> (doc_id, quote_id) in the joint view
    for c in store.codings():
        if wanted and c.coder not in wanted:
            continue
        unit = unit_of(c.doc_id, c.anchor.start, c.anchor.end)
        out.records.append(RCoding(c.coder, unit, c.concept, c.agreement))
        out.on_rejected += c.status == "rejected"
        seen.add((c.coder, unit))
        quotes.setdefault(unit, (c.doc_id, c.quote_id))
    if reviewed_as_none:
        for coder in sorted(wanted or set(store.coders())):
            for doc_id in store.reviewed_doc_ids(coder):
                view = store.reviewed_document(doc_id, coder)
                if view is None:
                    continue
                for q in view.kept():
                    unit = unit_of(doc_id, q.anchor.start, q.anchor.end)
                    if (coder, unit) not in seen:
                        out.records.append(RCoding(coder, unit, "", ""))
                        out.none_from_reviewed += 1
                        seen.add((coder, unit))
                        quotes.setdefault(unit, (doc_id, q.id))
    out.coders = sorted({r.coder for r in out.records})
    out.units = len({r.unit for r in out.records})
    if machine is not None:
        if MACHINE_CODER in out.coders:
            raise ValueError(f"a coder of the store is named {MACHINE_CODER!r}: the machine"
                             " needs that name (give --coder to leave that coder out)")
        out.records += _machine_codings(store, machine, quotes)
        out.machine_units = len(quotes)
        out.coders = sorted({*out.coders, MACHINE_CODER})
    return out


def _machine_codings(store: Any, machine: ConceptCoder, units: dict[str, tuple[str, str]]
                     ) -> list[ReliabilityCoding]:
    """The machine's codes of each unit's attribution (corrected spans, everyone's
    corrections applied), its own words only, as the network codes it."""
    from ..network.reliability import Coding as RCoding
    from .build import own_words

    by_doc: dict[str, list[tuple[str, str]]] = {}
    for unit, (doc_id, quote_id) in sorted(units.items()):
        by_doc.setdefault(doc_id, []).append((unit, quote_id))
    items: list[tuple[str, str, str | None]] = []
    for doc_id, wanted in by_doc.items():
        view = store.reviewed_document(doc_id)
        if view is None:
            continue
        kept = Document.from_dict({"doc_id": doc_id, "quotes": [q.quote for q in view.kept()]},
                                  text=view.text)  # rejected ones blank nothing
        every = Document.from_dict({"doc_id": doc_id,
                                    "quotes": [q.quote for q in view.quotes]}, text=view.text)
        by_id = {q.id: q for q in every.quotes} | {q.id: q for q in kept.quotes}
        for unit, quote_id in wanted:
            q = by_id.get(quote_id)
            if q is not None:
                items.append((unit, own_words(kept, q), q.cue.text if q.cue else None))
    codes = machine.code_many([(content, cue) for _, content, cue in items])
    out: list[ReliabilityCoding] = []
    for (unit, _, _), found in zip(items, codes, strict=True):
        if not found:
            out.append(RCoding(MACHINE_CODER, unit, "", ""))
        for code in found:
            out.append(RCoding(MACHINE_CODER, unit, code.concept_id, code.qualifier))
    return out


def review_examples(documents: list[Document], hand_codes: dict[tuple[str, str], list[HandCode]]
                    ) -> list[Any]:
    """The hand-coded statements as labelled examples for the coder's few-shot learning
    (:mod:`saidwhat.network.fewshot`): each one's own words (nested attributions blanked, as
    coding reads them), its cue, and every concept and agreement it was coded with."""
    from .build import own_words
    from .fewshot import LabelledExample

    by_key = {(d.doc_id, q.id): (d, q) for d in documents for q in d.quotes}
    out: list[LabelledExample] = []
    for key, codes in sorted(hand_codes.items()):
        if key not in by_key:
            continue
        doc, quote = by_key[key]
        text, cue = own_words(doc, quote), (quote.cue.text if quote.cue else None)
        out += [LabelledExample(text, cue, code.concept, code.agreement, "review",
                                doc.doc_id)
                for code in codes]
    return out


def drop_foreign_codes(hand_codes: dict[tuple[str, str], list[HandCode]], codebook: Any
                       ) -> list[str]:
    """Leave out (in place) hand codes of concepts ``codebook`` lacks: made against another
    codebook, they are not this network's. An attribution left with no code is the machine's
    to code. Returns the concept ids left out, sorted (the CLI and the network page both say
    so)."""
    known = {c.id for c in codebook}
    dropped: set[str] = set()
    for key, codes in list(hand_codes.items()):
        mine = [c for c in codes if c.concept in known]
        dropped |= {c.concept for c in codes if c.concept not in known}
        if mine:
            hand_codes[key] = mine
        else:
            del hand_codes[key]
    return sorted(dropped)
