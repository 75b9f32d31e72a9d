"""The corrections layer (schema version 6): a separate layer beside the machine output,
undo, re-attachment by text and context after re-extraction, orphans, the codings API."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from store_fixtures import build_store, span

from saidwhat.store import ExtractionResult, Store, StoreError
from saidwhat.store import db as store_db
from saidwhat.store.corrections import Anchor, CorrectionError, locate
from saidwhat.store.runner import run_lock
from saidwhat.store.schema import LATEST_VERSION, MIGRATIONS

TEXT = ("The council met on Monday. \u201cWe will build four hundred homes,\u201d said Mayor "
        "Ana Ruiz. The union warned that the budget was too small. Critics said nothing "
        "would change. \u201cIt is a start,\u201d a resident said.")


def machine_quotes(text: str = TEXT) -> list[dict]:
    return [
        {"id": "q1", "kind": "direct", "content": span(text, "We will build four hundred homes,"),
         "cue": span(text, "said"), "source": span(text, "Mayor Ana Ruiz"),
         "speaker": {"name": "Ana Ruiz", "type": "person", "role": "mayor", "affiliation": None},
         "channel": None},
        {"id": "q2", "kind": "indirect", "content": span(text, "the budget was too small"),
         "cue": span(text, "warned"), "source": span(text, "The union"),
         "speaker": {"name": "union", "type": "organization", "role": None,
                     "affiliation": None}, "channel": None},
        {"id": "q3", "kind": "indirect", "content": span(text, "nothing would change"),
         "cue": span(text, "said", 2), "source": span(text, "Critics"),
         "speaker": {"name": None, "type": "anonymous", "role": "critics",
                     "affiliation": None}, "channel": None},
    ]


def make_store(path: Path, docs: int = 1) -> Path:
    return build_store(path, TEXT, machine_quotes(), (
        {"id": f"d{i}", "title": f"Homes {i}", "date": f"2024-01-0{i + 1}",
         "outlet": "Gazette" if i % 2 == 0 else "Herald"} for i in range(docs)))


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path / "s.db", docs=3)


def test_a_new_store_has_the_corrections_layer(db: Path) -> None:
    assert LATEST_VERSION == 6
    with Store(db, readonly=True) as store:
        assert store.version == 6
        assert store.corrections() == []


def test_a_version_5_store_is_upgraded_in_place_keeping_everything(tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS[:5])
    monkeypatch.setattr(store_db, "LATEST_VERSION", 5)
    path = make_store(tmp_path / "old.db", docs=2)
    with Store(path, readonly=True) as store:
        assert store.version == 5
        assert store.corrections() == [] and store.codings() == []  # readers of v5 work
    monkeypatch.undo()
    with Store(path) as store:
        assert store.version == 6
        assert store.status_counts()["quotes"] == 6
        rows, _ = store.corpus_page(search="budget")
        assert [r["doc_id"] for r in rows] == ["d0", "d1"]  # the text index was filled


def test_corrections_never_touch_the_machine_output(db: Path) -> None:
    with Store(db) as store:
        before = store.document_view("d0")["quotes"]
        store.add_correction("d0", "reject", coder="ann", quote_id="q2")
        store.add_correction("d0", "speaker", coder="ann", quote_id="q1",
                             value={"name": "Ana Ruiz-Lopez", "type": "person"})
        store.add_correction("d0", "span", coder="ann", quote_id="q3",
                             value={"role": "content", **span(TEXT, "would change")})
        assert store.document_view("d0")["quotes"] == before
        assert [r[0] for r in store.conn.execute(
            "SELECT speaker_name FROM quotes WHERE doc_pk=1 ORDER BY seq")] == \
            ["Ana Ruiz", "union", None]
        view = store.reviewed_document("d0")
    q1, q2, q3 = (view.quote(i) for i in ("q1", "q2", "q3"))
    assert q1.quote["speaker"]["name"] == "Ana Ruiz-Lopez" and q1.status == "accepted"
    assert q1.machine["speaker"]["name"] == "Ana Ruiz"
    assert q2.status == "rejected" and [q.id for q in view.kept()] == ["q1", "q3"]
    assert q3.quote["content"]["text"] == "would change" and "content" in q3.changed
    assert q3.status == "pending"


def test_later_corrections_win_and_undo_restores_the_one_before(db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d0", "reject", coder="ann", quote_id="q1")
        second = store.add_correction("d0", "accept", coder="ann", quote_id="q1")
        assert store.reviewed_document("d0").quote("q1").status == "accepted"
        undone = store.undo_correction(coder="ann", doc_id="d0")
        assert undone.id == second and undone.kind == "accept"
        assert store.reviewed_document("d0").quote("q1").status == "rejected"
        store.undo_correction(coder="ann", doc_id="d0")
        assert store.reviewed_document("d0").quote("q1").status == "pending"
        assert store.undo_correction(coder="ann", doc_id="d0") is None
        every = store.corrections("d0", include_undone=True)
    assert len(every) == 2 and all(c.undone_by == "ann" for c in every)  # kept, marked


def test_undo_by_id_stays_in_the_document_it_names(db: Path) -> None:
    """Issue 13: undo with a correction id and a document undid a correction of another
    document (the id was looked up alone)."""
    with Store(db) as store:
        elsewhere = store.add_correction("d1", "reject", coder="ann", quote_id="q1")
        with pytest.raises(CorrectionError, match="not in document 'd0'"):
            store.undo_correction(coder="ann", correction_id=elsewhere, doc_id="d0")
        assert store.reviewed_document("d1").quote("q1").status == "rejected"  # untouched
        undone = store.undo_correction(coder="ann", correction_id=elsewhere, doc_id="d1")
        assert undone.id == elsewhere
        assert store.reviewed_document("d1").quote("q1").status == "pending"


def test_added_attribution_can_be_corrected_and_coded(db: Path) -> None:
    with Store(db) as store:
        cid = store.add_correction("d0", "add", coder="bo", value={
            "kind": "direct", "content": span(TEXT, "It is a start,"),
            "cue": span(TEXT, "said", 3), "source": span(TEXT, "a resident"),
            "speaker": {"name": None, "type": "anonymous", "role": "resident"}})
        store.add_correction("d0", "speaker", coder="bo", quote_id=f"c{cid}",
                             value={"name": "Lee Park", "type": "person"})
        store.add_correction("d0", "code", coder="bo", quote_id=f"c{cid}",
                             value={"concept": "more-homes", "agreement": "support"})
        view = store.reviewed_document("d0")
        added = view.quote(f"c{cid}")
        assert added.origin == "added" and added.quote["source"]["text"] == "a resident"
        assert added.quote["speaker"]["name"] == "Lee Park"
        codings = store.codings()
    assert [(c.doc_id, c.quote_id, c.concept, c.agreement, c.coder, c.anchor.text)
            for c in codings] == [("d0", f"c{cid}", "more-homes", "support", "bo",
                                   "It is a start,")]


def test_codings_are_one_per_coder_attribution_and_concept(db: Path) -> None:
    with Store(db) as store:
        for coder, agreement in (("ann", "support"), ("bo", "oppose"), ("ann", "oppose")):
            store.add_correction("d1", "code", coder=coder, quote_id="q1",
                                 value={"concept": "homes", "agreement": agreement})
        store.add_correction("d1", "code", coder="ann", quote_id="q2",
                             value={"concept": "budget", "agreement": "oppose"})
        store.add_correction("d1", "code", coder="ann", quote_id="q2",
                             value={"concept": "budget", "agreement": None})  # removed
        got = sorted((c.coder, c.quote_id, c.concept, c.agreement) for c in store.codings())
        assert got == [("ann", "q1", "homes", "oppose"), ("bo", "q1", "homes", "oppose")]
        assert [c.coder for c in store.codings(coder="bo")] == ["bo"]
        a, b = (c for c in store.codings() if c.quote_id == "q1")
        assert a.anchor == b.anchor  # the same unit for reliability


def test_bad_corrections_are_refused_with_a_reason(db: Path) -> None:
    with Store(db) as store:
        cases = [
            (("nope", "accept"), {"coder": "a", "quote_id": "q1"}, "no document"),
            (("d0", "accept"), {"coder": "a", "quote_id": "q9"}, "no attribution"),
            (("d0", "accept"), {"coder": " ", "quote_id": "q1"}, "coder"),
            (("d0", "frobnicate"), {"coder": "a", "quote_id": "q1"}, "unknown correction"),
            (("d0", "span"), {"coder": "a", "quote_id": "q1",
                              "value": {"role": "content", "start": 5, "end": 99999}},
             "outside the text"),
            (("d0", "code"), {"coder": "a", "quote_id": "q1",
                              "value": {"concept": "x", "agreement": "maybe"}}, "agreement"),
            (("d0", "speaker"), {"coder": "a", "quote_id": "q1",
                                 "value": {"name": "X", "type": "alien"}}, "unknown type"),
        ]
        for args, kwargs, reason in cases:
            with pytest.raises(CorrectionError, match=reason):
                store.add_correction(*args, **kwargs)
        assert store.corrections() == []


def test_re_extraction_keeps_corrections_on_their_text_and_lists_orphans(db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d0", "reject", coder="ann", quote_id="q2")
        store.add_correction("d0", "speaker", coder="ann", quote_id="q3",
                             value={"name": "Opposition", "type": "organization"})
        store.add_correction("d0", "code", coder="ann", quote_id="q1",
                             value={"concept": "homes", "agreement": "support"})
        # extracted again: new ids, another order, q1's content a little longer, q3 gone
        q1, q2, _ = machine_quotes()
        q1 = {**q1, "id": "q2", "content": span(TEXT, "We will build four hundred homes")}
        q2 = {**q2, "id": "q1"}
        store.save_results([ExtractionResult(1, {"quotes": [q2, q1], "entities": []})], None)
        view = store.reviewed_document("d0")
        assert view.quote("q1").status == "rejected"  # the union's, whatever its id is now
        assert view.quote("q2").code_list() and view.quote("q2").code_list()[0]["concept"] \
            == "homes"
        assert [c.kind for c in view.orphaned] == ["speaker"]
        assert [c.kind for c in store.orphaned_corrections()] == ["speaker"]


def test_anchors_find_their_text_again_by_context() -> None:
    text = "He said yes. She said no. He said yes again."
    first = Anchor.of("d", text, 3, 7)    # "said" after "He"
    second = Anchor.of("d", text, 30, 34)  # "said" after "He", before "yes again"
    moved = "Update: " + text
    assert locate(moved, first) == 3 + 8
    assert locate(moved, second) == 30 + 8
    assert locate(text.replace("said", "told"), first) is None
    assert locate("said said", Anchor("d", 40, 44, "said")) is None  # no context: a tie


def test_readers_see_corrections_and_cannot_write_them(db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d2", "reviewed", coder="ann", value={"reviewed": True})
    with Store(db, readonly=True) as ro:
        assert ro.reviewed_doc_ids() == ["d2"]
        with pytest.raises((StoreError, sqlite3.OperationalError)):
            ro.add_correction("d2", "reject", coder="ann", quote_id="q1")


def test_corrections_are_written_while_a_run_holds_the_run_lock(db: Path) -> None:
    with Store(db) as runner_store, run_lock(runner_store):
        with Store(db) as serve_store:
            serve_store.add_correction("d0", "accept", coder="ann", quote_id="q1")
        with Store(db, readonly=True) as ro:
            assert [c.kind for c in ro.corrections()] == ["accept"]


def test_reviewed_marks_and_corpus_page_filters(db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d1", "reviewed", coder="ann", value={"reviewed": True})
        store.add_correction("d2", "reviewed", coder="ann", value={"reviewed": True})
        store.add_correction("d2", "reviewed", coder="bo", value={"reviewed": False})
        store.add_correction("d0", "code", coder="ann", quote_id="q1",
                             value={"concept": "homes", "agreement": "support"})
        assert store.reviewed_doc_ids() == ["d1"]
        assert store.reviewed_doc_ids(coder="ann") == ["d1", "d2"]

        def ids(**kw) -> list[str]:
            return [r["doc_id"] for r in store.corpus_page(**kw)[0]]

        assert ids() == ["d0", "d1", "d2"]
        assert ids(outlet="Herald") == ["d1"]
        assert ids(since="2024-01-02") == ["d1", "d2"]
        assert ids(until="2024-01-02") == ["d0", "d1"]
        assert ids(reviewed=True) == ["d1"] and ids(reviewed=False) == ["d0", "d2"]
        assert ids(concept="homes") == ["d0"]
        assert ids(speaker="Ruiz") == ["d0", "d1", "d2"] and ids(speaker="Nobody") == []
        # a speaker a reviewer set is found too, and an undone one no longer
        fix = store.add_correction("d2", "speaker", coder="ann", quote_id="q3",
                                   value={"name": "Lena Ortiz", "type": "person"})
        assert ids(speaker="lena ortiz") == ["d2"]
        store.undo_correction(coder="ann", correction_id=fix)
        assert ids(speaker="Lena Ortiz") == []
        assert ids(search="four hundred") == ["d0", "d1", "d2"]
        assert ids(search='"hundred four"') == []
        assert ids(search='unbalanced " AND OR (') == []  # never an FTS syntax error
        page, more = store.corpus_page(limit=2)
        assert [r["doc_id"] for r in page] == ["d0", "d1"] and more
        assert store.corpus_page(limit=2, offset=2) == (store.corpus_page()[0][2:], False)
        row = store.corpus_page()[0][0]
        assert row["quotes"] == 3 and row["corrections"] == 1


def test_corrected_documents_apply_the_layer(db: Path) -> None:
    with Store(db) as store:
        store.add_correction("d0", "reject", coder="ann", quote_id="q3")
        store.add_correction("d0", "reviewed", coder="ann", value={"reviewed": True})
        docs = list(store.corrected_documents(reviewed_only=True))
    assert [(d.doc_id, [q.id for q in d.quotes]) for d, _ in docs] == [("d0", ["q1", "q2"])]
    assert json.loads(json.dumps(docs[0][0].to_dict()))["doc_id"] == "d0"
