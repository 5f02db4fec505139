"""A sweep's workers end when the command that started them is killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxsim.cli.main import MAIN


def _workers_of(pid: int) -> list[int]:
    """Processes whose environment names ``pid`` as their cxsim command."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == pid:
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(
            e.startswith(f"{MAIN}=".encode()) and e.endswith(f" {pid}".encode()) for e in environ
        ):
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_sweep_workers_exit_when_the_command_is_killed(tmp_path):
    command = [
        sys.executable,
        "-c",
        "from cxsim.cli import main; main()",
        "-m",
        "hydra/launcher=local",
        "hydra.launcher.n_jobs=2",
        "customers.n=30000",
        "days=3000",
        "seed=1,2",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
    ]
    env = dict(os.environ, CXSIM_NUMBA="0")
    main = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 60
        while len(_workers_of(main.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        workers = _workers_of(main.pid)
        assert workers, "the sweep started no workers"
        time.sleep(2)  # inside their first job
        main.send_signal(signal.SIGKILL)
        main.wait()
        deadline = time.monotonic() + 15
        while _workers_of(main.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _workers_of(main.pid) == []
    finally:
        for pid in _workers_of(main.pid):
            os.kill(pid, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
