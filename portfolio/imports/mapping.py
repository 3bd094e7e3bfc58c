"""Canonical customer fields and the guess of which uploaded column holds which field.

Headers are recognised in English, German, Swedish, Simplified Chinese, French, Spanish,
Italian and Dutch, and under the names HubSpot, Salesforce, Pipedrive and Microsoft Dynamics
give their export columns (the words are in `synonyms`).  Units in a header ("Umsatz (Mrd.
USD)", "Revenue (kSEK)") do not hide its field; `parsing.money.header_unit` reads them.

Ambiguities, decided on purpose:
* "Annual Revenue" (HubSpot, Salesforce, Dynamics), "Jahresumsatz", "Årsomsättning" and
  "年收入" are the customer's OWN revenue (`company_revenue`).  Plain "Revenue", "Umsatz",
  "Omsättning", "收入" and HubSpot's "Total Revenue" are revenue WITH US (`revenue`).
* "Deckungsbeitrag" / "Täckningsbidrag" / "Gross profit" alone are money (`profit`); with a %
  sign (or "DB %", "TB %") they are `margin`.
* Salesforce's "Type" / "Account Type" (Prospect, Customer - Direct, Partner...) is not
  B2B/B2C and is left unmapped; "MRR" is monthly and is not taken as annual revenue.
* A bare "Kunde" / "Kund" / "Customer" / "客户" is the name column, but only as an exact
  header: inside a longer header ("Kunde seit", "客户类型") it means something else.
"""

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from portfolio.imports.synonyms import BANDS, CONTAINS, EXACT
from portfolio.parsing.money import strip_units


@dataclass(frozen=True)
class Field:
    """One canonical field an uploaded column can be mapped to."""

    name: str
    kind: str  # "text", "money", "integer", "percent" or "date"
    required: bool = False
    allow_negative: bool = True
    order_level: bool = False  # only meaningful in order/invoice files
    stored: bool = True  # a column of the customer table (the period only chooses rows)


FIELDS: tuple[Field, ...] = (
    Field("name", "text", required=True),
    Field("external_id", "text"),
    Field("revenue", "money", allow_negative=False),  # annual revenue with us
    Field("seats", "integer", allow_negative=False),
    Field("margin", "percent"),
    Field("sales_cycle_days", "integer", allow_negative=False),
    Field("customer_since", "date"),
    Field("customer_until", "date"),
    Field("industry", "text"),
    Field("customer_type", "text"),  # B2B / B2C
    Field("employees", "integer", allow_negative=False),
    Field("country", "text"),
    Field("company_revenue", "money", allow_negative=False),  # the customer's own revenue
    Field("market_position", "text"),
    Field("growth", "percent"),
    Field("owner", "text"),  # sales rep
    Field("contract_type", "text"),
    # One row per customer and year (registers, annual reports): which row counts.
    Field("period", "period", stored=False),
    Field("order_date", "date", order_level=True),
    Field("amount", "money", order_level=True),  # negative for credit notes
    Field("profit", "money", order_level=True),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
MONEY_FIELDS = tuple(field.name for field in FIELDS if field.kind == "money")

# Decorations stripped, besides units, before the second matching round: years, "in", days.
_DECORATION = re.compile(r"\b(?:19|20)\d{2}\b|\b(?:in|i|en|approx|days|tage|dagar|jours|天|年)\b")


def normalize_header(header: str) -> str:
    """Casefold, strip accents, turn punctuation into single spaces (% kept as a word)."""
    text = unicodedata.normalize("NFKD", str(header)).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("ß", "ss").replace("%", " % ")
    text = re.sub(r"[^\w%]+|_", " ", text)
    return " ".join(text.split())


def _forms(header: str) -> tuple[str, str, str]:
    """The header normalised; without decorations (% kept at the end); and without %."""
    normal = normalize_header(header)
    unitless = normalize_header(strip_units(header))
    bare = _DECORATION.sub(" ", unitless.replace("%", " "))
    bare = re.sub(r"\s\d{1,2}$", " ", " ".join(bare.split()))  # "Name (2)" from deduping
    bare = " ".join(bare.split())
    plain = f"{bare} %" if "%" in normal and bare else bare
    return normal, plain, bare


def _contains(text: str, keyword: str) -> bool:
    if re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", text):
        return True
    wide = any(ord(char) > 0x2E7F for char in keyword)  # CJK: no spaces between words
    return (wide or len(keyword) >= 5) and keyword in text


def _candidates(headers: list[str]) -> list[tuple[float, int, int, str, str]]:
    """(score, -field order, -header order, field, header) for every plausible pair."""
    order = {field.name: i for i, field in enumerate(FIELDS)}
    found = []
    for position, header in enumerate(headers):
        forms = _forms(header)
        band = any(word in forms[0].split() for word in BANDS)
        for field, aliases in EXACT.items():
            if field == "employees" and band:
                continue
            # Exact as written beats exact once decorations are gone, which beats exact
            # after dropping a % sign; earlier aliases win within a tier.
            tiers = [
                tier - rank / 100
                for rank, alias in enumerate(aliases)
                for tier, form in zip((300.0, 200.0, 150.0), forms, strict=True)
                if alias == form
            ]
            if tiers:
                found.append((max(tiers), -order[field], -position, field, header))
            plain = forms[1]
            for keyword in CONTAINS.get(field, ()):
                if plain and _contains(plain, keyword):
                    score = 100.0 + 40 * len(keyword) / len(plain)
                    found.append((score, -order[field], -position, field, header))
    return found


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Map every canonical field to the best-matching header, or None; headers used once."""
    mapping: dict[str, str | None] = dict.fromkeys(FIELDS_BY_NAME)
    used: set[str] = set()
    for *_, field, header in sorted(_candidates(list(headers)), reverse=True):
        if mapping[field] is None and header not in used:
            mapping[field] = header
            used.add(header)
    return mapping


def looks_order_level(frame: pd.DataFrame, mapping: dict[str, str | None]) -> bool:
    """Whether rows are orders/invoices rather than customers: the customer key repeats.

    "Substantially" means at least a fifth of the filled key cells repeat an earlier one;
    the id column is used when mapped, else the name column.  With a period column, a key
    repeated once per period is a customer per period (a register), not an order list.
    """
    column = mapping.get("external_id") or mapping.get("name")
    if column is None or column not in frame:
        return False
    keys = frame[column].dropna()
    if keys.empty:
        return False
    keys = keys.str.strip().str.casefold()
    period = mapping.get("period")
    if period and period in frame:
        keys = keys + "\x00" + frame[period].reindex(keys.index).fillna("").str.strip()
    return bool(keys.duplicated().mean() >= 0.2)
