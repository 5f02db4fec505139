"""Money: revenue from active customers, the cost of serving and winning them, profit, CLV.

Revenue per active customer per day is its segment's monthly revenue, scaled up for
engaged customers (engaged customers spend more, seed 002). Costs are the cost of sales
(goods and payment fees, shares of revenue), the workforce (wages, hiring), the systems,
the partners' jobs, marketing and the cost of each new customer, a fixed overhead, and
touchpoint quality above what the company already pays for (a convex cost curve), and
integration of systems beyond what it already runs (projects and their upkeep).
Customer lifetime value is the contribution margin (revenue less the costs that move
with customers) per customer-day over the run, discounted over the expected lifetime
implied by the observed daily retention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cxsim.config import FinanceConfig, TouchpointConfig
from cxsim.ecosystem.customers import CustomerPopulation

QUALITY_CAP = 0.99
"""Quality priced no higher than this (the odds of quality 1 are infinite)."""


def daily_revenue(cfg: FinanceConfig, customers: CustomerPopulation, reference: float) -> float:
    """Revenue of today's active customers (see :meth:`CustomerPopulation.active_sums`)."""
    revenue, _, _ = customers.active_sums(cfg.engagement_spend, reference)
    return revenue


def cost_of_sales(cfg: FinanceConfig, revenue: float) -> float:
    """What today's sales cost: the goods and the payment fees, shares of revenue."""
    return (cfg.cost_of_goods_share + cfg.payment_fee_share) * revenue


def overhead_per_day(cfg: FinanceConfig, initial_customers: int) -> float:
    """The fixed overhead of a day, sized to the initial customer base."""
    return cfg.overhead_per_customer_year * initial_customers / 365.0


def quality_cost_per_day(
    cfg: FinanceConfig, touchpoints: Mapping[str, TouchpointConfig], initial_customers: int
) -> float:
    """What the touchpoints' quality above (or below) its reference costs a day.

    Each touchpoint with a ``quality_reference`` pays the rate per unit of quality odds
    ``q / (1 - q)`` above the reference's: a convex curve, so the last points of quality
    are the dearest (both capped at 0.99, where the odds are 99). At the reference the
    cost is exactly zero.
    """

    def odds(q: float) -> float:
        q = min(q, QUALITY_CAP)
        return q / (1.0 - q)

    above = sum(
        odds(tp.quality) - odds(tp.quality_reference)
        for tp in touchpoints.values()
        if tp.quality_reference is not None
    )
    return cfg.quality_cost_per_1000_customers_day * initial_customers / 1000.0 * above


def integration_cost(
    cfg: FinanceConfig, built: float, run_above_reference: float, initial_customers: int
) -> float:
    """Today's cost of integration beyond the reference: projects built, and their upkeep.

    Args:
        cfg: The ``finance`` config (project cost and yearly upkeep share).
        built: Pair-levels of integration built today (one-off projects).
        run_above_reference: Pair-levels running above the reference (negative: fewer
            interfaces to keep up, a saving).
        initial_customers: The initial customer base the project cost is sized to.
    """
    project = cfg.integration_project_cost_per_1000_customers * initial_customers / 1000.0
    return project * (built + cfg.integration_run_share_per_year / 365.0 * run_above_reference)


def cost_to_serve(
    workforce: float,
    systems: float,
    partners: Iterable[float],
    programmes: float,
    messages: float = 0.0,
) -> float:
    """The day's cost of serving customers.

    Args:
        workforce: Wages and hiring (:meth:`cxsim.ecosystem.employees.Workforce.cost_today`).
        systems: The systems' running cost.
        partners: Each partner's cost of today's jobs.
        programmes: The CX team and the programmes (training, vision, trait hiring).
        messages: Proactive progress updates sent to waiting customers.
    """
    return workforce + systems + sum(partners) + programmes + messages


def acquisition_spend(cfg: FinanceConfig, revenue: float, acquired: int) -> float:
    """Marketing (a share of today's revenue) and the cost of each customer won today."""
    return cfg.marketing_share * revenue + acquired * cfg.acquisition_cost


def daily_discount_rate(rate_per_year: float) -> float:
    """The daily rate equivalent to ``rate_per_year``, compounded daily."""
    return (1.0 + rate_per_year) ** (1.0 / 365.0) - 1.0


def lifetime_value(
    margin: float, customer_days: float, churned: float, discount_rate_per_year: float
) -> float:
    """Discounted customer lifetime value from run totals.

    Args:
        margin: Revenue minus the cost of sales and the cost to serve over the run.
        customer_days: Sum over days of active customers.
        churned: Customers lost over the run.
        discount_rate_per_year: Annual discount rate.

    Returns:
        ``m (1 + d) / (1 + d - r)`` with ``m`` the margin per customer-day, ``r`` the
        daily retention and ``d`` the daily discount rate (Gupta & Lehmann 2003).
    """
    if customer_days <= 0:
        return 0.0
    m = margin / customer_days
    r = 1.0 - churned / customer_days
    d = daily_discount_rate(discount_rate_per_year)
    return m * (1.0 + d) / (1.0 + d - r)
