"""What each chart shows, in one translated sentence with its key figures.

A chart is a picture; a screen-reader user, someone at the back of the room or a reader of
the minutes gets its finding from this sentence (the chart's caption) and its numbers from
the data table the caption links to. Numbers are formatted in the active language.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

from icp_site.l10n import format_percent
from portfolio.analysis import ABC_CLASSES, AbcResult, SizeGroups


def _count(value) -> str:
    return formats.number_format(int(value), force_grouping=True)


def _limit(value) -> str:
    text = formats.number_format(float(value), 2, force_grouping=True)
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def _share(value, digits: int = 1) -> str:
    return format_percent(0 if pd.isna(value) else value, digits=digits)


def sizes(groups: SizeGroups, metric_label: str) -> str:
    """Step 1's histogram: how many customers each group holds."""
    table = groups.table
    t1, t2 = groups.thresholds
    return _(
        "By %(metric)s, %(small)s customers are small (up to %(t1)s), %(medium)s medium "
        "(up to %(t2)s) and %(large)s large (above %(t2)s)."
    ) % {
        "metric": metric_label,
        "small": _count(table.loc["small", "customers"]),
        "medium": _count(table.loc["medium", "customers"]),
        "large": _count(table.loc["large", "customers"]),
        "t1": _limit(t1),
        "t2": _limit(t2),
    }


def revenue(groups: SizeGroups) -> str:
    """Step 2's pie: each group's share of the revenue."""
    share = groups.table["revenue_share"]
    return _(
        "Large customers bring %(large)s of the revenue, medium %(medium)s, small %(small)s."
    ) % {g: _share(share[g]) for g in ("large", "medium", "small")}


def shares(groups: SizeGroups) -> str:
    """Step 2's bars: each group's share of the customers beside its share of the revenue."""
    table = groups.table
    figures = {}
    for g in ("large", "medium", "small"):
        figures[f"{g}_customers"] = _share(table.loc[g, "customer_share"])
        figures[f"{g}_revenue"] = _share(table.loc[g, "revenue_share"])
    return (
        _(
            "Large customers are %(large_customers)s of the customers and bring "
            "%(large_revenue)s of the revenue; medium: %(medium_customers)s and "
            "%(medium_revenue)s; small: %(small_customers)s and %(small_revenue)s."
        )
        % figures
    )


def pareto(curve: pd.DataFrame) -> str:
    """Step 3's Pareto curve: how few customers make 80 % of the group's revenue."""
    if curve.empty:
        return _("No customer of the group has revenue.")
    cumulative = curve["cumulative_share"].to_numpy()
    count = min(int((cumulative < 80 - 1e-9).sum()) + 1, len(curve))
    return _(
        "%(count)s of the group's %(total)s customers (%(share)s) bring %(limit)s of its revenue."
    ) % {
        "limit": _share(80, 0),
        "count": _count(count),
        "total": _count(len(curve)),
        "share": _share(count / len(curve) * 100),
    }


def abc(result: AbcResult) -> str:
    """The ABC chart: each class's customers and share of the value."""
    if result.frame.empty:
        return _("No customer has a value.")
    table = result.table
    figures = {}
    for c in ABC_CLASSES:
        figures[f"{c}_customers"] = _count(table.loc[c, "customers"])
        figures[f"{c}_share"] = _share(table.loc[c, "customer_share"])
        figures[f"{c}_value"] = _share(table.loc[c, "value_share"])
    return (
        _(
            "Class A: %(A_customers)s customers (%(A_share)s) with %(A_value)s of the value; "
            "class B: %(B_customers)s (%(B_share)s) with %(B_value)s; "
            "class C: %(C_customers)s (%(C_share)s) with %(C_value)s."
        )
        % figures
    )


def _counts(pairs) -> str:
    return _(", ").join(
        _("%(label)s: %(count)s") % {"label": label, "count": _count(n)} for label, n in pairs
    )


def bands(band_counts: pd.Series, labels: dict[str, str]) -> str:
    """The value-score chart: customers per band, best band first."""
    if not band_counts.sum():
        return _("No customer could be scored.")
    pairs = [(labels[b], band_counts[b]) for b in band_counts.index]
    return _("Customers per band: %(counts)s.") % {"counts": _counts(pairs)}


def types(
    counts: pd.Series,
    labels: dict[str, str],
    split: tuple[float, float],
    axes: tuple[str, str],
) -> str:
    """The four-types scatter: customers per type and where the two axes are split."""
    if not counts.sum():
        return _("No customer has both values.")
    pairs = [(labels[t], counts[t]) for t in counts.index]
    return _(
        "Customers per type: %(counts)s. Split: %(value_axis)s at %(value)s, "
        "%(bond_axis)s at %(bond)s."
    ) % {
        "counts": _counts(pairs),
        "value_axis": axes[0],
        "value": _limit(split[0]),
        "bond_axis": axes[1],
        "bond": _limit(split[1]),
    }


def reps(totals: pd.DataFrame, owner_names: list[str]) -> str:
    """The revenue-per-rep chart: the largest portfolio and how many there are."""
    if totals.empty:
        return _("No customers.")
    top = int(np.nanargmax(totals["revenue"].to_numpy(dtype=float)))
    return _(
        "%(name)s has the largest portfolio, with %(share)s of the revenue; %(count)s "
        "portfolios in all."
    ) % {
        "name": owner_names[top],
        "share": _share(totals["revenue_share"].iloc[top]),
        "count": _count(len(totals)),
    }


def segments(table: pd.DataFrame, labels: list[str], by_label: str) -> str:
    """The segment chart: the segment with most revenue, and its share of the customers."""
    if table.empty:
        return _("No customers.")
    top = int(np.nanargmax(table["revenue_share"].to_numpy(dtype=float)))
    return _(
        "By %(by)s, %(segment)s brings the most revenue: %(revenue)s of it, from %(customers)s "
        "of the customers."
    ) % {
        "by": by_label,
        "segment": labels[top],
        "revenue": _share(table["revenue_share"].iloc[top]),
        "customers": _share(table["customer_share"].iloc[top]),
    }
