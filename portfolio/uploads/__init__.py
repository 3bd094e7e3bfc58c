"""A file on its way to a dataset: upload, sample, mapping page, run with progress (inline or
in the worker), discard and clean up. Imports portfolio.imports and portfolio.models."""
