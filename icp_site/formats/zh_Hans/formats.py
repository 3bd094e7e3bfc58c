# Chinese business documents group thousands with commas: 1,234,567.89. Dates 2025年3月1日,
# times 14:30: one date format and one date-time format.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_FORMAT = SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
