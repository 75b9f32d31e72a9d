"""Exports of a store: Parquet or CSV tables, or JSONL in the extraction contract's shape.

Everything streams in chunks, so exporting a large store takes bounded memory. The rows come
from :class:`~saidwhat.store.db.Store` (``export_rows``): no SQL lives here. Formats are
registered in :data:`STORE_EXPORTS`. CSV text
cells that a spreadsheet would run as formulas get a ``'`` in front (:mod:`saidwhat.csvsafe`;
``csv_escape=False`` writes the exact text); JSONL and Parquet keep the exact text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..atomic import atomic_folder, atomic_write
from ..csvsafe import escape_frame
from ..registry import Registry
from .db import EXPORT_TABLES, Store

if TYPE_CHECKING:
    import pandas as pd

TABLES = EXPORT_TABLES
CHUNK_ROWS = 20_000

# Columns that may be all-NULL in a chunk: fixed types keep Parquet chunks compatible.
_INT_COLS = {"pk", "n_chars", "seq", "content_start", "content_end", "cue_start", "cue_end",
             "source_start", "source_end", "channel_start", "channel_end"}


# Columns with a type of their own in Parquet (CSV writes them as text: ISO dates, JSON).
_DATE_COLS = {"date"}
_JSON_COLS = {"roles", "mentions"}


def _typed(df: pd.DataFrame, fmt: str = "csv") -> pd.DataFrame:
    for col in df.columns:
        if fmt == "parquet" and col in _DATE_COLS:
            from ..dates import to_date

            df[col] = [to_date(v) for v in df[col]]  # a calendar date, or null
        elif fmt == "parquet" and col in _JSON_COLS:
            df[col] = [json.loads(v) if isinstance(v, str) else v for v in df[col]]
        else:
            df[col] = df[col].astype("Int64" if col in _INT_COLS else "string")
    return df


def arrow_schema(columns: list[str]) -> Any:
    """The Parquet schema of an export table: integers, a ``date32`` date, ``roles`` a
    list of strings, ``mentions`` a list of ``{start, end, text}``; the rest strings."""
    import pyarrow as pa

    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
    types = {"date": pa.date32(), "roles": pa.list_(pa.string()), "mentions": pa.list_(span)}
    return pa.schema([(c, types.get(c, pa.int64() if c in _INT_COLS else pa.string()))
                      for c in columns])


StoreExporter = Callable[[Store, "str | Path", "StoreExportSettings"], dict[str, int]]


@dataclass(frozen=True, slots=True)
class StoreExportSettings:
    with_text: bool | None = None
    csv_escape: bool = True


# Store exports by format; a new one is one registered function returning what it wrote.
STORE_EXPORTS: Registry[StoreExporter] = Registry("store export format")


def export(store: Store, fmt: str, output: str | Path, with_text: bool | None = None, *,
           csv_escape: bool = True) -> dict[str, Any]:
    """Write the store out. ``jsonl``: one line per processed document to ``output`` (a
    file, or ``-`` for stdout). ``parquet``/``csv``: a folder ``output`` holding
    documents, quotes and entities tables; an ``output`` named like a file of the format
    (``quotes.csv``) gets the quotes table alone. ``csv_escape=False``: CSV text cells exactly as
    stored, even those a spreadsheet would take for formulas. Returns what was written."""
    if fmt not in STORE_EXPORTS:
        raise ValueError(f"unknown export format {fmt!r} ({', '.join(STORE_EXPORTS)})")
    return STORE_EXPORTS.get(fmt)(store, output, StoreExportSettings(with_text, csv_escape))


@STORE_EXPORTS.register("jsonl")
def _jsonl(store: Store, output: str | Path, settings: StoreExportSettings) -> dict[str, int]:
    return {"documents": _export_jsonl(store, output, settings.with_text)}


# The table a file name (``-o quotes.csv``) gets; a folder gets them all.
MAIN_TABLE = "quotes"


def is_table_file(output: str | Path, fmt: str) -> bool:
    """``output`` names one file of format ``fmt`` (``quotes.csv``), not a folder."""
    path = Path(output)
    return path.suffix.lower() == f".{fmt}" and not path.is_dir()


def _tables(fmt: str) -> StoreExporter:
    def write(store: Store, output: str | Path, settings: StoreExportSettings) -> dict[str, int]:
        written = {}
        if is_table_file(output, fmt):  # a file name: the main table, written whole
            mode = {"csv": {"mode": "w", "encoding": "utf-8", "newline": ""},
                    "parquet": {"mode": "wb"}}[fmt]
            with atomic_write(output, **mode) as fh:
                written[MAIN_TABLE] = _export_table(store, MAIN_TABLE, fmt, fh,
                                                    settings.csv_escape)
            return written
        # the tables are written into a fresh folder that replaces ``output`` whole: a
        # failure part-way never leaves new documents beside old quotes
        with atomic_folder(output) as folder:
            for table in TABLES:
                written[table] = _export_table(store, table, fmt, folder / f"{table}.{fmt}",
                                               settings.csv_escape)
        return written

    return write


STORE_EXPORTS.register("parquet", _tables("parquet"))
STORE_EXPORTS.register("csv", _tables("csv"))


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


def _export_table(store: Store, table: str, fmt: str, path: Path | IO[Any],
                  csv_escape: bool = True) -> int:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 0
    writer: pq.ParquetWriter | None = None
    columns = store.export_columns(table)
    schema = arrow_schema(columns)
    # ``path`` lies in the export's own temporary folder (or is a temporary file): a
    # failure discards the whole set
    try:
        for i, rows in enumerate(store.export_rows(table, CHUNK_ROWS)):
            chunk = _typed(pd.DataFrame(rows, columns=columns), fmt)
            n += len(chunk)
            if fmt == "csv":
                escape_frame(chunk, csv_escape)  # text columns only; numbers as they are
                chunk.to_csv(path, mode="w" if i == 0 else "a", header=i == 0, index=False)
                continue
            arrow = pa.Table.from_pandas(chunk, schema=schema, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(arrow)
        if n == 0:  # still write the header / schema
            if fmt == "csv":
                _typed(pd.DataFrame([], columns=columns)).to_csv(path, index=False)
            else:
                pq.write_table(schema.empty_table(), path)
    finally:
        if writer is not None:
            writer.close()
    return n


# The documents marked reviewed in `saidwhat serve`, corrections applied, as gold
# (saidwhat.store.review_export): a folder of saidwhat JSON gold files, or brat standoff.
def _reviewed(fmt: str) -> StoreExporter:
    def write(store: Store, output: str | Path, settings: StoreExportSettings) -> dict[str, int]:
        from .review_export import write_gold

        return write_gold(store, output, fmt)

    return write


STORE_EXPORTS.register("gold", _reviewed("gold"))
STORE_EXPORTS.register("brat", _reviewed("brat"))
