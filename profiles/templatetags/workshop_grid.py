"""The cells of the company and buyer tables: `{% grid_cell cell can_edit oob %}`."""

from django import template

from profiles.workshop.tables.page import cell_html

register = template.Library()


@register.simple_tag
def grid_cell(cell, can_edit, oob=False) -> str:
    """A cell nobody edits, as the grid shows it (profiles.workshop.tables.page.cell_html)."""
    return cell_html(cell, can_edit=bool(can_edit), oob=bool(oob))
