"""The runs of a scenario comparison: their effects with CIs, money, and the files they make.

:class:`ScenarioRuns` holds every replication of every scenario (summaries and daily
metrics; the customers too when asked), reads the effects off them with paired
confidence intervals, prices each scenario against the baseline, and writes and reads
the set as one folder (:meth:`ScenarioRuns.write`, :func:`read_runs`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxsim.config import ConfigError
from cxsim.outputs.publish import publish
from cxsim.outputs.stats import mean_ci, relative_change
from cxsim.studies.money import MONEY, money_effects, profit_bridge, value_of_a_point
from cxsim.studies.segment_value import value_of_a_point_by_segment


@dataclass
class ScenarioRuns:
    """Every replication of every scenario.

    Attributes:
        scenarios: Each scenario's overrides (the shared ones not included).
        seeds: Seed of each replication, the same for every scenario.
        baseline: The scenario the others are compared with.
        summaries: One row per run: ``scenario``, ``replication``, ``seed`` and the run's
            summary outcomes (nested ones flattened, e.g. ``churned_by_cause_market``).
        daily: One row per run and day: ``scenario``, ``replication``, ``day`` and every
            daily metric.
        event_days: First and last day on which any scenario has an event (None if no
            scenario has one): the window the journey map looks at by default.
        discount_rate: The baseline's yearly discount rate (``finance``), for the NPVs.
        currency: The baseline's currency (``finance.currency``), for labels.
        customers: One row per customer of every run (``scenario``, ``replication`` and
            :data:`cxsim.studies.scenarios.CUSTOMER_COLUMNS`) when the comparison kept
            them (``keep_customers``), else None.
    """

    scenarios: dict[str, list[str]]
    seeds: list[int]
    baseline: str
    summaries: pd.DataFrame
    daily: pd.DataFrame = field(repr=False)
    event_days: tuple[int, int] | None = None
    discount_rate: float = 0.1
    currency: str = "EUR"
    customers: pd.DataFrame | None = field(default=None, repr=False)

    def effects(self, metrics: Sequence[str] | None = None, level: float = 0.95) -> pd.DataFrame:
        """Tidy table of each scenario's outcomes and its differences to the baseline.

        Args:
            metrics: Summary outcomes to report (default: all).
            level: Confidence level of the intervals.

        Returns:
            One row per scenario and metric: ``mean``, ``ci_low``, ``ci_high`` over
            replications; ``diff``, ``diff_ci_low``, ``diff_ci_high`` of the paired
            differences to the baseline; ``pct``, ``pct_ci_low``, ``pct_ci_high`` of the
            paired relative differences (in %); ``replications``. Each scenario but
            the baseline also has the money measures of :data:`cxsim.studies.money.MONEY`
            (investment, ROI, NPVs, payback day: see :func:`cxsim.studies.money.money_effects`)
            unless ``metrics`` leaves them out.
        """
        s = self.summaries.set_index(["scenario", "replication"]).sort_index()
        money = [m for m in MONEY if metrics is None or m in metrics]
        metrics = [m for m in metrics or [c for c in s.columns if c != "seed"] if m not in MONEY]
        unknown = sorted(set(metrics) - set(s.columns))
        if unknown:
            available = sorted([*s.columns, *MONEY])
            raise KeyError(f"unknown metrics {unknown}; available: {available}")
        base = s.loc[self.baseline]
        rows = []
        for name in self.scenarios:
            own = s.loc[name]
            for metric in metrics:
                values = own[metric].to_numpy(dtype=float)
                paired = base[metric].reindex(own.index).to_numpy(dtype=float)
                mean, low, high = mean_ci(values, level)
                diff, d_low, d_high = mean_ci(values - paired, level)
                pct, p_low, p_high = relative_change(values, paired, level)
                rows.append(
                    {
                        "scenario": name,
                        "metric": metric,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "diff": diff,
                        "diff_ci_low": d_low,
                        "diff_ci_high": d_high,
                        "pct": pct,
                        "pct_ci_low": p_low,
                        "pct_ci_high": p_high,
                        "replications": len(values),
                    }
                )
        table = pd.DataFrame(rows)
        if not money or len(self.scenarios) < 2:
            return table
        priced = money_effects(self.daily, self.baseline, self.discount_rate)
        return pd.concat([table, priced[priced["metric"].isin(money)]], ignore_index=True)

    def value_of_a_point(
        self,
        outcome: str = "nps_true_last30",
        money: str = "npv",
        level: float = 0.95,
        *,
        by_segment: bool = False,
    ) -> pd.DataFrame:
        """Money per point of ``outcome``; ``by_segment``: per segment (true NPS only)."""
        if by_segment and outcome != "nps_true_last30":
            raise ConfigError("outcome", outcome, "by segment, only nps_true_last30 is kept")
        args = (self.daily, self.summaries, self.baseline, self.discount_rate)
        if by_segment:
            return value_of_a_point_by_segment(*args, money, level)
        return value_of_a_point(*args, outcome, money, level)

    def retention(self, level: float = 0.95) -> pd.DataFrame:
        """Kaplan-Meier retention of each scenario's customers (replications pooled).

        Raises:
            ValueError: if the comparison did not keep its customers (``keep_customers``).
        """
        from cxsim.studies.survival import retention_curves  # scipy.stats: only when asked

        if self.customers is None:
            raise ValueError("these runs kept no customers: run them with keep_customers=True")
        tables = {str(name): rows for name, rows in self.customers.groupby("scenario", sort=False)}
        return retention_curves(tables, by=["scenario"], level=level)

    def bridge(self) -> pd.DataFrame:
        """Each scenario's profit difference split into its sources (``profit_bridge``)."""
        return profit_bridge(self.daily, self.baseline)

    def write(
        self,
        out_dir: str | Path,
        metrics: Sequence[str] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> Path:
        """Write the effects table (CSV, Parquet), the runs and the figures to ``out_dir``.

        ``effects.csv`` is moved into place last: its presence means the set is complete.
        ``runs.json`` holds what :meth:`read` needs besides the tables; ``extra`` names
        more text files to publish with the set (the studio's what-if).
        """
        from cxsim.outputs import figures as plots

        effects = self.effects(metrics)
        setup = {
            "scenarios": self.scenarios,
            "seeds": self.seeds,
            "baseline": self.baseline,
            "event_days": self.event_days,
            "discount_rate": self.discount_rate,
            "currency": self.currency,
        }

        def write(staging: Path) -> None:
            (staging / "runs.json").write_text(json.dumps(setup, indent=1))
            for name, text in (extra or {}).items():
                (staging / name).write_text(text)
            effects.to_parquet(staging / "effects.parquet")
            self.summaries.to_parquet(staging / "summaries.parquet")
            self.daily.to_parquet(staging / "daily.parquet")
            if self.customers is not None:
                self.customers.to_parquet(staging / "customers.parquet")
            shown = list(metrics or plots.KEY_OUTCOMES)
            plots.plot_effects(effects, shown, staging / "effects.png", self.currency)
            plots.plot_scenarios_over_time(
                self.daily, plots.KEY_DAILY, staging / "over_time.png", event_days=self.event_days
            )
            plots.plot_journey_map(self.daily, self.event_days, staging / "journey_map.png")
            plots.plot_churn_causes(self.daily, staging / "churn_causes.png")
            if len(self.scenarios) > 1:
                bridge = self.bridge()
                bridge.to_csv(staging / "profit_bridge.csv", index=False)
                plots.plot_profit_bridge(bridge, self.currency, staging / "profit_bridge.png")
            effects.to_csv(staging / "effects.csv", index=False)

        return publish(Path(out_dir), write, marker="effects.csv")


def read_runs(folder: str | Path) -> ScenarioRuns:
    """The runs a comparison wrote (:meth:`ScenarioRuns.write`), to read them again.

    Raises:
        FileNotFoundError: if the folder holds no finished comparison (``effects.csv``
            is written last) or one written before ``runs.json`` was.
    """
    folder = Path(folder)
    if not (folder / "effects.csv").is_file() or not (folder / "runs.json").is_file():
        raise FileNotFoundError(f"{folder}: no finished comparison (effects.csv, runs.json)")
    setup = json.loads((folder / "runs.json").read_text())
    days, kept = setup["event_days"], folder / "customers.parquet"
    return ScenarioRuns(
        {name: list(overrides) for name, overrides in setup["scenarios"].items()},
        list(setup["seeds"]),
        setup["baseline"],
        pd.read_parquet(folder / "summaries.parquet"),
        pd.read_parquet(folder / "daily.parquet"),
        tuple(days) if days is not None else None,
        discount_rate=setup["discount_rate"],
        currency=setup["currency"],
        customers=pd.read_parquet(kept) if kept.is_file() else None,
    )
