"""The fields of the step-6 draft, each edited and saved on its own.

A field id names one value of the draft (profiles.versions.diff's content):
    trait:<key>:value  trait:<key>:relevant            a trait's value, whether it counts
    crit:<segment>:<attribute>:<operator>              a criterion (present or not)
    crit:<segment>:<attribute>:<operator>:value|note   its value, its note
    notes:<segment>                                    a segment's notes
Plain functions over the content: read a field, its text as the form shows it, parse what was
typed into it, write it. No ORM, no request.
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from profiles.versions import traits, wording
from profiles.versions.criteria import SEGMENTS, Criterion, CriterionError, value_text
from profiles.versions.diff import criterion_key
from profiles.workshop.draft import build as draft
from profiles.workshop.forms import MAX_NOTE
from profiles.workshop.steps import MAX_REASON


class FieldGone(KeyError):
    """The field's trait or criterion is no longer in the draft (a teammate removed it)."""


def slug(field: str) -> str:
    """An HTML id and form-name prefix for a field id (readable, unique)."""
    readable = re.sub(r"[^a-z0-9]+", "-", field.lower()).strip("-")
    return f"f-{readable}-{hashlib.blake2b(field.encode(), digest_size=3).hexdigest()}"


def trait_field(key: str, part: str) -> str:
    return f"trait:{key}:{part}"


def criterion_field(item: dict, part: str | None = None) -> str:
    base = f"crit:{criterion_key(item)}"
    return base if part is None else f"{base}:{part}"


def decision_key(field: str) -> tuple[str, str] | None:
    """(subject, key) of the decision log a change of `field` belongs to, or None (notes)."""
    parts = field.split(":")
    if parts[0] == "trait":
        return "trait", parts[1]
    if parts[0] == "crit":
        return "criterion", ":".join(parts[1:4])
    return None


def all_fields(content: dict) -> list[str]:
    """Every field of a draft (what a rebuild replaces)."""
    found = []
    for trait in content.get("traits", []):
        found += [trait_field(trait["key"], "value"), trait_field(trait["key"], "relevant")]
    for item in content.get("criteria", []):
        found += [criterion_field(item), criterion_field(item, "value")]
        found.append(criterion_field(item, "note"))
    found += [f"notes:{segment}" for segment in SEGMENTS]
    return found


# --------------------------------------------------------------------------- reading


def _trait(content: dict, key: str) -> dict:
    for trait in content.get("traits", []):
        if trait["key"] == key:
            return trait
    raise FieldGone(key)


def _criterion(content: dict, key: str) -> tuple[int, dict] | None:
    for index, item in enumerate(content.get("criteria", [])):
        if criterion_key(item) == key:
            return index, item
    return None


def value(content: dict, field: str) -> Any:
    """The value a field holds in `content` (FieldGone when its trait or criterion is gone)."""
    parts = field.split(":")
    if parts[0] == "trait":
        trait = _trait(content, parts[1])
        return trait["relevant"] if parts[2] == "relevant" else trait["value"]
    if parts[0] == "crit":
        found = _criterion(content, ":".join(parts[1:4]))
        if len(parts) == 4:
            return None if found is None else dict(found[1])
        if found is None:
            raise FieldGone(field)
        return found[1].get(parts[4], "") if parts[4] == "note" else found[1]["value"]
    if parts[0] == "notes" and parts[1] in SEGMENTS:
        return content.get("notes", {}).get(parts[1], "")
    raise FieldGone(field)


def attribute_of(field: str) -> str | None:
    """The trait or criterion attribute whose value a field holds (None: notes, a note)."""
    parts = field.split(":")
    if parts[0] == "trait" and parts[-1] == "value":
        return parts[1]
    if parts[0] == "crit" and len(parts) == 5 and parts[4] == "value":
        return parts[2]
    return None


def text(content: dict, field: str) -> str:
    """A field as its input shows it (and as a post of it is compared with): the built-in
    choices by their labels in the reader's language ("Herausforderer", not "challenger")."""
    current = value(content, field)
    if field.endswith(":relevant"):
        return "on" if current else ""
    if (attribute := attribute_of(field)) is not None:
        current = wording.choice_words(attribute, current)
    return value_text(current) if not isinstance(current, str) else current


def _keys(attribute: str, parsed: Any) -> Any:
    """What was typed, with choices typed by label (or key) turned into their keys."""
    if isinstance(parsed, list):
        return [wording.choice_key(attribute, v) if isinstance(v, str) else v for v in parsed]
    return wording.choice_key(attribute, parsed) if isinstance(parsed, str) else parsed


def _at_least(attribute: str, parsed: Any) -> Any:
    """`parsed`, refused when it holds a number below what the attribute can be (-5 employees)."""
    least = traits.minimum(attribute)
    numbers = parsed if isinstance(parsed, list) else [parsed]
    if least is not None and any(
        isinstance(n, int | float) and not isinstance(n, bool) and n < least for n in numbers
    ):
        raise ValidationError(_("Enter %(minimum)s or more.") % {"minimum": least})
    return parsed


def same_text(a: str, b: str) -> bool:
    """Whether two texts of a field say the same (spaces aside): then nothing was changed."""
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


# --------------------------------------------------------------------------- parsing


def parse(content: dict, field: str, typed: str, column_of) -> Any:
    """What `typed` means for `field` (ValidationError when it cannot be read)."""
    parts = field.split(":")
    if parts[0] == "trait":
        if parts[2] == "relevant":
            return typed == "on"
        parsed = _keys(parts[1], draft.parse_trait_value(typed, column_of(parts[1])))
        return _at_least(parts[1], parsed)
    if parts[0] == "notes":
        return str(typed or "").strip()[:MAX_NOTE]
    if parts[0] == "crit" and len(parts) == 5:
        found = _criterion(content, ":".join(parts[1:4]))
        if found is None:
            raise FieldGone(field)
        if parts[4] == "note":
            return " ".join(str(typed or "").split())[:MAX_REASON]
        parsed = _at_least(parts[2], _keys(parts[2], draft.parse_criterion_value(typed, parts[3])))
        try:
            return Criterion.from_dict({**found[1], "value": parsed}).to_dict()["value"]
        except CriterionError as error:
            raise ValidationError(str(error)) from error
    raise FieldGone(field)


def new_criterion(segment: str, attribute: str, operator: str, typed: str, note: str) -> dict:
    """A criterion added in a segment, checked (ValidationError)."""
    item = {
        "segment": segment,
        "attribute": (attribute or "").strip(),
        "operator": operator,
        "value": _keys((attribute or "").strip(), draft.parse_criterion_value(typed, operator)),
        "note": " ".join(str(note or "").split())[:MAX_REASON],
    }
    if not item["attribute"]:
        raise ValidationError(_("Choose the attribute of the new criterion."))
    _at_least(item["attribute"], item["value"])
    try:
        return Criterion.from_dict(item).to_dict()
    except CriterionError as error:
        raise ValidationError(str(error)) from error


# --------------------------------------------------------------------------- writing


def with_value(content: dict, field: str, new: Any, *, index: int | None = None) -> dict:
    """A copy of `content` with `field` set to `new`; a criterion set to None is removed, one
    set to a dict is added (at `index` when given: Undo puts it back where it was)."""
    result = copy.deepcopy(content)
    parts = field.split(":")
    if parts[0] == "trait":
        trait = _trait(result, parts[1])
        trait["relevant" if parts[2] == "relevant" else "value"] = new
    elif parts[0] == "notes":
        result["notes"] = {**result.get("notes", {}), parts[1]: new}
    elif parts[0] == "crit" and len(parts) == 4:
        found = _criterion(result, ":".join(parts[1:4]))
        if new is None and found is not None:
            del result["criteria"][found[0]]
        elif new is not None and found is None:
            position = len(result["criteria"]) if index is None else index
            result["criteria"].insert(min(position, len(result["criteria"])), dict(new))
        elif new is not None:
            result["criteria"][found[0]] = dict(new)
    elif parts[0] == "crit":
        found = _criterion(result, ":".join(parts[1:4]))
        if found is None:
            raise FieldGone(field)
        found[1][parts[4]] = new
    else:
        raise FieldGone(field)
    return result


def criterion_index(content: dict, field: str) -> int | None:
    """Where a criterion stands in the list (kept with its removal, so Undo restores it)."""
    found = _criterion(content, ":".join(field.split(":")[1:4]))
    return None if found is None else found[0]
