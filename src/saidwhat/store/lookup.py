"""Which of the corpus actors a name typed by a user means (``saidwhat quotes --speaker``).

Names are compared folded (:func:`saidwhat.names.fold`: case, accents, curly and straight
apostrophes alike, so "O'Brien" finds "Conan O’Brien"). No SQL here: the actors come from
:meth:`saidwhat.store.Store.actor_rows`.

* A full name (or alias) that is an actor's name or alias, titles aside, means that actor.
* One word that is the first name or the surname of some actors' names or aliases means
  them: one actor is a match, several are *ambiguous* (the caller lists them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import names
from .actors import display_key, key_of


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """The actors a name means: ``how`` is ``"exact"``, ``"first name"``, ``"surname"``
    (several of them: ambiguous unless one) or ``"none"``."""

    query: str
    how: str
    actors: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return len(self.actors) > 1

    @property
    def actor_ids(self) -> list[int]:
        return [int(a["actor_id"]) for a in self.actors]


def _keys(actor: Mapping[str, Any]) -> set[str]:
    """The folded keys of an actor's name and aliases, without key-space prefixes."""
    out = set()
    for name in [actor.get("name"), *actor.get("aliases", ())]:
        if not name:
            continue
        kind = actor.get("type") or "person"
        key = key_of(str(name), kind)
        if key:
            out.add(display_key(key))
        folded = names.fold(str(name))
        if folded:
            out.add(folded)
    return out


def match_actors(query: str, actors: Iterable[Mapping[str, Any]]) -> ActorMatch:
    """The actors ``query`` means (see the module doc); ``actors`` as ``actor_rows``."""
    rows = list(actors)
    wanted = {k for k in (names.name_key(query), names.name_key(query, person=False),
                          names.fold(query)) if k}
    if not wanted:
        return ActorMatch(query, "none")
    exact = [a for a in rows if _keys(a) & wanted]
    if exact:
        return ActorMatch(query, "exact", exact)
    words = names.fold(query).split()
    if len(words) != 1:
        return ActorMatch(query, "none")
    word = words[0]
    first, last = [], []
    for a in rows:
        keys = [k.split() for k in _keys(a)]
        if any(len(k) > 1 and k[-1] == word for k in keys):
            last.append(a)
        elif any(len(k) > 1 and k[0] == word for k in keys):
            first.append(a)
    found = last + first
    if not found:
        return ActorMatch(query, "none")
    how = "surname" if last and not first else "first name" if first and not last else \
        "first name or surname"
    return ActorMatch(query, how, found)
