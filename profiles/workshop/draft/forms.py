"""What a post of the step-6 form asks for: the fields the person changed (each read from its
text, compared with the text the page showed, so an untouched field is never written), a
reason, a criterion added or removed, a conflict decided."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from profiles.versions.criteria import SEGMENTS
from profiles.versions.diff import empty_content
from profiles.workshop.draft import fields
from profiles.workshop.draft.services import FieldEdit
from profiles.workshop.steps import MAX_REASON


@dataclass
class DraftPost:
    edits: list[FieldEdit] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # field id -> why it was not read
    gone: list[str] = field(default_factory=list)  # fields whose trait or criterion is gone
    typed: dict[str, str] = field(default_factory=dict)  # field id -> what the person typed
    reasons: dict[str, str] = field(default_factory=dict)  # decision field -> "why" typed
    reason_for: str = ""  # a "why" saved on its own
    taken: str = ""  # the person took the teammate's value of this field
    segment_changed: str = ""  # a criterion was added to or removed from this segment
    new_error: str = ""  # the criterion to add could not be read
    new_values: dict = field(default_factory=dict)


def _reason(text) -> str:
    return " ".join(str(text or "").split())[:MAX_REASON]


def _why_name(field_id: str) -> str:
    """The "why" input of the trait or criterion a field belongs to."""
    parts = field_id.split(":")
    if parts[0] == "trait":
        return "why-" + fields.slug(fields.trait_field(parts[1], "value"))
    return "why-" + fields.slug(":".join(parts[:4]))


def read_post(request, step, evidence, *, whole: bool = False) -> DraftPost:
    """Read a post of the step-6 form (`whole`: every changed field, as for a version)."""
    post = request.POST
    content = {**empty_content(), **step.inputs}
    found = DraftPost()
    field_ids = [f for f in post.getlist("field") if f]
    decision_fields = [f for f in field_ids if f.startswith("trait:") and f.endswith(":value")]
    decision_fields += [f for f in post.getlist("criterion") if f]
    for name in decision_fields:
        if reason := _reason(post.get(_why_name(name))):
            found.reasons[name] = reason
    trigger = "" if whole else request.headers.get("HX-Trigger-Name", "")
    by_slug = {fields.slug(f): f for f in field_ids}
    if not whole and post.get("keep") in field_ids:
        edit = _edit(post, content, post["keep"], evidence, found, force=step)
        found.edits += [edit] if edit else []
    elif not whole and post.get("take") in field_ids:
        found.taken = post["take"]
    elif not whole and (removed := post.get("remove", "")).startswith("crit:"):
        found.edits.append(FieldEdit(removed, None, None, found.reasons.get(removed, "")))
        found.segment_changed = removed.split(":")[1]
    elif not whole and post.get("add") in SEGMENTS:
        _add(post, post["add"], found, content, step)
    elif trigger.startswith("why-"):
        found.reason_for = next((f for f in decision_fields if _why_name(f) == trigger), "")
        if found.reason_for and found.reason_for.startswith("trait:"):
            found.reasons[found.reason_for] = _reason(post.get(trigger))
    elif trigger.endswith("-value") and trigger.removesuffix("-value") in by_slug:
        edit = _edit(post, content, by_slug[trigger.removesuffix("-value")], evidence, found)
        found.edits += [edit] if edit else []
    else:
        for field_id in field_ids:
            edit = _edit(post, content, field_id, evidence, found)
            found.edits += [edit] if edit else []
        for segment in SEGMENTS:
            if (post.get(f"new-{segment}-attribute") or "").strip():
                _add(post, segment, found, content, step)
    return found


def _edit(post, content, field_id: str, evidence, found: DraftPost, force=None):
    """The edit a field's inputs ask for, or None when the person did not change it."""
    slug = fields.slug(field_id)
    text = post.get(f"{slug}-value", "")
    if field_id.endswith(":relevant"):
        text = "on" if text == "on" else ""
    base = post.get(f"{slug}-base")
    if force is None and base is not None and fields.same_text(text, base):
        return None
    found.typed[field_id] = text
    try:
        value = fields.parse(content, field_id, text, evidence.column)
    except fields.FieldGone:
        found.gone.append(field_id)
        return None
    except ValidationError as error:
        found.errors[field_id] = " ".join(error.messages)
        return None
    try:
        version = int(post.get(f"{slug}-version", ""))
    except ValueError:
        version = 0
    if force is not None:
        version = force.field_version(field_id)  # "keep mine": over the teammate's value
    parts = field_id.split(":")
    trait = parts[0] == "trait"
    decision = fields.trait_field(parts[1], "value") if trait else ":".join(parts[:4])
    return FieldEdit(field_id, value, version, found.reasons.get(decision, ""))


def _add(post, segment: str, found: DraftPost, content: dict, step) -> None:
    values = {
        name: post.get(f"new-{segment}-{name}", "")
        for name in ("attribute", "operator", "value", "note", "reason")
    }
    found.segment_changed = segment
    found.new_values = {**values, "segment": segment}
    try:
        item = fields.new_criterion(
            segment, values["attribute"], values["operator"], values["value"], values["note"]
        )
    except ValidationError as error:
        found.new_error = " ".join(error.messages)
        return
    field_id = fields.criterion_field(item)
    if fields.value(content, field_id) is not None:
        found.new_error = _("This segment has this criterion already: change its value instead.")
        return
    version = step.field_version(field_id)
    found.edits.append(FieldEdit(field_id, item, version, _reason(values["reason"])))
