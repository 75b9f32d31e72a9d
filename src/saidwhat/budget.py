"""A time budget per document: cooperative checks, and an interval timer where one works.

A :class:`TimeBudget` is charged with the seconds spent on one document (its share of a
batched parse, its own parse when parsed alone, its stages), across every chunk of the
document. :meth:`TimeBudget.check` raises :class:`DocumentTimeout` once it is spent: the
stages call it between stages and inside their long loops. Code that never returns to
Python (a parse) is interrupted by :func:`alarm`, a ``SIGALRM`` timer that works only in
a process's main thread (where a ``ProcessPoolExecutor`` worker runs its tasks); elsewhere
(Dask threads, a notebook's worker thread) the cooperative checks alone apply.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType


class DocumentTimeout(Exception):
    """A document used up its time budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"time budget of {seconds:g} s exceeded")


class TimeBudget:
    """``seconds`` of wall clock for one document (``None``: unlimited), charged by the
    periods between :meth:`start` and :meth:`stop` and by :meth:`charge`."""

    __slots__ = ("seconds", "spent", "_since")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self._since: float | None = None

    def start(self) -> None:
        if self._since is None:
            self._since = time.monotonic()

    def stop(self) -> None:
        if self._since is not None:
            self.spent += time.monotonic() - self._since
            self._since = None

    def charge(self, seconds: float) -> None:
        self.spent += seconds

    def elapsed(self) -> float:
        running = time.monotonic() - self._since if self._since is not None else 0.0
        return self.spent + running

    def remaining(self) -> float | None:
        return None if self.seconds is None else self.seconds - self.elapsed()

    @property
    def exhausted(self) -> bool:
        return self.seconds is not None and self.elapsed() >= self.seconds

    def check(self) -> None:
        """Raise :class:`DocumentTimeout` when the budget is spent."""
        if self.seconds is not None and self.elapsed() >= self.seconds:
            raise DocumentTimeout(self.seconds)


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def alarm(seconds: float | None, budget_seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` (for a budget of ``budget_seconds``) in the main
    thread if the block runs longer than ``seconds``. A no-op with ``seconds=None``,
    outside the main thread, or when another interval timer is already running."""
    if seconds is None or budget_seconds is None or not _can_alarm() or \
            signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0):
        yield
        return
    if seconds <= 0:
        raise DocumentTimeout(budget_seconds)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise DocumentTimeout(budget_seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
