"""Stage 1: find quotation-mark spans in raw text (no parse needed).

Handles straight and curly, single and double marks, the US newspaper ````…''``
convention, apostrophes inside single-quoted text (``gangs’``, ``Jane’s``), British
multi-paragraph quotes (each paragraph opens with a mark, only the last closes),
and unbalanced marks (dropped without losing the rest of the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from ..quotemarks import ENGLISH_PAIRED, TWO_CHARACTER_MARKS

Family = Literal["double", "single"]
Role = Literal["open", "close", "either"]


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    family: Family
    role: Role
    weak: bool = False  # a closing ’ that may be a plural-possessive apostrophe ("councils’ plans")
    text: str = ""  # the mark itself: a quotation runs on into the next paragraph only when
    # that paragraph opens with the same mark (a stray straight " before a curly “…” does not)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation: ``open_start..close_end`` includes the marks, ``start..end`` the content."""

    open_start: int
    start: int
    end: int
    close_end: int
    multi_paragraph: bool = False


_PARAGRAPH = re.compile(r"[^\n]+")
_MARK_CHARS = re.compile("|".join(map(re.escape, TWO_CHARACTER_MARKS))
                         + "|[" + re.escape(ENGLISH_PAIRED) + "]")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line; news text puts one paragraph per line."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def _classify(text: str, m: re.Match[str]) -> Mark | None:
    s, e = m.start(), m.end()
    ch = m.group()
    prev = text[s - 1] if s > 0 else "\n"
    nxt = text[e] if e < len(text) else "\n"
    if ch == "``":
        return Mark(s, e, "double", "open")
    if ch == "''":
        # Newspaper style: ``…'' or ''…'' (two apostrophes open and close)
        if prev.isspace() or s == 0 or prev in "([{—–-":
            return Mark(s, e, "double", "open") if not nxt.isspace() else None
        return Mark(s, e, "double", "close")
    if ch == "`":
        return None
    if ch == "“":
        return Mark(s, e, "double", "open")
    if ch == "”":
        if (s == 0 or prev.isspace()) and not nxt.isspace():
            return Mark(s, e, "double", "open")  # a mistyped opener: ”Fear. …”
        return Mark(s, e, "double", "close")
    if ch == '"':
        if prev.isspace() or prev in "([{—–-/" or s == 0:
            return Mark(s, e, "double", "open") if not nxt.isspace() else None
        return Mark(s, e, "double", "close")
    # single marks
    if prev.isalnum() and nxt.isalpha():
        return None  # apostrophe inside a word: Jane’s, don't
    if ch == "‘":
        if nxt.isdigit():
            return None  # ‘90s
        return Mark(s, e, "single", "open") if not nxt.isspace() else None
    if ch in "’'":
        if prev.isspace() or s == 0 or prev in "([{—–-":
            if ch == "'" and not nxt.isspace():
                return Mark(s, e, "single", "open")
            return None  # ’90s, ’em
        weak = prev in "sSzZ" and nxt == " " and e + 1 < len(text) and text[e + 1].islower()
        return Mark(s, e, "single", "close", weak)
    return None


def _marks(text: str, start: int, end: int) -> list[Mark]:
    out = []
    for m in _MARK_CHARS.finditer(text, start, end):
        mark = _classify(text, m)
        if mark is not None:
            out.append(replace(mark, text=m.group()))
    return out


def find_quotes(text: str) -> list[QuoteSpan]:
    """Pair quotation marks paragraph by paragraph; return the quotations in text order."""
    paras = paragraphs(text)
    marks_by_para = [_marks(text, s, e) for s, e in paras]
    quotes: list[QuoteSpan] = []
    carry: Mark | None = None  # an opener still open at the end of the previous paragraph
    for pi, (_, pe) in enumerate(paras):
        marks = marks_by_para[pi]
        open_mark: Mark | None = None
        if carry is not None:
            # A British multi-paragraph quote (``carry`` is set only when this paragraph opens
            # with a mark of the same family, see _opens_paragraph): skip that opener.
            open_mark, carry = carry, None
            marks = marks[1:]
        multi = open_mark is not None
        for i, mk in enumerate(marks):
            if open_mark is None:
                if mk.role == "open":
                    open_mark, multi = mk, False
                continue
            if mk.family != open_mark.family:
                continue  # nested quote of the other family
            if mk.role == "open":
                open_mark, multi = mk, False  # the earlier opener was unbalanced: drop it
                continue
            if mk.weak and _closes_later(marks, i + 1):
                continue  # plural possessive, not a closing mark
            span = _span(text, open_mark, mk, multi)
            if span.end > span.start:  # “ ” quotes nothing
                quotes.append(span)
            open_mark = None
        if open_mark is not None:
            nxt = paras[pi + 1][0] if pi + 1 < len(paras) else len(text)
            if _opens_paragraph(text, nxt, open_mark, marks_by_para, pi + 1):
                carry = open_mark
            else:
                # unbalanced: the quotation runs to the end of its paragraph, no further
                # (trimmed like a closed one, and of the "\r" of a CRLF line end)
                start, end = open_mark.end, pe
                while end > start and (text[end - 1].isspace() or text[end - 1] == "."):
                    end -= 1
                while start < end and text[start].isspace():
                    start += 1
                if end > start:
                    quotes.append(QuoteSpan(open_mark.start, start, end, end, multi))
    return quotes


def _opens_paragraph(text: str, start: int, opener: Mark, marks_by_para: list[list[Mark]],
                     pi: int) -> bool:
    """Whether paragraph ``pi`` (at ``start``) opens with the same mark as ``opener``."""
    if pi >= len(marks_by_para) or not marks_by_para[pi]:
        return False
    first = marks_by_para[pi][0]
    return first.role == "open" and first.family == opener.family and \
        first.text == opener.text and not text[start:first.start].strip()


def _closes_later(marks: list[Mark], i: int) -> bool:
    """True when a closing mark of the same family follows before any new opener."""
    for mk in marks[i:]:
        if mk.family != "single":
            continue
        if mk.role == "open":
            return False
        if mk.role == "close":
            return True
    return False


def _span(text: str, open_mark: Mark, close_mark: Mark, multi: bool) -> QuoteSpan:
    s, e = open_mark.end, close_mark.start
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return QuoteSpan(open_mark.start, s, e, close_mark.end, multi)
