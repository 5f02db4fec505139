"""A kept composition with values set on a copy is the config Hydra composes, to the byte."""

import shutil

import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

import cxsim
from cxsim.config import compositions
from cxsim.config.compositions import compose_fresh, composed

CASES = [
    [],
    ["customers.n=500", "seed=3", "days=40"],
    ["scenario=web_outage", "days=100", "seed=2"],
    ["experiment=sbg_docking", "customers.n=4000", "customers.segments.value_seekers.share=1"],
    ["environment=siloed", "incentives=fcr", "employees.time_ratio=0.6", "seed=null"],
    ["customers.n=500", "~customers.segments.value_seekers"],
    # a value set before a deletion: Hydra's order decides, so Hydra composes it
    ["customers.segments.value_seekers.share=0.3", "~customers.segments.value_seekers"],
    ["scenario.events=[{kind:outage,target:ecommerce,start:5,end:9}]", "days=50"],
    ["days=${customers.n}", "customers.n=70"],
    ["days=5", "days=7"],
]


def _yaml_or_error(compose):
    try:
        return OmegaConf.to_yaml(compose())
    except Exception as exc:  # the same error, word for word, is part of the contract
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("overrides", CASES, ids=" ".join)
def test_the_shortcut_gives_hydras_config(overrides):
    parsed = OverridesParser.create().parse_overrides(overrides)
    assert _yaml_or_error(lambda: composed(parsed, overrides)) == _yaml_or_error(
        lambda: compose_fresh(overrides)
    )


@pytest.mark.parametrize("overrides", [["nope=1"], ["customers.n=abc"], ["+days=4"]])
def test_a_failing_value_fails_with_hydras_own_message(overrides):
    parsed = OverridesParser.create().parse_overrides(overrides)
    assert _yaml_or_error(lambda: composed(parsed, overrides)).startswith(
        _yaml_or_error(lambda: compose_fresh(overrides)).split("\n")[0]
    )


def test_the_caller_gets_a_copy_and_the_kept_composition_stays_as_composed():
    first = cxsim.load_config(["customers.n=500", "days=30"])
    cfg = composed(OverridesParser.create().parse_overrides(["days=30"]), ["days=30"])
    cfg.days = 99
    assert cxsim.load_config(["customers.n=500"]).days == 365
    assert first.days == 30


def test_an_edited_config_file_is_seen_at_once(tmp_path, monkeypatch):
    """A strategist edits a YAML in a notebook's session: the next run uses the edit."""
    configs = tmp_path / "configs"
    shutil.copytree(compositions.config_dir(), configs)
    monkeypatch.setattr(compositions, "config_dir", lambda: configs)
    assert cxsim.load_config(["customers.n=500"]).days == 365
    text = (configs / "config.yaml").read_text()
    (configs / "config.yaml").write_text(text.replace("days: 365", "days: 180"))
    assert cxsim.load_config(["customers.n=500"]).days == 180
