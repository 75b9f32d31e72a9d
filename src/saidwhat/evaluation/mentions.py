"""What kind of mention a gold source is: a name, a pronoun, a role noun, an organisation,
an anonymous source, or no source span at all.

Used to break speaker accuracy down by how hard the speaker is to resolve (a pronoun needs
coreference, a role noun an earlier mention, a name only normalising). The rules, in order
(docs/evaluation.md, "Speakers by mention type"):

1. no word in the gold source span (or no span) -> ``none`` (continuation quotes, sourceless);
2. gold speaker type ``anonymous`` -> ``anonymous``;
3. every word a pronoun (``pronouns.tsv`` lexicon: he, she, they, it, we …, and
   :data:`EXTRA_PRONOUNS`: you, who, which …) -> ``pronoun``;
4. a capitalised word that is no function word, title, role noun, anonymous-source noun or
   pronoun (nor such a word's plural), or any capitalised word after a title ("Mr. King")
   -- and, when the gold speaker has a name, one of that name's words -> ``organisation``
   when the gold speaker type is ``organization``, else ``name``;
5. gold speaker type unknown or not annotated, and a word of the span is an anonymous-source
   noun (``anonymous.txt``: "a source", "officials") -> ``anonymous``;
6. anything else (a common noun phrase: "the minister", "the fire chief", "residents",
   "the company") -> ``role noun``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Speaker
from ..names import name_words

MENTION_TYPES = ("name", "pronoun", "role noun", "organisation", "anonymous", "none")
_WORD_RE = re.compile(r"\w+")
# Pronouns that pronouns.tsv (personal pronouns with gender and number, for resolving sources)
# leaves out, but that gold source spans use: second person, object/possessive forms, and
# relative pronouns ("a spokesman, who said …").
EXTRA_PRONOUNS = ("you", "your", "me", "my", "us", "our", "who", "whom", "whose", "which", "that")


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(pronouns, anonymous-source nouns, words that are no name even when capitalised, titles)."""
    from ..lang.en import pack

    lang = pack()
    lex = lang.lexicons
    pronouns = frozenset(lex.pronouns) | frozenset(EXTRA_PRONOUNS)
    anonymous = frozenset(lex.anonymous_heads)
    not_names = (frozenset(lang.function_words) | frozenset(h.rstrip(".") for h in lex.honorifics)
                 | lex.role_nouns | anonymous | pronouns)
    titles = frozenset(h.rstrip(".") for h in lex.honorifics)
    return pronouns, anonymous, not_names, titles


def mention_type(source_text: str | None, speaker: Speaker | None = None) -> str:
    """The mention type (one of :data:`MENTION_TYPES`) of a gold source span's text, given
    the gold speaker (None where the gold annotates no speaker)."""
    words = _WORD_RE.findall(source_text or "")
    if not words:
        return "none"
    stype = speaker.type if speaker is not None else None
    if stype == "anonymous":
        return "anonymous"
    pronouns, anonymous, not_names, titles = _words()
    low = [w.lower() for w in words]
    if all(w in pronouns for w in low):
        return "pronoun"
    gold_name = set(name_words(speaker.name)) if speaker is not None and speaker.name else None
    for i, (w, lw) in enumerate(zip(words, low, strict=True)):
        if not w[0].isupper():
            continue
        after_title = i > 0 and low[i - 1] in titles  # "Mr. King": a name even if a role noun
        if not after_title and (lw in not_names or (lw.endswith("s") and lw[:-1] in not_names)):
            continue
        if gold_name is None or set(name_words(w)) & gold_name:
            return "organisation" if stype == "organization" else "name"
    if stype in (None, "unknown") and any(w in anonymous for w in low):
        return "anonymous"
    return "role noun"
