"""cxsim: agent-based simulation of a company's customer-experience ecosystem.

The public API is small:

* :func:`run` runs one configuration (Hydra override strings) and returns a
  :class:`RunResult` with daily ``metrics``, a ``summary`` and the ``config``;
* :func:`load_config` composes and validates a configuration without running it;
* :class:`CXEcosystemModel` is the Mesa model, for step-by-step use.
"""

from cxsim.config import ConfigError, CXSimConfig
from cxsim.metrics import METRICS
from cxsim.model import CXEcosystemModel
from cxsim.run import RunResult, load_config, run

__all__ = [
    "METRICS",
    "CXEcosystemModel",
    "CXSimConfig",
    "ConfigError",
    "RunResult",
    "load_config",
    "run",
]
__version__ = "0.1.0"
