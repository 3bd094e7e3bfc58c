"""`{% submit_token %}`: the hidden one-time token of a creation form (icp_site.submissions)."""

from django import template
from django.utils.html import format_html

from icp_site import submissions

register = template.Library()


@register.simple_tag
def submit_token():
    return format_html(
        '<input type="hidden" name="{}" value="{}">', submissions.FIELD, submissions.new_token()
    )
