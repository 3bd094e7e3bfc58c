"""Customer pages."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, member_required
from portfolio.models import Customer, Dataset

SORTABLE = {
    "name",
    "revenue",
    "seats",
    "industry",
    "country",
    "employees",
    "owner",
    "customer_since",
}


@require_GET
@member_required
@vary_on_headers("HX-Request")
def customers(request: MemberRequest):
    datasets = Dataset.objects.for_organization(request.organization)
    dataset = None
    if request.GET.get("dataset", "").isdigit():
        dataset = get_object_or_404(datasets, pk=request.GET["dataset"])
    else:
        dataset = datasets.first()
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "name")
    field = sort.removeprefix("-")
    if field not in SORTABLE:
        sort, field = "name", "name"
    rows = Customer.objects.none()
    if dataset is not None:
        rows = Customer.objects.for_organization(request.organization).in_dataset(dataset)
        if query:
            rows = rows.filter(name__icontains=query)
        rows = rows.order_by(f"{'-' if sort.startswith('-') else ''}{field}", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"datasets": datasets, "dataset": dataset, "page": page, "q": query, "sort": sort}
    template = "portfolio/customers.html"
    if request.htmx:
        template += "#table"
    return render(request, template, context)
