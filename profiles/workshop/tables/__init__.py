"""Steps 4 and 5: the company and buyer tables, edited cell by cell, and their summaries
(mode, middle half, lift). Imports profiles.versions and the workshop's base modules."""
