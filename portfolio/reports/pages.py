"""What every analysis page shares: the dataset chosen, pagination, the page or its partial."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from icp_site.access import MemberRequest
from icp_site.models import Role
from portfolio.frames import customers as frames
from portfolio.models import Dataset
from portfolio.reports.forms import (
    EXPORT_FORMATS,
)

PER_PAGE = 50
# Who knows a list's size groups better than the method's example: the workshop app registers
# a function giving (metric, (small up to, medium up to)) of the latest workshop on a list.
_SIZE_DEFAULTS: list[Callable[[Dataset], tuple[str, tuple[float, float]] | None]] = []


def register_size_defaults(
    provider: Callable[[Dataset], tuple[str, tuple[float, float]] | None],
) -> None:
    """Let an app say which size groups a customer list's pages start from."""
    _SIZE_DEFAULTS.append(provider)


def size_defaults(dataset: Dataset | None) -> tuple[str, tuple[float, float]] | None:
    """The size metric and limits the team set for this list, else None (the method's)."""
    if dataset is None:
        return None
    for provider in _SIZE_DEFAULTS:
        if (found := provider(dataset)) is not None:
            return found
    return None


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


def active_on(form):
    """The date the page counts customers on (None: the former ones too), from its form."""
    include = bool(form is not None and form.is_valid() and form.cleaned_data["include_former"])
    return frames.active_date(include)


def base_context(request, dataset, datasets, form, tab: str) -> dict:
    query = form.query(dataset=dataset.pk) if dataset and form else {}
    return {
        "former": frames.former_customers(dataset),
        "include_former": active_on(form) is None,
        "dataset": dataset,
        "datasets": datasets,
        "form": form,
        "tab": tab,
        "query": urlencode(query),
        "formats": EXPORT_FORMATS,
        "can_edit": request.membership.has_role(Role.LEADER),
    }
