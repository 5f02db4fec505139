"""The many-run commands on other backends: the same tables from local, Ray and submitit.

A run's numbers depend only on its overrides, so whichever backend and however many
workers ran a study, its tables are equal. Ray starts a local instance here; submitit's
local executor runs the tasks SLURM would run, as local processes.
"""

import pandas as pd
import pytest

import cxsim
from cxsim.config import ConfigError
from cxsim.studies.backends import Backend, batches
from cxsim.studies.sensitivity import sensitivity

SCENARIOS = {"baseline": [], "outage": ["scenario=web_outage"]}
SIZE = ["customers.n=400", "days=70"]
SOBOL = (
    ["touchpoints.web.quality=0.5:0.95", "customers.churn.contagion_effect=0:1.5"],
    ["annual_churn_rate"],
    "sobol",
    4,
)


def test_a_backend_is_read_from_one_line_and_refused_with_one():
    assert Backend.parse(None) == Backend() == Backend.parse("local")
    slurm = Backend.parse("slurm:partition=cpu,time_min=30,chunk=8")
    assert slurm.kind == "slurm" and slurm.option("partition") == "cpu"
    assert str(slurm) == "slurm:partition=cpu,time_min=30,chunk=8"
    assert Backend.parse("ray:address=auto").option("address") == "auto"
    for bad, says in [
        ("dask", "must be local, ray"),
        ("ray:adress=auto", "ray takes name=value options: address, chunk"),
        ("slurm:chunk=0", "chunk must be a whole number >= 1"),
        ("local:chunk=2", "options: none"),
        (3, "must be text"),
    ]:
        with pytest.raises(ConfigError, match=says) as err:
            Backend.parse(bad)
        assert "\n" not in str(err.value) and str(err.value).startswith("invalid config: backend=")


def test_tasks_carry_chunks_of_runs_in_order():
    jobs = {k: k * 10 for k in range(7)}
    assert [[k for k, _ in b] for b in batches(jobs, 3)] == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.fixture(scope="module")
def local_tables():
    """A small comparison and a small Sobol analysis on this machine's processes."""
    effects = cxsim.compare(SCENARIOS, 3, overrides=SIZE, n_jobs=2)
    indices = sensitivity(*SOBOL, overrides=SIZE, seed=1, n_jobs=2).samples
    return effects, indices


@pytest.mark.parametrize("backend", ["submitit-local", "submitit-local:chunk=4", "ray"])
def test_every_backend_gives_the_local_tables(backend, local_tables, tmp_path, monkeypatch):
    if backend == "ray":
        pytest.importorskip("ray")
    monkeypatch.chdir(tmp_path)  # submitit's task folders go here, and go when done
    effects, samples = local_tables
    pd.testing.assert_frame_equal(
        cxsim.compare(SCENARIOS, 3, overrides=SIZE, n_jobs=2, backend=backend), effects
    )
    found = sensitivity(*SOBOL, overrides=SIZE, seed=1, n_jobs=2, backend=backend).samples
    pd.testing.assert_frame_equal(found, samples)
    assert not any((tmp_path / ".cxsim-submitit").glob("*"))  # nothing left behind


def test_a_bad_backend_stops_the_command_before_it_runs(cxsim_command, tmp_path):
    done = cxsim_command("compare", "web_outage", "-o", str(tmp_path / "x"), "--backend", "dask")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "cxsim: invalid config: backend='dask': must be local, ray[:address=...], "
        "slurm[:partition=...,time_min=...] or submitit-local"
    ]
    assert not (tmp_path / "x").exists()
