"""Evaluation: gold readers (brat/PolNeAR, saidwhat JSON gold, DNA ``.dna``) and the scorer.

>>> from saidwhat.evaluation import load_gold, evaluate
>>> gold = load_gold("gold/")                       # GoldSet: documents + errors
>>> report = evaluate(gold, predicted_documents)     # Report: .table(), .to_dict()

Readers are registered by kind in :data:`GOLD_READERS`; the whole workflow (gold, extractor
or predictions file, scores, exit status) is :func:`saidwhat.services.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..registry import Registry
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
from .report import ErrorItem, Problem, Report
from .scorer import evaluate, names_match

__all__ = [
    "GOLD_READERS", "DnaDocument", "DnaFormatError", "DnaStatement", "ErrorItem", "GoldAttribution",
    "GoldDocument", "GoldReader", "Problem",
    "GoldFormatError", "GoldSet", "Report", "detect_format", "evaluate", "infer_kind", "load_gold",
    "names_match", "parse_gold_document", "read_brat", "read_dna", "read_documents",
    "read_json_gold", "read_statements",
]


GoldReader = Callable[[Path], GoldSet]

# Gold readers by kind, in the order detection tries them. A new gold format is one
# ``GOLD_READERS.register(kind, reader, detect=...)`` call: ``detect(path)`` says whether a
# path (file or folder) is of this kind.
GOLD_READERS: Registry[GoldReader] = Registry("gold format")
GOLD_READERS.register("brat", read_brat, detect=is_brat_dir,
                      description="a brat folder (text/ + attributions/)")
GOLD_READERS.register(
    "saidwhat-json", read_json_gold,
    detect=lambda p: (p.is_file() and p.suffix.lower() in (".json", ".jsonl")) or (
        p.is_dir() and any(c.suffix.lower() in (".json", ".jsonl")
                           for c in p.iterdir() if c.is_file())),
    description="saidwhat gold .json/.jsonl files or a folder of them")
GOLD_READERS.register("dna", read_dna, detect=lambda p: p.is_file() and p.suffix.lower() == ".dna",
                      description="a DNA .dna database")


def detect_format(path: str | Path) -> str:
    """The kind of the first gold reader whose detector accepts ``path`` (``brat``,
    ``saidwhat-json``, ``dna``, or one registered since); GoldFormatError otherwise."""
    p = Path(path)
    if not p.exists():
        raise GoldFormatError(f"{p}: no such file or folder")
    found = GOLD_READERS.find(lambda e: bool(e.meta["detect"](p)))
    if found is not None:
        return found.name
    if p.is_dir():
        raise GoldFormatError(f"{p}: neither a brat folder (text/ + attributions/) nor a folder"
                              " of .json/.jsonl gold files")
    raise GoldFormatError(f"{p}: unknown gold format (expected a brat folder, .json, .jsonl or .dna)")


def load_gold(path: str | Path, kind: str | None = None) -> GoldSet:
    """Read gold in whichever format ``path`` is (see :func:`detect_format`), or with the
    reader registered as ``kind``."""
    if kind is not None and kind not in GOLD_READERS:
        raise GoldFormatError(f"unknown gold format {kind!r}; choose one of "
                              f"{', '.join(GOLD_READERS)}")
    return GOLD_READERS.get(kind or detect_format(path))(Path(path))
