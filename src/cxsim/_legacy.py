"""Old module paths (``cxsim.run``, ``cxsim.plots``, ...) for one release, with a warning.

Before the package was laid out in floors its modules sat side by side; code that imports
them by their old names keeps working: the old name becomes an alias of the module that
now holds the code (``sys.modules`` maps both names to one module object, so a
monkeypatch through either reaches the same functions), and a :class:`FutureWarning`
says once where the module went. Remove this file, and its import in ``cxsim/__init__``,
in the release after next.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    **{
        name: f"ecosystem.{name}"
        for name in [
            "acquisition",
            "churn",
            "customers",
            "employees",
            "environment",
            "experience",
            "finance",
            "incentives",
            "journeys",
            "measurement",
            "network",
            "organisation",
            "partners",
            "touchpoints",
        ]
    },
    **{
        name: f"studies.{name}"
        for name in [
            "calibration",
            "observed",
            "parameters",
            "readouts",
            "reproduce",
            "sensitivity",
            "survival",
        ]
    },
    "analysis": "outputs.stats",
    "compare": "studies.scenarios",
    "kernels": "engine.compiled",
    "luck": "engine.luck",
    "metrics": "model.metrics",
    "plots": "outputs.figures",
    "run": "simulation",
    "scenario": "model.timeline",
    "streams": "engine.streams",
    "sweep": "sweeps.jobs",
    "sweep_aggregate": "sweeps.aggregate",
    "sweep_status": "sweeps.status",
}
"""Old submodule name -> where its code lives now (relative to ``cxsim``)."""


class _Alias(importlib.abc.Loader):
    """Loads an old name as the module that replaced it."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        old = spec.name
        warnings.warn(
            f"{old} moved to {self.target}; the old name goes in the next release",
            FutureWarning,
            stacklevel=2,
        )
        module = importlib.import_module(self.target)
        sys.modules[old] = module
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the target module ran when it was imported."""


class LegacyFinder(importlib.abc.MetaPathFinder):
    """Finds ``cxsim.<old name>`` and hands it to :class:`_Alias`."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> object:
        """A spec for an old name of :data:`MOVED`, else None (the normal finders run)."""
        package, _, name = fullname.rpartition(".")
        if package != "cxsim" or name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(f"cxsim.{MOVED[name]}"))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, LegacyFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, LegacyFinder())
