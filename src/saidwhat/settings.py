"""Settings of one extraction run, in one typed, immutable object.

The start of the project's settings: thresholds and limits belong here, with their
defaults and the reason for them, not as constants scattered through the stages.
``Settings()`` gives the defaults; ``dataclasses.replace(settings, field=value)`` a variant.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_SENTENCE_TOKENS = 250
DEFAULT_DOC_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits that keep the cost of one document bounded (GitHub issue 8)."""

    max_sentence_tokens: int | None = DEFAULT_MAX_SENTENCE_TOKENS
    """Longest sentence, in tokens, that the parser and the stages ever see; a longer run of
    text (no sentence end: a list, a transcript, a scraped page without punctuation) is cut
    into pieces before parsing (:func:`saidwhat.nlp.cap_sentence_length`). Walks over the
    parse (spaCy's children and subtrees) cost up to the sentence length per token, so an
    uncut 100,000-character "sentence" costs a minute or more; 250 tokens is more than
    twice the longest sentence of real news (PolNeAR dev: 96 tokens), so news text is not
    cut. A count of tokens, not a time, so that results do not depend on the machine.
    ``None``: no cap."""

    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT
    """Wall-clock seconds one document (all its chunks: parse and stages) may take; past
    it the document fails with ``time budget of N s exceeded`` and the batch goes on.
    ``None``: no budget."""

    def __post_init__(self) -> None:
        if self.max_sentence_tokens is not None and self.max_sentence_tokens < 8:
            raise ValueError("max_sentence_tokens must be at least 8 (or None)")
        if self.doc_timeout is not None and not self.doc_timeout > 0:
            raise ValueError("doc_timeout must be a positive number of seconds (or None)")
