"""The colours that carry meaning: defined once, readable (WCAG 1.4.3 / 1.4.11), the same in
the stylesheet and in the charts."""

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from portfolio.analysis import GROUPS, group_by_size
from portfolio.charts import common, steps

APP_CSS = Path(__file__).resolve().parents[3] / "static" / "css" / "app.css"
WHITE = "#ffffff"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


GRAPHIC_COLOURS = {
    **{f"group {k}": v for k, v in common.GROUP_COLORS.items()},
    **{f"class {k}": v for k, v in common.CLASS_COLORS.items()},
    **{f"band {k}": v for k, v in common.BAND_COLORS.items()},
    **{f"type {k}": v for k, v in common.TYPE_COLORS.items()},
    **{f"segment {k}": v for k, v in common.SEGMENT_COLORS.items()},
    "line": common.LINE_COLOR,
    "limit": common.LIMIT_COLOR,
}


@pytest.mark.parametrize("name", sorted(GRAPHIC_COLOURS))
def test_every_data_colour_stands_out_from_white_by_3_to_1(name):
    assert contrast(GRAPHIC_COLOURS[name], WHITE) >= 3


@pytest.mark.parametrize("group", sorted(common.GROUP_COLORS))
def test_a_pie_label_is_readable_on_its_slice(group):
    text, slice_colour = common.GROUP_TEXT_COLORS[group], common.GROUP_COLORS[group]
    assert contrast(text, slice_colour) >= 4.5


@pytest.mark.parametrize("kind", sorted(common.TYPE_COLORS))
def test_the_four_types_labels_are_readable_as_normal_text(kind):
    # The quadrant labels are 18 px bold: below "large text", so 4.5:1.
    assert contrast(common.TYPE_COLORS[kind], WHITE) >= 4.5


def test_the_four_types_differ_by_shape_as_well_as_colour():
    assert len(set(common.TYPE_SYMBOLS.values())) == len(common.TYPE_COLORS) == 4


def test_the_size_groups_differ_by_lightness_not_only_hue():
    ordered = [luminance(common.GROUP_COLORS[g]) for g in ("large", "medium", "small")]
    assert ordered == sorted(ordered)
    colours = [common.GROUP_COLORS[g] for g in ("large", "medium", "small")]
    assert contrast(colours[0], colours[1]) >= 1.5
    assert contrast(colours[1], colours[2]) >= 1.5


# Machado et al. (2009), severity 1, on linear RGB.
COLOUR_BLINDNESS = {
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
}


def _linear(colour: str) -> list[float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.9505
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.089

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen_with(kind: str, colour: str) -> tuple[float, float, float]:
    matrix, rgb = COLOUR_BLINDNESS[kind], _linear(colour)
    return _lab([sum(matrix[i][j] * rgb[j] for j in range(3)) for i in range(3)])


@pytest.mark.parametrize("kind", sorted(COLOUR_BLINDNESS))
def test_the_three_segments_stay_apart_for_red_green_colour_blind_readers(kind):
    # CIE76 distance: about 2 is just noticeable; 15 is clearly another colour.
    colours = list(common.SEGMENT_COLORS.values())
    for i, first in enumerate(colours):
        for second in colours[i + 1 :]:
            assert math.dist(seen_with(kind, first), seen_with(kind, second)) >= 15


def _css_variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", APP_CSS.read_text()))


def test_the_stylesheet_and_the_charts_share_the_segment_and_group_colours():
    css = _css_variables()
    for segment, colour in common.SEGMENT_COLORS.items():
        assert css[f"segment-{segment}"] == colour
    for group, colour in common.GROUP_COLORS.items():
        assert css[f"group-{group}"] == colour


def test_the_focus_ring_stands_out_on_white_and_the_header_uses_white():
    css = _css_variables()
    assert contrast(css["focus"], WHITE) >= 3
    assert contrast(css.get("brand-ink", WHITE), css["brand"]) >= 3
    assert ".site-header :focus-visible { outline-color: var(--brand-ink); }" in APP_CSS.read_text()


def test_the_pie_labels_each_slice_in_its_readable_colour_with_white_edges():
    frame = pd.DataFrame({"id": [1, 2, 3], "seats": [1, 10, 30], "revenue": [10, 20, 70]})
    pie = steps.revenue_pie(group_by_size(frame, metric="seats", thresholds=(5, 20)))["data"][0]
    assert pie["insidetextfont"]["color"] == [common.GROUP_TEXT_COLORS[g] for g in GROUPS]
    assert pie["marker"]["line"] == {"color": WHITE, "width": 2}
