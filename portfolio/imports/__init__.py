"""The import pipeline, read top to bottom in `pipeline`: read -> map -> validate -> aggregate
-> write. No views or requests; imports portfolio.models and portfolio.parsing."""
