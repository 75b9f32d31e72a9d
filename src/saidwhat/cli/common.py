"""Pieces shared by the command modules: output-path options checked before any work."""

from __future__ import annotations

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
