"""cxsim: agent-based simulation of a company's customer-experience ecosystem.

The public API is small:

* :func:`run` runs one configuration (Hydra override strings) and returns a
  :class:`RunResult` with daily ``metrics``, a ``summary`` and the ``config``;
* :func:`compare` runs what-if scenarios with replications and common random numbers and
  returns each outcome's mean, 95% CI and difference to the baseline
  (:func:`run_scenarios` keeps every run, for plots);
* :func:`optimise` finds the lever settings that do best on an objective within a budget,
  and :func:`discover` the conditions under which one policy beats another;
* :func:`load_config` composes and validates a configuration without running it;
* :class:`CXEcosystemModel` is the Mesa model, for step-by-step use.

The names are imported when first used (PEP 562), so ``import cxsim`` and the ``cxsim``
command do not load what they do not need: :func:`compare` alone brings in SciPy, and
the model brings in Mesa and pandas.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
import warnings
from typing import TYPE_CHECKING, Any

from cxsim import _legacy

# mesa imports tqdm.auto, which warns in notebooks without ipywidgets; cxsim's own progress
# bars are plain tqdm, so the warning says nothing about cxsim.
warnings.filterwarnings("ignore", message="IProgress not found")

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ imports them
    from cxsim.config.compose import load_config
    from cxsim.config.rules import ConfigError
    from cxsim.config.schema import CXSimConfig
    from cxsim.model.metrics import METRICS
    from cxsim.model.model import CXEcosystemModel
    from cxsim.simulation import RunResult, run
    from cxsim.studies.discovery import discover
    from cxsim.studies.optimise import optimise
    from cxsim.studies.scenario_runs import ScenarioRuns
    from cxsim.studies.scenarios import compare, run_scenarios

_PUBLIC: dict[str, str] = {
    "METRICS": "cxsim.model.metrics",
    "CXEcosystemModel": "cxsim.model.model",
    "CXSimConfig": "cxsim.config.schema",
    "ConfigError": "cxsim.config.rules",
    "RunResult": "cxsim.simulation",
    "ScenarioRuns": "cxsim.studies.scenario_runs",
    "compare": "cxsim.studies.scenarios",
    "discover": "cxsim.studies.discovery",
    "load_config": "cxsim.config.compose",
    "optimise": "cxsim.studies.optimise",
    "run": "cxsim.simulation",
    "run_scenarios": "cxsim.studies.scenarios",
}
"""Each public name and the module that defines it."""

__all__ = [
    "METRICS",
    "CXEcosystemModel",
    "CXSimConfig",
    "ConfigError",
    "RunResult",
    "ScenarioRuns",
    "compare",
    "discover",
    "load_config",
    "optimise",
    "run",
    "run_scenarios",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name, or a submodule (``cxsim.outputs.figures``), on first use.

    The value is then kept in the package's namespace, so this runs once per name.

    Raises:
        AttributeError: if ``name`` is neither a public name nor a submodule.
    """
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    elif not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}"):
        # `import cxsim` used to import most submodules, so `cxsim.config.identity.job_seed` worked
        # without importing cxsim.sweeps.jobs; it still does
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the public ones included before they are imported."""
    return sorted({*globals(), *_PUBLIC})


class _Package(types.ModuleType):
    """The ``cxsim`` module, whose public ``run`` and ``compare`` stay the functions.

    Importing a submodule sets it as an attribute of its package. ``cxsim.run`` and
    ``cxsim.compare`` were also the names of modules, which old code may still import
    (:mod:`cxsim._legacy`); that import must not replace the functions. This goes with
    the old names.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _PUBLIC:
            return  # an old module name: `cxsim.run` stays the function
        super().__setattr__(name, value)


_legacy.install()
sys.modules[__name__].__class__ = _Package
