"""One tidy table of a sweep: swept parameters x summary outcomes, one row per job.

:func:`aggregate` scans a sweep folder for finished jobs (complete results, see
:mod:`cxsim.sweeps.jobs`), reads each job's overrides from Hydra's
``.hydra/overrides.yaml`` as typed parameter columns, and joins them with the job's
identity (config hash, base seed, replication, seed) and its summary, nested entries
flattened (``churned_by_cause_market``, :func:`cxsim.outputs.tables.flat_summary`). With
``daily=True`` it also gathers the daily metrics as a long table, one row per job and
day. ``cxsim aggregate DIR`` writes both as Parquet, readable by pandas, pyarrow or
DuckDB (``SELECT * FROM 'sweep.parquet'``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxsim.outputs.publish import publish
from cxsim.outputs.tables import flat_summary
from cxsim.sweeps.jobs import JobFolder
from cxsim.sweeps.status import job_folders

IDENTITY = ("config_hash", "base_seed", "replication", "seed", "elapsed_seconds")
"""Columns from each job's ``job.json``."""


def _parameters(folder: Path) -> dict[str, Any]:
    """The job's command-line overrides as ``{key: typed value}``."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    path = folder / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return {}
    parser = OverridesParser.create()
    params: dict[str, Any] = {}
    for text in OmegaConf.to_container(OmegaConf.load(path)):
        override = parser.parse_override(str(text))
        if override.is_delete():
            continue
        value = override.value()
        params[override.get_key_element().lstrip("+~")] = (
            value if isinstance(value, str | int | float | bool) or value is None else str(value)
        )
    return params


def _tidy_types(table: pd.DataFrame, columns: list[str]) -> None:
    """Columns mixing numbers and words (``x=1,high``) become words, so Parquet can type them."""
    for name in columns:
        values = table[name].dropna()
        numeric = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        if len(values) and not numeric.all() and numeric.any():
            table[name] = table[name].map(lambda v: v if pd.isna(v) else str(v))


@dataclass
class SweepTable:
    """The finished jobs of a sweep.

    Attributes:
        jobs: One row per finished job: ``job`` (its folder, relative to the sweep), the
            swept parameters, :data:`IDENTITY` and every summary outcome.
        parameters: The parameter columns of ``jobs``.
        daily: With ``daily=True``: one row per job and day, ``job``, the parameters,
            ``seed``, ``day`` and every daily metric; else None.
        unfinished: Job folders without complete results (running, failed, interrupted),
            left out of the tables.
        damaged: Job folders with results that cannot be read (a truncated
            ``.hydra/overrides.yaml``, a missing or broken ``metrics.parquet``), each with
            the reason, left out of the tables.
    """

    jobs: pd.DataFrame
    parameters: list[str]
    daily: pd.DataFrame | None
    unfinished: list[Path]
    damaged: list[tuple[Path, str]] = field(default_factory=list)

    def write(self, path: str | Path) -> list[Path]:
        """Write ``jobs`` to ``path`` (Parquet) and ``daily`` beside it as ``*_daily.parquet``.

        Both files appear together or not at all (see :func:`cxsim.outputs.publish.publish`).
        """
        path = Path(path)
        daily_path = path.with_name(f"{path.stem}_daily{path.suffix}")

        def write(staging: Path) -> None:
            if self.daily is not None:
                self.daily.to_parquet(staging / daily_path.name, index=False)
            self.jobs.to_parquet(staging / path.name, index=False)

        publish(path.parent, write, marker=path.name)
        return [path] if self.daily is None else [path, daily_path]


def aggregate(sweep_dir: str | Path, daily: bool = False) -> SweepTable:
    """Build the tidy tables of a sweep folder.

    Args:
        sweep_dir: The sweep's folder (``hydra.sweep.dir``).
        daily: Also gather every job's daily metrics.

    Returns:
        The :class:`SweepTable`; jobs without complete results are only counted.
    """
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise FileNotFoundError(f"sweep_dir={str(sweep_dir)!r}: no such folder")
    rows, days, unfinished, damaged = [], [], [], []
    parameters: dict[str, None] = {}
    for folder in job_folders(sweep_dir):
        job = JobFolder(folder)
        record, summary = job.record(), job.summary()
        if record is None or summary is None:
            unfinished.append(folder)
            continue
        flat = flat_summary(summary)
        identity = {k: record.get(k) for k in IDENTITY}
        own = {"job": folder.relative_to(sweep_dir).as_posix()}
        try:
            read = _parameters(folder)
            metrics = pd.read_parquet(folder / "metrics.parquet").reset_index() if daily else None
        except Exception as exc:  # one damaged job must not sink the sweep's table
            first = (str(exc).splitlines() or [""])[0][:200]
            damaged.append((folder, f"{type(exc).__name__}: {first}"))
            continue
        # a parameter that is also an outcome or identity column (seed, days) is read there
        params = {k: v for k, v in read.items() if k not in {*flat, *identity}}
        parameters.update(dict.fromkeys(params))
        rows.append({**own, **params, **identity, **flat})
        if metrics is not None:
            days.append(metrics.assign(**own, **params, seed=identity["seed"]))
    names = list(parameters)
    jobs = pd.DataFrame(rows)
    if rows:
        jobs = jobs[["job", *names, *[c for c in jobs.columns if c not in {"job", *names}]]]
        _tidy_types(jobs, names)
    daily_table = None
    if daily:
        daily_table = pd.concat(days, ignore_index=True) if days else pd.DataFrame()
        if days:
            front = ["job", *names, "seed", "day"]
            daily_table = daily_table[[*front, *[c for c in daily_table.columns if c not in front]]]
            _tidy_types(daily_table, names)
    return SweepTable(jobs, names, daily_table, unfinished, damaged)
