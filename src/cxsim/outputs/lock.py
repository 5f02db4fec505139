"""One writer per output folder: an exclusive lock file that names its owner.

Two runs writing into one folder at once used to race: the last to publish won without a
word. A run takes the folder's lock before it starts (so a second run refuses at once, not
after its simulation) and gives it back when its results are published. The lock file
holds the owner's host and process id; a lock whose process no longer runs on this host
is stale (its run was killed) and is taken over.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from cxsim.config import ConfigError

LOCK = ".cxsim.lock"


class FolderBusyError(ConfigError):
    """The output folder is another run's, or cannot be written. ``str()`` is one line."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _owner(path: Path) -> tuple[str, int] | None:
    try:
        host, _, pid = path.read_text(encoding="utf-8").partition(" ")
        return host, int(pid)
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def folder_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold ``out_dir``'s lock (making the folder) while the block writes into it.

    Re-entrant within one process: a block inside another that holds the lock keeps it.

    Raises:
        FolderBusyError: another live run holds the lock, or the folder cannot be written.
    """
    out_dir = Path(out_dir)
    path = out_dir / LOCK
    me = f"{socket.gethostname()} {os.getpid()}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        held = path.exists() and path.read_text(encoding="utf-8") == me
    except OSError as exc:
        raise unwritable(out_dir, exc) from None
    if held:  # this process already holds it: the outer block gives it back
        yield out_dir
        return
    _take(path, out_dir, me)
    try:
        yield out_dir
    finally:
        path.unlink(missing_ok=True)


def unwritable(out_dir: Path, exc: OSError) -> FolderBusyError:
    """The one-line error of a folder whose file system refused a write (full, read-only)."""
    why = exc.strerror or type(exc).__name__
    return FolderBusyError("out_dir", str(out_dir), f"cannot be written ({why}); nothing published")


def _take(path: Path, out_dir: Path, me: str) -> None:
    """Create the lock file for ``me``, taking over a stale one."""
    try:
        for _ in range(2):  # at most once more, after removing a stale lock
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = _owner(path)
                if owner and owner[0] == socket.gethostname() and not _alive(owner[1]):
                    path.unlink(missing_ok=True)  # stale: its run was killed
                    continue
                who = f"pid {owner[1]} on {owner[0]}" if owner else "another run"
                raise FolderBusyError(
                    "out_dir",
                    str(out_dir),
                    f"another cxsim run ({who}) is writing there; wait for it or choose another",
                ) from None
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(me)
            break
    except OSError as exc:
        raise unwritable(out_dir, exc) from None
