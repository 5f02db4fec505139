# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
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
# 4. What does a long wait cost (a made-to-order piece that takes weeks), and how much of
#    it do proactive progress updates win back, with and without the courier's data?
#
# Each scenario is a timeline of events in `configs/scenario/` (see `web_outage.yaml`).
# You can write your own in a YAML file anywhere and pass its path, or pass one as a dict
# of overrides, as below.

# %%
import os

import matplotlib.pyplot as plt
import pandas as pd

import cxsim
from cxsim.outputs import figures
from cxsim.outputs.stats import mean_ci
from cxsim.outputs.tables import format_number
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
figures.plot_effects(table, outcomes, currency=runs.currency)
plt.show()

# %%
figures.plot_scenarios_over_time(
    runs.daily,
    ["churn_rate", "nps_true", "contacts", "customer_effort"],
    event_days=runs.event_days,
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
    low, high = (format_number(row[k], signed=True) for k in ("diff_ci_low", "diff_ci_high"))
    return f"{format_number(row['diff'], signed=True)} (95% CI {low} to {high})"


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

# %% [markdown]
# ## Lead times and progress updates
#
# An order waits its lead time: three days at the reference company, four promised. A
# made-to-order piece takes two weeks with no date promised, the seeds' furniture maker.
# Each waiting day is judged: anxiety grows with the silence since the last news against
# the expected wait (Maister 1985: unexplained, uncertain waits feel longer), a passed
# promise is a loss, and anxious customers ask "where is my order?" at the contact centre.
# Progress updates every three days are news; they are true only when the courier's data
# reaches the company (`environment=partner_integrated`), otherwise they are generic.

# %%
made_to_order = [
    "customers.waiting.kinds.standard.lead_days=14",
    "customers.waiting.kinds.standard.lead_cv=0.3",
    "customers.waiting.kinds.standard.promise_days=null",
]
every_three_days = "customers.waiting.updates.every_days=3"
waits = {
    "3-day delivery (reference)": [],
    "made to order, silent": made_to_order,
    "made to order, generic updates": [*made_to_order, every_three_days],
    "made to order, updates with the courier's data": [
        *made_to_order,
        every_three_days,
        "environment=partner_integrated",
    ],
}
daily, journey_days = [], []
for name, overrides in waits.items():
    for replication in range(REPLICATIONS):
        model = cxsim.CXEcosystemModel(
            cxsim.load_config([*SIZE, f"seed={replication}", *overrides])
        )
        model.run()
        run = {"scenario": name, "replication": replication}
        daily.append(model.metrics().reset_index().assign(**run))
        journey_days.append(model.journey_days().reset_index().assign(**run))
daily, journey_days = pd.concat(daily), pd.concat(journey_days)
waiting_outcomes = (
    daily.groupby(["scenario", "replication"])
    .agg(
        anxiety=("waiting_anxiety", "mean"),
        wismo_contacts=("wismo_contacts", "sum"),
        wismo_share=("wismo_share", "mean"),
        updates=("progress_updates", "sum"),
        churned=("churn", "sum"),
        nps_true=("nps_true", "mean"),
    )
    .groupby("scenario", sort=False)
    .mean()
)
waiting_outcomes.round(3)

# %% [markdown]
# The journey map with time: the stages on the left, and on the right the experience of
# each day of a journey that waited and the anxiety of those still waiting (a slipped
# order's last days, which few orders reach, are left out).

# %%
figures.plot_journey_map(daily, journey_days=journey_days[journey_days["journey_day"] <= 24])
plt.show()

# %%
silent, true_updates = (
    waiting_outcomes.loc[name]
    for name in ("made to order, silent", "made to order, updates with the courier's data")
)
print(
    f"4. Two weeks of silence ask {silent['wismo_contacts']:,.0f} 'where is my order' "
    f"contacts ({100 * silent['wismo_share']:.0f}% of contacts) and lose "
    f"{silent['churned']:,.0f} customers; updates with the courier's data cut the contacts "
    f"to {true_updates['wismo_contacts']:,.0f} and the losses to "
    f"{true_updates['churned']:,.0f}, for {true_updates['updates']:,.0f} updates sent."
)

# %% [markdown]
# A wait is not a failure, but silence turns it into one: anxiety builds day by day and
# the questions it raises are failure demand. Generic updates help a little; true ones,
# which need the courier's data, keep anxiety near zero and delight a little each time.
