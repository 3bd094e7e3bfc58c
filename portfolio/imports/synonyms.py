"""Header texts that name each customer field, in English, German, Swedish, Chinese, French,
Spanish, Italian and Dutch, and the column names of HubSpot, Salesforce, Pipedrive and Dynamics.

Written as `mapping.normalize_header` returns them: casefolded, accents stripped (é is e, ñ is
n, å is a), punctuation as single spaces.  Plain data; the matching is in `mapping`.

Decided on purpose, in every language: the plain word for turnover (Revenue, Umsatz,
Omsättning, chiffre d'affaires, ventas, fatturato, omzet, 收入) is revenue WITH US; the same word
with "annual" (Annual Revenue, Jahresumsatz, CA annuel, fatturato annuo, jaaromzet, 年收入) is
the customer's OWN revenue.  A size band ("tranche d'effectif", "Größenklasse") is not a number
of employees and is left unmapped.
"""

# Whole-header aliases, most preferred first.  Exact matches beat containment.
# fmt: off
EXACT: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "company name", "company", "account name", "account", "customer name", "customer",
        "client name", "client", "organization name", "organisation name", "organization",
        "organisation", "firmenname", "firma", "unternehmen", "unternehmensname", "kundenname",
        "kunde", "foretagsnamn", "foretag", "kundnamn", "kund", "bolagsnamn", "bolag", "公司名称",
        "客户名称", "企业名称", "单位名称", "客户", "公司", "名称",
        # French, Spanish, Italian, Dutch
        "raison sociale", "denomination", "denomination sociale", "nom", "nom de l entreprise",
        "nom du client", "nom client", "entreprise", "societe", "nom de la societe",
        "razon social", "denominacion social", "nombre", "nombre de la empresa",
        "nombre del cliente", "empresa", "cliente", "ragione sociale", "denominazione",
        "denominazione sociale", "nome azienda", "azienda", "nome cliente", "societa",
        "bedrijfsnaam", "naam", "bedrijf", "klantnaam", "klant", "organisatie", "handelsnaam",
        "statutaire naam",
    ),
    "external_id": (
        "record id", "account id", "organization id", "customer id", "customer number",
        "customer no", "client id", "external id", "crm id", "id", "account number", "kundennummer",
        "kunden nr", "kundennr", "kd nr", "debitorennummer", "kunden id", "kundnummer", "kund id",
        "kundnr", "客户编号", "客户id", "客户代码", "编号",
        "siren", "siret", "numero siren", "numero siret", "numero client", "n client",
        "code client",
        "identifiant", "id client", "cif", "nif", "numero de cliente", "codigo de cliente",
        "codigo cliente", "id cliente", "partita iva", "p iva", "codice cliente", "codice fiscale",
        "numero cliente", "kvk nummer", "kvk", "klantnummer", "klant id", "debiteurnummer",
        "klantcode",
    ),
    "revenue": (
        "revenue", "total revenue", "revenue with us", "our revenue", "annual revenue with us",
        "arr", "annual recurring revenue", "sales", "turnover", "net revenue", "umsatz",
        "gesamtumsatz", "nettoumsatz", "umsatz netto", "umsatz mit uns", "erlos", "erlose",
        "umsatzerlose", "omsattning", "intakt", "intakter", "total intakt", "forsaljning", "收入",
        "营收", "销售额", "总收入", "销售收入",
        "chiffre d affaires", "ca", "ca ht", "chiffre d affaires ht", "ventes", "facturation",
        "ventas", "facturacion", "ingresos", "cifra de negocios",
        "importe neto de la cifra de negocios",
        "fatturato", "ricavi", "vendite", "ricavi delle vendite", "omzet", "netto omzet",
        "opbrengst", "opbrengsten",
    ),
    "seats": (
        "seats", "licenses", "licences", "number of seats", "number of licenses", "users",
        "user count", "lizenzen", "anzahl lizenzen", "lizenzanzahl", "arbeitsplatze", "platze",
        "nutzer", "benutzer", "licenser", "antal licenser", "platser", "anvandare",
        "antal anvandare", "席位", "席位数", "许可证数", "许可数", "用户数",
        "nombre de licences", "utilisateurs", "postes", "licencias", "usuarios", "puestos",
        "licenze", "utenti", "postazioni", "licenties", "gebruikers", "werkplekken",
    ),
    "margin": (
        "margin %", "margin", "gross margin", "gross margin %", "profit margin",
        "contribution margin %", "gm %", "marge", "marge %", "deckungsbeitrag %", "db %",
        "bruttomarge", "rohertragsmarge", "marginal", "marginal %", "bruttomarginal",
        "tackningsbidrag %", "tb %", "毛利率", "利润率",
        "taux de marge", "marge brute %", "margen", "margen %", "margen bruto %", "margine",
        "margine %", "margine lordo %", "brutomarge %", "brutomarge",
    ),
    "sales_cycle_days": (
        "sales cycle", "sales cycle days", "sales cycle length", "days to close", "vertriebszyklus",
        "verkaufszyklus", "vertriebszyklus tage", "saljcykel", "forsaljningscykel", "销售周期",
        "cycle de vente", "ciclo de venta", "ciclo de ventas", "ciclo di vendita", "verkoopcyclus",
    ),
    "customer_since": (
        "customer since", "became a customer date", "client since", "contract start",
        "contract start date", "start date", "first purchase date", "kunde seit",
        "kunde seit datum", "vertragsbeginn", "kundenbeginn", "startdatum", "kund sedan",
        "kundstart", "avtalsstart", "客户起始日期", "合作开始日期", "签约日期", "开始日期",
        "client depuis", "date de debut", "debut de contrat",
        "cliente desde", "fecha de inicio", "cliente dal", "data inizio", "klant sinds",
        "begindatum",
    ),
    "customer_until": (
        "customer until", "churn date", "churned date", "contract end", "contract end date",
        "end date", "cancellation date", "kunde bis", "vertragsende", "kundigungsdatum",
        "gekundigt am", "enddatum", "kund till", "avtalsslut", "slutdatum", "uppsagd",
        "客户终止日期", "合作结束日期", "结束日期", "到期日期",
        "client jusqu a", "date de fin", "fin de contrat", "date de resiliation", "cliente hasta",
        "fecha de fin", "fecha de baja", "cliente fino a", "data fine", "data disdetta",
        "klant tot",
        "einddatum", "opzegdatum",
    ),
    "industry": (
        "industry", "sector", "vertical", "branche", "industrie", "sektor", "bransch", "行业",
        "所属行业",
        "secteur", "secteur d activite", "activite", "activite principale", "libelle naf",
        "industria", "actividad", "settore", "attivita", "bedrijfstak",
    ),
    "customer_type": (
        "customer type", "b2b b2c", "b2b or b2c", "business type", "kundentyp", "kundenart",
        "kundtyp", "客户类型", "type de client", "tipo de cliente", "tipo cliente", "klanttype",
    ),
    "employees": (
        "number of employees", "employees", "employee count", "headcount", "staff", "mitarbeiter",
        "mitarbeiteranzahl", "anzahl mitarbeiter", "beschaftigte", "antal anstallda", "anstallda",
        "员工人数", "员工数", "员工数量", "人数",
        "effectif", "effectifs", "nombre de salaries", "effectif salarie",
        "empleados", "numero de empleados", "plantilla", "dipendenti", "numero dipendenti",
        "addetti", "werknemers", "aantal werknemers", "medewerkers", "aantal medewerkers",
    ),
    "country": (
        "country", "country region", "billing country", "address 1 country region",
        "organization address country", "shipping country", "land", "staat", "国家", "国家 地区",
        "国家地区", "pays", "pais", "paese", "nazione",
    ),
    "company_revenue": (
        "annual revenue", "company revenue", "company annual revenue", "jahresumsatz",
        "firmenumsatz", "unternehmensumsatz", "umsatz des kunden", "arsomsattning",
        "arlig omsattning", "foretagets omsattning", "arsintakt", "arsintakter", "年收入",
        "年营业额", "公司年收入", "企业年收入", "公司营收",
        "chiffre d affaires annuel", "ca annuel", "facturacion anual", "ventas anuales",
        "fatturato annuo", "fatturato annuale", "jaaromzet",
    ),
    "market_position": (
        "market position", "marktposition", "marktstellung", "marknadsposition", "市场地位",
        "position sur le marche", "posicion en el mercado", "posizione di mercato", "marktpositie",
    ),
    "growth": (
        "growth", "growth %", "growth rate", "revenue growth", "yoy growth", "wachstum",
        "wachstum %", "umsatzwachstum", "tillvaxt", "tillvaxt %", "增长率", "增长",
        "croissance", "crecimiento", "crescita", "groei",
    ),
    "owner": (
        "owner", "account owner", "company owner", "organization owner", "contact owner",
        "deal owner", "sales rep", "salesperson", "account manager", "key account manager",
        "vertriebsmitarbeiter", "betreuer", "kundenbetreuer", "vertriebler",
        "verantwortlich", "zustandig", "saljare", "ansvarig", "kundansvarig", "销售代表", "负责人",
        "客户经理", "销售负责人", "所有者",
        "responsable", "commercial", "charge de compte", "comercial", "gestor de cuenta",
        "commerciale", "responsabile", "accountmanager", "verantwoordelijke", "eigenaar",
    ),
    "contract_type": (
        "contract type", "contract", "subscription type", "license type", "plan", "vertragsart",
        "vertragstyp", "lizenzmodell", "avtalstyp", "kontraktstyp", "合同类型",
        "type de contrat", "tipo de contrato", "tipo di contratto", "contracttype",
    ),
    "period": (
        "year", "fiscal year", "financial year", "fy", "period", "reporting year", "jahr",
        "geschaftsjahr", "berichtsjahr", "wirtschaftsjahr", "periode", "ar", "rakenskapsar",
        "年份", "年度", "财年", "会计年度", "annee", "exercice", "millesime", "date de cloture",
        "date cloture exercice", "date de cloture de l exercice", "ano", "ejercicio", "periodo",
        "ano fiscal", "anno", "esercizio", "anno fiscale", "jaar", "boekjaar",
    ),
    "order_date": (
        "order date", "invoice date", "deal won time", "won time", "close date", "date",
        "auftragsdatum", "bestelldatum", "rechnungsdatum", "datum", "orderdatum", "fakturadatum",
        "订单日期", "下单日期", "日期", "date de commande", "date de facture", "fecha de pedido",
        "fecha de factura", "fecha", "data ordine", "data fattura", "factuurdatum",
    ),
    "amount": (
        "amount", "deal value", "order value", "invoice amount", "net amount", "value", "betrag",
        "auftragswert", "rechnungsbetrag", "nettobetrag", "belopp", "ordervarde", "金额",
        "订单金额", "montant", "montant ht", "importe", "importo", "bedrag",
    ),
    "profit": (
        "profit", "gross profit", "contribution", "gewinn", "deckungsbeitrag", "rohertrag", "vinst",
        "tackningsbidrag", "利润", "毛利", "benefice", "beneficio", "utile", "profitto", "winst",
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
        "kundnamn", "公司名称", "客户名称", "企业名称", "raison sociale", "denomination",
        "razon social", "ragione sociale", "bedrijfsnaam", "klantnaam",
    ),
    "external_id": (
        "record id", "account id", "customer id", "kundennummer", "kundnummer", "客户编号", "siren",
        "siret", "klantnummer", "codice cliente",
    ),
    "revenue": (
        "revenue", "umsatz", "erlos", "omsattning", "intakt", "收入", "营收", "销售额",
        "chiffre d affaires", "ventas", "ingresos", "fatturato", "ricavi", "omzet",
    ),
    "seats": (
        "seats", "licenses", "licences", "lizenzen", "licenser", "席位", "许可", "licencias",
        "licenze", "licenties",
    ),
    "margin": (
        "margin", "marge", "marginal", "毛利率", "利润率", "margen", "margine",
    ),
    "sales_cycle_days": (
        "sales cycle", "zyklus", "cykel", "销售周期", "cycle de vente", "ciclo de venta",
        "ciclo di vendita", "verkoopcyclus",
    ),
    "customer_since": (
        "customer since", "kunde seit", "kund sedan", "起始日期", "开始日期", "client depuis",
        "cliente desde", "cliente dal", "klant sinds",
    ),
    "customer_until": (
        "customer until", "churn", "kunde bis", "kund till", "终止日期", "结束日期", "resiliation",
        "klant tot",
    ),
    "industry": (
        "industry", "branche", "bransch", "行业", "secteur", "settore", "bedrijfstak",
    ),
    "customer_type": (
        "customer type", "b2b", "kundentyp", "kundtyp", "客户类型", "type de client",
        "tipo de cliente", "klanttype",
    ),
    "employees": (
        "employees", "mitarbeiter", "anstallda", "员工", "effectif", "empleados",
        "dipendenti", "werknemers", "medewerkers",
    ),
    "country": (
        "country", "land", "国家", "pays", "paese",
    ),
    "company_revenue": (
        "annual revenue", "jahresumsatz", "firmenumsatz", "arsomsattning", "年收入", "年营业额",
        "ca annuel", "fatturato annuo", "jaaromzet",
    ),
    "market_position": (
        "market position", "marktposition", "marknadsposition", "市场地位",
        "position sur le marche", "marktpositie",
    ),
    "growth": (
        "growth", "wachstum", "tillvaxt", "增长", "croissance", "crecimiento", "crescita",
    ),
    "owner": (
        "owner", "sales rep", "account manager", "betreuer", "vertriebsmitarbeiter", "saljare",
        "ansvarig", "销售代表", "负责人", "charge de compte", "accountmanager",
    ),
    "contract_type": (
        "contract type", "vertragsart", "vertragstyp", "avtalstyp", "合同类型", "type de contrat",
        "tipo de contrato", "tipo di contratto",
    ),
    "period": (
        "fiscal year", "geschaftsjahr", "rakenskapsar", "会计年度", "exercice", "ejercicio",
        "esercizio", "boekjaar", "date de cloture",
    ),
    "order_date": (
        "order date", "invoice date", "auftragsdatum", "rechnungsdatum", "orderdatum", "订单日期",
        "date de commande", "fecha de pedido", "data ordine",
    ),
    "amount": (
        "deal value", "order value", "auftragswert", "rechnungsbetrag", "订单金额",
    ),
    "profit": (
        "gross profit", "gewinn", "vinst", "利润", "benefice", "beneficio", "winst",
    ),
}
# fmt: on

# Words a size band is written with: such a column is never the number of employees.
BANDS = ("tranche", "klasse", "class", "band", "bereich", "range", "groessenklasse")
