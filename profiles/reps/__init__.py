"""What reps read: the current profile (one-pager), fit checks (one, bulk, API), segment
lists and CRM exports. Imports profiles.versions, profiles.models and portfolio."""
