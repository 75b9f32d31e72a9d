"""saidwhat.services: the workflows from Python, with typed options and structured results;
the registries of network exporters, gold readers and store exports; Store's row methods."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from saidwhat.evaluation import GOLD_READERS, GoldDocument, GoldSet, load_gold
from saidwhat.network.export import EXPORTERS, ExportJob, format_for
from saidwhat.services import (
    EvalOptions,
    EvalUsageError,
    ExportOptions,
    NetworkError,
    NetworkOptions,
    build_networks,
    evaluate,
    export_store,
)
from saidwhat.store import DocumentRecord, ExtractionResult, Store

TEXT = 'Lena Marsh said the ferry would run again. "We are ready," she told reporters.'
NETWORK = Path(__file__).parent / "data" / "network"


def _span(s: str) -> dict[str, object]:
    i = TEXT.index(s)
    return {"start": i, "end": i + len(s), "text": s}


def _quote(qid: str, content: str, cue: str, source: str, name: str) -> dict[str, object]:
    return {"id": qid, "kind": "indirect", "content": _span(content), "cue": _span(cue),
            "source": _span(source), "channel": None,
            "speaker": {"name": name, "type": "person", "role": None, "affiliation": None}}


@pytest.fixture()
def gold_path(tmp_path: Path) -> Path:
    doc = {"doc_id": "d1", "text": TEXT, "attributions": [
        {"content": "the ferry would run again", "cue": "said", "source": "Lena Marsh",
         "speaker": {"name": "Lena Marsh", "type": "person"}}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    return path


def _preds(tmp_path: Path, *extra: str) -> Path:
    rec = {"doc_id": "d1", "entities": [], "quotes": [
        _quote("q1", "the ferry would run again", "said", "Lena Marsh", "Ms Marsh")]}
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps(rec) + "\n" + "".join(f"{e}\n" for e in extra), encoding="utf-8")
    return path


# -- evaluate ------------------------------------------------------------------------------


def test_evaluate_from_python(gold_path: Path, tmp_path: Path) -> None:
    result = evaluate(EvalOptions(gold=gold_path, predictions=_preds(tmp_path)))
    assert result.status == "ok" and result.exit_code == 0 and result.errors == []
    assert result.report.targets()["attribution_f1"] == 1.0
    assert result.report.speaker()["correct"] == 1  # "Ms Marsh" is Lena Marsh (names.same_name)


def test_exit_status_comes_from_problem_kinds_not_messages(gold_path: Path, tmp_path: Path) -> None:
    # a prediction for an unknown document whose id reads like a failure: only a warning
    other = json.dumps({"doc_id": "skipped; left out", "quotes": [], "entities": []})
    result = evaluate(EvalOptions(gold=gold_path, predictions=_preds(tmp_path, other)))
    assert [p.kind for p in result.problems] == ["unknown_prediction"]
    assert result.status == "ok" and result.exit_code == 0
    assert result.warnings and not result.errors
    # a line that is no document: skipped, so the run is partial
    result = evaluate(EvalOptions(gold=gold_path, predictions=_preds(tmp_path, "{oops")))
    assert [p.kind for p in result.problems] == ["bad_prediction_line"]
    assert result.status == "partial" and result.exit_code == 1
    assert "pred.jsonl:2" in result.errors[0]


def test_eval_options_are_checked(gold_path: Path, tmp_path: Path) -> None:
    options = EvalOptions(gold=gold_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.limit = 3  # type: ignore[misc]
    with pytest.raises(EvalUsageError) as err:
        EvalOptions(gold=gold_path, predictions="p.jsonl", save_predictions="s.jsonl")
    assert err.value.option == "--save-pred"
    with pytest.raises(EvalUsageError) as err:
        evaluate(EvalOptions(gold=tmp_path / "missing.json", predictions="p.jsonl"))
    assert err.value.option == "--gold" and "no such file" in str(err.value)
    with pytest.raises(EvalUsageError) as err:
        evaluate(EvalOptions(gold=gold_path, predictions=tmp_path / "none.jsonl"))
    assert err.value.option == "--pred"


def test_a_gold_reader_is_one_registration(tmp_path: Path) -> None:
    def read_lines(path: Path) -> GoldSet:
        text = path.read_text(encoding="utf-8")
        return GoldSet(documents=[GoldDocument(doc_id=path.stem, text=text)], format="lines")

    GOLD_READERS.register("lines", read_lines, detect=lambda p: p.suffix == ".lines")
    try:
        path = tmp_path / "doc.lines"
        path.write_text("Nobody said anything.", encoding="utf-8")
        assert load_gold(path).format == "lines"
        assert load_gold(path, "lines").documents[0].doc_id == "doc"
    finally:
        GOLD_READERS.unregister("lines")
    assert GOLD_READERS.names() == ("brat", "saidwhat-json", "dna")


# -- networks ------------------------------------------------------------------------------


def test_build_networks_from_python(tmp_path: Path) -> None:
    messages: list[tuple[str, str]] = []
    out = tmp_path / "net.graphml"
    result = build_networks(NetworkOptions(
        codebook=NETWORK / "codebook.yaml", inputs=(NETWORK / "debate.jsonl",), output=out,
        stats=tmp_path / "s.json"), on_message=lambda kind, text: messages.append((kind, text)))
    assert result.exit_code == 0 and result.status == "ok"
    (whole,) = result.slices
    assert whole.written == [out, tmp_path / "s.json"] and out.is_file()
    assert whole.graph.number_of_edges() > 0 and whole.stats.to_dict()["degree"]
    assert any(text.startswith("network: ") for _, text in messages)


def test_an_exporter_is_one_registration(tmp_path: Path) -> None:
    def write_actor_list(job: ExportJob, path: Path) -> None:
        actors = sorted(n for n, d in job.graph.nodes(data=True) if d.get("kind") == "actor")
        path.write_text("\n".join(actors) + "\n", encoding="utf-8")

    EXPORTERS.register("actors", write_actor_list, extensions=(".actors",))
    try:
        assert format_for("x.actors") == "actors"
        out = tmp_path / "net.actors"
        build_networks(NetworkOptions(codebook=NETWORK / "codebook.yaml",
                                      inputs=(NETWORK / "debate.jsonl",), output=out))
        assert "actor:Tom Reyes" in out.read_text(encoding="utf-8").splitlines()
    finally:
        EXPORTERS.unregister("actors")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "nothing to write"),
    ({"output": "x.csv", "network_type": "three-mode"}, "unknown network type"),
    ({"output": "x.csv", "step": "7d"}, "--step needs --window"),
    ({"plot": "x.pdf"}, ".png or .svg"),
    ({"output": "x.csv", "method": ""}, "unknown method ''"),
    ({"output": "x.csv", "method": "magic"}, "unknown method 'magic'"),
])
def test_network_options_are_checked(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(NetworkError, match=message):
        NetworkOptions(codebook=NETWORK / "codebook.yaml", **kwargs)  # type: ignore[arg-type]


def test_unreadable_input_makes_the_run_partial(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    result = build_networks(NetworkOptions(codebook=NETWORK / "codebook.yaml",
                                           inputs=(NETWORK / "debate.jsonl", bad),
                                           stats=tmp_path / "s.json"))
    assert result.status == "partial" and result.exit_code == 1
    assert result.errors[0].startswith(f"{bad}:1:")


# -- store: export service and row methods ---------------------------------------------------


@pytest.fixture()
def small_store(tmp_path: Path) -> Iterator[Path]:
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.add_documents([DocumentRecord("d1", TEXT, "txt", "d1.txt", title="Ferry")], None)
        store.save_results([ExtractionResult(1, {"quotes": [
            _quote("q1", "the ferry would run again", "said", "Lena Marsh", "Lena Marsh")],
            "entities": [{"id": "e1", "name": "Lena Marsh", "type": "person", "roles": [],
                          "mentions": [_span("Lena Marsh")]}]})], None)
        store.add_errors([("ingest", "skipped", "x.txt", None, None, "too short")], None)
    yield db


def test_store_rows_without_pandas(small_store: Path) -> None:
    with Store(small_store, readonly=True) as store:
        assert store.export_columns("quotes")[:3] == ["doc_id", "date", "outlet"]
        (chunk,) = store.export_rows("quotes")
        assert chunk[0][0] == "d1" and "the ferry would run again" in chunk[0]
        assert [e["reason"] for e in store.error_rows()] == ["too short"]
        assert next(store.entity_rows())["mentions"][0]["text"] == "Lena Marsh"
        columns, rows = store.document_rows()
        assert dict(zip(columns, next(rows), strict=True))["title"] == "Ferry"
        with pytest.raises(ValueError, match="unknown export table"):
            store.export_columns("runs")


def test_export_store_service(small_store: Path, tmp_path: Path) -> None:
    result = export_store(ExportOptions(db=small_store, format="csv", output=tmp_path / "t"))
    assert result.written == {"documents": 1, "quotes": 1, "entities": 1}
    assert result.exit_code == 0
    rows = list(csv.DictReader((tmp_path / "t" / "quotes.csv").open(encoding="utf-8")))
    assert rows[0]["speaker_name"] == "Lena Marsh"
    out = tmp_path / "all.jsonl"
    export_store(ExportOptions(db=small_store, format="jsonl", output=out))
    assert json.loads(out.read_text(encoding="utf-8"))["quotes"][0]["id"] == "q1"


def test_export_store_reads_only(small_store: Path, tmp_path: Path) -> None:
    with Store(small_store) as store:
        store.conn.execute("PRAGMA user_version = 2")  # as an older saidwhat left it
    export_store(ExportOptions(db=small_store, format="jsonl", output=tmp_path / "a.jsonl"))
    with Store(small_store, readonly=True) as store:
        assert store.version == 2  # a reader never migrates


def test_extract_paths_from_python_reports_structured_problems(tmp_path, extractor) -> None:
    import json as _json

    from saidwhat.services import ExtractOptions, extract_paths, iter_documents

    good = tmp_path / "ferry.txt"
    good.write_text("‘The ferry will run all winter,’ said Ines Varga, the harbour master.\n",
                    encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    out, errs = tmp_path / "out.jsonl", tmp_path / "errs.jsonl"
    options = ExtractOptions(paths=(str(good), str(empty)), output=str(out),
                             errors_path=str(errs))
    seen = []
    result = extract_paths(extractor, options, on_problem=seen.append)
    assert (result.documents, result.errors, result.exit_code, result.status) == \
        (1, 1, 1, "partial")
    assert [p.level for p in seen] == ["error"] and seen[0].path == str(empty)
    [record] = [_json.loads(x) for x in out.read_text().splitlines()]
    assert record["doc_id"] == "ferry" and record["quotes"][0]["speaker"]["name"] == "Ines Varga"
    assert [_json.loads(x)["level"] for x in errs.read_text().splitlines()] == ["error"]
    docs = list(iter_documents(extractor, ExtractOptions(paths=(str(good),))))
    assert [d.doc_id for d in docs] == ["ferry"] and not out.with_name("ferry.jsonl").exists()
