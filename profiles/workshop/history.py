"""What the participants changed in a workshop: each action is kept (profiles.models
.WorkshopChange) so the newest ones can be undone one at a time (profiles.workshop.undo), and
described in the reader's language for the undo button and the decision log.

Field ids say what changed:
    step:<number>:<input key>          an input of steps 1-5 ("step:1:thresholds")
    cell:<row id>:<column key>         a cell of the company or buyer table
    draft:<step-6 field>               a field of the step-6 draft (profiles.workshop.draft.fields)
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from profiles.models import WorkshopChange
from profiles.versions import traits
from profiles.versions.criteria import OPERATOR_LABELS, value_text
from profiles.versions.wording import SEGMENT_LABELS, choice_words, trait_name
from profiles.workshop import forms

MAX_VALUE_TEXT = 40

# The inputs of steps 1-5 people change, by name as the pages label them.
STEP_INPUT_LABELS = {
    "metric": gettext_lazy("Size measure"),
    "include_former": gettext_lazy("Count former customers too (in steps 1 and 2 only)"),
    "stage": gettext_lazy("Where is the company now?"),
    "preset": gettext_lazy("Limits"),
    "thresholds": gettext_lazy("Limits"),
    "main_group": gettext_lazy("Main revenue stream"),
    "focus": gettext_lazy("Future focus"),
    "reason": gettext_lazy("Why"),
    "goal": gettext_lazy("Goal"),
    "n_mode": gettext_lazy("How many"),
    "n": gettext_lazy("Number"),
    "excluded": gettext_lazy("Excluded customers"),
    "included": gettext_lazy("Added customers"),
    "columns": gettext_lazy("Own columns"),
}
_CHOICES = {
    "preset": dict(forms.PRESET_CHOICES),
    "main_group": dict(forms.GROUP_CHOICES),
    "focus": dict(forms.FOCUS_CHOICES),
    "goal": dict(forms.GOAL_CHOICES),
    "stage": dict(forms.STAGE_CHOICES),
    "n_mode": dict(forms.N_CHOICES),
}
ACTION_WORDS = {
    "proposed": gettext_lazy("proposed"),
    "changed": gettext_lazy("changed"),
    "removed": gettext_lazy("removed"),
    "kept": gettext_lazy("kept"),
}


def change_record(
    *, workshop_id: int, step: int, user, fields: list[dict], context: dict | None = None
) -> WorkshopChange | None:
    """Keep one action (inside the caller's transaction); nothing when no field changed."""
    changed = [item for item in fields if item["before"] != item["after"]]
    if not changed:
        return None
    return WorkshopChange.objects.create(
        workshop_id=workshop_id, step=step, fields=changed, context=context or {}, by=user
    )


def last_change(workshop_id: int) -> WorkshopChange | None:
    """The newest change of the workshop not undone yet (what Undo takes back)."""
    return (
        WorkshopChange.objects.filter(workshop_id=workshop_id, undone_at__isnull=True)
        .select_related("by")
        .first()
    )


def last_author(workshop_id: int, field: str) -> str:
    """Who saved `field` last, as shown to the others ("" when nobody is on record)."""
    change = (
        WorkshopChange.objects.filter(workshop_id=workshop_id, fields__contains=[{"field": field}])
        .select_related("by")
        .first()
    )
    return str(change.by) if change is not None and change.by_id else ""


# --------------------------------------------------------------------------- describing


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_VALUE_TEXT else text[: MAX_VALUE_TEXT - 1] + "…"


def _step_value(key: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in _CHOICES:
        return str(_CHOICES[key].get(value, value))
    if key in ("excluded", "included") and isinstance(value, dict):
        return str(len(value))
    if key == "columns" and isinstance(value, list):
        return ", ".join(str(item.get("label", "")) for item in value)
    return value_text(value)


def _cell_value(column: traits.Column | None, value: Any) -> str:
    if value in (None, "", []):
        return _("(empty)")
    return traits.display(column, value) if column is not None else value_text(value)


def _what(field: str, context: dict) -> tuple[str, Any]:
    """A field's name in the reader's language, and how to show its values."""
    kind, _sep, rest = field.partition(":")
    if kind == "step":
        key = rest.partition(":")[2]
        return str(STEP_INPUT_LABELS.get(key, key)), lambda value: _step_value(key, value)
    if kind == "buyer":
        what = _("a buyer of %(customer)s") % {"customer": context.get("customer", "?")}
        present = _("a further buyer")
        return what, lambda value: present if value else _("(none)")
    if kind == "cell":
        column_key = rest.partition(":")[2]
        table = context.get("table", "company")
        column = traits.column(table, column_key, {"columns": context.get("columns", [])})
        label = str(column.label) if column is not None else context.get("column", column_key)
        what = _("%(column)s of %(customer)s") % {
            "column": label,
            "customer": context.get("customer", "?"),
        }
        return what, lambda value: _cell_value(column, value)
    return _draft_what(rest, context)


def _draft_what(field: str, context: dict) -> tuple[str, Any]:
    parts = field.split(":")
    labels = context.get("labels", {})
    if parts[0] == "trait":
        label = traits.trait_label(parts[1], labels.get(parts[1], parts[1]))
        if parts[-1] == "relevant":
            relevant = {True: _("relevant"), False: _("not relevant")}
            return label, lambda value: str(relevant.get(bool(value)))
        return label, lambda value: value_text(choice_words(parts[1], value)) or _("(empty)")
    if parts[0] == "crit":
        segment, attribute, operator = parts[1:4]
        label = trait_name(attribute, labels)
        operator_label = OPERATOR_LABELS.get(operator, "")
        name = f"{SEGMENT_LABELS.get(segment, segment)} · {label} {operator_label}"
        if len(parts) == 4:  # the criterion itself: added or removed
            present = _("criterion present")
            return name, lambda value: present if value else _("(none)")
        if parts[4] == "note":
            return f"{name} · {_('Note')}", lambda value: value or _("(empty)")
        return name, lambda value: value_text(choice_words(attribute, value)) or _("(empty)")
    if parts[0] == "notes":
        name = _("Notes") + f" · {SEGMENT_LABELS.get(parts[1], parts[1])}"
        return name, lambda value: value or _("(empty)")
    return _("The whole draft"), lambda value: ""


def field_name(field: str, context: dict) -> str:
    """What a field is, in the reader's language ("Industry of Alpha AB", "Do-or-die · ...")."""
    return _what(field, context)[0]


def describe(change: WorkshopChange | dict) -> str:
    """One line saying what a change did, in the reader's language."""
    if isinstance(change, WorkshopChange):
        change = {"step": change.step, "fields": change.fields, "context": change.context}
    context, fields = change.get("context") or {}, change.get("fields") or []
    step = _("Step %(number)s") % {"number": change.get("step")}
    if context.get("action") == "paste":
        return _("%(step)s · %(count)s cells pasted") % {"step": step, "count": len(fields)}
    if context.get("action") == "rebuild":
        return _("%(step)s · the draft filled in from steps 4 and 5") % {"step": step}
    if context.get("action") == "buyer_added":
        return _("%(step)s · another buyer of %(customer)s") % {
            "step": step,
            "customer": context.get("customer", "?"),
        }
    if context.get("action") == "buyer_removed":
        return _("%(step)s · a further buyer of %(customer)s removed") % {
            "step": step,
            "customer": context.get("customer", "?"),
        }
    if not fields:
        return step
    what, show = _what(fields[0]["field"], context)
    text = _("%(step)s · %(what)s: “%(before)s” → “%(after)s”") % {
        "step": step,
        "what": what,
        "before": _short(show(fields[0]["before"])),
        "after": _short(show(fields[0]["after"])),
    }
    if len(fields) > 1:
        text += " " + _("(and %(count)s more)") % {"count": len(fields) - 1}
    return text


def decision_subject(decision: dict, labels: dict) -> str:
    """The trait or criterion a decision-log entry is about, in the reader's language."""
    key = str(decision.get("key", ""))
    if decision.get("subject") == "trait":
        return traits.trait_label(key, labels.get(key, key))
    if decision.get("subject") == "criterion" and key.count(":") == 2:
        what, _show = _draft_what(f"crit:{key}", {"labels": labels})
        return what
    return ""


def decision_text(decision: dict, labels: dict) -> str:
    """A decision-log entry in words: "changed Industry", "undid “Step 4 · …”"."""
    if decision.get("action") == "undone":
        return undone_text(decision)
    action = ACTION_WORDS.get(decision.get("action"), ACTION_WORDS["kept"])
    return f"{action} {decision_subject(decision, labels)}".strip()


def undone_text(decision: dict) -> str:
    """An Undo in the decision log: what was taken back."""
    return _("undid “%(what)s”") % {"what": describe(decision.get("change") or {})}
