"""The learned extractor (issue 10): training on invented brat fixtures, the shipped model's
checksum, the parc scheme, and the contract's new fields."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.config import extractor_overrides, load_config, provenance
from saidwhat.learned.model import (
    CHECKSUM_FILE,
    MODEL_FILE,
    ModelError,
    default_model_dir,
    load_model,
)
from saidwhat.model import Quote, TextSpan

TINY = Path(__file__).parent / "data" / "brat-tiny"
scipy = pytest.importorskip("scipy")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("m") / "tiny-model"
    res = CliRunner().invoke(main, ["train", "--train", str(TINY), "--dev", str(TINY),
                                    "--out", str(out), "--seed", "1"])
    assert res.exit_code == 0, res.output
    return out


def test_train_writes_model_card_and_checksum(tiny_model: Path) -> None:
    names = {p.name for p in tiny_model.iterdir()}
    assert names == {"model.json", "sha256", "model-card.md"}
    card = (tiny_model / "model-card.md").read_text(encoding="utf-8")
    assert "--seed 1" in card and "attribution_f1" in card
    model = load_model(tiny_model)
    assert model.info["seed"] == 1 and model.info["train_documents"] == 4
    assert len(model.cue.vocab) > 10 and model.checksum


def test_training_is_reproducible(tiny_model: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    res = CliRunner().invoke(main, ["train", "--train", str(TINY), "--out", str(again),
                                    "--seed", "1"])
    assert res.exit_code == 0, res.output
    a = json.loads((tiny_model / MODEL_FILE).read_text())
    b = json.loads((again / MODEL_FILE).read_text())
    assert a["cue"] == b["cue"] and a["content"] == b["content"] and a["source"] == b["source"]


def _extract(model_dir: Path, scheme: str, text: str) -> list[Quote]:
    from saidwhat.extract import Extractor

    cfg = load_config().merge(extractor_overrides("learned", scheme, str(model_dir)))
    return Extractor(config=cfg)(text).quotes


def test_tiny_model_finds_its_training_attributions(tiny_model: Path) -> None:
    text = (TINY / "text" / "tiny_river.txt").read_text(encoding="utf-8")
    quotes = _extract(tiny_model, "parc", text)
    found = {(q.cue.text if q.cue else None, q.content.text) for q in quotes}
    assert ("said", "the river had risen two metres overnight") in found
    assert all(q.cue_class in ("speech", "position", "cognition", "evidential", "other")
               for q in quotes)
    assert all(q.confidence is not None and 0 <= q.confidence <= 1 for q in quotes)


def test_corrupt_or_missing_model_names_the_file(tiny_model: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(tiny_model, bad)
    (bad / MODEL_FILE).write_text((bad / MODEL_FILE).read_text()[:-5] + "00000")
    with pytest.raises(ModelError, match=r"model\.json: corrupt"):
        load_model(bad)
    (bad / MODEL_FILE).unlink()
    with pytest.raises(ModelError, match=r"model\.json"):
        load_model(bad)
    gone = tmp_path / "gone"
    shutil.copytree(tiny_model, gone)
    (gone / CHECKSUM_FILE).unlink()
    with pytest.raises(ModelError, match="sha256"):
        load_model(gone)


def test_shipped_model_loads_and_is_small() -> None:
    folder = default_model_dir()
    model = load_model(folder)
    assert (folder / "model-card.md").is_file()
    assert (folder / MODEL_FILE).stat().st_size < 25_000_000
    assert provenance(load_config().merge(extractor_overrides("learned", "parc")))[
        "model_checksum"] == model.checksum


def test_cli_learned_broken_model_is_usage_error_rules_still_work(tmp_path: Path,
                                                                  monkeypatch) -> None:
    import saidwhat.learned.model as lm

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(lm, "default_model_dir", lambda: empty)
    monkeypatch.setattr(lm, "_loaded", {})
    art = tmp_path / "a.txt"
    art.write_text("The mayor said that the bridge would reopen on Monday.\n")
    res = CliRunner().invoke(main, ["extract", str(art), "--extractor", "learned"])
    assert res.exit_code == 2 and "model.json" in res.output
    res = CliRunner().invoke(main, ["extract", str(art), "--extractor", "rules"])
    assert res.exit_code == 0, res.output


def test_parc_joins_split_quotes_and_extends_cues() -> None:
    from saidwhat.extract import Extractor

    text = ("\u201cWe need more room,\u201d said one father. \u201cThe classes are crowded.\u201d\n\n"
            "The minister has also said that taxes would rise.\n")
    speech = Extractor()(text).quotes
    cfg = load_config().merge(extractor_overrides("rules", "parc"))
    parc = Extractor(config=cfg)(text).quotes
    assert len(speech) == 3 and len(parc) == 2
    split = parc[0]
    assert split.content_parts is not None and len(split.content_parts) == 2
    assert split.content.start == split.content_parts[0].start
    assert split.content.end == split.content_parts[1].end
    assert parc[1].cue is not None and parc[1].cue.text == "has also said"
    assert speech[2].cue is not None and speech[2].cue.text == "said"
    d = split.to_dict()
    assert d["content_parts"][1]["text"] == "The classes are crowded."
    back = Quote.from_dict(json.loads(json.dumps(d)))
    assert back.content_parts == split.content_parts and back.cue_class == "speech"


def test_scorer_scores_a_split_quote_by_its_parts() -> None:
    from saidwhat.evaluation import load_gold
    from saidwhat.evaluation.scorer import PredAttribution

    gold = load_gold(TINY)
    school = next(d for d in gold.documents if d.doc_id == "tiny_school")
    g = school.attributions[2]
    assert len(g.content) == 2
    q = Quote("q1", "direct", TextSpan.of(school.text, g.content[0][0], g.content[1][1]),
              content_parts=[TextSpan.of(school.text, *p) for p in g.content])
    assert PredAttribution.of(q).content == g.content


def test_eval_bootstrap_and_provenance(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["eval", "--gold", str(TINY), "--scheme", "parc",
                                    "--bootstrap", "20", "--json", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    # --scheme parc without --extractor takes the learned model, and says which one
    assert d["provenance"]["scheme"] == "parc" and d["provenance"]["extractor"] == "learned"
    assert len(d["provenance"]["model_checksum"]) == 64
    iv = d["bootstrap"]["attribution_f1"]
    assert iv["low"] <= iv["f1"] <= iv["high"]
    assert "cue_exact_f1" in d["targets"]


def test_run_records_provenance_in_the_store(tmp_path: Path) -> None:
    from saidwhat.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The mayor said that the bridge would reopen on Monday.\n")
    db = str(tmp_path / "s.db")
    cli = CliRunner()
    assert cli.invoke(main, ["ingest", str(folder), "--db", db]).exit_code == 0
    res = cli.invoke(main, ["run", "--db", db, "--extractor", "learned", "--scheme", "parc"])
    assert res.exit_code == 0, res.output
    with Store(db, readonly=True) as store:
        params = store.conn.execute("SELECT params FROM runs WHERE command='run'").fetchone()[0]
        result = json.loads(store.conn.execute("SELECT result FROM documents").fetchone()[0])
    made = json.loads(params)["provenance"]
    assert made["extractor"] == "learned" and made["scheme"] == "parc"
    assert made["model_checksum"] == load_model().checksum
    assert result["quotes"][0]["cue_class"] == "speech"


def test_learned_under_speech_keeps_every_rules_quote() -> None:
    from saidwhat.extract import Extractor

    text = ("\u201cWe will win,\u201d she said.\n\nThe minister said that taxes would rise, and "
            "officials believe the plan will fail.\n")
    rules = Extractor(config=load_config().merge(extractor_overrides("rules")))(text).quotes
    cfg = load_config().merge(extractor_overrides("learned", "speech"))
    learned = Extractor(config=cfg)(text).quotes
    spans = {(q.content.start, q.content.end) for q in learned}
    assert {(q.content.start, q.content.end) for q in rules} <= spans


def test_run_learned_same_results_serial_workers_and_dask(tmp_path: Path) -> None:
    """`run --extractor learned`: two worker processes and a local Dask cluster give the
    serial run's results (each worker builds the pipeline, and loads the model, once)."""
    from saidwhat.store import Store

    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"p{i}", "text": (
        f"The port authority said on Friday that berth {i} would reopen. \u201cShips will dock "
        f"again by the end of the month,\u201d said Lena Ostrova, its director. Unions "
        f"complained they had not been consulted about shift {i}, and analysts expect delays."
    )}) + "\n" for i in range(6)), encoding="utf-8")
    cli = CliRunner()
    backends: dict[str, list[str]] = {"serial": [], "workers": ["--workers", "2"]}
    if importlib.util.find_spec("distributed") is not None:
        backends["dask"] = ["--dask", "local", "--workers", "2"]
    results = {}
    for name, extra in backends.items():
        db = str(tmp_path / f"{name}.db")
        assert cli.invoke(main, ["ingest", str(corpus), "--db", db]).exit_code == 0
        res = cli.invoke(main, ["run", "--db", db, "--extractor", "learned", "--scheme", "parc",
                                "--batch-size", "2", *extra])
        assert res.exit_code == 0, res.output
        with Store(db, readonly=True) as store:
            results[name] = sorted(store.iter_results(), key=lambda d: d["doc_id"])
    serial = results.pop("serial")
    assert len(serial) == 6 and all(d["quotes"] for d in serial)
    for name, got in results.items():
        assert got == serial, name


def test_content_candidates_adjust_starts_and_ends() -> None:
    from saidwhat.extract import Extractor
    from saidwhat.learned.features import DocFeatures, content_candidates

    ex = Extractor()
    text = ("The mayor called for a ban on imports, which she said would help farmers. "
            "He said in 2001 that he had concerns.")
    sdoc = ex.nlp(text)
    df = DocFeatures.of(ex.attribution.context(sdoc, "d", text))
    called = next(t for t in sdoc if t.lower_ == "called")
    spans = {text[s:e]: kinds for (s, e), kinds in content_candidates(called, df).items()}
    assert any(k.startswith("x:cut") for k in spans.get("a ban on imports", []))
    said = next(t for t in sdoc if t.lower_ == "said" and t.idx > 60)
    spans = {text[s:e] for s, e in content_candidates(said, df)}
    assert "that he had concerns" in spans


def test_learned_under_speech_adds_only_sure_speech_verbs() -> None:
    from saidwhat.extract import Extractor
    from saidwhat.learned.component import LearnedMerge
    from saidwhat.pipeline.candidates import Candidate

    ex = Extractor()
    text = "Officials believe the plan will fail."
    sdoc = ex.nlp(text)
    doc = ex.attribution.context(sdoc, "d", text)
    verb = sdoc[1]
    merge = LearnedMerge(speech_min=0.9)

    def cand(cls: str, p: float) -> Candidate:
        return Candidate("indirect", (18, 36), [verb], verb, sdoc[0], 0, provenance="learned",
                         confidence=p, cue_class=cls, source_extent=(0, 1))

    assert merge._adds_under_speech(cand("speech", 0.95), doc)
    assert not merge._adds_under_speech(cand("speech", 0.5), doc)
    assert not merge._adds_under_speech(cand("cognition", 0.99), doc)


@pytest.mark.parametrize(("text", "cue", "content", "source", "kept"), [
    ("Officials said the plan will fail.", "said", "the plan will fail", "Officials", True),
    # no statement was made
    ("Officials did not say the plan will fail.", "say", "the plan will fail", "Officials",
     False),
    ("Officials plan to say the plan will fail.", "say", "the plan will fail", "Officials",
     False),
    # evidence, not a statement (the rules' own test)
    ("Early results suggest that the plan works.", "suggest", "that the plan works",
     "results", False),
    # the content is the source: "opposed by [most residents]"
    ("The plan was opposed by most residents.", "opposed", "most residents", "residents",
     False),
    # the content holds the cue
    ("The plan, officials said, will fail.", "said", "The plan, officials said, will fail",
     "officials", False),
    # too few words to be a statement
    ("The town said enough.", "said", "enough", "town", False),
    # a noun in the cue's prepositional phrase is its channel, not what was said
    ("Writing in the Sunday Herald, the minister warned of cuts.", "Writing", "Sunday",
     "minister", False),
    # an adverbial noun ("[drought]-declared") is no statement either
    ("More than 2,000 farms have been drought-declared.", "declared", "drought", "farms",
     False),
    # a noun object still is ("announced [cuts]")
    ("The minister announced cuts.", "announced", "cuts", "minister", True),
])
def test_speech_conventions_of_a_learned_candidate(text: str, cue: str, content: str,
                                                   source: str, kept: bool) -> None:
    """Under speech a learned candidate passes the tests the rules' cues pass, whatever
    the model's probability."""
    from saidwhat.extract import Extractor
    from saidwhat.learned.component import speech_conventions
    from saidwhat.learned.features import source_extent
    from saidwhat.pipeline.candidates import Candidate

    ex = Extractor()
    sdoc = ex.nlp(text)
    doc = ex.attribution.context(sdoc, "d", text)
    verb = next(t for t in sdoc if t.text == cue)
    src = next(t for t in sdoc if t.text == source)
    s = text.index(content)
    c = Candidate("indirect", (s, s + len(content)), [verb], verb, src, 0,
                  provenance="learned", confidence=0.99, cue_class="speech",
                  source_extent=source_extent(src, verb, doc.lang))
    assert speech_conventions(c, doc) is kept


def test_learned_is_the_default_under_both_schemes_and_rules_is_todays_pipeline(
        tmp_path: Path) -> None:
    from saidwhat.config import build_pipeline
    from saidwhat.learned.component import LearnedMerge
    from saidwhat.pipeline.merge import TextOrderMerge

    for scheme in (None, "speech", "parc"):
        cfg = load_config().merge(extractor_overrides(None, scheme))
        made = provenance(cfg)
        assert made["extractor"] == "learned" and made["model_checksum"] == load_model().checksum
        assert made["scheme"] == (scheme or "speech")
        pipe = build_pipeline(cfg)
        assert pipe.source_names[-1] == "learned" and isinstance(pipe.merger, LearnedMerge)
    rules = load_config().merge(extractor_overrides("rules"))
    pipe = build_pipeline(rules)
    assert pipe.source_names == ["direct_quotes", "cue_speech", "name_colon", "cue_colon",
                                 "noun_cues"]
    assert isinstance(pipe.merger, TextOrderMerge)
    assert pipe.merger.one_per_cue and pipe.merger.dedupe_spans
    assert provenance(rules)["extractor"] == "rules"
    assert provenance(rules)["model_checksum"] is None
    # a config's own sources are kept: --extractor only adds or drops the learned one
    mine = load_config({"pipeline": {"sources": ["direct_quotes", "learned"]}})
    assert extractor_overrides("rules", base=mine)["pipeline"]["sources"] == ["direct_quotes"]
    assert extractor_overrides("learned", base=mine)["pipeline"]["sources"] == [
        "direct_quotes", "learned"]
    # the CLI without --extractor: learned, recorded in the eval JSON
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["eval", "--gold", str(TINY), "--json", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())["provenance"]
    assert d["extractor"] == "learned" and d["scheme"] == "speech"


def test_default_under_speech_keeps_the_rules_span_conventions() -> None:
    """The default (learned) under speech keeps every rules' quotation with the rules'
    spans: a direct quotation without its marks, a nested attribution inside another."""
    from saidwhat.extract import Extractor

    text = ("\u201cWe will rebuild the bridge by spring,\u201d the mayor said.\n\n"
            "The minister said that engineers had warned that the bridge would fail.\n")
    rules = Extractor(config=load_config().merge(extractor_overrides("rules")))(text).quotes
    default = Extractor()(text).quotes
    assert provenance(Extractor().attribution.config)["extractor"] == "learned"

    def spans(quotes: list[Quote]) -> set[tuple[str, str | None, str | None]]:
        return {(q.kind, q.content.text, q.cue.text if q.cue else None) for q in quotes}

    assert spans(rules) <= spans(default)
    assert ("direct", "We will rebuild the bridge by spring,", "said") in spans(default)
    said = [q for q in default if q.cue is not None and q.cue.text == "said"
            and q.kind == "indirect"]
    warned = [q for q in default if q.cue is not None and q.cue.text == "warned"]
    assert said and warned
    assert said[0].content.start <= warned[0].content.start < said[0].content.end


def test_default_run_records_learned_and_a_broken_model_is_a_usage_error(
        tmp_path: Path, monkeypatch) -> None:
    """`run` without --extractor uses the learned extractor and says so; with the shipped
    model missing, the default is a usage error naming the file, and `--extractor rules`
    still runs."""
    import saidwhat.learned.model as lm
    from saidwhat.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The mayor said that the bridge would reopen on Monday.\n")
    cli = CliRunner()
    db = str(tmp_path / "s.db")
    assert cli.invoke(main, ["ingest", str(folder), "--db", db]).exit_code == 0
    res = cli.invoke(main, ["run", "--db", db])
    assert res.exit_code == 0, res.output
    with Store(db, readonly=True) as store:
        params = store.conn.execute("SELECT params FROM runs WHERE command='run'").fetchone()[0]
    made = json.loads(params)["provenance"]
    assert made["extractor"] == "learned" and made["scheme"] == "speech"
    assert made["model_checksum"] == load_model().checksum

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(lm, "default_model_dir", lambda: empty)
    monkeypatch.setattr(lm, "_loaded", {})
    db2 = str(tmp_path / "s2.db")
    assert cli.invoke(main, ["ingest", str(folder), "--db", db2]).exit_code == 0
    res = cli.invoke(main, ["run", "--db", db2])
    assert res.exit_code == 2 and "model.json" in res.output
    res = cli.invoke(main, ["run", "--db", db2, "--extractor", "rules"])
    assert res.exit_code == 0, res.output
    art = folder / "a.txt"
    res = cli.invoke(main, ["extract", str(art)])
    assert res.exit_code == 2 and "model.json" in res.output
    res = cli.invoke(main, ["extract", str(art), "--extractor", "rules"])
    assert res.exit_code == 0 and "the bridge would reopen on Monday" in res.output


def test_parenthetical_cue_takes_both_sides_as_parts() -> None:
    from saidwhat.extract import Extractor
    from saidwhat.learned.features import _trim, parenthetical_parts
    from saidwhat.pipeline.cues import subtree_extent

    ex = Extractor()
    text = "Voters were worried. But to prevent problems, he said, local officials should be vigilant."
    sdoc = ex.nlp(text)
    said = next(t for t in sdoc if t.lower_ == "said")
    lo, hi = subtree_extent(said)
    right = _trim(sdoc, hi + 1, said.sent.end)
    assert right is not None and text[right[0]:right[1]] == "local officials should be vigilant"
    parts = parenthetical_parts(said, right)
    assert parts is not None
    # PARC leaves the leading conjunction out; the ranker's right part is kept as chosen
    assert [text[a:b] for a, b in parts] == ["to prevent problems",
                                             "local officials should be vigilant"]
    # a cue heading its sentence ("he said that ...") has no parenthetical parts
    sdoc2 = ex.nlp("He said that officials should be vigilant.")
    said2 = next(t for t in sdoc2 if t.lower_ == "said")
    assert parenthetical_parts(said2, (8, 41)) is None


def test_parc_split_quote_joins_across_an_aside_and_keeps_it() -> None:
    from saidwhat.extract import Extractor

    text = ("Voters were uneasy. \u201cThis is in their heads. This is in their minds,\u201d said "
            "Smith, speaking of the health issue. \u201cIt is one of the things worrying them.\u201d")
    cfg = load_config().merge(extractor_overrides("learned", "parc"))
    quotes = Extractor(config=cfg)(text).quotes
    split = [q for q in quotes if q.content_parts]
    assert len(split) == 1 and len(split[0].content_parts or []) == 2
    assert split[0].content_parts is not None
    assert split[0].content_parts[1].text == "It is one of the things worrying them."
    # the aside between the parts is not nested in the split quotation: it stays
    assert not any(q.content.start < split[0].content_parts[0].end for q in quotes
                   if q is not split[0] and q.content.start > split[0].content.start)


def test_learned_kind_mixed_only_when_part_is_quoted() -> None:
    from saidwhat.extract import Extractor

    cfg = load_config().merge(extractor_overrides("learned", "parc"))
    text = "The senator denied the mayor\u2019s claims about the budget on Monday."
    quotes = Extractor(config=cfg)(text).quotes
    assert quotes and all(q.kind != "mixed" for q in quotes)


def test_source_candidates_stand_for_the_whole_phrase_and_never_a_date() -> None:
    """A source head inside an apposition or a later conjunct stands for the phrase's head
    (PolNeAR marks "Obama and Clinton", "Apple's chief executive, Tim Cook" whole), and a
    date ("said Monday") is no source candidate."""
    from saidwhat.extract import Extractor
    from saidwhat.learned.features import DocFeatures, source_candidates, source_extent

    ex = Extractor()
    text = ("Obama and Clinton said the deal was good. "
            "Apple's chief executive, Tim Cook, said the firm would appeal. "
            "The police chief said Monday that the officer would be charged.")
    sdoc = ex.nlp(text)
    df = DocFeatures.of(ex.attribution.context(sdoc, "d", text))
    lang = ex.attribution.lang
    saids = [t for t in sdoc if t.lower_ == "said"]
    heads = [{sdoc[i].text for i in source_candidates(t, df)} for t in saids]
    assert "Clinton" not in heads[0] and "Obama" in heads[0]
    assert "Cook" not in heads[1]
    assert "Monday" not in heads[2]
    first = sdoc[next(i for i in source_candidates(saids[0], df) if sdoc[i].text == "Obama")]
    s, e = source_extent(first, saids[0], lang)
    assert sdoc[s:e].text == "Obama and Clinton"
    # a dateline before a dash is not the speaker's phrase
    # (the parser hangs "Obama" from "WASHINGTON" as an apposition)
    text = "WASHINGTON -- President Obama, speaking on Friday, said the talks had failed."
    sdoc = ex.nlp(text)
    df = DocFeatures.of(ex.attribution.context(sdoc, "d", text))
    said = next(t for t in sdoc if t.lower_ == "said")
    assert "Obama" in {sdoc[i].text for i in source_candidates(said, df)}


def test_source_extent_keys_tell_a_modifier_set_off_by_a_comma() -> None:
    from saidwhat.extract import Extractor
    from saidwhat.learned.features import source_extent

    ex = Extractor()
    text = ("Jane Doe, speaking to reporters, said the plan was dead. "
            "A lawyer representing the family said the plan was dead.")
    sdoc = ex.nlp(text)
    lang = ex.attribution.lang
    table = {"R:acl|,1": 0.3, "R:acl|,0": 0.9}  # set off: left out; bare: kept
    said = [t for t in sdoc if t.lower_ == "said"]
    doe = next(t for t in sdoc if t.text == "Doe")
    lawyer = next(t for t in sdoc if t.text == "lawyer")
    s, e = source_extent(doe, said[0], lang, table)
    assert sdoc[s:e].text == "Jane Doe"
    s, e = source_extent(lawyer, said[1], lang, table)
    assert sdoc[s:e].text == "A lawyer representing the family"


def test_passive_cue_offers_its_subject_as_content() -> None:
    """PolNeAR's content of a passive cue is often its subject ("[The story] was first
    reported by the Post"): the subject is a content candidate."""
    from saidwhat.extract import Extractor
    from saidwhat.learned.features import DocFeatures, content_candidates

    ex = Extractor()
    text = "The registration problem was first reported by the local paper."
    sdoc = ex.nlp(text)
    df = DocFeatures.of(ex.attribution.context(sdoc, "d", text))
    reported = next(t for t in sdoc if t.lower_ == "reported")
    spans = {text[s:e]: kinds for (s, e), kinds in content_candidates(reported, df).items()}
    assert "c:nsubjpass" in spans.get("The registration problem", [])
