"""The configuration floor: the model's words, the schema, its rules, composition, identity.

``from cxsim.config import CXSimConfig, ConfigError, load_config, STAGES`` gives the
common names; each submodule has one job:

* :mod:`~cxsim.config.vocabulary`: every word of the model, and the event table;
* :mod:`~cxsim.config.rules`: what a value may be, and :class:`ConfigError`;
* :mod:`~cxsim.config.schema`: the dataclasses, registered in Hydra's ConfigStore (the
  customers' section in :mod:`~cxsim.config.customer_schema`);
* :mod:`~cxsim.config.validate`: checks a composed config against all of the above;
* :mod:`~cxsim.config.compositions`: Hydra's compositions, kept and reused where only
  plain values differ;
* :mod:`~cxsim.config.compose`: override strings to a validated config;
* :mod:`~cxsim.config.identity`: a config's content hash and the seeds it derives.
"""

from cxsim.config.compose import check_configs, config_dir, config_error, load_config
from cxsim.config.customer_schema import (
    AcquisitionConfig,
    ChurnConfig,
    CustomersConfig,
    ExperienceConfig,
    SegmentConfig,
)
from cxsim.config.rules import (
    ConfigError,
    Interval,
    Options,
    Weights,
    between,
    choice,
    nonneg,
    positive,
    prob,
    weights,
)
from cxsim.config.schema import (
    CultureConfig,
    CXSimConfig,
    CXTeamConfig,
    EmployeesConfig,
    EnablersConfig,
    EnvironmentConfig,
    EventConfig,
    FinanceConfig,
    IncentivesConfig,
    KpiTargets,
    MeasurementConfig,
    NetworkConfig,
    OrganisationConfig,
    PartnerConfig,
    ScenarioConfig,
    SystemConfig,
    TouchpointConfig,
    register,
)
from cxsim.config.validate import validate
from cxsim.config.vocabulary import (
    CHURN_CAUSES,
    DETRACTOR,
    EVENT_KINDS,
    EVENTS,
    LOWER_IS_BETTER,
    MEDIA,
    MONEY_OUTCOMES,
    NETWORK_KINDS,
    PASSIVE,
    PROGRAMMES,
    PROMOTER,
    SCHEMES,
    STAGES,
    VOICES,
    EventKind,
)

__all__ = [
    "CHURN_CAUSES",
    "DETRACTOR",
    "EVENTS",
    "EVENT_KINDS",
    "LOWER_IS_BETTER",
    "MEDIA",
    "MONEY_OUTCOMES",
    "NETWORK_KINDS",
    "PASSIVE",
    "PROGRAMMES",
    "PROMOTER",
    "SCHEMES",
    "STAGES",
    "VOICES",
    "AcquisitionConfig",
    "CXSimConfig",
    "CXTeamConfig",
    "ChurnConfig",
    "ConfigError",
    "CultureConfig",
    "CustomersConfig",
    "EmployeesConfig",
    "EnablersConfig",
    "EnvironmentConfig",
    "EventConfig",
    "EventKind",
    "ExperienceConfig",
    "FinanceConfig",
    "IncentivesConfig",
    "Interval",
    "KpiTargets",
    "MeasurementConfig",
    "NetworkConfig",
    "Options",
    "OrganisationConfig",
    "PartnerConfig",
    "ScenarioConfig",
    "SegmentConfig",
    "SystemConfig",
    "TouchpointConfig",
    "Weights",
    "between",
    "check_configs",
    "choice",
    "config_dir",
    "config_error",
    "load_config",
    "nonneg",
    "positive",
    "prob",
    "register",
    "validate",
    "weights",
]
