"""Registries: named implementations (network exporters, gold readers, store exports) that
code looks up by name instead of walking an if/elif chain.

Adding one is registering one function::

    from saidwhat.network.export import EXPORTERS

    @EXPORTERS.register("pajek", extensions=(".net",))
    def write_pajek(job, path): ...

Registration order is kept: it is the order ``names()`` lists and detection tries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class UnknownNameError(KeyError, ValueError):
    """A name no implementation is registered under; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """One registered implementation and what was said about it (file extensions, a
    detector, a description)."""

    name: str
    value: T
    meta: dict[str, Any] = field(default_factory=dict)


class Registry(Generic[T]):
    """A dict of name -> implementation, with metadata and a clear error for unknown names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}

    def register(self, name: str, value: T | None = None, **meta: Any) -> Any:
        """``register(name, fn, **meta)``, or ``@register(name, **meta)`` as a decorator.
        Registering a name again replaces the earlier implementation."""
        if value is not None:
            self._entries[name] = Entry(name, value, dict(meta))
            return value

        def decorator(fn: T) -> T:
            self._entries[name] = Entry(name, fn, dict(meta))
            return fn

        return decorator

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def get(self, name: str) -> T:
        return self.entry(name).value

    def entry(self, name: str) -> Entry[T]:
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownNameError(f"unknown {self.kind} {name!r}; choose one of "
                                   f"{', '.join(self._entries)}") from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def entries(self) -> tuple[Entry[T], ...]:
        return tuple(self._entries.values())

    def find(self, predicate: Callable[[Entry[T]], bool]) -> Entry[T] | None:
        """The first entry, in registration order, that ``predicate`` accepts."""
        return next((e for e in self._entries.values() if predicate(e)), None)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"
