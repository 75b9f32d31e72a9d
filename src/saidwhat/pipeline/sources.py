"""The built-in candidate sources, registered in ``saidwhat.sources``:

* ``direct_quotes.v1`` (:class:`DirectQuotes`) -- quotations from the marks, with the cue
  beside them, "According to Name, ‘…’", a ``Name: ‘…’`` colon, a cue paragraph "Name
  added:" before, or going on from the previous quotation's speaker;
* ``cue_speech.v1`` (:class:`CueSpeech`) -- indirect and mixed speech from cue verbs in the
  parse ("said that …", "according to …", "called for …");
* ``name_colon.v1`` (:class:`NameColon`) -- headline and transcript lines "Jane Doe: words";
* ``cue_colon.v1`` (:class:`CueColon`) -- a paragraph "The governor added:" introducing the
  next one, a block quotation whose marks a web page's markup kept and the text lost;
* ``noun_cues.v1`` (:class:`NounCues`) -- a speech noun with its that-clause: "warnings from
  his lawyer that …", "her claim that …", "persisted in arguments that …".

:func:`classify_quotes` (run once per document, before the sources) splits the quotations
into whole ones (speech) and quoted fragments inside a clause.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from ..config import registry
from ..lang import LanguagePack
from ..settings import Settings
from .candidates import Candidate, DocContext
from .cues import (
    Cue,
    find_cue_near,
    find_cues,
    is_cue_verb,
    named_author,
    subject_of,
    token_index_at,
)
from .intervals import SpanIndex
from .quotes import QuoteSpan


def _prev_char(text: str, i: int) -> str:
    i -= 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else "\n"


def _next_word_lower(text: str, i: int) -> bool:
    while i < len(text) and text[i] in " \t,":
        i += 1
    return i < len(text) and text[i].islower()


def is_full_quote(text: str, q: QuoteSpan, sdoc: Doc, lang: LanguagePack,
                  settings: Settings) -> bool:
    """A whole quotation (direct speech), not a quoted fragment inside a clause."""
    prev = _prev_char(text, q.open_start)
    content = text[q.start:q.end]
    words = content.split()
    if prev == "\n" or prev in ".!?":
        # a paragraph or sentence of its own; short title-like strings are not speech
        return len(words) >= settings.full_quote_min_words or content.rstrip()[-1:] in ".!?,"
    if prev in lang.full_quote_after:
        return content[:1].isupper() or len(words) >= settings.full_quote_after_colon_min_words
    # said “We will …” : a whole quotation right after the cue
    span = sdoc.char_span(max(0, q.open_start - settings.quote_verb_lookback_chars),
                          q.open_start, alignment_mode="contract")
    if span is not None and len(span) and content[:1].isupper() and \
            len(words) >= settings.full_quote_min_words:
        last = span[-1]
        if last.pos_ == "VERB" and last.lemma_.lower() in lang.quote_introducing_verbs:
            return True
    # "… ― Ann Lee “We …” ― Tom Hale": a quotation signed with a dash and a name
    return content[:1].isupper() and \
        dash_source(sdoc, q, lang, settings.name_colon_max_name_tokens) is not None


def classify_quotes(ctx: DocContext) -> None:
    """Fill ``ctx.full_quotes``, ``ctx.fragments`` and ``ctx.full_index`` from ``ctx.quotes``."""
    for q in ctx.quotes:
        full = is_full_quote(ctx.text, q, ctx.sdoc, ctx.lang, ctx.settings)
        (ctx.full_quotes if full else ctx.fragments).append(q)
    ctx.full_index = SpanIndex((q.start, q.end) for q in ctx.full_quotes)


def cue_tokens(verb: Token, lang: LanguagePack) -> list[Token]:
    """The cue verb with its particles ("pointed out")."""
    prt = lang.labels.prt
    return [verb] + [c for c in verb.children if c.dep_ == prt]


# ------------------------------------------------------------------------ direct quotes

class DirectQuotes:
    """Quotations from the marks: the nearest cue verb beside the marks (right first when
    the quotation ends in ``,?!-`` or lower case follows), else a name and colon before it,
    else the previous quotation's speaker (a quotation opening a sentence or paragraph
    within ``continuation_max_paragraphs``)."""

    name = "direct_quotes"

    def __init__(self, confidence: float = 1.0) -> None:
        self.confidence = confidence

    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]:
        sdoc, text, lang, settings = doc.sdoc, doc.text, doc.lang, doc.settings
        full_index = doc.full_index
        out: list[Candidate] = []
        prev: Candidate | None = None
        for n, q in enumerate(doc.full_quotes):
            if n % 64 == 63:
                doc.check()
            content = text[q.start:q.end]
            right_first = content[-1:] in lang.right_cue_ends or _next_word_lower(text, q.close_end)
            sides = ("right", "left") if right_first else ("left", "right")
            verb = None
            for side in sides:
                verb = find_cue_near(sdoc, q.open_start, q.close_end, side, lang, settings)
                if verb is not None and full_index.containing(verb.idx):
                    verb = None
                if verb is not None:
                    break
            para = doc.paragraph_of(q.start)
            according = according_before(sdoc, q, lang) if verb is None else None
            if according is not None:
                verb = according[0]
            colon = colon_source(sdoc, q, lang) if verb is None else None
            if colon is None and verb is None:
                colon = dash_source(sdoc, q, lang, settings.name_colon_max_name_tokens)
            if verb is None and colon is None and \
                    not text[doc.paragraphs[para][0]:q.open_start].strip():
                verb = cue_colon_before(doc, para)  # "The governor added:\n\n“…”"
            came = came_from(sdoc, q, lang) if verb is None and colon is None else None
            if came is not None:
                rec = Candidate("direct", (q.start, q.end), list(came[:2]), came[0], came[2], para)
            elif colon is not None:
                rec = Candidate("direct", (q.start, q.end), [colon[0]], None, colon[1], para)
            elif according is not None:
                rec = Candidate("direct", (q.start, q.end), [according[0], according[1]],
                                according[0], according[2], para)
            elif verb is not None:
                rec = Candidate("direct", (q.start, q.end), cue_tokens(verb, lang), verb,
                                subject_of(verb, lang, settings.subject_max_hops) or
                                _inverted_object_subject(verb, q, lang), para)
            elif prev is not None and \
                    para - prev.paragraph <= settings.continuation_max_paragraphs and \
                    _prev_char(text, q.open_start) in "\n.!?":
                # a cue-less quotation that opens a paragraph or sentence goes on from the last
                # speaker; one inside a sentence ("a film, ‘Title’, which …") is a title
                same_para = para == prev.paragraph
                # ‘A,’ she said. ‘B.’ : B shares A's cue and source; a new paragraph has none
                rec = Candidate("direct", (q.start, q.end), prev.cue if same_para else None,
                                prev.verb if same_para else None,
                                prev.source if same_para else None, para, continuation=True)
            else:
                prev = None
                continue
            rec.provenance, rec.confidence = self.name, self.confidence
            out.append(rec)
            prev = rec
        return out


def according_before(sdoc: Doc, q: QuoteSpan, lang: LanguagePack
                     ) -> tuple[Token, Token, Token] | None:
    """"According to Jane Doe, ‘…’": the phrase right before the opening mark introduces
    the quotation. Returns "according", "to" and the source head."""
    i = token_index_at(sdoc, q.open_start)
    j = i - 1
    while j >= 0 and (sdoc[j].is_space or sdoc[j].text in (",", ":")):
        j -= 1  # the comma after the source
    if j < 0:
        return None
    according_to = lang.word_list("according_to")
    start = max(0, j - 12)
    for t in sdoc[start:j + 1]:
        if t.lower_ != "according":
            continue
        to = next((c for c in t.children if c.lower_ in according_to), None)
        if to is None and t.i + 1 < len(sdoc) and sdoc[t.i + 1].lower_ in according_to:
            to = sdoc[t.i + 1]
        if to is None:
            continue
        src = next((c for c in to.children if c.dep_ == lang.labels.pobj), None)
        if src is None or src.right_edge.i != j or "\n" in sdoc[t.i:j + 1].text:
            continue
        return t, to, src
    return None


def cue_colon_before(doc: DocContext, para: int) -> Token | None:
    """The cue verb of the paragraph before ``para`` when that paragraph is a short
    sentence of a speaker and a cue ending in a colon ("The governor added:", "Limbaugh
    told listeners:"), which introduces paragraph ``para`` as the speaker's words."""
    if para == 0 or para >= len(doc.paragraphs):
        return None
    ps, pe = doc.paragraphs[para - 1]
    text = doc.text
    end = pe
    while end > ps and text[end - 1].isspace():
        end -= 1
    if end <= ps or text[end - 1] != ":":
        return None
    span = doc.sdoc.char_span(ps, end - 1, alignment_mode="contract")
    if span is None or not 2 <= len(span) <= doc.settings.cue_colon_max_tokens:
        return None
    lang = doc.lang
    for tok in span:
        if tok.dep_ == lang.labels.root and is_cue_verb(tok, lang) and \
                subject_of(tok, lang, doc.settings.subject_max_hops) is not None:
            return tok
    return None


def _inverted_object_subject(verb: Token, q: QuoteSpan, lang: LanguagePack) -> Token | None:
    """"‘…?’ asked Jane Doe.": after the quotation, the parser may take the inverted subject
    of a cue verb for its object; the name that ends the sentence is the speaker."""
    lab = lang.labels
    if verb.idx < q.close_end:
        return None
    for c in verb.children:
        if c.dep_ == lab.dobj and c.i > verb.i and c.pos_ == "PROPN":
            end = c.right_edge.i + 1
            doc = verb.doc
            if end >= len(doc) or doc[end].is_punct and doc[end].text in ".!" or \
                    doc[end].is_space:
                return c
    return None


def came_from(sdoc: Doc, q: QuoteSpan, lang: LanguagePack) -> tuple[Token, Token, Token] | None:
    """"‘…’ The words came from Jane Doe, a teacher.": the sentence right after the
    quotation names its speaker. Returns the verb, the preposition and the source head."""
    lab = lang.labels
    come, from_ = lang.word_list("come_from")
    i = token_index_at(sdoc, q.close_end)
    while i < len(sdoc) and (sdoc[i].idx < q.close_end or sdoc[i].is_space or
                             sdoc[i].is_punct):
        i += 1
    if i >= len(sdoc):
        return None
    root = sdoc[i].sent.root
    if root.lemma_.lower() != come or not any(
            c.dep_ == lab.nsubj and c.lemma_.lower() in lang.word_list("quote_nouns")
            for c in root.children):
        return None
    for prep in root.children:
        if prep.dep_ == lab.prep and prep.lower_ == from_:
            pobj = next((c for c in prep.children if c.dep_ == lab.pobj), None)
            if pobj is not None:
                return root, prep, pobj
    return None


def colon_source(sdoc: Doc, q: QuoteSpan, lang: LanguagePack) -> tuple[Token, Token] | None:
    """"Pollster Jane Doe: ‘…’": a name right before a colon introduces the quotation."""
    text = sdoc.text
    lab = lang.labels
    i = q.open_start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] != ":":
        return None
    span = sdoc.char_span(i, i + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    colon, before = span[0], sdoc[span.start - 1]
    if before.pos_ not in ("PROPN", "NOUN") or before.is_space:
        return None
    head = before
    while head.dep_ in (lab.compound, lab.flat) and head.head.i > head.i and \
            head.head.i < colon.i:
        head = head.head
    if head.sent.start != colon.sent.start and head.i < colon.sent.start:
        return None
    return colon, head


def dash_source(sdoc: Doc, q: QuoteSpan, lang: LanguagePack, max_name_tokens: int
                ) -> tuple[Token, Token] | None:
    """"“…” — Jane Doe": a dash after the closing mark and a name that ends the line (or is
    followed by a comma, a period or a bracket: "— Jane Doe, 34, Phoenix") attribute the
    quotation to the name, as epigraphs and vox-pop lists do."""
    text = sdoc.text
    i = q.close_end
    while i < len(text) and text[i] in " \t":
        i += 1
    if i >= len(text) or text[i] not in lang.dashes:
        return None
    span = sdoc.char_span(i, i + 1, alignment_mode="expand")
    if span is None or span.end >= len(sdoc):
        return None
    dash = span[0]
    name: list[Token] = []
    for t in sdoc[span.end:span.end + max_name_tokens + 1]:
        if t.is_space or t.text in ",.(" or t.text in lang.dashes or \
                t.text[:1] in lang.quote_openers:
            break
        word = t.text.rstrip(".").isalpha()  # "Diaz", and an initial "A."
        if not (word or t.text in "-'’") or word and not t.text[:1].isupper():
            return None
        name.append(t)
    if len(name) > max_name_tokens:
        return None  # the name runs on: a sentence, not an attribution line
    if not name or not any(t.pos_ == "PROPN" or t.ent_type_ for t in name):
        return None
    end = name[-1]
    after = sdoc[end.i + 1] if end.i + 1 < len(sdoc) else None
    if after is not None and not (after.is_space or "\n" in end.whitespace_ or
                                  after.text in ",.(" or after.text[:1] in lang.quote_openers):
        return None  # the next quotation may follow on the same line
    return dash, end


# ------------------------------------------------------------------------- name: words

class NameColon:
    """Headline and transcript convention: "Jane Doe: We will win" (no quotation marks).
    Defers to text already taken by earlier sources."""

    name = "name_colon"

    def __init__(self, confidence: float = 1.0) -> None:
        self.confidence = confidence

    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]:
        sdoc, text, lang, settings = doc.sdoc, doc.text, doc.lang, doc.settings
        out = []
        taken = SpanIndex(r.content for r in prior)
        labels = lang.name_colon_entity_labels
        for n, (ps, pe) in enumerate(doc.paragraphs):
            colon = text.find(":", ps, min(pe, ps + settings.name_colon_max_chars))
            if colon < 0:
                continue
            rest_start = colon + 1
            while rest_start < pe and text[rest_start] in " \t":
                rest_start += 1
            rest_end = pe
            while rest_end > rest_start and (text[rest_end - 1].isspace() or
                                             text[rest_end - 1] == "."):
                rest_end -= 1
            if len(text[rest_start:rest_end].split()) < settings.name_colon_min_words or \
                    text[rest_start] in lang.quote_openers:
                continue  # quotations after a colon are handled with the direct quotes
            if taken.overlapping(rest_start, rest_end):
                continue
            name_start = ps
            while name_start < colon and text[name_start] in lang.quote_openers:
                name_start += 1  # a transcript line in marks: "WALLACE: …"
            name = sdoc.char_span(name_start, colon, alignment_mode="contract")
            if name is None or not 1 <= len(name) <= settings.name_colon_max_name_tokens:
                continue
            if not all(t.pos_ == "PROPN" or t.text[:1].isupper() and t.is_alpha for t in name):
                continue
            if not any(t.ent_type_ in labels for t in name) and not _named_elsewhere(name, labels):
                continue
            colon_tok = sdoc.char_span(colon, colon + 1, alignment_mode="expand")
            if colon_tok is None:
                continue
            out.append(Candidate("direct", (rest_start, rest_end), [colon_tok[0]], None,
                                 name.root, n, provenance=self.name,
                                 confidence=self.confidence,
                                 source_extent=(name.start, name.end)))
        return out


def _named_elsewhere(name: Span, labels: Sequence[str]) -> bool:
    """Is ``name`` ("Pence" in a headline "Pence: …", where the tagger sees no entity) the
    last word of a person or body the document names elsewhere ("Mike Pence")?"""
    last = name[-1].text.lower()
    return any(e.label_ in labels and e[-1].text.lower() == last and len(e) > len(name)
               for e in name.doc.ents if not (e.start < name.end and name.start < e.end))


class CueColon:
    """A paragraph of a speaker and a cue ending in a colon ("The governor added:")
    introduces the next paragraph as the speaker's words, without quotation marks: a web
    page's block quotation whose markup was lost. Defers to text already taken by earlier
    sources (a next paragraph in quotation marks is the direct quotes')."""

    name = "cue_colon"

    def __init__(self, confidence: float = 1.0) -> None:
        self.confidence = confidence

    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]:
        text, lang = doc.text, doc.lang
        taken = SpanIndex(r.content for r in prior)
        used_verbs = {r.verb.i for r in prior if r.verb is not None}
        out = []
        for n in range(1, len(doc.paragraphs)):
            ps, pe = doc.paragraphs[n]
            start = ps
            while start < pe and text[start].isspace():
                start += 1
            end = pe
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end or text[start] in lang.quote_openers or taken.overlapping(start, end):
                continue
            if len(text[start:end].split()) < doc.settings.content_min_words:
                continue
            verb = cue_colon_before(doc, n)
            if verb is None or verb.i in used_verbs:
                continue
            out.append(Candidate("direct", (start, end), cue_tokens(verb, lang), verb,
                                 subject_of(verb, lang, doc.settings.subject_max_hops), n,
                                 provenance=self.name, confidence=self.confidence))
        return out


# ---------------------------------------------------------------------- indirect speech

class CueSpeech:
    """Indirect and mixed speech from cue verbs in the parse. Defers to earlier sources:
    a cue verb already used by a direct quote, or one inside a quotation (the speaker's own
    words), proposes nothing."""

    name = "cue_speech"

    def __init__(self, confidence: float = 1.0) -> None:
        self.confidence = confidence

    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]:
        used_verbs = {r.verb.i for r in prior if r.verb is not None}
        cues = find_cues(doc.sdoc, doc.check, doc.lang, doc.settings)
        doc.check()
        return self.candidates(doc, cues, used_verbs)

    def candidates(self, doc: DocContext, cues: list[Cue],
                   used_verbs: set[int]) -> list[Candidate]:
        full = doc.full_index
        records = []
        fragment_index = SpanIndex((q.start, q.end) for q in doc.fragments)
        for cue in cues:
            if cue.verb.i in used_verbs or cue.content is None or cue.source is None:
                continue
            if full.containing(cue.verb.idx):
                continue  # a cue inside a quotation is the speaker's own words
            cs, ce = cue.content
            if full.covered(cs, ce) > 0.5 * (ce - cs):
                continue
            mixed = fragment_index.starting_in(cs, ce)
            records.append(Candidate("mixed" if mixed else "indirect", (cs, ce), cue.tokens,
                                     cue.verb, cue.source, doc.paragraph_of(cs),
                                     provenance=self.name, confidence=self.confidence,
                                     cue_class=cue.cue_class, clausal=cue.clausal))
        # A feeling, belief or object-only position reported inside someone's statement is
        # part of that statement ("X said residents felt ignored", "… would offer free
        # supervision"); nested attributions with a clause of their own stay ("X said that
        # Y had claimed …").
        contents = SpanIndex(r.content for r in records)

        def inside_another(r: Candidate) -> bool:
            assert r.verb is not None
            at = r.verb.idx
            return contents.containing(at) > (1 if r.content[0] <= at < r.content[1] else 0)

        def intended(r: Candidate) -> bool:
            # "X said it would campaign against Y": an intention within X's statement, not a
            # position of its own
            assert r.verb is not None
            return not r.clausal and any(c.dep_ == lab.aux and c.tag_ == "MD"
                                         for c in r.verb.children)

        lab = doc.lang.labels
        return [r for r in records if not (r.cue_class == "cognition" or not r.clausal and
                                           r.cue_class != "position" or intended(r))
                or not inside_another(r)]


class NounCues:
    """Indirect speech cued by a noun of reported speech (``speech_nouns.txt``) whose
    that-clause is what was said. The source is the noun's author: "from"/"by" X, a
    possessive ("her claim that …"), or the subject of a verb that voices it ("Democrats
    persisted in arguments that …", ``voicing_verbs.txt``); with none, nothing is proposed
    ("rejected claims that …" names no claimant). Defers to text already taken."""

    name = "noun_cues"

    def __init__(self, confidence: float = 1.0) -> None:
        self.confidence = confidence

    def __call__(self, doc: DocContext, prior: Sequence[Candidate]) -> list[Candidate]:
        lang, sdoc = doc.lang, doc.sdoc
        nouns = lang.read_list("speech_nouns.txt")
        taken = SpanIndex(r.content for r in prior)
        full = doc.full_index
        out = []
        for t in sdoc:
            if t.pos_ != "NOUN" or t.lemma_.lower() not in nouns or full.containing(t.idx):
                continue
            clause = _that_clause(t, lang)
            if clause is None:
                continue
            s, e = clause
            if taken.overlapping(s, e):
                continue
            source = _noun_author(t, lang)
            if source is None:
                continue
            words = [w for w in sdoc.char_span(s, e, alignment_mode="expand") or ()
                     if not w.is_punct and not w.is_space]
            if len(words) < doc.settings.content_min_words + 1:
                continue
            out.append(Candidate("indirect", (s, e), [t], t, source, doc.paragraph_of(s),
                                 provenance=self.name, confidence=self.confidence))
            doc.check()
        return out


def _that_clause(noun: Token, lang: LanguagePack) -> tuple[int, int] | None:
    """Character span of the noun's that-clause ("claim [that the water was unsafe]")."""
    lab = lang.labels
    that = lang.word_list("that")
    for c in noun.children:
        if c.dep_ not in (lab.acl, lab.ccomp, lab.relcl) or c.i < noun.i:
            continue
        mark = next((g for g in c.children if g.dep_ == lab.mark and g.lower_ in that), None)
        if mark is not None:
            return _clause_from(c, mark)
    # the small parser often hangs the clause on the sentence's verb ("despite warnings
    # from his lawyer that the hearing was pointless"): a "that" right after the noun's
    # phrase still opens what was said
    after = max(w.i for w in noun.subtree) + 1
    doc = noun.doc
    if after < len(doc) and doc[after].text == ",":
        after += 1  # "warnings from his lawyer, Jane Doe, that …"
    if after < len(doc) and doc[after].lower_ in that and doc[after].dep_ == lab.mark and \
            doc[after].head.i > after and doc[after].head.dep_ != lab.root:
        return _clause_from(doc[after].head, doc[after])
    return None


def _clause_from(clause: Token, mark: Token) -> tuple[int, int]:
    """Character span of ``clause``'s words from ``mark`` on, trailing punctuation out."""
    last = max(w.i for w in clause.subtree)
    doc = clause.doc
    while doc[last].is_punct and last > mark.i:
        last -= 1
    return mark.idx, doc[last].idx + len(doc[last])


def _noun_author(noun: Token, lang: LanguagePack) -> Token | None:
    """Who voiced a speech noun: as its phrase names them (:func:`named_author`), or the
    subject of a verb that voices it ("Democrats persisted in arguments that …")."""
    lab = lang.labels
    found = named_author(noun, lang)
    if found is not None and (found.dep_ == lab.poss or found.head.i < noun.i + 4):
        return found
    head = noun.head
    if noun.dep_ == lab.pobj and head.dep_ == lab.prep:
        head = head.head  # "persisted in arguments"
    elif noun.dep_ != lab.dobj:
        return None
    if head.pos_ != "VERB" or head.lemma_.lower() not in lang.read_list("voicing_verbs.txt"):
        return None
    return next((c for c in head.children if c.dep_ == lab.nsubj), None)


@registry.sources("direct_quotes.v1")
def make_direct_quotes(confidence: float = 1.0) -> DirectQuotes:
    return DirectQuotes(confidence)


@registry.sources("cue_speech.v1")
def make_cue_speech(confidence: float = 1.0) -> CueSpeech:
    return CueSpeech(confidence)


@registry.sources("cue_colon.v1")
def make_cue_colon(confidence: float = 1.0) -> CueColon:
    return CueColon(confidence)


@registry.sources("name_colon.v1")
def make_name_colon(confidence: float = 1.0) -> NameColon:
    return NameColon(confidence)


@registry.sources("noun_cues.v1")
def make_noun_cues(confidence: float = 1.0) -> NounCues:
    return NounCues(confidence)
