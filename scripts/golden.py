"""Golden runs: record every daily metric of a set of configurations, or check them bit for bit.

A refactor must not move a number. Record before the change, check after each step:

    python scripts/golden.py record /tmp/golden
    python scripts/golden.py check /tmp/golden

The set covers the reference company, scenarios with every kind of event, incentives, the
network kinds, and a population above the compiled-loops threshold (run once with the
loops and once without, ``CXSIM_NUMBA=0`` in a fresh process, since the switch is read at
import), and a small one with the loops as well as without. Exit 0 when every run matches,
1 with the first differing column otherwise.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

EVENTS = (
    "scenario.events=["
    "{kind:outage,target:ecommerce,start:5,end:9},"
    "{kind:partner_disruption,target:courier,start:8,end:20,value:0.5},"
    "{kind:quality_change,target:web,start:12,end:30,value:0.4},"
    "{kind:integration_change,target:'*',start:15,end:25,value:0.1},"
    "{kind:integration_change,target:ecommerce+crm,start:30,end:40,value:0.0},"
    "{kind:staffing_change,start:20,end:35,value:0.4},"
    "{kind:price_change,start:25,end:45,value:0.1},"
    "{kind:competitor_campaign,start:30,end:50,value:0.3},"
    "{kind:incentive_switch,target:nps_punitive,start:10,end:40,value:0.8},"
    "{kind:programme,target:training,start:5,end:50,value:0.9},"
    "{kind:programme,target:trait_hiring,start:5,value:0.7},"
    "{kind:programme,target:vision_communication,start:20,value:0.6}]"
)

RUNS: dict[str, list[str]] = {
    "reference": ["customers.n=3000", "days=60"],
    "web_outage": ["customers.n=3000", "days=90", "scenario=web_outage"],
    "kpi_switch": ["customers.n=3000", "days=200", "scenario=kpi_switch", "seed=3"],
    "every_event": ["customers.n=4000", "days=60", "seed=7", EVENTS],
    "every_event_warm": ["customers.n=4000", "days=60", "seed=7", EVENTS],
    "incentive_aht": ["customers.n=3000", "days=60", "incentives=aht", "seed=1"],
    "siloed_unreliable": [
        "customers.n=3000",
        "days=60",
        "environment=siloed",
        "partners=unreliable",
        "incentives=fcr",
    ],
    "mixed_network": ["customers.n=3000", "days=60", "network.kind=mixed"],
    "random_network": ["customers.n=3000", "days=60", "network.kind=random", "seed=2"],
    "cx_team": [
        "customers.n=3000",
        "days=90",
        "organisation.cx_team.fixes_per_month=6",
        "organisation.training=0.5",
        "organisation.trait_hiring=0.4",
        "incentives=balanced",
    ],
    "large_compiled": ["customers.n=60000", "days=30", EVENTS.replace("start:5,", "start:3,")],
    "large_numpy": ["customers.n=60000", "days=30", EVENTS.replace("start:5,", "start:3,")],
}
"""Name -> overrides. ``large_numpy`` runs without the compiled loops; ``every_event_warm``
with them, below their threshold, as a many-run command's worker runs small models
(numba loaded first): it must equal ``every_event``."""


def _one(name: str, folder: Path) -> None:
    """Run one configuration in this process and save its metrics and customer table."""
    import cxsim

    if name.endswith("_warm"):
        from cxsim.engine import compiled

        compiled.warm()
    result = cxsim.run(RUNS[name])
    metrics = result.metrics
    customers = result.customers
    arrays = {f"m:{c}": metrics[c].to_numpy() for c in metrics.columns}
    for column in customers.columns:
        values = customers[column]
        arrays[f"c:{column}"] = np.asarray(
            values.cat.codes
            if hasattr(values, "cat")
            else values.astype(str)
            if values.dtype == object
            else values
        )
    np.savez(folder / f"{name}.npz", **arrays)


def _run_all(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in RUNS:
        env = dict(os.environ, CXSIM_NUMBA="0" if name == "large_numpy" else "1")
        subprocess.run([sys.executable, __file__, "one", name, str(folder)], env=env, check=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def main(argv: list[str]) -> int:
    """``record DIR``, ``check DIR`` or (internal) ``one NAME DIR``."""
    verb, *rest = argv
    if verb == "one":
        _one(rest[0], Path(rest[1]))
        return 0
    folder = Path(rest[0])
    if verb == "record":
        _run_all(folder)
        for name in RUNS:
            print(f"{name}: {_digest(folder / f'{name}.npz')}")
        return 0
    fresh = Path(tempfile.mkdtemp(prefix="cxsim-golden-"))  # apart from other checks
    _run_all(fresh)
    failed = 0
    for name in RUNS:
        old, new = (
            np.load(f, allow_pickle=True) for f in (folder / f"{name}.npz", fresh / f"{name}.npz")
        )
        differing = [
            k for k in old.files if k not in new.files or not np.array_equal(old[k], new[k])
        ]
        differing += [k for k in new.files if k not in old.files]
        print(f"{name}: {'identical' if not differing else 'DIFFERS in ' + ', '.join(differing)}")
        failed += bool(differing)
    numpy_run, compiled_run = (
        np.load(fresh / f"{name}.npz", allow_pickle=True)
        for name in ("every_event", "every_event_warm")
    )
    if numpy_run.files != compiled_run.files or not all(
        np.array_equal(numpy_run[k], compiled_run[k]) for k in numpy_run.files
    ):
        print("every_event_warm: DIFFERS from every_event (compiled loops vs numpy)")
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
