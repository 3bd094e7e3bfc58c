"""Reviews pages: the schedule (everybody reads it, admins change it), one review, its .ics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site import submissions
from icp_site.access import MemberRequest, admin_required, get_for_member, member_required
from profiles.models import DeliveryStatus, ReminderDelivery, Review
from profiles.reviews import cadence, ics, reminders, schedule, tasks
from profiles.reviews import services as reviews
from profiles.reviews.forms import ReviewForm, ReviewSettingsForm, ReviewStartForm


@require_GET
@member_required
@vary_on_headers("HX-Request")
def review_list(request: MemberRequest):
    return _render_schedule(request, _settings_form(request))


@require_POST
@admin_required
@vary_on_headers("HX-Request")
def review_settings(request: MemberRequest):
    form = ReviewSettingsForm(request.POST)
    if form.is_valid():
        try:
            reviews.organization_review_settings_update(
                organization=request.organization,
                maturity=form.cleaned_data["maturity"],
                cadence_months=form.cleaned_data["review_cadence_months"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, _("The review settings were saved."))
                return redirect("reviews")
            form = _settings_form(request)
    status = 200 if request.htmx or not form.errors else 400
    return _render_schedule(request, form, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def review_new(request: MemberRequest):
    organization = request.organization
    proposal = schedule.proposal_for(organization)
    initial = {
        "date": proposal.date if proposal else None,
        "attendees": schedule.default_attendees(organization),
        "reminder_offsets": list(cadence.DEFAULT_OFFSETS),
    }
    form = ReviewForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():

        def create():
            review = reviews.review_create(
                organization=organization,
                user=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
            return reverse("review_detail", kwargs={"pk": review.pk}), review

        try:
            url, created = submissions.once_per_submit(request, create)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created is not None:
                messages.success(request, _("The review was scheduled."))
            return redirect(url)
    status = 400 if form.errors else 200
    context = {"form": form, "proposal": proposal}
    return render(request, "profiles/reviews/review_form.html", context, status=status)


@require_GET
@member_required
def review_detail(request: MemberRequest, pk: int):
    review = _review(request, pk)
    context = {
        "scheduled": schedule.with_state(review, today=timezone.localdate()),
        "review": review,
        "attendees": review.attendees.order_by("name", "email"),
        "reminders": review.reminders.order_by("send_at", "pk").prefetch_related("deliveries"),
    }
    return render(request, "profiles/reviews/review_detail.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def review_edit(request: MemberRequest, pk: int):
    review = _review(request, pk)
    initial = {
        "date": review.date,
        "attendees": review.attendees.all(),
        "reminder_offsets": review.reminder_offsets,
    }
    form = ReviewForm(request.POST or None, organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reviews.review_update(review=review, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The review was changed."))
            return redirect("review_detail", pk=review.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "review": review}
    return render(request, "profiles/reviews/review_form.html", context, status=status)


@require_POST
@admin_required
def review_cancel(request: MemberRequest, pk: int):
    review = _review(request, pk)
    try:
        reviews.review_cancel(review=review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The review was cancelled; its reminders will not be sent."))
    return redirect("review_detail", pk=review.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def review_start(request: MemberRequest, pk: int):
    review = _review(request, pk)
    form = ReviewStartForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = reviews.review_start(
                review=review, user=request.user, dataset=form.cleaned_data["dataset"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review's workshop was created from the last one."))
            return redirect("workshop_step", pk=workshop.pk, number=1)
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "review": review,
        "based_on": schedule.last_workshop(request.organization),
    }
    return render(request, "profiles/reviews/review_start.html", context, status=status)


@require_POST
@admin_required
def review_delivery_retry(request: MemberRequest, pk: int, delivery: int):
    """The admin's choice for a reminder that may not have reached someone: send it again."""
    review = _review(request, pk)
    found = get_object_or_404(
        ReminderDelivery.objects.for_organization(request.organization).filter(
            reminder__review=review
        ),
        pk=delivery,
    )
    retried = reminders.reminder_delivery_retry(delivery=found)
    if retried.status == DeliveryStatus.PENDING:
        tasks.enqueue_reminder(retried.reminder_id, at=timezone.now())
        messages.success(
            request, _("The reminder to %(email)s will be sent again.") % {"email": found.email}
        )
    return redirect("review_detail", pk=review.pk)


@require_GET
@member_required
def review_ics(request: MemberRequest, pk: int):
    review = _review(request, pk)
    url = request.build_absolute_uri(reverse("review_detail", kwargs={"pk": review.pk}))
    data = ics.review_calendar(ics.review_event(review, url=url), stamp=timezone.now())
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="review-{review.date:%Y-%m-%d}.ics"'
    return response


def _review(request: MemberRequest, pk: int) -> Review:
    queryset = Review.objects.select_related("organization", "workshop")
    return get_for_member(request, queryset, pk=pk)


def _settings_form(request: MemberRequest) -> ReviewSettingsForm:
    organization = request.organization
    return ReviewSettingsForm(
        initial={
            "maturity": organization.maturity,
            "review_cadence_months": organization.review_cadence_months,
        }
    )


def _render_schedule(request: MemberRequest, settings_form, *, status: int = 200):
    context = {
        "schedule": schedule.review_schedule(request.organization),
        "settings_form": settings_form,
    }
    template = "profiles/reviews/reviews.html"
    if request.htmx:
        template += "#schedule"
    return render(request, template, context, status=status)


def _add_errors(form, error: ValidationError) -> None:
    """A service's errors next to their fields where the form has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
