"""``saidwhat actors``: the store's actors, one table for quotes and networks.

``saidwhat actors --db F`` lists them (type, quotes, aliases); ``merge A B``, ``rename A
NAME``, ``split ALIAS [--name NAME]`` and ``rebuild`` edit them; ``--import FILE`` reads the
attributes CSV of ``network --actors``. An actor is named by its id, its name or any alias.
Exit codes as the store commands': 2 for a usage error (no store, unknown actor).
"""

from __future__ import annotations

import json

import click

from .store_cmd import _errors, db_option


def _db(db_path: str) -> str:
    """A subcommand's ``--db``, or the group's when only that was given
    (``actors --db F merge A B`` as ``actors merge --db F A B``)."""
    ctx = click.get_current_context()
    parent = ctx.parent
    if (parent is not None and ctx.get_parameter_source("db_path")
            == click.core.ParameterSource.DEFAULT):
        return str(parent.params.get("db_path") or db_path)
    return db_path


def _run(db_path: str, fn, *args):  # type: ignore[no-untyped-def]
    from ..services.actors import ActorsError

    with _errors(db_path):
        try:
            return fn(db_path, *args)
        except ActorsError as exc:
            raise click.UsageError(str(exc)) from None


@click.group("actors", invoke_without_command=True)
@db_option
@click.option("--import", "import_path", default=None, type=click.Path(dir_okay=False),
              metavar="FILE", help="Read an actor attributes CSV (actor, type, organisation, "
                                   "aliases, ...: as `network --actors`) into the table.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
@click.pass_context
def actors_command(ctx: click.Context, db_path: str, import_path: str | None, fmt: str) -> None:
    """List the store's actors: one a line, with type, number of quotes and aliases."""
    from ..services import actors

    if ctx.invoked_subcommand is not None:
        return
    if import_path:
        counts = _run(db_path, actors.import_actors, import_path)
        click.echo(f"imported {import_path}: {counts['created']} new actors, "
                   f"{counts['updated']} updated", err=True)
    rows = _run(db_path, actors.list_actors)
    for r in rows:
        if fmt == "jsonl":
            click.echo(json.dumps(r, ensure_ascii=False))
        else:
            click.echo(f"{r['actor_id']}\t{r['name']}\t{r['type']}\t{r['quotes']}\t"
                       f"{'; '.join(r['aliases'])}")
    click.echo(f"{len(rows)} actors", err=True)


@actors_command.command("merge")
@db_option
@click.argument("into")
@click.argument("other")
def merge_command(db_path: str, into: str, other: str) -> None:
    """OTHER's aliases and quotes go to INTO; OTHER is removed."""
    from ..services.actors import merge_actors

    actor_id = _run(_db(db_path), merge_actors, into, other)
    click.echo(f"merged {other!r} into actor {actor_id}", err=True)


@actors_command.command("rename")
@db_option
@click.argument("actor")
@click.argument("name")
def rename_command(db_path: str, actor: str, name: str) -> None:
    """Give ACTOR the canonical name NAME."""
    from ..services.actors import rename_actor

    actor_id = _run(_db(db_path), rename_actor, actor, name)
    click.echo(f"actor {actor_id} is now {name!r}", err=True)


@actors_command.command("split")
@db_option
@click.argument("alias")
@click.option("--name", default=None, help="The new actor's name (default: the alias).")
def split_command(db_path: str, alias: str, name: str | None) -> None:
    """Move ALIAS and its quotes from its actor to a new actor."""
    from ..services.actors import split_alias

    actor_id = _run(_db(db_path), split_alias, alias, name)
    click.echo(f"{alias!r} is now actor {actor_id}", err=True)


@actors_command.command("rebuild")
@db_option
@click.option("--reset", is_flag=True, help="Forget every actor first (merges, renames, "
                                           "splits and imports too).")
def rebuild_command(db_path: str, reset: bool) -> None:
    """Link every stored quote to its actor again."""
    from ..services.actors import rebuild_actors

    n = _run(_db(db_path), rebuild_actors, reset)
    click.echo(f"{n} quotes linked to actors", err=True)


def register(group: click.Group) -> None:
    group.add_command(actors_command)
