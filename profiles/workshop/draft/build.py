"""Step 6: the draft profile built from steps 4-5, what the team posts and the decision log
(what the draft means for the customer list: profiles.segments.preview).

The draft is the content of a profile version (schema in profiles.versions.diff) kept in the
inputs of step 6 until the team saves it as a version. Plain functions: no ORM, no request.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from portfolio.parsing.typed import parse_local_number
from profiles.versions import criteria, traits
from profiles.versions.criteria import SEGMENTS
from profiles.versions.diff import criterion_key, empty_content
from profiles.workshop.tables import summaries

# A trait starts relevant when more than half of the best customers share its value, or when a
# quarter do and that is at least LIFT times as common as in the whole portfolio: the team
# switches the rest on where it knows better (and off where it does).
STRONG_SHARE = 50.0
NOTABLE_SHARE = 25.0
LIFT = 1.5
_RANGE = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(?:-|–|to|\.\.)\s*([-+]?\d+(?:[.,]\d+)?)\s*$")


# --------------------------------------------------------------------------- from steps 4-5


def suggested_value(summary: summaries.Summary) -> Any:
    """The value a trait starts with: the middle half for numbers, else the most common."""
    if summary.suggestion is None:
        return None
    value = summary.suggestion.value
    return list(value) if isinstance(value, tuple) else value


def evidence_for(summary: summaries.Summary | None, value: Any) -> dict | None:
    """Share among the best customers and lift of a trait's value, when the tables know it."""
    if summary is None or summary.suggestion is None:
        return None
    if value == suggested_value(summary):
        return summary.suggestion.evidence()
    counts = summary.summary.counts
    if isinstance(value, str) and len(counts):
        hits = counts[counts["value"].astype(str).str.casefold() == value.casefold()]
        if len(hits):
            row = hits.iloc[0]
            return {
                "value": value,
                "count": int(row["count"]),
                "share": round(float(row["share"]), 1),
                "population_share": None
                if pd.isna(row["population_share"])
                else round(float(row["population_share"]), 1),
                "lift": None if pd.isna(row["lift"]) else round(float(row["lift"]), 2),
            }
    return None


def is_strong(share) -> bool:
    """Whether a suggested value is common enough among the best customers to be relevant."""
    if share.share > STRONG_SHARE:
        return True
    return share.lift is not None and share.lift >= LIFT and share.share >= NOTABLE_SHARE


def criterion_for_trait(trait: dict, col: traits.Column | None) -> dict | None:
    """The do-or-die criterion a relevant trait suggests (None when it suggests none)."""
    return criteria.criterion_for_trait(trait, multi=col is not None and col.kind == "multi")


def draft_from_tables(summaries: dict[str, list[summaries.Summary]], *, by: str, at: str) -> dict:
    """A first draft: every company and buyer trait with its suggested value, relevant when
    most best customers share it, and a do-or-die criterion for each relevant one; the decision
    log says the tables proposed them."""
    content = empty_content()
    for source, items in summaries.items():
        for summary in items:
            value = suggested_value(summary)
            if value is None or not summary.column.in_profile:
                continue  # a buyer's part in the purchase says who counts, not who to target
            col = summary.column
            trait = {
                "key": col.key,
                "label": str(col.label),
                "value": value,
                "relevant": is_strong(summary.suggestion),
                "source": "custom" if col.custom else source,
            }
            content["traits"].append(trait)
            evidence = summary.suggestion.evidence()
            content["decisions"].append(
                decision("trait", col.key, "proposed", by=by, at=at, reason="", evidence=evidence)
            )
            # Criteria only where customer lists and prospects can be checked: the company
            # fields of the customer list. Buyer traits stay traits, for the conversation.
            checkable = trait["relevant"] and col.customer_field is not None
            if checkable and (criterion := criterion_for_trait(trait, col)) is not None:
                content["criteria"].append(criterion)
                content["decisions"].append(
                    decision(
                        "criterion",
                        criterion_key(criterion),
                        "proposed",
                        by=by,
                        at=at,
                        reason="",
                        evidence=evidence,
                    )
                )
    return content


def decision(subject, key, action, *, by, at, reason, evidence) -> dict:
    """One entry of the decision log."""
    return {
        "subject": subject,
        "key": key,
        "action": action,
        "by": by,
        "at": at,
        "reason": reason,
        "evidence": evidence,
    }


# --------------------------------------------------------------------------- parsing the form


def _number(text: str) -> int | float | None:
    try:  # plain digits first: what value_text writes reads back alike in every language
        number = float(text)
    except ValueError:
        try:
            return parse_local_number(text)  # 12,5 or 1.234,5 as a German types them
        except ValueError:
            return None
    return int(number) if number.is_integer() else number


def parse_trait_value(text: str, col: traits.Column | None) -> Any:
    """A trait value as typed: "20-50" is a range for numbers, "IT, Telco" a list of texts."""
    text = " ".join(str(text or "").split())
    if not text:
        return None
    numeric = col is not None and col.kind == "number"
    if numeric and (match := _RANGE.match(text)):
        low, high = _number(match[1]), _number(match[2])
        return sorted([low, high])
    if numeric and (number := _number(text)) is not None:
        return number
    parts = [part.strip() for part in text.split(",") if part.strip()]
    return parts if len(parts) > 1 or (col is not None and col.kind == "multi") else parts[0]


def parse_criterion_value(text: str, operator: str) -> Any:
    """A criterion value as typed: a list for in/not in, two numbers for between."""
    text = " ".join(str(text or "").split())
    if operator == "between":
        if match := _RANGE.match(text):
            return [_number(match[1]), _number(match[2])]
        return [part.strip() for part in text.split(",") if part.strip()]
    if operator in ("in", "not_in"):
        return [part.strip() for part in text.split(",") if part.strip()]
    if operator in ("gt", "gte", "lt", "lte") and (number := _number(text)) is not None:
        return number  # 12,5 typed in German
    return text


def record_decisions(old: dict, new: dict, *, by: str, at: str, reasons: dict, evidence) -> list:
    """The decision log of `new`: the old log plus what changed from `old` to `new`.

    `reasons` maps a trait key or criterion key to the reason typed next to it; `evidence` is
    a function (trait key, value) -> evidence dict or None.
    """
    log = list(old.get("decisions", []))
    before = {t["key"]: t for t in old.get("traits", [])}
    for trait in new["traits"]:
        previous = before.get(trait["key"])
        if previous is None:
            action = "proposed"
        elif (previous["value"], previous["relevant"]) != (trait["value"], trait["relevant"]):
            action = "changed"
        else:
            continue
        log.append(
            decision(
                "trait",
                trait["key"],
                action,
                by=by,
                at=at,
                reason=reasons.get(trait["key"], ""),
                evidence=evidence(trait["key"], trait["value"]),
            )
        )
    old_criteria = {criterion_key(c): c for c in old.get("criteria", [])}
    new_criteria = {criterion_key(c): c for c in new["criteria"]}
    for key, item in new_criteria.items():
        previous = old_criteria.get(key)
        if previous is not None and (previous["value"], previous.get("note", "")) == (
            item["value"],
            item.get("note", ""),
        ):
            continue
        log.append(
            decision(
                "criterion",
                key,
                "proposed" if previous is None else "changed",
                by=by,
                at=at,
                reason=reasons.get(key, ""),
                evidence=evidence(item["attribute"], item["value"]),
            )
        )
    for key in old_criteria:
        if key not in new_criteria:
            log.append(
                decision(
                    "criterion",
                    key,
                    "removed",
                    by=by,
                    at=at,
                    reason=reasons.get(key, ""),
                    evidence=None,
                )
            )
    return log


SEGMENT_LABELS = dict(zip(SEGMENTS, SEGMENTS, strict=True))
