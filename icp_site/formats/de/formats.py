# German: 01.03.2025, 14:30. One date format and one date-time format everywhere.
from django.conf.locale.de.formats import *  # noqa: F403

DATE_FORMAT = SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
