"""The network workflow: read extraction results, code them against a codebook, build one
network per time window and write what was asked for (network file, statistics, coded
statements, a picture).

>>> from saidwhat.services import NetworkOptions, build_networks
>>> result = build_networks(NetworkOptions(codebook="codebook.yaml", inputs=("preds.jsonl",),
...                                        output="net.graphml"))
>>> [(s.graph.number_of_nodes(), s.written) for s in result.slices], result.exit_code

Nothing here prints or exits. ``on_message(kind, text)`` (kind ``"error"`` or ``"info"``)
hears progress as it happens -- the CLI prints it to stderr; the exit status comes from
:attr:`NetworkResult.exit_code`. Bad options raise :class:`NetworkError`; a failed write
(disk full) raises the OSError, and nothing is left half written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..model import Document
from ..settings import CODING_METHODS, Settings

if TYPE_CHECKING:
    import networkx as nx

    from ..network.actors import Actor
    from ..network.build import CodedStatement, CodingReport
    from ..network.codebook import Codebook
    from ..network.duplicates import DuplicateGroup
    from ..network.inputs import LoadResult
    from ..network.stats import NetworkStats

NETWORK_TYPES = ("two-mode", "congruence", "conflict", "subtract", "concept-congruence",
                 "concept-conflict", "concept-subtract")
QUALIFIERS = ("combine", "ignore", "subtract", "split")
NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
ACTOR_TYPES = ("person", "organization", "group", "anonymous", "unknown")
METHODS = CODING_METHODS
COLOUR_BY = ("auto", "organization", "community")
DEFAULT_STORE = "saidwhat.db"

Message = Callable[[str, str], None]


class NetworkError(ValueError):
    """Options that cannot be used (bad codebook, format, dates, window), or a network that
    cannot be written as asked (an exporter's refusal)."""


@dataclass(frozen=True, slots=True)
class NetworkOptions:
    """Everything ``saidwhat network`` takes. ``inputs``: predictions JSONL files; ``db``:
    a store (default ``./saidwhat.db`` when neither is given). At least one of ``output``,
    ``plot``, ``stats``, ``statements`` says what to write."""

    codebook: str | Path
    inputs: tuple[str | Path, ...] = ()
    db: str | Path | None = None
    network_type: str = "two-mode"
    qualifier: str = "combine"
    normalization: str = "none"
    output: str | Path | None = None
    format: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    outlets: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    window: str | None = None
    step: str | None = None
    actors: str | Path | None = None
    method: str | None = None  # None: settings.coding_method (embeddings)
    threshold: float | None = None  # None: the coder's default (coding.DEFAULT_THRESHOLD)
    texts: tuple[str | Path, ...] = ()
    plot: str | Path | None = None
    colour_by: str = "auto"
    stats: str | Path | None = None
    statements: str | Path | None = None
    dna_password: str = "saidwhat"
    default_date: str | None = None  # .dna: YYYY-MM-DD for undated documents
    keep_duplicates: bool = False  # True: near-duplicate documents are not folded
    duplicate_threshold: float | None = None  # overrides settings.near_duplicate_threshold
    settings: Settings | None = None  # near-duplicate detection and coding (default Settings())
    csv_escape: bool = True
    model: str | None = None
    corrections: bool = True  # a store's review corrections and hand codes (False: machine only)
    coder: str | None = None  # one coder's corrections only (default: everyone's, latest wins)
    examples: tuple[str | Path, ...] = ()  # JSONL files of labelled statements (few-shot)
    learn: bool = True  # a store's hand-coded statements teach the coder the rest (few-shot)

    def __post_init__(self) -> None:
        for name, value, allowed in (("network type", self.network_type, NETWORK_TYPES),
                                     ("qualifier", self.qualifier, QUALIFIERS),
                                     ("normalization", self.normalization, NORMALIZATIONS),
                                     ("colour-by", self.colour_by, COLOUR_BY)):
            if value not in allowed:
                raise NetworkError(f"unknown {name} {value!r}; choose one of {', '.join(allowed)}")
        if self.method is not None and self.method not in METHODS:
            raise NetworkError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        for kind in self.actor_types:
            if kind not in ACTOR_TYPES:
                raise NetworkError(f"unknown actor type {kind!r}; choose one of "
                                   f"{', '.join(ACTOR_TYPES)}")
        if not (self.output or self.plot or self.stats or self.statements):
            raise NetworkError("nothing to write: give -o OUT, --plot, --stats or --statements")
        if self.step and not self.window:
            raise NetworkError("--step needs --window")
        if self.plot and Path(self.plot).suffix.lower() not in (".png", ".svg"):
            raise NetworkError(f"{self.plot}: plot to a .png or .svg file")
        if self.duplicate_threshold is not None and not 0 < self.duplicate_threshold <= 1:
            raise NetworkError(f"--duplicate-threshold {self.duplicate_threshold}: give a"
                               " Jaccard similarity in (0, 1]")


@dataclass(slots=True)
class NetworkSlice:
    """One network (the whole period, or one time window: ``window`` is its start date)."""

    window: str
    graph: nx.Graph
    statements: list[CodedStatement]
    stats: NetworkStats
    written: list[Path] = field(default_factory=list)


@dataclass(slots=True)
class NetworkResult:
    """What was read, coded, built and written; ``errors`` are the inputs that could not be
    read (the rest was used)."""

    documents: list[Document]
    statements: list[CodedStatement]
    coding: CodingReport
    actors: dict[str, Actor]
    slices: list[NetworkSlice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: list[DuplicateGroup] = field(default_factory=list)  # folded unless kept

    @property
    def status(self) -> Literal["ok", "partial"]:
        return "partial" if self.errors else "ok"

    @property
    def exit_code(self) -> int:
        """0: every input was read; 1: some input file or record could not be."""
        return 0 if self.status == "ok" else 1


def _quiet(kind: str, text: str) -> None:
    return None


def load_documents(inputs: tuple[str | Path, ...] = (), db: str | Path | None = None,
                   texts: tuple[str | Path, ...] = (), *, corrections: bool = True,
                   coder: str | None = None) -> LoadResult:
    """Documents from predictions JSONL files and/or a store (``./saidwhat.db`` when neither
    is given), with texts from ``texts``; unreadable records are ``errors``. A store that
    does not exist is a :class:`NetworkError` (a usage error: nothing is written).

    ``corrections``: a store's documents as its corrections make them, with its hand codes
    (:func:`saidwhat.network.inputs.load_store`); ``coder``: only that coder's corrections
    (a coder with none in the store is a :class:`NetworkError`)."""
    from ..network.inputs import LoadResult, attach_texts, load_predictions, load_store

    if not inputs and not db:
        if not Path(DEFAULT_STORE).is_file():
            raise NetworkError("give predictions JSONL files or --db STORE (no ./saidwhat.db here)")
        db = DEFAULT_STORE
    if db and not Path(db).is_file():  # before anything is read or written: a usage error
        raise NetworkError(f"{db}: no such store database (make one with `saidwhat ingest`,"
                           " or give predictions JSONL files)")
    if coder is not None:
        if not corrections:
            raise NetworkError("--coder picks one coder's corrections: drop --no-corrections")
        if not db:
            raise NetworkError("--coder needs a store (--db) with corrections")
        _check_coder(db, coder)
    result = LoadResult()
    if inputs:
        load_predictions(inputs, result)
    if db:
        load_store(db, result, corrections=corrections, coder=coder)
    if texts:
        result.errors += attach_texts(result.documents, texts)
    return result


def _check_coder(db: str | Path, coder: str) -> None:
    from ..store.db import Store, StoreError

    try:
        with Store(db, readonly=True) as store:
            coders = store.coders()
    except StoreError as exc:
        raise NetworkError(str(exc)) from None
    if coder not in coders:
        raise NetworkError(f"{db}: no corrections by coder {coder!r} (coders: "
                           f"{', '.join(coders) or 'none'})")


@dataclass(frozen=True, slots=True)
class _Plan:
    codebook: Codebook
    out_format: str | None
    attributes: dict[str, Actor] | None
    start: date | None
    end: date | None
    window: timedelta | None
    step: timedelta | None
    default_date: date | None = None


def _plan(options: NetworkOptions) -> _Plan:
    from ..dates import user_day
    from ..network.actors import ActorFileError, load_actor_attributes
    from ..network.build import parse_duration
    from ..network.codebook import CodebookError, load_codebook
    from ..network.export import ExportError, format_for

    try:
        codebook = load_codebook(options.codebook)
        out_format = format_for(options.output, options.format) if options.output else None
        attrs = load_actor_attributes(options.actors) if options.actors else None
        # DateError is a ValueError naming the option; "2024-01" for --to is its last day
        start = user_day(options.date_from, "--from") if options.date_from else None
        end = user_day(options.date_to, "--to", end=True) if options.date_to else None
        win = parse_duration(options.window) if options.window else None
        stp = parse_duration(options.step) if options.step else win
        default_day = (user_day(options.default_date, "--default-date")
                       if options.default_date else None)
    except (CodebookError, ExportError, ActorFileError, ValueError) as exc:
        raise NetworkError(str(exc)) from None
    return _Plan(codebook, out_format, attrs, start, end, win, stp, default_day)


def _suffixed(path: str | Path, suffix: str) -> Path:
    p = Path(path)
    return p.with_name(f"{p.stem}_{suffix}{p.suffix}") if suffix else p


def build_networks(options: NetworkOptions, *, on_message: Message | None = None,
                   nlp: Any = None) -> NetworkResult:
    """Run the whole workflow of ``options`` (see the module docstring). ``nlp``: a loaded
    spaCy pipeline to code with (default: ``options.model``'s)."""
    from ..network.actors import ActorIndex
    from ..network.build import code_documents, filter_statements, time_windows
    from ..network.coding import ConceptCoder

    say = on_message or _quiet
    plan = _plan(options)
    loaded = load_documents(options.inputs, options.db, options.texts,
                            corrections=options.corrections, coder=options.coder)
    for e in loaded.errors:
        say("error", e)
    if loaded.reviewed is not None:
        say("info", loaded.reviewed.summary() + " (--no-corrections for the machine's"
                    " network alone)")
    if loaded.hand_codes:
        from ..network.reviewed import drop_foreign_codes

        foreign = drop_foreign_codes(loaded.hand_codes, plan.codebook)
        if foreign:
            say("info", f"warning: hand codes with concepts not in {options.codebook} left"
                        f" out (coded against another codebook?): {', '.join(foreign)}")
    try:
        if nlp is None:
            from ..nlp import load_nlp

            nlp = load_nlp(options.model)
        examples = [e for e in _labelled_examples(options, loaded)
                    if e.concept is None or e.concept in {c.id for c in plan.codebook}]
        coder = ConceptCoder(plan.codebook, nlp, method=options.method,
                             threshold=options.threshold, examples=examples,
                             settings=options.settings)
    except RuntimeError as exc:
        raise NetworkError(str(exc)) from None
    if examples:
        review = sum(e.source == "review" for e in examples)
        say("info", f"few-shot: {len(examples)} labelled statement(s) teach the coder"
                    f" ({review} hand-coded in the store, {len(examples) - review} from"
                    " --examples)")
    index = ActorIndex(plan.attributes, links=loaded.actor_links)
    if loaded.hand_codes:  # hand codes override the machine's coding of their attribution
        from ..network.reviewed import code_reviewed

        coded = code_reviewed(loaded.documents, loaded.hand_codes, coder, index)
        statements, report = coded.statements, coded.report
        for note in coded.notes:
            say("info", f"warning: {note}")
        say("info", f"{coded.hand_coded} statement-concept pair(s) hand-coded,"
                    f" {coded.machine_coded} coded by the machine")
    else:
        statements, report = code_documents(loaded.documents, coder, index)
    say("info", report.summary())
    statements = filter_statements(statements, start=plan.start, end=plan.end,
                                   outlets=options.outlets, actor_types=options.actor_types)
    groups = [] if options.keep_duplicates else _duplicates(options, loaded.documents, say)
    if groups:
        from ..network.duplicates import fold_statements

        statements = fold_statements(statements, groups)
    result = NetworkResult(documents=loaded.documents, statements=statements, coding=report,
                           actors=report.actors, errors=list(loaded.errors), duplicates=groups)
    if options.statements:
        from ..atomic import atomic_write

        with atomic_write(options.statements, encoding="utf-8") as fh:
            for s in statements:
                fh.write(json.dumps(s.to_dict(), ensure_ascii=False) + "\n")

    slices = [("", statements)]
    if plan.window is not None and plan.step is not None:
        slices = [(a.isoformat(), part)
                  for a, _, part in time_windows(statements, plan.window, plan.step)]
        if not slices:
            raise NetworkError("--window: no statement has a date (documents need meta.date)")
    for suffix, part in slices:
        try:
            result.slices.append(_write_slice(options, plan, result, suffix, part, say))
        except (ValueError, RuntimeError) as exc:  # an exporter's or the plot's refusal
            raise NetworkError(str(exc)) from None
    return result


def _labelled_examples(options: NetworkOptions, loaded: Any) -> list[Any]:
    """The labelled statements the coder learns from (beyond the codebook's own examples):
    ``--examples`` files, then, with ``learn``, every hand code of the store's review layer,
    as the statement's own words (nested attributions blanked, as coding reads them)."""
    from ..network.fewshot import ExampleFileError, LabelledExample, read_examples
    from ..network.reviewed import review_examples

    out: list[LabelledExample] = []
    for path in options.examples:
        try:
            out += read_examples(path)
        except ExampleFileError as exc:
            raise NetworkError(str(exc)) from None
    if options.learn and loaded.hand_codes:
        out += review_examples(loaded.documents, loaded.hand_codes)
    return out


def _duplicates(options: NetworkOptions, documents: list[Document], say: Message
                ) -> list[DuplicateGroup]:
    """Near-duplicate groups of ``documents`` (wire copy), reported."""
    from dataclasses import replace

    from ..network.duplicates import near_duplicate_groups

    settings = options.settings or Settings()
    if options.duplicate_threshold is not None:
        settings = replace(settings, near_duplicate_threshold=options.duplicate_threshold)
    groups = near_duplicate_groups(documents, settings)
    if groups:
        folded = sum(len(g.copies) for g in groups)
        say("info", f"near-duplicates: {folded} document(s) counted as the original they copy"
                    f" (Jaccard >= {settings.near_duplicate_threshold:g} on word"
                    f" {settings.near_duplicate_shingle_words}-grams; --keep-duplicates to"
                    " count them apart): " + "; ".join(
                        f"{g.original} <- {', '.join(g.copies)}" for g in groups))
    return groups


def _write_slice(options: NetworkOptions, plan: _Plan, result: NetworkResult, suffix: str,
                 statements: list[CodedStatement], say: Message) -> NetworkSlice:
    """Build one network (one time window) and write what was asked for."""
    from ..atomic import atomic_write
    from ..network.build import build_network
    from ..network.export import ExportJob, export_network
    from ..network.stats import network_stats

    g = build_network(statements, options.network_type, qualifier=options.qualifier,
                      normalization=options.normalization, codebook=plan.codebook,
                      actors=result.actors)
    where = f" [{suffix}]" if suffix else ""
    say("info", f"network{where}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges"
                f" from {len(statements)} coded statements")
    st = network_stats(statements)
    in_slice = {s.doc_id for s in statements}
    st.duplicate_groups = [[g.original, *g.copies] for g in result.duplicates
                           if in_slice & {g.original, *g.copies}]
    st.documents_folded = sum(1 for g in result.duplicates for c in g.copies if c in in_slice)
    done = NetworkSlice(window=suffix, graph=g, statements=statements, stats=st)
    if options.output and plan.out_format:
        out = _suffixed(options.output, suffix)
        export_network(plan.out_format, ExportJob(
            graph=g, statements=statements, documents=result.documents, codebook=plan.codebook,
            actors=result.actors, csv_escape=options.csv_escape,
            dna_password=options.dna_password, default_date=plan.default_date,
            on_warning=lambda text: say("info", f"warning: {text}")), out)
        done.written.append(out)
        say("info", f"wrote {out}")
    say("info", st.to_text())
    if options.stats:
        out = _suffixed(options.stats, suffix)
        with atomic_write(out, encoding="utf-8") as fh:
            json.dump(st.to_dict(), fh, indent=2, ensure_ascii=False)
        done.written.append(out)
    if options.plot:
        from ..network.plot import EmptyNetworkError, plot_network

        out = _suffixed(options.plot, suffix)
        title = f"{plan.codebook.name or 'discourse network'}: {options.network_type}"
        if st.polarisation is not None:
            title += f" (polarisation {st.polarisation:.2f})"
        try:
            info = plot_network(g, out, colour_by=options.colour_by, communities=st.communities,
                                title=title)
        except EmptyNetworkError as exc:
            say("info", f"warning: no plot written to {out}: {exc}")
        else:
            done.written.append(out)
            extra = f" ({info.unlabelled} labels left out to avoid overlaps)" if info.unlabelled else ""
            say("info", f"wrote {out}{extra}")
    return done
