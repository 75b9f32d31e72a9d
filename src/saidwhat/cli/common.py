"""Pieces shared by the command modules: output-path options checked before any work,
choices read from a registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from ..atomic import OutputPathError, check_output_path


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
