"""A dataset's snapshot goes with the dataset: deleted once the deletion has committed."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from portfolio.frames import snapshot
from portfolio.models import Dataset


@receiver(post_delete, sender=Dataset, dispatch_uid="frames_remove_snapshot")
def remove_snapshot(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: snapshot.remove(pk))
