# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The contact centre: rushing customers, and cutting staff
#
# **Question:** what happens when the contact centre is pushed to cut handling time
# (agents spend 70% of the time a contact needs), and what happens when it is run lean
# (60% of the staff)? Both look good on a cost report. What do they do to first-contact
# resolution, repeat contacts, churn and profit over a year?
#
# Time pressure cuts time per contact. Resolution falls, unresolved contacts come back as
# repeat contacts (failure demand), and bad experiences raise churn (Oliva & Sterman 2001).

# %%
import os

import matplotlib.pyplot as plt

import cxsim
from cxsim import plots
from cxsim.compare import effect

SMALL = os.environ.get("CXSIM_NOTEBOOK_SIZE") == "small"
CUSTOMERS, DAYS, REPLICATIONS = (2_000, 120, 3) if SMALL else (10_000, 365, 10)
SIZE = [f"customers.n={CUSTOMERS}", f"days={DAYS}"]

# %%
scenarios = {
    "baseline": [],
    "rushed": ["employees.time_ratio=0.7"],
    "lean": ["employees.per_1000_customers=0.15"],
    "rushed_and_lean": ["employees.time_ratio=0.7", "employees.per_1000_customers=0.15"],
}
outcomes = [
    "avg_handling_time",
    "first_contact_resolution",
    "repeat_contact_share",
    "waiting_time",
    "churned",
    "profit",
]
runs = cxsim.run_scenarios(scenarios, replications=REPLICATIONS, overrides=SIZE)
table = runs.effects(outcomes)
table[table["scenario"] != "baseline"].round(3)

# %%
plots.plot_effects(table, outcomes)
plt.show()

# %%
plots.plot_scenarios_over_time(
    runs, ["first_contact_resolution", "repeat_contacts", "waiting_time", "churn_rate"]
)
plt.show()

# %% [markdown]
# ## Answer

# %%
for scenario in ("rushed", "lean", "rushed_and_lean"):
    parts = []
    for metric in ("avg_handling_time", "first_contact_resolution", "churned", "profit"):
        row = effect(table, scenario, metric)
        parts.append(
            f"{metric} {row['diff']:+,.3g} (95% CI {row['diff_ci_low']:+,.3g} to "
            f"{row['diff_ci_high']:+,.3g})"
        )
    print(f"{scenario}: " + "; ".join(parts))

# %% [markdown]
# Rushing shortens handling time, which is what an AHT target rewards. First-contact
# resolution falls, and the unresolved contacts come back, so the contact centre is no
# less busy. More customers give up and leave. A lean contact centre saves wages but
# makes customers wait. Both kinds of saving are partly paid back in lost customers; the
# table gives the net effect on profit over the year with its uncertainty.
