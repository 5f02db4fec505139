"""Publish a set of result files atomically: a reader sees all of them or none."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def publish(out_dir: Path, write: Callable[[Path], None], marker: str) -> Path:
    """Write a set of result files so that a reader sees all of them or none.

    ``write`` fills a hidden staging folder inside ``out_dir``; the files are then moved
    into ``out_dir`` one by one with ``marker`` last, so the marker's presence means the
    set is complete. If ``write`` fails, nothing is moved and the staging folder goes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cxsim-staging-", dir=out_dir))
    try:
        write(staging)
        names = sorted(p.name for p in staging.iterdir() if p.name != marker)
        for name in [*names, marker]:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
