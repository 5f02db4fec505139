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
# # Touchpoint failures: a web outage, a failing courier, a botched migration
#
# **Questions:**
# 1. What does a five-day outage of the web shop cost in customers and profit, compared
#    with a month in which the courier fails 40% of deliveries?
# 2. Would integrating the courier's data, so that customers are warned before a late
#    delivery, soften the blow?
# 3. What does a CRM migration that breaks the hand-offs between systems for two months
#    cost?
#
# Each scenario is a timeline of events in `configs/scenario/` (see `web_outage.yaml`).
# You can write your own in YAML, or pass one as a dict of overrides, as below.

# %%
import os

import matplotlib.pyplot as plt

import cxsim
from cxsim.outputs import figures
from cxsim.outputs.stats import mean_ci
from cxsim.studies.scenarios import effect

SMALL = os.environ.get("CXSIM_NOTEBOOK_SIZE") == "small"
CUSTOMERS, DAYS, REPLICATIONS = (2_000, 150, 3) if SMALL else (10_000, 240, 10)
SIZE = [f"customers.n={CUSTOMERS}", f"days={DAYS}"]

# %%
scenarios = {
    "baseline": [],
    "web_outage": ["scenario=web_outage"],
    "partner_failure": ["scenario=partner_failure"],
    # the courier's data reaching customer service, without and with the failure month
    "integrated": ["environment=partner_integrated"],
    "partner_failure_integrated": ["scenario=partner_failure", "environment=partner_integrated"],
    "system_migration": ["scenario=system_migration"],
}
runs = cxsim.run_scenarios(scenarios, replications=REPLICATIONS, overrides=SIZE)
outcomes = ["churned", "nps_true_last30", "customer_effort", "repeat_contact_share", "profit"]
table = runs.effects(outcomes)
table[table["scenario"] != "baseline"].round(3)

# %% [markdown]
# ## Effects with 95% confidence intervals

# %%
figures.plot_effects(table, outcomes)
plt.show()

# %%
figures.plot_scenarios_over_time(
    runs.daily, ["churn_rate", "nps_true", "contacts", "customer_effort"]
)
plt.show()

# %% [markdown]
# ## The journey map
# The average experience at each stage of the journey while the events last (days
# 60-119), per scenario. Red rings mark failure points, where at least 5% of moments were
# must-be failures.

# %%
figures.plot_journey_map(runs.daily, runs.event_days)
plt.show()

# %% [markdown]
# ## Answers


# %%
def say(scenario: str, metric: str) -> str:
    row = effect(table, scenario, metric)
    return f"{row['diff']:+,.3g} (95% CI {row['diff_ci_low']:+,.3g} to {row['diff_ci_high']:+,.3g})"


print(
    "1. A five-day web outage costs",
    say("web_outage", "churned"),
    "customers and changes",
    "profit by",
    say("web_outage", "profit"),
    "; a month of courier failures costs",
    say("partner_failure", "churned"),
    "customers, changes profit by",
    say("partner_failure", "profit"),
    "and NPS by",
    say("partner_failure", "nps_true_last30"),
    "points.",
)
# Question 2 is a difference in differences: the failure's damage with integration minus
# its damage without (integration also helps on ordinary days, which must not count).
s = runs.summaries.set_index(["scenario", "replication"])["churned"]
damage_siloed = s.loc["partner_failure"] - s.loc["baseline"]
damage_integrated = s.loc["partner_failure_integrated"] - s.loc["integrated"]
mean, low, high = mean_ci((damage_integrated - damage_siloed).to_numpy())
print(
    f"2. The failure month costs {damage_siloed.mean():+,.0f} customers in silos but "
    f"{damage_integrated.mean():+,.0f} with the courier's data integrated: integration "
    f"changes the damage by {mean:+,.0f} customers (95% CI {low:+,.0f} to {high:+,.0f})."
)
print(
    "3. The CRM migration raises the share of repeat contacts by",
    say("system_migration", "repeat_contact_share"),
    "and customer effort by",
    say("system_migration", "customer_effort"),
    "points.",
)

# %% [markdown]
# The failing courier is the costliest disruption: a month of late deliveries is judged
# against the brand, fills the contact centre with "where is my order?" calls, and its
# word of mouth carries beyond the month. Integration does not stop the failures, but
# warned customers are less angry and call less. The migration hurts through effort and
# repeat contacts rather than through outright failures.
