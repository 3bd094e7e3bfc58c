# English for an international team: day-month-year without ambiguity ("1 Mar 2025"), 24-hour
# times. One date format and one date-time format: the long and short names give the same.
from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "j M Y, H:i"
