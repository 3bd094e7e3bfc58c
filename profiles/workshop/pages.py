"""What every step page shares: the workshop of the request, the step, the progress bar."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from icp_site.access import MemberRequest
from profiles.models import Workshop, WorkshopStep
from profiles.workshop import steps


def workshop_of(request: MemberRequest, pk: int) -> Workshop:
    """The workshop `pk` of the member's organisation, or 404."""
    workshops = Workshop.objects.for_organization(request.organization).select_related("dataset")
    return get_object_or_404(workshops, pk=pk)


def step_of(workshop: Workshop, number: int) -> WorkshopStep:
    """Step `number` of the workshop, or 404."""
    if number not in steps.STEP_PAGES:
        raise Http404
    return get_object_or_404(WorkshopStep, workshop=workshop, number=number)


def progress(workshop: Workshop, current: int | None) -> list[dict]:
    """The six steps with done / needs review / current, for the progress bar."""
    rows = {s.number: s for s in WorkshopStep.objects.filter(workshop=workshop)}
    return [
        {
            "step": definition,
            "done": getattr(rows.get(definition.number), "done", False),
            "needs_review": getattr(rows.get(definition.number), "needs_review", False),
            "current": definition.number == current,
        }
        for definition in steps.STEPS
    ]
