"""Word lists the network code reads, through :mod:`saidwhat.lexicon`.

The extraction lexicons (cue polarity, honorifics, role nouns, anonymous-source nouns) are
shared with the pipeline; ``stance_content.tsv`` is the network's own.
"""

from __future__ import annotations

from functools import lru_cache

from ..lexicon import lexicons, read_list, read_table


@lru_cache(maxsize=1)
def cue_polarity() -> dict[str, str]:
    """Cue lemma (or "verb particle" for a multi-word cue) -> support / oppose / neutral."""
    table = {lemma: polarity for lemma, (_, polarity) in lexicons().rule_cue_table().items()}
    table.update({f"{r[0].lower()} {r[1].lower()}": r[2]
                  for r in read_table("multiword_cues.tsv") if len(r) >= 3})
    return table


@lru_cache(maxsize=1)
def content_stance_words() -> dict[str, str]:
    """Word or lemma (possibly two words) -> negation / oppose / contrast."""
    return {r[0].lower(): r[1] for r in read_table("stance_content.tsv") if len(r) >= 2}


def honorifics() -> frozenset[str]:
    """Titles that precede a name, folded ("Dr." -> "dr"): :func:`saidwhat.names.honorific_words`."""
    from ..names import honorific_words

    return honorific_words()


def role_nouns() -> frozenset[str]:
    return lexicons().role_nouns


def anonymous_heads() -> frozenset[str]:
    return lexicons().anonymous_heads


@lru_cache(maxsize=1)
def insider_heads() -> frozenset[str]:
    """Unnamed people who speak from inside an organisation ("officials", "a source")."""
    return read_list("insider_heads.txt")


@lru_cache(maxsize=1)
def official_voices() -> frozenset[str]:
    """Roles that speak for their organisation ("a spokesperson for X" -> X)."""
    return read_list("official_voices.txt")


@lru_cache(maxsize=1)
def evaluation_words() -> dict[tuple[str, ...], str]:
    """Evaluative word or phrase (lemmas) -> negative / positive / denial / reduce / urgency
    (``lang/en/lexicons/evaluation_polarity.tsv``; its levy and function words are in
    :func:`levy_words` and :func:`function_verbs`)."""
    return {tuple(r[0].lower().split()): r[1] for r in read_table("evaluation_polarity.tsv")
            if len(r) >= 2 and r[1] not in _TOPIC_CLASSES}


# Classes of evaluation_polarity.tsv whose words name a topic as well ("tax", "work"): they
# are not evaluations wherever they occur, only in the construction their class names.
_TOPIC_CLASSES = frozenset({"levy", "function", "burden"})


@lru_cache(maxsize=len(_TOPIC_CLASSES))
def _topic_class_words(kind: str) -> frozenset[str]:
    return frozenset(r[0].lower() for r in read_table("evaluation_polarity.tsv")
                     if len(r) >= 2 and r[1] == kind)


def levy_words() -> frozenset[str]:
    """Nouns of a charge on what their compound modifier names ("a carbon *tax*")."""
    return _topic_class_words("levy")


def function_verbs() -> frozenset[str]:
    """Verbs of a thing working ("the scheme *works*"): positive when intransitive and said
    of no person."""
    return _topic_class_words("function")


def burden_verbs() -> frozenset[str]:
    """Verbs that burden their object ("would *cost* taxpayers $400 billion"): negative
    only as a verb with an object ("the cost of living" names a topic)."""
    return _topic_class_words("burden")


@lru_cache(maxsize=1)
def owner_unfavourable() -> frozenset[str]:
    """Words that make a codebook label unfavourable to the person it is about
    (``lang/en/lexicons/owner_unfavourable.txt``)."""
    return read_list("owner_unfavourable.txt")
