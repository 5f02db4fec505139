"""Run one configuration: simulate it, summarise it and write its results.

``run`` is the one call most users need (overrides in, :class:`RunResult` out);
``simulate`` runs a validated config in memory; ``write_outputs`` stages every file in a
hidden folder and moves them into place only when all are written (``summary.json``
last), so an interrupted run leaves no result behind that could be mistaken for a
finished one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import OmegaConf

from cxsim.config.compose import load_config
from cxsim.config.identity import seeded
from cxsim.config.schema import CXSimConfig
from cxsim.outputs.lock import folder_lock
from cxsim.outputs.publish import publish
from cxsim.sweeps.jobs import RECORD, job_record

if TYPE_CHECKING:
    # The model brings in Mesa and pandas (about 0.8 s). Composing and checking configs
    # does not need them, so the `cxsim` command's process that only launches a sweep's
    # workers, `cxsim --help` and config errors do without; simulate() imports them.
    import pandas as pd


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        metrics: Daily metrics, one row per day (see :data:`cxsim.model.metrics.METRICS`).
        summary: Totals and averages of the run (JSON-serialisable).
        config: The validated configuration that ran.
        customers: Per-customer end-of-run table (segment, tenure, churned, cause).
        out_dir: Where the outputs were written, if they were.
        elapsed_seconds: Wall time of the simulation.
    """

    metrics: pd.DataFrame
    summary: dict[str, Any]
    config: CXSimConfig
    customers: pd.DataFrame
    out_dir: Path | None = None
    elapsed_seconds: float | None = None


def simulate(cfg: CXSimConfig, progress: bool = False) -> RunResult:
    """Simulate a validated configuration in memory (nothing is written).

    A replication (``replication`` set) runs with its derived seed
    (:func:`cxsim.config.identity.job_seed`), which the summary's ``seed`` records.
    """
    from cxsim.model.model import CXEcosystemModel
    from cxsim.model.summary import summarise

    start = time.perf_counter()
    model = CXEcosystemModel(seeded(cfg))
    model.run(progress=progress)
    metrics = model.metrics()
    customers = model.customer_table()
    summary = summarise(model.config, model.totals, metrics, customers)
    return RunResult(metrics, summary, cfg, customers, elapsed_seconds=time.perf_counter() - start)


def write_outputs(result: RunResult, out_dir: Path) -> Path:
    """Write config, metrics (Parquet, CSV), figure, optional customer table, then summary.

    ``job.json`` (config hash, seeds, run time; see :func:`cxsim.sweeps.jobs.job_record`) comes
    with them. ``summary.json`` is moved into place last: its presence means the run is
    complete (see :func:`publish`).
    """
    from cxsim.outputs.figures import plot_main_metrics

    def write(staging: Path) -> None:
        (staging / "config.yaml").write_text(OmegaConf.to_yaml(OmegaConf.structured(result.config)))
        result.metrics.to_parquet(staging / "metrics.parquet")
        result.metrics.to_csv(staging / "metrics.csv")
        if result.config.write_customers:
            result.customers.to_parquet(staging / "customers.parquet")
        if result.config.write_figure:
            plot_main_metrics(
                result.metrics, staging / "metrics.png", currency=result.config.finance.currency
            )
        record = job_record(result.config, result.elapsed_seconds)
        (staging / RECORD).write_text(json.dumps(record, indent=2) + "\n")
        (staging / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")

    with folder_lock(out_dir):
        result.out_dir = publish(Path(out_dir), write, marker="summary.json")
    return result.out_dir


def run(
    overrides: Sequence[str] | None = None,
    *,
    out_dir: str | Path | None = None,
    progress: bool = False,
) -> RunResult:
    """Run one configuration and return its metrics, summary and config.

    Args:
        overrides: Hydra override strings, e.g. ``["customers.n=5000", "days=180"]``.
        out_dir: If given, also write the outputs there (see :func:`write_outputs`).
        progress: Show a progress bar.

    Returns:
        The run's :class:`RunResult`.

    Raises:
        ConfigError: before anything runs, if a value is not allowed.

    Example:
        >>> result = run(["customers.n=1000", "days=30"])
        >>> len(result.metrics), "nps_true" in result.metrics
        (30, True)
    """
    if out_dir is not None and not isinstance(out_dir, str | Path):
        raise TypeError(f"out_dir={out_dir!r}: must be a folder (a str or a Path) or None")
    cfg = load_config(overrides)
    if out_dir is None:
        return simulate(cfg, progress=progress)
    # the folder is taken (and found writable) before the run, not after it
    with folder_lock(out_dir):
        result = simulate(cfg, progress=progress)
        write_outputs(result, Path(out_dir))
    return result
