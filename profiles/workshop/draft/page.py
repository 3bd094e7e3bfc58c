"""Step 6 as the page shows it: the draft's fields, the sections (tabs) they sit in, what the
draft means for the customer list, and what a save or a poll swaps into the page.

The page is organised in sections so it stays short on a projector: the merged profile of
the company table, of the buyer table, one section per segment with its criteria and notes,
and the decision log. `sections()` lists them; a later section (data suggestions, a
self-check) is one more entry and one more template.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portfolio.frames import cache as frame_cache
from portfolio.frames.customers import column_label
from profiles.meeting import checklist
from profiles.models import ProfileVersion
from profiles.versions import criteria, traits, wording
from profiles.versions.criteria import OPERATORS, SEGMENTS
from profiles.versions.diff import empty_content
from profiles.workshop import history, steps
from profiles.workshop.draft import evidence as evidence_module
from profiles.workshop.draft import fields
from profiles.workshop.pages import live_context, progress

SEGMENT_NAMES = history.SEGMENT_LABELS


@dataclass
class DraftField:
    """One field of the draft as its input shows it."""

    id: str
    kind: str  # "text" | "check" | "textarea"
    label: str  # what the field is, for its accessible name
    text: str  # the input's value ("on" / "" for a check box)
    base: str  # the saved text the page started from
    version: int
    conflict: dict | None = None  # {"by", "theirs"}: a teammate saved it meanwhile
    error: str = ""
    gone: bool = False  # its trait or criterion was removed meanwhile
    swap: str = ""  # in a save's or poll's answer: "field" (all of it) or "version"

    @property
    def slug(self) -> str:
        return fields.slug(self.id)


def draft_field(step, content: dict, field_id: str, label: str, kind: str = "text") -> DraftField:
    text = fields.text(content, field_id)
    version = step.field_version(field_id)
    return DraftField(field_id, kind, label, text, text, version)


def _trait_rows(step, content: dict, evidence) -> list[dict]:
    rows = []
    for trait in content["traits"]:
        key, label = trait["key"], traits.trait_label(trait["key"], trait["label"])
        value = draft_field(step, content, fields.trait_field(key, "value"), label)
        relevant = draft_field(
            step,
            content,
            fields.trait_field(key, "relevant"),
            _("%(trait)s is relevant") % {"trait": label},
            "check",
        )
        rows.append(
            {
                **trait,
                "label": label,
                "value_field": value,
                "relevant_field": relevant,
                "evidence": evidence(key, trait["value"]),
                "table": evidence.table_of(key) or trait["source"],
                "why_id": f"why-{fields.slug(fields.trait_field(key, 'value'))}",
            }
        )
    return rows


def _criterion_rows(step, content: dict, segment: str, labels: dict) -> list[dict]:
    rows = []
    for item in content["criteria"]:
        if item["segment"] != segment:
            continue
        label = wording.trait_name(item["attribute"], labels)
        operator = criteria.OPERATOR_LABELS.get(item["operator"], item["operator"])
        name = f"{label} {operator}"
        rows.append(
            {
                **item,
                "label": label,
                "operator_label": operator,
                "field": fields.criterion_field(item),
                "value_field": draft_field(
                    step, content, fields.criterion_field(item, "value"), name
                ),
                "note_field": draft_field(
                    step,
                    content,
                    fields.criterion_field(item, "note"),
                    _("Note on %(criterion)s") % {"criterion": name},
                ),
                "why_id": f"why-{fields.slug(fields.criterion_field(item))}",
            }
        )
    return rows


def sections(content: dict, trait_rows: list[dict], segments: list[dict]) -> list[dict]:
    """The sections of the page, in order: id, tab label, template, how many items (or None),
    and whether its fields belong to the draft's form (a section with forms of its own, like
    the suggestions to adopt, sits outside it)."""
    company = [row for row in trait_rows if row["table"] != "buyer"]
    buyer = [row for row in trait_rows if row["table"] == "buyer"]
    found = [
        {
            "id": "company",
            "label": _("Company profile"),
            "template": "profiles/step6/_traits.html",
            "count": len(company),
            "rows": company,
            "in_form": True,
        },
        {
            "id": "buyer",
            "label": _("Buyer profile"),
            "template": "profiles/step6/_traits.html",
            "count": len(buyer),
            "rows": buyer,
            "in_form": True,
        },
    ]
    for segment in segments:
        found.append(
            {
                "id": segment["key"],
                "label": str(SEGMENT_NAMES[segment["key"]]),
                "template": "profiles/step6/_segment.html",
                "count": len(segment["criteria"]),
                "segment": segment,
                "in_form": True,
            }
        )
    found += [
        {
            "id": "suggested",
            "label": _("Suggested from data"),
            "template": "profiles/_suggestions_slot.html",
            "count": None,
            "in_form": False,
        },
        {
            "id": "checked",
            "label": _("The profile checks itself"),
            "template": "profiles/step6/_selfcheck.html",
            "count": None,
            "in_form": False,
        },
        {
            "id": "decisions",
            "label": _("Decision log"),
            "template": "profiles/step6/_decision_log.html",
            "count": len(content["decisions"]),
            "in_form": True,
        },
    ]
    return found


def context(request, workshop, step, *, state=None, evidence=None) -> dict:
    """Everything step 6 shows."""
    evidence = evidence or evidence_module.Evidence(workshop)
    content = {**empty_content(), **step.inputs}
    labels = {t["key"]: traits.trait_label(t["key"], t["label"]) for t in content["traits"]}
    trait_rows = _trait_rows(step, content, evidence)
    segments = [
        {
            "key": segment,
            "name": SEGMENT_NAMES[segment],
            "criteria": _criterion_rows(step, content, segment, labels),
            "notes_field": draft_field(
                step,
                content,
                f"notes:{segment}",
                _("Notes on %(segment)s") % {"segment": SEGMENT_NAMES[segment]},
                "textarea",
            ),
        }
        for segment in SEGMENTS
    ]
    attributes = [
        (s.column.key, str(s.column.label)) for s in evidence.by_key.values() if s.column.in_profile
    ]
    known = {key for key, _label in attributes}
    attributes += [
        (f, column_label(f))
        for f in ("revenue", "seats", "owner", "contract_type")
        if f not in known
    ]
    can_edit = request.membership.can_edit
    return {
        "workshop": workshop,
        "step": step,
        "definition": steps.get_step(6),
        "content": content,
        "labels": labels,
        "traits": trait_rows,
        "segments": segments,
        "sections": sections(content, trait_rows, segments),
        "attributes": attributes,
        "operators": [(op, criteria.OPERATOR_LABELS[op]) for op in OPERATORS],
        "application_html": application_html(workshop, step, content, evidence),
        "decisions": list(reversed(content["decisions"])),
        "can_edit": can_edit,
        "progress": progress(workshop, current=6),
        **live_context(request, workshop, 6, state),
        "has_tables": any(evidence.by_key.values()),
        "checklist": checklist.checklist(workshop),
        "versions": ProfileVersion.objects.for_organization(workshop.organization).filter(
            workshop=workshop
        )[:5],
    }


def application_html(workshop, step, content: dict, evidence) -> str:
    """What the draft means for the customer list: its stored segments
    (profiles.segments), recomputed only when the criteria, the tables' corrections, the best
    customers or the list changed. Rendered once per stored result and language (thirty
    laptops polling after a change share it)."""
    preview = evidence_module.application(workshop)
    key = (workshop.pk, preview.stamp, preview.updating, get_language())
    return _APPLICATIONS.get_or_set(
        key,
        lambda: render_to_string(
            "profiles/step6/_application.html",
            {"workshop": workshop, "preview": preview, "oob": True},
        ),
    )


_APPLICATIONS = frame_cache.Memo(64)


def field_of(step, content: dict, field_id: str) -> DraftField:
    """One field as the page shows it now (its label is only needed for a swap)."""
    kind = "check" if field_id.endswith(":relevant") else "text"
    if field_id.startswith("notes:"):
        kind = "textarea"
    labels = {trait["key"]: trait["label"] for trait in content.get("traits", [])}
    label = history.field_name(f"draft:{field_id}", {"labels": labels})
    try:
        return draft_field(step, content, field_id, label, kind)
    except fields.FieldGone:
        return DraftField(field_id, kind, label, "", "", 0, gone=True)
