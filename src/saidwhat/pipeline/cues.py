"""Stage 2: speech and position cues over the parse, with their content, source and channel.

Everything here reads the spaCy dependency parse; the language pack
(:class:`saidwhat.lang.LanguagePack`, passed in as ``lang``; English when omitted) says
which verbs are cues and names the dependency labels and word classes the rules test.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..lang import Labels, LanguagePack, english
from ..settings import Settings

_DEFAULTS = Settings()


@dataclass(slots=True)
class Cue:
    """A cue: its tokens, the clause or object carrying the content, and the source phrase."""

    tokens: list[Token]
    verb: Token
    content: tuple[int, int] | None = None  # char offsets
    source: Token | None = None  # head token of the local source mention
    polarity: str = "neutral"
    cue_class: str = "speech"
    clausal: bool = True  # content is a clause, not only an object noun phrase


def is_cue_verb(tok: Token, lang: LanguagePack | None = None) -> bool:
    lang = lang or english()
    return tok.pos_ in ("VERB", "AUX") and lang.lexicons.cue_entry(tok.lemma_.lower()) is not None or \
        _multiword_prep(tok, lang) is not None


def _multiword_prep(tok: Token, lang: LanguagePack) -> Token | None:
    """The particle/preposition child that turns ``tok`` into a multi-word cue, if any."""
    if tok.pos_ != "VERB":
        return None
    lemma = tok.lemma_.lower()
    mw = lang.lexicons.multiword_cues
    lab = lang.labels
    deps = (lab.prep, lab.prt, lab.dative)
    for child in tok.children:
        # a particle the parser calls an adverb, right after the verb ("shot *back* that")
        particle = child.dep_ == "advmod" and child.i == tok.i + 1
        if (child.dep_ in deps or particle) and (lemma, child.lower_) in mw:
            if child.dep_ == lab.prep and _after_naming(tok, child, lab):
                continue
            return child
    return None


def _after_naming(verb: Token, prep: Token, lab: Labels) -> bool:
    """"called Trump a fraud *on* Tuesday": a preposition after the naming construction's
    object and complement is no particle of the verb ("call on")."""
    named = [c.i for c in verb.children if c.dep_ == lab.oprd] or \
        [c.i for c in verb.children if c.dep_ == lab.dobj][1:]
    return bool(named) and prep.i > named[0]


def subject_of(verb: Token, lang: LanguagePack | None = None,
               max_hops: int = _DEFAULTS.subject_max_hops) -> Token | None:
    """The speaking subject: the verb's own ``nsubj``, else the one of the verb it hangs from
    (``and urged …``, ``adding: …``, at most ``max_hops`` verbs up), else an inverted
    subject after the verb."""
    lab = (lang or english()).labels
    seen = 0
    tok: Token | None = verb
    while tok is not None and seen < max_hops:
        subjects = [c for c in tok.children if c.dep_ == lab.nsubj]
        if len(subjects) > 1:
            # two subjects of one verb: a misparsed dateline or fronted phrase ("CALLOWAY
            # SPRINGS, Ga. — Senator X called ..."); the one nearest before the verb
            return max((c for c in subjects if c.i < tok.i), key=lambda c: c.i,
                       default=subjects[0])
        if subjects:
            return subjects[0]
        if tok.dep_ == lab.acl and tok.head.pos_ in ("PROPN", "NOUN") and (
                tok.tag_ in lab.finite_verb_tags or
                tok.head.pos_ == "PROPN" and tok.head.dep_ in (lab.root, lab.npadvmod, lab.nsubj)):
            # "Jane Doe, the minister, last night called for …": a finite verb parsed as a
            # modifier of the name is the sentence's main verb, and the name its subject
            return tok.head
        said = _said_before(tok, lang)
        if said is not None:
            return said
        if tok.dep_ in (lab.conj, lab.advcl, lab.xcomp) and tok.head.i != tok.i:
            if tok.dep_ == lab.advcl and tok.i < tok.head.i and tok.tag_ != lab.tag_gerund:
                return None
            owner = coordinated_cue_owner(tok, lang)
            tok = owner if owner is not None else tok.head
            seen += 1
            continue
        return None
    return None


def _said_before(tok: Token, lang: LanguagePack | None = None) -> Token | None:
    """'"…," Sanders said, *going on to say* that …', '…, X said, *suggesting* …': a
    gerund right after a subject's cue verb and its comma continues that subject's
    speech, wherever the parser hung it (often on a verb of the quotation). That
    subject, or None."""
    lab = (lang or english()).labels
    doc = tok.doc
    if tok.tag_ != lab.tag_gerund or tok.i < 2 or doc[tok.i - 1].text != ",":
        return None
    prev = doc[tok.i - 2]
    if prev.pos_ != "VERB" or not is_cue_verb(prev, lang):
        return None
    return next((c for c in prev.children if c.dep_ == lab.nsubj), None)


def coordinated_cue_owner(verb: Token, lang: LanguagePack | None = None) -> Token | None:
    """"X said A would happen, and urged B", "X said A, adding: …": a cue verb with no
    subject of its own that the parser hangs on the content clause of an earlier cue verb
    is coordinated with that cue verb, not with the content clause. Returns the earlier
    cue verb, or None."""
    lang = lang or english()
    lab = lang.labels
    if not is_cue_verb(verb, lang) or verb.dep_ not in (lab.conj, lab.advcl):
        return None
    if verb.dep_ == lab.advcl and (verb.tag_ != lab.tag_gerund or verb.i < verb.head.i):
        return None
    if any(c.dep_ in (lab.nsubj, lab.nsubjpass, lab.expl) for c in verb.children):
        return None
    clause = verb.head
    owner = clause.head
    if clause.i == verb.i or clause.dep_ != lab.ccomp or owner.i == clause.i or \
            owner.pos_ != "VERB" or lang.lexicons.cue_entry(owner.lemma_.lower()) is None:
        return None
    return owner


def _coordinated_cut(comp: Token, verb: Token, lang: LanguagePack) -> int | None:
    """Token index where the content clause ``comp`` of ``verb`` stops because a cue
    coordinated with ``verb`` (:func:`coordinated_cue_owner`) hangs on it."""
    owners = [(c, coordinated_cue_owner(c, lang)) for c in comp.children if c.i > comp.i]
    cuts = [c.left_edge.i for c, o in owners if o is not None and o.i == verb.i]
    if not cuts:
        return None
    cut = min(cuts)
    doc = comp.doc
    while cut - 1 > comp.left_edge.i and (doc[cut - 1].is_punct or doc[cut - 1].is_space or
                                          doc[cut - 1].pos_ == "CCONJ"):
        cut -= 1
    return cut


def governor_blocks(verb: Token, lang: LanguagePack) -> bool:
    """"refused to reveal", "is expected to say", "did not say": no statement was made."""
    lab = lang.labels
    if any(c.dep_ == lab.neg for c in verb.children):
        return True
    if any(c.dep_ == lab.aux and c.tag_ == lab.tag_infinitive_to for c in verb.children) and not (
            verb.dep_ == lab.xcomp and verb.head.lemma_.lower() in lang.going_on_governors):
        # an infinitive reports an intention ("plans to say", "for X to question"), except
        # after verbs of going on ("continued to complain that …")
        return True
    if verb.dep_ == lab.xcomp and verb.head.lemma_.lower() in lang.non_speech_governors:
        return True
    return False


def by_author(head: Token, lang: LanguagePack) -> Token | None:
    """The object of ``head``'s "by"/"from" phrase ("a report [by] the council", "released
    [by] X", "warnings [from] X"), or None."""
    lab = lang.labels
    preps = lang.word_list("author_preps")
    return next((g for c in head.children if c.dep_ in (lab.prep, lab.agent)
                 and c.lower_ in preps for g in c.children if g.dep_ == lab.pobj), None)


def named_author(noun: Token, lang: LanguagePack) -> Token | None:
    """Who a work or speech noun is by, as its own phrase names them: a possessive ("X's
    report", "her claim") or a "by"/"from" phrase ("an analysis by X"), or None."""
    lab = lang.labels
    poss = next((c for c in noun.children
                 if c.dep_ == lab.poss and c.pos_ in ("PROPN", "NOUN", "PRON")), None)
    return poss if poss is not None else by_author(noun, lang)


def np_span(head: Token, lang: LanguagePack | None = None) -> tuple[int, int]:
    """Token span (start, end) of the noun phrase headed by ``head``, without appositions,
    relative clauses and trailing punctuation."""
    lang = lang or english()
    lab = lang.labels
    keep_deps, preps = lab.np_keep, lang.word_list("np_preps")
    keep = [head]
    stack = [c for c in head.children if c.dep_ in keep_deps or
             (c.dep_ == lab.prep and c.i > head.i and c.lower_ in preps)]
    while stack:
        t = stack.pop()
        keep.append(t)
        stack.extend(t.children)
    start = min(t.i for t in keep)
    end = max(t.i for t in keep) + 1
    doc = head.doc
    while end - 1 > start and doc[end - 1].is_punct:
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return start, end


def _trimmed_chars(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Character span of tokens ``s..e`` without edge spaces, leading clause punctuation
    and trailing punctuation (closing quotation marks stay: they end a quoted fragment)."""
    while e - 1 > s and (doc[e - 1].is_punct and doc[e - 1].text not in "’”\"'" or
                         doc[e - 1].is_space):
        e -= 1
    while s < e - 1 and (doc[s].is_space or doc[s].text in ",;:–—-"):
        s += 1
    return doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)


def _subtree_chars(tokens: list[Token]) -> tuple[int, int]:
    toks = sorted(tokens, key=lambda t: t.i)
    doc = toks[0].doc
    s, e = toks[0].i, toks[-1].i + 1
    return _trimmed_chars(doc, s, e)


def subtree_extent(tok: Token) -> tuple[int, int]:
    """``(first, last)`` token index of ``tok.subtree``, without walking it.

    Walking a subtree costs up to the sentence length per token (spaCy scans each token's
    edge window for its children), quadratic in a long sentence. ``left_edge`` and
    ``right_edge`` are no substitute: after a non-projective parse they can fall short of
    the subtree. So the extents of the whole document are computed once, in one pass, over
    the children exactly as ``Token.subtree`` finds them (a token whose head is ``x`` and
    that lies within ``x``'s edges)."""
    doc = tok.doc
    ext = doc.user_data.get("saidwhat_subtree_extents")
    if ext is None:
        ext = doc.user_data["saidwhat_subtree_extents"] = _subtree_extents(doc)
    lo, hi = ext
    return lo[tok.i], hi[tok.i]


def _subtree_extents(doc: Doc) -> tuple[list[int], list[int]]:
    n = len(doc)
    heads = [t.head.i for t in doc]
    left = [t.left_edge.i for t in doc]
    right = [t.right_edge.i for t in doc]
    kids: list[list[int]] = [[] for _ in range(n)]
    is_kid = [False] * n
    for c, h in enumerate(heads):
        if h != c and left[h] <= c <= right[h]:
            kids[h].append(c)
            is_kid[c] = True
    order = [i for i in range(n) if not is_kid[i]]  # roots first, then breadth first
    for x in order:  # the list grows while it is read
        order.extend(kids[x])
    lo, hi = list(range(n)), list(range(n))
    for x in reversed(order):  # children before their heads
        for c in kids[x]:
            if lo[c] < lo[x]:
                lo[x] = lo[c]
            if hi[c] > hi[x]:
                hi[x] = hi[c]
    return lo, hi


def _content_chars(pieces: list[tuple[Token, int]]) -> tuple[int, int]:
    """:func:`_subtree_chars` of the content ``pieces``: each the subtree of a token,
    keeping only tokens after an index (``-1``: all), found from the subtree extents."""
    doc = pieces[0][0].doc
    s, e = len(doc), -1
    for root, after in pieces:
        lo, hi = subtree_extent(root)
        if lo <= after:  # rare: part of the subtree lies before the cut
            lo = min(t.i for t in root.subtree if t.i > after)
        s, e = min(s, lo), max(e, hi)
    e += 1
    return _trimmed_chars(doc, s, e)


def _first_words(pieces: Iterable[tuple[Token, int]], limit: int) -> list[Token]:
    """The first ``limit`` words (not space, not punctuation) of the content pieces."""
    words: list[Token] = []
    for root, after in pieces:
        for t in root.subtree:
            if t.i > after and not t.is_space and not t.is_punct:
                words.append(t)
                if len(words) >= limit:
                    return words
    return words


def _no_check() -> None:
    return None


def find_cues(sdoc: Doc | Span, check: Callable[[], None] = _no_check,
              lang: LanguagePack | None = None, settings: Settings | None = None) -> list[Cue]:
    """Every cue verb with its content in the parse, in text order (indirect speech).

    ``check`` is called every few hundred tokens (a time budget: :mod:`saidwhat.budget`)."""
    lang = lang or english()
    settings = settings or _DEFAULTS
    lex = lang.lexicons
    according, according_to = lang.word_list("according"), lang.word_list("according_to")
    rules_only = lang.word_list("describe_verbs")  # cues only with "X as Y" (or a complement)
    out: list[Cue] = []
    for n, tok in enumerate(sdoc):
        if n % 512 == 511:
            check()
        lemma = tok.lemma_.lower()
        if tok.lower_ in according and any(c.lower_ in according_to for c in tok.children):
            cue = _according_to(tok, lang)
            if cue:
                out.append(cue)
            continue
        if tok.pos_ != "VERB":
            continue
        prep = _multiword_prep(tok, lang)
        if prep is None and lex.cue_entry(lemma) is None and lemma not in rules_only:
            continue
        if governor_blocks(tok, lang):
            continue
        cue = _cue_with_content(tok, prep, lang, settings)
        if cue is not None:
            out.append(cue)
    return out


def _cue_with_content(verb: Token, prep: Token | None, lang: LanguagePack,
                      settings: Settings) -> Cue | None:
    lex, lab = lang.lexicons, lang.labels
    lemma = verb.lemma_.lower()
    tokens = [verb]
    polarity = "neutral"
    cue_class = "speech"
    entry = lex.cue_entry(lemma)
    if entry is not None:
        cue_class, polarity = entry
    content: list[tuple[Token, int]] = []  # subtrees of these tokens, after these indices
    clausal = True
    cut: int | None = None  # content stops before this token (a coordinated cue)
    if prep is not None:
        if verb.dep_ == lab.advcl and verb.tag_ == lab.tag_gerund and verb.i < verb.head.i and \
                is_cue_verb(verb.head, lang):
            return None  # "Responding to the report, she said …": the statement is the cue
        clausal = False
        mw_polarity, mode = lex.multiword_cues[(lemma, prep.lower_)]
        polarity = mw_polarity
        cue_class = "position"
        tokens.append(prep)
        tokens.extend(c for c in verb.children if c.dep_ == lab.prt and c.i != prep.i)
        objs = [c for c in prep.children if c.dep_ in (lab.pobj, lab.pcomp)]
        if mode == "clause":  # "called on ministers to restrict …"
            clausal = True
            objs += [c for c in verb.children if c.i > prep.i and (
                c.dep_ in (lab.xcomp, lab.ccomp) or
                c.dep_ == lab.advcl and any(a.tag_ == lab.tag_infinitive_to for a in c.children))]
        for o in objs:
            content.append((o, -1))
        if prep.dep_ == lab.prt and not objs:
            for c in verb.children:
                if c.dep_ in (lab.ccomp, lab.dobj):
                    content.append((c, -1))
    else:
        comps = [c for c in verb.children if c.dep_ == lab.ccomp]
        # a clause before a semicolon is a sentence of its own, not what this verb reports
        # ("X urges Y; Z says it would not work")
        comps = [c for c in comps if not (c.i < verb.i and any(
            t.text == ";" for t in verb.doc[c.right_edge.i + 1:verb.i]))]
        if not comps:
            # "said in a statement that …": the parser hangs the clause on the channel noun
            that = lang.word_list("that")
            for prep in verb.children:
                if prep.dep_ != lab.prep:
                    continue
                for pobj in prep.children:
                    if pobj.dep_ == lab.pobj and pobj.lemma_.lower() in lex.channel_nouns:
                        comps += [c for c in pobj.children
                                  if c.dep_ in (lab.acl, lab.ccomp, lab.relcl)
                                  and any(m.dep_ == lab.mark and m.lower_ in that
                                          for m in c.children)]
        if comps:
            for c in comps:
                content.append((c, -1))
            content.extend(_dashed_continuation(verb, comps[-1], lang))
            cut = _coordinated_cut(comps[-1], verb, lang)
        elif cue_class == "position" or lemma in lex.object_cues or any(
                c.dep_ in (lab.xcomp, lab.oprd) for c in verb.children):
            # "backed an inquiry", "urged the introduction of …", "accused X of Y",
            # "described X as Y", "asked the council to act", "called the plan 'pathetic'"
            clausal = False
            objs = [c for c in verb.children if c.dep_ in (lab.dobj, lab.xcomp, lab.oprd)]
            if not (cue_class == "position" or lemma in lex.object_cues):
                objs = objs if any(c.dep_ in (lab.xcomp, lab.oprd) for c in objs) and any(
                    c.dep_ == lab.dobj for c in objs) else []
            if objs:
                for c in objs:
                    content.append((c, -1))
                obj_preps = lang.word_list("object_content_preps")
                for c in verb.children:
                    if c.dep_ == lab.prep and c.lower_ in obj_preps and c.i > objs[0].i:
                        content.append((c, -1))
        elif lemma in lang.word_list("describe_verbs"):
            objs = [c for c in verb.children if c.dep_ == lab.dobj]
            describe_preps = lang.word_list("describe_preps")
            for c in verb.children:
                if c.dep_ == lab.prep and c.lower_ in describe_preps and objs:
                    content.extend(((objs[0], -1), (c, -1)))
                elif c.dep_ == lab.advcl and objs and not content and any(
                        m.dep_ == lab.mark and m.lower_ in describe_preps
                        and m.i == objs[0].right_edge.i + 1 for m in c.children):
                    # "pounding Trump as a 'con artist' ―": the parser made "as" open a
                    # clause; the description is the same
                    content.extend(((objs[0], -1), (c, -1)))
    if not content:
        return None
    words = _first_words(content, settings.content_min_words)
    if len(words) < settings.content_min_words and \
            not (words and words[0].pos_ in ("NOUN", "PROPN")):
        return None  # "announced support" is a position; "said it" is not
    chars = _content_chars(content)
    if cut is not None:
        doc = verb.doc
        first = _trimmed_chars(doc, token_index_at(doc, chars[0]), cut)
        if first[1] > first[0]:
            chars = (chars[0], min(chars[1], first[1]))
    cue = Cue(tokens=sorted(tokens, key=lambda t: t.i), verb=verb,
              content=chars, polarity=polarity, cue_class=cue_class,
              clausal=clausal)
    cue.source = subject_of(verb, lang, settings.subject_max_hops)
    if cue.source is not None and lemma in lang.word_list("evidential_cues") and \
            cue.source.lemma_.lower() in lang.word_list("evidence_nouns"):
        return None  # "early results suggest that …": evidence, not a statement
    return cue


def _dashed_continuation(verb: Token, comp: Token,
                         lang: LanguagePack) -> list[tuple[Token, int]]:
    """"X said A – and it was now time to B": a clause joined to the cue verb after a dash
    goes on with what was said (the parser hangs it on the verb, not on A). Returns the
    clause's head with the index after which its subtree counts (after A)."""
    doc = verb.doc
    lab = lang.labels
    end = subtree_extent(comp)[1]
    for conj in verb.children:
        if conj.dep_ != lab.conj or conj.i <= end or is_cue_verb(conj, lang):
            continue
        between = doc[end + 1:conj.left_edge.i]
        if any(t.text in lang.dashes for t in between) and \
                any(c.dep_ in (lab.nsubj, lab.expl, lab.nsubjpass) for c in conj.children):
            return [(conj, end)]
    return []


def _according_to(tok: Token, lang: LanguagePack) -> Cue | None:
    according_to = lang.word_list("according_to")
    to = next(c for c in tok.children if c.lower_ in according_to)
    src = next((c for c in to.children if c.dep_ == lang.labels.pobj), None)
    if src is None:
        return None
    clause = tok.head
    phrase = set(tok.subtree)
    content = [t for t in clause.subtree if t not in phrase and not t.is_space]
    if len(content) < 3:
        return None
    # Keep the content contiguous: the side of the phrase that holds the clause's head.
    if clause.i > tok.i:
        content = [t for t in content if t.i > max(p.i for p in phrase)]
    else:
        content = [t for t in content if t.i < tok.i]
    if len(content) < 3:
        return None
    return Cue(tokens=[tok, to], verb=tok, content=_subtree_chars(content), source=src,
               cue_class="speech")


def token_index_at(sdoc: Doc, char: int) -> int:
    """Index of the token that contains (or first follows) character ``char``."""
    starts = sdoc.user_data.get("saidwhat_token_starts")
    if starts is None:
        starts = sdoc.user_data["saidwhat_token_starts"] = [t.idx for t in sdoc]
    return max(0, bisect.bisect_right(starts, char) - 1)


def find_cue_near(sdoc: Doc, start_char: int, end_char: int, side: str,
                  lang: LanguagePack | None = None,
                  settings: Settings | None = None) -> Token | None:
    """The nearest cue verb of the sentence beside a direct quote.

    ``side="right"``: the first cue after the closing mark ("…,’ she said.", within
    ``settings.cue_tokens_after`` tokens), ``side="left"``: the last cue before the opening
    mark ("She said: ‘…", within ``settings.cue_tokens_before``)."""
    lang = lang or english()
    settings = settings or _DEFAULTS
    if side == "right":
        i = token_index_at(sdoc, end_char)
        if i < len(sdoc) and sdoc[i].idx < end_char:
            i += 1
        stops = (*lang.word_list("quote_open_tokens"), "\n")
        for n, tok in enumerate(sdoc[i:i + settings.cue_tokens_after]):
            if (tok.is_sent_start and n > 0) or tok.text in stops or \
                    tok.is_space and "\n" in tok.text:
                return None
            if tok.pos_ == "VERB" and is_cue_verb(tok, lang):
                return tok
        return None
    i = token_index_at(sdoc, start_char)
    if i < len(sdoc) and sdoc[i].idx >= start_char:
        i -= 1
    for n in range(settings.cue_tokens_before):
        if i - n < 0:
            return None
        tok = sdoc[i - n]
        if "\n" in tok.text:
            return None
        if tok.pos_ == "VERB" and is_cue_verb(tok, lang) and not governor_blocks(tok, lang):
            return tok
    return None


def channel_of(verb: Token, lang: LanguagePack | None = None) -> tuple[int, int] | None:
    """The medium or addressee: "told the BBC", "in a statement", "writing in the Post"."""
    lang = lang or english()
    lab = lang.labels
    candidates: list[Token] = []
    if verb.lemma_.lower() in lang.word_list("channel_dobj_verbs"):
        candidates += [c for c in verb.children if c.dep_ in (lab.dobj, lab.dative)]
    heads = [verb]
    if verb.dep_ in (lab.conj, lab.advcl, lab.xcomp) and verb.head.i != verb.i:
        heads.append(verb.head)
    channel_preps, of = lang.word_list("channel_preps"), lang.word_list("of")
    advcl_verbs = lang.word_list("channel_advcl_verbs")
    advcl_preps = lang.word_list("channel_advcl_preps")
    for h in heads:
        for child in h.children:
            if child.dep_ == lab.prep and child.lower_ in channel_preps:
                for pobj in child.children:
                    if pobj.dep_ == lab.pobj and (_is_channel_noun(pobj, lang) or any(
                            p.dep_ == lab.prep and p.lower_ in of and any(
                                _is_channel_noun(n, lang) for n in p.children
                                if n.dep_ == lab.pobj)
                            for p in pobj.children)):  # "in a series of interviews"
                        candidates.append(pobj)
            # "Writing in the Observer, X said …"
            if child.dep_ == lab.advcl and child.lemma_.lower() in advcl_verbs and \
                    child.i < h.i:
                prep = next((p for p in child.children
                             if p.dep_ == lab.prep and p.lower_ in advcl_preps), None)
                if prep is not None:
                    toks = [t for t in child.subtree if t.i > prep.i]
                    while toks and (toks[-1].is_punct or toks[-1].is_space):
                        toks.pop()
                    if toks:
                        return toks[0].idx, toks[-1].idx + len(toks[-1].text)
    if not candidates:
        return None
    tok = min(candidates, key=lambda t: abs(t.i - verb.i))
    s, e = np_span(tok, lang)
    doc = verb.doc
    return doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)


def _set_off(tok: Token) -> bool:
    """True when the phrase headed by ``tok`` is enclosed by commas or dashes."""
    doc = tok.doc
    after = tok.right_edge.i + 1
    return after < len(doc) and doc[after].text in (",", "–", "—", "(", ")")


def _is_channel_noun(tok: Token, lang: LanguagePack) -> bool:
    nouns = lang.lexicons.channel_nouns
    return tok.lemma_.lower() in nouns or tok.lower_ in nouns


def mention_span(head: Token, verb: Token | None = None, lang: LanguagePack | None = None,
                 max_tokens: int = _DEFAULTS.mention_max_tokens) -> tuple[int, int]:
    """Token span of a source mention: the whole noun phrase with its appositions and
    relative clauses ("Jane Doe, 59, a teacher from Leeds"), as PolNeAR and PARC mark sources;
    it never runs into the clause it is the subject of."""
    doc = head.doc
    lang = lang or english()
    lab = lang.labels
    toks = sorted((t for t in head.subtree if not t.is_space), key=lambda t: t.i)
    if verb is not None and verb.i != head.i and head.is_ancestor(verb):
        # misparse "Jane Doe, the minister, called for …" (verb under the name): cut it off
        clause = {t.i for t in verb.subtree}
        toks = [t for t in toks if t.i not in clause and t.i < verb.left_edge.i]
    gov = head.head if head.head.i != head.i else None
    if gov is not None:
        # stay on the head's side of its governor (a misparse can hang the clause inside)
        toks = [t for t in toks if (t.i < gov.i) == (head.i < gov.i)]
    # time adverbials ("Jane Doe, the minister, last night called …") belong to the verb
    # (an age set off by commas, "Jane Doe, 55, a teacher", stays)
    drop = {t.i for c in head.children
            if c.i > head.i and (c.dep_ == lab.npadvmod or c.ent_type_ in ("DATE", "TIME") and
                                 c.dep_ not in (lab.compound, lab.amod, lab.nummod))
            and not _set_off(c)
            for t in c.subtree}
    toks = [t for t in toks if t.i not in drop]
    # contiguous run around the head
    idx = {t.i for t in toks}
    s = e = head.i
    while s - 1 in idx:
        s -= 1
    while e + 1 in idx:
        e += 1
    e += 1
    while e - 1 > s and (doc[e - 1].is_punct or doc[e - 1].is_space) and doc[e - 1].text != ")":
        e -= 1
    while s < e - 1 and (doc[s].is_punct or doc[s].is_space) and doc[s].text != "(":
        s += 1
    if e - s > max_tokens:  # a runaway parse: fall back to the core noun phrase
        return np_span(head, lang)
    return s, e
