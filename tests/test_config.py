import pytest

import cxsim
import cxsim.config
from cxsim import ConfigError
from cxsim.config import vocabulary
from cxsim.config.rules import Interval, Options, Weights


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("days=abc", "days='abc': must be an integer"),
        ("days=0", "days=0: must be an integer >= 1"),
        ("customers.n=-5", "customers.n=-5: must be an integer >= 0"),
        ("seed=1.5", "seed='1.5': must be an integer"),
        ("customers.churn.contagion_effect=-1", "contagion_effect=-1.0: must be a number >= 0"),
        ("partners.courier.reliability=1.2", "reliability=1.2: must be a number >= 0 and <= 1"),
        ("customers.experience.loss_aversion=0.5", "loss_aversion=0.5: must be a number >= 1"),
        ("network.kind=star", "network.kind='star': must be one of small_world, random"),
        ("customers.foo=1", "customers.foo='1': no such key"),
        ("partners=nope", "partners='nope': must be one of default, unreliable"),
        ("touchpoints.web.system=mainframe", "touchpoints.web.system='mainframe': must be one of"),
        ("touchpoints.delivery.owner=ghost", "owner='ghost': must be 'company' or a partner"),
        ("customers.segments.value_seekers.share=0.5", "share=1.15: shares must sum to 1"),
        ("+customers.segments.value_seekers.channels.fax=1", "channels.fax='fax': must name a"),
        ("customers.acquisition.market_size=10", "market_size=10: must be >= customers.n"),
        ("finance.marketing_share=2", "marketing_share=2.0: must be a number >= 0 and <= 1"),
        ("finance.discount_rate_per_year=0", "discount_rate_per_year=0.0: must be a number > 0"),
        ("~touchpoints.product", "need at least one use touchpoint"),
        ("touchpoints.store.owner=courier", "partners perform delivery; store is a purchase"),
        ("environment.systems.crm.mtbf_days=0.0001", "mtbf_days=0.0001: must be a number >= 0.01"),
        ("customers.experience.engagement_drift_days=0", "must be a number > 0"),
        ("customers.experience.recommend_weights=[1,2]", "=[1.0, 2.0]: must be 3 non-negative"),
        ("customers.churn.satisfaction_effect=nan", "satisfaction_effect=nan: must be a number"),
    ],
)
def test_bad_values_fail_before_running_naming_key_value_and_rule(override, expected):
    with pytest.raises(ConfigError) as err:
        cxsim.run(["customers.n=100", "days=2", override])
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("invalid config: ")
    assert expected in message


def test_defaults_are_valid_and_typed():
    cfg = cxsim.load_config()
    assert isinstance(cfg, cxsim.CXSimConfig)
    assert (cfg.seed, cfg.days, cfg.customers.n) == (0, 365, 20_000)
    assert abs(sum(s.share for s in cfg.customers.segments.values()) - 1) < 1e-9


@pytest.mark.parametrize(
    "group", ["environment=integrated", "environment=siloed", "partners=unreliable"]
)
def test_shipped_config_groups_compose(group):
    cxsim.load_config([group])


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        (Interval(0.0, 1.0), 1.5, "k=1.5: must be a number >= 0 and <= 1"),
        (Interval(1), 0, "k=0: must be an integer >= 1"),
        (Interval(0.0, lo_open=True), 0.0, "k=0.0: must be a number > 0"),
        (Interval(0.0), float("inf"), "k=inf: must be a number >= 0"),
        (Options(("a", "b")), "c", "k='c': must be one of a, b"),
        (Weights(2), [1.0, -1.0], "k=[1.0, -1.0]: must be 2 non-negative numbers"),
    ],
)
def test_rules_raise_one_line_naming_key_value_and_what_is_allowed(rule, value, expected):
    with pytest.raises(ConfigError) as err:
        rule.check("k", value)
    assert str(err.value) == f"invalid config: {expected}"


@pytest.mark.parametrize(
    ("rule", "value"), [(Interval(0.0, 1.0), 1.0), (Interval(0.0), None), (Weights(1), [0.0])]
)
def test_rules_let_allowed_values_pass(rule, value):
    rule.check("k", value)


# every name `from cxsim.config import ...` gave before the config floor was split
NAMES_BEFORE_THE_SPLIT = [
    "AcquisitionConfig",
    "CXSimConfig",
    "CXTeamConfig",
    "ChurnConfig",
    "ConfigError",
    "CultureConfig",
    "CustomersConfig",
    "EVENT_KINDS",
    "EmployeesConfig",
    "EnablersConfig",
    "EnvironmentConfig",
    "EventConfig",
    "ExperienceConfig",
    "FinanceConfig",
    "IncentivesConfig",
    "MeasurementConfig",
    "NetworkConfig",
    "OrganisationConfig",
    "PROGRAMMES",
    "PartnerConfig",
    "SCHEMES",
    "STAGES",
    "ScenarioConfig",
    "SegmentConfig",
    "SystemConfig",
    "TouchpointConfig",
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
]


@pytest.mark.parametrize("name", NAMES_BEFORE_THE_SPLIT)
def test_names_of_the_config_package_stay_importable(name):
    assert hasattr(cxsim.config, name)


def test_words_have_one_home_and_their_old_homes_still_give_them():
    from cxsim.ecosystem import acquisition, customers

    assert customers.CHURN_CAUSES is vocabulary.CHURN_CAUSES
    assert (acquisition.PROMOTER, acquisition.PASSIVE, acquisition.DETRACTOR) == (1, 2, 3)
    assert [vocabulary.VOICES[v] for v in (1, 2, 3)] == ["promoter", "passive", "detractor"]
