"""The strategist's path: help that names the commands, scenario files, one-line failures."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cxsim
from cxsim.cli.main import SUBCOMMANDS
from cxsim.config.scenario_file import scenario_file_overrides
from cxsim.studies.runner import GUARD

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["customers.n=400", "days=20"]
OUTAGE_DAYS = ["customers.n=400", "days=62"]
"""Long enough for web_outage's outage (from day 60): an event after the last day is refused."""
SALE = """\
name: summer_sale
description: "A 10% price cut while the web shop's integration with the CRM is down"
events:
  - {kind: price_change, start: 5, end: 15, value: -0.1}
  - {kind: integration_change, target: ecommerce+crm, start: 3, end: 9, value: 0.0}
"""


def test_help_is_a_short_usage_that_names_every_command(cxsim_command):
    done = cxsim_command("--help")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) < 40  # not Hydra's banner and the whole config
    for name in SUBCOMMANDS:
        assert any(line.split()[:1] == [name] for line in lines), name
    assert "customers" in done.stdout and "--cfg job" in done.stdout


def test_a_scenario_file_anywhere_becomes_the_same_config_as_its_events(tmp_path):
    file = tmp_path / "my sale.yaml"
    file.write_text(SALE)
    name, overrides = scenario_file_overrides(file)
    assert name == "summer_sale"
    cfg = cxsim.load_config([*SMALL, *overrides])
    assert [(e.kind, e.target, e.start, e.end) for e in cfg.scenario.events] == [
        ("price_change", "", 5, 15),
        ("integration_change", "ecommerce+crm", 3, 9),
    ]
    assert cfg.scenario.description.endswith("the CRM is down")


def test_compare_takes_scenario_files_from_the_command_line(tmp_path, cxsim_command):
    file = tmp_path / "sale.yaml"
    file.write_text(SALE)
    out = tmp_path / "out"
    done = cxsim_command("compare", str(file), "-r", "2", "-j", "1", "-o", str(out), "--", *SMALL)
    assert done.returncode == 0, done.stderr
    assert "summer_sale" in done.stdout
    assert "summer_sale" in (out / "effects.csv").read_text()


def test_compare_in_python_takes_a_file_among_the_names(tmp_path):
    file = tmp_path / "sale.yaml"
    file.write_text(SALE)
    table = cxsim.compare(
        ["baseline", str(file)], replications=2, overrides=SMALL, n_jobs=1, metrics=["revenue"]
    )
    assert set(table["scenario"]) == {"baseline", "summer_sale"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "scenario='.*missing.yaml': no such file"),
        ("events: [{kind: outage", "not a YAML file"),
        ("name: x\nwhen: 3\n", "scenario.when=.*holds only name, description, events"),
        ("events: {kind: outage}\n", "scenario.events=.*must be a list of events"),
        ("events: [{kind: outage, target: chat, start: 2}]\n", "touchpoint chat runs on crm"),
        ("events: [{kind: outage, target: ecommerce, start: 2, colour: red}]\n", "colour"),
    ],
)
def test_a_bad_scenario_file_fails_in_one_line_before_anything_runs(
    tmp_path, cxsim_command, content, message
):
    file = tmp_path / ("missing.yaml" if content is None else "bad.yaml")
    if content is not None:
        file.write_text(content)
    done = cxsim_command("compare", str(file), "-r", "2", "-o", str(tmp_path / "o"), "--", *SMALL)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert __import__("re").search(message, done.stderr), done.stderr
    assert not (tmp_path / "o").exists()


def test_a_script_without_the_main_guard_stops_with_one_line_that_says_what_to_add(tmp_path):
    script = tmp_path / "study.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import cxsim
            table = cxsim.compare(["baseline", "web_outage"], replications=2, n_jobs=2,
                                  overrides={OUTAGE_DAYS!r}, metrics=["churned"])
            print("done")
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"RuntimeError: {GUARD}"
    assert "bootstrapping" not in done.stderr  # the workers said nothing of their own


def test_the_same_script_with_the_guard_runs(tmp_path):
    script = tmp_path / "study.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import cxsim
            if __name__ == "__main__":
                table = cxsim.compare(["baseline", "web_outage"], replications=2, n_jobs=2,
                                      overrides={OUTAGE_DAYS!r}, metrics=["churned"])
                print(sorted(set(table["scenario"])))
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "['baseline', 'web_outage']" in done.stdout


def test_make_notebooks_installs_jupyterlab_and_opens_the_notebooks():
    makefile = (ROOT / "Makefile").read_text()
    assert "jupyter lab notebooks/" in makefile and "'.[notebooks]'" in makefile
    assert "jupyterlab" in (ROOT / "pyproject.toml").read_text()
