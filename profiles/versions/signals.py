"""Signals other parts of the app connect to.

`profile_published` is sent after the transaction that published a profile version commits,
with the keyword arguments `version` (ProfileVersion) and `publication` (Publication); the
sender is ProfileVersion. Reviews connect to it to mark the review done and propose the next.
"""

import django.dispatch

profile_published = django.dispatch.Signal()
