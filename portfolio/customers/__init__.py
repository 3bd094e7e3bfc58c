"""The customer pages: the datasets, the customer list, re-aggregation and deletion.
Imports portfolio.models, portfolio.imports (aggregation, facets) and the shell."""
