"""Workflows callable from Python with typed options; the CLI only parses options, calls
these and prints what they return.

* :func:`extract_paths` (:class:`ExtractOptions` -> :class:`ExtractResult`): read files,
  folders and streams and extract them to JSON Lines; :func:`iter_documents` without writing;
* :func:`evaluate` (:class:`EvalOptions` -> :class:`EvalResult`): score against gold;
* :func:`build_networks` (:class:`NetworkOptions` -> :class:`NetworkResult`): code
  statements, build and write discourse networks;
* :func:`export_store` (:class:`ExportOptions` -> :class:`ExportResult`): write a store out.

Exit statuses come from the results (``result.status``, ``result.exit_code``), never from
message text.
"""

from __future__ import annotations

from .evaluate import EvalOptions, EvalResult, EvalUsageError, evaluate, load_gold_set
from .export import ExportOptions, ExportResult, export_store
from .extract import ExtractOptions, ExtractResult, Problem, extract_paths, iter_documents
from .network import NetworkError, NetworkOptions, NetworkResult, NetworkSlice, build_networks

__all__ = ["EvalOptions", "EvalResult", "EvalUsageError", "ExportOptions", "ExportResult",
           "ExtractOptions", "ExtractResult", "Problem", "extract_paths", "iter_documents",
           "NetworkError", "NetworkOptions", "NetworkResult", "NetworkSlice", "build_networks",
           "evaluate", "export_store", "load_gold_set"]
