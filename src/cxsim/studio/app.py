"""The studio's page (Solara): pick a company, move levers, put events on a timeline, run.

Everything a person sets lives in per-tab state (Solara's reactive variables and tasks
are scoped to one browser tab), so two tabs never share a run. The page composes a
:class:`~cxsim.studio.whatif.WhatIf`; running, validating and answering are that
module's, which calls the same functions as the command line.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import matplotlib.pyplot as plt
import pandas as pd
import solara
import solara.util
from solara.lab import task

from cxsim.config import EVENT_KINDS, ConfigError
from cxsim.studies.scenario_runs import ScenarioRuns
from cxsim.studio.archive import earlier, reopen, save, zipped
from cxsim.studio.controls import Choice, Control, Slider, assumptions, event_control, levers
from cxsim.studio.dashboard import dashboard
from cxsim.studio.report import report_html
from cxsim.studio.whatif import WhatIf, answer, answer_figures, companies, company_overrides

what_if = solara.reactive(WhatIf())
"""This tab's what-if: company, size, horizon, replications, moved levers, events."""

problem = solara.reactive("")
"""The one-line reason the what-if cannot run, if any."""

shown = solara.reactive(cast(tuple[WhatIf, ScenarioRuns, Path] | None, None))
"""The answer on the page: the what-if, its runs and the folder they are kept in."""

so_far = solara.reactive(cast(tuple[int, pd.DataFrame] | None, None))
"""While a what-if runs: the replications finished for both arms and their answer."""

OUT = Path(os.environ.get("CXSIM_STUDIO_OUT", "outputs/studio"))
"""Where finished what-ifs are kept (``cxsim studio --out``)."""

SIZE = {"customers": (1000, 50_000, 1000), "days": (30, 1095, 5), "replications": (2, 20, 1)}
"""The size, horizon and replications a person may pick: low, high, step (two
replications at least, so every answer has a confidence interval)."""

EVENT_DEFAULT = {"kind": "outage", "target": "ecommerce", "start": 60, "end": 64}
"""A new event starts as the shipped web outage: the web shop down on days 60-64."""


def _update(**changes: Any) -> None:
    what_if.value = dataclasses.replace(what_if.value, **changes)
    problem.value = ""


@task
def run_what_if(plan: WhatIf):
    """Run the what-if in the background; progress in percent of the runs done."""

    def on_done(done: int, total: int) -> None:
        if not run_what_if.is_current():  # cancelled, or a newer run started
            raise solara.util.CancelledError()
        run_what_if.progress = 100.0 * done / total

    def on_partial(runs: ScenarioRuns) -> None:
        if run_what_if.is_current():  # the table is made here, not on every redraw
            so_far.value = (len(runs.seeds), answer(runs))

    so_far.value = None
    runs = plan.run(on_done=on_done, on_partial=on_partial)
    if run_what_if.is_current():
        shown.value = (plan, runs, save(plan, runs, OUT))


def _start() -> None:
    plan = what_if.value
    try:
        plan.check()
    except ConfigError as err:
        problem.value = str(err)
        return
    problem.value = ""
    run_what_if(plan)


@solara.component
def Company():
    """Starting company, its size, the horizon and the replications."""
    plan = what_if.value

    def upload(file: dict) -> None:
        try:
            overrides = company_overrides(file["data"].decode("utf-8", errors="replace"))
            WhatIf(uploaded=overrides).company_config()
        except ConfigError as err:
            problem.value = f"{file['name']}: {err}"
            return
        _update(uploaded=overrides, levers={}, assumptions={})

    solara.Select(
        "Company",
        values=companies(),
        value=plan.company,
        on_value=lambda name: _update(company=name, levers={}, uploaded=[], assumptions={}),
    )
    solara.FileDrop(label="…or drop a company YAML (config values)", on_file=upload, lazy=False)
    if plan.uploaded:
        solara.Text(f"Uploaded: {len(plan.uploaded)} values over the {plan.company}.")
    for field, (low, high, step) in SIZE.items():
        value = getattr(plan, field)
        solara.SliderInt(
            f"{field.capitalize()}: {value:,}",
            value=value,
            min=low,
            max=high,
            step=step,
            on_value=lambda n, field=field: _update(**{field: n}),
        )


@solara.component
def Earlier():
    """The what-ifs kept from before, to reopen without running them again."""
    kept = earlier(OUT)
    if not kept:
        return
    names = [p.name for p in kept]

    def open_run(name: str) -> None:
        plan, runs = reopen(OUT / name)
        what_if.value = plan
        shown.value = (plan, runs, OUT / name)

    current = shown.value[2].name if shown.value else None
    solara.Select(
        "Earlier runs", values=names, value=current if current in names else None, on_value=open_run
    )


def _moved(chosen: dict, key: str, value: Any, start: Any) -> dict:
    """``chosen`` with ``key`` at ``value``, or without it when back at its start."""
    moved = {k: v for k, v in chosen.items() if k != key}
    if value != start:
        moved[key] = value
    return moved


def _control(c: Control, current: Any, on_value: Callable[[Any], None]) -> None:
    """One control: a list for a choice, a slider over its range for a number."""
    if isinstance(c, Choice):
        solara.Select(c.label, values=list(c.options), value=current, on_value=on_value)
    elif isinstance(c, Slider):
        slider = solara.SliderInt if c.integer else solara.SliderFloat
        slider(
            f"{c.label}: {current:g}",
            value=current,
            min=c.low,
            max=c.high,
            step=c.step,
            on_value=on_value,
        )


@solara.component
def Levers():
    """The lever sliders, each over its config rule's range, starting at the company's value.

    The costs are the company's assumptions: they change both scenarios alike.
    """
    plan = what_if.value
    try:
        cfg = plan.company_config()
        groups = levers(cfg)
    except ConfigError as err:
        solara.Error(str(err))
        return
    for group, controls in groups.items():
        with solara.Details(group, expand=group == "Touchpoint quality"):
            for c in controls:
                _control(
                    c,
                    plan.levers.get(c.key, c.value),
                    lambda v, c=c: _update(levers=_moved(plan.levers, c.key, v, c.value)),
                )
    with solara.Details("Costs (for both scenarios)"):
        for c in assumptions(dataclasses.replace(plan, assumptions={}).company_config()):
            _control(
                c,
                plan.assumptions.get(c.key, c.value),
                lambda v, c=c: _update(assumptions=_moved(plan.assumptions, c.key, v, c.value)),
            )


@solara.component
def Events():
    """The what-if's timeline, and a form that adds an event validation will accept."""
    plan = what_if.value
    draft, set_draft = solara.use_state(dict(EVENT_DEFAULT))
    cfg = plan.company_config()
    control = event_control(cfg, draft["kind"])
    for i, event in enumerate(plan.events):
        with solara.Row():
            solara.Text(_event_words(event))
            solara.Button(
                "remove",
                text=True,
                on_click=lambda i=i: _update(
                    events=[e for j, e in enumerate(plan.events) if j != i]
                ),
            )

    def set_kind(kind: str) -> None:
        spec = event_control(cfg, kind)
        target = spec.targets[0] if spec.targets else None
        set_draft({**draft, "kind": kind, "target": target, "value": None})

    solara.Select("Event", values=list(EVENT_KINDS), value=draft["kind"], on_value=set_kind)
    if control.targets:
        solara.Select(
            "Target",
            values=list(control.targets),
            value=draft.get("target") or control.targets[0],
            on_value=lambda t: set_draft({**draft, "target": t}),
        )
    last = plan.days
    window = (min(draft["start"], last), min(draft["end"], last))
    solara.SliderRangeInt(
        "Days active",
        value=window,
        min=1,
        max=last,
        on_value=lambda w: set_draft({**draft, "start": w[0], "end": w[1]}),
    )
    value = control.value
    if value is not None:
        solara.SliderFloat(
            value.label,
            value=draft.get("value") if draft.get("value") is not None else value.value,
            min=value.low,
            max=value.high,
            step=value.step,
            on_value=lambda v: set_draft({**draft, "value": v}),
        )

    def add() -> None:
        event = {**draft, "start": window[0], "end": window[1]}
        if not control.targets:
            event.pop("target", None)
        if event.get("value") is None and not control.optional and value is not None:
            event["value"] = value.value
        _update(events=[*plan.events, event])

    solara.Button("Add event", on_click=add, color="primary", outlined=True)


def _event_words(event: dict) -> str:
    target = f" {event['target']}" if event.get("target") else ""
    value = f" at {event['value']:g}" if event.get("value") is not None else ""
    return f"{event['kind']}{target}{value}, days {event['start']}-{event['end']}"


@solara.component
def Answer():
    """Progress while running; then the answer, its figures and the downloads."""
    with solara.Row():
        solara.Button("Run", on_click=_start, color="primary", disabled=bool(run_what_if.pending))
        solara.Button("Cancel", on_click=run_what_if.cancel, disabled=not run_what_if.pending)
    if problem.value:
        solara.Error(problem.value)
    if run_what_if.pending:
        done = run_what_if.progress or 0.0
        solara.ProgressLinear(done if done else True)
        count = what_if.value.replications * 2
        solara.Text(f"Running {count} simulations: {done:.0f}% done")
        if so_far.value is not None:
            pairs, table = so_far.value
            solara.Markdown(
                f"**So far**, {pairs} of {what_if.value.replications} paired replications "
                "(the intervals narrow as the rest arrive):"
            )
            solara.HTML(tag="div", unsafe_innerHTML=table.to_html(index=False, classes="so-far"))
    elif run_what_if.cancelled:
        solara.Warning("Cancelled.")
    elif run_what_if.error:
        solara.Error(str(run_what_if.exception))
    elif shown.value is not None:
        plan, runs, folder = shown.value
        table = answer(runs)
        solara.Markdown(
            f"**What if** against the company as it is: {len(runs.seeds)} paired "
            "replications, 95% confidence intervals."
        )
        solara.HTML(tag="div", unsafe_innerHTML=table.to_html(index=False, classes="answer"))
        effects = runs.effects()
        with solara.Row():
            solara.FileDownload(
                effects.to_csv(index=False), filename="effects.csv", label="Download effects.csv"
            )
            solara.FileDownload(
                lambda: report_html(plan, runs),
                filename="cxsim_what_if.html",
                label="Download the report",
                mime_type="text/html",
            )
            solara.FileDownload(
                lambda: zipped(folder), filename=f"{folder.name}.zip", label="Download the runs"
            )
        solara.Markdown(
            "**Customer-centricity dashboard** (seed 004): the framework's "
            "three areas as the company holds them, beside the results."
        )
        board = dashboard(plan, runs)
        solara.HTML(tag="div", unsafe_innerHTML=board.to_html(index=False, classes="dashboard"))
        for figure in answer_figures(runs):
            solara.FigureMatplotlib(figure, format="png")
            plt.close(figure)
    else:
        solara.Text("Set the what-if, then press Run.")


@solara.component
def Page():
    """The studio: controls on the left, the answer on the right."""
    solara.Title("cxsim studio")
    with solara.Sidebar():
        Company()
        Earlier()
    with solara.Columns([2, 3]):
        with solara.Column():
            with solara.Card("Levers"):
                Levers()
            with solara.Card("Events"):
                Events()
        with solara.Card("Answer"):
            Answer()
