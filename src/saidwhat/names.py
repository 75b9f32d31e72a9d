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
* :func:`same_name` -- equal keys, or (for people) one name is the other's surname
  (``"Ann Lee-Park"`` and ``"Ms Lee-Park"``), or both have the same surname and first name,
  middle names and initials aside (``"Donald J. Trump"`` and ``"Donald Trump"``).
* :func:`strip_titles` -- the name as written, leading titles and a possessive removed
  (``"Councillor Ann Roe"`` -> ``"Ann Roe"``).

Titles come from the language pack's lexicons (``honorifics.txt``, ``role_nouns.txt``) and a
few function words; callers may pass their own set. A title may be qualified ("Former",
"Deputy", "Shadow") or compound ("Home Secretary": a word followed by a title word), and may
be repeated ("Prime Minister Sir John Smith" -> "John Smith"). The last word is never a
title (``"Mark Judge"`` stays). Bodies (``person=False``) lose only a leading article:
"General Motors" and "King's College" keep their first word.
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
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")  # O'Brien -> obrien: one word
_POSSESSIVE_WORD = re.compile(r"[’'ʼ]s$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "vi", "junior", "senior"})
_ARTICLES = frozenset({"the", "a", "an"})
# never the first word of a name: articles, and qualifiers of a title ("former senator")
_LEADING = _ARTICLES | frozenset({"former", "acting", "interim", "then", "late", "ex"})
# words that qualify a title ("Shadow Chancellor", "Deputy Prime Minister"): dropped with
# the title they qualify, kept when no title follows ("Senior Citizens League")
_QUALIFIERS = _LEADING | frozenset({"shadow", "deputy", "junior", "senior", "chief", "prime",
                                    "vice"})


def fold(text: str | None) -> str:
    """Lower-case, accent-free, punctuation folded to single spaces (hyphens kept,
    possessives dropped, inner apostrophes removed: ``"O’Brien's"`` -> ``"obrien"``)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).translate(_HYPHENS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _INNER_APOSTROPHE.sub("", _POSSESSIVE_IN_TEXT.sub("", plain))
    return " ".join(_SEPARATORS.sub(" ", plain).split())


@lru_cache(maxsize=1)
def honorific_words() -> frozenset[str]:
    """The honorifics of the English lexicons, folded ("Dr." -> "dr")."""
    from .lexicon import lexicons

    return frozenset(w for w in (fold(h) for h in lexicons().honorifics) if w)


@lru_cache(maxsize=1)
def default_titles() -> frozenset[str]:
    """Honorifics and role nouns of the English lexicons, folded, plus articles and title qualifiers."""
    from .lexicon import lexicons

    words = set(honorific_words()) | {fold(r) for r in lexicons().role_nouns}
    return frozenset(w for w in words if w and " " not in w) | _LEADING


def _name_start(keys: list[str], titles: frozenset[str]) -> int:
    """Index of the first name word after leading titles in folded words ``keys``."""
    n = len(keys)
    last_title = -1
    for j in range(n - 1):  # the last word is the name
        k = keys[j]
        if k in _QUALIFIERS:
            continue
        if k in titles:
            last_title = j
        elif last_title < 0 and j + 1 < n - 1 and keys[j + 1] in titles:
            continue  # "Home" in "Home Secretary Jane Doe": a title word follows
        else:
            break
    i = last_title + 1
    while i < n - 1 and keys[i] in _LEADING:
        i += 1
    return i


def _titles(titles: Iterable[str] | None) -> frozenset[str]:
    return default_titles() if titles is None else frozenset(titles)


def name_words(name: str | None, titles: Iterable[str] | None = None, *,
               person: bool = True) -> tuple[str, ...]:
    """Folded name words without leading titles or trailing generational suffixes; for a
    body (``person=False``) without a leading article only."""
    words = fold(name).split()
    if not person:
        while len(words) > 1 and words[0] in _ARTICLES:
            words.pop(0)
        return tuple(words)
    words = words[_name_start(words, _titles(titles)):]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return tuple(words)


def name_key(name: str | None, titles: Iterable[str] | None = None, *,
             person: bool = True) -> str | None:
    """The key of an actor's name: its folded words, titles dropped; None for no name."""
    key = " ".join(name_words(name, titles, person=person))
    return key or None


def _same_initial(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _unhyphenated(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part for w in words for part in w.split("-") if part)


def same_name(a: str | None, b: str | None, person: bool = True,
              titles: Iterable[str] | None = None) -> bool:
    """Equal keys; for people also when the shorter name is the other's surname (or its
    last words: "Lee-Park" / "Ann Lee-Park"), or when surname and first name (or its
    initial) agree and only middle names differ ("Donald J. Trump" / "Donald Trump",
    "D. Trump"). Hyphens compare like spaces here ("Ann Lee Park" is "Ann Lee-Park": a
    parser may split the name), though keys keep them. Bodies must match whole."""
    wa, wb = (_unhyphenated(name_words(n, titles, person=person)) for n in (a, b))
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if not person:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if long_[-len(short):] == short:
        return True
    return len(short) >= 2 and short[-1] == long_[-1] and _same_initial(short[0], long_[0])


def strip_titles(name: str, titles: Iterable[str] | None = None) -> str:
    """The name as written without enclosing quotation marks, leading titles and a
    possessive ``'s``; at least one word is kept."""
    from .quotemarks import strip_marks

    words = strip_marks(name).split()
    if not words:
        return ""
    words[-1] = _POSSESSIVE_WORD.sub("", words[-1]) or words[-1]
    return " ".join(words[_name_start([fold(w) for w in words], _titles(titles)):])
