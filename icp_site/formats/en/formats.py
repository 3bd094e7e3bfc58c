# English for an international team: day-month-year without ambiguity ("1 Mar 2025").
from django.conf.locale.en.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "j M Y"
DATE_FORMAT = "j F Y"
