"""Language packs: everything the attribution rules know about one language.

A :class:`LanguagePack` carries the lexicons (cue verbs, honorifics, role nouns, ...), the
dependency-label and tag names of the parser's scheme (:class:`Labels`), the quotation
marks, titles and the small closed word classes the rules test for. The rules receive the
pack explicitly (``DocContext.lang``, ``SpeakerResolver(lang=...)``, ``find_cues(lang=...)``);
nothing reads a process-wide lexicon except the thin compatibility wrappers in
:mod:`saidwhat.lexicon`.

Packs are chosen by code from the ``saidwhat.languages`` registry
(:data:`saidwhat.config.registry.languages`; entry-point group ``saidwhat_languages``):
English (``"en"``, :mod:`saidwhat.lang.en`) is built in.

:func:`skip_reason` is the one language check that ``extract`` and ``ingest`` share: it
returns the stated reason a document is skipped (not English), or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store.lang import LanguageGuess


@dataclass(frozen=True)
class Lexicons:
    """The word lists of a pack, loaded from its data files."""

    cues: dict[str, tuple[str, str]]  # lemma -> (class, polarity)
    object_cues: frozenset[str]  # speech verbs whose direct object is the content
    multiword_cues: dict[tuple[str, str], tuple[str, str]]  # (lemma, prep) -> (polarity, content)
    honorifics: dict[str, str | None]  # lower-cased title -> gender or None
    role_nouns: frozenset[str]  # role_nouns.txt and occupations.txt together
    anonymous_heads: frozenset[str]
    organization_heads: frozenset[str]
    channel_nouns: frozenset[str]
    pronouns: dict[str, tuple[str, str]]  # pronoun -> (gender, number)
    given_names: dict[str, str]  # lower-cased first name -> gender
    # rule_cues.tsv: cues the rules use that the learned model's cue features do not (added
    # after it was trained: its features read ``cues`` only), lemma -> (class, polarity)
    rule_cues: dict[str, tuple[str, str]] = field(default_factory=dict)
    # title_abbreviations.tsv: an abbreviated title before a name -> its role noun ("gov." ->
    # "governor"), lower-cased
    title_roles: dict[str, str] = field(default_factory=dict)
    # party_names.tsv: a party word -> the party it names ("gop" -> "republican")
    party_names: dict[str, str] = field(default_factory=dict)

    def cue_entry(self, lemma: str) -> tuple[str, str] | None:
        """The rules' (class, polarity) of a cue lemma: cues.tsv, then rule_cues.tsv."""
        return self.cues.get(lemma) or self.rule_cues.get(lemma)

    def rule_cue_table(self) -> dict[str, tuple[str, str]]:
        """Every cue the rules know, lemma -> (class, polarity): cues.tsv, then
        rule_cues.tsv (whose lemmas are none of cues.tsv's)."""
        return {**self.cues, **self.rule_cues}


@dataclass(frozen=True)
class Labels:
    """Dependency labels and fine-grained tags the rules test, by their ClearNLP (spaCy
    English) names. A pack for a parser with another scheme maps each to its own label."""

    nsubj: str = "nsubj"
    nsubjpass: str = "nsubjpass"
    expl: str = "expl"
    dobj: str = "dobj"
    dative: str = "dative"
    ccomp: str = "ccomp"
    xcomp: str = "xcomp"
    oprd: str = "oprd"
    advcl: str = "advcl"
    acl: str = "acl"
    relcl: str = "relcl"
    conj: str = "conj"
    prep: str = "prep"
    pobj: str = "pobj"
    agent: str = "agent"
    pcomp: str = "pcomp"
    prt: str = "prt"
    neg: str = "neg"
    aux: str = "aux"
    mark: str = "mark"
    appos: str = "appos"
    compound: str = "compound"
    flat: str = "flat"
    amod: str = "amod"
    nmod: str = "nmod"
    poss: str = "poss"
    det: str = "det"
    nummod: str = "nummod"
    npadvmod: str = "npadvmod"
    root: str = "ROOT"
    # dependents that belong to a source mention's noun phrase
    np_keep: frozenset[str] = frozenset({"compound", "det", "amod", "poss", "nmod", "nummod",
                                         "case", "quantmod", "flat", "predet", "advmod"})
    # fine-grained tags
    tag_infinitive_to: str = "TO"
    tag_gerund: str = "VBG"
    tag_plural_noun: str = "NNS"
    finite_verb_tags: tuple[str, ...] = ("VBD", "VBZ", "VBP")


@dataclass(frozen=True)
class LanguagePack:
    """One language's data for the rules (see the module docstring)."""

    code: str
    lexicons: Lexicons
    labels: Labels = field(default_factory=Labels)
    # quotation marks a quotation may open with (after "Name:"); before a cue (find_cue_near)
    quote_openers: str = ""
    # a quotation after one of these (or at a paragraph start) is a whole quotation
    full_quote_after: str = ":,"
    # a direct quote ending in one of these looks for its cue on the right first
    right_cue_ends: str = ",?!—–-"
    dashes: str = "–—"
    # "said “We will …”": verbs right before a quotation that make it a whole one
    quote_introducing_verbs: tuple[str, ...] = ()
    # NER labels of a name before "Name: words"
    name_colon_entity_labels: tuple[str, ...] = ()
    organization_entity_labels: frozenset[str] = frozenset()
    relative_pronouns: frozenset[str] = frozenset()
    indefinite_determiners: frozenset[str] = frozenset()
    articles: tuple[str, ...] = ()
    first_and_second_person: tuple[str, ...] = ()
    not_in_office: tuple[str, ...] = ()
    # words of a role below the office itself ("vice president", "deputy mayor"): not what a
    # bare "President" or "Mayor" names
    lesser_offices: tuple[str, ...] = ()
    anonymity_phrases: tuple[str, ...] = ()
    courtesy_titles: frozenset[str] = frozenset()
    # titles after which one given name is the person ("Sir John" is John Doe)
    given_name_titles: tuple[str, ...] = ()
    possessive_suffixes: tuple[str, ...] = ()
    sentence_end_chars: tuple[str, ...] = ()
    place_name_prefixes: frozenset[str] = frozenset()
    non_speech_governors: frozenset[str] = frozenset()
    going_on_governors: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    # closed word lists of single rules: {"rule name": words}
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    data_package: str = ""  # the package holding ``lexicons/`` (for read_list)

    def word_list(self, rule: str) -> tuple[str, ...]:
        return self.words[rule]

    def read_list(self, name: str) -> frozenset[str]:
        """A one-column lexicon file of this pack, lower-cased."""
        return read_list(self.data_package, name)

    def read_table(self, name: str) -> list[list[str]]:
        return read_table(self.data_package, name)


def _lines(package: str, name: str) -> list[str]:
    text = resources.files(package).joinpath("lexicons", name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=128)
def read_list(package: str, name: str) -> frozenset[str]:
    """A one-column lexicon file of the pack in ``package``, lower-cased."""
    return frozenset(ln.strip().lower() for ln in _lines(package, name))


def read_table(package: str, name: str) -> list[list[str]]:
    """A tab-separated lexicon file of the pack in ``package``, as rows of cells."""
    return [[c.strip() for c in ln.split("\t")] for ln in _lines(package, name)]


def _optional_list(package: str, name: str) -> frozenset[str]:
    """:func:`read_list`, or nothing where the pack has no such file."""
    if not resources.files(package).joinpath("lexicons", name).is_file():
        return frozenset()
    return read_list(package, name)


def _optional_table(package: str, name: str) -> list[list[str]]:
    """:func:`read_table`, or nothing where the pack has no such file."""
    if not resources.files(package).joinpath("lexicons", name).is_file():
        return []
    return read_table(package, name)


def load_lexicons(package: str) -> Lexicons:
    """The :class:`Lexicons` of the pack whose data files lie in ``package``/lexicons."""
    honorifics: dict[str, str | None] = {}
    for ln in _lines(package, "honorifics.txt"):
        title, _, gender = ln.strip().partition("=")
        honorifics[title.lower()] = gender or None
    cue_rows = read_table(package, "cues.tsv")
    cue_lemmas = {r[0] for r in cue_rows}
    rule_rows = [r for r in _optional_table(package, "rule_cues.tsv") if r[0] not in cue_lemmas]
    return Lexicons(
        cues={r[0]: (r[1], r[2]) for r in cue_rows},
        object_cues=frozenset(r[0] for r in cue_rows + rule_rows if len(r) > 3 and r[3] == "obj"),
        multiword_cues={(r[0], r[1]): (r[2], r[3])
                        for r in read_table(package, "multiword_cues.tsv")},
        honorifics=honorifics,
        role_nouns=read_list(package, "role_nouns.txt") | _optional_list(package, "occupations.txt"),
        anonymous_heads=read_list(package, "anonymous.txt"),
        organization_heads=read_list(package, "organization_heads.txt"),
        channel_nouns=read_list(package, "channels.txt"),
        pronouns={r[0]: (r[1], r[2]) for r in read_table(package, "pronouns.tsv")},
        given_names={r[0].lower(): r[1] for r in read_table(package, "given_names.tsv")},
        rule_cues={r[0]: (r[1], r[2]) for r in rule_rows},
        title_roles={r[0].lower(): r[1] for r in _optional_table(package, "title_abbreviations.tsv")},
        party_names={r[0].lower(): r[1] for r in _optional_table(package, "party_names.tsv")},
    )


def get_language(code: str = "en") -> LanguagePack:
    """The language pack registered under ``code`` (built once per process)."""
    return _get_language(code)


@lru_cache(maxsize=8)
def _get_language(code: str) -> LanguagePack:
    from ..config import registry

    factory = registry.languages.get(code)
    return factory()


def english() -> LanguagePack:
    return get_language("en")


# ---------------------------------------------------------------- the language check

def skip_reason(text: str, guess: LanguageGuess | None = None) -> str | None:
    """Why a document is skipped for its language, or ``None`` to extract it.

    The one check ``extract`` and ``ingest`` share (:func:`saidwhat.store.lang.detect_english`):
    ``"not English: 3% of 412 words are English function words (threshold 20%)"``. Short
    texts (too few words to tell) are never skipped. ``guess``: the detector's answer for
    ``text`` when the caller has it already (ingest stores it)."""
    from ..store.lang import THRESHOLD, detect_english

    guess = guess if guess is not None else detect_english(text)
    if guess.is_english:
        return None
    return (f"not English: {guess.score:.0%} of {guess.words} words are "
            f"English function words (threshold {THRESHOLD:.0%})")
