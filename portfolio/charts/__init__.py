"""Plotly figures as JSON-ready dicts: `common` (the look), `steps` (the method's steps 1-3 and
ABC), `reports` (the analysis pages). Imports portfolio.analysis only."""
