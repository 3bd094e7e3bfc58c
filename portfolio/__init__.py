"""Customer data and its analyses: imports, datasets, frames, the pure analyses, charts and the
analysis pages. May import icp_site; never profiles."""
