"""The data model: typed, offset-carrying records, spaCy-style.

A :class:`Document` holds the text and the :class:`Quote` records found in it;
each quote points into the text with :class:`TextSpan` offsets (Python string
indices into the text exactly as given, end exclusive). ``to_dict`` gives the
JSON contract that other tools read; ``from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

QuoteKind = Literal["direct", "indirect", "mixed"]
SpeakerType = Literal["person", "organization", "anonymous", "unknown"]
CueClass = Literal["speech", "position", "cognition", "evidential", "other"]
CUE_CLASSES: tuple[str, ...] = ("speech", "position", "cognition", "evidential", "other")


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A character span of the document text, ``text == doc_text[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, doc_text: str, start: int, end: int) -> TextSpan:
        return cls(start, end, doc_text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> TextSpan | None:
        if d is None:
            return None
        return cls(int(d["start"]), int(d["end"]), str(d.get("text", "")))

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: TextSpan) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Speaker:
    """Who a quote is attributed to, after resolution."""

    name: str | None = None
    type: SpeakerType = "unknown"
    role: str | None = None
    affiliation: str | None = None
    entity_id: str | None = None  # the id of this speaker in Document.entities, or None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "role": self.role,
                "affiliation": self.affiliation, "entity_id": self.entity_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Speaker:
        d = d or {}
        entity_id = d.get("entity_id")
        return cls(d.get("name"), d.get("type", "unknown"), d.get("role"), d.get("affiliation"),
                   None if entity_id is None else str(entity_id))


@dataclass(slots=True)
class Quote:
    """One attribution: content, cue, local source mention, resolved speaker, channel."""

    id: str
    kind: QuoteKind
    content: TextSpan
    cue: TextSpan | None = None
    source: TextSpan | None = None
    speaker: Speaker = field(default_factory=Speaker)
    channel: TextSpan | None = None
    # additive fields (issue 10): the cue's class, the extractor's belief (0..1), and, for a
    # quotation split by its cue ("‘A,’ she said. ‘B.’" under --scheme parc), the parts of
    # ``content`` (which then runs from the first part's start to the last part's end)
    cue_class: CueClass | None = None
    confidence: float | None = None
    content_parts: list[TextSpan] | None = None

    def to_dict(self) -> dict[str, Any]:
        def opt(s: TextSpan | None) -> dict[str, Any] | None:
            return s.to_dict() if s is not None else None

        d = {"id": self.id, "kind": self.kind, "content": self.content.to_dict(),
             "cue": opt(self.cue), "source": opt(self.source),
             "speaker": self.speaker.to_dict(), "channel": opt(self.channel),
             "cue_class": self.cue_class,
             "confidence": None if self.confidence is None else round(self.confidence, 4)}
        if self.content_parts:
            d["content_parts"] = [p.to_dict() for p in self.content_parts]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        content = TextSpan.from_dict(d["content"])
        if content is None:
            raise ValueError("a quote needs a content span")
        return cls(id=str(d.get("id", "")), kind=d.get("kind", "direct"), content=content,
                   cue=TextSpan.from_dict(d.get("cue")), source=TextSpan.from_dict(d.get("source")),
                   speaker=Speaker.from_dict(d.get("speaker")),
                   channel=TextSpan.from_dict(d.get("channel")),
                   cue_class=d.get("cue_class"),
                   confidence=None if d.get("confidence") is None else float(d["confidence"]),
                   content_parts=[p for p in (TextSpan.from_dict(x)
                                              for x in d["content_parts"]) if p is not None]
                   if d.get("content_parts") else None)


@dataclass(slots=True)
class Entity:
    """A speaker-like actor of one document, with all its mentions."""

    id: str
    name: str
    type: str
    roles: list[str] = field(default_factory=list)
    mentions: list[TextSpan] = field(default_factory=list)
    affiliation: str | None = None
    gender: str | None = None  # "m", "f" or None; used by resolution, not exported

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type, "roles": list(self.roles),
                "mentions": [m.to_dict() for m in self.mentions]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(id=str(d["id"]), name=str(d["name"]), type=str(d.get("type", "unknown")),
                   roles=list(d.get("roles", [])),
                   mentions=[m for m in (TextSpan.from_dict(x) for x in d.get("mentions", []))
                             if m is not None])


@dataclass(slots=True)
class Document:
    """An article and what saidwhat found in it."""

    doc_id: str
    text: str
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    include_text: bool = False  # HTML input: the extracted text travels with the record

    def to_dict(self, include_text: bool | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"doc_id": self.doc_id}
        if include_text if include_text is not None else self.include_text:
            d["text"] = self.text
        if self.meta:
            d["meta"] = dict(self.meta)
        d["quotes"] = [q.to_dict() for q in self.quotes]
        d["entities"] = [e.to_dict() for e in self.entities]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], text: str | None = None) -> Document:
        return cls(doc_id=str(d["doc_id"]), text=text if text is not None else d.get("text", ""),
                   quotes=[Quote.from_dict(q) for q in d.get("quotes", [])],
                   entities=[Entity.from_dict(e) for e in d.get("entities", [])],
                   meta=dict(d.get("meta", {})), include_text="text" in d)

    def entity(self, entity_id: str | None) -> Entity | None:
        if entity_id is None:
            return None
        return next((e for e in self.entities if e.id == entity_id), None)
