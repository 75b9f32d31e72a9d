"""Features and candidates of the learned attribution model, over a spaCy parse.

Cue-first, as BBC's citron does on PARC: every token that may be a cue (a verb, a noun, an
adjective, "according") gets cue features (:func:`cue_features`); around a cue, content
spans (:func:`content_candidates`: its clausal complement, object, infinitive, the phrase
after a preposition, the rest of the sentence, an adjacent quotation, the text after a
colon, the rules' span) and source heads (:func:`source_candidates`: its subject, the agent
of a passive, a possessor, the object of "according to", the noun a relative clause hangs
from, the rules' source) are generated, each with features for a linear ranker. Features
are strings; :class:`saidwhat.learned.model.LinearModel` turns them into weights.

Pure and the same at training and at run time: both call these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..lang import LanguagePack
from ..pipeline.candidates import Candidate, DocContext
from ..pipeline.cues import mention_span, subject_of, subtree_extent

CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ", "ADP", "ADV"})
CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "advcl", "attr", "oprd", "acl", "pcomp",
                          "parataxis", "dep", "conj", "relcl", "acomp", "npadvmod"})
FIRST_WORDS = frozenset({"that", "to", "whether", "if", "how", "what", "why", "when", "who",
                         "which", "where", "the", "a", "an", "he", "she", "they", "it", "we",
                         "i", "there", "his", "her", "their"})
SOURCE_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent", "dobj", "dative", "appos"})
NP_INNER_DEPS = frozenset({"compound", "amod", "case", "det", "nummod", "quantmod", "advmod"})
NP_JOIN_DEPS = frozenset({"appos", "conj"})  # a source head climbs these to a nominal head
NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
TIME_ENTS = frozenset({"DATE", "TIME"})  # "said [Monday]" is never the source
DATELINE_ENTS = TIME_ENTS | {"GPE"}  # what an apposition never climbs to
CLAUSE_DEPS = frozenset({"ccomp", "acl", "relcl", "advcl", "xcomp", "csubj"})
QUOTE_WINDOW = 4  # tokens between a quotation's marks and its cue
ENT_WINDOW = 12  # tokens around a cue where a named entity may be its source


def _bucket(n: int) -> str:
    for b in (1, 2, 3, 5, 8, 13, 21, 34, 55):
        if n <= b:
            return str(b)
    return "big"


@dataclass(slots=True)
class DocFeatures:
    """Per-document lookups shared by the feature functions."""

    sdoc: Doc
    text: str
    lang: LanguagePack
    quote_at: list[int] = field(default_factory=list)  # token -> index into quotes or -1
    quotes: list[tuple[int, int, int, int]] = field(default_factory=list)  # open, s, e, close
    rules: dict[int, list[Candidate]] = field(default_factory=dict)  # verb token -> candidates

    @classmethod
    def of(cls, ctx: DocContext, prior: Sequence[Candidate] = ()) -> DocFeatures:
        sdoc = ctx.sdoc
        quotes = sorted((q.open_start, q.start, q.end, q.close_end) for q in ctx.quotes)
        at = [-1] * len(sdoc)
        if quotes:
            qi = 0
            for t in sdoc:
                while qi < len(quotes) and quotes[qi][3] <= t.idx:
                    qi += 1
                if qi < len(quotes) and quotes[qi][0] <= t.idx < quotes[qi][3]:
                    at[t.i] = qi
        rules: dict[int, list[Candidate]] = {}
        for c in prior:
            if c.verb is not None and not c.continuation:
                rules.setdefault(c.verb.i, []).append(c)
        return cls(sdoc, ctx.text, ctx.lang, at, quotes, rules)


def is_cue_candidate(tok: Token) -> bool:
    return tok.pos_ in CUE_POS and not tok.is_space and tok.is_alpha


def cue_features(tok: Token, df: DocFeatures) -> list[str]:
    lang = df.lang
    lemma = tok.lemma_.lower()
    pos, dep = tok.pos_, tok.dep_
    head = tok.head
    f = ["b", f"l={lemma}", f"p={pos}", f"t={tok.tag_}", f"d={dep}", f"l|p={lemma}|{pos}",
         f"d|p={dep}|{pos}", f"hp={head.pos_}", f"hd={head.dep_}|{dep}"]
    if head.i != tok.i:
        f.append(f"hl={head.lemma_.lower()}")
        f.append(f"hl|d={head.lemma_.lower()}|{dep}")
    lex = lang.lexicons.cues.get(lemma)
    if lex is not None:
        f.append(f"lex={lex[0]}")
        f.append(f"lex|p={lex[0]}|{pos}")
    deps = set()
    for c in tok.children:
        deps.add(c.dep_)
        if c.dep_ in ("prep", "prt", "aux", "auxpass", "mark", "neg", "agent"):
            f.append(f"c{c.dep_}={c.lower_}")
            f.append(f"l|c{c.dep_}={lemma}|{c.lower_}")
        if c.dep_ in ("nsubj", "nsubjpass"):
            f.append(f"subj={c.pos_}|{c.ent_type_}")
            f.append(f"subjl={c.lemma_.lower()}")  # "experts say", "records show"
            f.append(f"l|subj={lemma}|{c.pos_}|{c.ent_type_}")
        elif c.dep_ in ("dobj", "xcomp", "attr"):  # "make [claim]", "decline [to comment]"
            f.append(f"c{c.dep_}l={c.lemma_.lower()}")
            f.append(f"l|c{c.dep_}l={lemma}|{c.lemma_.lower()}")
        if c.dep_ in CLAUSE_DEPS and c.i > tok.i:  # how a clause after it opens: "claim [that]"
            w = c.left_edge.lower_ if c.left_edge.dep_ in ("mark", "aux", "advmod") else c.dep_
            f.append(f"copen={c.dep_}|{w}")
            f.append(f"l|copen={lemma}|{w}")
    for d in deps:
        f.append(f"cd={d}")
        f.append(f"l|cd={lemma}|{d}")
    f.append(f"l|hp={lemma}|{head.pos_}")
    doc = tok.doc
    prev = doc[tok.i - 1].lower_ if tok.i > 0 else "<s>"
    nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else "</s>"
    f += [f"prev={prev}", f"next={nxt}", f"l|next={lemma}|{nxt}", f"l|prev={lemma}|{prev}"]
    q = df.quote_at[tok.i] if df.quote_at else -1
    if q >= 0:
        f.append("inq")
    near = _near_quotes(tok, df)
    for side in near:
        f.append(f"nq={side}")
        f.append(f"l|nq={lemma}|{side}")
    if tok.i in df.rules:
        f.append("rules")
    return f


def _near_quotes(tok: Token, df: DocFeatures) -> list[str]:
    """Which sides of ``tok`` a quotation ends or starts within a few tokens."""
    doc = tok.doc
    out = []
    lo = max(0, tok.i - QUOTE_WINDOW)
    hi = min(len(doc), tok.i + QUOTE_WINDOW + 1)
    at = df.quote_at
    if at:
        if any(at[j] >= 0 and at[tok.i] != at[j] for j in range(lo, tok.i)):
            out.append("left")
        if any(at[j] >= 0 and at[tok.i] != at[j] for j in range(tok.i + 1, hi)):
            out.append("right")
    return out


# ---------------------------------------------------------------------------- content


def _trim(doc: Doc, s: int, e: int) -> tuple[int, int] | None:
    """Token range ``s..e`` (end exclusive) as characters, without edge spaces and
    punctuation other than closing quotation marks; None when nothing is left."""
    while e > s and (doc[e - 1].is_space or doc[e - 1].is_punct and
                     doc[e - 1].text not in "’”\"'"):
        e -= 1
    while s < e and (doc[s].is_space or doc[s].is_punct and doc[s].text not in "‘“\"'"):
        s += 1
    if e <= s:
        return None
    return doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)


def content_candidates(tok: Token, df: DocFeatures) -> dict[tuple[int, int], list[str]]:
    """Content spans (characters) around the cue ``tok``, each with the kinds that gave it."""
    doc = tok.doc
    out: dict[tuple[int, int], list[str]] = {}

    def add(span: tuple[int, int] | None, kind: str) -> None:
        if span is not None and span[1] > span[0]:
            out.setdefault(span, []).append(kind)

    lo_t, hi_t = subtree_extent(tok)
    for c in tok.children:
        if c.dep_ in CONTENT_DEPS:
            a, b = subtree_extent(c)
            add(_trim(doc, a, b + 1), f"c:{c.dep_}")
            if c.i > tok.i:
                add(_trim(doc, tok.i + 1, b + 1), f"cr:{c.dep_}")
            _variants(c, a, b, f"{c.dep_}", add)
        elif c.dep_ == "nsubjpass":  # "[The story] was first reported by the Post"
            a, b = subtree_extent(c)
            add(_trim(doc, a, b + 1), "c:nsubjpass")
        elif c.dep_ in ("prep", "agent") and c.i > tok.i:
            for o in c.children:
                if o.dep_ in ("pobj", "pcomp"):
                    a, b = subtree_extent(o)
                    add(_trim(doc, a, b + 1), f"p:{c.lower_}")
                    _variants(o, a, b, f"p:{c.lower_}", add)
    sent = tok.sent
    # the rest of the sentence beside the cue's own phrase ("…, she said", "said …")
    add(_trim(doc, sent.start, lo_t), "s:left")
    add(_trim(doc, hi_t + 1, sent.end), "s:right")
    add(_trim(doc, tok.i + 1, sent.end), "s:after")
    head = tok.head
    if head.i != tok.i:
        a, b = subtree_extent(head)
        if lo_t > a:
            add(_trim(doc, a, lo_t), f"h:left:{tok.dep_}")
        if hi_t < b:
            add(_trim(doc, hi_t + 1, b + 1), f"h:right:{tok.dep_}")
    # a colon after the cue: "said: …"
    for j in range(tok.i + 1, min(sent.end, tok.i + 6)):
        if doc[j].text in (":", "—", "–"):
            add(_trim(doc, j + 1, sent.end), "colon")
            break
    # adjacent quotations (their text without the marks)
    if df.quotes:
        at = df.quote_at
        seen = set()
        for j in range(max(0, tok.i - QUOTE_WINDOW), min(len(doc), tok.i + QUOTE_WINDOW + 1)):
            q = at[j]
            if q >= 0 and q != at[tok.i] and q not in seen:
                seen.add(q)
                _o, s, e, _c = df.quotes[q]
                add((s, e), "q:left" if j < tok.i else "q:right")
    # the text after the cue's own modifiers ("said [on Monday] [in a statement] that …")
    p = tok.i + 1
    for c in sorted((c for c in tok.children if c.i > tok.i), key=lambda c: c.i):
        a, b = subtree_extent(c)
        if a != p or c.dep_ not in CUE_MOD_DEPS:
            break
        p = b + 1
    if p > tok.i + 1 and p < sent.end:
        add(_trim(doc, p, sent.end), "m:after")
    for r in df.rules.get(tok.i, ()):
        add(r.content, f"rules:{r.kind}")
    _edge_variants(doc, tok, out, add)
    return out


SET_OFF = frozenset({",", "—", "–"})


def parenthetical_parts(tok: Token, span: tuple[int, int]) -> list[tuple[int, int]] | None:
    """Both sides of a cue phrase set off inside its sentence ("The plan, she said, is dead"),
    when the chosen content ``span`` is one of them: PARC annotates the content as the two
    parts around the cue. None otherwise (the cue heads the sentence, or no commas)."""
    doc = tok.doc
    if tok.head.i == tok.i or tok.dep_ not in ("parataxis", "advcl", "ccomp", "conj", "dep"):
        return None
    lo_t, hi_t = subtree_extent(tok)
    sent = tok.sent
    if lo_t <= sent.start or hi_t + 1 >= sent.end:
        return None
    # the commas may belong to the cue's subtree or lie just outside it
    if doc[lo_t].text not in SET_OFF and doc[lo_t - 1].text not in SET_OFF or \
            doc[hi_t].text not in SET_OFF and doc[hi_t + 1].text not in SET_OFF:
        return None
    start = sent.start
    while start < lo_t and (doc[start].pos_ == "CCONJ" or doc[start].is_punct):
        start += 1  # PARC leaves a leading "But"/"And" out of the content
    left = _trim(doc, start, lo_t)
    right = _trim(doc, hi_t + 1, sent.end)
    if left is None or right is None:
        return None
    if span[0] == right[0]:  # the ranker chose the right part: keep its end
        return [left, span]
    if span == left:
        return [left, right]
    return None


CUE_MOD_DEPS = frozenset({"advmod", "npadvmod", "prep", "agent", "dative", "prt", "neg",
                          "punct"})
CUT_DEPS = frozenset({"relcl", "appos", "advcl", "conj", "acl", "npadvmod", "cc", "prep"})
CUT_WORDS = frozenset({"who", "which", "when", "while", "and", "as", "after", "because",
                       "but", "where", "before", "although", "since"})
MAX_CUTS = 4  # end cuts per candidate


def _edge_variants(doc: Doc, tok: Token, out: dict[tuple[int, int], list[str]],
                   add: Callable[[tuple[int, int] | None, str], None]) -> None:
    """Start and end adjustments of every candidate, where PolNeAR's spans differ most
    often from the parse's phrases (measured on PolNeAR train): without a leading
    preposition ("about [the cancellation]") or "to"; from a "that" after leading
    modifiers ("in 2001 [that he had …]"); and cut before a comma that opens a relative
    clause, apposition, participle or coordinated clause ("[a ban …], which he said …")."""
    from ..pipeline.cues import token_index_at

    for (s, e), kinds in list(out.items()):
        base = kinds[0].split(":")[0]
        a = token_index_at(doc, s)
        b = token_index_at(doc, e - 1)
        if a < 0 or b < a:
            continue
        first = doc[a]
        if first.pos_ == "ADP" or first.lower_ == "to" and first.pos_ == "PART":
            add(_trim(doc, a + 1, b + 1), f"x:lead:{base}")
        for j in range(a + 1, min(b, a + 8)):
            if doc[j].dep_ == "mark" and doc[j].lower_ in ("that", "whether", "if"):
                add(_trim(doc, j, b + 1), f"x:mark:{base}")
                break
        cuts = 0
        for j in range(a + 1, b):
            if cuts >= MAX_CUTS:
                break
            t = doc[j]
            if t.lower_ in CUT_WORDS and doc[j - 1].text != ",":
                add(_trim(doc, a, j), f"x:cutw:{base}")
                cuts += 1
            elif t.text in (",", "—", "–", ";", "(") and j + 1 <= b:
                nxt = r = doc[j + 1]
                for _ in range(6):  # the phrase the comma opens: climb while inside it
                    if r.head.i == r.i or not j < r.head.i <= b:
                        break
                    r = r.head
                if r.dep_ in CUT_DEPS or nxt.lower_ in ("which", "who", "whom", "whose",
                                                        "where"):
                    add(_trim(doc, a, j), f"x:cut:{base}")
                    cuts += 1


INNER_DEPS = frozenset({"dobj", "pobj", "pcomp", "xcomp", "ccomp", "acomp", "attr", "advcl",
                        "prep", "oprd"})
TRAILING_DEPS = frozenset({"relcl", "advcl", "conj", "prep", "npadvmod", "acl", "appos",
                           "punct", "cc"})


def _variants(c: Token, a: int, b: int, label: str,
              add: Callable[[tuple[int, int] | None, str], None]) -> None:
    """Nearby variants of the subtree ``a..b`` of ``c``: one level down (the phrase under
    a leading verb or preposition, "endorsing [Donald Trump]"), and without its last
    trailing modifier ("…, in which …")."""
    doc = c.doc
    for g in c.children:
        if g.dep_ in INNER_DEPS and g.i > c.i:
            ga, gb = subtree_extent(g)
            add(_trim(doc, ga, gb + 1), f"g:{label}:{g.dep_}")
            if gb < b:
                add(_trim(doc, ga, b + 1), f"gr:{label}:{g.dep_}")
    right = [g for g in c.children if g.i > c.i]
    if right:
        last = right[-1]
        if last.dep_ in TRAILING_DEPS:
            la = subtree_extent(last)[0]
            if la > a:
                add(_trim(doc, a, la), f"t:{label}:{last.dep_}")


def content_features(tok: Token, span: tuple[int, int], kinds: list[str],
                     df: DocFeatures, n_cands: int, longest: bool) -> list[str]:
    lemma = tok.lemma_.lower()
    text = df.text
    s, e = span
    words = text[s:e].split()
    first = words[0].strip("‘“\"'(").lower() if words else ""
    f = ["b", f"n={_bucket(len(words))}", f"nk={min(len(kinds), 4)}",
         f"first={first if first in FIRST_WORDS else '_'}",
         f"dir={'left' if e <= tok.idx else 'right' if s > tok.idx else 'over'}"]
    if longest:
        f.append("longest")
    f.append(f"nc={_bucket(n_cands)}")
    if any(ch in text[s:e] for ch in "“”\"‘’"):
        f.append("hasq")
    if "\n" in text[s:e]:
        f.append("nl")
    # the span's edges: its first and last tokens, and the tokens just outside it
    sdoc = tok.doc
    a = token_at(sdoc, s)
    b = token_at(sdoc, e - 1)
    ft, lt = sdoc[a], sdoc[b]
    before = sdoc[a - 1] if a > 0 else None
    after = sdoc[b + 1] if b + 1 < len(sdoc) else None
    f += [f"fp={ft.pos_}|{ft.dep_}", f"lp={lt.pos_}|{lt.dep_}",
          f"bef={_edge(before)}", f"aft={_edge(after)}",
          f"hd={ft.head.i == tok.i}|{ft.dep_}"]
    if ft.is_sent_start:
        f.append("sent_start")
    if after is None or after.is_sent_start or after.i + 1 < len(sdoc) and \
            sdoc[after.i + 1].is_sent_start:
        f.append("sent_end")
    for k in kinds:
        f += [f"k={k}", f"k|l={k}|{lemma}", f"k|p={k}|{tok.pos_}", f"k|d={k}|{tok.dep_}",
              f"k|n={k}|{_bucket(len(words))}", f"k|first={k}|{first if first in FIRST_WORDS else '_'}"]
    return f + _edge_conjunctions(tok, sdoc, a, b, kinds, df)


def _edge_conjunctions(tok: Token, sdoc: Doc, a: int, b: int, kinds: list[str],
                       df: DocFeatures) -> list[str]:
    """Where the span ``a..b`` (tokens) starts and stops, in combination: the words just
    outside each edge (two after the end: the word a comma opens, "which", "saying"), the
    edge tokens' tags, each against the first generator's kind and the cue's lemma; whether
    the span holds the cue or its subject; its verbs; unbalanced quotation marks."""
    ft, lt = sdoc[a], sdoc[b]
    n = len(sdoc)
    after = sdoc[b + 1] if b + 1 < n else None
    after2 = sdoc[b + 2] if b + 2 < n else None
    before = sdoc[a - 1] if a > 0 else None
    base = kinds[0].split(":")[0]
    aft, aft2, bef = _edge(after), _edge2(after2), _edge(before)
    lemma = tok.lemma_.lower()
    out = [f"a2={aft}|{aft2}", f"ft={ft.tag_}", f"lt={lt.tag_}", f"ft|lt={ft.tag_}|{lt.tag_}",
           f"b|a={bef}|{aft}", f"kb|a2={base}|{aft}|{aft2}", f"kb|bef={base}|{bef}",
           f"kb|ft={base}|{ft.tag_}", f"kb|lt={base}|{lt.tag_}", f"l|ft={lemma}|{ft.tag_}",
           f"l|bef={lemma}|{bef}", f"l|a={lemma}|{aft}", f"fdep={ft.dep_}|{ft.head.pos_}"]
    subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subj and a <= subj[0].i <= b:
        out.append("has_subj")
    if a <= tok.i <= b:
        out.append("has_cue")
    out.append(f"verbs={_bucket(sum(1 for t in sdoc[a:b + 1] if t.pos_ == 'VERB'))}")
    text = df.text[ft.idx:lt.idx + len(lt.text)]
    opens = text.count("“") + text.count("‘")
    closes = text.count("”") + text.count("’") - text.count("’s") - text.count("n’t")
    if opens or closes:
        out.append(f"qbal={'y' if opens == closes else 'open' if opens > closes else 'close'}")
    return out


def _edge2(t: Token | None) -> str:
    """The second word after a span: its tag when it opens a participle or relative clause."""
    if t is not None and t.tag_ in ("VBG", "VBN", "WDT", "WP", "WRB"):
        return t.tag_
    return _edge(t)


def _edge(t: Token | None) -> str:
    if t is None:
        return "<>"
    if t.is_punct or t.is_space or t.lower_ in FIRST_WORDS or t.pos_ in ("ADP", "SCONJ", "CCONJ",
                                                                          "AUX", "PART"):
        return t.lower_.strip() or "sp"
    return t.pos_


def token_at(sdoc: Doc, char: int) -> int:
    """Index of the token holding character ``char``."""
    from ..pipeline.cues import token_index_at

    return token_index_at(sdoc, char)


# ----------------------------------------------------------------------------- source


def source_candidates(tok: Token, df: DocFeatures) -> dict[int, list[str]]:
    """Source head tokens around the cue ``tok``, each with the kinds that gave it."""
    out: dict[int, list[str]] = {}
    lang = df.lang

    def add(t: Token | None, kind: str) -> None:
        # a word inside a noun phrase ("House" of "House Speaker", "’s") stands for its head;
        # so does an apposition or a later conjunct of a noun ("Apple's chief executive,
        # [Tim Cook]", "Obama and [Clinton]": PolNeAR's source is the whole phrase)
        hops = 0
        while t is not None and t.head.i != t.i and hops < 4 and t.head.i != tok.i and (
                t.dep_ in NP_INNER_DEPS or t.dep_ in NP_JOIN_DEPS and _joins(t)):
            t = t.head
            hops += 1
        if t is not None and not t.is_punct and not t.is_space and t.i != tok.i and \
                t.ent_type_ not in TIME_ENTS:
            out.setdefault(t.i, []).append(kind)

    for c in tok.children:
        if c.dep_ in SOURCE_DEPS:
            add(c, f"c:{c.dep_}")
        if c.dep_ in ("agent", "prep"):
            for o in c.children:
                if o.dep_ == "pobj":
                    add(o, f"p:{c.lower_}")
    add(subject_of(tok, lang), "climb")
    head = tok.head
    if head.i != tok.i:
        if tok.dep_ in ("relcl", "acl", "appos", "amod", "compound"):
            add(head, f"h:{tok.dep_}")
        for c in head.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i:
                add(c, f"hs:{tok.dep_}")
    for r in df.rules.get(tok.i, ()):
        add(r.source, "rules")
    sent = tok.sent
    lo, hi = max(sent.start, tok.i - ENT_WINDOW), min(sent.end, tok.i + ENT_WINDOW + 1)
    for ent in tok.doc[lo:hi].ents:
        if ent.label_ in ("PERSON", "ORG", "NORP", "GPE"):
            add(ent.root, f"ent:{ent.label_}")
    return out


def _joins(t: Token) -> bool:
    """Whether ``t`` (an apposition or conjunct) belongs to the noun phrase of its head: a
    nominal head, and for an apposition no dateline or date ("WASHINGTON -- President
    Obama", a misparse)."""
    head = t.head
    if head.pos_ not in NOMINAL:
        return False
    return t.dep_ != "appos" or head.ent_type_ not in DATELINE_ENTS


def source_features(tok: Token, cand: Token, kinds: list[str]) -> list[str]:
    lemma = tok.lemma_.lower()
    d = cand.i - tok.i
    side = "left" if d < 0 else "right"
    f = ["b", f"pos={cand.pos_}", f"ent={cand.ent_type_}", f"dep={cand.dep_}",
         f"dist={side}{_bucket(abs(d))}", f"nk={min(len(kinds), 4)}", f"tag={cand.tag_}"]
    if cand.pos_ == "PRON":
        f.append(f"pron={cand.lower_}")
    for k in kinds:
        f += [f"k={k}", f"k|l={k}|{lemma}", f"k|p={k}|{tok.pos_}", f"k|side={k}|{side}",
              f"k|pos={k}|{cand.pos_}"]
    return f


def source_extent(cand: Token, tok: Token, lang: LanguagePack,
                  table: dict[str, float] | None = None) -> tuple[int, int]:
    """Token span of the source mention headed by ``cand``: its noun phrase with its
    appositions (:func:`saidwhat.pipeline.cues.mention_span`), without the modifiers the
    source-extent ``table`` keeps out (a participle "…, speaking to reporters", "even")."""
    s, e = mention_span(cand, tok, lang)
    if not table:
        return s, e
    doc = cand.doc
    for c in source_modifiers(cand, s, e):
        p = next((table[k] for k in source_extent_keys(c, cand) if k in table), 1.0)
        if p >= 0.5:
            continue
        lo, hi = subtree_extent(c)
        if c.i > cand.i:
            e = min(e, lo)
        else:
            s = max(s, hi + 1)
    while e - 1 > s and (doc[e - 1].is_punct or doc[e - 1].is_space) and doc[e - 1].text != ")":
        e -= 1
    while s < e - 1 and (doc[s].is_punct or doc[s].is_space):
        s += 1
    return s, e


def source_modifiers(cand: Token, s: int, e: int) -> list[Token]:
    """The children of a source head whose subtrees lie inside its mention ``s..e``."""
    out = []
    for c in cand.children:
        lo, hi = subtree_extent(c)
        if s <= lo and hi < e and not c.is_punct:
            out.append(c)
    return out


def source_extent_keys(child: Token, head: Token) -> tuple[str, ...]:
    """The keys of the source-extent table, most specific first: the modifier's word, then
    whether a comma sets it off (PolNeAR keeps "a lawyer [who represents X]" but often
    leaves out ", speaking to reporters"), with and without its tag."""
    side = "R" if child.i > head.i else "L"
    d = child.dep_
    lo = child.left_edge.i
    comma = int(lo > 0 and child.doc[lo - 1].text in SET_OFF)
    return (f"{side}:{d}|{child.lower_}", f"{side}:{d}|,{comma}|{child.tag_}",
            f"{side}:{d}|,{comma}", f"{side}:{d}|{child.tag_}", f"{side}:{d}")


# -------------------------------------------------------------------------------- cue


def cue_extent_keys(child: Token) -> tuple[str, ...]:
    """The keys of the cue-extent table, most specific first: (head lemma|dep|word),
    (dep|word) and (dep) of a cue head's child."""
    d, w = child.dep_, child.lower_
    return f"{child.head.lemma_.lower()}|{d}|{w}", f"{d}|{w}", d


def cue_children(tok: Token) -> list[Token]:
    """The cue head's children that may belong to the cue: next to it (or to another such
    child), not punctuation except a colon right after it ("tweeted:")."""
    return [c for c in tok.children if abs(c.i - tok.i) <= 3 and not c.is_space and
            (not c.is_punct or c.text == ":" and c.i == tok.i + 1)]


def cue_extent(tok: Token, table: dict[str, float]) -> list[Token]:
    """The cue: its head with the children the table puts in it, kept contiguous."""
    chosen = {tok.i}
    for c in cue_children(tok):
        for k in cue_extent_keys(c):
            if k in table:
                if table[k] >= 0.5:
                    chosen.add(c.i)
                break
    lo = hi = tok.i
    while lo - 1 in chosen:
        lo -= 1
    while hi + 1 in chosen:
        hi += 1
    doc = tok.doc
    return [doc[i] for i in range(lo, hi + 1) if i in chosen]
