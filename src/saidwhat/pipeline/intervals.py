"""Point and overlap queries over a fixed set of character spans, in O(log n) each.

The stages ask, for every cue or quote, "is this offset inside any quotation?" and "how
much of this span do quotations cover?"; asked by scanning every span, that is quadratic
in the quotes of a document. Spans may overlap or nest; empty spans count for nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from itertools import accumulate


class SpanIndex:
    """Half-open spans ``[start, end)`` answering counts and covered lengths by bisection."""

    __slots__ = ("_starts", "_ends", "_start_sums", "_end_sums")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        pairs = [(s, e) for s, e in spans if e > s]
        self._starts = sorted(s for s, _ in pairs)
        self._ends = sorted(e for _, e in pairs)
        self._start_sums = [0, *accumulate(self._starts)]
        self._end_sums = [0, *accumulate(self._ends)]

    def __len__(self) -> int:
        return len(self._starts)

    def containing(self, point: int) -> int:
        """How many spans hold ``point`` (``start <= point < end``)."""
        # every span ending at or before the point also starts before it
        return bisect.bisect_right(self._starts, point) - bisect.bisect_right(self._ends, point)

    def overlapping(self, start: int, end: int) -> int:
        """How many spans share at least one character with ``[start, end)``."""
        if end <= start:
            return 0
        return bisect.bisect_left(self._starts, end) - bisect.bisect_right(self._ends, start)

    def starting_in(self, start: int, end: int) -> bool:
        """Whether some span starts in ``[start, end)``."""
        i = bisect.bisect_left(self._starts, start)
        return i < len(self._starts) and self._starts[i] < end

    def covered(self, start: int, end: int) -> int:
        """Sum over the spans of their overlap with ``[start, end)``, in characters."""
        if end <= start:
            return 0
        return self._mass(end) - self._mass(start)

    def _mass(self, x: int) -> int:
        # sum over spans of len([s, e) ∩ (-inf, x)) = Σ_{s<x} (x - s) - Σ_{e<x} (x - e)
        k = bisect.bisect_left(self._starts, x)
        j = bisect.bisect_left(self._ends, x)
        return (k * x - self._start_sums[k]) - (j * x - self._end_sums[j])
