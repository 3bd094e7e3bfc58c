"""A plausible customer list of a SaaS company selling seats, for the demo organisation.

Modelled on the method's worked example: 1-5 seats small, 6-20 medium, 21+ large,
with the large group bringing about 60 % of revenue, medium 25 % and small 15 %.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

GROUP_COUNTS = {"small": 230, "medium": 120, "large": 50}
GROUP_REVENUE_SHARE = {"small": 0.15, "medium": 0.25, "large": 0.60}
TOTAL_REVENUE = Decimal("2400000")
OWNERS = ["Rita Rep", "Sam Seller", "Lena Lund", "Jonas Berg", "Mei Chen"]
INDUSTRIES = ["IT", "Telco", "Manufacturing", "Retail", "Finance", "Healthcare", "Logistics"]
COUNTRIES = ["SE", "DE", "UK", "NO", "DK", "FI", "NL", "CN"]
POSITIONS = ["leader", "challenger", "newcomer"]
GROWTH = ["recession", "stagnation", "moderate", "hyper-growth"]
CONTRACTS = ["monthly", "annual", "multi-year"]
NAME_PARTS = (
    [
        "Nord",
        "Berg",
        "Sol",
        "Vind",
        "Stern",
        "Blau",
        "Lind",
        "Ek",
        "Fjäll",
        "Hafen",
        "Kraft",
        "Ljus",
        "Data",
        "Cloud",
        "Stahl",
        "Öresund",
        "Alpen",
        "Rhein",
        "Göta",
        "Mälar",
    ],
    ["tech", "soft", "works", "logic", "data", "net", "systems", "labs", "tronik", "verk"],
    ["AB", "GmbH", "Ltd", "Oy", "A/S", "BV", "AG", "AS"],
)
CHINESE_NAMES = [
    "上海云帆科技有限公司",
    "深圳星河软件有限公司",
    "北京远景数据有限公司",
    "杭州青禾网络有限公司",
]


def demo_customers(seed: int = 42) -> list[dict]:
    """Return the 400 demo customers as dicts of canonical customer fields."""
    rng = random.Random(seed)
    rows = []
    for group, count in GROUP_COUNTS.items():
        group_rows = [_customer(rng, group) for _ in range(count)]
        _scale_revenue(group_rows, TOTAL_REVENUE * Decimal(str(GROUP_REVENUE_SHARE[group])))
        rows.extend(group_rows)
    rng.shuffle(rows)
    used = set()
    for number, row in enumerate(rows, start=1):
        row["external_id"] = f"C-{number:04d}"
        row["name"] = _unique_name(rng, used, row["country"])
    return rows


def _customer(rng: random.Random, group: str) -> dict:
    seats = {
        "small": lambda: rng.randint(1, 5),
        "medium": lambda: rng.randint(6, 20),
        "large": lambda: int(min(400, 21 + rng.expovariate(1 / 40))),
    }[group]()
    large = group == "large"
    industry = rng.choices(INDUSTRIES, weights=[6 if large else 2, 2, 2, 2, 2, 1, 1])[0]
    since = date(2016, 1, 1) + timedelta(days=rng.randint(0, 9 * 365))
    churned = rng.random() < 0.08
    employees = max(1, int(seats * rng.uniform(3, 12)))
    return {
        "seats": seats,
        "revenue": Decimal(seats) * Decimal(rng.randint(450, 750)),
        "margin": Decimal(str(round(rng.uniform(35, 75) if large else rng.uniform(15, 60), 1))),
        "sales_cycle_days": rng.randint(20, 90) if large else rng.randint(7, 150),
        "customer_since": since,
        "customer_until": since + timedelta(days=rng.randint(200, 2000)) if churned else None,
        "industry": industry,
        "customer_type": "B2C" if rng.random() < 0.05 else "B2B",
        "employees": employees,
        "country": rng.choices(COUNTRIES, weights=[5, 4, 3, 2, 2, 1, 1, 1])[0],
        "company_revenue": Decimal(employees * rng.randint(80, 250) * 1000),
        "market_position": rng.choices(POSITIONS, weights=[3, 4, 2] if large else [1, 3, 4])[0],
        "growth": rng.choices(GROWTH, weights=[1, 2, 5, 3 if large else 1])[0],
        "owner": rng.choice(OWNERS),
        "contract_type": rng.choices(CONTRACTS, weights=[1, 3, 3] if large else [4, 3, 1])[0],
    }


def _scale_revenue(rows: list[dict], target: Decimal) -> None:
    total = sum(row["revenue"] for row in rows)
    for row in rows:
        row["revenue"] = (row["revenue"] * target / total).quantize(Decimal("0.01"))


def _unique_name(rng: random.Random, used: set, country: str) -> str:
    while True:
        if country == "CN":
            name = f"{rng.choice(CHINESE_NAMES)}{rng.randint(1, 99)}"
        else:
            first, middle, suffix = (rng.choice(part) for part in NAME_PARTS)
            name = f"{first}{middle} {suffix}"
        if name not in used:
            used.add(name)
            return name
