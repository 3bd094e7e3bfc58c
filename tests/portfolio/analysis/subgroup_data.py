"""Generated customer lists for the subgroup search: a planted segment, or no pattern at all."""

import numpy as np
import pandas as pd

INDUSTRIES = ["Manufacturing", "Logistics", "IT", "Retail", "Finance", "Health", "Telco", "Energy"]
COUNTRIES = ["SE", "DE", "UK", "NO", "DK", "FI", "NL", "FR"]
POSITIONS = ["leader", "challenger", "newcomer"]
GROWTH = ["recession", "stagnation", "moderate", "hyper-growth"]
ATTRIBUTES = ["industry", "country", "market_position", "growth", "employees", "company_revenue"]


def portfolio(n: int, seed: int) -> pd.DataFrame:
    """`n` customers with four text and two number attributes, independent of each other."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "industry": pd.Categorical(rng.choice(INDUSTRIES, n)),
            "country": pd.Categorical(rng.choice(COUNTRIES, n)),
            "market_position": pd.Categorical(rng.choice(POSITIONS, n)),
            "growth": pd.Categorical(rng.choice(GROWTH, n)),
            "employees": np.round(np.exp(rng.normal(4.5, 1.4, n))),
            "company_revenue": np.round(np.exp(rng.normal(15, 1.5, n)), -3),
            "revenue": np.round(np.exp(rng.normal(9, 1, n)), 2),
        }
    )
    frame.loc[rng.random(n) < 0.05, "employees"] = np.nan  # some unknown
    return frame


def planted(n: int = 3000, seed: int = 1):
    """Best customers concentrated in Manufacturing, 50-499 employees, Sweden or Germany: 85 %
    of that segment is best, plus a fifth as many best customers anywhere (noise)."""
    rng = np.random.default_rng(seed)
    frame = portfolio(n, seed)
    segment = (
        (frame["industry"] == "Manufacturing")
        & frame["employees"].between(50, 499)
        & frame["country"].isin(["SE", "DE"])
    ).to_numpy()
    best = segment & (rng.random(n) < 0.85)
    noise = rng.choice(np.flatnonzero(~segment), size=max(1, best.sum() // 5), replace=False)
    best[noise] = True
    return frame, best, segment


def no_pattern(n: int, seed: int, share: float = 0.05):
    """Best customers drawn at random: every lift is about 1."""
    rng = np.random.default_rng(seed + 1000)
    frame = portfolio(n, seed)
    best = np.zeros(n, dtype=bool)
    best[rng.choice(n, size=max(3, int(n * share)), replace=False)] = True
    return frame, best
