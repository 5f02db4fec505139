"""Who a run is: the content hash of its validated config and the seed it draws with.

The config hash identifies what a run computes: it is taken over the validated config,
so it does not depend on how the overrides were spelled, on output paths, the launcher
or the progress bar. Replications get seeds derived from a base seed and that identity
(:func:`job_seed`), never from a job number, so they are the same whatever runs them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from cxsim.config.schema import CXSimConfig

OUTPUT_ONLY = ("progress",)
"""Fields that change how a run is shown, not what it computes or writes."""


NOT_THE_POINT = ("progress", "write_customers", "write_figure", "seed", "replication")
"""Fields that do not tell one point of a sweep from another."""


def _canonical(cfg: CXSimConfig, drop: tuple[str, ...]) -> str:
    tree = {k: v for k, v in asdict(cfg).items() if k not in drop}
    return json.dumps(tree, sort_keys=True, separators=(",", ":"), default=str)


def config_hash(cfg: CXSimConfig) -> str:
    """Content hash (SHA-256, hex) of a validated config, without the progress flag.

    Example:
        >>> from cxsim import load_config
        >>> a = load_config(["days=30", "progress=false"])
        >>> config_hash(a) == config_hash(load_config(["progress=true", "days=30"]))
        True
        >>> config_hash(a) == config_hash(load_config(["days=31"]))
        False
    """
    return hashlib.sha256(_canonical(cfg, OUTPUT_ONLY).encode()).hexdigest()


def job_seed(cfg: CXSimConfig) -> int:
    """The seed a run uses: ``cfg.seed``, or one derived for a replication.

    With ``replication`` unset the base seed is used as it is. With ``replication=r``
    the seed is a 63-bit number hashed from the base seed, ``r`` and everything else in
    the config, so each replication of each point of a sweep draws its own random numbers,
    the same ones on any launcher and any number of workers. (Sweeping ``seed`` instead
    gives every point the same seeds: common random numbers across points.)

    Example:
        >>> from cxsim import load_config
        >>> job_seed(load_config(["seed=7"]))
        7
        >>> r0, r1 = (job_seed(load_config([f"replication={r}"])) for r in (0, 1))
        >>> r0 != r1 and r0 == job_seed(load_config(["replication=0", "progress=false"]))
        True
    """
    if cfg.replication is None:
        return cfg.seed
    point = hashlib.sha256(_canonical(cfg, NOT_THE_POINT).encode()).hexdigest()
    digest = hashlib.sha256(f"cxsim-seed:{cfg.seed}:{cfg.replication}:{point}".encode())
    return int.from_bytes(digest.digest()[:8], "big") >> 1


def seeded(cfg: CXSimConfig) -> CXSimConfig:
    """The config a replication's model runs: its derived seed, no replication number."""
    if cfg.replication is None:
        return cfg
    return replace(cfg, seed=job_seed(cfg), replication=None)
