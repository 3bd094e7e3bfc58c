from django.utils.functional import SimpleLazyObject

from profiles.reviews import schedule


def review_banner(request):
    """The review to announce in the banner while it is due or overdue (looked up lazily)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"review_banner": None}
    # Lazy: only a page that renders the banner (not an htmx partial) asks the database.
    return {
        "review_banner": SimpleLazyObject(lambda: schedule.banner_review(membership.organization))
    }
