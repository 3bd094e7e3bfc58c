"""What a profile means for the customer list: the one frame (the dataset plus the workshop's
table corrections), every customer's segment computed by the one function and stored per
version and per workshop draft, the reps' lists, counts and exports that read them.
Imports profiles.models, profiles.versions and portfolio; the workshop and the reps' pages
import it."""
