"""Step 6's post read into a draft profile: traits, criteria, notes and the reasons given."""

from profiles.versions.criteria import SEGMENTS, Criterion, CriterionError, criteria_from_dicts
from profiles.versions.diff import criterion_key
from profiles.workshop.draft import build as draft
from profiles.workshop.forms import _CRITERION_KEYS, MAX_NOTE
from profiles.workshop.steps import MAX_REASON


def parse_draft(post, current: dict, column_of) -> tuple[dict, dict, list[str]]:
    """The step-6 draft a form posted: (content without decisions, reasons by key, errors).

    `current` is the saved draft (traits keep their label and source); `column_of(key)` gives
    a trait's table column (how to read its value) or None.
    """
    errors: list[str] = []
    reasons: dict[str, str] = {}
    saved = {trait["key"]: trait for trait in current.get("traits", [])}
    traits = []
    for key in post.getlist("trait"):
        if key not in saved:
            continue
        value = draft.parse_trait_value(post.get(f"trait-{key}-value", ""), column_of(key))
        traits.append(
            {**saved[key], "value": value, "relevant": post.get(f"trait-{key}-relevant") == "on"}
        )
        reasons[key] = _reason(post.get(f"trait-{key}-reason"))
    items = []
    for index in post.getlist("crit"):
        if post.get(f"crit-{index}-remove") == "on":
            removed = {name: post.get(f"crit-{index}-{name}", "") for name in _CRITERION_KEYS}
            reasons[criterion_key(removed)] = _reason(post.get(f"crit-{index}-reason"))
            continue
        items.append((f"crit-{index}", True))
    items += [(f"new-{segment}", False) for segment in SEGMENTS]
    found = []
    for prefix, existing in items:
        attribute = (post.get(f"{prefix}-attribute") or "").strip()
        if not existing and not attribute:
            continue  # the empty "add a criterion" row
        operator = post.get(f"{prefix}-operator", "")
        item = {
            "segment": post.get(f"{prefix}-segment", "") or prefix.removeprefix("new-"),
            "attribute": attribute,
            "operator": operator,
            "value": draft.parse_criterion_value(post.get(f"{prefix}-value", ""), operator),
            "note": (post.get(f"{prefix}-note") or "").strip()[:MAX_REASON],
        }
        try:
            criterion = Criterion.from_dict(item)
        except CriterionError as error:
            errors.append(f"{attribute or '?'} {operator}: {error}")
            continue
        found.append(criterion.to_dict())
        reasons[criterion_key(item)] = _reason(post.get(f"{prefix}-reason"))
    try:
        criteria_from_dicts(found)
    except CriterionError as error:
        errors.append(str(error))
    notes = {
        segment: (post.get(f"notes-{segment}") or "").strip()[:MAX_NOTE] for segment in SEGMENTS
    }
    content = {"traits": traits, "criteria": found, "notes": notes, "decisions": []}
    return content, {k: v for k, v in reasons.items() if v}, errors


def _reason(text) -> str:
    return " ".join(str(text or "").split())[:MAX_REASON]
