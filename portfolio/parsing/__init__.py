"""Locale-aware parsing of what people write: numbers, percentages, dates, text, and numbers
typed into a form. Pure functions over pandas Series (and form fields); imports the shell's
l10n only."""
