"""Settings of one extraction run, in one typed, immutable object.

Every threshold and window of the stages lives here, with its default and the reason for
it, not as a constant in the rule code. ``Settings()`` gives the defaults;
``dataclasses.replace(settings, field=value)`` a variant; :meth:`Settings.from_dict` reads
the ``[settings]`` section of a pipeline config (:mod:`saidwhat.config`), and the CLI
turns its options into one (``--doc-timeout``, ``--config``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

#: How concepts can be coded (``Settings.coding_method``, ``--method``); one list for all.
CODING_METHODS = ("lexical", "embeddings")

DEFAULT_MAX_SENTENCE_TOKENS = 250
DEFAULT_DOC_TIMEOUT = 120.0
DEFAULT_CHUNK_CHARS = 100_000
SCHEMES = ("speech", "parc")


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

    chunk_chars: int = DEFAULT_CHUNK_CHARS
    """Texts longer than this many characters are extracted in chunks cut at paragraph or
    sentence boundaries (:mod:`saidwhat.chunking`), offsets into the whole text; the parser's
    memory grows with the text it is given. ``--max-chars`` on every command."""

    # -- direct quotes: which quotations are speech, where their cue is ------------------
    full_quote_min_words: int = 4
    """A quotation that is a sentence or paragraph of its own is speech from this many words
    (or when it ends in sentence punctuation); shorter ones are titles and scare quotes."""

    full_quote_after_colon_min_words: int = 6
    """After a colon or comma, a quotation that does not start with a capital is speech from
    this many words."""

    quote_verb_lookback_chars: int = 40
    """``said “We will …”``: how far before the opening mark a speech verb is looked for."""

    cue_tokens_after: int = 13
    """Tokens after a closing mark searched for the cue (``…,’ she said``)."""

    cue_tokens_before: int = 41
    """Tokens before an opening mark searched for the cue (``She said on Monday: ‘…``)."""

    continuation_max_paragraphs: int = 2
    """A cue-less quotation continues the previous speaker's quotation at most this many
    paragraphs later."""

    # -- "Name: words" lines -------------------------------------------------------------
    name_colon_max_chars: int = 60
    """The colon of ``Jane Doe: We will win`` lies within this many characters of the line start."""

    name_colon_min_words: int = 3
    """Words after the colon, at least."""

    name_colon_max_name_tokens: int = 4
    """Tokens of the name before the colon, at most."""

    cue_colon_max_tokens: int = 12
    """Tokens, at most, of a paragraph "The governor added:" that introduces the next
    paragraph as a quotation (``cue_colon.v1``)."""

    # -- indirect speech ---------------------------------------------------------------
    content_min_words: int = 2
    """Words of an indirect quotation's content, at least (one noun is enough: ``announced
    support``)."""

    subject_max_hops: int = 4
    """Verbs climbed (``and urged …``, ``adding …``) to find the speaking subject."""

    # -- sources and speakers ------------------------------------------------------------
    mention_max_tokens: int = 60
    """A source mention longer than this is a runaway parse: the core noun phrase is kept."""

    cataphora_max_tokens: int = 80
    """A role named before its person ("…, the power minister said. Power Minister Jane Doe
    …") is that person when introduced at most this many tokens later."""

    lookback_sentences: int = 8
    """Pronouns and role nouns ("she", "the minister") refer to people named at most this
    many sentences back."""

    # -- networks: near-duplicate documents (wire copy) -------------------------------
    near_duplicate_threshold: float = 0.7
    """Two documents whose word 3-gram sets (``near_duplicate_shingle_words``) overlap by at
    least this Jaccard similarity are one story printed twice (a syndicated reprint with a
    new headline, a cut paragraph, a changed word): their statements count once in a
    network (:mod:`saidwhat.network.duplicates`). A reprint of a 300-word story with ten
    changed words keeps about 0.8 of its 3-grams; two different stories on one topic share
    far fewer than 0.5."""

    near_duplicate_shingle_words: int = 3
    """Words per shingle for near-duplicate detection."""

    near_duplicate_min_shingles: int = 20
    """Documents with fewer shingles than this (a few lines) are never called duplicates:
    too little text to tell a reprint from a coincidence."""

    near_duplicate_num_perm: int = 128
    """MinHash permutations (datasketch): more is a closer Jaccard estimate, slower."""

    # -- networks: concept coding (saidwhat.network.coding.ConceptCoder) -----------------
    coding_method: str = "embeddings"
    """How concepts are coded (``--method``): ``embeddings`` (the lexical rules plus sentence
    embeddings of all-MiniLM-L6-v2, run by onnxruntime, no torch: saidwhat.network.encoder)
    or ``lexical`` (the rules alone)."""

    coding_threshold: float = 0.5
    """The default minimum calibrated score for a concept to be coded on a statement
    (``--threshold`` overrides it): about raw 0.7, i.e. a keyword, or most of a label's
    specific words, or a close example."""

    coding_own_side: bool = True
    """A statement by the person a concept's label is about (or by their campaign) takes
    that person's side: it supports a label favourable to them ("X's plan would benefit
    workers") and opposes an unfavourable one ("X's emails deserve scrutiny"), whatever
    its words read. Needs the speaker (network building and ``eval --coding`` pass it)."""

    coding_drop_passing_mentions: bool = True
    """A statement coded for a concept with two or more of its words (or a close example)
    does not also code a concept of which it has a single word only and on which it says
    nothing (no negation or evaluation of that word)."""

    coding_example_min_sim: float = 0.25
    """Few-shot (saidwhat.network.fewshot): labelled examples (codebook examples, coded
    statements) vote on a statement's concept only when the nearest is at least this
    similar (cosine of TF-IDF lemma vectors); farther, the learner abstains."""

    coding_example_alone_sim: float = 0.3
    """Few-shot: a concept the codebook does not see in a statement is coded from the
    examples' vote only when one of its examples is at least this similar."""

    coding_example_agreement_sim: float = 0.6
    """Few-shot agreement: the statement takes the agreement its concept's examples were
    coded with, where the rules read them as they read the statement and read them wrong,
    when their weights (similarity + cue bonus + concept prior, summed) reach this."""

    coding_fewshot_weight: float = 0.7
    """Few-shot: the weight ``w`` of the labelled examples' vote ``p`` (their similarity-
    weighted share of the nearest examples) against the codebook's calibrated score ``s``:
    the concept scores ``1 - (1 - s) * (1 - w * p)`` (0: examples only correct agreements)."""

    coding_fewshot_embed_floor: float = 0.3
    """With sentence embeddings (method ``embeddings``), an example's similarity to a
    statement is also its embedding cosine rescaled from this floor (0) to 1: cosine 0.65
    counts 0.5 beside the TF-IDF cosine; the larger counts (docs/evaluation.md, tenth
    round: 0.3 learnt more than 0.5 or 1.0, i.e. none, on DNA's sample and two golds)."""

    coding_fewshot_paraphrase_sim: float = 0.4
    """Few-shot: in a statement that does not visibly take a position (said neutrally, with
    nothing modal or evaluative), a concept the codebook does not see is coded from the
    examples only when one is at least this similar (a paraphrase)."""

    coding_fewshot_document_bonus: float = 0.0
    """Few-shot: an example coded in the statement's own document (the review app's hand
    codes) counts this much more similar in the concept vote: a document's statements
    mostly share its topic."""

    coding_fewshot_word_weight: float = 1.0
    """Few-shot: words that at least two of a concept's examples use (and its codebook entry
    does not) count as its evidence, up to this much each (a keyword is 1.0): a word all
    its examples use and no other concept's; less by the share that use it and the other
    concepts whose examples use it too (0: off)."""

    coding_fewshot_neighbours: int = 5
    """Few-shot: how many of the most similar labelled examples vote on a statement's
    concept."""

    coding_fewshot_cue_bonus: float = 0.1
    """Few-shot agreement: an example with the statement's cue lemma ("warned", "rejected")
    counts this much more similar when it teaches the agreement."""

    coding_fewshot_concept_prior: float = 0.05
    """Few-shot agreement: every example of the concept that the rules read as they read the
    statement counts this much, however dissimilar (a concept whose statements the rules
    misread the same way, over and over, is corrected)."""

    coding_context_min_mass: float = 1.0
    """A statement without concept words takes its document's dominant concept only when
    the document's statements carry at least this much raw concept evidence."""

    coding_context_min_statements: int = 2
    """...and, when that concept is one the coder gave some statement of the document, only
    when it gave it to at least this many (one coded statement among twenty is a passing
    mention, not what the article is about), in a document of more statements than
    ``coding_context_small_document``."""

    coding_context_small_document: int = 4
    """A document of at most this many statements takes its topic from a single coded one."""

    coding_article_share: float = 0.7
    """Where the statements' share of their document's top concept is below this, the
    article's own keywords (headline and narration included) name the topic instead when
    one concept has at least this share of the article's keyword sentences (sentences
    naming one of its keywords, counted once however many they name)."""

    coding_article_min_hits: int = 3
    """...when the article has at least this many keyword sentences."""

    coding_context_min_words: int = 6
    """...and only when its content has at least this many words ("the threats today",
    "us" name a matter or a target, not a position on the concept), unless it is a person
    the concept's label names ("endorsed *Trump*")."""

    coding_embed_alone_sim: float = 0.5
    """Method ``embeddings``: a statement with no concept words is coded by similarity alone
    from this cosine similarity ..."""

    coding_embed_margin: float = 0.1
    """... when its nearest concept is this much more similar than the next one."""

    coding_embed_boost_sim: float = 0.45
    """Method ``embeddings``: the statement's nearest concept gains from its similarity to a
    lexical match from this cosine similarity."""

    # -- annotation scheme ----------------------------------------------------------------
    scheme: str = "speech"
    """What counts as an attribution and where its spans stop (``--scheme``): ``speech``
    (reported speech and stated positions, nested attributions kept, saidwhat's own span
    conventions) or ``parc`` (the PARC 3.0 / PolNeAR conventions: a split quotation is one
    attribution with ``content_parts``, cues keep their auxiliaries and adverbs ("has
    praised", "also said"), attributions nested in another's content are dropped, and
    sourceless ones ("is expected to") are kept with no source)."""

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(SCHEMES)} (got {self.scheme!r})")
        if not 0 < self.near_duplicate_threshold <= 1:
            raise ValueError("near_duplicate_threshold must be in (0, 1]")
        if self.near_duplicate_shingle_words < 1 or self.near_duplicate_num_perm < 16:
            raise ValueError("near_duplicate_shingle_words must be >= 1 and"
                             " near_duplicate_num_perm >= 16")
        if self.max_sentence_tokens is not None and self.max_sentence_tokens < 8:
            raise ValueError("max_sentence_tokens must be at least 8 (or None)")
        if self.doc_timeout is not None and not self.doc_timeout > 0:
            raise ValueError("doc_timeout must be a positive number of seconds (or None)")
        for name in ("coding_threshold", "coding_example_min_sim", "coding_example_alone_sim",
                     "coding_example_agreement_sim", "coding_embed_alone_sim", "coding_fewshot_weight",
                     "coding_fewshot_cue_bonus", "coding_fewshot_concept_prior",
                     "coding_fewshot_paraphrase_sim", "coding_fewshot_document_bonus",
                     "coding_fewshot_embed_floor",
                     "coding_embed_margin", "coding_embed_boost_sim", "coding_article_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1] (got {getattr(self, name)!r})")
        if self.coding_method not in CODING_METHODS:
            raise ValueError(f"coding_method must be one of {', '.join(CODING_METHODS)}"
                             f" (got {self.coding_method!r})")
        if self.coding_fewshot_neighbours < 1:
            raise ValueError("coding_fewshot_neighbours must be at least 1")
        if self.coding_context_min_words < 0:
            raise ValueError("coding_context_min_words must be >= 0")
        if self.coding_context_min_statements < 1:
            raise ValueError("coding_context_min_statements must be at least 1")
        if self.coding_context_small_document < 0:
            raise ValueError("coding_context_small_document must be >= 0")
        if self.coding_context_min_mass < 0:
            raise ValueError("coding_context_min_mass must be >= 0")
        if self.coding_article_min_hits < 1:
            raise ValueError("coding_article_min_hits must be at least 1")
        if self.chunk_chars < 1000:
            raise ValueError("chunk_chars must be at least 1000")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Settings:
        """Settings from a mapping (a config's ``[settings]``); unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
