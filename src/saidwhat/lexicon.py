"""Compatibility wrappers over the English language pack (:mod:`saidwhat.lang.en`).

New code takes a :class:`~saidwhat.lang.LanguagePack` explicitly; these keep older
callers (the network code, the scorer, ``store.lang``) working.
"""

from __future__ import annotations

from .lang import Lexicons
from .lang import read_list as _read_list
from .lang import read_table as _read_table

__all__ = ["Lexicons", "lexicons", "read_list", "read_table"]

_EN = "saidwhat.lang.en"


def read_list(name: str) -> frozenset[str]:
    """A one-column English lexicon, lower-cased."""
    return _read_list(_EN, name)


def read_table(name: str) -> list[list[str]]:
    """A tab-separated English lexicon as rows of cells."""
    return _read_table(_EN, name)


def lexicons() -> Lexicons:
    """The English pack's lexicons."""
    from .lang.en import pack

    return pack().lexicons
