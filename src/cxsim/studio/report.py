"""The what-if's one-page report: one HTML file that opens anywhere, figures inside it.

It holds what a reader needs to trust and redo the answer: the question (company, size,
horizon, replications, moved levers, events), the answer with 95% CIs and money, the
customer-centricity dashboard, the figures (as embedded PNGs, no files beside it), and
the overrides and seeds that reproduce it with ``cxsim compare``.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime
from importlib import metadata

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from cxsim.studies.scenario_runs import ScenarioRuns
from cxsim.studio.dashboard import dashboard
from cxsim.studio.whatif import BASELINE, WHAT_IF, WhatIf, answer, answer_figures

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; }
img { max-width: 100%; margin: 0.5em 0; }
code { background: #f3f3f3; padding: 0.1em 0.3em; }
"""


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _question(plan: WhatIf) -> str:
    moved = [f"{key} = {value}" for key, value in plan.levers.items()] or ["none"]
    costs = [f"{key} = {value:g}" for key, value in plan.assumptions.items()] or ["as configured"]
    events = [
        f"{e['kind']} {e.get('target') or ''} days {e['start']}-{e['end']}"
        + (f" at {e['value']:g}" if e.get("value") is not None else "")
        for e in plan.events
    ] or ["none"]
    items = [
        f"company: {plan.company}"
        + (f" (+{len(plan.uploaded)} uploaded values)" if plan.uploaded else ""),
        f"{plan.customers:,} customers, {plan.days} days, {plan.replications} replications "
        f"(seeds {plan.seed} to {plan.seed + plan.replications - 1}, shared by both scenarios)",
        "costs (both scenarios): " + "; ".join(costs),
        "levers moved: " + "; ".join(moved),
        "events: " + "; ".join(events),
    ]
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def report_html(plan: WhatIf, runs: ScenarioRuns) -> str:
    """The report of a finished what-if, as one self-contained HTML page."""
    pictures = "".join(_png(fig) for fig in answer_figures(runs))
    redo = (
        "import cxsim\n\n"
        "runs = cxsim.run_scenarios(\n"
        f"    {{{BASELINE!r}: [], {WHAT_IF!r}: {plan.scenario()!r}}},\n"
        f"    replications={plan.replications},\n    seed={plan.seed},\n"
        f"    overrides={plan.shared()!r},\n    baseline={BASELINE!r},\n)\n"
    )
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cxsim what-if report</title>
<style>{STYLE}</style></head><body>
<h1>What if: the answer</h1>
<p>Made by cxsim {metadata.version("cxsim")} on {made}.</p>
<h2>The question</h2>
{_question(plan)}
<h2>The answer</h2>
<p>The what-if against the company as it is: {len(runs.seeds)} paired replications with
common random numbers, 95% confidence intervals; money in {html.escape(runs.currency)}.</p>
{answer(runs).to_html(index=False, classes="answer")}
<h2>Customer-centricity dashboard</h2>
{dashboard(plan, runs).to_html(index=False, classes="dashboard")}
<h2>Figures</h2>
{pictures}
<h2>To run it again</h2>
<p>The same runs, with the same seeds, from Python (in a script, under
<code>if __name__ == "__main__":</code>):</p>
<pre><code>{html.escape(redo)}</code></pre>
</body></html>
"""
