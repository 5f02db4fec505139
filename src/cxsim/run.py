"""Run one configuration: compose it, validate it, simulate it, summarise and write it.

``load_config`` turns Hydra override strings into a validated config; ``run`` is the one
call most users need; ``write_outputs`` stages every file in a hidden folder and moves
them into place only when all are written (``summary.json`` last), so an interrupted run
leaves no result behind that could be mistaken for a finished one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from cxsim.config import ConfigError, CXSimConfig, register, validate
from cxsim.sweep import RECORD, job_record, seeded

if TYPE_CHECKING:
    # The model brings in Mesa and pandas (about 0.8 s). Composing and checking configs
    # does not need them, so the `cxsim` command's process that only launches a sweep's
    # workers, `cxsim --help` and config errors do without; simulate() imports them.
    import pandas as pd

    from cxsim.model import CXEcosystemModel


def config_dir() -> Path:
    """Folder of the YAML configs: inside an installed wheel, or ``configs/`` of the repo."""
    packaged = Path(__file__).parent / "configs"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "configs"


_TYPE_WORDS = {
    "Integer": "must be an integer",
    "Float": "must be a number",
    "Boolean": "must be true or false",
}


def _override_value(overrides: Sequence[str], key: str) -> str | None:
    for item in reversed(overrides):  # the last override of a key is the one that counts
        k, _, v = item.lstrip("+~").partition("=")
        if k == key:
            return v
    return None


def config_error(exc: BaseException, overrides: Sequence[str] = ()) -> ConfigError:
    """Reduce a Hydra/OmegaConf composition error to one :class:`ConfigError` line."""
    if isinstance(exc, ConfigError):
        return exc
    if isinstance(exc, MissingConfigException) and exc.options is not None:
        group, _, name = (exc.missing_cfg_file or "").rpartition("/")
        return ConfigError(group, name, f"must be one of {', '.join(sorted(exc.options))}")
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OmegaConfBaseException) and getattr(seen, "full_key", None):
            key = seen.full_key
            value = _override_value(overrides, key)
            first = str(getattr(seen, "msg", seen)).splitlines()[0]
            match = re.search(r"converted to (\w+)", first)
            if match and match.group(1) in _TYPE_WORDS:
                return ConfigError(key, value, _TYPE_WORDS[match.group(1)])
            if "not in" in first:
                return ConfigError(key, value, "no such key (`cxsim --cfg job` lists the keys)")
            return ConfigError(key, value, first)
        seen = seen.__cause__ or seen.__context__
    message = " ".join(str(exc).split())
    return ConfigError("overrides", " ".join(overrides), message)


def load_config(overrides: Sequence[str] | None = None) -> CXSimConfig:
    """Compose ``configs/config.yaml`` with Hydra overrides and validate every value.

    Args:
        overrides: Hydra override strings, e.g. ``["customers.n=5000", "days=180"]``.

    Returns:
        The typed, validated configuration.

    Raises:
        ConfigError: one line naming the bad key, its value and what is allowed.

    Example:
        >>> load_config(["days=30"]).days
        30
    """
    overrides = list(overrides or [])
    register()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            composed = compose(config_name="config", overrides=overrides)
        return validate(composed)
    except (HydraException, OmegaConfBaseException, ConfigError) as exc:
        raise config_error(exc, overrides) from exc


def _sets_a_value(override: Override) -> bool:
    """Whether an override only sets a scalar value (no group choice, addition, deletion)."""
    if override.is_add() or override.is_force_add() or override.is_delete() or override.package:
        return False
    if (config_dir() / override.key_or_group).is_dir():  # a config group: changes the defaults
        return False
    value = override.value()
    return value is None or isinstance(value, str | int | float | bool)


def _compose(overrides: list[str]) -> DictConfig:
    """``configs/config.yaml`` composed with Hydra overrides (not validated)."""
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def check_configs(
    candidates: Iterable[Sequence[str]],
    composer: Callable[[list[str]], DictConfig] = _compose,
) -> int:
    """Validate many override lists, as :func:`load_config` would, and count them.

    Candidates that differ only in scalar values share one composition; their values are
    then applied as Hydra applies value overrides after composing (``OmegaConf.update``).
    That is some 50 times faster than composing each, so the hundreds of values of a
    sweep are checked in about a second.

    Args:
        candidates: Override lists, one a configuration.
        composer: Composes the config of the group choices and other overrides that
            are not plain values (the default composes as :func:`load_config` does;
            inside a running Hydra app, where that cannot be, the app's config loader).

    Raises:
        ConfigError: for the first candidate with a bad value.

    Example:
        >>> check_configs([["days=30", "seed=1"], ["days=31", "seed=1"]])
        2
        >>> check_configs([["days=30"], ["days=0"]])
        Traceback (most recent call last):
        ...
        cxsim.config.ConfigError: invalid config: days=0: must be an integer >= 1
    """
    parser = OverridesParser.create()
    composed: dict[tuple[str, ...], DictConfig] = {}
    count = 0
    register()
    for overrides in candidates:
        overrides = list(overrides)
        try:
            parsed = parser.parse_overrides(overrides)
            structure = tuple(o.input_line for o in parsed if not _sets_a_value(o))
            if structure not in composed:
                composed[structure] = composer(list(structure))
            cfg = composed[structure]
            values = [(o.key_or_group, o.value()) for o in parsed if _sets_a_value(o)]
            # set the values on the shared composition and put it back after: a copy of
            # the whole config would cost ten times the check
            before: list[tuple[str, Any]] = []
            try:
                for key, value in values:
                    old = OmegaConf.select(cfg, key)
                    OmegaConf.update(cfg, key, value, merge=True)
                    before.append((key, old))
                validate(cfg)
            finally:
                for key, value in reversed(before):
                    OmegaConf.update(cfg, key, value, merge=True)
        except (HydraException, OmegaConfBaseException, ConfigError) as exc:
            raise config_error(exc, overrides) from exc
        count += 1
    return count


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        metrics: Daily metrics, one row per day (see :data:`cxsim.metrics.METRICS`).
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


LAST30 = (
    "nps_measured",
    "nps_contacts_true",
    "nps_relationship",
    "csat_measured",
    "csat_contacts_true",
    "employee_skill",
    "employee_alignment",
)
"""Daily metrics summarised by their mean over the last 30 days."""


def summarise(model: CXEcosystemModel, metrics: pd.DataFrame, customers: pd.DataFrame) -> dict:
    """Totals and averages of a run.

    Ratios (CSAT, effort, FCR, handling and waiting time) are pooled over the run, the
    sum of numerators over the sum of denominators, so quiet days do not count as zeros.
    """
    from cxsim.customers import CHURN_CAUSES
    from cxsim.finance import lifetime_value
    from cxsim.metrics import ratio

    cfg, t = model.config, model.totals

    def pooled(numerator: str, denominator: str) -> float:
        return ratio(t.get(numerator, 0), t.get(denominator, 0))

    customer_days = float(metrics["active_customers"].sum())
    churned = int(metrics["churn"].sum())
    initial = customers[customers["acquired_day"] == 0]
    tail = metrics.tail(min(30, len(metrics)))
    margin = float(metrics["revenue"].sum() - metrics["cost_to_serve"].sum())
    contacts = float(metrics["contacts"].sum())
    return {
        "seed": cfg.seed,
        "days": cfg.days,
        "customers_initial": cfg.customers.n,
        "customers_final": int(metrics["active_customers"].iloc[-1]),
        "acquired": int(metrics["acquisitions"].sum()),
        "churned": churned,
        "churned_by_cause": {k: int(metrics[f"churn_{k}"].sum()) for k in CHURN_CAUSES},
        "retention_initial_cohort": float((~initial["churned"]).mean()) if len(initial) else 0.0,
        "annual_churn_rate": 365.0 * churned / customer_days if customer_days else 0.0,
        "nps_true_last30": float(tail["nps_true"].mean()),
        "csat_true": pooled("csat_satisfied", "journeys_closed"),
        "customer_effort": pooled("effort_sum", "moments"),
        "satisfaction_last30": float(tail["satisfaction"].mean()),
        "contacts": int(contacts),
        "repeat_contact_share": pooled("repeat_contacts", "contacts"),
        "first_contact_resolution": pooled("first_contact_resolved", "first_contacts"),
        "avg_handling_time": pooled("handle_minutes", "served"),
        "waiting_time": pooled("wait_minutes", "staffed_contacts"),
        "employee_utilisation": float(metrics["employee_utilisation"].mean()),
        # what management sees (survey metrics are already rolling windows)
        **{f"{k}_last30": float(tail[k].mean()) for k in LAST30},
        "first_contact_resolution_measured": float(
            metrics["first_contact_resolution_measured"].mean()
        ),
        "avg_handling_time_measured": float(metrics["avg_handling_time_measured"].mean()),
        # the workforce and the feedback loop
        "employee_satisfaction": float(metrics["employee_satisfaction"].mean()),
        "employee_stress": float(metrics["employee_stress"].mean()),
        "employee_quits": int(metrics["employee_quits"].sum()),
        "escalations": int(metrics["escalations"].sum()),
        "root_cause_fixes": int(metrics["root_cause_fixes"].sum()),
        "revenue": float(metrics["revenue"].sum()),
        "cost": float(metrics["cost"].sum()),
        "profit": float(metrics["profit"].sum()),
        "clv": lifetime_value(margin, customer_days, churned, cfg.finance.discount_rate_per_year),
    }


def simulate(cfg: CXSimConfig, progress: bool = False) -> RunResult:
    """Simulate a validated configuration in memory (nothing is written).

    A replication (``replication`` set) runs with its derived seed
    (:func:`cxsim.sweep.job_seed`), which the summary's ``seed`` records.
    """
    from cxsim.model import CXEcosystemModel

    start = time.perf_counter()
    model = CXEcosystemModel(seeded(cfg))
    model.run(progress=progress)
    metrics = model.metrics()
    customers = model.customer_table()
    summary = summarise(model, metrics, customers)
    return RunResult(metrics, summary, cfg, customers, elapsed_seconds=time.perf_counter() - start)


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


def write_outputs(result: RunResult, out_dir: Path) -> Path:
    """Write config, metrics (Parquet, CSV), figure, optional customer table, then summary.

    ``job.json`` (config hash, seeds, run time; see :func:`cxsim.sweep.job_record`) comes
    with them. ``summary.json`` is moved into place last: its presence means the run is
    complete (see :func:`publish`).
    """
    from cxsim.plots import plot_main_metrics

    def write(staging: Path) -> None:
        (staging / "config.yaml").write_text(OmegaConf.to_yaml(OmegaConf.structured(result.config)))
        result.metrics.to_parquet(staging / "metrics.parquet")
        result.metrics.to_csv(staging / "metrics.csv")
        if result.config.write_customers:
            result.customers.to_parquet(staging / "customers.parquet")
        plot_main_metrics(result.metrics, staging / "metrics.png")
        record = job_record(result.config, result.elapsed_seconds)
        (staging / RECORD).write_text(json.dumps(record, indent=2) + "\n")
        (staging / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")

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
    result = simulate(load_config(overrides), progress=progress)
    if out_dir is not None:
        write_outputs(result, Path(out_dir))
    return result
