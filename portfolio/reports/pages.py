"""What every analysis page shares: the dataset chosen, pagination, the page or its partial."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from icp_site.access import MemberRequest
from icp_site.models import Role
from portfolio.models import Dataset
from portfolio.reports.forms import (
    EXPORT_FORMATS,
)

PER_PAGE = 50


def dataset_and_choices(request: MemberRequest) -> tuple[Dataset | None, object]:
    """The chosen dataset of the member's organisation (404 if not theirs), else the latest."""
    datasets = Dataset.objects.for_organization(request.organization)
    chosen = request.GET.get("dataset") or request.POST.get("dataset") or ""
    if chosen:
        if not chosen.isdigit():
            raise Http404
        return get_object_or_404(datasets, pk=chosen), datasets
    return datasets.first(), datasets


def paginate(frame, number, per_page: int = PER_PAGE):
    """One page of a DataFrame's rows: the Paginator page and its rows as dicts."""
    page = Paginator(frame, per_page).get_page(number)
    return page, page.object_list.to_dict("records")


def show(request, template: str, context: dict) -> HttpResponse:
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def base_context(request, dataset, datasets, form, tab: str) -> dict:
    query = form.query(dataset=dataset.pk) if dataset and form else {}
    return {
        "dataset": dataset,
        "datasets": datasets,
        "form": form,
        "tab": tab,
        "query": urlencode(query),
        "formats": EXPORT_FORMATS,
        "can_edit": request.membership.has_role(Role.LEADER),
    }
