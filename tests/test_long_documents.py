"""Bounded cost per document (issue 8): the sentence cap, near-linear stages, the time budget.

Behaviour only; the timings are measured by ``benchmarks/long_documents.py``."""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

import saidwhat.pipeline.sources as pipeline
from saidwhat import Extractor
from saidwhat.budget import DocumentTimeout, TimeBudget
from saidwhat.chunking import extract_inputs
from saidwhat.cli import extract_cmd, main
from saidwhat.model import Document
from saidwhat.nlp import cap_sentence_length
from saidwhat.pipeline.cues import subtree_extent
from saidwhat.pipeline.intervals import SpanIndex
from saidwhat.readers import InputDoc, InputError
from saidwhat.settings import Settings
from saidwhat.store import runner

_PHRASES = ("Jane Doe said that", "Tomas Reyes told reporters", "he added that",
            "Margaret Olsen argued that the plan", "the council", "the budget would hold")


def no_period_text(n_chars: int) -> str:
    rng = random.Random(0)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < n_chars:
        words.append(rng.choice(_PHRASES))
    return " ".join(words)[:n_chars]


# -- the sentence cap ------------------------------------------------------------------

@pytest.fixture(scope="module")
def blank() -> spacy.language.Language:
    return spacy.blank("en")


def _starts(doc) -> list[int]:
    return [t.i for t in doc if t.is_sent_start is True]


def test_cap_cuts_after_a_sentence_end_when_there_is_one(blank) -> None:
    doc = blank("one two three four . five six seven eight nine ten eleven twelve")
    cap_sentence_length(doc, 8)
    assert _starts(doc) == [0, 5]  # after the full stop, not at token 8


def test_cap_cuts_at_clause_punctuation_else_at_the_cap(blank) -> None:
    doc = blank("a b c d e , f g h i j k l m n o p q")
    cap_sentence_length(doc, 8)
    assert _starts(doc)[:2] == [0, 6]  # after the comma (in the second half)
    doc = blank(" ".join(f"w{i}" for i in range(30)))
    cap_sentence_length(doc, 8)
    assert _starts(doc) == [0, 8, 16, 24]


def test_cap_leaves_short_sentences_and_counts_from_preset_starts(blank) -> None:
    doc = blank("a b c . d e f")
    cap_sentence_length(doc, 8)
    assert _starts(doc) == [0]  # nothing longer than the cap: untouched
    doc = blank("a b c . d e f . g h i")
    cap_sentence_length(doc, 8)
    assert _starts(doc) == [0, 8]  # 11 tokens since the last preset start: the last full stop
    doc = blank(" ".join(f"w{i}" for i in range(12)))
    doc[6].is_sent_start = True  # a paragraph break
    cap_sentence_length(doc, 8)
    assert _starts(doc) == [0, 6]


def test_parser_keeps_the_cap_on_a_long_text_without_sentence_ends(extractor) -> None:
    sdoc = extractor.nlp(no_period_text(8000))
    cap = extractor.settings.max_sentence_tokens
    assert len(sdoc) > 3 * cap
    assert max(len(s) for s in sdoc.sents) <= cap
    # no dependency arc crosses a sentence: the parser respected the preset starts
    assert all(t.head.sent.start == t.sent.start for t in sdoc)
    doc = extractor(no_period_text(8000), "long")
    assert doc.quotes  # still extracted
    for q in doc.quotes:
        assert doc.text[q.content.start:q.content.end] == q.content.text


def test_cap_does_not_change_news_text(extractor, example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    uncapped = Extractor(settings=Settings(max_sentence_tokens=None))
    assert uncapped(text, "x").to_dict() == extractor(text, "x").to_dict()


def test_settings_are_validated() -> None:
    assert Settings().max_sentence_tokens == 250 and Settings().doc_timeout == 120
    with pytest.raises(ValueError):
        Settings(max_sentence_tokens=2)
    with pytest.raises(ValueError):
        Settings(doc_timeout=0)


# -- near-linear stages ----------------------------------------------------------------

def test_span_index_matches_a_scan() -> None:
    rng = random.Random(1)
    for _ in range(200):
        spans = [(a, a + rng.randint(0, 12)) for a in (rng.randint(0, 50) for _ in range(8))]
        index = SpanIndex(spans)
        for _ in range(20):
            p, s = rng.randint(-2, 70), rng.randint(-2, 70)
            e = s + rng.randint(-2, 25)
            assert index.containing(p) == sum(a <= p < b for a, b in spans)
            assert index.overlapping(s, e) == sum(a < b and a < e and s < b and s < e
                                                  for a, b in spans)
            assert index.starting_in(s, e) == any(s <= a < e for a, b in spans if b > a)
            assert index.covered(s, e) == sum(max(0, min(e, b) - max(s, a)) for a, b in spans)


def test_subtree_extent_is_the_subtree(extractor, example_path: Path) -> None:
    sdoc = extractor.nlp(example_path.read_text(encoding="utf-8"))
    for tok in sdoc:
        idx = [t.i for t in tok.subtree]
        assert subtree_extent(tok) == (min(idx), max(idx))


def test_every_one_of_many_quotes_is_found(extractor) -> None:
    n = 1000
    text = "Jane Doe spoke to the council.\n" + "".join(
        f"'Text {i},' she said.\n" for i in range(1, n + 1))
    doc = extractor(text, "many")
    assert [q.content.text for q in doc.quotes] == [f"Text {i}," for i in range(1, n + 1)]
    assert all(q.kind == "direct" and q.cue is not None and q.cue.text == "said"
               for q in doc.quotes)
    assert {q.speaker.name for q in doc.quotes} == {"Jane Doe"}


# -- the time budget -------------------------------------------------------------------

SHORT_A = "The minister said the bridge would reopen in May.\n"
SHORT_B = "‘We were not consulted,’ said Tomasz Nowak, who runs a bakery.\n"
SLOW = "SLOW: the council said the plan would cost more.\n"


@pytest.fixture
def slow_stage(monkeypatch: pytest.MonkeyPatch):
    """Make the cue stage take ``seconds`` on texts that contain SLOW."""
    real = pipeline.find_cues
    delay = {"seconds": 0.6}

    def find_cues(sdoc, check=None, *args):
        if "SLOW" in sdoc.text:
            time.sleep(delay["seconds"])
        return real(sdoc, check, *args) if check is not None else real(sdoc, *args)

    monkeypatch.setattr(pipeline, "find_cues", find_cues)
    return delay


def _budgeted(extractor: Extractor, seconds: float) -> Extractor:
    # the session's pipeline, with another budget (the sentence cap is the same)
    return Extractor(nlp=extractor.nlp, settings=Settings(doc_timeout=seconds))


def test_a_document_over_budget_fails_and_the_batch_goes_on(extractor, slow_stage) -> None:
    ex = _budgeted(extractor, 0.3)
    items = [InputDoc("a", SHORT_A), InputDoc("slow", SLOW), InputDoc("b", SHORT_B)]
    out = list(extract_inputs(ex, items))
    assert isinstance(out[0], Document) and isinstance(out[2], Document)
    assert out[0].quotes and out[2].quotes
    assert isinstance(out[1], InputError)
    assert out[1].reason == "time budget of 0.3 s exceeded"
    # without a budget the same document is extracted
    assert isinstance(list(extract_inputs(_budgeted(extractor, None), items))[1], Document)


def test_pipe_results_yields_the_timeout_and_pipe_raises_it(extractor, slow_stage) -> None:
    ex = _budgeted(extractor, 0.3)
    res = list(ex.pipe_results([("a", SHORT_A), ("slow", SLOW), ("b", SHORT_B)]))
    assert [type(r) for r in res] == [Document, DocumentTimeout, Document]
    with pytest.raises(DocumentTimeout, match="time budget of 0.3 s exceeded"):
        ex(SLOW, "slow")


def test_the_alarm_interrupts_a_stage_that_never_checks(extractor, slow_stage) -> None:
    slow_stage["seconds"] = 30  # time.sleep does not check the budget: only the alarm can end it
    ex = _budgeted(extractor, 0.3)
    start = time.monotonic()
    with pytest.raises(DocumentTimeout):
        ex(SLOW, "slow")
    assert time.monotonic() - start < 15


def test_outside_the_main_thread_the_checks_still_apply(extractor, slow_stage) -> None:
    ex = _budgeted(extractor, 0.3)
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.extend(ex.pipe_results([("s", SLOW)])))
    worker.start()
    worker.join(60)
    assert len(result) == 1 and isinstance(result[0], DocumentTimeout)


def test_the_budget_is_shared_by_the_chunks_of_a_document() -> None:
    budget = TimeBudget(1.0)
    budget.charge(0.6)
    budget.check()
    budget.charge(0.5)  # a second chunk: 1.1 s in all
    with pytest.raises(DocumentTimeout):
        budget.check()


def test_store_runner_records_a_timed_out_document_as_failed(extractor, slow_stage,
                                                             monkeypatch) -> None:
    monkeypatch.setitem(runner._extractors, None, _budgeted(extractor, 0.3))
    results = runner.extract_batch([(1, "a", SHORT_A), (2, "slow", SLOW), (3, "b", SHORT_B)])
    assert [r.pk for r in results] == [1, 2, 3]
    assert results[0].result is not None and results[2].result is not None
    assert results[1].result is None and results[1].error == "time budget of 0.3 s exceeded"


def test_cli_doc_timeout_reports_the_document_and_writes_the_others(
        extractor, slow_stage, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(extract_cmd, "_load_extractor",
                        lambda model, doc_timeout: _budgeted(extractor, doc_timeout))
    for name, text in (("a.txt", SHORT_A), ("slow.txt", SLOW), ("b.txt", SHORT_B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["extract", str(tmp_path), "-o", str(out),
                                    "--doc-timeout", "0.3"], catch_exceptions=False)
    assert res.exit_code == 1
    assert "slow.txt: time budget of 0.3 s exceeded" in res.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["doc_id"] for r in records) == ["a", "b"]
