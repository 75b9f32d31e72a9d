"""Whose side a codebook label takes, and who speaks for whom.

A concept's label often names people ("Donald Trump's tax plan would benefit ...", "the
debates are biased against X", "..., which X has failed to do", "Y leads X"). A statement
by such a person, or by someone speaking for them (their campaign, spokesperson, running
mate, surrogate), takes that person's side of the label: a careful coder codes Trump's
campaign manager as supporting "Trump's plan would benefit workers" whatever words the
quote uses (DNA's actor-concept coding; Leifeld 2017). This module finds the people a label
takes sides on (:func:`label_sides`) and whether a speaker speaks for one of them
(:func:`speaks_for`), from the speaker's name ("Clinton campaign", "Trump surrogates") or
from how the article introduces them ("Clinton campaign manager Robby Mook", "Kellyanne
Conway, Trump's campaign manager"). The role words are data: ``camp_roles.txt``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..lexicon import read_list
from ..names import same_name
from .lexicons import cue_polarity, evaluation_words, owner_unfavourable


@lru_cache(maxsize=1)
def camp_roles() -> frozenset[str]:
    """Words for someone who speaks for a person: "campaign", "running mate", "spokesman"
    (``lang/en/lexicons/camp_roles.txt``)."""
    return read_list("camp_roles.txt")


def name_of(head: Token) -> str:
    """A name's words: its head and the proper nouns compounded with it ("Donald Trump")."""
    return " ".join(x.text for x in sorted(
        (head, *(c for c in head.children if c.dep_ in ("compound", "flat")
                 and c.pos_ == "PROPN")),
        key=lambda x: x.i))


def _person_heads(label: Doc) -> list[tuple[Token, str]]:
    """The people a label names, as (the token that stands for them in the parse, their
    name): proper nouns that head their name, tagged as people or untagged, and names
    before a camp word ("the *Obama* administration", "the *Trump* campaign": the camp
    stands for them; the tagger often calls such a name an organisation or a place)."""
    out = []
    tagged = label.has_annotation("ENT_IOB")
    for t in label:
        if t.pos_ != "PROPN":
            continue
        if t.dep_ in ("compound", "flat"):
            if t.head.pos_ == "NOUN" and t.head.lower_ in camp_roles() and (
                    not tagged or t.ent_type_ in ("PERSON", "ORG", "FAC", "")):
                out.append((t.head, name_of(t)))
            continue
        if tagged and t.ent_type_ not in ("PERSON", ""):
            continue
        out.append((t, name_of(t)))
    return out


def _negative(t: Token) -> bool:
    """A predicate that judges its subject badly: "fail", "lie", a negative evaluation or
    a blame word (``owner_unfavourable.txt``), on the verb or its complement, unless
    negated ("did not lie"); or a negated predicate that is no verdict of its own ("X has
    not acted"). A demand ("X should not cut Y") judges nobody."""

    def bad(x: Token) -> bool:
        lemma = x.lemma_.lower()
        return (evaluation_words().get((lemma,)) in ("negative", "denial")
                or lemma in owner_unfavourable() or lemma in _FAILING)

    if any(c.dep_ == "aux" and c.lower_ in _DEMAND_MODALS for c in t.children):
        return False
    judged = bad(t) or any(bad(c) for c in t.children if c.dep_ in ("acomp", "attr"))
    return judged != any(c.dep_ == "neg" for c in t.children)


_DEMAND_MODALS = frozenset({"should", "must", "ought", "shall"})
# Nouns of moving away from something: "a *break* from X's policy".
_AWAY = frozenset({"break", "departure", "shift", "move", "turn", "change"})
# Predicates of failing: "X has failed to", "X refused to", "X neglected".
_FAILING = frozenset({"fail", "refuse", "neglect", "ignore"})


def _side_of(p: Token, owner: tuple[str, int] | None) -> int:
    """How a label stands to a person it names but is not about: +1 when it takes their
    side ("biased *against* X": a wrong done to X; "unite *behind* X"; "back X"), -1 when
    it judges them ("which X has *failed* to do") or ranks them behind the label's subject
    ("Y leads X"), 0 when it says nothing of them ("X should embrace Y": a demand)."""
    sign = _governed_side(p, owner)
    # "endorse X's *rivals*", "biased against X's *critics*": the side of X's adversaries
    adversary = any(x.dep_ == "poss" and x.head.lemma_.lower() in _ADVERSARIES
                    for x in _climb(p))
    return -sign if adversary else sign


def _climb(p: Token) -> list[Token]:
    """The tokens from a name up to the phrase that stands in its clause ("X's plan")."""
    chain = [p]
    while chain[-1].dep_ in ("conj", "appos", "poss", "nmod") and chain[-1].head is not chain[-1]:
        chain.append(chain[-1].head)
    return chain


# Nouns of a person's adversaries: "X's rivals" are against X.
_ADVERSARIES = frozenset({"rival", "opponent", "critic", "challenger", "enemy", "detractor"})
# Verbs ranking a subject ahead of its object ("Y leads X") or behind it ("Y trails X").
_AHEAD = frozenset({"lead", "beat", "defeat", "outpoll", "outpace", "top"})
_BEHIND = frozenset({"trail"})


def _governed_side(p: Token, owner: tuple[str, int] | None) -> int:
    head = _climb(p)[-1]
    gov = head.head
    if head.dep_ == "pobj" and gov.lower_ == "against":
        return 1
    if head.dep_ == "pobj" and gov.lower_ == "behind":
        return 1
    if head.dep_ == "pobj" and gov.lower_ == "from" and (
            gov.head.lemma_.lower() in _AWAY or evaluation_words().get(
                (gov.head.lemma_.lower(),)) == "reduce"):
        return -1  # "a break from X's policy", "a departure from X"
    if head.dep_ in ("nsubj", "nsubjpass") and _negative(gov):
        return -1
    if head.dep_ == "dobj" and gov.pos_ == "VERB":
        if cue_polarity().get(gov.lemma_.lower()) == "support":
            return 1  # "Republicans should endorse X"
        lemma = gov.lemma_.lower()
        if owner is not None and (lemma in _AHEAD or lemma in _BEHIND) and any(
                c.dep_ == "nsubj" and c.pos_ == "PROPN" for c in gov.children):
            # "Y leads X": X is on the other side of the person the label is about
            return -owner[1] if lemma in _AHEAD else owner[1]
    return 0


def label_sides(label: Doc, owner: tuple[str, int] | None) -> tuple[tuple[str, int], ...]:
    """The people a label takes a side on, with +1 (they would support it) or -1 (they
    would oppose it): ``owner``, the person the label is about (its subject or the
    subject's possessor; ``coding._label_owner``), first, then the others it names (see
    :func:`_side_of`). Names lose a trailing camp word ("Obama *administration*")."""
    sides: list[tuple[str, int]] = [owner] if owner is not None else []
    for p, written in _person_heads(label):
        name = _strip_camp(written)
        if not name or any(same_name(name, s[0]) for s in sides):
            continue
        sign = _side_of(p, owner)
        if sign:
            sides.append((name, sign))
    return tuple(sides)


def _strip_camp(name: str, keep: int = 0) -> str:
    """``name`` without its trailing camp words ("Obama administration", "Clinton campaign
    manager"), longest phrase first, keeping at least ``keep`` words."""
    words = name.split()
    stripped = True
    while stripped and len(words) > keep:
        stripped = False
        for n in (3, 2, 1):
            if len(words) - n >= keep and " ".join(words[-n:]).lower() in camp_roles():
                words, stripped = words[:-n], True
                break
    return " ".join(words)


def _speaker_parts(speaker: str) -> list[str]:
    """A joint speaker's members ("Barack Obama and Hillary Clinton"); a comma's tail is a
    title or a state ("Tim Kaine, D-Va."), not a member."""
    return [p.strip() for p in re.split(r" and | & ", speaker.split(",")[0]) if p.strip()]


def speaker_side(speaker: str, sides: tuple[tuple[str, int], ...], text: str = ""
                 ) -> tuple[str, int, bool] | None:
    """The side of a label ``speaker`` speaks for: (the person, their sign, whether the
    speaker is that person), or None when they speak for nobody the label names, or for
    opposed sides. Every member of a joint speaker ("Barack Obama and Hillary Clinton")
    must speak for a side, and all for the same one."""
    parts = _speaker_parts(speaker)
    found: list[tuple[str, int, bool]] = []
    for part in parts:
        # a speaker who is one of the people named speaks for themselves; the article's
        # mentions of them beside others' camps say nothing more
        mine = [(name, sign, True) for name, sign in sides if same_name(part, name)] or [
            (name, sign, False) for name, sign in sides if speaks_for(part, name, text)]
        if not mine:
            return None
        found.extend(mine)
    if not found or len({sign for _, sign, _ in found}) > 1:
        return None
    return found[0][0], found[0][1], all(is_them for _, _, is_them in found)


def speaks_for(speaker: str, person: str, text: str = "") -> bool:
    """Is ``speaker`` the person, one who speaks for them by name ("Clinton campaign",
    "Trump surrogates", "Clinton's campaign"), or, in ``text``, introduced as one of their
    camp ("Clinton campaign manager Robby Mook", "Mook, Clinton's campaign manager",
    "a spokesman for Trump, Jason Miller")?"""
    speaker = speaker.strip()
    if not speaker:
        return False
    # "Trump surrogates", "Clinton's campaign": the name before the camp words
    if same_name(_strip_camp(re.sub(r"['’]s\b", "", speaker), keep=1), person):
        return True
    return bool(text) and _introduced_as_camp(speaker, person, text)


@lru_cache(maxsize=256)
def _introduced_as_camp(speaker: str, person: str, text: str) -> bool:
    """Does ``text`` introduce ``speaker`` as one of ``person``'s camp? Cheap when it
    names only one of them (no pattern is run), and remembered per (speaker, person,
    text): a document's statements ask the same question again and again, one document
    after another (a small cache: each entry keeps its document's text alive)."""
    words = speaker.split()
    surname, theirs = words[-1].strip(".,"), person.split()[-1]
    if not surname or surname not in text or theirs not in text:
        return False
    for m in _camp_pattern(re.escape(surname), re.escape(theirs)).finditer(text):
        written = next((g for g in m.groups() if g), "").split()
        # a first name written before the surname must be the speaker's ("Jason Miller"
        # is not "Zell Miller")
        if len(words) < 2 or not written or same_name(" ".join([*written, surname]), speaker):
            return True
    return False


@lru_cache(maxsize=1)
def _roles() -> str:
    return "|".join(sorted((re.escape(r) for r in camp_roles()), key=len, reverse=True))


@lru_cache(maxsize=256)
def _camp_pattern(surname: str, theirs: str) -> re.Pattern[str]:
    # Names are matched as written (capitalised), the role words in any case, within one
    # paragraph ([ \t], not \s); an appositive must close after the name ("..., Mook,
    # said", "... Mook."), so that "attacked the Clinton campaign, Conway said" is no
    # introduction of Conway.
    role = rf"\b(?i:(?:{_roles()})s?)\b"
    poss = r"(?:['’]s)?"
    names = r"(?:[A-Z][\w.'’-]*[ \t]+){0,3}"

    def first(n: int) -> str:
        return rf"(?P<first{n}>(?:[A-Z][\w.'’-]*[ \t]+){{0,3}})"

    # only a rank between the name and the role: "Clinton's *former* campaign manager", not
    # "Anderson, who saw Clinton's running mate"
    small = r"(?:(?i:former|senior|longtime|top|chief|deputy|national|new|then)[ \t]+)?"
    end = r"(?=[ \t]*[,.;:)]|[ \t]*$)"
    art = r"(?:(?i:a|an|the)[ \t]+)?"
    return re.compile(
        # "Clinton campaign manager Robby Mook"
        rf"\b{theirs}{poss}[ \t]+{small}{role}[ \t]+{first(1)}{surname}\b"
        # "Trump's running mate, Mike Pence, said"
        rf"|\b{theirs}{poss}[ \t]+{small}{role},[ \t]+{first(2)}{surname}\b{end}"
        # "Robby Mook, Clinton's campaign manager", "Pence, Trump's running mate"
        rf"|\b{surname},[ \t]+{art}{small}{theirs}{poss}[ \t]+{small}{role}{end}"
        # "Kellyanne Conway, campaign manager for Donald Trump,"
        rf"|\b{surname},[ \t]+{art}{small}{role}[ \t]+(?i:for|to|of)[ \t]+{names}{theirs}\b{end}"
        # "a spokesman for Trump, Jason Miller,"
        rf"|{role}[ \t]+(?i:for|to)[ \t]+{names}{theirs},[ \t]+{first(3)}{surname}\b{end}",
        re.MULTILINE)
