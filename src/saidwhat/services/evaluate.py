"""The evaluation workflow: read gold, extract its texts (or read a predictions file),
score, and say whether everything was scored.

>>> from saidwhat.services import EvalOptions, evaluate
>>> result = evaluate(EvalOptions(gold="tests/data/gold"))
>>> result.report.targets()["attribution_f1"], result.status, result.exit_code

Nothing here prints or exits: the CLI (``saidwhat eval``) shows ``result.report`` and takes
its exit code from :attr:`EvalResult.exit_code`.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..evaluation import GoldFormatError, GoldSet, Problem, Report, load_gold
from ..model import Document

Status = Literal["ok", "partial"]


class EvalUsageError(ValueError):
    """The options cannot be used (gold missing or of unknown format, predictions file
    unreadable, model not installed); ``option`` names the one at fault."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True, slots=True)
class EvalOptions:
    """What to score. ``predictions``: a ``saidwhat extract`` JSONL file (``"-"``: stdin);
    None runs the extractor on the gold texts with ``model``. ``gold_format``: a kind
    registered in :data:`saidwhat.evaluation.GOLD_READERS` (default: detected).
    ``save_predictions``: write the extractor's predictions there (JSONL)."""

    gold: str | Path
    predictions: str | Path | None = None
    model: str | None = None
    gold_format: str | None = None
    limit: int | None = None
    save_predictions: str | Path | None = None
    batch_size: int = 16
    extractor: str | None = None  # "rules" | "learned" (None: the default pipeline)
    scheme: str | None = None  # "speech" | "parc" (None: the config's)

    def __post_init__(self) -> None:
        if self.predictions is not None and self.save_predictions is not None:
            raise EvalUsageError("--save-pred only applies when the extractor runs (no --pred)",
                                 "--save-pred")
        if self.limit is not None and self.limit < 1:
            raise EvalUsageError("limit must be at least 1", "--limit")


@dataclass(slots=True)
class EvalResult:
    """The report, what was scored, and every problem met on the way."""

    report: Report
    gold: GoldSet
    predictions: list[Document] = field(default_factory=list)
    provenance: dict[str, object] | None = None  # what made the predictions (extractor runs)

    @property
    def problems(self) -> list[Problem]:
        return list(self.report.issues)

    @property
    def errors(self) -> list[str]:
        """Gold documents skipped, and documents or predictions lines left out of the scores."""
        return [*self.gold.errors, *(p.message for p in self.report.issues if p.skipped)]

    @property
    def warnings(self) -> list[str]:
        """Gold annotations skipped; predictions ignored or missing (scored as nothing)."""
        return [*self.gold.warnings, *(p.message for p in self.report.issues if not p.skipped)]

    @property
    def status(self) -> Status:
        return "partial" if self.errors else "ok"

    @property
    def exit_code(self) -> int:
        """0: everything was read and scored; 1: something was left out (see errors)."""
        return 0 if self.status == "ok" else 1


def load_gold_set(options: EvalOptions) -> GoldSet:
    """The gold of ``options`` (its first ``limit`` documents); EvalUsageError if unreadable."""
    try:
        gold = load_gold(options.gold, options.gold_format)
    except GoldFormatError as exc:
        raise EvalUsageError(str(exc), "--gold") from None
    if options.limit is not None:
        gold.documents = gold.documents[:options.limit]
    return gold


def read_predictions(path: str | Path) -> tuple[list[Document], list[Problem]]:
    """``Document.to_dict()`` records, one per line; bad lines are problems, not fatal."""
    docs: list[Document] = []
    problems: list[Problem] = []
    stdin = str(path) == "-"
    try:
        fh = sys.stdin if stdin else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise EvalUsageError(f"{path}: cannot read: {exc}", "--pred") from None
    with contextlib.nullcontext(fh) if stdin else fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                docs.append(Document.from_dict(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AssertionError) as exc:
                problems.append(Problem(
                    "bad_prediction_line", f"{path}:{lineno}: not a saidwhat document record"
                    f" ({type(exc).__name__}: {exc}); line skipped"))
    return docs, problems


def pipeline_config(extractor: str | None, scheme: str | None) -> str | None:
    """The config text of ``--extractor``/``--scheme`` over the default (None: default)."""
    from ..config import extractor_overrides, load_config

    overrides = extractor_overrides(extractor, scheme)
    return load_config().merge(overrides).to_str() if overrides else None


def run_extractor(gold: GoldSet, model: str | None, problems: list[Problem],
                  on_document: Callable[[], None] | None = None,
                  batch_size: int = 16, config: str | None = None) -> Iterator[Document]:
    """Extract every gold text the way ``saidwhat extract`` does (batched, long texts in
    chunks); a document the extractor fails on is a problem and is left out."""
    from ..chunking import extract_inputs
    from ..extract import Extractor
    from ..learned.model import ModelError
    from ..nlp import ModelNotFoundError
    from ..readers import InputDoc, InputError

    try:
        extractor = Extractor(model, config=config) if config is not None else Extractor(model)
    except ModelNotFoundError as exc:
        raise EvalUsageError(str(exc), "--model") from None
    except ModelError as exc:
        raise EvalUsageError(str(exc), "--extractor") from None
    inputs = (InputDoc(d.doc_id, d.text) for d in gold.documents)
    for result in extract_inputs(extractor, inputs, batch_size=batch_size):
        if isinstance(result, InputError):
            problems.append(Problem("extraction_failed", f"doc '{result.path}': {result.reason};"
                                    " left out of the scores", str(result.path)))
        else:
            yield result
        if on_document is not None:
            on_document()


def write_predictions(path: str | Path, docs: list[Document]) -> None:
    """JSON Lines, written completely or not at all."""
    from ..atomic import atomic_write

    with atomic_write(path, encoding="utf-8", newline="\n") as fh:
        fh.writelines(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs)


def evaluate(options: EvalOptions, *, gold: GoldSet | None = None,
             on_document: Callable[[], None] | None = None) -> EvalResult:
    """Score ``options``: the gold (``gold`` if already loaded by :func:`load_gold_set`)
    against the predictions file or the extractor's output. ``on_document`` is called
    after each document extracted (a progress bar)."""
    from ..evaluation import evaluate as score

    gold = gold if gold is not None else load_gold_set(options)
    problems: list[Problem] = []
    if options.predictions is not None:
        preds, problems = read_predictions(options.predictions)
        if options.limit is not None:  # predictions of documents cut by the limit are not "unknown"
            wanted = {d.doc_id for d in gold.documents}
            preds = [p for p in preds if p.doc_id in wanted]
    else:
        preds = list(run_extractor(gold, options.model, problems, on_document,
                                   options.batch_size,
                                   pipeline_config(options.extractor, options.scheme)))
        extracted = {p.doc_id for p in preds}
        # a document whose extraction failed is left out rather than scored as "found nothing"
        gold = replace(gold, documents=[d for d in gold.documents if d.doc_id in extracted])
        if options.save_predictions:
            write_predictions(options.save_predictions, preds)
    report = score(gold, preds)
    report.issues[:0] = problems
    made_by = None
    if options.predictions is None:
        from ..config import provenance

        made_by = provenance(pipeline_config(options.extractor, options.scheme))
        made_by["spacy_model"] = options.model
    return EvalResult(report=report, gold=gold, predictions=preds, provenance=made_by)
