"""profiles.versions.selfcheck: the profile checks itself on a hand-made customer list."""

import datetime as dt

import pandas as pd
import pytest
from django.utils import translation

from profiles.versions.selfcheck import check_profile

TODAY = dt.date(2026, 6, 1)
# id, name, industry, employees, revenue, customer since (days ago); best: ids 1-5
ROWS = [
    (1, "Alpha", "IT", 120, 900, 100),
    (2, "Beta", "IT", 80, 800, 2000),
    (3, "Gamma", "IT", 30, 700, 200),
    (4, "Delta", "IT", 25, 600, 2000),
    (5, "Epsilon", "Telco", 150, 500, 2000),
    (6, "Zeta", "Retail", 5, 50, 50),
    (7, "Eta", "Retail", 300, 40, 2000),
    (8, "Theta", "IT", 70, 30, 2000),
    (9, "Iota", "Health", 12, 20, 300),
    (10, "Kappa", "Health", 9, 10, 2000),
]
BEST = [1, 2, 3, 4, 5]
LABELS = {"industry": "Industry", "employees": "Employees"}


@pytest.fixture
def frame() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["id", "name", "industry", "employees", "revenue", "ago"])
    frame["customer_since"] = [TODAY - dt.timedelta(days=d) for d in frame.pop("ago")]
    return frame


def crit(segment, attribute, operator, value):
    return {"segment": segment, "attribute": attribute, "operator": operator, "value": value}


def check(frame, *items):
    with translation.override("en"):
        return check_profile(items, frame, best_ids=BEST, today=TODAY, labels=LABELS)


def test_a_narrow_do_or_die_says_which_criterion_to_loosen_and_where_the_best_are(frame):
    result = check(frame, crit("do-or-die", "employees", "between", [50, 200]))
    assert (result.best_do_or_die, result.best_total) == (3, 5)  # Gamma and Delta are missed
    assert result.best_do_or_die_share == 60.0
    (warning,) = [w for w in result.warnings if w.code == "best_missed"]
    assert warning.text == (
        "Only 60% of the best customers are do-or-die (aim for 70% or more). "
        "Loosen “Employees between 50–200”: 2 best customers are at 25–30."
    )


def test_texts_of_the_missed_best_customers_are_named(frame):
    result = check(frame, crit("do-or-die", "industry", "in", ["Telco"]))
    (warning,) = [w for w in result.warnings if w.code == "best_missed"]
    assert warning.text.endswith("Loosen “Industry in Telco”: 4 best customers have IT instead.")


def test_a_do_not_criterion_that_excludes_best_customers_is_named_with_them(frame):
    result = check(
        frame,
        crit("do-or-die", "industry", "in", ["IT", "Telco"]),
        crit("do-not", "employees", "lt", 50),
    )
    assert result.best_do_not == 2
    (warning,) = [w for w in result.warnings if w.code == "best_excluded"]
    assert warning.text == (
        "Narrow or remove the do-not criterion “Employees < 50”: it excludes 2 best "
        "customers (Gamma, Delta)."
    )


def test_a_large_grey_zone_asks_for_do_not_criteria(frame):
    result = check(frame, crit("do-or-die", "employees", "gte", 100))
    assert result.grey == 7 and result.grey_share == 70.0
    (warning,) = [w for w in result.warnings if w.code == "grey_zone"]
    assert "70% of the customers are in the grey zone (aim for 60% or less)" in warning.text
    assert "Define the do-not segment" in warning.text


def test_a_profile_that_fits_has_no_warning_and_its_figures_add_up(frame):
    result = check(
        frame,
        crit("do-or-die", "industry", "in", ["IT", "Telco"]),
        crit("do-not", "industry", "in", ["Retail", "Health"]),
    )
    assert result.warnings == ()
    assert (result.best_do_or_die, result.best_do_not, result.grey) == (5, 0, 0)
    shares = {s.segment: s for s in result.segments}
    assert shares["do-or-die"].customers == 6 and shares["do-not"].customers == 4
    assert shares["do-or-die"].revenue_share == pytest.approx(3530 / 3650 * 100)
    assert sum(s.revenue_share for s in result.segments) == pytest.approx(100)
    # Won in the last 12 months: Alpha, Gamma, Zeta, Iota; Alpha and Gamma are do-or-die.
    assert (result.recent_do_or_die, result.recent_total) == (2, 4)


def test_best_customers_without_data_are_told_to_be_filled_in(frame):
    frame.loc[frame["id"].isin([3, 4, 5]), "employees"] = None
    result = check(
        frame,
        crit("do-or-die", "employees", "gte", 50),
        crit("do-or-die", "industry", "in", ["Retail"]),
    )
    (warning,) = [w for w in result.warnings if w.code == "best_missed"]
    assert "Loosen “Industry in Retail”: 5 best customers have IT, Telco instead." in warning.text


def test_unreadable_criteria_give_no_check(frame):
    assert check(frame, crit("do-or-die", "employees", "between", [9, 1])) is None


def test_the_warnings_speak_the_readers_language(frame):
    with translation.override("de"):
        result = check_profile(
            [crit("do-or-die", "employees", "between", [50, 200])],
            frame,
            best_ids=BEST,
            today=TODAY,
            labels={"employees": "Mitarbeitende"},
        )
    text = result.warnings[0].text
    assert "60\u00a0%" in text and "Mitarbeitende" in text and "Only" not in text
