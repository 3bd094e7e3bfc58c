"""The analysis pages (ABC, value score, four types, reps, segments): views, forms, their
reads (`results`), exports and saved scoring models. On top of portfolio; never imported by it."""
