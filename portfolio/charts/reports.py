"""Plotly figures of the portfolio analysis pages (ABC, value score, four types, reps, segments).

Same conventions as ``portfolio.charts.steps`` (JSON-ready dicts, only scatter and bar traces
for the basic plotly.js bundle, data-derived text through ``esc``, labels translated at call
time, at most a couple of thousand points per figure) and the same look: the base layout is
taken from ``portfolio.charts.common`` once. The traces are written as plain dicts rather than
plotly ``graph_objects``, whose validation costs about 100 ms for a thousand-point figure: too
much for a page that must answer within 300 ms.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from portfolio.analysis import ABC_CLASSES, AbcResult
from portfolio.analysis.scoring import BANDS
from portfolio.analysis.types import TYPES, CustomerTypes
from portfolio.charts.common import (
    BAND_COLORS,
    CLASS_COLORS,
    LIMIT_COLOR,
    LINE_COLOR,
    MAX_POINTS,
    TYPE_COLORS,
    TYPE_SYMBOLS,
    cumulative_hover,
    downsample,
    empty_figure,
    esc,
    pareto_layout,
    quick_figure,
    rank_hover,
)

MAX_BARS = 40  # segments and owners beyond this are summed into one "others" bar


def _floats(values) -> list:
    """Numbers for JSON: NaN becomes None (plotly leaves a gap)."""
    array = np.asarray(values, dtype=float)
    return [None if v != v else v for v in array.tolist()]


# --------------------------------------------------------------------------- ABC


def abc_figure(abc: AbcResult, value_label: str, names: pd.Series) -> dict[str, Any]:
    """The Pareto curve with bars coloured by class and the class limits as dotted lines.

    ``names`` maps customer id -> name for the drawn points (at most MAX_POINTS customers, see
    ``abc_sample``); the others are not needed.
    """
    title = _("ABC analysis")
    frame = abc.frame
    if frame.empty:
        return empty_figure(title, _("No customer has a value."))
    sample = frame.iloc[abc_sample(abc)]
    label = esc(value_label)
    hover = rank_hover()
    data: list[dict] = []
    classes = sample["abc_class"].astype(str).to_numpy()
    for c in ABC_CLASSES:
        rows = sample[classes == c]
        customdata = [
            [esc(names.get(i, i)), round(s, 2), round(cs, 1)]
            for i, s, cs in zip(
                rows["id"].tolist(),
                rows["share"].tolist(),
                rows["cumulative_share"].tolist(),
                strict=True,
            )
        ]
        data.append(
            {
                "type": "bar",
                "name": _("Class %(c)s") % {"c": c},
                "x": rows["rank"].tolist(),
                "y": rows["value"].tolist(),
                "customdata": customdata,
                "marker": {"color": CLASS_COLORS[c], "line": {"width": 0}},
                "hovertemplate": hover + "<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "name": _("Cumulative share"),
            "x": sample["rank"].tolist(),
            "y": sample["cumulative_share"].round(2).tolist(),
            "yaxis": "y2",
            "mode": "lines",
            "line": {"color": LINE_COLOR, "width": 2},
            "hovertemplate": cumulative_hover() + "<extra></extra>",
        }
    )
    n = len(frame)
    for limit in abc.thresholds:
        data.append(
            {
                "type": "scatter",
                "name": f"{limit:g} %",
                "x": [1, n],
                "y": [limit, limit],
                "yaxis": "y2",
                "mode": "lines",
                "line": {"color": LIMIT_COLOR, "dash": "dot", "width": 1},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    return quick_figure(
        data,
        title,
        barmode="overlay",
        **pareto_layout(n, label),
    )


def abc_sample(abc: AbcResult) -> np.ndarray:
    """Rows of the ABC frame the chart draws: evenly spaced, each class's first kept."""
    classes = abc.frame["abc_class"].cat.codes.to_numpy()
    firsts = np.flatnonzero(np.r_[True, classes[1:] != classes[:-1]]) if classes.size else []
    return np.union1d(downsample(len(classes), MAX_POINTS - len(firsts)), firsts).astype(int)


# --------------------------------------------------------------------------- value score


def band_chart(band_counts: pd.Series, labels: dict[str, str]) -> dict[str, Any]:
    """Customers per score band, best band first."""
    title = _("Customers per band")
    if not band_counts.sum():
        return empty_figure(title, _("No customer could be scored."))
    bar = {
        "type": "bar",
        "x": [str(labels[b]) for b in BANDS],
        "y": [int(band_counts[b]) for b in BANDS],
        "marker": {"color": [BAND_COLORS[b] for b in BANDS]},
        "texttemplate": "%{y:,}",
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x}: %{y:,}<extra></extra>",
    }
    return quick_figure(
        [bar],
        title,
        showlegend=False,
        yaxis={"title": {"text": _("Customers")}, "rangemode": "tozero"},
    )


# --------------------------------------------------------------------------- four types


def types_scatter(
    types: CustomerTypes,
    points: pd.DataFrame,
    *,
    labels: dict[str, str],
    value_label: str,
    bond_label: str,
) -> dict[str, Any]:
    """The 2x2: one trace per type, the splits as dashed lines, the quadrants labelled.

    ``points`` are the drawn customers (id, name, value, bond, type): all or a sample.
    """
    title = _("Four customer types")
    if points.empty:
        return empty_figure(title, _("No customer has both values."))
    data: list[dict] = []
    hover = "%{customdata}<br>" + esc(value_label) + ": %{x:,.4g}<br>"
    hover += esc(bond_label) + ": %{y:,.4g}"
    kinds = points["type"].astype(str).to_numpy()
    for t in TYPES:
        rows = points[kinds == t]
        data.append(
            {
                "type": "scatter",
                "name": str(labels[t]),
                "x": _floats(rows["value"]),
                "y": _floats(rows["bond"]),
                "mode": "markers",
                # Full colour (a faded marker falls under 3:1) and a shape of its own per type.
                "marker": {"color": TYPE_COLORS[t], "symbol": TYPE_SYMBOLS[t], "size": 8},
                "customdata": [esc(n) for n in rows["name"]],
                "hovertemplate": hover + "<extra>" + esc(labels[t]) + "</extra>",
            }
        )
    vx, vy = types.split
    x_lo, x_hi = _span(types.frame["value"], vx)
    y_lo, y_hi = _span(types.frame["bond"], vy)
    line = {"color": LINE_COLOR, "dash": "dash", "width": 2}
    for x, y in (([vx, vx], [y_lo, y_hi]), ([x_lo, x_hi], [vy, vy])):
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines",
                "line": line,
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    corners = {
        "star": (1, 1, "right", "top"),
        "question_mark": (1, 0, "right", "bottom"),
        "free_rider": (0, 1, "left", "top"),
        "poor_dog": (0, 0, "left", "bottom"),
    }
    notes = [
        {
            "text": f"<b>{esc(labels[t])}</b>",
            "xref": "paper",
            "yref": "paper",
            "x": x,
            "y": y,
            "xanchor": xa,
            "yanchor": ya,
            "showarrow": False,
            "font": {"size": 18, "color": TYPE_COLORS[t]},
            "bgcolor": "#ffffff",
        }
        for t, (x, y, xa, ya) in corners.items()
    ]
    return quick_figure(
        data,
        title,
        xaxis={"title": {"text": esc(value_label)}, "range": [x_lo, x_hi], "zeroline": False},
        yaxis={"title": {"text": esc(bond_label)}, "range": [y_lo, y_hi], "zeroline": False},
        annotations=notes,
    )


def _span(values: pd.Series, split: float) -> tuple[float, float]:
    lo = float(np.nanmin([values.min(), split]))
    hi = float(np.nanmax([values.max(), split]))
    pad = (hi - lo) * 0.05 or 1.0
    return lo - pad, hi + pad


# --------------------------------------------------------------------------- bars


def _top(labels: list[str], values: list[float], others: str) -> tuple[list[str], list[float]]:
    """At most MAX_BARS bars: the rest summed into one."""
    if len(labels) <= MAX_BARS:
        return labels, values
    rest = float(np.nansum(values[MAX_BARS - 1 :]))
    return [*labels[: MAX_BARS - 1], others], [*values[: MAX_BARS - 1], rest]


def rep_chart(totals: pd.DataFrame, owner_names: list[str]) -> dict[str, Any]:
    """Revenue per owner, in the order of the totals table."""
    title = _("Revenue per sales rep")
    if totals.empty:
        return empty_figure(title, _("No customers."))
    names, revenue = _top([esc(n) for n in owner_names], totals["revenue"].tolist(), _("Others"))
    bar = {
        "type": "bar",
        "x": names,
        "y": _floats(revenue),
        "marker": {"color": CLASS_COLORS["A"]},
        "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>",
    }
    return quick_figure(
        [bar],
        title,
        showlegend=False,
        yaxis={"title": {"text": _("Revenue")}, "rangemode": "tozero"},
        xaxis={"automargin": True},
    )


def segment_chart(table: pd.DataFrame, labels: list[str], by_label: str) -> dict[str, Any]:
    """Share of customers next to share of revenue per segment (one percent axis)."""
    title = _("Customers and revenue by %(segment)s") % {"segment": esc(by_label)}
    if table.empty:
        return empty_figure(title, _("No customers."))
    names = [esc(n) for n in labels]
    data = []
    for name, share, absolute, color, number in (
        (_("Share of customers"), "customer_share", "customers", CLASS_COLORS["C"], ",d"),
        (_("Share of revenue"), "revenue_share", "revenue", CLASS_COLORS["A"], ",.0f"),
    ):
        x, y = _top(names, table[share].tolist(), _("Others"))
        _x, amounts = _top(names, table[absolute].astype(float).tolist(), _("Others"))
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": x,
                "y": _floats(y),
                "customdata": _floats(amounts),
                "marker": {"color": color},
                "texttemplate": "%{y:.1f} %",
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": f"%{{x}}: %{{y:.1f}} % (%{{customdata:{number}}})"
                f"<extra>{name}</extra>",
            }
        )
    return quick_figure(
        data,
        title,
        barmode="group",
        xaxis={"automargin": True},
        yaxis={"title": {"text": _("Share")}, "ticksuffix": " %", "rangemode": "tozero"},
    )
