"""Which actor a stored quote's speaker is: the rules of the store's actor table, no SQL.

:func:`actor_name` reads one speaker (``{"name", "type", "role", "affiliation"}``) and says
what kind of actor it is and under which alias key it is stored, or None for a speaker
that is no actor: no name, stray punctuation, a possessive noun phrase ("the country's
future"), a number or share ("52 percent of voters"). Keys come from
:func:`saidwhat.names.name_key`; bodies and anonymous sources have their own key spaces
(``org:``, ``anon:``), so a person and a body under one string stay apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import names

ACTOR_TYPES = ("person", "organization", "group", "anonymous")
ORG_PREFIX = "org:"
ANON_PREFIX = "anon:"
# a person's entourage speaks for the person: "Trump team", "Trump's campaign"
_ENTOURAGE = frozenset({"team", "campaign", "camp"})
_GROUP_HEADS = frozenset({"group", "groups", "coalition", "alliance", "movement", "union",
                          "unions", "campaigners", "activists", "residents", "protesters",
                          "supporters", "critics", "members"})
# what may be in a name besides letters and spaces: "O'Brien", "Lee-Park", "J.", "AT&T"
_NAME_CHARS = re.compile(r"^[\w\s.'’\-&,]+$")
_EDGE = " \t\r\n>|<*#•·:;,/\\[](){}\"“”‘’«»=+~^"
_NUMBERISH = re.compile(r"\d|%|\b(per ?cent|percent|percentage|majority|minority|half|"
                        r"third|quarter|most|many|some|few)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'|’)s?\b(?=\s+\w)")


@dataclass(frozen=True, slots=True)
class ActorName:
    """What one speaker is in the actor table."""

    key: str  # the alias key (unique in actor_aliases)
    label: str  # the name shown when it founds a new actor
    type: str  # one of ACTOR_TYPES
    organisation: str = ""
    owner_key: str | None = None  # "Trump team": the person whose entourage speaks


def _official_voice(speaker: dict[str, Any]) -> bool:
    from ..network.lexicons import official_voices

    if speaker.get("name") and speaker.get("type") != "anonymous":
        return False
    words = {w.lower() for w in (speaker.get("name") or "").split()}
    role = (speaker.get("role") or "").strip().lower()
    return role in official_voices() or bool(words & official_voices())


def _anonymous_words(name: str) -> str:
    """"A Transport Department source" -> "Transport Department" (as network.actors)."""
    from ..network.lexicons import anonymous_heads

    heads = anonymous_heads()
    return " ".join(w for w in name.split() if w.lower() not in heads and w.lower() not in
                    {"a", "an", "the", "one", "some", "senior", "several"})


def clean_name(name: str | None) -> str:
    """The name without stray punctuation at its edges (``"> Trump"`` -> ``"Trump"``)."""
    return " ".join((name or "").strip(_EDGE).split())


def _org_label(name: str) -> str:
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def is_junk(name: str) -> bool:
    """A speaker name that is no actor: no letters, inner stray punctuation, numbers or
    shares, a possessive noun phrase."""
    if not any(c.isalpha() for c in name) or not _NAME_CHARS.match(name):
        return True
    if _NUMBERISH.search(name):
        return True
    return bool(_POSSESSIVE.search(name)) and not is_entourage(name)


def is_entourage(name: str) -> bool:
    words = names.fold(name).split()
    return len(words) >= 2 and words[-1] in _ENTOURAGE


def actor_name(speaker: dict[str, Any] | None) -> ActorName | None:
    """The actor of a stored speaker, or None when it is no actor (see the module)."""
    speaker = speaker or {}
    kind = speaker.get("type") or "unknown"
    name = clean_name(speaker.get("name"))
    affiliation = clean_name(speaker.get("affiliation"))
    if kind != "organization" and affiliation and _official_voice(speaker):
        # an unnamed spokesperson speaks for the body, as in network.actors
        name, kind, affiliation = affiliation, "organization", ""
    if kind == "anonymous" or (not name and affiliation):
        if name and _NUMBERISH.search(name):
            return None
        org = _org_label(affiliation or _anonymous_words(name))
        key = names.name_key(org, person=False) or ""
        return ActorName(ANON_PREFIX + key, f"{org} source" if org else "anonymous source",
                         "anonymous", org)
    if not name or is_junk(name):
        return None
    if is_entourage(name):
        words = name.split()[:-1]
        owner = _POSSESSIVE_END.sub("", " ".join(words))
        person = names.name_key(owner)
        key = names.name_key(owner + " " + name.split()[-1], person=False)
        return ActorName(ORG_PREFIX + (key or ""), _org_label(name), "group", "",
                         owner_key=person)
    if kind == "organization" or names.fold(name).split()[-1] in _GROUP_HEADS:
        key = names.name_key(name, person=False)
        if not key:
            return None
        label = _org_label(name)
        group = "group" if names.fold(name).split()[-1] in _GROUP_HEADS else "organization"
        return ActorName(ORG_PREFIX + key, label, group, label)
    key = names.name_key(name)
    if not key:
        return None
    if not name[0].isupper() and not name[0].isdigit():
        return None  # "officials", "voters": a lower-case noun phrase is no named actor
    return ActorName(key, names.strip_titles(name), "person", affiliation)


_POSSESSIVE_END = re.compile(r"(?:'|’)s?$")


def entourage_keys(person_key: str) -> list[str]:
    """The alias keys of a person's entourage ("trump" -> "org:trump team", ...)."""
    return [f"{ORG_PREFIX}{person_key} {word}" for word in sorted(_ENTOURAGE)]


def key_of(name: str, type_: str) -> str | None:
    """The alias key of ``name`` as an actor of ``type_`` (import, rename, split)."""
    if type_ == "anonymous":
        return ANON_PREFIX + (names.name_key(_org_label(name), person=False) or "")
    if type_ in ("organization", "group"):
        key = names.name_key(name, person=False)
        return ORG_PREFIX + key if key else None
    return names.name_key(name)


def display_key(alias_key: str) -> str:
    """An alias key without its key space."""
    for prefix in (ORG_PREFIX, ANON_PREFIX):
        if alias_key.startswith(prefix):
            return alias_key[len(prefix):]
    return alias_key
