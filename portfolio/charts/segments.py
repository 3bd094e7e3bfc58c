"""The profile's three segments as a chart (step 6, the presenting view, the meeting pack):
the share of revenue in each, in the segments' own colours, each bar labelled with its
customers so the chart reads without colour too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portfolio.charts.common import SEGMENT_COLORS, empty_figure, esc, figure


def segment_shares(rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> dict:
    """Bars of the share of revenue per segment; `rows` have segment, customers,
    customer_share, revenue_share (percent points), `labels` the segments' names."""
    title = _("Revenue by segment")
    shown = [row for row in rows if row["segment"] in SEGMENT_COLORS]
    if not shown or not sum(row["customers"] for row in shown):
        return empty_figure(title, _("No customer falls into a segment yet."))
    texts = [
        formats.number_format(round(float(row["revenue_share"]), 1), 1)
        + " % · "
        + ngettext("%(count)s customer", "%(count)s customers", int(row["customers"]))
        % {"count": formats.number_format(int(row["customers"]), force_grouping=True)}
        for row in shown
    ]
    bars = go.Bar(
        x=[esc(labels.get(row["segment"], row["segment"])) for row in shown],
        y=[float(row["revenue_share"]) for row in shown],
        text=texts,
        textposition="outside",
        marker={"color": [SEGMENT_COLORS[row["segment"]] for row in shown]},
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    return figure(
        [bars],
        title,
        showlegend=False,
        yaxis={"title": {"text": _("Share of revenue")}, "ticksuffix": " %", "range": [0, 115]},
    )
