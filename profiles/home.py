"""The home page: what the organisation has, for whichever role signs in."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from icp_site.access import MemberRequest, member_required
from icp_site.models import Membership
from portfolio.models import Customer, Dataset


@require_GET
@member_required
def home(request: MemberRequest):
    org = request.organization
    latest = Dataset.objects.for_organization(org).first()
    context = {
        "latest_dataset": latest,
        "customer_count": Customer.objects.in_dataset(latest).count() if latest else 0,
        "dataset_count": Dataset.objects.for_organization(org).count(),
        "member_count": Membership.objects.for_organization(org).count(),
    }
    return render(request, "home.html", context)
