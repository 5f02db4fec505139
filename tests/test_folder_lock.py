"""One writer per output folder: a second run refuses at once; a killed run's lock is stale."""

import errno
import os
import socket
import subprocess
import sys

import pandas as pd
import pytest

import cxsim
from cxsim.outputs.lock import LOCK, FolderBusyError, folder_lock

SMALL = ["customers.n=100", "days=3"]


def test_a_second_run_into_a_busy_folder_refuses_before_running(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK).write_text(f"{socket.gethostname()} {holder.pid}")
        with pytest.raises(FolderBusyError, match=rf"^invalid config: out_dir=.*pid {holder.pid}"):
            cxsim.run(SMALL, out_dir=tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK]  # nothing written
    finally:
        holder.kill()
        holder.wait()


def test_a_stale_lock_is_taken_over_and_the_lock_goes_when_done(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK).write_text(f"{socket.gethostname()} {dead.pid}")
    cxsim.run(SMALL, out_dir=tmp_path)
    assert (tmp_path / "summary.json").is_file() and not (tmp_path / LOCK).exists()


def test_the_lock_is_reentrant_in_one_process_and_given_back(tmp_path):
    with folder_lock(tmp_path), folder_lock(tmp_path):
        assert (tmp_path / LOCK).exists()
    assert not (tmp_path / LOCK).exists()


def test_an_unwritable_folder_fails_before_the_run(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(FolderBusyError, match=r"cannot be written"):
        cxsim.run(["customers.n=100000", "days=3650"], out_dir=tmp_path / "file" / "out")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_mid_write_is_one_line_and_publishes_nothing(tmp_path, monkeypatch, code):
    """The metrics CSV is written after the Parquet file: a half-written set stays unseen."""

    def full(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(FolderBusyError) as refused:
        cxsim.run(SMALL, out_dir=tmp_path / "out")
    assert str(refused.value) == (
        f"invalid config: out_dir='{tmp_path / 'out'}': cannot be written "
        f"({os.strerror(code)}); nothing published"
    )
    assert list((tmp_path / "out").iterdir()) == []  # no staging folder, no lock, no file


def test_an_error_that_is_no_disk_failure_is_not_disguised_as_one(tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise FileNotFoundError(errno.ENOENT, "a bug, not the disk")

    monkeypatch.setattr(pd.DataFrame, "to_csv", bug)
    with pytest.raises(FileNotFoundError, match="a bug"):
        cxsim.run(SMALL, out_dir=tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
