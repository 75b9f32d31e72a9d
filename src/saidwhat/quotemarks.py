"""Quotation marks: the one inventory that extraction, evaluation and the actor names use.

English news uses straight and curly double and single marks and, in older US wire copy,
the ````…''`` convention. Guillemets and low-9 marks are listed too: they occur in quoted
foreign titles and names, and the scorer must strip them from span edges like any other mark.
Single marks double as apostrophes ("It’s"), so code that must not confuse the two uses
:data:`DOUBLE_OPENING`/:data:`DOUBLE_CLOSING` only.
"""

from __future__ import annotations

DOUBLE_OPENING: tuple[str, ...] = ('"', "“", "„", "«", "``")
DOUBLE_CLOSING: tuple[str, ...] = ('"', "”", "»", "''")
SINGLE_OPENING: tuple[str, ...] = ("'", "‘", "‚", "‹")
SINGLE_CLOSING: tuple[str, ...] = ("'", "’", "›")
# every character that can be (part of) a quotation mark
MARK_CHARS: str = "\"'`“”„‘’‚«»‹›"
# the opening characters a quotation can start with in English text
ENGLISH_OPENERS: str = "“‘\"'`"
# the marks English quotation pairing (pipeline/quotes.py) classifies: straight and curly
# double and single marks, and the two-character ``…'' of old US wire copy. Guillemets and
# low-9 marks stay out: in English news they quote foreign titles, not speech.
ENGLISH_PAIRED: str = "\"“”‘’'`"
TWO_CHARACTER_MARKS: tuple[str, ...] = ("``", "''")


def strip_marks(text: str) -> str:
    """``text`` without quotation marks at either end (names written inside quotes)."""
    return text.strip().strip(MARK_CHARS).strip()
