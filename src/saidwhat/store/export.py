"""Exports of a store: Parquet or CSV tables, or JSONL in the extraction contract's shape.

Everything streams in chunks, so exporting a large store takes bounded memory. CSV text
cells that a spreadsheet would run as formulas get a ``'`` in front (:mod:`saidwhat.csvsafe`;
``csv_escape=False`` writes the exact text); JSONL and Parquet keep the exact text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..atomic import atomic_folder, atomic_write
from ..csvsafe import escape_frame
from .db import Store

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("documents", "quotes", "entities")
CHUNK_ROWS = 20_000

_SQL = {
    "documents": "SELECT pk, doc_id, content_hash, title, date, outlet, url, author, language, "
                 "format, source, record, n_chars, status, reason, processed_at "
                 "FROM documents ORDER BY pk",
    "quotes": "SELECT d.doc_id, d.date, d.outlet, q.seq, q.quote_id, q.kind, "
              "q.content_start, q.content_end, q.content_text, q.cue_start, q.cue_end, "
              "q.cue_text, q.source_start, q.source_end, q.source_text, q.channel_start, "
              "q.channel_end, q.channel_text, q.speaker_name, q.speaker_type, q.speaker_role, "
              "q.speaker_affiliation FROM quotes q JOIN documents d ON d.pk = q.doc_pk "
              "ORDER BY q.doc_pk, q.seq",
    "entities": "SELECT d.doc_id, e.seq, e.entity_id, e.name, e.type, e.roles, e.mentions "
                "FROM entities e JOIN documents d ON d.pk = e.doc_pk ORDER BY e.doc_pk, e.seq",
}
# Columns that may be all-NULL in a chunk: fixed types keep Parquet chunks compatible.
_INT_COLS = {"pk", "n_chars", "seq", "content_start", "content_end", "cue_start", "cue_end",
             "source_start", "source_end", "channel_start", "channel_end"}


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        df[col] = df[col].astype("Int64" if col in _INT_COLS else "string")
    return df


def export(store: Store, fmt: str, output: str | Path, with_text: bool | None = None, *,
           csv_escape: bool = True) -> dict[str, Any]:
    """Write the store out. ``jsonl``: one line per processed document to ``output`` (a
    file, or ``-`` for stdout). ``parquet``/``csv``: a folder ``output`` holding
    documents, quotes and entities tables. ``csv_escape=False``: CSV text cells exactly as
    stored, even those a spreadsheet would take for formulas. Returns what was written."""
    if fmt == "jsonl":
        return {"documents": _export_jsonl(store, output, with_text)}
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown export format {fmt!r} (parquet, csv or jsonl)")
    written = {}
    # the tables are written into a fresh folder that replaces ``output`` whole: a failure
    # part-way never leaves new documents beside old quotes
    with atomic_folder(output) as folder:
        for table in TABLES:
            written[table] = _export_table(store, table, fmt, folder / f"{table}.{fmt}",
                                           csv_escape)
    return written


def _export_jsonl(store: Store, output: str | Path, with_text: bool | None) -> int:
    # a failed export leaves no half-written file; '-' and devices are written through
    with atomic_write(output, encoding="utf-8") as fh:
        return _write_jsonl(store, fh, with_text)


def _write_jsonl(store: Store, fh: IO[str], with_text: bool | None) -> int:
    n = 0
    for doc in store.iter_results(with_text=with_text):
        fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
        n += 1
    return n


def _export_table(store: Store, table: str, fmt: str, path: Path, csv_escape: bool = True
                  ) -> int:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 0
    writer: pq.ParquetWriter | None = None
    # ``path`` lies in the export's own temporary folder: a failure discards the whole set
    try:
        for i, chunk in enumerate(pd.read_sql_query(_SQL[table], store.conn,
                                                    chunksize=CHUNK_ROWS)):
            chunk = _typed(chunk)
            n += len(chunk)
            if fmt == "csv":
                escape_frame(chunk, csv_escape)  # text columns only; numbers as they are
                chunk.to_csv(path, mode="w" if i == 0 else "a", header=i == 0, index=False)
                continue
            arrow = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, arrow.schema)
            writer.write_table(arrow)
        if n == 0:  # still write the header / schema
            empty = _typed(pd.read_sql_query(_SQL[table] + " LIMIT 0", store.conn))
            if fmt == "csv":
                empty.to_csv(path, index=False)
            else:
                pq.write_table(pa.Table.from_pandas(empty, preserve_index=False), path)
    finally:
        if writer is not None:
            writer.close()
    return n
