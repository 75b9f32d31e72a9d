"""A statement without concept words takes its document's topic (issue 12, eighth round):
the topic's share is among the concepts coded in the document, so stray description words of
other concepts do not dilute it. Invented statements and codebook entries only."""

from __future__ import annotations

import pytest

from saidwhat.network.codebook import Codebook, Concept
from saidwhat.network.coding import CodingItem, ConceptCoder
from saidwhat.nlp import load_nlp

BOOK = Codebook([
    Concept("flood-wall", "The river town should build a flood wall",
            "A concrete flood wall along the river defended as protecting homes from floods; or "
            "attacked as ugly, costly and cutting the town off from its river.",
            ("flood wall", "floods", "flood defences", "river wall")),
    Concept("bus-fares", "Bus fares should be frozen",
            "Freezing fares defended as helping households with bills and families on low pay; "
            "or attacked as starving the buses of money.",
            ("bus fares", "fare freeze", "ticket prices")),
    Concept("market-hall", "The old market hall should be restored",
            "Restoring the hall defended as saving heritage for young people and traders; or "
            "attacked as money the town does not have.",
            ("market hall", "restoration", "heritage")),
])

STATEMENTS = [
    "the flood wall must be built this year",
    "the town has waited far too long for proper flood defences",
    "it is a disgraceful waste of money that households on low pay, young families and traders "
    "will pay for in their bills",
]


@pytest.fixture(scope="module")
def coder() -> ConceptCoder:
    return ConceptCoder(BOOK, load_nlp())


def test_a_position_without_concept_words_takes_the_documents_topic(coder: ConceptCoder) -> None:
    codes = coder.code_many([CodingItem(s, "said", group="doc1") for s in STATEMENTS])
    last = [(c.concept_id, c.qualifier) for c in codes[-1]]
    assert [cid for cid, _ in last] == ["flood-wall"], last
    assert any(e.startswith("document topic") for e in codes[-1][0].evidence)


def test_without_a_document_it_codes_nothing(coder: ConceptCoder) -> None:
    [codes] = coder.code_many([CodingItem(STATEMENTS[-1], "said")])
    assert codes == []


ARTICLE = ("Council votes for a river flood wall\n\n"
           "The town council voted on Monday to build a flood wall along the river, after three "
           "winters of floods. Work on the flood wall starts in March.\n\n"
           "Residents were divided. Anna Reyes said it was a disgraceful waste of money that "
           "households would pay for. Tom Lake said it was the best news the town had had in years.")


def test_the_articles_own_keywords_name_the_topic_when_no_statement_does(
        coder: ConceptCoder) -> None:
    items = [CodingItem("it was a disgraceful waste of money that households would pay for",
                        "said", group="art", text=ARTICLE),
             CodingItem("it was the best news the town had had in years", "said", group="art",
                        text=ARTICLE)]
    codes = coder.code_many(items)
    assert [[c.concept_id for c in cs] for cs in codes] == [["flood-wall"], ["flood-wall"]]
    assert codes[0][0].qualifier == "oppose" and codes[1][0].qualifier == "support"


def test_an_article_on_several_concepts_names_no_topic(coder: ConceptCoder) -> None:
    text = ("The council debated the flood wall, bus fares and the market hall restoration. "
            "The flood wall, the fare freeze and the heritage plan all go to a vote in May.")
    [codes] = coder.code_many([CodingItem("it was a disgraceful waste of money that households "
                                          "would pay for", "said", group="art2", text=text)])
    assert codes == []
