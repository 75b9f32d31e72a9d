"""Word lists shipped as data files in ``saidwhat/lexicons`` (one provenance line each)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("saidwhat.lexicons").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=64)
def read_list(name: str) -> frozenset[str]:
    """A one-column lexicon, lower-cased."""
    return frozenset(ln.strip().lower() for ln in _lines(name))


def read_table(name: str) -> list[list[str]]:
    """A tab-separated lexicon as rows of cells."""
    return [[c.strip() for c in ln.split("\t")] for ln in _lines(name)]


@dataclass(frozen=True)
class Lexicons:
    cues: dict[str, tuple[str, str]]  # lemma -> (class, polarity)
    object_cues: frozenset[str]  # speech verbs whose direct object is the content
    multiword_cues: dict[tuple[str, str], tuple[str, str]]  # (lemma, prep) -> (polarity, content)
    honorifics: dict[str, str | None]  # lower-cased title -> gender or None
    role_nouns: frozenset[str]
    anonymous_heads: frozenset[str]
    organization_heads: frozenset[str]
    channel_nouns: frozenset[str]
    pronouns: dict[str, tuple[str, str]]  # pronoun -> (gender, number)
    given_names: dict[str, str]  # lower-cased first name -> gender


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    honorifics: dict[str, str | None] = {}
    for ln in _lines("honorifics.txt"):
        title, _, gender = ln.strip().partition("=")
        honorifics[title.lower()] = gender or None
    cue_rows = read_table("cues.tsv")
    return Lexicons(
        cues={r[0]: (r[1], r[2]) for r in cue_rows},
        object_cues=frozenset(r[0] for r in cue_rows if len(r) > 3 and r[3] == "obj"),
        multiword_cues={(r[0], r[1]): (r[2], r[3]) for r in read_table("multiword_cues.tsv")},
        honorifics=honorifics,
        role_nouns=read_list("role_nouns.txt"),
        anonymous_heads=read_list("anonymous.txt"),
        organization_heads=read_list("organization_heads.txt"),
        channel_nouns=read_list("channels.txt"),
        pronouns={r[0]: (r[1], r[2]) for r in read_table("pronouns.tsv")},
        given_names={r[0].lower(): r[1] for r in read_table("given_names.tsv")},
    )
