"""The meeting around a workshop: its agenda and timer, who facilitates and where the room is,
the participants' functions, and the meeting pack written for it (PDF and slides)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from profiles.models.segments import ExportState
from profiles.models.workshops import Workshop


class Function(models.TextChoices):
    """The parts of the company the method wants at the table (step 6: "every part of the
    company is represented")."""

    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    FINANCE = "finance", _("Finance")
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    MANAGEMENT = "management", _("Management")


class Meeting(models.Model):
    """One workshop's meeting: the agenda (minutes per step), the facilitator, the step the
    facilitator shows the room, and the timer of that step.

    The timer counts the room's step: `timer_elapsed` seconds before the current run, plus the
    time since `timer_started_at` while it runs. Moving the room adds the step's time to
    `spent` and starts the next step's count from zero. `room_moves` counts the moves: a
    participant who follows is taken along once per move, so one who looks elsewhere stays
    there until the facilitator moves on.
    """

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="meeting")
    durations = models.JSONField(_("minutes per step"), default=dict, blank=True)
    # The language of the meeting pack; blank: the organisation's default language.
    language = models.CharField(_("language"), max_length=10, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    room_step = models.PositiveSmallIntegerField(_("step shown to the room"), null=True, blank=True)
    room_moves = models.PositiveIntegerField(_("moves"), default=0)
    timer_running = models.BooleanField(_("timer running"), default=False)
    timer_started_at = models.DateTimeField(_("timer started at"), null=True, blank=True)
    timer_elapsed = models.PositiveIntegerField(_("seconds elapsed"), default=0)
    spent = models.JSONField(_("seconds spent per step"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(room_step__isnull=True)
                | models.Q(room_step__gte=1, room_step__lte=6),
                name="meeting_room_step_1_to_6",
            )
        ]

    def __str__(self):
        return f"{self.workshop} · {self.room_step or '-'}"


class ParticipantFunction(models.Model):
    """The function a participant speaks for in a workshop (sales, finance, ...)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="functions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    function = models.CharField(_("function"), max_length=20, choices=Function.choices)

    class Meta:
        verbose_name = _("participant's function")
        verbose_name_plural = _("participants' functions")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="one_function_per_participant"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.function}"


class MeetingPack(models.Model):
    """The meeting pack of a workshop (a PDF and a slide deck), written in the request for a
    small workshop and by the worker for a large one, downloaded by the member who asked."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=10, choices=ExportState.choices, default="queued")
    done = models.PositiveSmallIntegerField(default=0)  # parts written (steps, profile, files)
    total = models.PositiveSmallIntegerField(default=0)
    folder = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.workshop} · {self.state}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0
