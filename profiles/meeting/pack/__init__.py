"""The meeting pack: the workshop's result as a PDF (cover, a page per step, the profile, the
one-pager, the decision log) and a slide deck, in the workshop's language, charts drawn on the
server (portfolio.charts.images); written in the request or by the worker, with progress."""
