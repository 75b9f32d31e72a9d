"""Documents that are not English are skipped, with the same reason, by extract and ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import extract_cmd, main
from saidwhat.lang import skip_reason
from saidwhat.store import Store, ingest

FRENCH = ("Le conseil municipal a voté jeudi soir pour la fermeture de la piscine, et le maire "
          "a dit que la décision était difficile mais nécessaire pour les finances de la ville.")
ENGLISH = ("The council voted on Thursday to close the pool, and the mayor said the decision "
           "was hard but necessary for the town's finances.")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps({"id": "fr1", "text": FRENCH}) + "\n"
                    + json.dumps({"id": "en1", "text": ENGLISH}) + "\n", encoding="utf-8")
    return path


def test_extract_skips_what_is_not_english_and_says_why(corpus: Path, tmp_path: Path,
                                                        monkeypatch, extractor) -> None:
    monkeypatch.setattr(extract_cmd, "_load_extractor", lambda *a, **k: extractor)
    out, errs = tmp_path / "out.jsonl", tmp_path / "errs.jsonl"
    res = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(out), "--errors",
                                    str(errs)])
    assert res.exit_code == 0, res.output  # a skip is not a failure
    assert [json.loads(x)["doc_id"] for x in out.read_text().splitlines()] == ["en1"]
    skipped = [json.loads(x) for x in errs.read_text().splitlines()]
    assert [s["level"] for s in skipped] == ["skipped"]
    assert skipped[0]["reason"] == skip_reason(FRENCH)
    assert skipped[0]["reason"].startswith("not English: ")
    everything = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(out),
                                           "--all-languages"])
    assert everything.exit_code == 0
    assert len(out.read_text().splitlines()) == 2


def test_ingest_skips_with_the_same_reason(corpus: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        summary = ingest(store, [corpus])
        assert summary.added == 1 and summary.skipped == 1
        reasons = set(store.errors()["reason"])
    assert skip_reason(FRENCH) in reasons


def test_run_takes_a_config_and_the_chunk_size_like_extract(tmp_path: Path, extractor,
                                                            monkeypatch) -> None:
    from saidwhat.store import runner

    built: list[object] = []

    def fake_extractor(model, config=None):  # the session's parser, the run's settings
        from saidwhat.config import load_config, settings_of

        settings = settings_of(load_config(config)) if config else None
        built.append(settings)
        ex = type("Ex", (), {})()
        ex.settings = settings or extractor.settings
        ex.pipe_results = extractor.pipe_results
        ex.pipe = extractor.pipe
        return ex

    monkeypatch.setattr(runner, "_extractor", fake_extractor)
    corpus = tmp_path / "c.jsonl"
    long_text = " ".join([ENGLISH] * 20)  # over 2,000 characters: chunked at 1,000
    corpus.write_text(json.dumps({"id": "long", "text": long_text}) + "\n", encoding="utf-8")
    db = str(tmp_path / "r.db")
    cli = CliRunner()
    assert cli.invoke(main, ["ingest", str(corpus), "--db", db]).exit_code == 0
    cfg = tmp_path / "run.cfg"
    cfg.write_text("[settings]\ncontent_min_words = 3\n", encoding="utf-8")
    res = cli.invoke(main, ["run", "--db", db, "--config", str(cfg), "--max-chars", "1000",
                            "--doc-timeout", "30"])
    assert res.exit_code == 0, res.output
    (settings,) = {s for s in built if s is not None}
    assert (settings.chunk_chars, settings.doc_timeout, settings.content_min_words) == \
        (1000, 30.0, 3)
    bad = tmp_path / "bad.cfg"
    bad.write_text("[settings]\nno_such_setting = 1\n", encoding="utf-8")
    res = cli.invoke(main, ["run", "--db", db, "--config", str(bad)])
    assert res.exit_code == 2 and "no_such_setting" in res.output
