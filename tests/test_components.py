"""The attribution pipeline is built from named components chosen by config (issue 9)."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat import Extractor
from saidwhat.cli import main
from saidwhat.config import DEFAULT_CONFIG, ConfigError, build_pipeline, load_config, registry
from saidwhat.lang import skip_reason
from saidwhat.model import Speaker
from saidwhat.pipeline import Attribution, Candidate, DocContext
from saidwhat.pipeline.candidates import CandidateSource, Merger, Resolver
from saidwhat.settings import Settings
from saidwhat.store import runner

extract_module = importlib.import_module("saidwhat.extract")  # the package's "extract" is the function

TEXT = ("‘We will not be moved,’ said Jane Doe, the housing minister.\n"
        "BREAKING: the council said the plan would cost more than expected.\n")


# -- components registered by a "third party" (this test module) -----------------------

class _NamedResolver:
    """A trivial resolver: every candidate is said by one fixed speaker."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: DocContext, candidates: list[Candidate]) -> list:
        for c in candidates:
            c.speaker = Speaker(name=self.name, type="person")
        return []


@registry.resolvers("test_everyone_is.v1")
def _make_named_resolver(name: str = "Somebody") -> _NamedResolver:
    return _NamedResolver(name)


class _Headlines:
    """A candidate source: a line starting with a capitalised word and a colon is a quote."""

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence

    def __call__(self, doc: DocContext, prior) -> list[Candidate]:
        out = []
        for n, (s, e) in enumerate(doc.paragraphs):
            line = doc.text[s:e]
            head, colon, _ = line.partition(":")
            if colon and head.isupper():
                out.append(Candidate("direct", (s + len(head) + 2, e), None, None, None, n,
                                     confidence=self.confidence))
        return out


@registry.sources("test_headlines.v1")
def _make_headlines(confidence: float = 0.5) -> _Headlines:
    return _Headlines(confidence)


SWAP = """
[pipeline]
sources = ["direct_quotes", "cue_speech", "name_colon", "headlines"]

[sources.headlines]
@sources = "test_headlines.v1"
confidence = 0.25

[resolver]
@resolvers = "test_everyone_is.v1"
name = "Ann Other"
"""


@pytest.fixture()
def swapped(extractor: Extractor) -> Extractor:
    return Extractor(nlp=extractor.nlp, config=SWAP)


def test_the_default_config_names_the_built_in_components() -> None:
    pipe = build_pipeline()  # the learned extractor: the rules' sources, then the model
    assert pipe.source_names == ["direct_quotes", "cue_speech", "name_colon", "cue_colon", "noun_cues",
                                 "learned"]
    assert isinstance(pipe, Attribution)
    assert all(isinstance(s, CandidateSource) for _, s in pipe.sources)
    assert isinstance(pipe.merger, Merger) and isinstance(pipe.resolver, Resolver)
    assert pipe.settings == Settings()
    assert pipe.lang.code == "en"
    for name in ("direct_quotes.v1", "cue_speech.v1", "name_colon.v1", "cue_colon.v1",
                 "noun_cues.v1", "learned_cues.v1"):
        assert registry.sources.get(name)
    assert registry.mergers.get("text_order_merge.v1") and registry.mergers.get(
        "learned_merge.v1")
    assert registry.resolvers.get("rule_resolver.v1")


def test_the_default_config_settings_are_the_settings_defaults() -> None:
    cfg = load_config()
    assert Settings.from_dict(dict(cfg["settings"])) == Settings()


def test_entry_point_groups_are_declared() -> None:
    # third-party packages register with entry points in these groups
    assert registry.sources.entry_point_namespace == "saidwhat_sources"
    assert registry.mergers.entry_point_namespace == "saidwhat_mergers"
    assert registry.resolvers.entry_point_namespace == "saidwhat_resolvers"


def test_a_resolver_is_swapped_and_a_source_added_by_config_alone(
        swapped: Extractor, extractor: Extractor) -> None:
    doc = swapped(TEXT)
    default = extractor(TEXT)
    assert {q.speaker.name for q in doc.quotes} == {"Ann Other"}
    assert doc.entities == []
    # the default sources still propose what they did; the added one adds the headline
    assert [q.content.text for q in default.quotes] == [
        q.content.text for q in doc.quotes if q.content.text in
        {d.content.text for d in default.quotes}]
    assert any(q.content.text.startswith("the council said") for q in doc.quotes)
    pipe = swapped.attribution
    assert pipe.source_names[-1] == "headlines"
    assert pipe.sources[-1][1].confidence == 0.25


def test_candidates_carry_provenance_and_confidence(swapped: Extractor) -> None:
    pipe = swapped.attribution
    sdoc = swapped.nlp(TEXT)
    cands = pipe.candidates(pipe.context(sdoc, "d"))
    prov = {c.provenance for c in cands}
    assert {"direct_quotes", "cue_speech", "headlines"} <= prov
    head = next(c for c in cands if c.provenance == "headlines")
    assert head.confidence == 0.25


def test_the_merger_keeps_the_more_confident_of_two_candidates_for_one_span(
        extractor: Extractor) -> None:
    # a source proposing exactly what the direct quotes found, with more confidence, wins
    cfg = """
[pipeline]
sources = ["direct_quotes", "copy"]

[sources.copy]
@sources = "test_copy.v1"
"""
    pipe = Extractor(nlp=extractor.nlp, config=cfg).attribution
    ctx = pipe.context(extractor.nlp(TEXT), "d")
    cands = pipe.candidates(ctx)
    assert [c.provenance for c in cands] == ["copy"]


class _Copy:
    def __call__(self, doc: DocContext, prior) -> list[Candidate]:
        return [Candidate(c.kind, c.content, c.cue, c.verb, c.source, c.paragraph,
                          confidence=2.0) for c in prior]


@registry.sources("test_copy.v1")
def _make_copy() -> _Copy:
    return _Copy()


def test_settings_come_from_the_config(extractor: Extractor) -> None:
    ex = Extractor(nlp=extractor.nlp, config={"settings": {"doc_timeout": 7.5,
                                                           "cue_tokens_after": 3}})
    assert ex.settings.doc_timeout == 7.5 and ex.settings.cue_tokens_after == 3
    assert ex.attribution.settings is ex.settings
    explicit = Extractor(nlp=extractor.nlp, settings=Settings(doc_timeout=2.0))
    assert explicit.settings.doc_timeout == 2.0


def test_bad_configs_are_stated(extractor: Extractor) -> None:
    with pytest.raises(ConfigError, match="unknown setting"):
        build_pipeline({"settings": {"no_such_threshold": 1}})
    with pytest.raises(ConfigError, match="no_such_source"):
        build_pipeline({"pipeline": {"sources": ["no_such_source"]}})
    with pytest.raises(ConfigError, match="cannot build"):
        build_pipeline({"resolver": {"@resolvers": "nobody.v9"}})
    with pytest.raises(ConfigError, match="imports"):
        build_pipeline({"pipeline": {"imports": ["no.such.module"]}})


def test_imports_register_components_from_a_module(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sw_plugin_example.py").write_text(textwrap.dedent("""
        from saidwhat.config import registry

        class Nothing:
            def __call__(self, doc, prior):
                return []

        @registry.sources("plugin_nothing.v1")
        def make():
            return Nothing()
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sw_plugin_example", raising=False)
    pipe = build_pipeline({"pipeline": {"imports": ["sw_plugin_example"],
                                        "sources": ["nothing"]},
                           "sources": {"nothing": {"@sources": "plugin_nothing.v1"}}})
    assert pipe.source_names == ["nothing"]


def test_workers_build_the_same_pipeline_from_the_config(
        swapped: Extractor, extractor: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    # the config travels as text: what a worker process (or Dask task) is handed
    text = swapped.config_text
    assert text is not None and "test_everyone_is.v1" in text
    monkeypatch.setattr(extract_module, "load_nlp", lambda model=None: extractor.nlp)
    monkeypatch.setattr(runner, "_extractors", {})
    results = runner.extract_batch([(1, "d1", TEXT)], None, text)
    speakers = {q["speaker"]["name"] for q in results[0].result["quotes"]}
    assert speakers == {"Ann Other"}
    assert runner._extractors[(None, text)].attribution.source_names[-1] == "headlines"


def test_extract_config_option(tmp_path: Path, extractor: Extractor,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "load_nlp", lambda model=None: extractor.nlp)
    cfg = tmp_path / "mine.cfg"
    cfg.write_text(SWAP + "\n[settings]\ndoc_timeout = 30\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(article), "--config", str(cfg)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout.splitlines()[0])
    assert {q["speaker"]["name"] for q in record["quotes"]} == {"Ann Other"}
    bad = tmp_path / "bad.cfg"
    bad.write_text("[settings]\nno_such_threshold = 1\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(article), "--config", str(bad)])
    assert res.exit_code == 2 and "unknown setting" in res.output


def test_the_default_config_text_is_packaged() -> None:
    assert "[sources.direct_quotes]" in DEFAULT_CONFIG


def test_non_english_text_has_a_stated_skip_reason() -> None:
    german = ("Der Bürgermeister sagte am Montag, dass die Stadt die Pläne für den neuen "
              "Bahnhof überarbeiten werde, weil die Kosten gestiegen seien.")
    reason = skip_reason(german)
    assert reason is not None and reason.startswith("not English:")
    assert skip_reason(TEXT * 3) is None
    assert skip_reason("Kurz.") is None  # too short to tell: never skipped
