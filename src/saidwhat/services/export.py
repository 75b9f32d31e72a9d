"""The store export workflow: open a store read-only and write it out (JSONL in the
extraction contract's shape, or Parquet / CSV tables).

>>> from saidwhat.services import ExportOptions, export_store
>>> export_store(ExportOptions(db="saidwhat.db", format="csv", output="tables/")).written
{'documents': 120, 'quotes': 941, 'entities': 1730}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..store.db import DEFAULT_DB

if TYPE_CHECKING:
    from ..store.db import Store


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """``format``: a name in :data:`saidwhat.store.export.STORE_EXPORTS` (jsonl, parquet,
    csv). ``output``: jsonl: a file or ``"-"`` (stdout); tables: a folder. ``with_text``:
    jsonl: include texts (default: only for HTML/WARC input). ``csv_escape=False``: CSV
    cells exactly as stored."""

    db: str | Path = DEFAULT_DB
    format: str = "jsonl"
    output: str | Path = "-"
    with_text: bool | None = None
    csv_escape: bool = True


@dataclass(frozen=True, slots=True)
class ExportResult:
    output: str | Path
    format: str
    written: dict[str, int] = field(default_factory=dict)  # table -> rows (jsonl: documents)
    status: Literal["ok"] = "ok"

    @property
    def exit_code(self) -> int:
        return 0


def export_store(options: ExportOptions, store: Store | None = None) -> ExportResult:
    """Write the store of ``options`` (or ``store``, already open) out. A jsonl output
    path is checked first (OutputPathError); a failed export leaves nothing half written.
    Store problems raise StoreError / StoreDamagedError; a full disk the OSError."""
    from ..atomic import check_output_path
    from ..store.db import Store
    from ..store.export import export

    if options.format == "jsonl":  # parquet/csv write a folder, checked when it is swapped in
        check_output_path(str(options.output))
    if store is None:
        with Store(options.db, readonly=True) as opened:
            return export_store(options, opened)
    written = export(store, options.format, options.output, with_text=options.with_text,
                     csv_escape=options.csv_escape)
    return ExportResult(output=options.output, format=options.format, written=written)
