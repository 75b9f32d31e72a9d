"""Name folding: the one place that decides whether two names are the same speaker.

Used by the resolver (clustering mentions in a document), the chunk merge, the store's name
keys, the scorer and the network's actors, so that "Dr. José Ortíz-Ruiz", "JOSE ORTIZ-RUIZ"
and "Mr Ortíz-Ruiz" fold the same way everywhere.

* :func:`fold` -- case, diacritics, apostrophes, hyphens and dashes, spacing:
  ``"Dr. José  Ortíz-Ruiz"`` -> ``"dr jose ortiz-ruiz"``. Hyphens stay (a double-barrelled
  surname is one word), every other run of punctuation or space becomes one space.
* :func:`name_words` -- the folded words of a person's or body's name without leading
  titles/honorifics/articles, a possessive ``'s``, or trailing generational suffixes
  (``Jr``, ``III``): ``"Former Senator Ann Lee-Park Jr."`` -> ``("ann", "lee-park")``.
* :func:`name_key` -- those words joined: the key under which one actor is stored and
  looked up.
* :func:`same_name` -- equal keys, or (for people) one name is the other's surname:
  ``"Ann Lee-Park"`` and ``"Ms Lee-Park"``.
* :func:`strip_titles` -- the name as written, leading titles removed (``"Councillor Ann
  Roe"`` -> ``"Ann Roe"``).

Titles come from the language pack's lexicons (``honorifics.txt``, ``role_nouns.txt``) and a
few function words; callers may pass their own set.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"})
# anything but letters, digits and inner hyphens separates words
_SEPARATORS = re.compile(r"[^\w-]+|_+|(?<!\w)-+|-+(?!\w)")
_POSSESSIVE_IN_TEXT = re.compile(r"'s\b|(?<=s)'(?=\s|$)")  # Lee's, the councils'
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "vi", "junior", "senior"})
# never the first word of a name: articles, and qualifiers of a title ("former senator")
_LEADING = frozenset({"the", "a", "an", "former", "acting", "interim", "then", "late"})


def fold(text: str | None) -> str:
    """Lower-case, accent-free, punctuation folded to single spaces (hyphens kept)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).translate(_HYPHENS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _POSSESSIVE_IN_TEXT.sub("", plain)
    return " ".join(_SEPARATORS.sub(" ", plain).split())


@lru_cache(maxsize=1)
def default_titles() -> frozenset[str]:
    """Honorifics and role nouns of the English lexicons, folded, plus articles and title qualifiers."""
    from .lexicon import lexicons

    lex = lexicons()
    words = {fold(h) for h in lex.honorifics} | {fold(r) for r in lex.role_nouns}
    return frozenset(w for w in words if w and " " not in w) | _LEADING


def name_words(name: str | None, titles: Iterable[str] | None = None) -> tuple[str, ...]:
    """Folded name words without leading titles or trailing generational suffixes."""
    words = fold(name).split()
    drop = default_titles() if titles is None else frozenset(titles)
    while len(words) > 1 and words[0] in drop:
        words.pop(0)
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return tuple(words)


def name_key(name: str | None, titles: Iterable[str] | None = None) -> str | None:
    """The key of an actor's name: its folded words, titles dropped; None for no name."""
    key = " ".join(name_words(name, titles))
    return key or None


def same_name(a: str | None, b: str | None, person: bool = True,
              titles: Iterable[str] | None = None) -> bool:
    """Equal keys; for people also when the shorter name is the other's surname (or its
    last words: "Lee-Park" / "Ann Lee-Park"). Bodies must match whole."""
    wa, wb = name_words(a, titles), name_words(b, titles)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if not person:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return long_[-len(short):] == short


def strip_titles(name: str, titles: Iterable[str] | None = None) -> str:
    """The name as written without its leading titles; at least one word is kept."""
    drop = default_titles() if titles is None else frozenset(titles)
    words = name.split()
    while len(words) > 1 and fold(words[0]) in drop:
        words.pop(0)
    return " ".join(words)
