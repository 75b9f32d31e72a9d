"""The Python API as spaCy and pandas users expect it (issue 14): `Extractor.pipe` over
plain texts, `(text, context)` tuples with `as_tuples=True`, `(doc_id, text)` pairs under
`pipe_pairs`, spaCy `Doc`s; `saidwhat.to_frame`; `Speaker.entity_id` in the contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import saidwhat
from saidwhat import Document, Extractor, Speaker
from saidwhat.frame import QUOTE_COLUMNS
from saidwhat.store import DocumentRecord, ExtractionResult, Store, export

A = "\u201cWe will not back down,\u201d said Ana Ruiz, the union leader."
B = "\u201cThe plan is sound,\u201d the mayor, Jon Hale, told reporters on Monday."


def test_pipe_takes_plain_strings(extractor: Extractor) -> None:
    docs = list(extractor.pipe([A, B]))
    assert [d.doc_id for d in docs] == ["doc1", "doc2"]
    assert docs[0].quotes[0].speaker.name == "Ana Ruiz"
    assert docs[1].quotes[0].speaker.name == "Jon Hale"
    assert docs[0].text == A


def test_pipe_as_tuples_yields_document_and_context(extractor: Extractor) -> None:
    contexts = [{"id": 7}, "second"]
    out = list(extractor.pipe(zip([A, B], contexts, strict=True), as_tuples=True))
    assert [ctx for _, ctx in out] == contexts
    assert [d.quotes[0].speaker.name for d, _ in out] == ["Ana Ruiz", "Jon Hale"]
    with pytest.raises(TypeError, match="as_tuples"):
        list(extractor.pipe([A], as_tuples=True))


def test_tuples_without_as_tuples_are_refused_with_the_way_out(extractor: Extractor) -> None:
    with pytest.raises(TypeError, match="pipe_pairs"):
        list(extractor.pipe([(A, "context")]))


def test_pipe_pairs_keeps_the_ids(extractor: Extractor) -> None:
    docs = list(extractor.pipe_pairs([("a1", A), ("a2", B)], batch_size=1))
    assert [d.doc_id for d in docs] == ["a1", "a2"]
    assert docs[0].to_dict() == extractor(A, doc_id="a1").to_dict()


def test_a_doc_of_the_extractors_pipeline_is_used_as_parsed(extractor: Extractor) -> None:
    sdoc = extractor.nlp(A)
    (doc,) = extractor.pipe([sdoc])
    assert doc.to_dict(include_text=True) == extractor(A, doc_id="doc1").to_dict(
        include_text=True)
    both = list(extractor.pipe([extractor.nlp.make_doc(B), A, sdoc]))  # tokenized only: parsed
    assert [d.quotes[0].speaker.name for d in both] == ["Jon Hale", "Ana Ruiz", "Ana Ruiz"]


def test_a_doc_of_another_pipeline_is_refused(extractor: Extractor) -> None:
    import spacy

    other = spacy.blank("en")(A)
    with pytest.raises(ValueError, match="another pipeline"):
        list(extractor.pipe([other]))
    with pytest.raises(TypeError, match="str or a spaCy Doc"):
        list(extractor.pipe([42]))


def test_speaker_entity_id_is_in_the_contract(extractor: Extractor) -> None:
    doc = extractor(A, doc_id="a1")
    speaker = doc.quotes[0].speaker
    assert speaker.entity_id is not None and doc.entity(speaker.entity_id).name == "Ana Ruiz"
    d = doc.to_dict()
    assert d["quotes"][0]["speaker"]["entity_id"] == speaker.entity_id
    assert Document.from_dict(d).to_dict() == d
    assert Speaker.from_dict({"name": "X"}).entity_id is None  # older records still read


def test_to_frame_matches_the_stores_parquet_export(extractor: Extractor,
                                                    tmp_path: Path) -> None:
    docs = list(extractor.pipe_pairs([("a1", A), ("a2", B)]))
    for doc in docs:
        doc.meta.update({"date": "2024-03-09", "outlet": "Gazette"})
    frame = saidwhat.to_frame(docs)
    assert list(frame.columns) == list(QUOTE_COLUMNS)
    assert len(frame) == sum(len(d.quotes) for d in docs)
    with Store(tmp_path / "s.db") as store:
        store.add_documents([DocumentRecord(d.doc_id, d.text, "txt", f"{d.doc_id}.txt",
                                            date="2024-03-09", outlet="Gazette")
                             for d in docs], None)
        store.save_results([ExtractionResult(i + 1, d.to_dict()) for i, d in enumerate(docs)],
                           None)
        assert store.export_columns("quotes") == list(QUOTE_COLUMNS)
        export(store, "parquet", tmp_path / "pq")
    stored = pq.read_table(tmp_path / "pq" / "quotes.parquet")
    mine = pa.Table.from_pandas(frame, schema=stored.schema, preserve_index=False)
    assert mine.to_pylist() == stored.to_pylist()
    assert frame["date"][0] == dt.date(2024, 3, 9)
    assert frame["content_start"].dtype == "Int64"
    assert saidwhat.to_frame(docs[0]).shape[0] == len(docs[0].quotes)
    assert list(saidwhat.to_frame([]).columns) == list(QUOTE_COLUMNS)
