"""Keeping the profile fresh: the review cadence (pure date rules), the schedule, reviews,
reminders by e-mail (sent by the worker) and calendar files. Imports versions and workshop."""
