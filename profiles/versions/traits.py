"""The traits a profile speaks of: the columns of the company table (step 4) and the buyer
table (step 5), their labels, allowed values and how a cell reads; the summaries under the
tables are in profiles.workshop.tables.summaries.

Every best customer of step 3 gets one row per table (profiles.models.ProfileRow). A column is
defined once here: its label, what a cell may hold, how the summary under it counts, and the
customer field it is prefilled from (and compared with the whole portfolio for the lift).
The team's own columns live in the step's inputs: {"columns": [{"key", "label", "kind"}]}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portfolio.imports.mapping import FIELDS_BY_NAME
from portfolio.parsing.typed import parse_local_number
from profiles.versions.list_words import CHOICE_WORDS, plain_word

TABLES = ("company", "buyer")
STEP_OF_TABLE = {"company": 4, "buyer": 5}
TABLE_OF_STEP = {4: "company", 5: "buyer"}
KINDS = ("text", "number", "choice", "multi")
CUSTOM_KINDS = ("text", "number")
MAX_TEXT = 300
MAX_CUSTOM_COLUMNS = 12
CUSTOM_PREFIX = "custom_"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    kind: str  # "text" | "number" | "choice" | "multi"
    choices: tuple[tuple[str, Promise | str], ...] = ()
    customer_field: str | None = None  # prefilled from, and compared with, this Customer field
    help: Promise | str = ""
    custom: bool = False
    in_profile: bool = True  # False: describes the table's rows, not the target (a buyer's part)
    minimum: float | None = None  # the smallest number a cell may hold (besides the field's)

    @property
    def summary_kind(self) -> str:
        return {"number": "number", "multi": "multi"}.get(self.kind, "text")

    def choice_label(self, value: str) -> str:
        return str(dict(self.choices).get(value, value))


MARKET_POSITIONS = (
    ("leader", _("leader")),
    ("challenger", _("challenger")),
    ("newcomer", _("newcomer")),
)
GROWTH = (
    ("recession", _("recession")),
    ("stagnation", _("stagnation")),
    ("moderate", _("moderate")),
    ("hyper-growth", _("hyper-growth")),
)
CEO_DISTANCE = (
    ("N", _("CEO (N)")),
    ("N-1", _("N-1")),
    ("N-2", _("N-2")),
    ("N-3", _("N-3")),
    ("N-4", _("N-4 or further")),
)
DISC = (
    ("D", _("D: dominance")),
    ("I", _("I: influence")),
    ("S", _("S: steadiness")),
    ("C", _("C: conscientiousness")),
)
# The DISC colours people know from the model (red, yellow, green, blue).
DISC_COLOURS = {"D": "red", "I": "yellow", "S": "green", "C": "blue"}
DRIVERS = (
    ("power", _("power")),
    ("money", _("money")),
    ("fear", _("fear")),
    ("efficiency", _("efficiency")),
    ("performance", _("performance")),
    ("security", _("security")),
    ("recognition", _("recognition")),
    ("other", _("other")),
)

COMPANY_COLUMNS: tuple[Column, ...] = (
    Column("industry", _("Industry"), "text", customer_field="industry"),
    Column(
        "customer_type",
        _("Customer type"),
        "choice",
        (("B2B", "B2B"), ("B2C", "B2C")),
        customer_field="customer_type",
    ),
    Column("employees", _("Employees"), "number", customer_field="employees"),
    Column("country", _("Country"), "text", customer_field="country"),
    Column(
        "company_revenue",
        _("Company revenue"),
        "number",
        customer_field="company_revenue",
        help=_("The customer's own annual revenue"),
    ),
    Column(
        "market_position",
        _("Market position"),
        "choice",
        MARKET_POSITIONS,
        customer_field="market_position",
    ),
    Column(
        "market_position_note",
        _("Position in its market"),
        "text",
        help=_("For example “top 10–20 of its market”"),
    ),
    Column("growth", _("Growth"), "choice", GROWTH, customer_field="growth"),
    Column("growth_percent", _("Growth % a year"), "number"),
)

# A customer may have more than one buyer row: who decided and who signed can differ. Only those
# who decided describe the target buyer (the method: the person who decided, not necessarily
# the one who signed); an empty part counts as deciding.
PARTS = (
    ("decided", _("decided")),
    ("decided_signed", _("decided and signed")),
    ("signed", _("signed only")),
    ("influenced", _("influenced only")),
)
DECIDING = ("decided", "decided_signed")

BUYER_COLUMNS: tuple[Column, ...] = (
    Column("role", _("Role"), "text", help=_("The person who decided, not necessarily who signed")),
    Column(
        "part",
        _("Part in the purchase"),
        "choice",
        PARTS,
        help=_("Only those who decided count in the buyer profile"),
        in_profile=False,
    ),
    Column("job_title", _("Job title"), "text"),
    Column("ceo_distance", _("Distance from the CEO"), "choice", CEO_DISTANCE),
    Column(
        "gender",
        _("Gender"),
        "choice",
        (("female", _("female")), ("male", _("male")), ("other", _("other"))),
    ),
    Column("age", _("Age"), "number", minimum=0),
    Column("education", _("Education"), "text"),
    Column(
        "personality",
        _("Personality"),
        "choice",
        (("outgoing", _("outgoing")), ("introverted", _("introverted"))),
    ),
    Column(
        "behaviour",
        _("Behaviour"),
        "choice",
        (("action-oriented", _("action-oriented")), ("cautious", _("cautious"))),
    ),
    Column("disc", _("DISC profile"), "choice", DISC),
    Column("drivers", _("Drivers"), "multi", DRIVERS),
    Column(
        "facts",
        _("Other relevant facts"),
        "text",
        help=_("Experience in the field, with this kind of product"),
    ),
)

BUILT_IN = {"company": COMPANY_COLUMNS, "buyer": BUYER_COLUMNS}

_BUILT_IN_LABELS = {column.key: column.label for column in (*COMPANY_COLUMNS, *BUYER_COLUMNS)}
BUILT_IN_KEYS = frozenset(_BUILT_IN_LABELS)
_NUMBERS = {c.key: c for c in (*COMPANY_COLUMNS, *BUYER_COLUMNS) if c.kind == "number"}


def deciders(rows) -> list[tuple[int, dict]]:
    """Per customer, in the order the rows come, what the buyers who decided say: the buyer
    profile counts each best customer once, from its deciders (a row without a part decided;
    one who only signed or influenced is left out). `rows` are (customer id, values); where
    several decided, a value they share is kept, different ones become a list (each counted
    once for the customer), and a number is the first decider's."""
    by_customer: dict[int, list[dict]] = {}
    for customer, values in rows:
        by_customer.setdefault(customer, []).append(values or {})
    found = []
    for customer, all_values in by_customer.items():
        deciding = [v for v in all_values if v.get("part") in (None, "", *DECIDING)]
        if len(deciding) <= 1:
            found.append((customer, dict(deciding[0]) if deciding else {}))
            continue
        merged: dict[str, Any] = {}
        for key in dict.fromkeys(k for values in deciding for k in values):
            said = [v[key] for v in deciding if v.get(key) not in (None, "", [])]
            if not said:
                continue
            if all(isinstance(x, int | float) and not isinstance(x, bool) for x in said):
                merged[key] = said[0]
                continue
            flat = [x for item in said for x in (item if isinstance(item, list) else [item])]
            distinct = list(dict.fromkeys(flat))
            merged[key] = distinct[0] if len(distinct) == 1 and key != "drivers" else distinct
        found.append((customer, merged))
    return found


def trait_label(key: str, saved: str) -> str:
    """A trait's name in the reader's language; the team's own columns keep their name."""
    label = _BUILT_IN_LABELS.get(key)
    return str(label) if label is not None else saved


def columns(table: str, inputs: dict | None = None) -> tuple[Column, ...]:
    """The columns of a table: the built-in ones, then the team's own from the step's inputs."""
    custom = tuple(
        Column(item["key"], item["label"], item["kind"], custom=True)
        for item in (inputs or {}).get("columns", ())
    )
    return BUILT_IN[table] + custom


def column(table: str, key: str, inputs: dict | None = None) -> Column | None:
    """One column of a table by key, or None."""
    return next((c for c in columns(table, inputs) if c.key == key), None)


def custom_column(label: str, kind: str, existing: list[dict], *, used: int = 0) -> dict:
    """A new column of the team, or ValidationError. Its key is never one used before: above
    the current columns' and `used`, the highest number a removed column or a cell held."""
    label = " ".join(str(label or "").split())[:80]
    if not label:
        raise ValidationError({"label": _("Name the column.")})
    if kind not in CUSTOM_KINDS:
        raise ValidationError({"kind": _("Choose text or number.")})
    if len(existing) >= MAX_CUSTOM_COLUMNS:
        raise ValidationError(
            _("A table has at most %(max)s columns of your own.") % {"max": MAX_CUSTOM_COLUMNS}
        )
    if any(item["label"].casefold() == label.casefold() for item in existing):
        raise ValidationError({"label": _("There is already a column with this name.")})
    numbers = [custom_number(item["key"]) for item in existing]
    key = f"{CUSTOM_PREFIX}{max([*numbers, used], default=0) + 1}"
    return {"key": key, "label": label, "kind": kind}


def custom_number(key: str) -> int:
    """The number in a custom column's key (0 for any other key)."""
    digits = key.removeprefix(CUSTOM_PREFIX) if key.startswith(CUSTOM_PREFIX) else ""
    return int(digits) if digits.isdigit() else 0


# --------------------------------------------------------------------------- cell values


def clean_value(col: Column, raw: Any) -> Any:
    """What a cell stores for a posted value (None for blank), or ValidationError."""
    if col.kind == "multi":
        values = [raw] if isinstance(raw, str) else list(raw or ())
        allowed = [key for key, _label in col.choices]
        if any(value not in allowed for value in values):
            raise ValidationError(_("Choose from the list."))
        return [key for key in allowed if key in values] or None
    text = " ".join(str(raw if raw is not None else "").split())
    if not text:
        return None
    if col.kind == "number":
        # People type "1 200", "1,5", "1.234,5" (German) or "35 %": read in their language.
        try:
            number = parse_local_number(
                raw if isinstance(raw, int | float) and not isinstance(raw, bool) else text
            )
        except ValueError:
            raise ValidationError(_("Enter a number, such as 35 or 2.5.")) from None
        if not math.isfinite(number) or abs(number) >= 1e15:
            raise ValidationError(_("Enter a number, such as 35 or 2.5."))
        if (least := minimum(col.key)) is not None and number < least:
            raise ValidationError(_("Enter %(minimum)s or more.") % {"minimum": least})
        return number
    if col.kind == "choice":
        match = next(
            (
                key
                for key, label in col.choices
                if text.casefold() in (key.casefold(), str(label).casefold())
                or plain_word(text) in CHOICE_WORDS.get(key, ())
            ),
            None,
        )
        if match is None:
            raise ValidationError(_("Choose from the list."))
        return match
    return text[:MAX_TEXT]


def minimum(key: str) -> int | float | None:
    """The smallest number an attribute may be: 0 for what cannot be negative (employees, a
    company's revenue, seats: the import's rule for the same fields, an age), else None."""
    column = _NUMBERS.get(key)
    if column is not None and column.minimum is not None:
        return column.minimum
    field_name = column.customer_field if column is not None else key
    spec = FIELDS_BY_NAME.get(field_name or "")
    if spec is not None and spec.kind in ("integer", "money", "number") and not spec.allow_negative:
        return 0
    return None


def pasted_value(col: Column, text: str) -> Any:
    """A cell pasted from a spreadsheet as clean_value reads it: several choices ("power,
    money" or their labels in the member's language) become their keys."""
    if col.kind != "multi":
        return text
    by_text = {}
    for key, label in col.choices:
        by_text[key.casefold()] = key
        by_text[str(label).casefold()] = key
    parts = [part.strip() for part in str(text or "").replace(";", ",").split(",")]
    return [by_text.get(part.casefold(), part) for part in parts if part]


def prefill_value(col: Column, raw: Any) -> Any:
    """A customer field's value as a cell stores it; None when it does not fit the column."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, Decimal):
        try:
            raw = int(raw) if raw == raw.to_integral_value() else float(raw)
        except (InvalidOperation, OverflowError):
            return None
    try:
        return clean_value(col, raw)
    except ValidationError:
        # A value outside the choices (an imported "Leader in DACH") is kept as text where
        # text fits; for a choice column it is left for the team to pick.
        return None


def display(col: Column, value: Any) -> str:
    """A cell's value as the table shows it."""
    if value is None or value == "" or value == []:
        return ""
    if col.kind == "multi":
        values = value if isinstance(value, list) else [value]  # a summary's mode is one value
        return ", ".join(col.choice_label(v) for v in values)
    if col.kind == "choice":
        return col.choice_label(value)
    if col.kind == "number" and isinstance(value, int | float):
        # The member's language: 1.038 and 12,5 in German, 1,038 and 12.5 in English.
        return formats.number_format(
            value if isinstance(value, int) else round(value, 6), force_grouping=True
        )
    return str(value)


# --------------------------------------------------------------------------- summaries
