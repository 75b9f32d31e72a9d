"""Evaluation: gold readers (brat/PolNeAR, saidwhat JSON gold, DNA ``.dna``) and the scorer.

>>> from saidwhat.evaluation import load_gold, evaluate
>>> gold = load_gold("gold/")                       # GoldSet: documents + errors
>>> report = evaluate(gold, predicted_documents)     # Report: .table(), .to_dict()
"""

from __future__ import annotations

from pathlib import Path

from .brat import is_brat_dir, read_brat
from .dna import (
    DnaDocument,
    DnaFormatError,
    DnaStatement,
    read_dna,
    read_documents,
    read_statements,
)
from .gold import (
    GoldAttribution,
    GoldDocument,
    GoldFormatError,
    GoldSet,
    infer_kind,
    parse_gold_document,
    read_json_gold,
)
from .report import ErrorItem, Report
from .scorer import evaluate, names_match

__all__ = [
    "DnaDocument", "DnaFormatError", "DnaStatement", "ErrorItem", "GoldAttribution", "GoldDocument",
    "GoldFormatError", "GoldSet", "Report", "detect_format", "evaluate", "infer_kind", "load_gold",
    "names_match", "parse_gold_document", "read_brat", "read_dna", "read_documents",
    "read_json_gold", "read_statements",
]


def detect_format(path: str | Path) -> str:
    """``brat``, ``saidwhat-json`` or ``dna`` from the path's shape; GoldFormatError otherwise."""
    p = Path(path)
    if not p.exists():
        raise GoldFormatError(f"{p}: no such file or folder")
    if p.is_dir():
        if is_brat_dir(p):
            return "brat"
        if any(c.suffix.lower() in (".json", ".jsonl") for c in p.iterdir() if c.is_file()):
            return "saidwhat-json"
        raise GoldFormatError(f"{p}: neither a brat folder (text/ + attributions/) nor a folder"
                              " of .json/.jsonl gold files")
    suffix = p.suffix.lower()
    if suffix in (".json", ".jsonl"):
        return "saidwhat-json"
    if suffix == ".dna":
        return "dna"
    raise GoldFormatError(f"{p}: unknown gold format (expected a brat folder, .json, .jsonl or .dna)")


def load_gold(path: str | Path) -> GoldSet:
    """Read gold in whichever format ``path`` is (see :func:`detect_format`)."""
    fmt = detect_format(path)
    if fmt == "brat":
        return read_brat(path)
    if fmt == "dna":
        return read_dna(path)
    return read_json_gold(path)
