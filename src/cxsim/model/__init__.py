"""The model floor: the Mesa model that wires the actors, its timeline and its metrics."""

from cxsim.model.model import CXEcosystemModel

__all__ = ["CXEcosystemModel"]
