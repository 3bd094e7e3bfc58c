"""The house look of every chart: layout, colours, escaping, hover texts, downsampling."""

from __future__ import annotations

import copy
import functools
import html
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

MAX_POINTS = 1000  # per trace: enough for the curve's shape, small enough for the page

MAX_BINS = 100

LOG_RATIO = 100  # log axis when the positive values span more than this factor (1st-99th pct)

# The app's colours for data, each at least 3:1 against white (WCAG 1.4.11) and told apart by
# lightness as well as hue, so they survive colour blindness and a washed-out projector. The
# CSS custom properties of the same names in static/css/app.css must match (a test checks).
BLUE_DARK, BLUE_MID, BLUE_LIGHT = "#08519c", "#2171b5", "#4f94d4"  # 7.9, 5.1, 3.2 : 1
ORANGE = "#b34700"  # 5.5:1, text-safe too
GREY = "#4b5563"
INK = "#111827"  # the page's text colour: for labels drawn on the light blue
WHITE = "#ffffff"

GROUP_COLORS = {"small": BLUE_LIGHT, "medium": BLUE_MID, "large": BLUE_DARK}
# Text drawn on a group's colour (pie labels): 4.5:1 or better on each.
GROUP_TEXT_COLORS = {"small": INK, "medium": WHITE, "large": WHITE}

CLASS_COLORS = {"A": BLUE_DARK, "B": BLUE_MID, "C": BLUE_LIGHT}

LINE_COLOR = ORANGE
LIMIT_COLOR = "#666666"
BAND_COLORS = {
    "intensify": BLUE_DARK,
    "maintain": BLUE_MID,
    "minimal_care": BLUE_LIGHT,
    "consider_separating": ORANGE,
}
TYPE_COLORS = {
    "star": BLUE_DARK,
    "question_mark": "#7b3294",
    "free_rider": "#a63d00",  # 6.4:1: its label is normal-size text
    "poor_dog": "#6b7280",
}
# A marker shape per type, so the four are told apart without colour.
TYPE_SYMBOLS = {
    "star": "circle",
    "question_mark": "diamond",
    "free_rider": "triangle-up",
    "poor_dog": "square",
}
# The profile's three segments, everywhere (pages, charts, the presenting view, the PDF).
SEGMENT_COLORS = {"do-or-die": "#007a5a", "neutral": GREY, "do-not": "#b3311b"}


def esc(value: object) -> str:
    """Escape a data-derived value for plotly's pseudo-HTML text (``<``, ``>``, ``&``)."""
    # quote=False: plotly.js does not decode &quot;, so quotes must stay as they are.
    return html.escape("" if value is None or value is pd.NA else str(value), quote=False)


def group_labels() -> dict[str, str]:
    """Translated display names of the size groups, with the method's letters."""
    return {"small": _("Small (C)"), "medium": _("Medium (B)"), "large": _("Large (A)")}


def downsample(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Evenly spaced positions in ``range(n)``, first and last included, at most ``limit``."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


def plain(obj: Any) -> Any:
    """Recursively turn numpy arrays and scalars into lists and Python numbers."""
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def figure(data: Iterable[Any], title: str, **layout: Any) -> dict[str, Any]:
    """A plotly figure as a JSON-ready dict, in the house layout (checked by plotly)."""
    base = {
        "template": "none",  # the default template would add ~7 KB to every chart
        "title": {"text": title, "font": {"size": 20}},
        # Large enough to read on a projector from the back of a meeting room.
        "font": {"family": "system-ui, sans-serif", "size": 16},
        "margin": {"l": 60, "r": 60, "t": 60, "b": 100},
        # Below the plot, clear of the x axis title.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.25},
        "hovermode": "closest",
    }
    fig = go.Figure(data=list(data), layout={**base, **layout})
    return plain(fig.to_plotly_json())


@functools.cache
def _base_layout() -> dict[str, Any]:
    return figure([], "")["layout"]


def quick_figure(data: list[dict], title: str, **layout: Any) -> dict[str, Any]:
    """Like `figure` from plain trace dicts, without plotly's validation (large scatter plots)."""
    base = copy.deepcopy(_base_layout())
    base["title"]["text"] = title
    return {"data": data, "layout": {**base, **layout}}


def empty_figure(title: str, message: str) -> dict[str, Any]:
    """A figure with no data and a message in its middle."""
    note = {"text": message, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5}
    hidden = {"visible": False}
    return figure([], title, annotations=[{**note, "y": 0.5}], xaxis=hidden, yaxis=hidden)


def rank_hover() -> str:
    """Hover text of a ranked bar: x is the rank, customdata holds name, share and cumulative."""
    return _("Rank %(rank)s: %(name)s<br>%(value)s (%(share)s, cumulative %(cum)s)") % {
        "rank": "%{x}",
        "name": "%{customdata[0]}",
        "value": "%{y:,.0f}",
        "share": "%{customdata[1]} %",
        "cum": "%{customdata[2]} %",
    }


def cumulative_hover() -> str:
    """Hover text of a cumulative-share line over ranked bars."""
    return _("Top %(rank)s: %(cum)s") % {"rank": "%{x}", "cum": "%{y:.1f} %"}


def pareto_layout(count: int, value_label: str | None = None) -> dict[str, Any]:
    """Axes of a Pareto chart: ranked values as bars, the cumulative share on the right."""
    return {
        "bargap": 0,
        "xaxis": {"title": {"text": _("Customers by rank (%(n)s in total)") % {"n": count}}},
        "yaxis": {"title": {"text": value_label or _("Revenue")}, "rangemode": "tozero"},
        "yaxis2": {
            "title": {"text": _("Cumulative share")},
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            # Fixed ticks: overlaying axes otherwise sync to the revenue ticks (32.9 %, ...).
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 20,
            "ticksuffix": " %",
            "showgrid": False,
        },
    }
