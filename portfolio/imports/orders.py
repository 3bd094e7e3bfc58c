"""Order-level imports: the periods an order list adds up over, and the aggregation per
customer (one SQL statement): order lines are stored exactly, added up exactly, and each
customer's sum is rounded once, half to even, to cents."""

import datetime as dt
import re
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _

from portfolio.models import Dataset, OrderRow


def period_range(dataset: Dataset, period: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a period covers, or None for all orders."""
    if period == "all":
        return None
    if period == "last-12-months":
        # Twelve months up to the newest order in the file, so an older export still works.
        newest = OrderRow.objects.filter(dataset=dataset).order_by("-order_date")
        newest = newest.exclude(order_date=None).values_list("order_date", flat=True).first()
        if newest is None:
            return None
        start = newest.replace(year=newest.year - 1) + dt.timedelta(days=1)
        if newest.month == 2 and newest.day == 29:
            start = dt.date(newest.year - 1, 3, 1)
        return start, newest
    year = int(period)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def half_even(expression: str, places: int) -> str:
    """SQL rounding `expression` (numeric) half to even; PostgreSQL's round() goes half up."""
    scaled = f"(({expression}) * {10**places})"
    return (
        f"(CASE WHEN abs({scaled} - trunc({scaled})) = 0.5 AND mod(trunc({scaled}), 2) = 0"
        f" THEN trunc({scaled}) / {10**places} ELSE round({expression}, {places}) END)"
    )


def aggregate_orders(dataset: Dataset, period: str, *, has_profit: bool) -> None:
    """Set each customer's revenue, orders, first/last order and margin from its orders."""
    bounds = period_range(dataset, period)
    in_period = "TRUE" if bounds is None else "order_date BETWEEN %(start)s AND %(end)s"
    start, end = bounds or (None, None)
    sql = f"""
        UPDATE portfolio_customer AS c SET
            revenue = {half_even("a.revenue", 2)},
            order_count = a.orders,
            first_order = a.first_order,
            last_order = a.last_order,
            customer_since = COALESCE(c.customer_since, a.first_order),
            margin = CASE
                WHEN NOT %(has_profit)s THEN c.margin
                WHEN a.revenue > 0 AND abs(100 * a.profit / a.revenue) < 100000
                    THEN {half_even("100 * a.profit / a.revenue", 2)}
                ELSE NULL END
        FROM (
            SELECT customer_id,
                COALESCE(SUM(amount) FILTER (WHERE {in_period}), 0) AS revenue,
                COUNT(*) FILTER (WHERE {in_period}) AS orders,
                SUM(profit) FILTER (WHERE {in_period}) AS profit,
                MIN(order_date) AS first_order,
                MAX(order_date) AS last_order
            FROM portfolio_orderrow WHERE dataset_id = %(dataset)s GROUP BY customer_id
        ) AS a
        WHERE c.id = a.customer_id AND c.dataset_id = %(dataset)s
    """
    params = {"has_profit": has_profit, "dataset": dataset.pk, "start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def order_revenue(dataset: Dataset) -> Decimal:
    """The exact sum of the dataset's order amounts in its period (not rounded)."""
    bounds = period_range(dataset, dataset.period)
    sql = "SELECT COALESCE(SUM(amount), 0) FROM portfolio_orderrow WHERE dataset_id = %s"
    params: list = [dataset.pk]
    if bounds is not None:
        sql += " AND order_date BETWEEN %s AND %s"
        params += list(bounds)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


PERIOD_RX = re.compile(r"^(all|last-12-months|(19|20)\d{2})$")


def period_choices() -> list[tuple[str, str]]:
    """All orders, the last 12 months, or one of the last ten calendar years."""
    year = dt.date.today().year
    return [
        ("all", _("All orders")),
        ("last-12-months", _("The 12 months up to the newest order")),
        *[(str(y), str(y)) for y in range(year, year - 10, -1)],
    ]
