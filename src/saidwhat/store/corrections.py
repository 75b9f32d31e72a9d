"""The corrections layer: a researcher's accepts, rejects, speakers, spans, added
attributions, concept codes and reviewed marks, kept beside the machine output (never over it).

Each correction is one row of the ``corrections`` table (schema version 6): when, who
(coder), what (``kind`` and a JSON ``value``) and where (an :class:`Anchor`: the document,
the offsets and text of the attribution's content as it was when the correction was made,
and some text either side). Undo marks a row undone; nothing is deleted.

After the corpus is extracted again, quote ids and offsets may change. A correction finds
its attribution again by its anchor: the text at the stored offsets, else the occurrence of
the anchored text whose context matches best; then the machine attribution whose content is
that span (or overlaps it by half or more, character Jaccard). Corrections that find nothing
are *orphaned*: listed (``Store.orphaned_corrections()``, the corpus page), never applied.

The SQL of the layer is here, called only through :class:`saidwhat.store.Store`; the rest
(:func:`apply_corrections`) is pure.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

KINDS = ("accept", "reject", "speaker", "span", "add", "code", "reviewed")
QUOTE_KINDS = ("accept", "reject", "speaker", "span", "code")  # about one attribution
ROLES = ("content", "cue", "source", "channel")
AGREEMENTS = ("support", "oppose")
SPEAKER_TYPES = ("person", "organization", "anonymous", "unknown")
CONTEXT_CHARS = 40  # text kept either side of an anchor
MIN_OVERLAP = 0.5  # character Jaccard for a re-extracted attribution to be the same one
ADDED_PREFIX = "c"  # an added attribution's id: "c" + the id of its `add` correction


class CorrectionError(ValueError):
    """A correction that cannot be made (unknown document or attribution, bad value)."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a correction points: a span of a document's text, with context."""

    doc_id: str
    start: int | None = None
    end: int | None = None
    text: str = ""
    before: str = ""
    after: str = ""

    @classmethod
    def of(cls, doc_id: str, text: str, start: int, end: int) -> Anchor:
        return cls(doc_id, start, end, text[start:end],
                   text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS])

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text,
                "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class Correction:
    id: int
    created_at: str
    coder: str
    kind: str
    anchor: Anchor
    quote_id: str | None
    value: dict[str, Any]
    undone_at: str | None = None
    undone_by: str | None = None

    @property
    def active(self) -> bool:
        return self.undone_at is None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at, "coder": self.coder,
                "kind": self.kind, "quote_id": self.quote_id, "anchor": self.anchor.to_dict(),
                "value": self.value, "undone_at": self.undone_at, "undone_by": self.undone_by}


@dataclass(frozen=True, slots=True)
class Coding:
    """One hand-coded statement: a coder's concept and agreement for one attribution.
    ``anchor`` is the attribution's identity (the machine content span, or the added one's),
    the same for every coder who coded it, so reliability can pair their codes."""

    doc_id: str
    quote_id: str
    anchor: Anchor
    concept: str
    agreement: str
    coder: str
    created_at: str
    correction_id: int
    status: str  # pending | accepted | rejected (the attribution's, after corrections)


@dataclass(slots=True)
class ReviewedQuote:
    """An attribution after corrections: the contract's fields plus where it came from."""

    id: str
    origin: str  # machine | added
    quote: dict[str, Any]  # the corrected quote, in the extraction contract's shape
    machine: dict[str, Any] | None  # the machine's, unchanged (None for an added one)
    anchor: Anchor
    status: str = "pending"  # pending | accepted | rejected
    changed: set[str] = field(default_factory=set)  # speaker, content, cue, source, channel
    codes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (coder, concept)
    correction_ids: list[int] = field(default_factory=list)
    actor_id: int | None = None  # the store actor a speaker correction named, if any

    def code_list(self, coder: str | None = None) -> list[dict[str, Any]]:
        return [c for (who, _), c in sorted(self.codes.items())
                if coder is None or who == coder]


@dataclass(slots=True)
class ReviewedDocument:
    doc_id: str
    text: str
    quotes: list[ReviewedQuote]
    reviewed: bool = False
    orphaned: list[Correction] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)

    def quote(self, quote_id: str) -> ReviewedQuote | None:
        return next((q for q in self.quotes if q.id == quote_id), None)

    def kept(self) -> list[ReviewedQuote]:
        """The attributions that count: every one not rejected."""
        return [q for q in self.quotes if q.status != "rejected"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- validation of values -------------------------------------------------------------------
def _span(text: str, value: Any, what: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CorrectionError(f"{what}: a span is {{start, end}}")
    try:
        start, end = int(value["start"]), int(value["end"])
    except (KeyError, TypeError, ValueError):
        raise CorrectionError(f"{what}: a span needs integer start and end") from None
    if not 0 <= start < end <= len(text):
        raise CorrectionError(f"{what}: span {start}-{end} is outside the text "
                              f"(0-{len(text)}) or empty")
    return {"start": start, "end": end, "text": text[start:end]}


def _speaker(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CorrectionError("speaker: give name and type")
    name = value.get("name")
    name = str(name).strip() if name is not None else None
    kind = value.get("type") or ("person" if name else "anonymous")
    if kind not in SPEAKER_TYPES:
        raise CorrectionError(f"speaker: unknown type {kind!r} ({', '.join(SPEAKER_TYPES)})")
    out: dict[str, Any] = {"name": name or None, "type": kind,
                           "role": (str(value.get("role")).strip() or None)
                           if value.get("role") else None,
                           "affiliation": (str(value.get("affiliation")).strip() or None)
                           if value.get("affiliation") else None}
    if value.get("actor_id") is not None:
        out["actor_id"] = int(value["actor_id"])
    return out


def clean_value(kind: str, value: dict[str, Any] | None, text: str) -> dict[str, Any]:
    """The value stored for a correction of ``kind``, checked against the document text."""
    value = dict(value or {})
    if kind in ("accept", "reject"):
        return {}
    if kind == "speaker":
        return _speaker(value)
    if kind == "span":
        role = value.get("role")
        if role not in ROLES:
            raise CorrectionError(f"span: role must be one of {', '.join(ROLES)}")
        if value.get("start") is None and role != "content":  # clear a cue/source/channel
            return {"role": role, "start": None, "end": None, "text": None}
        span = _span(text, value, f"span {role}")
        assert span is not None
        return {"role": role, **span}
    if kind == "add":
        content = _span(text, value.get("content"), "add content")
        if content is None:
            raise CorrectionError("add: the content span is required")
        kind_q = value.get("kind") or "indirect"
        if kind_q not in ("direct", "indirect", "mixed"):
            raise CorrectionError(f"add: unknown kind {kind_q!r}")
        return {"kind": kind_q, "content": content,
                "cue": _span(text, value.get("cue"), "add cue"),
                "source": _span(text, value.get("source"), "add source"),
                "channel": _span(text, value.get("channel"), "add channel"),
                "speaker": _speaker(value.get("speaker") or {"type": "unknown"})}
    if kind == "code":
        concept = str(value.get("concept") or "").strip()
        if not concept:
            raise CorrectionError("code: the concept is required")
        agreement = value.get("agreement")
        if agreement not in (*AGREEMENTS, None):
            raise CorrectionError(f"code: agreement must be {' or '.join(AGREEMENTS)} "
                                  "(or null to remove the concept)")
        return {"concept": concept, "agreement": agreement}
    if kind == "reviewed":
        return {"reviewed": bool(value.get("reviewed", True))}
    raise CorrectionError(f"unknown correction kind {kind!r} ({', '.join(KINDS)})")


# -- SQL ------------------------------------------------------------------------------------
_COLUMNS = ("id, created_at, coder, kind, doc_id, quote_id, anchor_start, anchor_end, "
            "anchor_text, anchor_before, anchor_after, value, undone_at, undone_by")


def _row(r: Sequence[Any]) -> Correction:
    return Correction(id=r[0], created_at=r[1], coder=r[2], kind=r[3],
                      anchor=Anchor(r[4], r[6], r[7], r[8] or "", r[9] or "", r[10] or ""),
                      quote_id=r[5], value=json.loads(r[11]) if r[11] else {},
                      undone_at=r[12], undone_by=r[13])


def insert(c: sqlite3.Connection, coder: str, kind: str, anchor: Anchor, quote_id: str | None,
           value: dict[str, Any]) -> int:
    cur = c.execute(
        "INSERT INTO corrections (created_at, coder, kind, doc_id, quote_id, anchor_start, "
        "anchor_end, anchor_text, anchor_before, anchor_after, value) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (now(), coder, kind, anchor.doc_id, quote_id, anchor.start, anchor.end, anchor.text,
         anchor.before, anchor.after, json.dumps(value, ensure_ascii=False)))
    return int(cur.lastrowid or 0)


def undo(c: sqlite3.Connection, coder: str, correction_id: int | None = None,
         doc_id: str | None = None) -> Correction | None:
    """Mark one correction undone: ``correction_id``, or the coder's latest active one
    (in ``doc_id`` when given; with both, the correction must be in ``doc_id``, else
    :class:`CorrectionError`). Returns it, or None when there is nothing to undo."""
    if correction_id is not None:
        row = c.execute(f"SELECT {_COLUMNS} FROM corrections WHERE id=? AND undone_at IS NULL",
                        (correction_id,)).fetchone()
        if row is not None and doc_id is not None and _row(row).anchor.doc_id != doc_id:
            raise CorrectionError(f"correction #{correction_id} is not in document {doc_id!r}")
    else:
        sql = f"SELECT {_COLUMNS} FROM corrections WHERE coder=? AND undone_at IS NULL"
        params: list[Any] = [coder]
        if doc_id is not None:
            sql += " AND doc_id=?"
            params.append(doc_id)
        row = c.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    if row is None:
        return None
    c.execute("UPDATE corrections SET undone_at=?, undone_by=? WHERE id=?",
              (now(), coder, row[0]))
    return _row(row)


def select(c: sqlite3.Connection, doc_id: str | None = None, coder: str | None = None,
           kinds: Iterable[str] = (), include_undone: bool = False) -> list[Correction]:
    where, params = [], []
    if doc_id is not None:
        where.append("doc_id=?")
        params.append(doc_id)
    if coder is not None:
        where.append("coder=?")
        params.append(coder)
    kinds = tuple(kinds)
    if kinds:
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        params += kinds
    if not include_undone:
        where.append("undone_at IS NULL")
    sql = f"SELECT {_COLUMNS} FROM corrections" + (" WHERE " + " AND ".join(where)
                                                   if where else "") + " ORDER BY id"
    return [_row(r) for r in c.execute(sql, params)]


def corrected_doc_ids(c: sqlite3.Connection) -> list[str]:
    return [r[0] for r in c.execute(
        "SELECT DISTINCT doc_id FROM corrections WHERE undone_at IS NULL ORDER BY doc_id")]


def reviewed_doc_ids(c: sqlite3.Connection, coder: str | None = None) -> list[str]:
    """Documents whose latest active reviewed mark (by ``coder``, or anyone) says reviewed."""
    who = "" if coder is None else " AND coder=?"
    params = () if coder is None else (coder, coder)
    return [r[0] for r in c.execute(
        f"SELECT doc_id FROM corrections c WHERE kind='reviewed' AND undone_at IS NULL{who} "
        f"AND id = (SELECT max(id) FROM corrections m WHERE m.doc_id = c.doc_id AND "
        f"m.kind='reviewed' AND m.undone_at IS NULL{who}) "
        f"AND json_extract(value, '$.reviewed') = 1 ORDER BY doc_id", params)]


# -- re-attaching ---------------------------------------------------------------------------
def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def locate(text: str, anchor: Anchor) -> int | None:
    """Where the anchored text starts in ``text`` now: at its offsets when it is still
    there, else the occurrence whose context matches best (None: not found, or a tie
    between occurrences without any context to tell them apart)."""
    if anchor.start is None or not anchor.text:
        return None
    s, t = anchor.start, anchor.text
    if text[s:s + len(t)] == t:
        return s
    found, i = [], text.find(t)
    while i >= 0:
        found.append(i)
        i = text.find(t, i + 1)
    if len(found) == 1:
        return found[0]
    scored = sorted(((_common_suffix(text[max(0, i - CONTEXT_CHARS):i], anchor.before)
                      + _common_prefix(text[i + len(t):i + len(t) + CONTEXT_CHARS],
                                       anchor.after), i) for i in found), reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def _shift(span: dict[str, Any] | None, delta: int, text: str) -> dict[str, Any] | None:
    """A span moved with its anchor; KeyError when its text is no longer there."""
    if span is None or span.get("start") is None:
        return span
    s, e = span["start"] + delta, span["end"] + delta
    if text[s:e] != span["text"]:
        raise KeyError("moved")
    return {"start": s, "end": e, "text": span["text"]}


def apply_corrections(doc_id: str, text: str, machine_quotes: Sequence[dict[str, Any]],
                      corrections: Sequence[Correction], coder: str | None = None
                      ) -> ReviewedDocument:
    """The document as the corrections make it (pure). ``corrections`` in id order, active
    ones only; ``coder`` keeps only that coder's. Later corrections win over earlier ones
    (per attribution: verdict, speaker, each span role; per coder and concept: the code)."""
    if coder is not None:
        corrections = [c for c in corrections if c.coder == coder]
    out = ReviewedDocument(doc_id, text, [], corrections=list(corrections))
    quotes: list[ReviewedQuote] = []
    for q in machine_quotes:
        c = q["content"]
        quotes.append(ReviewedQuote(
            id=q["id"], origin="machine", quote=json.loads(json.dumps(q)), machine=q,
            anchor=Anchor.of(doc_id, text, c["start"], c["end"])))
    by_id = {q.id: q for q in quotes}
    spans = {(q.anchor.start, q.anchor.end): q for q in quotes}
    for corr in corrections:
        if corr.kind == "reviewed":
            out.reviewed = bool(corr.value.get("reviewed"))
            continue
        if corr.kind == "add":
            at = locate(text, corr.anchor)
            try:
                if at is None or corr.anchor.start is None:
                    raise KeyError("gone")
                delta = at - corr.anchor.start
                v = corr.value
                quote = {"id": f"{ADDED_PREFIX}{corr.id}", "kind": v["kind"],
                         **{r: _shift(v.get(r), delta, text) for r in ROLES},
                         "speaker": dict(v["speaker"])}
            except KeyError:
                out.orphaned.append(corr)
                continue
            same = spans.get((quote["content"]["start"], quote["content"]["end"]))
            if same is not None and same.origin == "machine":  # the machine found it since
                quotes.remove(same)
            added = ReviewedQuote(
                id=quote["id"], origin="added", quote=quote, machine=None, status="accepted",
                anchor=Anchor.of(doc_id, text, quote["content"]["start"],
                                 quote["content"]["end"]),
                changed={"content", "speaker"}, correction_ids=[corr.id])
            quotes.append(added)
            by_id[added.id] = added
            spans[(added.anchor.start, added.anchor.end)] = added
            continue
        target = _target(text, corr, by_id, quotes)
        if target is None:
            out.orphaned.append(corr)
            continue
        if _apply(target, corr, text):
            target.correction_ids.append(corr.id)
        else:
            out.orphaned.append(corr)
    quotes.sort(key=lambda q: (q.quote["content"]["start"], q.quote["content"]["end"], q.id))
    out.quotes = quotes
    return out


def _target(text: str, corr: Correction, by_id: dict[str, ReviewedQuote],
            quotes: list[ReviewedQuote]) -> ReviewedQuote | None:
    if corr.quote_id and corr.quote_id.startswith(ADDED_PREFIX):
        return by_id.get(corr.quote_id)  # an added attribution: by its id, as long as it lives
    at = locate(text, corr.anchor)
    if at is None:
        return None
    span = (at, at + len(corr.anchor.text))
    machine = [q for q in quotes if q.origin == "machine"]
    exact = [q for q in machine if (q.anchor.start, q.anchor.end) == span]
    if exact:
        return next((q for q in exact if q.id == corr.quote_id), exact[0])
    best = max(machine, key=lambda q: _jaccard(span, (q.anchor.start or 0, q.anchor.end or 0)),
               default=None)
    if best is not None and _jaccard(span, (best.anchor.start or 0,
                                            best.anchor.end or 0)) >= MIN_OVERLAP:
        return best
    return None


def _apply(q: ReviewedQuote, corr: Correction, text: str) -> bool:
    v = corr.value
    if corr.kind == "accept":
        q.status = "accepted"
    elif corr.kind == "reject":
        q.status = "rejected"
    elif corr.kind == "speaker":
        q.quote["speaker"] = {k: v.get(k) for k in ("name", "type", "role", "affiliation")}
        q.actor_id = v.get("actor_id")
        q.changed.add("speaker")
        if q.status == "pending":
            q.status = "accepted"
    elif corr.kind == "span":
        role = v["role"]
        if v.get("start") is None:
            q.quote[role] = None
        else:
            if text[v["start"]:v["end"]] != v["text"]:
                # the text moved: find the span again beside the attribution's anchor
                delta = (locate(text, corr.anchor) or 0) - (corr.anchor.start or 0)
                try:
                    q.quote[role] = _shift(v, delta, text)
                except KeyError:
                    return False
            else:
                q.quote[role] = {"start": v["start"], "end": v["end"], "text": v["text"]}
        q.changed.add(role)
    elif corr.kind == "code":
        key = (corr.coder, v["concept"])
        if v.get("agreement") is None:
            q.codes.pop(key, None)
        else:
            q.codes[key] = {"concept": v["concept"], "agreement": v["agreement"],
                            "coder": corr.coder, "correction_id": corr.id,
                            "created_at": corr.created_at}
    return True


def codings_of(doc: ReviewedDocument, coder: str | None = None) -> Iterator[Coding]:
    for q in doc.quotes:
        for (who, concept), code in sorted(q.codes.items()):
            if coder is not None and who != coder:
                continue
            yield Coding(doc.doc_id, q.id, q.anchor, concept, code["agreement"], who,
                         code["created_at"], code["correction_id"], q.status)
