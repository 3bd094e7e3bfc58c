"""Reviews listen to the profile: publishing one finishes its review and proposes the next."""

import logging

from django.dispatch import receiver

from profiles.reviews import services as reviews
from profiles.versions.signals import profile_published

logger = logging.getLogger(__name__)


@receiver(profile_published, dispatch_uid="reviews_on_profile_published")
def record_publication_in_reviews(sender, *, version, publication, **kwargs):
    # Sent after the publication committed: a failure here must not turn the publish into an
    # error page, so it is logged (and the Reviews page still proposes from the publication).
    try:
        reviews.review_publication_record(version=version, publication=publication)
    except Exception:
        logger.exception("Could not update the reviews after publishing %s", version)
