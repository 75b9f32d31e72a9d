"""Stage 3: resolve local source mentions to speakers within an article.

Rule-based, over the parse and NER (no coreference model installs offline): named
people are clustered by name (honorifics stripped, short forms "Mr Doe" / "Sir John"
merged into full names); pronouns and role nouns ("he", "the professor") go to the most
recent compatible person, subjects and earlier speakers first; organisations and
anonymous sources ("a Treasury source") are typed from their head noun.

:class:`RuleResolver` (registered as ``rule_resolver.v1`` in ``saidwhat.resolvers``) is the
component: it sees the whole document and all its candidates at once and resolves them in
text order with one :class:`SpeakerResolver`. A learned resolver replaces it by config
(:class:`saidwhat.pipeline.candidates.Resolver`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..config import registry
from ..lang import LanguagePack, english
from ..model import Entity, Speaker, TextSpan
from ..names import fold
from ..settings import Settings
from .candidates import Candidate, DocContext
from .cues import by_author, mention_span, named_author, np_span, subtree_extent


@dataclass(slots=True)
class _Candidate:
    token_i: int
    entity: Entity
    subject: bool


@dataclass(slots=True)
class _Names:
    """Name parts of a person mention."""

    tokens: list[str]
    title: str | None = None
    gender: str | None = None

    @property
    def full(self) -> str:
        return " ".join(self.tokens)


@dataclass
class SpeakerResolver:
    """Resolves source mentions of one document, in text order.

    ``text`` is the original text (the parse may have seen a same-length normalised copy):
    every mention span is cut from it."""

    sdoc: Doc
    text: str
    lang: LanguagePack = field(default_factory=english)
    settings: Settings = field(default_factory=Settings)
    entities: list[Entity] = field(default_factory=list)
    # character spans of the direct quotations: a name inside one ("everyone calls her
    # Minister X") is no antecedent for a later pronoun or role noun
    quote_spans: list[tuple[int, int]] = field(default_factory=list)
    # earlier mentions that pronouns and role nouns may refer to, sorted by token (stable:
    # candidates of one token stay in the order they came), so that the window of the last
    # few sentences is found by bisection, not by a scan of the whole document
    candidates: list[_Candidate] = field(default_factory=list)
    _candidate_keys: list[int] = field(default_factory=list)
    # entity positions by a lower-cased first or last name word (persons), and by type and
    # lower-cased name: the lookups that a scan of every entity made quadratic. Entries may
    # be stale after a rename; every hit is checked against the entity as it is now.
    _by_word: dict[str, list[int]] = field(default_factory=dict)
    _by_name: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _person_tokens: dict[int, Entity] = field(default_factory=dict)
    _captions: list[tuple[int, int]] = field(default_factory=list)
    _caption_starts: list[int] = field(default_factory=list)
    _sent_starts: list[int] = field(default_factory=list)
    _quote_starts: list[int] = field(default_factory=list)
    _top_end: int = 0  # where the text's second paragraph ends

    def __post_init__(self) -> None:
        self._lex = self.lang.lexicons
        self._lab = self.lang.labels
        self._captions = _caption_paragraphs(self.sdoc.text, self.lang)
        self._caption_starts = [s for s, _ in self._captions]
        ends = [m.start() for m in itertools.islice(
            re.finditer(r"\S(?=\s*\n\s*\n|\s*$)", self.sdoc.text), 2)]
        self._top_end = ends[1] + 1 if len(ends) > 1 else len(self.sdoc.text)
        self.quote_spans = sorted(self.quote_spans)
        self._quote_starts = [s for s, _ in self.quote_spans]
        self._index_people()

    # -- named people -------------------------------------------------------------------
    def _index_people(self) -> None:
        lex = self._lex
        lab = self._lab
        for ent in _trim_headline_names(_person_spans(self.sdoc, self.lang), self.lang):
            if ent.root.dep_ == lab.compound and ent.root.head.pos_ == "NOUN" and \
                    ent.root.head.i >= ent.end:
                continue  # "the Elmstead branch": a name modifying a common noun is no person
            names = _person_names(ent, self.lang)
            if names is None:
                continue
            entity = self._match_or_add(names)
            entity.mentions.append(self.text_span(_with_title(ent, self.lang)))
            for t in ent:
                self._person_tokens[t.i] = entity
            self._note_roles(entity, ent)
            if not self._in_caption(ent.start_char) and not self._in_quote(ent.start_char):
                self._add_candidate(_Candidate(ent.root.i, entity, _is_subject(ent, self.lang)))
        # a surname that NER typed otherwise here ("…, Doe proclaimed" as ORG) is still the
        # person named elsewhere in the article: a later pronoun may refer to it
        for t in self.sdoc:
            if t.i in self._person_tokens or t.pos_ != "PROPN" or not t.text[:1].isupper() \
                    or t.dep_ == lab.compound or self._in_caption(t.idx) or self._in_quote(t.idx):
                continue
            word = fold(t.text)
            hits = {id(e): e for e in (self.entities[p] for p in self._by_word.get(word, ()))
                    if e.type == "person" and len(e.name.split()) > 1
                    and fold(e.name.split()[-1]) == word}
            if len(hits) == 1:
                self._add_candidate(_Candidate(t.i, next(iter(hits.values())),
                                               _is_subject(self.sdoc[t.i:t.i + 1], self.lang)))
        # gender from given names where the text gave no title
        for e in self.entities:
            if e.gender is None and e.type == "person":
                first = e.name.split()[0].lower()
                e.gender = lex.given_names.get(first)

    def _add_candidate(self, cand: _Candidate) -> None:
        at = bisect.bisect_right(self._candidate_keys, cand.token_i)
        self._candidate_keys.insert(at, cand.token_i)
        self.candidates.insert(at, cand)

    def _window(self, floor: int, token_i: int) -> list[_Candidate]:
        """Candidates with ``floor <= token_i < token_i``, in token order."""
        lo = bisect.bisect_left(self._candidate_keys, floor)
        hi = bisect.bisect_left(self._candidate_keys, token_i)
        return self.candidates[lo:hi]

    def _register(self, pos: int) -> None:
        e = self.entities[pos]
        self._by_name.setdefault((e.type, e.name.lower()), []).append(pos)
        if e.type == "person":
            words = e.name.split()
            if words:
                for w in {fold(words[0]), fold(words[-1])}:
                    self._by_word.setdefault(w, []).append(pos)

    def _new_entity(self, e: Entity) -> Entity:
        self.entities.append(e)
        self._register(len(self.entities) - 1)
        return e

    def _people_named(self, *words: str) -> list[int]:
        """Positions, in order, of persons that may have one of ``words`` (folded) as
        their first or last name word; the caller checks."""
        found: set[int] = set()
        for w in words:
            found.update(self._by_word.get(w, ()))
        return sorted(found)

    def _match_or_add(self, names: _Names) -> Entity:
        # _same_person needs a shared first or last word: only those entities can match
        maybe = self._people_named(fold(names.tokens[0]), fold(names.tokens[-1])) \
            if names.tokens else range(len(self.entities))
        for pos in maybe:
            e = self.entities[pos]
            if e.type != "person":
                continue
            if _same_person(e, names, self.lang):
                if len(names.tokens) > len(e.name.split()):
                    e.name = names.full
                    self._register(pos)
                if e.gender is None:
                    e.gender = names.gender
                return e
        return self._new_entity(Entity(id=f"e{len(self.entities) + 1}", name=names.full,
                                       type="person", gender=names.gender))

    def text_span(self, span: Span) -> TextSpan:
        """``span``'s offsets, its text cut from the original text."""
        return TextSpan.of(self.text, span.start_char, span.end_char)


    def _in_quote(self, char: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, char) - 1
        return i >= 0 and char < self.quote_spans[i][1]

    def _at_top(self, char: int) -> bool:
        """Is ``char`` in a caption line or the text's first two paragraphs (headline, deck)?"""
        return self._in_caption(char) or char < self._top_end

    def _in_caption(self, char: int) -> bool:
        # caption lines are disjoint and in text order: only the last one starting at or
        # before ``char`` can hold it
        i = bisect.bisect_right(self._caption_starts, char) - 1
        return i >= 0 and char < self._captions[i][1]

    # -- resolution -----------------------------------------------------------------------
    def resolve(self, source: Token | None, verb: Token | None = None,
                extent: tuple[int, int] | None = None) -> tuple[Speaker, Span | None]:
        """The speaker for a source head token, and the local mention span (``extent``,
        token offsets, when the caller already knows it)."""
        if source is None:
            return Speaker(), None
        doc = self.sdoc
        lex, lab, lang = self._lex, self._lab, self.lang
        if verb is not None and self._in_quote(source.idx) and not self._in_quote(verb.idx):
            # the parse took words of the quotation for the source ("‘… Full panic mode,’
            # said Jane Doe"): the speaker is the verb's nominal outside the quotation
            source = next((c for c in verb.children
                           if c.pos_ in ("PROPN", "NOUN", "PRON") and not self._in_quote(c.idx)
                           and c.dep_ in (lab.nsubj, lab.nsubjpass, lab.dobj, lab.npadvmod)),
                          None)
            if source is None:
                return Speaker(), None
            extent = None
        if verb is not None and source.head.i == verb.i and source.dep_ == lab.nsubj:
            # two subjects of one verb (a misparsed fronted phrase, "His promises …
            # notwithstanding, analysts agree"): the verb's subject is the nearer one
            # (set off by a comma: not the halves of one misparsed hyphenated word)
            nearer = [c for c in verb.children if c.dep_ == lab.nsubj and source.i < c.i < verb.i
                      and not self._in_quote(c.idx)
                      and any(t.text == "," for t in doc[source.i:c.left_edge.i])]
            if nearer:
                source, extent = nearer[-1], None
        s, e = extent or mention_span(source, verb, lang, self.settings.mention_max_tokens)
        mention = doc[s:e]
        s, e = np_span(source, lang)
        if extent is not None:
            # the caller's mention may hold an apposition ("X, a budget watchdog"): the
            # noun phrase within it names the speaker, unless a person is named only in
            # the rest ("the terror war, Obama and Clinton")
            ns, ne = max(s, extent[0]), min(e, extent[1])
            s, e = (ns, ne) if ns < ne and not any(
                i in self._person_tokens for i in range(*extent) if not ns <= i < ne) \
                else extent
        core = doc[s:e]  # without appositions: what names the speaker
        lower = source.lower_
        # relative pronoun: "X, who said …" -> the noun the clause modifies
        if lower in lang.relative_pronouns and source.head.dep_ == lab.relcl:
            noun = source.head.head
            office = noun.head.head if noun.dep_ == lab.pobj and noun.head.lower_ in \
                lang.word_list("of") else None
            if office is not None and office.dep_ == lab.appos and office.lemma_.lower() in \
                    lex.role_nouns and office.lemma_.lower() not in _KIN:
                # "X, the mayor of Danforth Mills, who said ...": the clause is the mayor's
                noun = office
            if noun.dep_ == lab.appos and noun.head.i < noun.i and (
                    noun.head.i in self._person_tokens or noun.head.pos_ == "PROPN") and not any(
                    c.dep_ == lab.conj for c in noun.head.children):  # not "X and Y, the two …"
                # "X, a staffer who told …": the clause is the apposition's, the speaker X
                noun = noun.head
            speaker, _ = self.resolve(noun)
            return speaker, mention
        author = _author_of(source, lang)
        if author is not None:
            # "according to an analysis by X": the work speaks with its author's words
            speaker, _ = self.resolve(author)
            if speaker.name:
                return speaker, mention
        owner = {t.i for c in source.children if c.dep_ == lab.poss for t in c.subtree}
        ent = self._person_tokens.get(source.i) or next(
            (self._person_tokens[t.i] for t in core
             if t.i in self._person_tokens and t.i not in owner), None)  # not "Doe's aide"
        if ent is None and (lower in lex.organization_heads or
                            source.lemma_.lower() in lex.organization_heads):
            # "The company behind the plan, X Holdings, said": the apposition names the body
            for child in source.children:
                if child.dep_ == lab.appos and child.pos_ == "PROPN" and child.i > source.i:
                    a, b = np_span(child, lang)
                    name = _organization_name(doc[a:b], child, lang)
                    taken = self._person_tokens.get(child.i)
                    if taken is not None:  # NER took the body for a person: retype it
                        taken.type, taken.name, taken.gender = "organization", name, None
                        self._register(self.entities.index(taken))
                        return self._speaker_for(taken, source.i), mention
                    org = self._add_entity(name, "organization", doc[a:b], source.i)
                    return Speaker(name=org.name, type="organization", entity_id=org.id), mention
        if ent is None:
            # "The housing minister, Jane Doe, said": the name stands in apposition
            for child in source.children:
                if child.dep_ != lab.appos:
                    continue
                name = doc[slice(*np_span(child, lang))]
                if child.i in self._person_tokens:
                    ent = self._person_tokens[child.i]
                elif _looks_like_person_name(name, lang):  # NER missed the name
                    ent = self._add_person_mention(name)
                else:
                    continue
                if source.pos_ == "NOUN" and source.i < child.i:
                    # "Her Republican rival, Governor X": the description before the name is
                    # a role of hers, party and all
                    role = _role_words(core, lang)
                    if role and role not in ent.roles:
                        ent.roles.append(role)
                break
        if ent is not None:
            return self._speaker_for(ent, source.i), mention
        if lower in lang.word_list("group_pronouns") and source.pos_ in ("PRON", "DET", "ADJ"):
            # "Some argue …": an unnamed group, not the person just named; "some of the
            # dockers" are of that group
            pobj = next((g for c in source.children if c.dep_ == lab.prep
                         and c.lower_ in lang.word_list("of")
                         for g in c.children if g.dep_ == lab.pobj), None)
            if pobj is not None:
                speaker, _ = self.resolve(pobj)
                return speaker, mention
            group = self._add_entity(lower, "anonymous", core, source.i)
            return Speaker(name=lower, type="anonymous", role=lower,
                           entity_id=group.id), mention
        if source.pos_ == "PRON" or lower in lex.pronouns:
            gender, number = lex.pronouns.get(lower, ("any", "sg"))
            if lower in lang.first_and_second_person:
                return Speaker(), mention
            if number == "pl" or gender == "n":
                org = self._recent_entity(source.i, types=("organization", "anonymous"))
                return (self._speaker_for(org, source.i) if org else Speaker()), mention
            person = self._recent_person(source.i, gender)
            return (self._speaker_for(person, source.i) if person else Speaker()), mention
        known = self._known_person(core)
        if known is not None:  # "Haines" after "Loretta Haines", whatever NER thought of it
            return self._speaker_for(known, source.i), mention
        if _looks_like_person_name(core, lang):
            person = self._add_person_mention(core)
            return self._speaker_for(person, source.i), mention
        head_lemma = source.lemma_.lower()
        words = [t for t in core if t.lower_ not in lang.articles
                 and (not t.is_punct or t.text in lang.dashes + "-‑" and not t.whitespace_)]
        # "city's engineers", not "city 's engineers": the text's own spacing, articles out
        text = "".join(t.text + (t.whitespace_ and " ") for t in words).strip() if words \
            else core.text
        has_org = any(t.ent_type_ in lang.organization_entity_labels for t in core)
        det = next((t.lower_ for t in core if t.dep_ in (lab.det, lab.nummod)), None)
        indefinite = lang.indefinite_determiners
        unnamed = det in indefinite and head_lemma in lex.role_nouns or any(
            w in mention.text.lower() for w in lang.anonymity_phrases)  # "a senior officer", "… not to be named"
        if source.pos_ == "NOUN" and source.tag_ == lab.tag_plural_noun and \
                source.ent_type_ not in lang.organization_entity_labels and \
                head_lemma not in lex.organization_heads and source.lower_ not in lex.organization_heads:
            # an unnamed group of people ("Several residents", "The managers at X"): anonymous,
            # the plural noun its role; later "they" may refer to it
            camp = lang.read_list("camp_roles.txt")
            if head_lemma in camp or lower in camp:
                # "his surrogates", "her aides": the camp of the person the pronoun stands
                # for, named after them ("Jane Doe's aides"), as "his campaign" is
                body = self._persons_body(core, source, known_gender=True)
                if body is not None:
                    text = body
            affiliation = self._affiliation(core, source)
            group = self._add_entity(text, "anonymous", core, source.i)
            group.affiliation = affiliation
            if not self._in_caption(source.idx):
                self._add_candidate(_Candidate(source.i, group, True))
            return Speaker(name=text, type="anonymous", role=source.lower_,
                           affiliation=affiliation, entity_id=group.id), mention
        if det == "the" and not unnamed and source.tag_ != lab.tag_plural_noun and not has_org:
            # "the fire chief": the person introduced earlier in the article with that role
            person = self._person_with_role(source, core)
            if person is not None:
                return self._speaker_for(person, source.i), mention
        if det == "the" and head_lemma in lex.role_nouns and head_lemma in lex.anonymous_heads:
            # "the spokeswoman": the named one introduced with that role, if any
            person = self._recent_person(source.i, _role_gender(head_lemma, lang),
                                         role=head_lemma, role_only=True)
            if person is not None:
                return self._speaker_for(person, source.i), mention
        if head_lemma in lex.anonymous_heads or source.lower_ in lex.anonymous_heads or unnamed:
            if det in indefinite or det in (None, "the") or source.tag_ == lab.tag_plural_noun or has_org \
                    or unnamed:
                affiliation = self._affiliation(core, source)
                voices = lang.read_list("official_voices.txt")
                if affiliation and (head_lemma in voices or source.lower_ in voices) and \
                        not any(w in mention.text.lower() for w in lang.anonymity_phrases):
                    # "a Transport Ministry spokesperson": the body speaking on the record,
                    # in the role of spokesperson; anonymous is for sources said to be unnamed
                    org = self._add_entity(self._named_body(affiliation, source),
                                           "organization", core, source.i)
                    return Speaker(name=org.name, type="organization", role=source.lower_,
                                   affiliation=None, entity_id=org.id), mention
                ent_anon = self._add_entity(text, "anonymous", core, source.i)
                ent_anon.affiliation = affiliation
                return Speaker(name=text, type="anonymous", role=None, affiliation=affiliation,
                               entity_id=ent_anon.id), mention
        if det == "the" and source.tag_ != lab.tag_plural_noun and self._parties_named([lower]):
            # "the Republican said": the one person the text gives that party
            person = self._party_person(core, source.i)
            if person is not None:
                return self._speaker_for(person, source.i), mention
        if has_org and det in ("the", None) and source.tag_ != lab.tag_plural_noun and \
                source.ent_type_ not in lang.organization_entity_labels and \
                (head_lemma in lex.role_nouns or lower in lex.role_nouns):
            # "the New York businessman", "the Democratic nominee", a deck's "Senator from
            # Texas": a place or party word goes with a person noun; the description is of
            # a person named in the text (standard within-document coreference), not an
            # organisation. Bare, only the person introduced with that role.
            person = self._person_with_role(source, core,
                                            ahead=det == "the" or self._at_top(source.idx))
            if person is None and det == "the":
                # "the GOP nominee" after "her Republican rival, Governor X": the one person
                # the text gives that party
                person = self._party_person(core, source.i)
            if person is None and det == "the":
                person = self._recent_person(source.i, _role_gender(head_lemma, lang),
                                             role=head_lemma, known_gender_first=True)
                if person is not None and self._other_party(person, core):
                    # "the Democratic nominee" is not the Republican one: left unresolved
                    return Speaker(name=text, type="unknown"), mention
            if person is not None:
                return self._speaker_for(person, source.i), mention
        if has_org or head_lemma in lex.organization_heads or source.lower_ in lex.organization_heads:
            name = (self._persons_body(core, source) or self._named_organization(core, source)
                    or _organization_name(core, source, lang))
            org = self._add_entity(name, "organization", core, source.i)
            return Speaker(name=org.name, type="organization", entity_id=org.id), mention
        if head_lemma in lex.role_nouns or core.text.lower().removeprefix("the ") in lex.role_nouns:
            # "his lawyer" is somebody else than the man just named (whose lawyer he is)
            if (det == "the" or det is None) and not owner:
                person = self._recent_person(source.i, _role_gender(head_lemma, lang),
                                             role=head_lemma, known_gender_first=True)
                if person is None and det is None and source.tag_ != lab.tag_plural_noun:
                    # a bare role, as headlines and decks write it ("Minister praises …"):
                    # the person the text introduces with that role, just after it when it
                    # stands at the top ("The energy minister, Jane Doe")
                    person = self._person_with_role(source, core, ahead=self._at_top(source.idx))
                if person is not None:
                    return self._speaker_for(person, source.i), mention
            elif owner and source.tag_ != lab.tag_plural_noun:
                # "his attorney": the person introduced as that man's attorney ("Mark Roe,
                # Pagliano's attorney"), the man being whom the pronoun stands for
                person = self._owners_role_holder(source, core)
                if person is not None:
                    return self._speaker_for(person, source.i), mention
        if det == "the" and source.pos_ == "NOUN" and source.tag_ != lab.tag_plural_noun and \
                not has_org and (head_lemma.endswith(lang.word_list("person_noun_suffixes"))
                                 or head_lemma in lang.word_list("epithet_nouns")) and \
                head_lemma not in lex.channel_nouns and lower not in lex.channel_nouns and \
                head_lemma not in lex.role_nouns:
            # an epithet ("the pensioner", "the veteran driver"): the person just spoken of
            # (a role noun, "the mayor", was looked for by its role above)
            person = self._recent_person(source.i, _role_gender(head_lemma, lang),
                                         subjects_first=False)
            if person is not None:
                return self._speaker_for(person, source.i), mention
        return Speaker(name=text, type="unknown"), mention

    def _add_person_mention(self, name: Span) -> Entity:
        """A person whom NER missed or mislabelled, known from how the text uses the name."""
        person = self._match_or_add(_Names(_name_words([t for t in name if not t.is_punct])))
        person.mentions.append(self.text_span(name))
        for t in name:
            self._person_tokens[t.i] = person
        self._note_roles(person, name)
        return person

    def _note_roles(self, entity: Entity, mention: Span) -> None:
        """Add the roles ``mention`` gives (:func:`_roles_of`) to ``entity``'s, once each."""
        for role in _roles_of(mention, self.lang):
            if role not in entity.roles:
                entity.roles.append(role)

    def _speaker_for(self, entity: Entity, token_i: int) -> Speaker:
        # the mention now stands for this entity: later pronouns may refer through it
        if not self._in_caption(self.sdoc[token_i].idx):
            self._add_candidate(_Candidate(token_i, entity, True))
        return Speaker(name=entity.name, type=entity.type,  # type: ignore[arg-type]
                       role=entity.roles[0] if entity.roles else None,
                       affiliation=entity.affiliation, entity_id=entity.id)

    def _known_person(self, core: Span) -> Entity | None:
        """A bare surname (or full name) of a person already named in the article."""
        toks = [t for t in core if not t.is_punct]
        if not toks or len(toks) > 3 or any(t.pos_ != "PROPN" for t in toks):
            return None
        words = [fold(w) for w in _name_words(toks)]
        people = [self.entities[p] for p in self._people_named(words[-1])]
        hits = [e for e in people if e.type == "person" and
                [fold(w) for w in e.name.split()][-len(words):] == words]
        return hits[0] if len(hits) == 1 else None

    def _recent_person(self, token_i: int, gender: str, role: str | None = None,
                       role_only: bool = False, subjects_first: bool = True,
                       known_gender_first: bool = False) -> Entity | None:
        sent_floor = self._sentence_floor(token_i)
        before = [c for c in self._window(sent_floor, token_i) if c.entity.type == "person"
                  and (gender in ("any", None) or c.entity.gender in (None, gender))]
        if known_gender_first and gender in ("m", "f"):
            # "the first lady": a woman known as one before a person of unknown gender
            before = [c for c in before if c.entity.gender == gender] or before
        elif gender in ("m", "f"):
            # "Doe described Jane Roe as a disgrace after she attacked …": in the pronoun's
            # own sentence, a person known to be of its gender comes before one of unknown
            # gender (whom the pronoun would otherwise give that gender for good)
            start = self.sdoc[token_i].sent.start
            same = [c for c in before if c.token_i >= start]
            if any(c.entity.gender == gender for c in same) and \
                    any(c.entity.gender is None for c in same):
                unsure = {id(c.entity) for c in same if c.entity.gender is None}
                before = [c for c in before if id(c.entity) not in unsure]
        if not before and gender in ("m", "f"):
            # "she" long after the only woman quoted: the last person who may be of that
            # gender, however far back
            before = [c for c in self._window(0, token_i) if c.entity.type == "person"
                      and c.entity.gender in (None, gender)][-1:]
        if not before:
            return None
        if role:
            with_role = [c for c in before if any(role in r.lower().split() for r in c.entity.roles)]
            if with_role:
                return max(with_role, key=lambda c: c.token_i).entity
            if role_only:
                return None
            # "the mayor" is not the person just introduced as a lawyer: a known occupation
            # other than the one asked rules a person out
            occupations = self.lang.read_list("occupations.txt")
            before = [c for c in before
                      if not any((h := _role_head(r, self.lang)) in occupations and h != role
                                 for r in c.entity.roles)]
            if not before:
                return None
            # "the minister" is not the shadow minister or a former one
            current = [c for c in before
                       if not any(w in r.lower() for r in c.entity.roles
                                  for w in self.lang.not_in_office)]
            before = current or before
        # Prefer the most recent subject of an earlier sentence or clause; else the most recent mention.
        subjects = [c for c in before if c.subject] if subjects_first else []
        pool = subjects or before
        best = max(pool, key=lambda c: c.token_i).entity
        if gender in ("m", "f") and best.gender is None:
            best.gender = gender
        return best

    def _person_with_role(self, head: Token, core: Span, ahead: bool = True) -> Entity | None:
        """The most recent person mentioned before ``head`` whose role has ``head``'s noun
        as its head word and every modifier of ``core`` among its words ("the fire chief"
        is the town's fire chief, not the police chief), and no qualifier ``core`` does not
        have ("the minister" is not the shadow minister, "President" not the vice
        president); with ``ahead``, else the one person introduced just after it."""
        lemma, lower = head.lemma_.lower(), head.lower_
        mods = {t.lower_ for t in core if t.i < head.i and t.pos_ in ("NOUN", "PROPN", "ADJ")}
        own = {t.lower_ for t in core}
        gender = _role_gender(lemma, self.lang)
        lesser = set(self.lang.lesser_offices)

        parties = self._lex.party_names
        mods = {parties.get(m, m) for m in mods}  # "the GOP nominee": the Republican one

        def fits(role: str) -> bool:
            words = {_strip_possessive(w, self.lang) for w in role.lower().split()}
            words |= {parties[w] for w in words if w in parties}
            return (_role_head(role, self.lang) in (lemma, lower) and mods <= words
                    and not (words & lesser) - own
                    and not any(w in role.lower() and w not in own
                                for w in self.lang.not_in_office))

        def has_role(e: Entity) -> bool:
            return e.type == "person" and (gender not in ("m", "f") or e.gender in (None, gender)) \
                and any(fits(r) for r in e.roles)

        for c in reversed(self._window(0, head.i)):
            if has_role(c.entity):
                return c.entity
        if not ahead:
            return None
        # a lede names the role before the person ("…, the power minister said on Friday.
        # Power Minister Jane Doe said …"): the first person introduced after it with that
        # role, within a few sentences, when only one is
        later = self.candidates[bisect.bisect_right(self._candidate_keys, head.i):]
        found = {id(c.entity): c.entity for c in later
                 if c.token_i - head.i <= self.settings.cataphora_max_tokens and has_role(c.entity)}
        return next(iter(found.values())) if len(found) == 1 else None

    def _pronoun_owner(self, head: Token) -> tuple[Token, str, Entity | None] | None:
        """For a noun with a gendered possessive pronoun ("*his* campaign", "*her* aides"):
        the pronoun, its gender and the person it stands for (None when nobody fits); None
        without such a pronoun."""
        poss = next((c for c in head.children if c.dep_ == self._lab.poss
                     and self._lex.pronouns.get(c.lower_, ("", ""))[0] in ("m", "f")), None)
        if poss is None:
            return None
        gender = self._lex.pronouns[poss.lower_][0]
        return poss, gender, self._recent_person(head.i, gender, known_gender_first=True)

    def _owners_role_holder(self, head: Token, core: Span) -> Entity | None:
        """For "his attorney" (a role noun with a gendered possessive pronoun), the person
        introduced earlier with that role of the man the pronoun stands for ("Mark Roe,
        Pagliano's attorney"), or None."""
        found = self._pronoun_owner(head)
        if found is None:
            return None
        owner = found[2]
        holder = self._person_with_role(head, core, ahead=False)
        if owner is None or holder is None or holder is owner:
            return None
        owner_words = {fold(w) for w in owner.name.split()}
        of_owner = [r for r in holder.roles if _role_head(r, self.lang) == head.lemma_.lower()
                    and {fold(_strip_possessive(w, self.lang)) for w in r.split()} & owner_words]
        return holder if of_owner else None

    def _parties_named(self, words: Iterable[str]) -> set[str]:
        """The parties lower-cased ``words`` name (``party_names.tsv``: "gop" is Republican)."""
        parties = self._lex.party_names
        return {parties[w] for w in words if w in parties}

    def _parties(self, person: Entity) -> set[str]:
        """The parties ``person``'s roles and affiliation name ("Republican rival")."""
        return self._parties_named(
            " ".join([*person.roles, person.affiliation or ""]).lower().split())

    def _party_person(self, core: Span, token_i: int) -> Entity | None:
        """The one person before ``token_i`` whose roles name the party ``core`` names, or
        None (no party named, nobody of it, or several)."""
        said = self._parties_named(t.lower_ for t in core)
        if not said:
            return None
        found = {id(c.entity): c.entity for c in self._window(0, token_i)
                 if c.entity.type == "person" and said & self._parties(c.entity)}
        return next(iter(found.values())) if len(found) == 1 else None

    def _other_party(self, person: Entity, core: Span) -> bool:
        """Does ``core`` name a party ("the Democratic nominee") other than every party
        ``person``'s roles and affiliation name?"""
        said = self._parties_named(t.lower_ for t in core)
        known = self._parties(person)
        return bool(said and known and not said & known)

    def _recent_entity(self, token_i: int, types: tuple[str, ...]) -> Entity | None:
        floor = self._sentence_floor(token_i)
        pool = [c for c in self._window(floor, token_i) if c.entity.type in types]
        return max(pool, key=lambda c: c.token_i).entity if pool else None

    def _sentence_floor(self, token_i: int) -> int:
        """First token of the sentence ``settings.lookback_sentences`` before ``token_i``'s."""
        if not self._sent_starts:
            self._sent_starts = [s.start for s in self.sdoc.sents]
        idx = bisect.bisect_right(self._sent_starts, token_i) - 1
        return self._sent_starts[max(0, idx - self.settings.lookback_sentences)]

    def _add_entity(self, name: str, etype: str, mention: Span, token_i: int) -> Entity:
        key = name.lower()
        pos = min((p for p in self._by_name.get((etype, key), ())
                   if self.entities[p].type == etype and self.entities[p].name.lower() == key),
                  default=None)  # the first such entity, as a scan would find it
        ent = self.entities[pos] if pos is not None else None
        if ent is None:
            ent = self._new_entity(Entity(id=f"e{len(self.entities) + 1}", name=name,
                                          type=etype))
        ent.mentions.append(self.text_span(mention))
        if etype != "anonymous" and not self._in_caption(mention.start_char):
            self._add_candidate(_Candidate(token_i, ent, True))
        return ent

    def _affiliation(self, mention: Span, head: Token) -> str | None:
        lex, lab, lang = self._lex, self._lab, self.lang
        mods = [t for t in mention if t.i < head.i and
                t.dep_ in (lab.compound, lab.amod, lab.nmod, lab.poss)
                and (t.pos_ == "PROPN" or t.ent_type_ in lang.organization_entity_labels or
                     t.lower_ in lex.organization_heads)]
        if mods:
            s, e = min(t.i for t in mods), max(t.i for t in mods) + 1
            return _strip_possessive(self.sdoc[s:e].text, lang)
        for prep in head.children:
            if prep.dep_ == lab.prep and prep.lower_ in lang.word_list("affiliation_preps"):
                pobj = next((c for c in prep.children if c.dep_ == lab.pobj), None)
                if pobj is not None:
                    s, e = np_span(pobj, lang)
                    return _strip_the(self.sdoc[s:e], lang)
        # "a spokesperson" with no affiliation of its own speaks for the organisation just
        # quoted; "experts" or "demonstrators" do not (insider_heads.txt)
        insiders = lang.read_list("insider_heads.txt")
        if head.lemma_.lower() not in insiders and head.lower_ not in insiders:
            return None
        org = self._recent_entity(head.i, types=("organization",))
        return org.name if org else None

    def _persons_body(self, core: Span, head: Token, known_gender: bool = False) -> str | None:
        """"His campaign", "her office": the body of the person the pronoun stands for,
        named after them ("Jane Doe's campaign"), or None; with ``known_gender``, only a
        person whose gender the text or their given name tells."""
        found = self._pronoun_owner(head)
        if found is None:
            return None
        poss, gender, person = found
        if person is None or (known_gender and person.gender != gender):
            return None
        rest = " ".join(t.text for t in core if t.i > poss.i)
        return f"{person.name}'s {rest}" if rest else None

    def _named_organization(self, core: Span, head: Token) -> str | None:
        """A lower-case description of an organisation ("the appeals court", "a federal
        appeals court", "the committee") is the organisation the document names whose name
        holds its head and its noun modifiers ("U.S. Court of Appeals for the Sixth
        Circuit"): the nearest such name before it, else the first after it (a lede that
        names the body later), as within-document coreference resolves by recency."""
        lab, lang = self._lab, self.lang
        leading_article = core[0].lower_ in lang.articles
        if head.pos_ != "NOUN" or head.tag_ == lab.tag_plural_noun or any(
                t.text[:1].isupper() for t in core[int(leading_article):]):
            return None  # a capitalised word names the body itself
        words = {head.lemma_.lower()} | {t.lemma_.lower() for t in core if t.i < head.i and
                                         t.dep_ == lab.compound and t.pos_ == "NOUN"}
        names: list[tuple[int, str]] = []
        for ent in self.sdoc.ents:
            if ent.label_ not in ("ORG", "FAC") or ent.start <= head.i < ent.end:
                continue
            lemmas = {t.lemma_.lower() for t in ent} | {t.lower_ for t in ent} | {
                t.lower_.rstrip("s") for t in ent}
            if words <= lemmas:
                names.append((ent.start, self._whole_body_name(ent)))
        before = [n for i, n in names if i < head.i]
        after = [n for i, n in names if i > head.i]
        return before[-1] if before else after[0] if after else None

    def _whole_body_name(self, ent: Span) -> str:
        """An organisation entity's name with a capitalised "for/of …" part the tagger left
        out ("the U.S. Court of Appeals" + "for the Sixth Circuit")."""
        doc, lang = self.sdoc, self.lang
        name = _organization_name(ent, ent.root, lang)
        i = ent.end
        if i + 1 >= len(doc) or doc[i].lower_ not in ("for", "of"):
            return name  # not "on": "the committee on Tuesday" is no part of its name
        j = i + 1 + (doc[i + 1].lower_ in lang.articles)
        k = j
        while k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper() and \
                doc[k].ent_type_ not in ("DATE", "TIME"):
            k += 1
        return f"{name} {doc[i:k].text}" if k > j else name

    def _named_body(self, affiliation: str, head: Token) -> str:
        """The name of the body a spokesperson speaks for: "the department" is the
        organisation named earlier whose name holds that word ("the Environment
        Department"; any named organisation for a generic head such as "agency"), and
        lower-case descriptive words before a name go ("federal Department of X")."""
        words = affiliation.split()
        if len(words) == 1 and words[0].islower():
            orgs = [e for e in self.sdoc.ents if e.end <= head.i and
                    e.label_ in self.lang.organization_entity_labels]
            same_head = [e for e in orgs if any(t.lower_ == words[0] for t in e)]
            generic = words[0] in self._lex.organization_heads
            pick = same_head or (orgs if generic else [])
            if not pick:
                return affiliation
            words = _strip_the(pick[-1], self.lang).split()
        while len(words) > 1 and words[0].islower() and any(w[:1].isupper() for w in words):
            words.pop(0)
        return " ".join(words)

    def finish(self) -> list[Entity]:
        """Entities that carry at least one mention (ids stay as assigned)."""
        return [e for e in self.entities if e.mentions]


# Role nouns whose "of" names a person, not a place or body: "the father of X, who ..."
# may be X's.
_KIN = frozenset({"mother", "father", "son", "daughter", "wife", "husband", "brother",
                  "sister", "widow", "widower", "parent", "friend"})


def _author_of(source: Token, lang: LanguagePack) -> Token | None:
    """The author of a work named as the source ("an analysis by X", "a statement from X",
    "X's report", "a speech X delivered", "a study released by X"), or None."""
    works = lang.read_list("authored_works.txt")
    if source.pos_ != "NOUN" or (source.lemma_.lower() not in works and source.lower_ not in works):
        return None
    found = named_author(source, lang)
    if found is not None:
        return found
    lab = lang.labels
    named = [c for c in source.children if c.dep_ == lab.compound and c.pos_ == "PROPN"
             and c.i < source.i]
    if named:
        # "a Government Accountability Office report", "a Tax Policy Center analysis": the
        # name before the work is its author
        return max(named, key=lambda c: c.i)
    authoring = lang.word_list("authoring_verbs")
    for c in source.children:
        if c.dep_ in (lab.relcl, lab.acl) and c.lemma_.lower() in authoring:
            subj = next((g for g in c.children if g.dep_ == lab.nsubj
                         and g.lower_ not in lang.relative_pronouns), None)
            if subj is not None and subj.i > source.i:
                return subj
            found = by_author(c, lang)
            if found is not None:
                return found
    if source.dep_ == lab.dobj and source.head.lemma_.lower() in authoring:
        # "the campaign released an ad that cast X as …": who released it
        subj = next((g for g in source.head.children if g.dep_ == lab.nsubj
                     and g.lower_ not in lang.relative_pronouns), None)
        if subj is not None:
            return subj
    return None


def _strip_possessive(text: str, lang: LanguagePack) -> str:
    for suffix in lang.possessive_suffixes:
        text = text.removesuffix(suffix)
    return text


def _strip_the(span: Span, lang: LanguagePack) -> str:
    words = [t for t in span if not t.is_punct or t.text in "&-"]
    if words and words[0].lower_ in lang.articles:
        words = words[1:]
    if not words:
        return span.text
    return _strip_possessive(span.doc[words[0].i:words[-1].i + 1].text, lang)


def _organization_name(core: Span, head: Token, lang: LanguagePack) -> str:
    """An organisation's name: without the leading "the" and the lower-case descriptive
    words before a capitalised name ("the provincial X Office", "the state-owned X
    Corporation" → "X Office", "X Corporation"), with a capitalised prepositional part of
    the name ("Committee on Y Recovery")."""
    doc = core.doc
    start, end = core.start, core.end
    lab = lang.labels
    if head.pos_ == "PROPN":
        for prep in head.children:
            if prep.dep_ != lab.prep or prep.i != end:
                continue
            lo, hi = subtree_extent(prep)
            words = [t for t in doc[prep.i + 1:hi + 1] if not t.is_punct and
                     t.lower_ not in lang.articles]  # "… for the Sixth Circuit"
            if words and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words):
                end = hi + 1
    toks = [t for t in doc[start:end]]
    first_cap = next((n for n, t in enumerate(toks) if t.text[:1].isupper() and
                      t.lower_ not in lang.articles), None)
    if first_cap is not None and first_cap > 0 and toks[first_cap].i <= head.i and all(
            t.is_punct or t.lower_ in lang.articles or t.text.islower() and t.pos_ != "NUM"
            for t in toks[:first_cap]):
        start = toks[first_cap].i
    return _strip_the(doc[start:end], lang)


def _role_gender(lemma: str, lang: LanguagePack) -> str:
    if lemma.endswith(lang.word_list("female_suffixes")) or lemma in lang.word_list("female_roles"):
        return "f"
    if lemma.endswith(lang.word_list("male_suffixes")) or lemma in lang.word_list("male_roles"):
        return "m"
    return "any"


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line of ``text`` with its start offset."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _caption_paragraphs(text: str, lang: LanguagePack) -> list[tuple[int, int]]:
    """Lines that end without sentence punctuation: captions, headlines, bylines."""
    ends = lang.sentence_end_chars
    return [(pos, pos + len(line)) for pos, line in _lines(text)
            if line.rstrip() and not line.rstrip().endswith(ends)]


def _person_spans(sdoc: Doc, lang: LanguagePack) -> list[Span]:
    """PERSON entities, plus an honorific followed by capitalised names that NER missed
    ("Mr Doe"), in text order."""
    lex = lang.lexicons
    courtesy = lang.courtesy_titles
    spans = [_extend_right(_extend_left(e, lang), lang) for e in sdoc.ents if e.label_ == "PERSON"]
    covered = {t.i for e in spans for t in e}
    for tok in sdoc:
        if tok.text.lower() in courtesy and tok.text.lower() in lex.honorifics and \
                tok.i + 1 < len(sdoc) and tok.i + 1 not in covered:
            end = tok.i + 1
            while end < len(sdoc) and sdoc[end].pos_ == "PROPN" and sdoc[end].text[:1].isupper() \
                    and end not in covered and sdoc[end].ent_type_ not in ("GPE", "DATE"):
                end += 1
                if end + 1 < len(sdoc) and sdoc[end].text == "-" and not sdoc[end - 1].whitespace_ \
                        and not sdoc[end].whitespace_ and sdoc[end + 1].text[:1].isupper() and \
                        end + 1 not in covered:
                    end += 2  # "Dr Lowe-Rigby": a hyphenated surname
            if end > tok.i + 1:
                spans.append(sdoc[tok.i + 1:end])
                covered.update(range(tok.i + 1, end))
    return sorted(spans, key=lambda e: e.start)


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Lines written in title case (headlines: "Senator Seeks New Vote As Session Ends"),
    where NER takes a capitalised verb or adjective for part of a name."""
    out = []
    for pos, line in _lines(text):
        words = re.findall(r"[^\W\d_]{4,}", line)
        if len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
            out.append((pos, pos + len(line)))
    return out


def _trim_headline_names(spans: list[Span], lang: LanguagePack) -> list[Span]:
    """A person named in a title-case headline, cut to the words that name a person in the
    body: "Derelict Smith" and "Smith Seeks" are Smith when the body names a Smith and no
    "Derelict" or "Seeks"."""
    if not spans:
        return spans
    lines = _title_case_lines(spans[0].doc.text)
    if not lines:
        return spans

    def in_headline(e: Span) -> bool:
        return any(s <= e.start_char < t for s, t in lines)

    body = {fold(t.text) for e in spans if not in_headline(e) for t in e}
    if not body:
        return spans
    out = []
    for e in spans:
        if in_headline(e) and any(fold(t.text) in body for t in e):
            start, end = e.start, e.end
            doc = e.doc
            while start < end and fold(doc[start].text) not in body:
                start += 1
            while end > start and fold(doc[end - 1].text) not in body:
                end -= 1
            e = doc[start:end]
        out.append(e)
    return out


def _extend_left(ent: Span, lang: LanguagePack) -> Span:
    """NER sometimes keeps only the surname ("Dame Harriet [Quayle]"): take the given names back."""
    lex = lang.lexicons
    start = ent.start
    doc = ent.doc
    while start > 0:
        prev = doc[start - 1]
        low = prev.text.lower()
        if prev.pos_ != "PROPN" or not prev.text[:1].isupper() or low in lex.honorifics or \
                low in lex.role_nouns or prev.ent_type_ not in ("", "PERSON") or \
                prev.head.i < ent.start or prev.head.i >= ent.end:
            break
        start -= 1
    return doc[start:ent.end] if start != ent.start else ent


def _extend_right(ent: Span, lang: LanguagePack) -> Span:
    """NER sometimes takes the title for the name ("[Chief Superintendent] Ann Doe"): a span
    that ends in a role noun runs on over the capitalised names after it."""
    lex = lang.lexicons
    doc = ent.doc
    if ent[-1].lower_ not in lex.role_nouns:
        return ent
    end = ent.end
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and \
            doc[end].lower_ not in lex.role_nouns and doc[end].ent_type_ in ("", "PERSON") and \
            end - ent.end < 3:
        end += 1
    return doc[ent.start:end] if end > ent.end else ent


def _is_subject(ent: Span, lang: LanguagePack) -> bool:
    """A sentence subject: parsed as one, or the first noun phrase of its sentence (the small
    parser often misreads "Jane Doe – who … – called for …")."""
    root = ent.root
    lab = lang.labels
    if root.dep_ in (lab.nsubj, lab.nsubjpass) or (
            root.dep_ in (lab.appos, lab.compound) and root.head.dep_ == lab.nsubj):
        return True
    sent = ent.sent
    return not any(t.pos_ in ("VERB", "AUX") for t in ent.doc[sent.start:ent.start])


def _looks_like_person_name(mention: Span, lang: LanguagePack) -> bool:
    """Two or three capitalised proper nouns with no article or organisation word: a person
    whom NER mislabelled as a place or organisation ("Jane Doe said")."""
    lex = lang.lexicons
    toks = [t for t in mention if not t.is_punct]
    if not 2 <= len(toks) <= 3 or any(t.pos_ != "PROPN" or not t.text[:1].isupper() or
                                      t.text.isupper() for t in toks):
        return False
    if any(t.lower_ in lex.organization_heads for t in toks):
        return False
    if toks[0].lower_ in lang.place_name_prefixes:
        return False
    return all(t.ent_type_ in ("", "PERSON", "GPE", "ORG", "NORP") for t in toks)


def _person_names(ent: Span, lang: LanguagePack) -> _Names | None:
    lex = lang.lexicons
    toks = [t for t in ent if not t.is_punct and t.lower_ not in lang.possessive_suffixes]
    title, gender = None, None
    # a title just before the entity ("Sir", "Mr", "Professor") belongs to the mention
    prev = ent.doc[ent.start - 1] if ent.start > 0 else None
    if prev is not None and prev.text.lower() in lex.honorifics:
        title = prev.text
        gender = lex.honorifics[prev.text.lower()]
    while toks and (toks[0].text.lower() in lex.honorifics or
                    toks[0].text.lower() in lex.role_nouns and len(toks) > 2):
        # "Councilman Ray Dubois", "Superintendent Dr. Alicia Brennan": titles, not names
        title = toks[0].text
        gender = gender or lex.honorifics.get(toks[0].text.lower())
        toks = toks[1:]
    last_role = max((i for i, t in enumerate(toks[:-2]) if t.lower_ in lex.role_nouns), default=-1)
    if last_role >= 0:
        # "Garda Superintendent Liam Doyle": the words up to the title's noun are the title
        title = " ".join(t.text for t in toks[:last_role + 1])
        toks = toks[last_role + 1:]
    words = _name_words(toks)
    if not words or not any(w[:1].isupper() for w in words):
        return None
    return _Names(words, title, gender)


def _name_words(toks: list[Token]) -> list[str]:
    """The words of a name from its tokens (punctuation left out), a hyphenated name kept
    whole ("Ann Lowe-Rigby": the tokenizer splits it at the hyphen)."""
    words: list[str] = []
    prev: Token | None = None
    for t in toks:
        if prev is not None and words and t.i == prev.i + 2 and not prev.whitespace_:
            hyphen = t.doc[prev.i + 1]
            if hyphen.text in ("-", "‑") and not hyphen.whitespace_:
                words[-1] += hyphen.text + t.text
                prev = t
                continue
        words.append(t.text)
        prev = t
    return words


def _with_title(ent: Span, lang: LanguagePack) -> Span:
    """The name with the title just before it ("Sir John Doe")."""
    lex = lang.lexicons
    start = ent.start
    if start > 0 and ent.doc[start - 1].text.lower() in lex.honorifics:
        start -= 1
    return ent.doc[start:ent.end]


def _same_person(e: Entity, names: _Names, lang: LanguagePack) -> bool:
    """Whether the person mention ``names`` is entity ``e``: the same words (folded by
    :func:`saidwhat.names.fold`: case and diacritics), or one word that is the surname
    (a given name after "Sir"/"Dame", or with no title at all)."""
    have = [fold(w) for w in e.name.split()]
    new = [fold(w) for w in names.tokens]
    if have == new:
        return True
    if len(new) == 1:
        w = new[0]
        if names.title and names.title.lower() in lang.given_name_titles:
            return have[0] == w  # British usage: "Sir John" is John Doe
        return have[-1] == w or (names.title is None and have[0] == w)
    if len(have) == 1:
        return new[-1] == have[0]
    return False


def _roles_of(ent: Span, lang: LanguagePack) -> list[str]:
    """The roles a person mention gives: :func:`_role_of`, and the role noun of an
    abbreviated title before the name (:func:`_title_role`), when it is another."""
    words = _title_words(ent, lang)
    roles = [r for r in (_role_of(ent, lang, words), _title_role(ent, lang, words),
                         _role_before(ent, lang), _party_tag(ent)) if r]
    return list(dict.fromkeys(roles))


# US style's party and state after a name: "Harry Reid (D-Nev.)", "Gov. Tom Hale (R)".
_PARTY_TAG = re.compile(r"\s*\((R|D)(?:-[A-Z][A-Za-z.]*)?\)")
_PARTY_TAG_WORDS = {"R": "Republican", "D": "Democrat"}


def _party_tag(ent: Span) -> str | None:
    m = _PARTY_TAG.match(ent.doc.text, ent.end_char)
    return _PARTY_TAG_WORDS[m.group(1)] if m else None


def _role_before(ent: Span, lang: LanguagePack) -> str | None:
    """A role in apposition before a titled name ("The Republican nominee, Governor Jane
    Doe": :func:`_role_of` gives the title): the role with its party, without the
    article or a possessive."""
    head = _fronted_role_head(ent, lang)
    if head is None or head.pos_ != "NOUN":
        return None
    s, e = np_span(head, lang)
    return _role_words(ent.doc[s:e], lang) or None


def _title_role(ent: Span, lang: LanguagePack, words: list[Token]) -> str | None:
    """The title before a name with its abbreviations spelt out ("Gov. Jane Doe": "governor";
    ``title_abbreviations.tsv``), so that a later "the governor" or a headline's "Governor"
    finds her; None without such an abbreviation, or after one the tokenizer split ("Lt." +
    "Gov.": a lieutenant governor is no governor)."""
    expand = lang.lexicons.title_roles
    if not words or not any(w.text.lower() in expand for w in words):
        return None
    before = words[0].i - 1
    if before >= 0 and ent.doc[before].text == ".":
        return None
    return " ".join(expand.get(w.text.lower(), w.text) for w in words).lower()


def _role_of(ent: Span, lang: LanguagePack, words: list[Token]) -> str | None:
    """Role words before the name ("Health Secretary Jane Doe": ``words``, from
    :func:`_title_words`) or in apposition ("Jane Doe, the transport secretary")."""
    lex, lab = lang.lexicons, lang.labels
    doc = ent.doc
    if words and any(w.lemma_.lower() in lex.role_nouns or w.pos_ == "NOUN" for w in words):
        return " ".join(w.text for w in words)
    for child in ent.root.children:
        if child.dep_ == lab.appos and child.i > ent.root.i and child.ent_type_ != "PERSON":
            s, e = np_span(child, lang)
            span = doc[s:e]
            return _strip_the(span, lang)
    head = _fronted_role_head(ent, lang)
    if head is not None:
        # "The housing minister, Jane Doe, said": the role stands before the name
        s, e = np_span(head, lang)
        return _strip_the(doc[s:e], lang)
    return None


def _fronted_role_head(ent: Span, lang: LanguagePack) -> Token | None:
    """The head of a role noun phrase in apposition before a name ("The housing minister,
    Jane Doe"), or None."""
    lab = lang.labels
    head = ent.root.head
    if ent.root.dep_ == lab.appos and head.i < ent.start and head.ent_type_ != "PERSON" and \
            head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in lang.lexicons.role_nouns:
        return head
    return None


def _role_words(span: Span, lang: LanguagePack) -> str:
    """A role description's words, without punctuation, articles and possessives ("Her
    Republican rival" -> "Republican rival")."""
    lab = lang.labels
    return " ".join(t.text for t in span if not t.is_punct and t.dep_ not in (lab.det, lab.poss))


def _title_words(ent: Span, lang: LanguagePack) -> list[Token]:
    """The titles and role words before a name and at its start ("Health Secretary",
    "Former Gov.")."""
    lex, lab = lang.lexicons, lang.labels
    courtesy = lang.courtesy_titles
    doc = ent.doc
    words: list[Token] = []
    for t in ent:
        low = t.text.lower()
        if low in courtesy or not (low in lex.honorifics or low in lex.role_nouns):
            break
        words.append(t)
    i = ent.start - 1
    if i >= 0 and doc[i].text.lower() in lex.honorifics:
        if doc[i].text.lower() not in courtesy:
            words.insert(0, doc[i])
        i -= 1
    while i >= 0 and doc[i].dep_ in (lab.compound, lab.amod, lab.nmod) and not doc[i].is_punct and \
            doc[i].ent_type_ not in ("PERSON", "DATE", "TIME") and \
            doc[i].head.i >= ent.start - 1 - len(words):
        words.insert(0, doc[i])
        i -= 1
    return words


def _role_head(role: str, lang: LanguagePack) -> str:
    """The head word of a role ("fire chief" in "town's fire chief", "ecologist" in
    "wildlife ecologist at a university"), lower-cased."""
    preps = lang.word_list("affiliation_preps")
    words: list[str] = []
    for w in role.lower().split():
        if w in preps:
            break
        words.append(_strip_possessive(w, lang))
    return words[-1] if words else ""


# ------------------------------------------------------------------- the component

class RuleResolver:
    """The rule-based resolver (``rule_resolver.v1``): sources resolved in text order with
    one :class:`SpeakerResolver`, so that later pronouns can refer through earlier mentions;
    a continuation takes the speaker of the quotation before it; a candidate with no source
    at all is dropped (nobody said it)."""

    def __call__(self, doc: DocContext, candidates: list[Candidate]) -> list[Entity]:
        resolver = SpeakerResolver(doc.sdoc, doc.text, doc.lang, doc.settings,
                                   quote_spans=[(q.start, q.end) for q in doc.full_quotes])
        doc.check()
        resolve_in_order(resolver, candidates, doc.check)
        return resolver.finish()


def _no_check() -> None:
    return None


def resolve_in_order(resolver: SpeakerResolver, records: Sequence[Candidate],
                     check: Callable[[], None] = _no_check) -> None:
    """Resolve sources in text order so that later pronouns can refer through earlier ones."""
    def position(r: Candidate) -> int:
        if r.source is not None:
            return r.source.i
        return r.verb.i if r.verb is not None else 10**9

    ordered = sorted((r for r in records if not r.continuation), key=position)
    for n, r in enumerate(ordered):
        if n % 64 == 63:
            check()
        speaker, mention = resolver.resolve(r.source, r.verb, r.source_extent)
        r.speaker = speaker
        r.mention = resolver.text_span(mention) if mention else None
    _headline_roles(resolver, ordered)
    last: Candidate | None = None
    for r in records:  # content order
        if r.continuation:
            if last is not None and last.speaker is not None:
                r.speaker = last.speaker
                r.mention = last.mention if r.source is not None else None
        if r.speaker is not None and r.speaker.type != "unknown" or r.continuation:
            last = r
    for r in records:
        if r.speaker is not None and r.speaker.name is None and r.speaker.type == "unknown" \
                and r.mention is None:
            r.speaker = None  # nobody said it


def _headline_roles(resolver: SpeakerResolver, ordered: Sequence[Candidate]) -> None:
    """A headline or deck names its speaker by a bare role that the text does not give
    anybody in those words ("Lawmaker urges …", "…, Former White House Doctor Says"): the
    speaker is the first person the body quotes by name (news leads with the person the
    headline is about); one of another gender than the role's is not."""
    lang = resolver.lang
    role_nouns = resolver._lex.role_nouns
    body = [r for r in ordered if r.source is not None and not resolver._in_caption(r.source.idx)
            and r.speaker is not None and r.speaker.type == "person"
            and r.speaker.entity_id is not None and len((r.speaker.name or "").split()) >= 2]
    if not body:
        return
    for r in ordered:
        src = r.source
        if src is None or not resolver._at_top(src.idx) or resolver._in_caption(src.idx):
            continue
        if r.speaker is None or r.speaker.type == "person":
            continue
        head = src.lower_
        if head not in role_nouns and src.lemma_.lower() not in role_nouns:
            continue
        if src.tag_ in ("NNS", "NNPS") or (head.endswith("s") and head[:-1] in role_nouns):
            continue  # "Experts say …", "World leaders condemn …": a group, not one person
        if any(c.dep_ == resolver._lab.det for c in src.children):
            continue  # "the mayor", "a lawmaker": not a headline's bare role
        gender = _role_gender(src.lemma_.lower(), lang)
        # the body: after the headline's own line
        first = next((b for b in body if b.source.i > src.i
                      and "\n" in resolver.text[src.idx:b.source.idx]), None)
        if first is None:
            continue
        entity = next((e for e in resolver.entities if e.id == first.speaker.entity_id), None)
        if entity is None or (gender in ("m", "f") and entity.gender not in (None, gender)):
            continue
        r.speaker = first.speaker


@registry.resolvers("rule_resolver.v1")
def make_rule_resolver() -> RuleResolver:
    return RuleResolver()
