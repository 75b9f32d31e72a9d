"""Canonical actors: titles stripped, short forms merged, organisations and anonymous sources
kept apart, attributes from a CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.model import Speaker
from saidwhat.network.actors import ActorFileError, ActorIndex, load_actor_attributes, strip_titles


@pytest.mark.parametrize(("raw", "stripped"), [
    ("Former Transport Secretary Jane Doe", "Jane Doe"),
    ("Sir John Smith", "John Smith"),
    ("Dr. Ann Lee", "Ann Lee"),
    ("Professor Ann Lee", "Ann Lee"),
    ("Mr Brown", "Brown"),
    ("Tom Brown's", "Tom Brown"),
    ("Prime Minister Sir John Smith", "John Smith"),
    ("John Smith", "John Smith"),
])
def test_strip_titles(raw: str, stripped: str) -> None:
    assert strip_titles(raw) == stripped


def resolve_all(speakers: list[Speaker], index: ActorIndex | None = None) -> list[str | None]:
    index = index or ActorIndex()
    index.add_all(speakers)
    out = []
    for s in speakers:
        actor = index.resolve(s)
        out.append(actor.name if actor else None)
    return out


def test_short_forms_merge_with_the_one_full_name() -> None:
    speakers = [Speaker("Sir John Smith", "person"), Speaker("Sir John", "person"),
                Speaker("Mr Smith", "person"), Speaker("Smith", "person")]
    assert resolve_all(speakers) == ["John Smith"] * 4


def test_ambiguous_short_form_is_left_alone() -> None:
    speakers = [Speaker("Tom Brown", "person"), Speaker("Ann Brown", "person"),
                Speaker("Ms Brown", "person")]
    assert resolve_all(speakers) == ["Tom Brown", "Ann Brown", "Brown"]


def test_organisations_are_kept_apart_from_people() -> None:
    speakers = [Speaker("the Harbour Trust", "organization"), Speaker("Harbour Trust", "person")]
    index = ActorIndex()
    index.add_all(speakers)
    org, person = (index.resolve(s) for s in speakers)
    assert org is not None and person is not None
    assert org.type == "organization"
    assert org.name == "Harbour Trust"
    assert person.type == "person"
    assert org is not person


def test_anonymous_sources_grouped_by_affiliation_and_never_merged_with_people() -> None:
    speakers = [Speaker(None, "anonymous", role="source", affiliation="the Treasury"),
                Speaker("Treasury sources", "anonymous"),
                Speaker("John Treasury", "person"),
                Speaker("officials", "anonymous")]
    got = resolve_all(speakers)
    assert got[0] == got[1] == "Treasury source"
    assert got[2] == "John Treasury"
    assert got[3] == "anonymous source"


def test_unnamed_spokesperson_speaks_for_the_organisation() -> None:
    speakers = [Speaker(None, "anonymous", role="spokesperson", affiliation="Harbour Trust"),
                Speaker("the Harbour Trust", "organization")]
    index = ActorIndex()
    index.add_all(speakers)
    a, b = (index.resolve(s) for s in speakers)
    assert a is b
    assert a is not None and a.type == "organization"


def test_speaker_without_name_or_affiliation_is_unresolved() -> None:
    assert resolve_all([Speaker(None, "unknown")]) == [None]


def test_attribute_file_adds_aliases_and_attributes(tmp_path: Path) -> None:
    csv_path = tmp_path / "actors.csv"
    csv_path.write_text("actor,organisation,party,type,aliases\n"
                        "Linda Okafor,Town Council,Green,person,The Mayor;Mayor Okafor\n",
                        encoding="utf-8")
    known = load_actor_attributes(csv_path)
    index = ActorIndex(known)
    speakers = [Speaker("The Mayor", "person"), Speaker("Linda Okafor", "person")]
    index.add_all(speakers)
    a, b = (index.resolve(s) for s in speakers)
    assert a is b and a is not None
    assert a.name == "Linda Okafor"
    assert a.organization == "Town Council"
    assert a.attributes == {"party": "Green"}


@pytest.mark.parametrize(("content", "message"), [
    ("name,party\nX,Y\n", "line 1: the header needs an 'actor' column"),
    ("actor,party\n,Y\n", "line 2: empty 'actor'"),
    ("actor,party\nX,Y\nX,Z\n", "line 3: actor 'X' listed twice"),
])
def test_attribute_file_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ActorFileError) as info:
        load_actor_attributes(p)
    assert str(p) in str(info.value)
    assert message in str(info.value)


def test_unnamed_outsider_groups_are_labelled_by_their_noun() -> None:
    # issue 12: "analysts" or "Demonstrators" are a group of their own, not one
    # "anonymous source" with every unnamed official; insiders still are
    speakers = [Speaker("analysts", "anonymous", role="analysts"),
                Speaker("Demonstrators", "anonymous", role="demonstrators"),
                Speaker("officials", "anonymous", role="officials"),
                Speaker("Treasury sources", "anonymous", role="sources"),
                Speaker("several critics", "anonymous")]
    got = resolve_all(speakers)
    assert got == ["analysts", "demonstrators", "anonymous source", "Treasury source",
                   "critics"]


def test_group_named_by_a_pronoun_alone_keeps_it_as_label() -> None:
    got = resolve_all([Speaker("some", "anonymous", role="some"),
                       Speaker("some", "anonymous")])
    assert got == ["some", "anonymous source"]
