"""What the meeting pack holds, in the active language: the cover (organisation, date,
participants and their functions), the six steps' contents (profiles.meeting.content), the
final profile in words, the one-pager and the decision log."""

from __future__ import annotations

from profiles.meeting import content as step_contents
from profiles.models import ParticipantFunction, ProfileVersion, Workshop, WorkshopStep
from profiles.reps import onepager
from profiles.versions import traits, wording
from profiles.versions.diff import empty_content
from profiles.workshop import history, results, steps


def final_version(workshop: Workshop) -> ProfileVersion | None:
    """The newest version saved from the workshop (its final profile)."""
    return (
        ProfileVersion.objects.for_organization(workshop.organization)
        .filter(workshop=workshop)
        .select_related("dataset")
        .order_by("-number")
        .first()
    )


def participants(workshop: Workshop) -> list[dict]:
    functions = dict(
        ParticipantFunction.objects.filter(workshop=workshop).values_list("user_id", "function")
    )
    labels = dict(ParticipantFunction._meta.get_field("function").choices)
    return [
        {"name": str(person), "function": str(labels.get(functions.get(person.pk), ""))}
        for person in workshop.participants.order_by("name", "email")
    ]


def profile_of(workshop: Workshop, version: ProfileVersion | None) -> dict:
    """The final profile in words: traits by table, criteria per segment, the decision log."""
    if version is not None:
        profile = version.content
    else:
        step = WorkshopStep.objects.filter(workshop=workshop, number=6).first()
        profile = {**empty_content(), **(step.inputs if step else {})}
    names = {t["key"]: traits.trait_label(t["key"], t["label"]) for t in profile["traits"]}
    currency = workshop.currency
    trait_rows = [
        {
            "name": names[t["key"]],
            "value": wording.value_words(t["key"], t["value"], currency=currency, between=True),
            "source": t["source"],
        }
        for t in profile["traits"]
        if t.get("relevant", True)
    ]
    labels = step_contents.segment_labels()
    decisions = [
        {
            "at": decision.get("at", ""),
            "by": decision.get("by", ""),
            "text": history.decision_text(decision, names),
            "reason": decision.get("reason", ""),
        }
        for decision in profile["decisions"]
    ]
    return {
        "company": [row for row in trait_rows if row["source"] == "company"],
        "buyer": [row for row in trait_rows if row["source"] != "company"],
        "segments": [
            {
                "key": segment,
                "label": labels[segment],
                "criteria": [
                    wording.criterion_words(c, names, currency=currency)
                    for c in profile["criteria"]
                    if c["segment"] == segment
                ],
                "note": profile["notes"].get(segment, ""),
            }
            for segment in labels
        ],
        "decisions": decisions,
    }


def pack_context(workshop: Workshop, on_step=lambda done: None) -> dict:
    """Everything the pack shows, in the active language; `on_step(done)` after each part."""
    found = []
    data = results.WorkshopData(workshop)
    rows = {s.number: s for s in WorkshopStep.objects.filter(workshop=workshop)}
    for number in steps.STEP_NUMBERS:
        item = step_contents.step_content(workshop, number, data, rows.get(number))
        found.append(item)
        on_step(len(found))
    version = final_version(workshop)
    dataset = version.dataset if version is not None else None
    pager = onepager.one_pager(version, dataset) if version is not None else None
    current = ProfileVersion.objects.current(workshop.organization)
    context = {
        **(pager or {}),
        "is_current": version is not None and current is not None and current.pk == version.pk,
        "workshop": workshop,
        "organization": workshop.organization,
        "participants": participants(workshop),
        "steps": found,
        "version": version,
        "profile": profile_of(workshop, version),
        "one_pager": pager is not None,
    }
    on_step(len(found) + 1)
    return context
