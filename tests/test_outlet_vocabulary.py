"""One vocabulary (issue 14): the publication is `outlet` from every reader, so `network
--outlet` works on extracted HTML as it does on a store."""

from __future__ import annotations

import json
from pathlib import Path

from saidwhat import Extractor
from saidwhat.readers import ReadOptions, read_inputs
from saidwhat.services import ExtractOptions, NetworkOptions, build_networks, extract_paths
from saidwhat.store import Store, ingest, run

CODEBOOK = Path(__file__).parent / "data" / "network" / "codebook.yaml"
OUTLET = "The Coastal Herald"


def _page(site: str) -> str:
    return (f"<html><head><title>Charge vote</title>"
            f"<meta property='og:site_name' content='{site}'>"
            "<meta property='article:published_time' content='2024-03-09'></head><body>"
            "<nav>Home | News</nav><article><h1>Charge vote</h1>"
            "<p>\u201cWe need a congestion charge in the old town,\u201d said Mara Quill, who "
            "leads the transport committee.</p><p>Ivo Brandt said the congestion charge "
            "would hurt the small shops of the old town.</p></article></body></html>")


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    (folder / "herald.html").write_text(_page(OUTLET), encoding="utf-8")
    (folder / "feed.jsonl").write_text(json.dumps(
        {"id": "j1", "outlet": "Harbour Times",
         "text": "\u201cThe council should fund more buses,\u201d said Lin Okafor."}) + "\n",
        encoding="utf-8")
    return folder


def test_every_reader_names_the_outlet(tmp_path: Path) -> None:
    docs = {d.doc_id: d for d in read_inputs([str(_inputs(tmp_path / "in"))],
                                                   options=ReadOptions())}
    assert docs["herald"].meta["outlet"] == OUTLET and "sitename" not in docs["herald"].meta
    # a record's own fields stay as given (the store reads the outlet from them)
    assert docs["j1"].meta == {"outlet": "Harbour Times"}


def test_network_outlet_filter_on_extracted_html(tmp_path: Path, extractor: Extractor) -> None:
    folder = _inputs(tmp_path / "in")
    out = tmp_path / "quotes.jsonl"
    extract_paths(extractor, ExtractOptions(paths=(str(folder),), output=str(out)))

    def statements(**where: object) -> int:
        result = build_networks(NetworkOptions(codebook=CODEBOOK, output=tmp_path / "e.csv",
                                               **where), nlp=extractor.nlp)  # type: ignore[arg-type]
        return len(result.statements)

    herald = statements(inputs=(out,), outlets=(OUTLET,))
    assert herald > 0 and herald == statements(inputs=(out,), outlets=(OUTLET.upper(),))
    assert statements(inputs=(out,), outlets=("Harbour Times",)) > 0
    assert statements(inputs=(out,), outlets=("Nobody's Gazette",)) == 0

    # the store, filled from the same files, names the same outlet
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [folder])
        run(store)
        outlets = {o for (o,) in store.conn.execute("SELECT outlet FROM documents")}
    assert outlets == {OUTLET, "Harbour Times"}
    assert statements(db=db, outlets=(OUTLET,)) == herald
