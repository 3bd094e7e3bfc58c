"""Step 6: the draft profile built from the tables, edited by the team, its decision log and
what it means for the customer list. Imports tables, versions and the workshop's base."""
