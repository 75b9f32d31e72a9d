"""The learned extractor's components: ``learned_cues.v1`` (a candidate source) and
``learned_merge.v1`` (the merger that reconciles it with the rules).

``learned_cues.v1`` scores every token that may be a cue; for each cue over the cue
threshold it ranks the content spans and source heads generated around it
(:mod:`saidwhat.learned.features`), the rules' own span for the same cue among them, and
proposes one candidate (provenance ``learned``, confidence = cue probability). Under
``--scheme parc`` a cue with no source over the source threshold is kept as a sourceless
attribution; under ``speech`` it is dropped.

``learned_merge.v1`` keeps the rules' direct quotations (quotation marks are evidence the
model does not beat) and their continuations. Under ``parc`` it lets the learned candidate
replace the rules' indirect candidate of the same cue and drops rules' indirect candidates
whose cue the model scores under ``drop_rules``; under ``speech`` (saidwhat's own span
conventions) every rules' candidate stands and the model only adds cues the rules missed,
of the ``speech_classes``, over ``speech_min``, that pass the rules' own tests
(:func:`speech_conventions`). The other sources' candidates are reconciled and everything
sorted as ``text_order_merge.v1`` does. The default config uses these two components (the
learned extractor is the default under both schemes); ``--extractor rules`` leaves them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spacy.tokens import Token

from ..config import registry
from ..pipeline.candidates import Candidate, DocContext
from ..pipeline.cues import governor_blocks
from ..pipeline.intervals import SpanIndex
from ..pipeline.merge import TextOrderMerge
from .features import (
    DocFeatures,
    content_candidates,
    content_features,
    cue_extent,
    cue_features,
    is_cue_candidate,
    parenthetical_parts,
    source_candidates,
    source_extent,
    source_features,
)
from .model import AttributionModel, load_model

PROBS_KEY = "learned_cue_probs"
SPEECH_CLASSES = ("speech", "position")  # the cue classes the model may add under speech
SPEECH_MIN = 0.9  # and the cue probability it needs for that
LEARNED = "learned"
_RECONCILE = TextOrderMerge()


def cue_tokens(model: AttributionModel, tok: Token) -> list[Token]:
    """The cue head with the children the cue-extent table puts in the cue."""
    return cue_extent(tok, model.cue_extent)


def _cue_class(tok: Token, doc: DocContext) -> str:
    lex = doc.lang.lexicons.cues.get(tok.lemma_.lower())
    if lex is not None:
        return lex[0]
    if tok.lower_ in doc.lang.word_list("according"):
        return "speech"
    return "other"


class LearnedCues:
    """The learned candidate source (see the module docstring)."""

    name = LEARNED

    def __init__(self, model: AttributionModel, cue_threshold: float | None = None,
                 source_threshold: float | None = None) -> None:
        self.model = model
        self.cue_threshold = model.cue_threshold if cue_threshold is None else cue_threshold
        self.source_threshold = model.source_threshold if source_threshold is None \
            else source_threshold

    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]:
        model = self.model
        sdoc = doc.sdoc
        df = DocFeatures.of(doc, prior)
        parc = doc.settings.scheme == "parc"
        full = doc.full_index
        quote_spans = {(q.start, q.end) for q in doc.quotes}
        probs: dict[int, float] = {}
        out: list[Candidate] = []
        for n, tok in enumerate(sdoc):
            if n % 512 == 511:
                doc.check()
            if not is_cue_candidate(tok):
                continue
            p = model.cue.prob(cue_features(tok, df))
            probs[tok.i] = p
            if p < self.cue_threshold:
                continue
            if not parc and full.containing(tok.idx):
                continue  # speech: a cue inside a quotation is the speaker's own words
            cands = content_candidates(tok, df)
            if not cands:
                continue
            longest = max(e - s for s, e in cands)
            best, best_score = None, -1e9
            for span, kinds in cands.items():
                sc = model.content.score(content_features(
                    tok, span, kinds, df, len(cands), span[1] - span[0] == longest))
                if sc > best_score:
                    best, best_score = span, sc
            assert best is not None
            srcs = source_candidates(tok, df)
            src_tok, src_p = None, 0.0
            for i, kinds in srcs.items():
                sp = model.source.prob(source_features(tok, sdoc[i], kinds))
                if sp > src_p:
                    src_tok, src_p = sdoc[i], sp
            if src_p < self.source_threshold:
                src_tok = None
            if src_tok is None and not parc:
                continue
            parts = parenthetical_parts(tok, best) if parc else None
            if parts is not None:
                best = (parts[0][0], parts[-1][1])
            s, e = best
            if (s, e) in quote_spans:
                kind = "direct"
            elif 0 < full.covered(s, e) < e - s:  # part of it quoted (not "Clinton’s")
                kind = "mixed"
            else:
                kind = "indirect"
            out.append(Candidate(
                kind, best, cue_tokens(model, tok), tok, src_tok, doc.paragraph_of(s),
                provenance=self.name, confidence=p, cue_class=_cue_class(tok, doc),
                source_extent=source_extent(src_tok, tok, doc.lang, model.source_extent)
                if src_tok is not None
                else None, sourceless=src_tok is None, content_parts=parts))
        doc.cache[PROBS_KEY] = probs
        return out


def speech_conventions(c: Candidate, doc: DocContext) -> bool:
    """Whether a learned candidate keeps saidwhat's ``speech`` conventions, the tests the
    rules' cues pass (:mod:`saidwhat.pipeline.cues`):

    * a statement was made: no negated cue, no cue in an infinitive of intention, none
      under a verb of not speaking ("did not say", "plans to say", "refused to say");
    * a statement, not evidence: an evidential verb ("suggest", "show") whose subject is an
      evidence noun ("findings", "data") is no attribution;
    * what was said is neither the speaker nor the cue: the content overlaps neither the
      source mention nor the cue ("was opposed by [most Republicans]", "according to [X]");
    * what was said has words: at least ``content_min_words`` of them, or starts with a
      noun that is neither in a prepositional phrase of the cue nor an adverbial noun
      ("said [enough]", "write [this]", "writing in [the Sunday Telegraph]", "[drought]-
      declared" are not statements).
    """
    verb, sdoc, lang = c.verb, doc.sdoc, doc.lang
    s, e = c.content
    if verb is not None and verb.pos_ == "VERB":
        if governor_blocks(verb, lang):
            return False
        src = c.source
        if src is not None and verb.lemma_.lower() in lang.word_list("evidential_cues") and \
                src.lemma_.lower() in lang.word_list("evidence_nouns"):
            return False
    if c.source_extent is not None:
        a, b = c.source_extent
        if b > a and sdoc[a].idx < e and s < sdoc[b - 1].idx + len(sdoc[b - 1]):
            return False
    for t in c.cue or ():
        if t.idx < e and s < t.idx + len(t):
            return False
    span = sdoc.char_span(s, e, alignment_mode="expand")
    words = [t for t in span if not t.is_space and not t.is_punct] if span is not None else []
    if len(words) < doc.settings.content_min_words and \
            not (words and words[0].pos_ in ("NOUN", "PROPN") and words[0].dep_ != "npadvmod"
                  and not _in_cue_phrase(words[0], verb)):
        return False
    return True


def _in_cue_phrase(t: Token, verb: Token | None) -> bool:
    """Whether ``t`` lies in a prepositional phrase of the cue verb: "writing in [the Sunday
    Telegraph]", "speaking on [Monday]" name the channel or the time, not what was said."""
    if verb is None:
        return False
    for _ in range(4):
        if t.dep_ == "prep" and t.head.i == verb.i:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


class LearnedMerge:
    """The merger for the learned extractor (see the module docstring)."""

    def __init__(self, drop_rules: float | None = None, rules_content: bool = False,
                 speech_classes: Sequence[str] = SPEECH_CLASSES,
                 speech_min: float = SPEECH_MIN) -> None:
        self.drop_rules = drop_rules
        self.rules_content = rules_content
        self.speech_classes = frozenset(speech_classes)
        self.speech_min = speech_min

    def _adds_under_speech(self, c: Candidate, doc: DocContext) -> bool:
        """Under ``speech``: only a cue of reported speech or a stated position (not a
        belief, an evidential or an unknown word), of a verb or "according to", that the
        model is sure of, is added to the rules' attributions, and only where it passes the
        tests the rules' own cues pass (:func:`speech_conventions`)."""
        verb = c.verb
        return c.cue_class in self.speech_classes and c.confidence >= self.speech_min and \
            verb is not None and verb.pos_ in ("VERB", "ADP") and speech_conventions(c, doc)

    def __call__(self, doc: DocContext, candidates: list[Candidate]) -> list[Candidate]:
        probs: dict[int, float] = doc.cache.get(PROBS_KEY, {})
        learned = [c for c in candidates if c.provenance == LEARNED]
        # the other sources' candidates are reconciled as text_order_merge.v1 does (the
        # built-in sources already defer to earlier ones: nothing is dropped among them)
        rules = _RECONCILE._reconcile([c for c in candidates if c.provenance != LEARNED])
        drop = self.drop_rules if self.drop_rules is not None else 0.0
        speech = doc.settings.scheme == "speech"
        if speech:
            drop = 0.0  # speech: every rules' candidate stands; the model only adds
        by_verb = {c.verb.i: n for n, c in enumerate(learned) if c.verb is not None}
        keep_learned = [True] * len(learned)
        kept: list[Candidate] = []
        for r in rules:
            if r.continuation or r.verb is None:
                kept.append(r)
                continue
            n = by_verb.get(r.verb.i)
            if r.kind == "direct":
                if n is not None:
                    keep_learned[n] = False
                kept.append(r)
                continue
            if n is not None:
                if speech:  # saidwhat's own span conventions: the rules' candidate stays
                    keep_learned[n] = False
                    kept.append(r)
                    continue
                if self.rules_content:  # the rules' content span, the model's cue and source
                    learned[n].content, learned[n].kind = r.content, r.kind
                elif learned[n].content == r.content:
                    learned[n].kind = r.kind
                continue  # the learned candidate of the same cue replaces it
            if probs.get(r.verb.i, 1.0) < drop:
                continue
            kept.append(r)
        direct = SpanIndex(r.content for r in kept if r.kind == "direct")
        seen = {r.content for r in kept}
        for n, c in enumerate(learned):
            if not keep_learned[n] or c.content in seen:
                continue
            if speech and not self._adds_under_speech(c, doc):
                continue
            s, e = c.content
            if direct.covered(s, e) > 0.5 * (e - s):
                continue
            seen.add(c.content)
            kept.append(c)
        kept.sort(key=lambda r: r.content[0])
        return kept


@registry.sources("learned_cues.v1")
def make_learned_cues(model: str = "", cue_threshold: float = -1.0,
                      source_threshold: float = -1.0) -> LearnedCues:
    """``model``: a model folder (empty: the shipped one); thresholds < 0: the model's."""
    loaded = load_model(Path(model) if model else None)
    return LearnedCues(loaded, None if cue_threshold < 0 else cue_threshold,
                       None if source_threshold < 0 else source_threshold)


@registry.mergers("learned_merge.v1")
def make_learned_merge(model: str = "", drop_rules: float = -1.0,
                       rules_content: int = -1, speech_classes: str = ",".join(SPEECH_CLASSES),
                       speech_min: float = SPEECH_MIN) -> LearnedMerge:
    """``drop_rules`` < 0 and ``rules_content`` < 0: the model's choice; ``speech_classes``
    (comma-separated) and ``speech_min``: what the model may add under ``--scheme speech``."""
    loaded = load_model(Path(model) if model else None)
    if drop_rules < 0:
        drop_rules = loaded.drop_threshold
    if rules_content < 0:
        rules_content = int(loaded.thresholds.get("rules_content", 0))
    return LearnedMerge(drop_rules, bool(rules_content),
                        tuple(x.strip() for x in speech_classes.split(",") if x.strip()),
                        speech_min)
