"""The store's actor table as a workflow: list actors, merge, rename, split, import an
attributes CSV, rebuild. Nothing here prints; bad edits raise :class:`ActorsError`.

>>> from saidwhat.services.actors import list_actors, merge_actors
>>> merge_actors("saidwhat.db", "Donald J. Trump", "Trump team")
>>> [(a["name"], a["quotes"]) for a in list_actors("saidwhat.db")]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ActorsError(ValueError):
    """An edit that cannot be done, or an attributes file that cannot be read."""


def _writer(db: str | Path) -> Any:
    from ..store import Store

    return Store(db, create=False)  # a writer: upgrades a store from before the actor table


def list_actors(db: str | Path) -> list[dict[str, Any]]:
    """Every actor, most quoted first: actor_id, name, type, organisation, attributes,
    quotes, aliases."""
    with _writer(db) as store:
        return store.actor_rows()


def _edit(db: str | Path, method: str, *args: Any) -> Any:
    from ..store.db import ActorEditError

    with _writer(db) as store:
        try:
            return getattr(store, method)(*args)
        except ActorEditError as exc:
            raise ActorsError(str(exc)) from None


def merge_actors(db: str | Path, into: str, other: str) -> int:
    """``other``'s aliases and quotes go to ``into`` (ids, names or aliases)."""
    return int(_edit(db, "merge_actors", into, other))


def rename_actor(db: str | Path, actor: str, name: str) -> int:
    return int(_edit(db, "rename_actor", actor, name))


def split_alias(db: str | Path, alias: str, name: str | None = None) -> int:
    """Move ``alias`` and its quotes to a new actor (named ``name``, default the alias)."""
    return int(_edit(db, "split_alias", alias, name))


def import_actors(db: str | Path, path: str | Path) -> dict[str, int]:
    """Read the actor-attributes CSV of ``network --actors`` into the table."""
    from ..network.actors import ActorFileError, load_actor_attributes

    try:
        actors = load_actor_attributes(path)
    except ActorFileError as exc:
        raise ActorsError(str(exc)) from None
    return dict(_edit(db, "import_actors", actors.values()))


def rebuild_actors(db: str | Path, reset: bool = False) -> int:
    """Link every stored quote to its actor again (``reset``: from scratch)."""
    return int(_edit(db, "rebuild_actors", reset))
