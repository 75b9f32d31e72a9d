"""Workflows callable from Python with typed options; the CLI only parses options, calls
these and prints what they return.

* :func:`evaluate` (:class:`EvalOptions` -> :class:`EvalResult`): score against gold;
* :func:`build_networks` (:class:`NetworkOptions` -> :class:`NetworkResult`): code
  statements, build and write discourse networks;
* :func:`export_store` (:class:`ExportOptions` -> :class:`ExportResult`): write a store out.

Exit statuses come from the results (``result.status``, ``result.exit_code``), never from
message text. Extraction and ingest services live beside these (``services/extract.py``).
"""

from __future__ import annotations

from .evaluate import EvalOptions, EvalResult, EvalUsageError, evaluate, load_gold_set
from .export import ExportOptions, ExportResult, export_store
from .network import NetworkError, NetworkOptions, NetworkResult, NetworkSlice, build_networks

__all__ = ["EvalOptions", "EvalResult", "EvalUsageError", "ExportOptions", "ExportResult",
           "NetworkError", "NetworkOptions", "NetworkResult", "NetworkSlice", "build_networks",
           "evaluate", "export_store", "load_gold_set"]
