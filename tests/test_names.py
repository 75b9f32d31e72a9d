"""saidwhat.names: the one name folding (resolver, store keys, scorer, network actors)."""

from __future__ import annotations

import pytest

from saidwhat.evaluation import names_match
from saidwhat.model import Speaker
from saidwhat.names import fold, name_key, name_words, same_name, strip_titles
from saidwhat.network.actors import ActorIndex
from saidwhat.store import normalize_name


@pytest.mark.parametrize(("raw", "key"), [
    ("Councillor Ann Roe", "ann roe"),
    ("Dr. José  Ortíz-Ruiz", "jose ortiz-ruiz"),          # diacritics, spacing, hyphen kept
    ("JOSE ORTIZ–RUIZ", "jose ortiz-ruiz"),               # en dash folds to a hyphen
    ("Former Home Secretary Jane Doe", "jane doe"),       # qualified, compound title
    ("Prime Minister Sir John Smith", "john smith"),      # titles repeated
    ("Robert Hale Jr.", "robert hale"),                   # suffixes
    ("Pope John Paul II", "pope john paul"),
    ("Ann Lee's", "ann lee"),                             # possessive
    ("Ms O’Brien’s", "obrien"),                           # curly apostrophes, inner one
    ("Mark Judge", "mark judge"),                         # the last word is never a title
    ("PolitiFact", "politifact"),
    ("Mr", "mr"),                                         # one word is kept
])
def test_name_key(raw: str, key: str) -> None:
    assert name_key(raw) == key


def test_bodies_keep_their_first_word() -> None:
    assert name_key("General Motors", person=False) == "general motors"
    assert name_key("the Sierra Club", person=False) == "sierra club"
    assert name_key("King's College", person=False) == "king college"
    assert name_key(None) is None and name_key("  ") is None and name_key("—") is None


def test_fold_and_words() -> None:
    assert fold("Dr. José  Ortíz-Ruiz") == "dr jose ortiz-ruiz"
    assert name_words("Former Senator Ann Lee-Park Jr.") == ("ann", "lee-park")
    assert name_words("Mr Smith", titles=()) == ("mr", "smith")  # callers' own titles


@pytest.mark.parametrize(("a", "b"), [
    ("Donald J. Trump", "Trump"),
    ("Donald J. Trump", "Donald Trump"),
    ("D. Trump", "Donald Trump"),
    ("Ann Lee-Park", "Ms Lee-Park"),
    ("Joan Whitby-Marsh", "Joan Whitby Marsh"),            # a parser split the hyphen
    ("José Ortíz", "JOSE ORTIZ"),
    ("Robert Hale Jr.", "Robert Hale"),
])
def test_same_person(a: str, b: str) -> None:
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Jane Smith", "John Smith"),
    ("Ann Lee", "Ann Park"),
    ("Ann Lee", None),
])
def test_different_people(a: str, b: str | None) -> None:
    assert not same_name(a, b)


def test_bodies_match_whole() -> None:
    assert same_name("PolitiFact", "Politifact", person=False)
    assert same_name("the Sierra Club", "Sierra Club", person=False)
    assert not same_name("Sierra Club", "Club", person=False)


def test_strip_titles_keeps_the_name_as_written() -> None:
    assert strip_titles("Councillor Ann Roe") == "Ann Roe"
    assert strip_titles("“Dr. José Ortíz-Ruiz’s”") == "José Ortíz-Ruiz"
    assert strip_titles("Health Secretary Jane Doe") == "Jane Doe"
    assert strip_titles("Senior Citizens League") == "Senior Citizens League"


def test_every_caller_folds_the_same_way() -> None:
    """Scorer, store key and network actors agree on one pair of spellings."""
    assert names_match("Donald J. Trump", "Trump")
    assert not names_match("Sierra Club", "Club", "organization")
    assert normalize_name("Councillor Ann Roe") == name_key("Ann Roe")
    index = ActorIndex()
    speakers = [Speaker("José Ortíz", "person"), Speaker("Jose Ortiz", "person"),
                Speaker("José Ortíz", "person"), Speaker("Mr Ortiz", "person")]
    index.add_all(speakers)
    assert {index.resolve(s).name for s in speakers} == {"José Ortíz"}  # type: ignore[union-attr]
