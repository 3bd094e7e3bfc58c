"""portfolio.analysis.targets: who is active, who left early, the first share by a goal, and
the customers not to chase, on hand-made frames."""

import datetime as dt

import numpy as np
import pandas as pd

from portfolio.analysis.targets import active, first_share, left_early, not_to_chase

TODAY = dt.date(2026, 6, 1)


def days(n):
    return TODAY - dt.timedelta(days=n)


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "margin": [50.0, 10.0, 40.0, 5.0, np.nan, 30.0],
            "sales_cycle_days": [20.0, 200.0, 30.0, 40.0, 300.0, 25.0],
            "lifetime_days": [100.0, 3000.0, 50.0, 10.0, 400.0, 900.0],
            "customer_since": [days(900), days(800), days(400), days(400), days(600), days(90)],
            # 3 left 100 days ago after 300 days; 4 left yesterday after 399; 6 ends next year.
            "customer_until": [None, None, days(100), days(1), None, days(-365)],
        }
    )


def test_a_customer_is_active_until_the_end_date_has_passed():
    assert active(frame(), TODAY).tolist() == [True, True, False, False, True, True]
    assert active(frame().drop(columns="customer_until"), TODAY).all()


def test_who_left_within_a_year_of_joining():
    assert left_early(frame(), TODAY).tolist() == [False, False, True, False, False, False]
    assert left_early(frame(), TODAY, days=400).tolist()[3]


def test_the_first_share_takes_the_highest_or_the_lowest_and_ties_in_order():
    values = pd.Series([5.0, 1.0, 5.0, 3.0, np.nan, 5.0])
    assert first_share(values, 0.4, ascending=False).tolist() == [1, 0, 1, 0, 0, 0]
    assert first_share(values, 0.2, ascending=True).tolist() == [0, 1, 0, 0, 0, 0]
    among = np.array([False, True, True, True, True, True])
    assert first_share(values, 0.2, ascending=False, among=among).tolist() == [0, 0, 1, 0, 0, 0]
    assert first_share(pd.Series([np.nan, np.nan]), 0.5, ascending=True).sum() == 0


def test_the_customers_not_to_chase_and_why():
    found = not_to_chase(frame(), goal="margin", ascending=False, today=TODAY)
    # Active with a margin: 1, 2, 6 (5 has none) -> the lowest fifth, at least one: 2.
    # Left early: 3. Longest fifth of the active sales cycles: 5 (300 days).
    assert (found.bottom, found.left_early, found.long_cycle) == (1, 1, 1)
    assert found.mask.tolist() == [False, True, True, False, True, False]


def test_a_short_lifetime_of_an_active_customer_is_no_reason_not_to_chase():
    found = not_to_chase(
        frame().drop(columns="sales_cycle_days"), goal="lifetime_days", ascending=False, today=TODAY
    )
    assert found.bottom == 0 and found.long_cycle == 0
    assert found.mask.tolist() == [False, False, True, False, False, False]
