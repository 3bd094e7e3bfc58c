"""Customer pages: the datasets, the customer list, one dataset, its deletion and period."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, admin_required, leader_required, member_required
from portfolio.customers.forms import SIZE_CHOICES, CustomerFilterForm, PeriodForm
from portfolio.customers.results import import_result, mapping_rows
from portfolio.customers.services import (
    DatasetInUse,
    dataset_delete,
    dataset_is_deletable,
    dataset_reaggregate,
)
from portfolio.imports.writing import FACET_FIELDS, FACET_LIMIT
from portfolio.models import Customer, Dataset, DatasetKind, ImportState, ImportUpload
from portfolio.uploads.services import import_uploads_sweep

SORTABLE = {
    "name",
    "revenue",
    "seats",
    "industry",
    "country",
    "employees",
    "owner",
    "customer_since",
    "order_count",
}

SIZE_FILTERS = {
    "small": {"seats__lte": 5},
    "medium": {"seats__gte": 6, "seats__lte": 20},
    "large": {"seats__gte": 21},
    "unknown": {"seats__isnull": True},
}

PAGE_SIZE = 50


@require_GET
@member_required
@vary_on_headers("HX-Request")
def customers(request: MemberRequest):
    datasets = Dataset.objects.for_organization(request.organization).select_related("uploaded_by")
    if request.GET.get("dataset", "").isdigit():
        dataset = get_object_or_404(datasets, pk=request.GET["dataset"])
    else:
        dataset = datasets.first()
    context = {"datasets": datasets, "dataset": dataset, "list_url": reverse("customers")}
    if dataset is not None:
        context.update(_customer_list(request, dataset))
    if request.htmx:
        return render(request, "portfolio/customers.html#table", context)
    import_uploads_sweep()
    uploads = (
        ImportUpload.objects.for_organization(request.organization)
        .without_sample()
        .exclude(state=ImportState.DONE)
    )
    context["uploads"] = uploads[:10]
    return render(request, "portfolio/customers.html", context)


@require_GET
@member_required
@vary_on_headers("HX-Request")
def dataset_detail(request: MemberRequest, pk: int):
    dataset = get_object_or_404(
        Dataset.objects.for_organization(request.organization).select_related("uploaded_by"),
        pk=pk,
    )
    context = {
        "dataset": dataset,
        "list_url": reverse("dataset_detail", args=[dataset.pk]),
        "deletable": dataset_is_deletable(dataset),
        "period_form": PeriodForm(initial={"period": dataset.period or "all"}),
        "result": import_result(dataset),
        "mapping_rows": mapping_rows(dataset),
        **_customer_list(request, dataset),
    }
    if request.htmx:
        return render(request, "portfolio/dataset.html#table", context)
    return render(request, "portfolio/dataset.html", context)


def _customer_list(request, dataset: Dataset) -> dict:
    """Search, filter, sort and paginate a dataset's customers (the shared table partial)."""
    form = CustomerFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    rows = Customer.objects.for_organization(request.organization).in_dataset(dataset)
    if data.get("q"):
        rows = rows.filter(name__icontains=data["q"])
    for name in ("industry", "country", "owner"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    if data.get("size") in SIZE_FILTERS:
        rows = rows.filter(**SIZE_FILTERS[data["size"]])
    sort = data.get("sort") or "name"
    field = sort.removeprefix("-")
    if field not in SORTABLE:
        sort, field = "name", "name"
    if field == "name":
        rows = rows.order_by(sort, "-pk" if sort.startswith("-") else "pk")
    else:
        # Empty values last in both directions, as a spreadsheet sorts them.
        column = F(field)
        descending = sort.startswith("-")
        order = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
        rows = rows.order_by(order, "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = dataset.facets or {
        name: Customer.objects.in_dataset(dataset)
        .exclude(**{name: ""})
        .order_by(name)
        .values_list(name, flat=True)
        .distinct()[:FACET_LIMIT]
        for name in FACET_FIELDS
    }
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    sort_columns = [
        ("name", _("Name"), False),
        ("-revenue" if sort != "-revenue" else "revenue", _("Revenue with us"), True),
        ("-seats" if sort != "-seats" else "seats", _("Seats"), True),
        ("industry", _("Industry"), False),
        ("country", _("Country"), False),
        ("-employees" if sort != "-employees" else "employees", _("Employees"), True),
        ("owner", _("Owner"), False),
        ("customer_since", _("Customer since"), False),
    ]
    if dataset.kind == DatasetKind.ORDERS:
        sort_columns.append(
            ("-order_count" if sort != "-order_count" else "order_count", _("Orders"), True)
        )
    return {
        "page": page,
        "size_choices": SIZE_CHOICES,
        "sort_columns": sort_columns,
        "dataset_url": reverse("dataset_detail", args=[dataset.pk]),
        "filters": data,
        "sort": sort,
        "facets": facets,
        "query": query.urlencode(),
        "extra_columns": dataset.extra_columns,
    }


@require_POST
@admin_required
def dataset_delete_view(request: MemberRequest, pk: int):
    dataset = get_object_or_404(Dataset.objects.for_organization(request.organization), pk=pk)
    try:
        dataset_delete(dataset=dataset)
    except DatasetInUse:
        messages.error(request, _("A saved profile refers to this customer list; it is kept."))
        return redirect("dataset_detail", pk=pk)
    messages.success(request, _("The customer list “%(name)s” was deleted.") % {"name": dataset})
    return redirect("customers")


@require_POST
@leader_required
def dataset_aggregate(request: MemberRequest, pk: int):
    dataset = get_object_or_404(
        Dataset.objects.for_organization(request.organization).filter(kind=DatasetKind.ORDERS),
        pk=pk,
    )
    form = PeriodForm(request.POST)
    if form.is_valid():
        dataset_reaggregate(dataset=dataset, period=form.cleaned_data["period"])
        messages.success(request, _("The customers' figures were added up again."))
    return redirect("dataset_detail", pk=pk)
