"""A chart as an image, drawn on the server without a browser or the internet: the plotly figure
a page shows (portfolio.charts) redrawn with matplotlib's Agg renderer, as PNG (slides, the
"Download chart" link) or SVG (the meeting pack's PDF).

Why not plotly's own export: it needs kaleido, which drives a Chrome of its own or the
machine's Chromium; a browser per chart is slow (seconds), heavy in the worker's image and one
more process that can hang. The figures here are a small vocabulary (bars, lines, markers, a
pie, annotations, a second y axis, a log x axis), so drawing them again keeps the same data,
titles, colours (portfolio.charts.common: the segments', groups', classes') and texts, in ~50 ms
a chart. Numbers on axes and labels follow the active language's format.
"""

from __future__ import annotations

import functools
import html
import io
import math
import re
from typing import Any

import matplotlib

matplotlib.use("Agg")

from django.utils import formats  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from portfolio.charts.common import INK  # noqa: E402

# Fonts tried in order for each character: Latin from DejaVu, Chinese from the CJK fonts the
# deployment installs (fonts-wqy-microhei; Noto CJK where present).
FONTS = ("DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP")
SYMBOLS = {"circle": "o", "diamond": "D", "triangle-up": "^", "square": "s"}
DASHES = {"dash": "--", "dot": ":", "dashdot": "-."}
_TEMPLATE = re.compile(r"%\{(\w+)(?:\[(\d+)\])?(?::([^}]*))?\}")


def _text(value: Any) -> str:
    """Plotly's pseudo-HTML text as plain text (line breaks kept, entities decoded)."""
    text = re.sub(r"<br\s*/?>", "\n", str(value if value is not None else ""), flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def number(value: float, spec: str = "") -> str:
    """A number as a plotly format spec asks (",.0f", ".1f", "") in the active language."""
    match = re.fullmatch(r"(,)?(?:\.(\d+))?[fg%]?", spec or "")
    digits = int(match[2]) if match and match[2] is not None else None
    if digits is None:
        digits = 0 if float(value).is_integer() else 2
    rounded = round(float(value), digits)
    return formats.number_format(rounded, digits, force_grouping=bool(match and match[1]))


def _fill(template: str, point: dict) -> str:
    def one(match):
        value = point.get(match[1])
        if match[2] is not None and isinstance(value, list | tuple):
            value = value[int(match[2])]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number(value, match[3] or "")
        return "" if value is None else str(value)

    return _text(_TEMPLATE.sub(one, template))


def _axis_formatter(suffix: str = "") -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: f"{number(value, ',')}{suffix}")


def _colour(value, index: int, default: str) -> str:
    if isinstance(value, list):
        return value[index % len(value)] if value else default
    return value or default


def _bars(ax, trace: dict, slot: tuple[int, int], categories: dict[str, int], mode: str):
    x, y = trace.get("x") or [], trace.get("y") or []
    marker = trace.get("marker") or {}
    colours = [_colour(marker.get("color"), i, "#2171b5") for i in range(len(y))]
    if x and isinstance(x[0], str):
        index, count = slot
        width = 0.8 / count if mode == "group" else 0.8
        shift = (index - (count - 1) / 2) * width if mode == "group" else 0
        positions = [categories.setdefault(_text(v), len(categories)) + shift for v in x]
        align = "center"
    else:
        positions, width = list(x), trace.get("width") or 0.8
        align = "edge" if trace.get("offset") == 0 else "center"
    bars = ax.bar(positions, y, width=width, color=colours, align=align, label=_name(trace))
    labels = _point_texts(trace, x, y)
    if labels and trace.get("textposition") in ("outside", "auto", None):
        ax.bar_label(bars, labels=labels, padding=3, fontsize=11, color=INK)
    return bars


def _point_texts(trace: dict, x: list, y: list) -> list[str] | None:
    if trace.get("texttemplate"):
        return [_fill(trace["texttemplate"], {"x": a, "y": b}) for a, b in zip(x, y, strict=False)]
    if isinstance(trace.get("text"), list):
        return [_text(t) for t in trace["text"]]
    return None


def _name(trace: dict) -> str | None:
    if trace.get("showlegend") is False or not trace.get("name"):
        return None
    return _text(trace["name"])


def _scatter(ax, trace: dict):
    mode = trace.get("mode") or "lines"
    line, marker = trace.get("line") or {}, trace.get("marker") or {}
    colour = line.get("color") or _colour(marker.get("color"), 0, "#b34700")
    style = {
        "color": colour,
        "linestyle": DASHES.get(line.get("dash"), "-") if "lines" in mode else "none",
        "linewidth": line.get("width", 2),
        "label": _name(trace),
    }
    if "markers" in mode:
        style.update(marker=SYMBOLS.get(marker.get("symbol"), "o"), markersize=5)
    ax.plot(trace.get("x") or [], trace.get("y") or [], **style)


def _pie(ax, trace: dict):
    labels = [_text(v) for v in trace.get("labels") or []]
    texts = [_text(v) for v in trace.get("text") or []]
    shown = [
        f"{a}\n{b}" if b else a for a, b in zip(labels, texts + [""] * len(labels), strict=False)
    ]
    marker = trace.get("marker") or {}
    inside = (trace.get("insidetextfont") or {}).get("color") or [INK] * len(labels)
    wedges, _labels = ax.pie(
        trace.get("values") or [],
        labels=None,
        colors=marker.get("colors"),
        startangle=90,
        counterclock=trace.get("direction") != "clockwise",
        wedgeprops={"edgecolor": "white", "linewidth": 2},
    )
    for wedge, text, colour in zip(wedges, shown, inside, strict=False):
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        small = wedge.theta2 - wedge.theta1 < 40  # outside, in ink, beside its slice
        radius = 1.22 if small else 0.62
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        align = ("left" if x > 0 else "right") if small else "center"
        ink = INK if small else colour
        ax.text(x, y, text, ha=align, va="center", color=ink, fontsize=13, weight="bold")
    ax.set_aspect("equal")


def _axis(ax, spec: dict, which: str, *, categories: bool = False) -> None:
    title = (spec.get("title") or {}).get("text")
    if title:
        (ax.set_xlabel if which == "x" else ax.set_ylabel)(_text(title), fontsize=13)
    if spec.get("visible") is False:
        ax.axis("off")
        return
    if which == "x" and spec.get("type") == "log":
        ax.set_xscale("log")
    elif which == "x" and not categories:
        ax.xaxis.set_major_formatter(_axis_formatter(spec.get("ticksuffix", "")))
    if spec.get("range") and spec.get("type") != "log":
        (ax.set_xlim if which == "x" else ax.set_ylim)(*spec["range"])
    if which == "y":
        ax.yaxis.set_major_formatter(_axis_formatter(spec.get("ticksuffix", "")))
        if spec.get("rangemode") == "tozero":
            ax.set_ylim(bottom=0)


@functools.cache
def fonts() -> list[str]:
    """The families of FONTS this machine has (matplotlib logs every one it misses)."""
    present = {entry.name for entry in font_manager.fontManager.ttflist}
    return [name for name in FONTS if name in present] or ["DejaVu Sans"]


def draw(figure: dict, *, width: float = 10, height: float = 5.6):
    """The figure drawn by matplotlib (a Figure; close it with plt.close)."""
    plt.rcParams.update({"font.family": fonts(), "font.size": 12, "axes.titlesize": 16})
    layout = figure.get("layout") or {}
    fig, ax = plt.subplots(figsize=(width, height))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    data = figure.get("data") or []
    bars = [t for t in data if t.get("type") == "bar"]
    mode = layout.get("barmode") or "group"
    categories: dict[str, int] = {}
    second = None
    for trace in data:
        kind = trace.get("type", "scatter")
        target = ax
        if trace.get("yaxis") == "y2":
            second = second or ax.twinx()
            target = second
        if kind == "bar":
            _bars(target, trace, (bars.index(trace), len(bars)), categories, mode)
        elif kind == "pie":
            _pie(ax, trace)
        else:
            _scatter(target, trace)
    if categories:
        ax.set_xticks(list(categories.values()), list(categories.keys()))
    if not any(t.get("type") == "pie" for t in data):
        _axis(ax, layout.get("xaxis") or {}, "x", categories=bool(categories))
        _axis(ax, layout.get("yaxis") or {}, "y")
        if second is not None:
            _axis(second, layout.get("yaxis2") or {}, "y")
            second.spines["top"].set_visible(False)
    else:
        ax.axis("off")
    for note in layout.get("annotations") or []:
        ax.text(
            note.get("x", 0.5),
            note.get("y", 0.5),
            _text(note.get("text")),
            transform=ax.transAxes,
            ha={"right": "right", "left": "left"}.get(note.get("xanchor"), "center"),
            va="center",
            fontsize=12,
            color=INK,
        )
    title = ((layout.get("title") or {}).get("text")) or ""
    ax.set_title(_text(title), loc="left", pad=14, color=INK)
    handles = [h for h in (ax, second) if h is not None]
    labelled = [
        (h, lab)
        for axis in handles
        for h, lab in zip(*axis.get_legend_handles_labels(), strict=True)
    ]
    if len(labelled) > 1 and layout.get("showlegend") is not False:
        ax.legend(
            [h for h, _lab in labelled],
            [lab for _h, lab in labelled],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=min(4, len(labelled)),
            frameon=False,
        )
    fig.tight_layout()
    return fig


def to_png(figure: dict, *, width: float = 10, height: float = 5.6, dpi: int = 160) -> bytes:
    """The figure as a PNG (10 × 5.6 inches at 160 dpi: 1600 × 896 pixels)."""
    fig = draw(figure, width=width, height=height)
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def to_svg(figure: dict, *, width: float = 10, height: float = 5.6) -> str:
    """The figure as SVG text (glyphs as paths: no font needed where it is shown)."""
    fig = draw(figure, width=width, height=height)
    try:
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", facecolor="white")
        return buffer.getvalue()
    finally:
        plt.close(fig)
