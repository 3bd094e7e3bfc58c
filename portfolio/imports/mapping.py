"""Canonical customer fields and the guess of which uploaded column holds which field.

Headers are recognised in English, German, Swedish and Simplified Chinese, and under the
names HubSpot, Salesforce, Pipedrive and Microsoft Dynamics give their export columns.

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


@dataclass(frozen=True)
class Field:
    """One canonical field an uploaded column can be mapped to."""

    name: str
    kind: str  # "text", "money", "integer", "percent" or "date"
    required: bool = False
    allow_negative: bool = True
    order_level: bool = False  # only meaningful in order/invoice files


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
    Field("order_date", "date", order_level=True),
    Field("amount", "money", order_level=True),  # negative for credit notes
    Field("profit", "money", order_level=True),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}

# Whole-header aliases, most preferred first, written as `normalize_header` returns them
# (casefolded, accents stripped, punctuation to spaces).  Exact matches beat containment.
# fmt: off
EXACT: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "company name", "company", "account name", "account", "customer name", "customer",
        "client name", "client", "organization name", "organisation name", "organization",
        "organisation", "firmenname", "firma", "unternehmen", "unternehmensname", "kundenname",
        "kunde", "foretagsnamn", "foretag", "kundnamn", "kund", "bolagsnamn", "bolag", "公司名称",
        "客户名称", "企业名称", "单位名称", "客户", "公司", "名称",
    ),
    "external_id": (
        "record id", "account id", "organization id", "customer id", "customer number",
        "customer no", "client id", "external id", "crm id", "id", "account number", "kundennummer",
        "kunden nr", "kundennr", "kd nr", "debitorennummer", "kunden id", "kundnummer", "kund id",
        "kundnr", "客户编号", "客户id", "客户代码", "编号",
    ),
    "revenue": (
        "revenue", "total revenue", "revenue with us", "our revenue", "annual revenue with us",
        "arr", "annual recurring revenue", "sales", "turnover", "net revenue", "umsatz",
        "gesamtumsatz", "nettoumsatz", "umsatz netto", "umsatz mit uns", "erlos", "erlose",
        "umsatzerlose", "omsattning", "intakt", "intakter", "total intakt", "forsaljning", "收入",
        "营收", "销售额", "总收入", "销售收入",
    ),
    "seats": (
        "seats", "licenses", "licences", "number of seats", "number of licenses", "users",
        "user count", "lizenzen", "anzahl lizenzen", "lizenzanzahl", "arbeitsplatze", "platze",
        "nutzer", "benutzer", "licenser", "antal licenser", "platser", "anvandare",
        "antal anvandare", "席位", "席位数", "许可证数", "许可数", "用户数",
    ),
    "margin": (
        "margin %", "margin", "gross margin", "gross margin %", "profit margin",
        "contribution margin %", "gm %", "marge", "marge %", "deckungsbeitrag %", "db %",
        "bruttomarge", "rohertragsmarge", "marginal", "marginal %", "bruttomarginal",
        "tackningsbidrag %", "tb %", "毛利率", "利润率",
    ),
    "sales_cycle_days": (
        "sales cycle", "sales cycle days", "sales cycle length", "days to close", "vertriebszyklus",
        "verkaufszyklus", "vertriebszyklus tage", "saljcykel", "forsaljningscykel", "销售周期",
    ),
    "customer_since": (
        "customer since", "became a customer date", "client since", "contract start",
        "contract start date", "start date", "first purchase date", "kunde seit",
        "kunde seit datum", "vertragsbeginn", "kundenbeginn", "startdatum", "kund sedan",
        "kundstart", "avtalsstart", "客户起始日期", "合作开始日期", "签约日期", "开始日期",
    ),
    "customer_until": (
        "customer until", "churn date", "churned date", "contract end", "contract end date",
        "end date", "cancellation date", "kunde bis", "vertragsende", "kundigungsdatum",
        "gekundigt am", "enddatum", "kund till", "avtalsslut", "slutdatum", "uppsagd",
        "客户终止日期", "合作结束日期", "结束日期", "到期日期",
    ),
    "industry": (
        "industry", "sector", "vertical", "branche", "industrie", "sektor", "bransch", "行业",
        "所属行业",
    ),
    "customer_type": (
        "customer type", "b2b b2c", "b2b or b2c", "business type", "kundentyp", "kundenart",
        "kundtyp", "客户类型",
    ),
    "employees": (
        "number of employees", "employees", "employee count", "headcount", "staff", "mitarbeiter",
        "mitarbeiteranzahl", "anzahl mitarbeiter", "beschaftigte", "antal anstallda", "anstallda",
        "员工人数", "员工数", "员工数量", "人数",
    ),
    "country": (
        "country", "country region", "billing country", "address 1 country region",
        "organization address country", "shipping country", "land", "staat", "国家", "国家 地区",
        "国家地区",
    ),
    "company_revenue": (
        "annual revenue", "company revenue", "company annual revenue", "jahresumsatz",
        "firmenumsatz", "unternehmensumsatz", "umsatz des kunden", "arsomsattning",
        "arlig omsattning", "foretagets omsattning", "arsintakt", "arsintakter", "年收入",
        "年营业额", "公司年收入", "企业年收入", "公司营收",
    ),
    "market_position": (
        "market position", "marktposition", "marktstellung", "marknadsposition", "市场地位",
    ),
    "growth": (
        "growth", "growth %", "growth rate", "revenue growth", "yoy growth", "wachstum",
        "wachstum %", "umsatzwachstum", "tillvaxt", "tillvaxt %", "增长率", "增长",
    ),
    "owner": (
        "owner", "account owner", "company owner", "organization owner", "contact owner",
        "deal owner", "sales rep", "salesperson", "account manager", "key account manager",
        "vertriebsmitarbeiter", "betreuer", "kundenbetreuer", "vertriebler", "verantwortlich",
        "zustandig", "saljare", "ansvarig", "kundansvarig", "销售代表", "负责人", "客户经理",
        "销售负责人", "所有者",
    ),
    "contract_type": (
        "contract type", "contract", "subscription type", "license type", "plan", "vertragsart",
        "vertragstyp", "lizenzmodell", "avtalstyp", "kontraktstyp", "合同类型",
    ),
    "order_date": (
        "order date", "invoice date", "deal won time", "won time", "close date", "date",
        "auftragsdatum", "bestelldatum", "rechnungsdatum", "datum", "orderdatum", "fakturadatum",
        "订单日期", "下单日期", "日期",
    ),
    "amount": (
        "amount", "deal value", "order value", "invoice amount", "net amount", "value", "betrag",
        "auftragswert", "rechnungsbetrag", "nettobetrag", "belopp", "ordervarde", "金额",
        "订单金额",
    ),
    "profit": (
        "profit", "gross profit", "contribution", "gewinn", "deckungsbeitrag", "rohertrag", "vinst",
        "tackningsbidrag", "利润", "毛利",
    ),
}
# fmt: on

# Keywords that identify a field inside a longer header ("Umsatz netto 2024", "Organization -
# Industry").  They match whole words, or substrings when at least 5 letters long, so German
# compounds (Nettoumsatz) and Chinese (无空格) match too.  Longer keywords win.
# fmt: off
CONTAINS: dict[str, tuple[str, ...]] = {
    "name": (
        "company name", "account name", "customer name", "firmenname", "kundenname", "foretagsnamn",
        "kundnamn", "公司名称", "客户名称", "企业名称",
    ),
    "external_id": (
        "record id", "account id", "customer id", "kundennummer", "kundnummer", "客户编号",
    ),
    "revenue": (
        "revenue", "umsatz", "erlos", "omsattning", "intakt", "收入", "营收", "销售额",
    ),
    "seats": (
        "seats", "licenses", "licences", "lizenzen", "licenser", "席位", "许可",
    ),
    "margin": (
        "margin", "marge", "marginal", "毛利率", "利润率",
    ),
    "sales_cycle_days": (
        "sales cycle", "zyklus", "cykel", "销售周期",
    ),
    "customer_since": (
        "customer since", "kunde seit", "kund sedan", "起始日期", "开始日期",
    ),
    "customer_until": (
        "customer until", "churn", "kunde bis", "kund till", "终止日期", "结束日期",
    ),
    "industry": (
        "industry", "branche", "bransch", "行业",
    ),
    "customer_type": (
        "customer type", "b2b", "kundentyp", "kundtyp", "客户类型",
    ),
    "employees": (
        "employees", "mitarbeiter", "anstallda", "员工",
    ),
    "country": (
        "country", "land", "国家",
    ),
    "company_revenue": (
        "annual revenue", "jahresumsatz", "firmenumsatz", "arsomsattning", "年收入", "年营业额",
    ),
    "market_position": (
        "market position", "marktposition", "marknadsposition", "市场地位",
    ),
    "growth": (
        "growth", "wachstum", "tillvaxt", "增长",
    ),
    "owner": (
        "owner", "sales rep", "account manager", "betreuer", "vertriebsmitarbeiter", "saljare",
        "ansvarig", "销售代表", "负责人",
    ),
    "contract_type": (
        "contract type", "vertragsart", "vertragstyp", "avtalstyp", "合同类型",
    ),
    "order_date": (
        "order date", "invoice date", "auftragsdatum", "rechnungsdatum", "orderdatum", "订单日期",
    ),
    "amount": (
        "deal value", "order value", "auftragswert", "rechnungsbetrag", "订单金额",
    ),
    "profit": (
        "gross profit", "gewinn", "vinst", "利润",
    ),
}
# fmt: on

# Decorations stripped before the second matching round: years, currencies, units.
_DECORATION = re.compile(
    r"\b(?:19|20)\d{2}\b|\b(?:in|i|ca|approx|eur|teur|keur|usd|gbp|chf|sek|tsek|nok|dkk|"
    r"cny|rmb|kr|tkr|tsd|mio|k|days|tage|dagar|天|元|万元|年)\b|[€$£¥]"
)


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
    bare = _DECORATION.sub(" ", normal.replace("%", " "))
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
        for field, aliases in EXACT.items():
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
    the id column is used when mapped, else the name column.
    """
    column = mapping.get("external_id") or mapping.get("name")
    if column is None or column not in frame:
        return False
    keys = frame[column].dropna()
    if keys.empty:
        return False
    keys = keys.str.strip().str.casefold()
    return bool(keys.duplicated().mean() >= 0.2)
