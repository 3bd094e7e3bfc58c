"""The pack's slide deck (.pptx, python-pptx): a title slide, one slide per step (its question,
its chart as an image drawn on the server, or its table, and the decision so far) and one for
the profile, its segments in their colours."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from icp_site import l10n
from portfolio.charts import images
from portfolio.charts.common import INK, SEGMENT_COLORS

WIDE, HIGH = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _text(frame, lines: list[str], *, size: int = 18, bold_first=False, colour=INK) -> None:
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.color.rgb = _rgb(colour)
        paragraph.font.bold = bold_first and index == 0
        paragraph.space_after = Pt(6)


def _title(slide, title: str, subtitle: str = "") -> None:
    box = slide.shapes.add_textbox(MARGIN, Inches(0.3), WIDE - 2 * MARGIN, Inches(0.8))
    _text(box.text_frame, [title], size=30, bold_first=True)
    box.name = "Title"
    if subtitle:
        sub = slide.shapes.add_textbox(MARGIN, Inches(1.05), WIDE - 2 * MARGIN, Inches(0.6))
        _text(sub.text_frame, [subtitle], size=20, colour="#374151")


def _table(slide, table, left, top, width, height) -> None:
    rows = [table.headers, *table.rows]
    shape = slide.shapes.add_table(len(rows), len(table.headers), left, top, width, height)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = shape.table.cell(r, c)
            cell.text = str(value)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(14)


def _step_slide(deck, item) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    title = _("Step %(number)s: %(title)s") % {"number": item.number, "title": item.title}
    _title(slide, title, item.question)
    top = Inches(1.8)
    left_width = Inches(7.6)
    if item.figure:
        picture = io.BytesIO(images.to_png(item.figure, width=9, height=5.2, dpi=150))
        slide.shapes.add_picture(picture, MARGIN, top, width=left_width)
    elif item.table is not None and item.table.rows:
        _table(slide, item.table, MARGIN, top, left_width, Inches(0.4) * (len(item.table.rows) + 1))
    right = MARGIN + left_width + Inches(0.3)
    box = slide.shapes.add_textbox(right, top, WIDE - right - MARGIN, Inches(5))
    _text(
        box.text_frame,
        [_("Decision so far"), *[line for line in item.decision if line]],
        size=18,
        bold_first=True,
    )


def _profile_slide(deck, context) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    version = context["version"]
    title = _("The target customer profile")
    subtitle = _("Version %(number)s") % {"number": version.number} if version else _("Draft")
    _title(slide, title, subtitle)
    profile = context["profile"]
    width = (WIDE - 2 * MARGIN - Inches(0.4)) / 3
    for index, segment in enumerate(profile["segments"]):
        left = MARGIN + index * (width + Inches(0.2))
        bar = slide.shapes.add_shape(1, left, Inches(1.8), Emu(int(width)), Inches(0.12))
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(SEGMENT_COLORS[segment["key"]])
        bar.line.fill.background()
        box = slide.shapes.add_textbox(left, Inches(2.0), Emu(int(width)), Inches(4.8))
        lines = [segment["label"], *segment["criteria"]]
        if segment["note"]:
            lines.append(segment["note"])
        if len(lines) == 1:
            lines.append(_("No criteria."))
        _text(box.text_frame, lines, size=16, bold_first=True)


def deck(context: dict) -> bytes:
    """The deck as .pptx bytes, in the active language."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDE, HIGH
    cover = presentation.slides.add_slide(presentation.slide_layouts[6])
    workshop = context["workshop"]
    _title(cover, workshop.title, str(context["organization"]))
    people = [
        f"{p['name']} ({p['function']})" if p["function"] else p["name"]
        for p in context["participants"]
    ]
    box = cover.shapes.add_textbox(MARGIN, Inches(2.0), WIDE - 2 * MARGIN, Inches(4.5))
    _text(
        box.text_frame,
        [
            l10n.format_date(workshop.date),
            _("Participants: %(names)s") % {"names": ", ".join(people) or "—"},
        ],
        size=20,
    )
    for item in context["steps"]:
        _step_slide(presentation, item)
    _profile_slide(presentation, context)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
