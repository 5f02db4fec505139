"""Publish a set of result files atomically: a reader sees all of them or none."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from cxsim.outputs.lock import unwritable

# what the output folder's file system may refuse; other OSErrors are bugs and propagate
_FOLDER_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}


def publish(out_dir: Path, write: Callable[[Path], None], marker: str) -> Path:
    """Write a set of result files so that a reader sees all of them or none.

    ``write`` fills a hidden staging folder inside ``out_dir``; the files are then moved
    into ``out_dir`` one by one with ``marker`` last, so the marker's presence means the
    set is complete. If ``write`` fails, nothing is moved and the staging folder goes.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".cxsim-staging-", dir=out_dir))
    except OSError as exc:
        raise unwritable(out_dir, exc) from None
    try:
        write(staging)
        names = sorted(p.name for p in staging.iterdir() if p.name != marker)
        for name in [*names, marker]:
            os.replace(staging / name, out_dir / name)
    except OSError as exc:
        if exc.errno not in _FOLDER_ERRORS:
            raise
        # a full disk or quota mid-write: one line, and nothing of the set is published
        raise unwritable(out_dir, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
