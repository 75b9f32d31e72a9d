"""A cheap, offline English detector: the share of running words that are common
English function words (lexicons/english_function_words.txt).

Why this and not a language-ID model: ingest must run offline, fast (microseconds
per document) and deterministically; all it has to decide is "English or not", and
function words make up roughly 40-55% of running English news text but only a few
per cent of German, French, Spanish or Dutch text (where the odd shared word such
as "in" or "so" appears), and none of text in non-Latin scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import read_list

# Below this many words the ratio is too noisy to reject a document on.
MIN_WORDS = 8
# English news text scores 0.35-0.55; other Latin-script languages stay well under 0.15.
THRESHOLD = 0.20
# Enough words for a stable ratio; looking further only costs time.
SAMPLE_WORDS = 1000
MIN_LETTERS = 20
LATIN_MAX = "\u024f"  # end of Latin Extended-B

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def function_words() -> frozenset[str]:
    return read_list("english_function_words.txt")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str  # "en", "und" (too short to tell) or "other" (not English)
    score: float   # share of sampled words that are English function words
    words: int     # words sampled

    @property
    def is_english(self) -> bool:
        return self.language != "other"


def detect_english(text: str) -> LanguageGuess:
    """Guess whether ``text`` is English; short texts count as undetermined, not rejected."""
    lexicon = function_words()
    sample = text[:20_000]
    letters = [c for c in sample if c.isalpha()]
    # Scripts written without spaces (Chinese, Japanese, Thai) give few "words": decide by script.
    if len(letters) >= MIN_LETTERS:
        latin = sum(c <= LATIN_MAX for c in letters) / len(letters)
        if latin < 0.5:
            return LanguageGuess("other", 0.0, 0)
    words = []
    for match in _WORD.finditer(sample):
        words.append(match.group().lower())
        if len(words) >= SAMPLE_WORDS:
            break
    if len(words) < MIN_WORDS:
        return LanguageGuess("und", 0.0, len(words))
    score = sum(w in lexicon for w in words) / len(words)
    return LanguageGuess("en" if score >= THRESHOLD else "other", round(score, 3), len(words))
