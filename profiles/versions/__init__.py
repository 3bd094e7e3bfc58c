"""What a profile is: traits (the vocabulary of the company and buyer tables), criteria and
their one evaluation, the content a version stores, diffs, saving and publishing versions.
Imports profiles.models, portfolio.parsing and reviews.cadence (pure date rules)."""
