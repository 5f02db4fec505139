"""The configuration floor: the model's words, the schema, its rules, composition, identity.

``from cxsim.config import CXSimConfig, ConfigError, load_config`` gives the common names;
each submodule has one job (:mod:`~cxsim.config.schema`, :mod:`~cxsim.config.compose`,
:mod:`~cxsim.config.identity`).
"""

from cxsim.config.compose import check_configs, config_dir, config_error, load_config
from cxsim.config.schema import *  # noqa: F403  (the schema's dataclasses, one per section)
from cxsim.config.schema import ConfigError, CXSimConfig, register, validate

__all__ = [
    "CXSimConfig",
    "ConfigError",
    "check_configs",
    "config_dir",
    "config_error",
    "load_config",
    "register",
    "validate",
]
