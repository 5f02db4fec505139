"""cxsim: agent-based simulation of a company's customer-experience ecosystem.

The public API is small:

* :func:`run` runs one configuration (Hydra override strings) and returns a
  :class:`RunResult` with daily ``metrics``, a ``summary`` and the ``config``;
* :func:`compare` runs what-if scenarios with replications and common random numbers and
  returns each outcome's mean, 95% CI and difference to the baseline
  (:func:`run_scenarios` keeps every run, for plots);
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

# mesa imports tqdm.auto, which warns in notebooks without ipywidgets; cxsim's own progress
# bars are plain tqdm, so the warning says nothing about cxsim.
warnings.filterwarnings("ignore", message="IProgress not found")

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ imports them
    from cxsim.compare import ScenarioRuns, compare, run_scenarios
    from cxsim.config import ConfigError, CXSimConfig
    from cxsim.metrics import METRICS
    from cxsim.model import CXEcosystemModel
    from cxsim.run import RunResult, load_config, run

_PUBLIC: dict[str, str] = {
    "METRICS": "cxsim.metrics",
    "CXEcosystemModel": "cxsim.model",
    "CXSimConfig": "cxsim.config",
    "ConfigError": "cxsim.config",
    "RunResult": "cxsim.run",
    "ScenarioRuns": "cxsim.compare",
    "compare": "cxsim.compare",
    "load_config": "cxsim.run",
    "run": "cxsim.run",
    "run_scenarios": "cxsim.compare",
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
    "load_config",
    "run",
    "run_scenarios",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name, or a submodule (``cxsim.plots``), on first use.

    The value is then kept in the package's namespace, so this runs once per name.

    Raises:
        AttributeError: if ``name`` is neither a public name nor a submodule.
    """
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    elif not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}"):
        # `import cxsim` used to import most submodules, so `cxsim.sweep.job_seed` worked
        # without importing cxsim.sweep; it still does
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

    Importing a submodule sets it as an attribute of its package, and ``cxsim.run`` and
    ``cxsim.compare`` are also the names of submodules: once ``cxsim.run`` the module is
    imported (by the ``cxsim`` command, say), ``from cxsim import run`` would give the
    module. With the names imported eagerly the functions were bound after their modules;
    this keeps it so.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _PUBLIC.get(name) == f"{__name__}.{name}":
            return  # the submodule: `cxsim.run` is the function, as __getattr__ gives it
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
