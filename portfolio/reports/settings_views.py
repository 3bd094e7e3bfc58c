"""Leaders set what every analysis page of the organisation uses: the ABC limits and the
scoring model of step 3's value-score goal and of scored prospect lists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from icp_site.access import MemberRequest, leader_required
from portfolio.models import ScoringModel
from portfolio.parsing.typed import parse_local_number
from portfolio.reports import org_settings


def _back(request, name: str):
    dataset = request.POST.get("dataset", "")
    query = urlencode({"dataset": dataset}) if dataset.isdigit() else ""
    return redirect(f"{reverse(name)}?{query}" if query else reverse(name))


@require_POST
@leader_required
def abc_limits_save(request: MemberRequest):
    try:
        a = parse_local_number(request.POST.get("a_limit", ""))
        b = parse_local_number(request.POST.get("b_limit", ""))
        org_settings.abc_limits_save(
            organization=request.organization, user=request.user, a_limit=a, b_limit=b
        )
    except ValueError:
        messages.error(request, _("Enter the limits as numbers, such as 80 and 90."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Every page of the organisation now uses these ABC limits."))
    return _back(request, "analysis")


@require_POST
@leader_required
def scoring_model_choose(request: MemberRequest):
    chosen = request.POST.get("model", "")
    model = None
    if chosen.isdigit():
        model = get_object_or_404(
            ScoringModel.objects.for_organization(request.organization), pk=int(chosen)
        )
    org_settings.scoring_model_choose(
        organization=request.organization, user=request.user, scoring_model=model
    )
    if model is None:
        messages.success(request, _("The value score uses the default parameters again."))
    else:
        messages.success(
            request,
            _("“%(name)s” is now the organisation's scoring model.") % {"name": model.name},
        )
    return _back(request, "analysis_scores")
