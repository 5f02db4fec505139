"""Sweep jobs on disk: who a job is (config hash, seed) and what state it is in.

A job of a sweep owns one folder. Its state is told by files in it, so any process on
any machine that sees the folder can tell it, and a re-run of the sweep can skip what is
already done:

* ``started.json`` — the job has started (host, pid, start time, config hash);
* ``failed.json`` — it raised (error and traceback); a re-run tries it again;
* ``job.json`` then ``summary.json`` — its complete results, published atomically by
  :func:`cxsim.simulation.write_outputs`; ``job.json`` holds the config hash and the seed.

A job is known by its config hash and seed (:mod:`cxsim.config.identity`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cxsim.config.identity import config_hash, job_seed
from cxsim.config.schema import CXSimConfig

RESULT = "summary.json"
"""Written last: its presence means the job's results are complete."""
RECORD = "job.json"
"""Identity of a finished job (config hash, seeds, timing), published with the results."""
STARTED = "started.json"
FAILED = "failed.json"
STAGING_PREFIX = ".cxsim-staging-"  # see cxsim.outputs.publish.publish


def _cxsim_version() -> str | None:
    try:
        return version("cxsim")
    except PackageNotFoundError:
        return None


def job_record(cfg: CXSimConfig, elapsed_seconds: float | None) -> dict[str, Any]:
    """What ``job.json`` says about a finished run of ``cfg``."""
    return {
        "config_hash": config_hash(cfg),
        "seed": job_seed(cfg),
        "base_seed": cfg.seed,
        "replication": cfg.replication,
        "elapsed_seconds": elapsed_seconds,
        "finished": time.time(),
        "host": socket.gethostname(),
        "cxsim_version": _cxsim_version(),
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a small JSON file so that a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file's content, or None if it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class JobFolder:
    """The folder of one job and the marker files that tell its state.

    Args:
        path: The job's output folder.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def record(self) -> dict[str, Any] | None:
        """``job.json`` of complete results, or None if the results are not complete."""
        if not (self.path / RESULT).is_file():
            return None
        return read_json(self.path / RECORD)

    def has_result(self, key: str) -> bool:
        """Whether complete results of the config with hash ``key`` are here."""
        record = self.record()
        return record is not None and record.get("config_hash") == key

    def summary(self) -> dict[str, Any] | None:
        """The finished job's ``summary.json``."""
        return read_json(self.path / RESULT)

    def start(self, key: str) -> None:
        """Mark the job as running, after removing anything an earlier attempt left.

        Results of a different config (the sweep changed) are invalidated first, summary
        before record, so no moment shows old results as complete next to new files.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        for leftover in self.path.glob(STAGING_PREFIX + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
        if not self.has_result(key):
            (self.path / RESULT).unlink(missing_ok=True)
            (self.path / RECORD).unlink(missing_ok=True)
        (self.path / FAILED).unlink(missing_ok=True)
        _write_json(
            self.path / STARTED,
            {
                "config_hash": key,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "started": time.time(),
            },
        )

    def fail(self, exc: BaseException) -> None:
        """Replace the running marker by ``failed.json`` with the error."""
        _write_json(
            self.path / FAILED,
            {
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": "".join(traceback.format_exception(exc)),
                "host": socket.gethostname(),
                "failed": time.time(),
            },
        )

    def started(self) -> dict[str, Any] | None:
        """``started.json``: when, where and by which process the job last started."""
        return read_json(self.path / STARTED)

    @contextmanager
    def running(self, key: str) -> Iterator[None]:
        """Markers around the job's work: started, then failed if it raises.

        An interrupt (Ctrl-C, SIGTERM as SystemExit) is not a failure of the job: only
        the started marker is left, and ``cxsim sweep-status`` reports the job interrupted.
        """
        self.start(key)
        try:
            yield
        except Exception as exc:
            self.fail(exc)
            raise
