"""The one loader from the database to pandas: `customers` (typed columns of a dataset),
`steps` (the method's frames), `cache` (per process, per dataset revision).
Imports portfolio.models and portfolio.analysis."""
