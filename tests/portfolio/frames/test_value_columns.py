"""The value score's columns beyond revenue, found in a list's own columns in any of our
languages, and the defaults that count revenue once."""

import numpy as np
import pandas as pd

from portfolio.frames import value_columns
from portfolio.reports.results import default_parameters


def test_each_value_column_is_found_under_its_header_in_our_languages():
    extra = ["Lieferanteil", "Kündigungsrisiko", "Referenzkunde", "Partner", "Rabatt", "Region"]
    numeric = ["Lieferanteil", "Kündigungsrisiko", "Rabatt"]
    found = value_columns.sources(extra, numeric)
    assert found == {
        "potential": ("share", "Lieferanteil"),
        "churn_risk": ("value", "Kündigungsrisiko"),
        "strategic": ("flags", "Referenzkunde", "Partner"),
        "benefit": ("value", "Rabatt"),
    }
    assert value_columns.sources(["Region"], []) == {}


def test_potential_strategic_value_and_churn_from_orders_are_computed():
    frame = pd.DataFrame(
        {
            "extra:Share of wallet": [0.25, 0.9, np.nan],
            "extra:Reference": ["ja", "", "nein"],
            "extra:Partner": ["Yes", "x", None],
        }
    )
    potential = value_columns.compute(("share", "Share of wallet"), frame)
    assert potential[:2].tolist() == [75.0, 10.0] and np.isnan(potential[2])
    strategic = value_columns.compute(("flags", "Reference", "Partner"), frame)
    assert strategic.tolist() == [2.0, 1.0, 0.0]
    # Ordering monthly, last order 61 days ago: two orders missed.
    churn = value_columns.churn_from_orders(np.array([61.0]), np.array([12.0]))
    assert round(float(churn[0]), 1) == 2.0


def test_the_default_score_counts_revenue_once_and_the_methods_parameters():
    columns = {
        "revenue": "Revenue",
        "margin": "Margin %",
        "contribution": "Contribution margin",
        "lifetime_days": "Lifetime",
        "orders_per_year": "Orders a year",
        "strategic": "Strategic value",
        "churn_risk": "Churn risk",
    }
    found = default_parameters(columns)
    assert [(p.column, p.weight, p.higher_is_better) for p in found] == [
        ("revenue", 1.0, True),
        ("margin", 1.0, True),
        ("lifetime_days", 1.0, True),
        ("orders_per_year", 1.0, True),
        ("strategic", 1.0, True),
    ]  # churn risk joins where most customers have it (a dataset says so)
