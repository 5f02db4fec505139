"""The studio in a real browser: Debian's Chromium driven by Playwright.

The studio runs as a user starts it (`cxsim studio`) on a free port; the tests set a
5-day web outage with 3 replications at 1,000 customers, run it, and read the answer.
Without Chromium the tests are skipped, unless CXSIM_BROWSER_TESTS=required (CI).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from cxsim.config import EVENT_KINDS, ConfigError, EventConfig, ScenarioConfig, validate
from cxsim.studies.parameters import apply
from cxsim.studio.controls import ASSUMPTIONS, Choice, assumptions, event_control, levers
from cxsim.studio.whatif import REFERENCE, WhatIf, company_overrides

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [  # as root, headless, and quiet on a closed network
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_every_control_stays_within_what_validation_accepts():
    """A slider's ends are the config rule's; both ends validate, as a run would."""
    cfg = WhatIf(customers=500, days=30).company_config()
    for controls in [*levers(cfg).values(), assumptions(cfg)]:
        for c in controls:
            if isinstance(c, Choice):
                for word in c.options:
                    WhatIf(customers=500, days=30, levers={c.key: word}).check()
            else:
                for value in (c.low, c.high):
                    apply(cfg, {c.key: value})  # validates the whole config


def test_a_cost_is_the_companys_assumption_for_both_scenarios():
    plan = WhatIf(
        customers=500, days=30, assumptions={"organisation.cx_team.cost_per_monthly_fix": 9e3}
    )
    assert "organisation.cx_team.cost_per_monthly_fix=9000.0" in plan.shared()
    assert plan.scenario() == []  # not a what-if of its own
    assert plan.company_config().organisation.cx_team.cost_per_monthly_fix == 9000.0
    keys = {c.key for controls in levers(plan.company_config()).values() for c in controls}
    assert not keys & set(ASSUMPTIONS)  # a cost is never moved in one scenario only


def test_every_event_kind_offers_only_targets_and_values_validation_accepts():
    cfg = WhatIf(customers=500, days=30).company_config()
    for kind in EVENT_KINDS:
        control = event_control(cfg, kind)
        for target in control.targets or [""]:
            for value in (control.value.low, control.value.high):
                event = EventConfig(kind=kind, target=target, start=2, end=5, value=value)
                validate(dataclasses.replace(cfg, scenario=ScenarioConfig(events=[event])))
    # and one through the studio's own overrides, as a run composes them
    event = {"kind": "outage", "target": "ecommerce", "start": 2, "end": 5, "value": None}
    assert WhatIf(customers=500, days=30, events=[event]).check().scenario.events[0].end == 5


def test_an_uploaded_company_is_validated_like_any_config():
    overrides = company_overrides("customers: {n: 700}\ntouchpoints: {web: {quality: 0.6}}\n")
    cfg = WhatIf(uploaded=overrides, days=30).company_config()
    assert cfg.touchpoints["web"].quality == 0.6 and cfg.customers.n == 5000  # size is the studio's
    with pytest.raises(ConfigError, match=r"touchpoints\.web\.quality=1\.5"):
        WhatIf(uploaded=company_overrides("touchpoints: {web: {quality: 1.5}}")).check()
    with pytest.raises(ConfigError, match="not a config section"):
        company_overrides("colours: {web: red}")
    assert WhatIf().company == REFERENCE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_kept_what_if_reopens_as_it_was_and_zips_whole(tmp_path):
    import io
    import zipfile

    from cxsim.studio.archive import earlier, reopen, save, zipped

    event = {"kind": "outage", "target": "ecommerce", "start": 10, "end": 14, "value": None}
    plan = WhatIf(customers=400, days=30, replications=2, events=[event])
    runs = plan.run(n_jobs=1)
    folder = save(plan, runs, tmp_path)
    assert earlier(tmp_path) == [folder] and earlier(tmp_path / "none") == []
    again, runs_again = reopen(folder)
    assert again == plan
    assert runs_again.effects().equals(runs.effects())
    names = zipfile.ZipFile(io.BytesIO(zipped(folder))).namelist()
    assert f"{folder.name}/whatif.json" in names and f"{folder.name}/effects.csv" in names


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """The studio started as a user starts it; its address."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CXSIM_BROWSER_TESTS") == "required":
            pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    port = _free_port()
    argv = [sys.executable, "-c", "from cxsim.cli import main; main()", "studio"]
    kept = tmp_path_factory.mktemp("studio")
    server = subprocess.Popen(
        [*argv, "--port", str(port), "--no-open", "--out", str(kept)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the studio did not start")
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture
def page(studio):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        # one context, as one person's browser: tabs share its cookies
        tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        tab.goto(studio)
        tab.get_by_text("Set the what-if, then press Run.").wait_for(timeout=90_000)
        yield tab
        browser.close()


def _slider(page, label: str):
    return page.locator(".v-input", has_text=label).locator("[role=slider]").first


def test_a_value_outside_a_control_cannot_be_entered(page):
    customers = _slider(page, "Customers")
    customers.focus()
    for key in ("End", "ArrowRight", "ArrowRight"):
        customers.press(key)
    assert customers.get_attribute("aria-valuenow") == customers.get_attribute("aria-valuemax")
    assert customers.get_attribute("aria-valuemax") == "50000"
    quality = _slider(page, "web: 0.78")
    quality.focus()
    for key in ("Home", "ArrowLeft"):
        quality.press(key)
    assert quality.get_attribute("aria-valuenow") == "0"


# A real drag from the desktop gives the drop's items file entries; a drag made in a test
# page does not (webkitGetAsEntry is null), so the test gives each item the entry the
# browser would: what is under test is the studio's reading and checking of the file.
REAL_DROP = """() => {
  DataTransferItem.prototype.webkitGetAsEntry = function () {
    const file = this.getAsFile();
    return file && {isFile: true, name: file.name, file: (ok) => ok(file)};
  };
}"""


def _drop(page, name: str, text: str) -> None:
    page.evaluate(REAL_DROP)
    files = page.evaluate_handle(
        "([name, text]) => { const d = new DataTransfer();"
        " d.items.add(new File([text], name)); return d; }",
        [name, text],
    )
    page.dispatch_event(".solara-file-drop", "drop", {"dataTransfer": files})


def test_a_dropped_company_yaml_is_checked_and_becomes_the_company(page):
    _drop(page, "bad.yaml", "touchpoints: {web: {quality: 1.5}}\n")
    page.get_by_text("bad.yaml: invalid config: touchpoints.web.quality=1.5").wait_for()
    _drop(page, "company.yaml", "touchpoints: {web: {quality: 0.6}}\nnetwork: {mean_degree: 4}\n")
    page.get_by_text("Uploaded: 2 values over the reference company.").wait_for()
    assert _slider(page, "web: 0.6").count() == 1  # the levers start from the uploaded company


def test_a_web_outage_what_if_answers_with_excess_churn_and_its_ci(page, tmp_path):
    customers, replications = _slider(page, "Customers"), _slider(page, "Replications")
    customers.focus()
    customers.press("Home")  # 1,000 customers
    replications.focus()
    replications.press("Home")
    for _ in range(2):
        replications.press("ArrowRight")  # 4 replications
    assert replications.get_attribute("aria-valuenow") == "4"
    page.get_by_role("button", name="Add event").click()
    page.get_by_text("outage ecommerce, days 60-64").wait_for()
    page.get_by_role("button", name="Run").click()
    # the answer shows as the pairs of replications arrive, before the last
    page.get_by_text("So far").wait_for(timeout=240_000)
    assert "95% CI" in page.locator("table.so-far").inner_text()
    answer = page.locator("table.answer")
    answer.wait_for(timeout=240_000)
    churned = answer.locator("tr", has_text="churned").first.inner_text()
    assert "95% CI" in churned
    board = page.locator("table.dashboard")
    for indicator in ("values", "scheme", "structure", "nps measured last30", "employee stress"):
        assert board.locator("tr", has_text=indicator).count() >= 1, indicator
    # effects, over time, journey map, churn causes, survival curves
    assert page.locator("img").count() >= 5
    # another tab of the same browser has its own what-if and no answer
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_text("Set the what-if, then press Run.").wait_for(timeout=90_000)
    assert other.get_by_text("outage ecommerce, days 60-64").count() == 0
    other.close()
    with page.expect_download() as download:
        page.get_by_text("Download effects.csv").click()
    saved = tmp_path / "effects.csv"
    download.value.save_as(saved)
    lines = saved.read_text().splitlines()
    assert lines[0].startswith("scenario,metric") and any("what if" in line for line in lines)
    # the one-page report downloads and opens in the browser, figures inside it
    with page.expect_download() as download:
        page.get_by_text("Download the report").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    reader = page.context.new_page()
    reader.goto(report.as_uri())
    assert "95% CI" in reader.locator("table.answer").inner_text()
    assert reader.locator("table.dashboard tr").count() > 10
    assert reader.locator("img").count() == 5
    assert "outage ecommerce days 60-64" in reader.inner_text("body")
    assert "cxsim.run_scenarios(" in reader.inner_text("pre")
    reader.close()
    # the runs download whole, and a new page reopens them without running again
    with page.expect_download() as download:
        page.get_by_text("Download the runs").click()
    kept = tmp_path / "runs.zip"
    download.value.save_as(kept)
    assert any(n.endswith("/whatif.json") for n in zipfile.ZipFile(kept).namelist())
    page.reload()
    page.get_by_text("Set the what-if, then press Run.").wait_for(timeout=90_000)
    page.locator(".v-select", has_text="Earlier runs").click()
    page.get_by_role("option").first.click()
    page.locator("table.answer").wait_for(timeout=60_000)
    assert page.get_by_text("outage ecommerce, days 60-64").count() == 1
