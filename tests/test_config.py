import pytest

import cxsim
from cxsim import ConfigError


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
