"""CSV cells that a spreadsheet will not run as formulas (CSV / formula injection).

News text is hostile input: a quote, title or name beginning with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return) is taken as a formula by Excel, LibreOffice and Google Sheets
when the CSV is opened. As OWASP's CSV injection guidance recommends, such a *text* cell is
written with a single quote in front (``'=HYPERLINK(...)``), which spreadsheets show as text.

Only text (``str``) cells are changed: numbers stay numbers, so a negative weight ``-2`` or a
score ``-0.5`` is written as it is. Every CSV writer of saidwhat (store exports, ``saidwhat
quotes --format csv``, network edge lists, matrices and event lists) goes through this
module, and each takes ``csv_escape=False`` (``--no-csv-escape`` on the command line) to
write the exact text. JSONL and Parquet always keep the exact text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def escape_cell(value: Any) -> Any:
    """``value`` with ``'`` in front if it is text starting like a formula; anything that is
    not a ``str`` (numbers, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return PREFIX + value
    return value


def escape_row(row: Iterable[Any], enabled: bool = True) -> list[Any]:
    """A CSV row with every text cell escaped (see :func:`escape_cell`)."""
    return [escape_cell(v) for v in row] if enabled else list(row)


def escape_rows(rows: Iterable[Iterable[Any]], enabled: bool = True) -> Iterable[list[Any]]:
    for row in rows:
        yield escape_row(row, enabled)


def escape_frame(df: pd.DataFrame, enabled: bool = True) -> pd.DataFrame:
    """``df`` with the text cells of its text columns escaped (in place; returned too).

    A column is text when its dtype is a string or object dtype; numeric columns are never
    touched. In an object column only the ``str`` values are escaped.
    """
    if not enabled:
        return df
    import pandas as pd

    for col in df.columns:
        s = df[col]
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            continue
        # per value, not vectorised: a column may mix text with numbers and missing values,
        # and only the text is escaped
        mask = pd.Series([isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in s],
                         index=s.index, dtype=bool)
        if mask.any():
            df.loc[mask, col] = [PREFIX + v for v in s[mask]]
    return df
