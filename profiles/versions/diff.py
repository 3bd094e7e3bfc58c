"""What changed between two profile versions, and the content a profile version stores.

A profile version stores one JSON object, its content, and never changes it afterwards::

    {
      "traits": [                      # the merged company and buyer profile of step 6
        {"key": "industry",            # unique within the content: a customer field, a buyer
                                       # attribute or a custom column key
         "label": "Industry",          # as the team named it
         "value": "IT",                # any JSON: text, number, [low, high], a list of texts
         "relevant": true,             # false: kept for the record, dropped from the profile
         "source": "company"}          # "company" | "buyer" | "custom"
      ],
      "criteria": [                    # criteria.Criterion.to_dict(), at most one per
        {"segment": "do-or-die",       # (segment, attribute, operator)
         "attribute": "industry", "operator": "in", "value": ["IT", "Telco"], "note": ""}
      ],
      "notes": {"do-or-die": "", "neutral": "", "do-not": ""},   # free text per segment
      "decisions": [                   # the decision log, oldest first
        {"subject": "trait",           # "trait" | "criterion"
         "key": "industry",            # a trait key, or "segment:attribute:operator"
         "action": "proposed",         # "proposed" | "changed" | "removed" | "kept"
         "by": "Leo Leader",           # who, as shown then (names outlive memberships)
         "at": "2025-01-31T10:15:00+00:00",
         "reason": "Most of our best customers are IT",
         "evidence": {"value": "IT", "count": 6, "share": 60.0,       # summaries.ValueShare
                      "population_share": 22.0, "lift": 2.73}}       # .evidence(), or null
         # An Undo in the workshop: subject "undo", action "undone", key "change:<id>" and
         # "change": {"step", "fields", "context"} (profiles.workshop.history describes it).
      ]
    }

`validate_content` checks that shape; `diff` compares two contents: traits by key, criteria by
segment, attribute and operator (a new value or note is a change), and the notes. The decision
log is history, not profile, so it is not compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from profiles.versions.criteria import SEGMENTS, Criterion, CriterionError, criteria_from_dicts

SOURCES = ("company", "buyer", "custom")
SUBJECTS = ("trait", "criterion", "undo")
ACTIONS = ("proposed", "changed", "removed", "kept", "undone")
TRAIT_FIELDS = ("label", "value", "relevant", "source")
CRITERION_FIELDS = ("value", "note")


class ContentError(ValueError):
    """Profile content that does not follow the schema of the module docstring."""


def empty_content() -> dict[str, Any]:
    """The content of a profile with nothing in it yet."""
    return {"traits": [], "criteria": [], "notes": dict.fromkeys(SEGMENTS, ""), "decisions": []}


def criterion_key(criterion: Mapping[str, Any]) -> str:
    """The key a decision uses for a criterion: "segment:attribute:operator"."""
    return f"{criterion['segment']}:{criterion['attribute']}:{criterion['operator']}"


def validate_content(content: Mapping[str, Any]) -> None:
    """Raise ContentError unless `content` follows the schema of the module docstring."""
    if not isinstance(content, Mapping) or set(content) != set(empty_content()):
        raise ContentError("Content has exactly traits, criteria, notes and decisions.")
    if not all(isinstance(content[name], list) for name in ("traits", "criteria", "decisions")):
        raise ContentError("Traits, criteria and decisions are lists.")
    keys = set()
    for trait in content["traits"]:
        if not isinstance(trait, Mapping) or set(trait) != {"key", *TRAIT_FIELDS}:
            raise ContentError(f"A trait has key, {', '.join(TRAIT_FIELDS)}: {trait!r}.")
        if not isinstance(trait["key"], str) or not trait["key"] or trait["key"] in keys:
            raise ContentError(f"Trait keys are unique, non-empty texts: {trait['key']!r}.")
        if trait["source"] not in SOURCES or not isinstance(trait["relevant"], bool):
            raise ContentError(
                f"Trait {trait['key']!r} needs a known source and a true/false relevant."
            )
        keys.add(trait["key"])
    try:
        criteria_from_dicts(content["criteria"])
    except CriterionError as error:
        raise ContentError(str(error)) from error
    notes = content["notes"]
    if (
        not isinstance(notes, Mapping)
        or not set(notes) <= set(SEGMENTS)
        or not all(isinstance(v, str) for v in notes.values())
    ):
        raise ContentError("Notes are texts by segment: do-or-die, neutral, do-not.")
    for decision in content["decisions"]:
        if (
            not isinstance(decision, Mapping)
            or decision.get("subject") not in SUBJECTS
            or decision.get("action") not in ACTIONS
        ):
            raise ContentError(
                f"A decision needs a subject of {SUBJECTS} and an action of {ACTIONS}."
            )


@dataclass(frozen=True)
class Change:
    """One trait or criterion present in both versions with different fields."""

    key: str  # trait key, or "segment:attribute:operator"
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    fields: tuple[str, ...]  # the fields that differ, e.g. ("value",)


@dataclass(frozen=True)
class SectionDiff:
    """What was added, removed and changed in the traits or in the criteria."""

    added: tuple[Mapping[str, Any], ...]
    removed: tuple[Mapping[str, Any], ...]
    changed: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class NoteChange:
    """The free-text note of one segment, before and after."""

    segment: str
    before: str
    after: str


@dataclass(frozen=True)
class ProfileDiff:
    """Everything that differs between two profile contents."""

    traits: SectionDiff
    criteria: SectionDiff
    notes: tuple[NoteChange, ...]

    def __bool__(self) -> bool:
        return bool(self.traits or self.criteria or self.notes)


def _comparable_criterion(item: Mapping[str, Any]) -> dict[str, Any]:
    # The order of an in-list and the spelling of numbers ("35" vs 35) are not changes.
    criterion = Criterion.from_dict(item)
    value = criterion.value
    if criterion.operator in ("in", "not_in"):
        value = sorted(set(value), key=repr)
    return {"value": value, "note": criterion.note}


def _section(before: list, after: list, key, fields: tuple[str, ...], comparable) -> SectionDiff:
    old = {key(item): item for item in before}
    new = {key(item): item for item in after}
    changed = []
    for name, item in new.items():
        if name in old:
            a, b = comparable(old[name]), comparable(item)
            differing = tuple(field for field in fields if a.get(field) != b.get(field))
            if differing:
                changed.append(Change(name, old[name], item, differing))
    return SectionDiff(
        added=tuple(item for name, item in new.items() if name not in old),
        removed=tuple(item for name, item in old.items() if name not in new),
        changed=tuple(changed),
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> ProfileDiff:
    """Traits and criteria added, removed and changed, and notes changed, from before to after."""
    traits = _section(
        before.get("traits", []),
        after.get("traits", []),
        key=lambda trait: trait["key"],
        fields=TRAIT_FIELDS,
        comparable=lambda trait: trait,
    )
    criteria = _section(
        before.get("criteria", []),
        after.get("criteria", []),
        key=criterion_key,
        fields=CRITERION_FIELDS,
        comparable=_comparable_criterion,
    )
    old_notes, new_notes = before.get("notes", {}), after.get("notes", {})
    notes = tuple(
        NoteChange(segment, old_notes.get(segment, ""), new_notes.get(segment, ""))
        for segment in SEGMENTS
        if old_notes.get(segment, "").strip() != new_notes.get(segment, "").strip()
    )
    return ProfileDiff(traits=traits, criteria=criteria, notes=notes)
