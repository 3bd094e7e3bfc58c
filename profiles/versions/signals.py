"""Signals other parts of the app connect to.

`profile_published` is sent after the transaction that published a profile version commits,
with the keyword arguments `version` (ProfileVersion), `publication` (Publication) and
`base_url` (the app's address as the publisher saw it, "" when unknown); the sender is
ProfileVersion. Reviews connect to it to mark the review done and propose the next; the reps'
e-mail (reps.announce) to tell them what changed.
"""

import django.dispatch

profile_published = django.dispatch.Signal()
