"""The README documents every metric and every shipped config option."""

from pathlib import Path

import pytest

from cxsim.config.compose import config_dir
from cxsim.model.metrics import METRICS

README = (Path(__file__).parents[1] / "README.md").read_text()


@pytest.mark.parametrize("metric", list(METRICS))
def test_every_metric_is_documented(metric):
    assert f"`{metric}`" in README


@pytest.mark.parametrize(
    "option",
    sorted(f"{p.parent.name}={p.stem}" for p in config_dir().glob("*/*.yaml") if p.parent.name),
)
def test_every_config_option_is_documented(option):
    group, name = option.split("=")
    row = next(line for line in README.splitlines() if line.startswith(f"| `{group}` |"))
    assert f"`{name}`" in row
