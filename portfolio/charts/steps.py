"""Plotly figures of the method's steps 1-3 and the ABC analysis, returned as JSON-ready dicts.

Every function returns ``{"data": [...], "layout": {...}}`` with plain Python lists and numbers,
ready for ``json.dumps`` or Django's ``json_script`` (rendered by static/js/charts.js with the
basic plotly.js bundle, so only scatter, bar and pie traces are used). Data is binned or
downsampled here, so no trace carries more than about 1,000 points whatever the portfolio size.

plotly.js renders text as HTML-like markup, so every data-derived string (customer names, column
names) goes through ``html.escape`` before it reaches a trace, hover text or title. Labels are
translated with Django's ``gettext`` at call time, so Django settings must be configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from portfolio.analysis import ABC_CLASSES, GROUPS, AbcResult, SizeGroups
from portfolio.charts.common import (
    CLASS_COLORS,
    GROUP_COLORS,
    GROUP_TEXT_COLORS,
    LIMIT_COLOR,
    LINE_COLOR,
    LOG_RATIO,
    MAX_BINS,
    MAX_POINTS,
    WHITE,
    cumulative_hover,
    downsample,
    empty_figure,
    esc,
    figure,
    group_labels,
    pareto_layout,
    rank_hover,
)

# --------------------------------------------------------------------------- step 1


def _bins(values: np.ndarray, thresholds: Sequence[float]) -> tuple[np.ndarray, bool, bool]:
    """Bin edges for the histogram: (edges, log axis?, one bin per whole number?)."""
    lo, hi = values.min(), values.max()
    positive = values[values > 0]
    # Percentiles, not min/max, so a few near-zero outliers don't put a bell curve on a log axis.
    low, high = np.percentile(positive, [1, 99]) if positive.size else (1.0, 1.0)
    log = high / low > LOG_RATIO
    integer = not log and hi - lo <= MAX_BINS and bool(np.all(values == np.round(values)))
    if integer:
        return np.arange(lo - 0.5, hi + 1.5), False, True
    count = int(min(MAX_BINS, max(1, np.ceil(np.sqrt(values.size)))))
    if log:
        edges = np.geomspace(positive.min(), positive.max(), count + 1)
    elif lo == hi:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.linspace(lo, hi, count + 1)
    # Thresholds become edges, so no bar mixes two size groups.
    inside = [t for t in thresholds if edges[0] < t < edges[-1]]
    return np.unique(np.concatenate([edges, inside])), log, False


def _histogram(customers: pd.DataFrame, metric: str, thresholds: tuple[float, float]):
    """The bins of step 1's histogram, or None when no customer has a value."""
    raw = customers[metric] if metric in customers.columns else pd.Series(dtype=float)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    edges, log, integer = _bins(values, thresholds)
    shown = values[values > 0] if log else values
    # Right-closed bins (a, b] match the thresholds' "small is metric <= t1".
    index = np.clip(np.searchsorted(edges, shown, side="left"), 1, edges.size - 1) - 1
    counts = np.bincount(index, minlength=edges.size - 1)
    lower, upper = edges[:-1], edges[1:]
    t1, t2 = thresholds
    probe = np.floor(upper) if integer else upper  # the largest value a bin can hold
    group = np.where(probe <= t1, "small", np.where(probe <= t2, "medium", "large"))
    return values, log, integer, counts, lower, upper, group


def histogram_rows(
    customers: pd.DataFrame, metric: str, thresholds: tuple[float, float]
) -> list[dict[str, Any]]:
    """The histogram's bars as table rows (the chart's data table): range, customers, group."""
    bins = _histogram(customers, metric, thresholds)
    if bins is None:
        return []
    _values, _log, integer, counts, lower, upper, group = bins
    labels = group_labels()
    return [
        {
            "value": (lo + hi) / 2 if integer else None,
            "lower": float(lo),
            "upper": float(hi),
            "customers": int(n),
            "group": g,
            "group_label": labels[g],
        }
        for lo, hi, n, g in zip(lower, upper, counts, group, strict=True)
        if n
    ]


def size_histogram(
    customers: pd.DataFrame, metric: str, thresholds: tuple[float, float]
) -> dict[str, Any]:
    """Customers per metric bin, bars coloured by size group, thresholds as vertical lines."""
    name = esc(metric)
    title = _("Customers by %(metric)s") % {"metric": name}
    bins = _histogram(customers, metric, thresholds)
    if bins is None:
        return empty_figure(title, _("No customer has a value for %(metric)s.") % {"metric": name})
    values, log, integer, counts, lower, upper, group = bins
    # Whole-number bars are centred on their number; other bars start at their lower edge and
    # span the bin (offset 0), which also lays them out exactly on a log axis.
    x = (lower + upper) / 2 if integer else lower
    t1, t2 = thresholds
    labels = group_labels()
    hover = _("%(range)s: %(count)s customers") % {
        "range": "%{x}" if integer else "%{customdata[0]:,.4g} – %{customdata[1]:,.4g}",
        "count": "%{y:,}",
    }
    data: list[Any] = []
    for g in GROUPS:
        keep = (group == g) & (counts > 0)
        data.append(
            go.Bar(
                name=labels[g],
                x=x[keep].tolist(),
                y=counts[keep].tolist(),
                width=(upper - lower)[keep].tolist(),
                offset=None if integer else 0,
                customdata=np.column_stack([lower[keep], upper[keep]]).tolist(),
                marker={"color": GROUP_COLORS[g]},
                hovertemplate=hover + "<extra>" + labels[g] + "</extra>",
            )
        )
    top = float(counts.max()) * 1.05
    for label, t in ((_("Small / medium"), t1), (_("Medium / large"), t2)):
        if log and t <= 0:
            continue  # a log axis cannot show it
        x = np.floor(t) + 0.5 if integer else t  # integer bars sit on whole numbers
        data.append(
            go.Scatter(
                name=f"{label}: {t:g}",
                x=[x, x],
                y=[0, top],
                mode="lines",
                line={"color": LINE_COLOR, "dash": "dash", "width": 2},
                hovertemplate=f"{label}: {t:g}<extra></extra>",
            )
        )
    notes = []
    if log and (hidden := int((values <= 0).sum())):
        message = _("%(count)s customers with a value of 0 or less are not shown (log axis).")
        notes.append(
            {
                "text": message % {"count": hidden},
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": 1.05,
                "xanchor": "right",
            }
        )
    return figure(
        data,
        title,
        barmode="overlay",
        bargap=0.05,
        xaxis={"title": {"text": name}, "type": "log" if log else "linear"},
        yaxis={"title": {"text": _("Customers")}, "rangemode": "tozero"},
        annotations=notes,
    )


# --------------------------------------------------------------------------- step 2


def revenue_pie(groups: SizeGroups) -> dict[str, Any]:
    """Revenue share per size group as a pie, labelled with the table's rounded shares."""
    title = _("Revenue by customer size")
    table = groups.table
    if not table["revenue"].clip(lower=0).sum() > 0:
        return empty_figure(title, _("No revenue in any group."))
    labels = group_labels()
    pie = go.Pie(
        labels=[labels[g] for g in GROUPS],
        values=table["revenue"].clip(lower=0).tolist(),  # a pie cannot show negative slices
        text=[f"{s:.1f} %" for s in table["revenue_share"]],
        textinfo="label+text",
        hovertemplate="%{label}<br>%{value:,.0f}<br>%{text}<extra></extra>",
        # White edges: each slice stands against white, not against its neighbour's blue.
        marker={"colors": [GROUP_COLORS[g] for g in GROUPS], "line": {"color": WHITE, "width": 2}},
        insidetextfont={"color": [GROUP_TEXT_COLORS[g] for g in GROUPS]},
        sort=False,
        direction="clockwise",
    )
    return figure([pie], title, showlegend=False)


def share_bars(groups: SizeGroups) -> dict[str, Any]:
    """Share of customers next to share of revenue for each size group (grouped bars)."""
    labels = group_labels()
    x = [labels[g] for g in GROUPS]
    data = [
        go.Bar(
            name=name,
            x=x,
            y=groups.table[column].tolist(),
            texttemplate="%{y:.1f} %",
            textposition="outside",
            marker={"color": color},
            hovertemplate="%{x}: %{y:.1f} %<extra>" + name + "</extra>",
        )
        for name, column, color in (
            (_("Share of customers"), "customer_share", CLASS_COLORS["C"]),
            (_("Share of revenue"), "revenue_share", CLASS_COLORS["A"]),
        )
    ]
    return figure(
        data,
        _("Customers and revenue by size"),
        barmode="group",
        yaxis={"title": {"text": _("Share")}, "ticksuffix": " %", "range": [0, 110]},
    )


# --------------------------------------------------------------------------- Pareto / ABC


def _names(frame: pd.DataFrame) -> list[str]:
    if "name" not in frame.columns:
        return [esc(i) for i in frame["id"]]
    return [esc(v) if pd.notna(v) else "" for v in frame["name"]]


def _revenue_bars(frame: pd.DataFrame, name: str, color: str) -> go.Bar:
    customdata = np.column_stack(
        [_names(frame), frame["share"].round(2), frame["cumulative_share"].round(1)]
    )
    return go.Bar(
        name=name,
        x=frame["rank"].tolist(),
        y=frame["value"].tolist(),
        customdata=customdata.tolist(),
        marker={"color": color, "line": {"width": 0}},
        hovertemplate=rank_hover() + "<extra></extra>",
    )


def _cumulative_line(frame: pd.DataFrame) -> go.Scatter:
    return go.Scatter(
        name=_("Cumulative share"),
        x=frame["rank"].tolist(),
        y=frame["cumulative_share"].round(2).tolist(),
        yaxis="y2",
        mode="lines",
        line={"color": LINE_COLOR, "width": 2},
        hovertemplate=cumulative_hover() + "<extra></extra>",
    )


def pareto_chart(pareto_frame: pd.DataFrame) -> dict[str, Any]:
    """Revenue per customer by rank (bars) with the cumulative share (line, right axis)."""
    title = _("Pareto curve")
    if pareto_frame.empty:
        return empty_figure(title, _("No customer has revenue data."))
    sample = pareto_frame.iloc[downsample(len(pareto_frame))]
    data = [_revenue_bars(sample, _("Revenue"), CLASS_COLORS["B"]), _cumulative_line(sample)]
    return figure(data, title, **pareto_layout(len(pareto_frame)))


def abc_chart(abc: AbcResult) -> dict[str, Any]:
    """The Pareto curve with bars coloured by ABC class and the class limits as dashed lines."""
    title = _("ABC analysis")
    frame = abc.frame
    if frame.empty:
        return empty_figure(title, _("No customer has revenue data."))
    # Sample once over the whole curve (each class's first customer kept) so the classes share
    # one spacing and their bars line up.
    firsts = np.flatnonzero(frame["abc_class"].ne(frame["abc_class"].shift()).to_numpy())
    keep = np.union1d(downsample(len(frame), MAX_POINTS - firsts.size), firsts)
    sample = frame.iloc[keep]
    data: list[Any] = [
        _revenue_bars(
            sample[sample["abc_class"] == c], _("Class %(c)s") % {"c": c}, CLASS_COLORS[c]
        )
        for c in ABC_CLASSES
    ]
    data.append(_cumulative_line(sample))
    n = len(frame)
    for limit in abc.thresholds:
        data.append(
            go.Scatter(
                name=f"{limit:g} %",
                x=[1, n],
                y=[limit, limit],
                yaxis="y2",
                mode="lines",
                line={"color": LIMIT_COLOR, "dash": "dot", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return figure(data, title, barmode="overlay", **pareto_layout(n))
