"""cxsim: agent-based simulation of a company's customer-experience ecosystem.

The public API is small:

* :func:`run` runs one configuration (Hydra override strings) and returns a
  :class:`RunResult` with daily ``metrics``, a ``summary`` and the ``config``;
* :func:`compare` runs what-if scenarios with replications and common random numbers and
  returns each outcome's mean, 95% CI and difference to the baseline
  (:func:`run_scenarios` keeps every run, for plots);
* :func:`load_config` composes and validates a configuration without running it;
* :class:`CXEcosystemModel` is the Mesa model, for step-by-step use.
"""

import warnings

# mesa imports tqdm.auto, which warns in notebooks without ipywidgets; cxsim's own progress
# bars are plain tqdm, so the warning says nothing about cxsim.
warnings.filterwarnings("ignore", message="IProgress not found")

from cxsim.compare import ScenarioRuns, compare, run_scenarios  # noqa: E402
from cxsim.config import ConfigError, CXSimConfig  # noqa: E402
from cxsim.metrics import METRICS  # noqa: E402
from cxsim.model import CXEcosystemModel  # noqa: E402
from cxsim.run import RunResult, load_config, run  # noqa: E402

__all__ = [
    "METRICS",
    "CXEcosystemModel",
    "CXSimConfig",
    "ConfigError",
    "RunResult",
    "ScenarioRuns",
    "compare",
    "load_config",
    "run",
    "run_scenarios",
]
__version__ = "0.1.0"
