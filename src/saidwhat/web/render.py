"""Pure helpers of the web view: the article text cut into highlighted segments, safe links.

Nothing here builds HTML by hand: templates receive plain values and Jinja2 escapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..store.corrections import ReviewedQuote

ROLES = ("content", "cue", "source")


@dataclass(slots=True)
class Segment:
    """A run of the text covered by the same spans. ``start`` is its offset in code points
    (the page's script maps a selection back to offsets through it)."""

    start: int
    text: str
    roles: set[str] = field(default_factory=set)
    quotes: list[str] = field(default_factory=list)
    rejected: bool = False
    speakers: list[str] = field(default_factory=list)

    @property
    def classes(self) -> str:
        return " ".join(sorted(self.roles) + (["rejected"] if self.rejected else []))

    @property
    def title(self) -> str:
        return "; ".join(dict.fromkeys(self.speakers))


def speaker_label(quote: dict[str, Any]) -> str:
    sp = quote.get("speaker") or {}
    name = sp.get("name") or (f"({sp.get('role')})" if sp.get("role") else "(no name)")
    return f"{name} [{sp.get('type') or 'unknown'}]"


def segments(text: str, quotes: Sequence[ReviewedQuote]) -> list[Segment]:
    """``text`` cut at every span boundary of ``quotes`` (content, cue, source)."""
    marks: list[tuple[int, int, str, ReviewedQuote]] = []
    cuts = {0, len(text)}
    for q in quotes:
        for role in ROLES:
            span = q.quote.get(role)
            if span and span.get("start") is not None and span["end"] > span["start"]:
                s, e = max(0, span["start"]), min(len(text), span["end"])
                marks.append((s, e, role, q))
                cuts.update((s, e))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a >= b:
            continue
        seg = Segment(a, text[a:b])
        covering = [(role, q) for s, e, role, q in marks if s <= a and b <= e]
        for role, q in covering:
            seg.roles.add(role)
            if q.id not in seg.quotes:
                seg.quotes.append(q.id)
                seg.speakers.append(f"{q.id}: {speaker_label(q.quote)}")
        seg.rejected = bool(covering) and all(q.status == "rejected" for _, q in covering)
        out.append(seg)
    return out


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) link, else None (shown as text, never as a link:
    no ``javascript:``, ``data:`` or relative URLs from article metadata)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None
