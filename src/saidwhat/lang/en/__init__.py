"""The English language pack: lexicons (``lexicons/*.txt|tsv``, one provenance line each),
the ClearNLP dependency labels of spaCy's English pipelines, quotation marks, titles and
the closed word classes the rules test for."""

from __future__ import annotations

from functools import lru_cache

from ...quotemarks import ENGLISH_OPENERS
from .. import Labels, LanguagePack, load_lexicons, read_list

PACKAGE = __name__

# the small closed word lists of single rules, by rule (see where each is used)
WORDS: dict[str, tuple[str, ...]] = {
    # cues.np_span: prepositions whose phrase stays in the noun phrase ("head of the union")
    "np_preps": ("for", "of", "at", "from"),
    # cues.channel_of: "in a statement", "on Twitter", "to the BBC"
    "channel_preps": ("in", "on", "to", "during", "via"),
    "channel_advcl_verbs": ("write", "speak", "post"),  # "Writing in the Observer, ..."
    "channel_advcl_preps": ("in", "on", "to"),
    "channel_dobj_verbs": ("tell",),  # "told the BBC"
    # cues._cue_with_content: "accused X of Y", "described X as Y"
    "object_content_preps": ("of", "as", "over", "for"),
    # labelling verbs, cues only with an "as" phrase or a naming complement ("cast X as Y",
    # "branded the plan a giveaway"); outside cues.tsv, so the learned model's features for
    # them stay as trained
    "describe_verbs": ("describe", "accuse", "portray", "characterize", "characterise", "cast",
                       "paint", "rate", "brand", "label", "depict", "dub", "term",
                       # verbs of attack that label their target ("pounding X as a con artist")
                       "pound", "hammer", "bash", "assail"),
    "describe_preps": ("as",),
    "according": ("according",),  # "according to X"
    "according_to": ("to",),
    "that": ("that",),  # complementiser of "said in a statement that ..."
    "of": ("of",),
    # resolve: role nouns of a gender
    "female_roles": ("actress", "mother", "widow", "chairwoman", "lady"),
    "male_roles": ("father",),
    "female_suffixes": ("woman",),
    "male_suffixes": ("man",),
    # resolve: pronouns that stand for an unnamed group ("Some argue that …"), not a person
    "group_pronouns": ("some", "many", "others", "several", "few", "most"),
    # resolve: endings of agent nouns, which name a person ("the pensioner", "the ecologist")
    "person_noun_suffixes": ("er", "or", "ist", "ian", "eer"),
    # resolve: epithets without those endings ("the billionaire mogul": the person just
    # spoken of)
    "epithet_nouns": ("mogul", "tycoon", "magnate"),
    # cues: "Early results suggest that …": evidence, not a statement (no attribution)
    "evidence_nouns": ("finding", "result", "data", "evidence", "figure", "sign"),
    "evidential_cues": ("suggest", "indicate", "show"),
    # sources.DirectQuotes: "‘…’ The words came from Jane Doe, …"
    "quote_nouns": ("word", "comment", "remark", "plea", "warning"),
    "come_from": ("come", "from"),
    # resolve._affiliation: "a spokesman for the council"
    "affiliation_preps": ("for", "at", "from", "of", "in", "close"),
    # resolve._author_of: "an analysis by X", "a statement from X", "a speech X delivered"
    "author_preps": ("by", "from"),
    "authoring_verbs": ("deliver", "give", "write", "release", "publish", "issue", "make",
                        "send", "post", "prepare", "commission", "conduct", "produce", "file",
                        "author", "pen", "air", "run"),
    # cues.find_cue_near: marks that open another quotation
    "quote_open_tokens": ("“", "‘"),
}


@lru_cache(maxsize=1)
def pack() -> LanguagePack:
    """The English pack (built once per process)."""
    return LanguagePack(
        code="en",
        lexicons=load_lexicons(PACKAGE),
        labels=Labels(),
        quote_openers=ENGLISH_OPENERS,
        full_quote_after=":,",
        right_cue_ends=",?!—–-",
        dashes="–—―",
        quote_introducing_verbs=("say", "tell", "add", "write", "tweet"),
        name_colon_entity_labels=("PERSON", "ORG", "NORP", "GPE"),
        organization_entity_labels=frozenset({"ORG", "NORP", "GPE", "FAC"}),
        relative_pronouns=frozenset({"who", "which", "that", "whom"}),
        indefinite_determiners=frozenset({"a", "an", "one", "two", "three", "several", "some",
                                          "many", "other", "another"}),
        articles=("the", "a", "an"),
        first_and_second_person=("i", "we", "you", "me", "us"),
        not_in_office=("shadow", "former", "ex-"),
        lesser_offices=("vice", "deputy", "lieutenant", "assistant", "acting", "under"),
        anonymity_phrases=("not to be named", "anonymity", "anonymously",
                           "not authorized to speak", "not authorised to speak"),
        courtesy_titles=frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "sir",
                                   "dame", "lord", "lady", "dr", "dr.", "prof", "prof.",
                                   "professor", "rev", "rev.", "reverend"}),
        given_name_titles=("sir", "dame", "lord", "lady"),
        possessive_suffixes=("’s", "'s"),
        sentence_end_chars=tuple(".!?’”\"':;)…"),
        place_name_prefixes=read_list(PACKAGE, "place_name_prefixes.txt"),
        non_speech_governors=read_list(PACKAGE, "non_speech_governors.txt"),
        going_on_governors=read_list(PACKAGE, "going_on_governors.txt"),
        function_words=read_list(PACKAGE, "english_function_words.txt"),
        words=WORDS,
        data_package=PACKAGE,
    )
