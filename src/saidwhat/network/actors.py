"""Canonical actors across a corpus.

* persons: titles and honorifics stripped for matching (:mod:`saidwhat.names`, the one place
  that folds names) ("Former Home Secretary Jane Doe" ->
  "Jane Doe", "Sir John" -> "John"); a one-word form ("Doe", "Sir John") is merged with the one
  full name that contains it, and left alone when two full names do (ambiguous);
* organisations are kept apart from persons, even under the same string;
* anonymous sources are grouped by affiliation ("Treasury source") and never merged with a
  named person;
* a store's actor table (``links``: ``(doc_id, quote_id)`` -> actor), when the documents
  come from a store: its canonical names are the network's, and a quote it gives no actor
  (junk speakers) has none here either (:meth:`ActorIndex.resolve_quote`);
* an optional attributes file (CSV: ``actor`` plus any of ``organisation``/``organization``,
  ``party``, ``type``, ``aliases`` separated by ``;`` or ``|``, and any other columns) adds
  attributes and aliases.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import names
from ..model import Quote, Speaker
from .lexicons import anonymous_heads, insider_heads, official_voices


class ActorFileError(ValueError):
    pass


@dataclass(slots=True)
class Actor:
    """One canonical actor; ``name`` is its label and its key."""

    name: str
    type: str  # person | organization | anonymous | unknown
    organization: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)


def strip_titles(name: str) -> str:
    """Drop leading titles, honorifics and office words and a possessive; keep at least one
    word (:func:`saidwhat.names.strip_titles`)."""
    return names.strip_titles(name)


def _key(name: str, *, person: bool = True) -> str:
    """The key two spellings of one actor share (folded, titles dropped)."""
    return names.name_key(name, person=person) or name.casefold()


def _org_name(name: str) -> str:
    return re.sub(r"^(the)\s+", "", name.strip(), flags=re.IGNORECASE)


def _anonymous_label(speaker: Speaker) -> str:
    affiliation = (speaker.affiliation or "").strip()
    if not affiliation and speaker.name:
        heads = anonymous_heads()
        words = [w for w in speaker.name.split()
                 if w.lower() not in {"a", "an", "the", "one", "some", "senior", "several"}]
        role = (speaker.role or "").strip().lower()
        if not words and role and role == speaker.name.strip().lower():
            return role  # a group named by a pronoun alone ("some", "many")
        last = words[-1].lower() if words else ""
        if last and last not in insider_heads() and \
                (last in heads or last == role):
            # an unnamed group of outsiders named by its own noun ("analysts",
            # "Demonstrators"): that is its label; insiders ("officials", "Treasury
            # sources") are grouped as "<affiliation> source"
            return " ".join([*words[:-1], last])
        affiliation = " ".join(w for w in words if w.lower() not in heads)
    affiliation = _org_name(affiliation)
    return f"{affiliation} source" if affiliation else "anonymous source"


class ActorIndex:
    """Collects every speaker of a corpus, then maps each to a canonical :class:`Actor`.

    Use: ``index.add(speaker)`` for all speakers, then ``index.resolve(speaker)``.
    """

    def __init__(self, attributes: dict[str, Actor] | None = None, *,
                 links: dict[tuple[str, str], dict[str, Any] | None] | None = None) -> None:
        self._known = attributes or {}
        self._links = links or {}
        self._alias: dict[str, str] = {}
        for actor in self._known.values():
            for alias in {actor.name, *actor.aliases}:
                for key in (_key(alias), _key(alias, person=False), alias.casefold()):
                    self._alias[key] = actor.name
        self._person_names: Counter[str] = Counter()
        self._affiliations: dict[str, Counter[str]] = {}
        self._canonical: dict[str, str] | None = None
        self.actors: dict[str, Actor] = {}
        self._labels: dict[tuple[str, str], str] = {}

    # -- collecting -------------------------------------------------------------------
    def add(self, speaker: Speaker) -> None:
        if speaker.type in ("person", "unknown") and speaker.name:
            self._person_names[strip_titles(speaker.name)] += 1
        self._canonical = None

    def add_all(self, speakers: Iterable[Speaker]) -> None:
        for s in speakers:
            self.add(s)

    def _build(self) -> dict[str, str]:
        """Map each stripped person name's key (:func:`saidwhat.names.name_key`) to its
        canonical name. Names with the same key are one actor, labelled by the most
        frequent spelling ("José Ortíz" / "Jose Ortiz")."""
        keys = {n: _key(n) for n in self._person_names}
        full = {keys[n]: n for n in sorted(self._person_names,
                                           key=lambda n: (-self._person_names[n], n))[::-1]
                if len(keys[n].split()) >= 2}
        canonical: dict[str, str] = {}
        for name in sorted(self._person_names,
                           key=lambda n: (-len(keys[n].split()), -self._person_names[n], n)):
            key = keys[name]
            if key in canonical:
                continue
            if key in self._alias:
                canonical[key] = self._alias[key]
                continue
            words = key.split()
            if len(words) >= 2:
                # Same first and last word as a longer name: one person ("Jane A. Doe").
                longer = [f for f in full if len(f.split()) > len(words)
                          and f.split()[0] == words[0] and f.split()[-1] == words[-1]]
                canonical[key] = (canonical.get(longer[0], full[longer[0]]) if len(longer) == 1
                                  else name)
                continue
            matches = {canonical.get(f, full[f]) for f in full if key in f.split()}
            canonical[key] = matches.pop() if len(matches) == 1 else name
        return canonical

    # -- resolving --------------------------------------------------------------------
    def resolve_quote(self, doc_id: str, quote: Quote) -> Actor | None:
        """The actor of a quote: the store's actor table's where it has the quote, else
        :meth:`resolve` of its speaker."""
        key = (doc_id, quote.id)
        if key not in self._links:
            return self.resolve(quote.speaker)
        row = self._links[key]
        if row is None:
            return None
        label = row["name"]
        actor = self.actors.get(label)
        if actor is None:
            known = self._known.get(label)
            attributes = {**row.get("attributes", {}), **(known.attributes if known else {})}
            actor = Actor(name=label, type=(known.type if known and known.type else row["type"]),
                          organization=(known.organization if known and known.organization
                                        else row.get("organisation") or ""),
                          attributes=attributes,
                          aliases={a for a in row.get("aliases", ()) if a != label}
                          | (set(known.aliases) if known else set()))
            self.actors[label] = actor
            self._labels[("store", label)] = label
        return actor

    def resolve(self, speaker: Speaker) -> Actor | None:
        """The canonical actor of ``speaker``, or None when it has no name or affiliation."""
        if self._canonical is None:
            self._canonical = self._build()
        role = (speaker.role or "").strip().lower()
        if not speaker.name or speaker.type == "anonymous":
            speaker_name_words = {w.lower() for w in (speaker.name or "").split()}
            if speaker.affiliation and (role in official_voices()
                                        or speaker_name_words & official_voices()):
                # An unnamed spokesperson speaks for the organisation.
                speaker = Speaker(name=speaker.affiliation, type="organization")
        if speaker.type == "anonymous" or (speaker.type != "organization" and not speaker.name
                                           and speaker.affiliation):
            label, kind = _anonymous_label(speaker), "anonymous"
            org = _org_name(speaker.affiliation or "")
        elif speaker.type == "organization":
            if not speaker.name:
                return None
            label = self._alias.get(_key(speaker.name, person=False), _org_name(speaker.name))
            kind, org = "organization", label
        else:
            if not speaker.name:
                return None
            stripped = strip_titles(speaker.name)
            label = self._canonical.get(_key(stripped), stripped)
            kind, org = ("person" if speaker.type == "person" else "unknown"), ""
        group = "person" if kind == "unknown" else kind
        key = (group, label)
        if key not in self._labels:
            taken = label in self.actors
            # Same string, different kind of actor: keep them apart under distinct labels.
            self._labels[key] = f"{label} ({kind})" if taken else label
        known = self._known.get(label)
        label = self._labels[key]
        actor = self.actors.get(label)
        if actor is None:
            actor = Actor(name=label, type=known.type if known and known.type else kind,
                          organization=known.organization if known else "",
                          attributes=dict(known.attributes) if known else {},
                          aliases=set(known.aliases) if known else set())
            self.actors[label] = actor
        if speaker.name and speaker.name != label:
            actor.aliases.add(speaker.name)
        affiliation = org or (speaker.affiliation or "")
        if affiliation:
            self._affiliations.setdefault(label, Counter())[_org_name(affiliation)] += 1
            if not (label in self._known and self._known[label].organization):
                actor.organization = self._affiliations[label].most_common(1)[0][0]
        return actor


def load_actor_attributes(path: str | Path) -> dict[str, Actor]:
    """Read an actor attributes CSV; errors name the file and the row."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ActorFileError(f"{p}: cannot read actor attributes: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "actor" not in fields:
        raise ActorFileError(f"{p}: line 1: the header needs an 'actor' column (has {fields})")
    actors: dict[str, Actor] = {}
    for line_no, row in enumerate(reader, 2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        name = row.pop("actor", "")
        if not name:
            raise ActorFileError(f"{p}: line {line_no}: empty 'actor'")
        if name in actors:
            raise ActorFileError(f"{p}: line {line_no}: actor '{name}' listed twice")
        # Pop both spellings, so the one not used never lands in ``attributes``.
        org = row.pop("organisation", "") or row.pop("organization", "")
        row.pop("organization", None)
        alias_cell = row.pop("aliases", "") or row.pop("alias", "")
        row.pop("alias", None)
        aliases = {a.strip() for a in re.split(r"[;|]", alias_cell) if a.strip()}
        kind = row.pop("type", "")
        actors[name] = Actor(name=name, type=kind, organization=org,
                             attributes={k: v for k, v in row.items() if v}, aliases=aliases)
    return actors
