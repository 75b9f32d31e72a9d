"""The ``saidwhat`` command line. Each command group lives in its own module and
registers itself here, so commands stay independent (datasette-style)."""

from __future__ import annotations

import click

from .. import __version__


class _Group(click.Group):
    """The command group; an output path found unwritable only while writing (a folder
    removed meanwhile) is a usage error, like one found when the options are read."""

    def invoke(self, ctx: click.Context) -> object:
        from ..atomic import OutputPathError

        try:
            return super().invoke(ctx)
        except OutputPathError as exc:
            raise click.UsageError(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="saidwhat")
def main() -> None:
    """saidwhat: who said what, and who stands where, in news text."""


def _register() -> None:
    from . import (
        actors_cmd,
        eval_cmd,
        extract_cmd,
        network_cmd,
        reliability_cmd,
        serve_cmd,
        store_cmd,
        train_cmd,
    )

    for module in (extract_cmd, eval_cmd, store_cmd, actors_cmd, network_cmd, reliability_cmd,
                   serve_cmd, train_cmd):
        module.register(main)


_register()
