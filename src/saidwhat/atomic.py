"""Output files written completely or not at all, without ever replacing what must stay.

The temporary-file-and-rename trick is only for regular files and new paths:

* ``-`` is standard output, written through;
* devices, FIFOs and sockets (``/dev/null``, ``/dev/stdout``, a named pipe) are written
  through: renaming over them would replace a system file or leave a reader hanging;
* a symbolic link stays a link: its (final) target is written, atomically when that is a
  regular file or a new path;
* a missing parent folder is an error naming it (a typo must not create folders), and so is
  a path that is a folder.

Temporary files are named ``.NAME.<pid>.<random>.tmp`` beside the target; ones left by a
killed writer (its pid gone) are removed by the next write of the same target.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

STDOUT = "-"
_TMP_SUFFIX = ".tmp"


class OutputPathError(OSError):
    """An output path that cannot be written as asked (missing folder, a folder as file)."""


@dataclass(frozen=True)
class OutputTarget:
    """Where an output really goes: ``path`` after following links, and how to write it."""

    path: Path | None  # None: standard output
    write_through: bool  # True: open and write in place (stdout, device, FIFO)
    append: bool = False  # a descriptor link (/dev/stdout, /dev/fd/N): never truncate it


_DESCRIPTOR_LINK = re.compile(r"^/(?:proc/(?:self|thread-self|\d+)|dev)/fd/\d+$|^/dev/std(?:out|err)$")
_MAX_LINK_HOPS = 40  # as the kernel's own limit on nested links


def _is_descriptor_link(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``: an open descriptor of this
    process, which may be a redirected regular file that must be written, not replaced."""
    p = os.path.abspath(path)
    for _ in range(_MAX_LINK_HOPS):
        if _DESCRIPTOR_LINK.match(p):
            return True
        if not os.path.islink(p):
            return False
        p = os.path.normpath(os.path.join(os.path.dirname(p), os.readlink(p)))
    return False


def resolve_target(path: str | os.PathLike[str]) -> OutputTarget:
    """Decide how ``path`` is written; raise :class:`OutputPathError` if it cannot be."""
    if str(path) == STDOUT:
        return OutputTarget(None, True)
    given = Path(path)
    if _is_descriptor_link(given):
        return OutputTarget(given, True, append=True)
    try:
        st = os.stat(given)  # follows links, /proc's magic links to pipes too
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputPathError(f"{given}: a part of the path is not a folder") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputPathError(f"{given}: is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            # opened through the path as given: /dev/stdout -> /proc/self/fd/1 -> pipe:[n]
            return OutputTarget(given, True)
    # a link is followed to its final target, so the link itself is never replaced
    real = Path(os.path.realpath(given)) if given.is_symlink() else given
    parent = real.parent
    if not parent.is_dir():
        raise OutputPathError(f"{given}: folder {parent} does not exist")
    return OutputTarget(real, False)


def check_output_path(path: str | os.PathLike[str]) -> None:
    """Fail early (before hours of work) if ``path`` could not be written."""
    resolve_target(path)


def _remove_stale_temporaries(target: Path) -> None:
    """Remove temporaries of ``target`` left by writers that were killed (pid not alive)."""
    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent)
                 if n.startswith(prefix) and n.endswith(_TMP_SUFFIX)]
    except OSError:
        return
    for name in names:
        pid_part = name[len(prefix):].split(".", 1)[0]
        if pid_part.isdigit() and not _pid_alive(int(pid_part)):
            with contextlib.suppress(OSError):
                p = target.parent / name
                shutil.rmtree(p) if p.is_dir() else p.unlink()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temporary_name(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}"


def _temporary_beside(target: Path) -> tuple[int, Path]:
    _remove_stale_temporaries(target)
    tmp = _temporary_name(target)
    # os.open's mode goes through the umask: the file gets the mode a plain open() would
    mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o666
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    return fd, tmp


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any
                 ) -> Iterator[IO[Any]]:
    """Open ``path`` for writing: a temporary file renamed over it on success, or, for
    ``-``, devices and FIFOs, the target itself (see the module docstring)."""
    target = resolve_target(path)
    if target.path is None:
        stream: IO[Any] = sys.stdout.buffer if "b" in mode else sys.stdout
        yield stream
        stream.flush()
        return
    if target.write_through:
        with open(target.path, mode.replace("w", "a") if target.append else mode,
                  **kwargs) as fh:
            yield fh
        return
    fd, tmp = _temporary_beside(target.path)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, target.path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_path(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Run ``write(file_name)`` for writers that need a file name (networkx, matplotlib,
    SQLite); the result replaces ``path`` only if it succeeds. For ``-``, devices and FIFOs
    the result is written to a private temporary file, then copied through."""
    target = resolve_target(path)
    if target.write_through:
        with tempfile.TemporaryDirectory(prefix="saidwhat-") as tmpdir:
            name = Path(target.path or "output").name
            tmp = os.path.join(tmpdir, name)
            open(tmp, "wb").close()  # as beside a regular target: the writer finds a file
            write(tmp)
            with open(tmp, "rb") as src:
                if target.path is None:
                    sys.stdout.flush()
                    shutil.copyfileobj(src, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
                else:
                    with open(target.path, "ab" if target.append else "wb") as dst:
                        shutil.copyfileobj(src, dst)
        return
    assert target.path is not None
    fd, tmp = _temporary_beside(target.path)
    os.close(fd)
    try:
        write(str(tmp))
        os.replace(tmp, target.path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``path``; on success it replaces ``path`` as a
    whole, so a set of tables (documents, quotes, entities) is never mixed with an older
    set. A failure leaves ``path`` as it was."""
    given = Path(path)
    real = Path(os.path.realpath(given)) if given.is_symlink() else given
    if real.exists() and not real.is_dir():
        raise OutputPathError(f"{given}: exists and is not a folder")
    if not real.parent.is_dir():
        raise OutputPathError(f"{given}: folder {real.parent} does not exist")
    _remove_stale_temporaries(real)
    tmp = _temporary_name(real)
    tmp.mkdir()
    try:
        yield tmp
        if real.exists():
            # two renames: the old set moves aside, the new one takes its name, then the old
            # one is deleted; a crash between them leaves both sets complete, never mixed
            old = _temporary_name(real)
            os.rename(real, old)
            os.rename(tmp, real)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, real)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
