"""How customer lists name what steps 4-5 describe: the headers of the columns step 4 prefills
from a list's own columns, and the words lists use for the table's choices in our languages.

Plain data and one normaliser, no project imports: `traits` reads a typed or imported word
through `plain_word` and `CHOICE_WORDS`; the tables' prefill matches `PREFILL_HEADERS`.
"""

import unicodedata

# Columns a customer list may carry under its own header (no customer field holds them): step 4
# prefills them from there. Headers as value_columns.normalise compares them.
PREFILL_HEADERS = {
    "growth_percent": (
        "growth percent",
        "growth rate",
        "growth",
        "growth per year",
        "annual growth",
        "wachstum",
        "wachstumsrate",
        "wachstum pro jahr",
        "tillvaxt",
        "tillvaxttakt",
        "arlig tillvaxt",
        "增长率",
        "年增长率",
    ),
    "market_position_note": (
        "position in its market",
        "market rank",
        "market ranking",
        "rank in market",
        "marktrang",
        "platzierung im markt",
        "marknadsrang",
        "市场排名",
    ),
    "market_position": ("market position", "marktposition", "marknadsposition", "市场地位"),
}
# Words lists use for the choices in our languages: a list's "Marktführer" is a leader.
CHOICE_WORDS = {
    "leader": ("marktfuhrer", "marktfuehrer", "marknadsledare", "ledare", "领导者", "领先者"),
    "challenger": ("herausforderer", "utmanare", "挑战者"),
    "newcomer": ("neuling", "neueinsteiger", "nykomling", "uppstickare", "新进入者", "新秀"),
    "recession": ("rezession", "lagkonjunktur", "recession", "衰退"),
    "stagnation": ("stagnation", "stillastaende", "停滞"),
    "moderate": ("moderat", "massig", "matt", "适度", "温和"),
    "hyper-growth": ("hyperwachstum", "hypertillvaxt", "hyper growth", "高速增长", "超高速增长"),
}


def plain_word(text: str) -> str:
    """A word as CHOICE_WORDS spells it: casefolded, without accents, hyphens as spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return " ".join(folded.replace("-", " ").replace("_", " ").split())
