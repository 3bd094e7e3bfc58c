"""The segments back into the CRM: one row per customer in a layout the CRM's import accepts.

Tier: do-or-die 1, neutral 2, do-not 3, unknown empty. The file is CSV in UTF-8 (with a
byte-order mark so Excel shows Unicode names right; HubSpot and Salesforce read it) and
formula-safe (portfolio.spreadsheets). Header names per layout are documented in the README.
"""

from __future__ import annotations

import pandas as pd

TIERS = {"do-or-die": 1, "neutral": 2, "do-not": 3}
LAYOUTS = {
    # layout: (id, name, segment, tier) headers
    "hubspot": ("Record ID", "Company name", "ICP segment", "ICP tier"),
    "salesforce": ("Account ID", "Account Name", "ICP_Segment__c", "ICP_Tier__c"),
    "plain": ("external_id", "name", "segment", "tier"),
}


def crm_frame(segments: pd.DataFrame, layout: str) -> pd.DataFrame:
    """External id, name, segment and tier of every customer, with the layout's headers."""
    id_header, name_header, segment_header, tier_header = LAYOUTS[layout]
    # Nullable integers: unknown is an empty cell and the others stay "1", not "1.0".
    tier = segments["segment"].map(TIERS).astype("Int64").reset_index(drop=True)
    return pd.DataFrame(
        {
            id_header: segments["external_id"].fillna("").astype(str).to_numpy(),
            name_header: segments["name"].astype(str).to_numpy(),
            segment_header: segments["segment"].astype(str).to_numpy(),
            tier_header: tier,
        }
    )
