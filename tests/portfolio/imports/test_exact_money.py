"""Money is exact: order lines are added up exactly and rounded once per customer, cells keep
their decimals until they are stored, and pages round half to even, never truncate."""

import random
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.utils import translation

from icp_site.l10n import format_money, format_percent
from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.pipeline import dataset_import
from portfolio.imports.reading import read_table
from portfolio.models import Customer, OrderRow

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


def _orders_file(customers: int, orders: int, seed: int = 7):
    """Orders with prices of a hundredth of a cent; one customer's orders add up to
    43,893.0424 and all of them to 2,297,200.8603, the totals seen in a real SaaS file."""
    rng = random.Random(seed)
    rows = []
    for number in range(orders):
        customer = number % customers
        rows.append([f"C{customer:03d}", f"Customer {customer}", f"2024-{1 + number % 12:02d}-15"])
    amounts = [Decimal(rng.randrange(1, 9_999_999)) / 10_000 for _ in rows]
    mine = [i for i, row in enumerate(rows) if row[0] == "C007"]
    amounts[mine[-1]] += Decimal("43893.0424") - sum(amounts[i] for i in mine)
    others = [i for i, row in enumerate(rows) if row[0] == "C042"]
    amounts[others[-1]] += Decimal("2297200.8603") - sum(amounts)
    lines = ["Customer ID,Customer,Order Date,Sales"]
    lines += [f"{a},{b},{c},{amount}" for (a, b, c), amount in zip(rows, amounts, strict=True)]
    return "\n".join(lines) + "\n", amounts, rows


def test_order_lines_are_added_up_exactly_and_rounded_once_per_customer(team):
    text, amounts, rows = _orders_file(99, 9_994)
    raw = read_table(text.encode(), "saas.csv")
    result = dataset_import(
        organization=team.organization,
        user=None,
        raw=raw,
        file_name="saas.csv",
        mapping=suggest_mapping(list(raw.columns)) | {"amount": "Sales", "revenue": None},
        order_level=True,
    )
    assert result.checked.error_count == 0
    assert result.dataset.summary["rows"]["customers"] == 99
    # The total is the exact sum rounded once: .8603 -> .86 (the old import showed .64).
    assert sum(amounts) == Decimal("2297200.8603")
    assert result.totals["revenue"] == Decimal("2297200.86")
    assert result.dataset.summary["totals"]["revenue"] == "2297200.86"
    # Lines rounded to cents first add up to something else: the test would see the old bug.
    assert sum(a.quantize(CENT, ROUND_HALF_EVEN) for a in amounts) != Decimal("2297200.86")
    seven = Customer.objects.get(dataset=result.dataset, external_id="C007")
    assert seven.revenue == Decimal("43893.04")
    mine = [a for a, row in zip(amounts, rows, strict=True) if row[0] == "C007"]
    assert sum(a.quantize(CENT, ROUND_HALF_EVEN) for a in mine) != Decimal("43893.04")
    # The order lines themselves keep every decimal.
    stored = OrderRow.objects.filter(dataset=result.dataset).order_by("row_number")
    assert [row.amount for row in stored[:50]] == amounts[:50]
    # Every customer: its exact sum, rounded half to even once.
    exact: dict[str, Decimal] = {}
    for amount, row in zip(amounts, rows, strict=True):
        exact[row[0]] = exact.get(row[0], Decimal(0)) + amount
    for customer in Customer.objects.filter(dataset=result.dataset):
        assert customer.revenue == exact[customer.external_id].quantize(CENT, ROUND_HALF_EVEN)


def test_a_tie_rounds_to_the_even_cent_once_per_customer(team):
    text = "Customer,Order date,Amount\nA,2024-01-01,0.0625\nA,2024-02-01,0.0625\n"
    text += "B,2024-01-01,0.0675\nB,2024-02-01,0.0675\n"
    raw = read_table(text.encode(), "orders.csv")
    mapping = suggest_mapping(list(raw.columns))
    result = dataset_import(
        organization=team.organization,
        user=None,
        raw=raw,
        file_name="orders.csv",
        mapping=mapping,
        order_level=True,
    )
    revenue = dict(Customer.objects.filter(dataset=result.dataset).values_list("name", "revenue"))
    # 0.125 -> 0.12 and 0.135 -> 0.14 (half to even), where half up gives 0.13 and 0.14.
    assert revenue == {"A": Decimal("0.12"), "B": Decimal("0.14")}
    assert result.totals["revenue"] == Decimal("0.26")


def test_a_customer_lists_money_cells_are_rounded_once_from_their_exact_text(team):
    # Binary floats would store 2.675 as 2.67 and 2.665 as 2.67.
    text = "Name,Revenue,Annual revenue\nA,2.675,1.005\nB,2.665,0.125\nC,10,3\n"
    raw = read_table(text.encode(), "c.csv")
    result = dataset_import(
        organization=team.organization,
        user=None,
        raw=raw,
        file_name="c.csv",
        mapping=suggest_mapping(list(raw.columns)),
    )
    stored = {
        name: (revenue, own)
        for name, revenue, own in Customer.objects.filter(dataset=result.dataset).values_list(
            "name", "revenue", "company_revenue"
        )
    }
    assert stored["A"] == (Decimal("2.68"), Decimal("1.00"))
    assert stored["B"] == (Decimal("2.66"), Decimal("0.12"))
    # The total is the exact sum of the cells, rounded once: 15.34 exactly.
    assert result.totals["revenue"] == Decimal("15.34")


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (Decimal("1439999.60"), 0, "€1,440,000"),  # was €1,439,999: truncated
        (Decimal("2.5"), 0, "€2"),
        (Decimal("3.5"), 0, "€4"),
        (Decimal("0.125"), 2, "€0.12"),
        (Decimal("0.135"), 2, "€0.14"),
        (43893.0424, 2, "€43,893.04"),
        (Decimal("-0.004"), 2, "€0.00"),
        (Decimal("-1234.565"), 2, "-€1,234.56"),
    ],
)
def test_money_on_pages_is_rounded_half_to_even_never_truncated(value, digits, expected):
    with translation.override("en"):
        assert format_money(value, "EUR", digits=digits) == expected


def test_money_and_percentages_round_the_same_way_in_every_language():
    with translation.override("de"):
        assert format_money(Decimal("1439999.60"), "EUR", digits=0) == "1.440.000\xa0€"
        assert format_percent(Decimal("12.25")) == "12,2\xa0%"
        assert format_percent(Decimal("12.35")) == "12,4\xa0%"
