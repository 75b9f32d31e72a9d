"""``saidwhat serve``: review, correct and code the store's corpus in the browser.

Loopback only unless ``--host`` says otherwise (then with a warning: whoever reaches the
port can read and correct the store). Needs the ``serve`` extra. Exit codes: 2 for a usage
error (no store, a bad codebook, the extra missing), 1 when the port cannot be bound.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import socket

import click

from .store_cmd import _errors, db_option

LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def machine_names() -> list[str]:
    """The names and addresses this machine answers to (for the Host check when serving on
    every interface): its host name, fully qualified name and their addresses. Never "*":
    a Host check that takes any name lets a web page reach the app by DNS rebinding."""
    names = {socket.gethostname(), socket.getfqdn()}
    for name in list(names):
        try:
            names |= {info[4][0] for info in socket.getaddrinfo(name, None)}
        except OSError:
            pass
    return sorted(n for n in names if n)


def _default_coder() -> str:
    try:
        return os.environ.get("SAIDWHAT_CODER") or getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "coder"


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback is reachable by others: "
                   "use only on a network you trust.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--codebook", default=None, type=click.Path(exists=True, dir_okay=False),
              help="The codebook (YAML) whose concepts statements are coded with, and whose "
                   "networks the network page draws.")
@click.option("--coder", default=None, help="Your name, recorded with every correction "
                                            "(default: $SAIDWHAT_CODER or the login name).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Another name the server may be reached by (the Host header is checked; "
                   "repeatable). With --host 0.0.0.0 the machine's own names and addresses "
                   "are allowed, never any name.")
def serve_command(db_path: str, host: str, port: int, codebook: str | None,
                  coder: str | None, allowed_hosts: tuple[str, ...] = ()) -> None:
    """Serve the store in the browser: check, correct and code its attributions."""
    try:
        import uvicorn

        from ..web.app import LOOPBACK_HOSTS, create_app
    except ImportError as exc:
        raise click.UsageError(f"saidwhat serve needs the 'serve' extra ({exc.name} is not "
                               "installed): pip install 'saidwhat[serve]'") from None
    from ..network.codebook import CodebookError

    loopback = is_loopback(host)
    hosts = list(LOOPBACK_HOSTS)
    if not loopback:
        click.echo(f"warning: serving on {host}, not loopback: anyone who can reach port "
                   f"{port} there can read and correct {db_path}", err=True)
        hosts += machine_names() if host in ("0.0.0.0", "::") else [host.strip("[]")]
    hosts += [h.strip("[]") for h in allowed_hosts]
    from ..store import Store
    from ..store.schema import LATEST_VERSION

    with _errors(db_path):
        with Store(db_path, readonly=True) as store:
            if store.version < LATEST_VERSION:
                click.echo(f"upgrading {db_path} to schema version {LATEST_VERSION} (the "
                           "corrections layer and a full-text index: on a large store this "
                           "takes a while, once)", err=True)
        try:
            app = create_app(db_path, codebook=codebook, coder=coder or _default_coder(),
                             allowed_hosts=hosts)
        except CodebookError as exc:
            raise click.BadParameter(str(exc), param_hint="--codebook") from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"serving {db_path} on http://{shown}:{port}/ as coder "
               f"{app.state.review.coder!r} (Ctrl-C to stop)", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None


def register(group: click.Group) -> None:
    group.add_command(serve_command)
