# Swedish: 2025-03-01 14:30 (the Swedish standard). One date format and one date-time format.
from django.conf.locale.sv.formats import *  # noqa: F403

DATE_FORMAT = SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y-m-d H:i"
