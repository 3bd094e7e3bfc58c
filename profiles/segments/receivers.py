"""A new version keeps its table corrections; a published one gets its segments stored."""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from profiles.models import ProfileVersion
from profiles.segments import lists, services
from profiles.versions.signals import profile_published

logger = logging.getLogger(__name__)


@receiver(post_save, sender=ProfileVersion, dispatch_uid="segments_capture_corrections")
def capture_corrections(sender, instance, created, **kwargs):
    if created:
        services.version_corrections_capture(instance)


@receiver(profile_published, dispatch_uid="segments_on_profile_published")
def store_published_segments(sender, *, version, publication, **kwargs):
    # Sent after the publication committed: a failure here must not turn the publish into an
    # error page; the reps' list computes the segments on its first visit instead.
    try:
        dataset = lists.segment_dataset(version.organization, version)
        if dataset is not None:
            services.version_segments(version, dataset)
    except Exception:
        logger.exception("Could not store the segments of %s", version)
