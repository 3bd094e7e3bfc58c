from icp_site.models import Membership


def tenancy(request):
    """The current membership and the member's other organisations, for the navigation."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"membership": None, "organization": None, "other_memberships": []}
    others = (
        Membership.objects.filter(user=request.user)
        .exclude(pk=membership.pk)
        .select_related("organization")
    )
    return {
        "membership": membership,
        "organization": membership.organization,
        "other_memberships": others,
    }
