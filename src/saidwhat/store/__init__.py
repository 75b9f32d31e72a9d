"""The embedded corpus store: ingest, batch / parallel / Dask runs, queries and exports.

Python API (``Store`` is the only SQL door: row methods -- ``quote_rows``, ``error_rows``,
``document_rows``, ``entity_rows``, ``export_rows`` -- and DataFrame helpers over them)::

    from saidwhat.store import Store, ingest, run
    with Store("saidwhat.db") as store:
        ingest(store, ["corpus/"])
        run(store, workers=2)
        store.quotes(speaker="Smith", since="2024-01-01", outlet="Daily Planet")
        store.documents(); store.entities(); store.errors(); store.status_counts()

See docs/store.md for the design.
"""

from .db import DEFAULT_DB, DocumentRecord, ExtractionResult, Store, StoreError, normalize_name
from .export import export
from .ingest import IngestConfigError, IngestOptions, IngestSummary, ingest
from .runner import RunSummary, extract_batch, run

__all__ = ["DEFAULT_DB", "DocumentRecord", "ExtractionResult", "IngestConfigError",
           "IngestOptions", "IngestSummary", "RunSummary", "Store", "StoreError", "export",
           "extract_batch", "ingest", "normalize_name", "run"]
