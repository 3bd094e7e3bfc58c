"""The pack's PDF and the one-pager's PDF: HTML templates laid out by WeasyPrint (pango on the
machine; no browser, no internet). The stylesheets are read from the static files and inlined,
so nothing is fetched while the PDF is written."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from icp_site import l10n
from portfolio.charts import images

PACK_TEMPLATE = "profiles/meeting/pack.html"
ONE_PAGER_TEMPLATE = "profiles/meeting/onepager_pdf.html"
# The one-pager shrinks its type until it fits one A4 page (a long profile), down to 6.5 pt.
ONE_PAGER_SIZES = (9.5, 8.5, 7.5, 6.5)


@functools.cache
def stylesheet(*names: str) -> str:
    """The static stylesheets `names`, concatenated (read once per process)."""
    found = []
    for name in names:
        path = finders.find(name)
        found.append(Path(path).read_text() if path else "")
    return "\n".join(found)


def chart_image(figure: dict | None) -> str:
    """A figure as an SVG data URL for an <img> of the PDF ("" without a figure)."""
    if not figure:
        return ""
    svg = images.to_svg(figure, width=10, height=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """A PDF of `html` and its number of pages."""
    from weasyprint import HTML  # a second's import: only where a PDF is written

    document = HTML(string=html, base_url=None).render()
    return document.write_pdf(), len(document.pages)


def pack_pdf(context: dict) -> bytes:
    """The meeting pack's PDF from its context (pack.services.pack_context)."""
    html = render_to_string(
        PACK_TEMPLATE,
        {
            **context,
            "css": stylesheet("css/app.css", "css/rep.css", "css/pack.css"),
            "generated": l10n.format_datetime(timezone.now()),
        },
    )
    return html_to_pdf(html)[0]


def one_pager_pdf(context: dict) -> bytes:
    """The one-pager as one A4 page: the type shrinks until it fits (see ONE_PAGER_SIZES)."""
    css = stylesheet("css/app.css", "css/rep.css", "css/pack.css")
    pdf = b""
    for size in ONE_PAGER_SIZES:
        html = render_to_string(
            ONE_PAGER_TEMPLATE, {**context, "css": css, "font_size": f"{size}pt"}
        )
        pdf, pages = html_to_pdf(html)
        if pages == 1:
            break
    return pdf
