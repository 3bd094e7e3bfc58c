"""Background work of the meeting pack, run by `manage.py db_worker`."""

from django.tasks import task

from profiles.meeting.pack import writing
from profiles.models import MeetingPack


@task
def write_meeting_pack(pack_id: int) -> str:
    """Write a queued pack (in its own language); its end state."""
    pack = MeetingPack.objects.select_related("workshop__organization").filter(pk=pack_id).first()
    if pack is None or pack.state != "queued":
        return pack.state if pack else "gone"
    return writing.pack_write(pack).state
