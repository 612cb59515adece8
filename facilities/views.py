"""Public pages: the catalogue, a space with its prices, terms and week view, booking, my bookings."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from associations.acting import acting_association
from associations.models import Association
from facilities import selectors, services
from facilities.forms import BookingForm, CatalogueFilterForm, SeasonApplicationForm
from facilities.ical import booker_calendar, booking_calendar, space_calendar
from facilities.models import Booking, SeasonAllocation, SeasonApplication, SeasonRound
from facilities.permissions import feed_by_token, own_booking, public_space
from portal.permissions import acts_as_staff, acts_as_superuser

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def catalogue(request):
    """Find a space: area, capacity, equipment, accessibility, shared use, and free at a given time."""
    form = CatalogueFilterForm(request.GET)
    page = selectors.space_catalogue_page(form=form, number=request.GET.get("page"), per_page=PAGE_SIZE)
    free_at = form.free_at()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "facilities/space_list.html",
        {
            "form": form,
            "page": page,
            "spaces": page.object_list,
            "free_at": free_at,
            "query": query.urlencode(),
            "filters_active": any(v for k, v in request.GET.items() if k != "page"),
            "breadcrumbs": [(_("Facilities"), "")],
        },
    )


def _week_start(request):
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return selectors.monday_of(day)


@require_GET
def space_detail(request, slug):
    """The space: facility facts, equipment, prices and terms (shown before booking), the week view."""
    space = public_space(slug)
    monday = _week_start(request)
    days = selectors.week_view(space=space, monday=monday)
    for day in days:
        for stretch in day.stretches:
            stretch.book_url = book_link(space, stretch) if stretch.state == selectors.FREE else ""
    facility = space.facility
    return render(
        request,
        "facilities/space_detail.html",
        {
            "space": space,
            "facility": facility,
            "photos": list(facility.photos.all()),
            "equipment": list(space.equipment.all()),
            "prices": selectors.price_table(space),
            "hours": services.bookable_hours(space),
            "days": days,
            "monday": monday,
            "previous_week": (monday - dt.timedelta(days=7)).isoformat(),
            "next_week": (monday + dt.timedelta(days=7)).isoformat(),
            "this_week": selectors.monday_of(timezone.localdate()),
            "book_url": reverse("facilities:booking-create", args=[space.slug]),
            "breadcrumbs": [(_("Facilities"), reverse("facilities:facility-list")), (str(space), "")],
        },
    )


def _form_errors_from(form, exc):
    """Put the service's messages on the form: time errors on the time fields."""
    field_map = {"starts_at": "starts", "ends_at": "ends", "space": None}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def booking_create(request, slug):
    """Book the space for the chosen association (one the user represents) or for oneself."""
    space = public_space(slug)
    initial = {}
    if request.method == "GET":
        for key in ("date", "starts", "ends"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
    form = BookingForm(request.POST or None, user=request.user, acting=acting_association(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            booking = services.booking_create(
                space=space,
                booker=request.user,
                association=form.cleaned_data["association"],
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=form.cleaned_data["purpose"],
                age_group=form.cleaned_data["age_group"],
                attendees=form.cleaned_data["attendees"],
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            if booking.state == Booking.State.CONFIRMED:
                messages.success(request, _("The booking is confirmed. A confirmation was sent to your e-mail."))
            else:
                messages.success(request, _("The booking was sent. Staff confirm it or tell you why not."))
            return redirect("facilities:booking-list")
    return render(
        request,
        "facilities/booking_form.html",
        {
            "space": space,
            "facility": space.facility,
            "form": form,
            "prices": selectors.price_table(space),
            "hours": services.bookable_hours(space),
            "breadcrumbs": [
                (_("Facilities"), reverse("facilities:facility-list")),
                (str(space), space.get_absolute_url()),
                (_("Book"), ""),
            ],
        },
    )


@login_required
@require_GET
def booking_list(request):
    """The user's own bookings, coming ones first, with cancellation where the terms allow it."""
    now = timezone.now()
    bookings = Booking.objects.filter(booker=request.user).select_related(
        "space", "space__facility", "association", "age_group"
    )
    upcoming = list(bookings.filter(ends_at__gte=now).order_by("starts_at"))
    past = list(bookings.select_related("feedback").filter(ends_at__lt=now).order_by("-starts_at")[:50])
    for booking in past:
        booking.wants_feedback = booking.state == Booking.State.CONFIRMED and not hasattr(booking, "feedback")
    applications = list(
        SeasonApplication.objects.filter(association__in=Association.objects.represented_by(request.user))
        .select_related("round", "association")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=SeasonAllocation.objects.filter(state=SeasonAllocation.State.PUBLISHED).select_related(
                    "space"
                ),
            )
        )
        .order_by("-created_at")[:20]
    )
    for booking in upcoming:
        booking.can_cancel = booking.is_active and now <= services.cancellation_deadline(booking)
        booking.deadline = services.cancellation_deadline(booking)
    return render(
        request,
        "facilities/booking_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "applications": applications,
            "feed_url": _feed_url(request),
            "breadcrumbs": [(_("Facilities"), reverse("facilities:facility-list")), (_("My bookings"), "")],
        },
    )


def _feed_url(request):
    from facilities.models import BookerFeed

    feed = BookerFeed.objects.filter(user=request.user).first()
    return request.build_absolute_uri(feed.get_absolute_url()) if feed else ""


@login_required
@require_POST
def booker_feed_renew(request):
    """Make the private calendar link of my bookings, or a new one that retires the old."""
    services.booker_feed_renew(user=request.user)
    messages.success(request, _("Your calendar link is ready. Links made before it no longer work."))
    return redirect(f"{reverse('facilities:booking-list')}#calendar-link")


@require_GET
def booker_ics(request, token):
    """My bookings as a calendar feed for a calendar app, which cannot sign in: the token is the key."""
    feed = feed_by_token(token)
    url = request.build_absolute_uri(reverse("facilities:booking-list"))
    body = booker_calendar(feed.user, selectors.booker_feed_bookings(user=feed.user), url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-bookings.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = own_booking(request, pk)
    try:
        services.booking_cancel(booking=booking, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The booking is cancelled and the time is free for others."))
    return redirect("facilities:booking-list")


@login_required
@require_GET
def booking_ics(request, pk):
    booking = own_booking(request, pk)
    url = request.build_absolute_uri(reverse("facilities:booking-list"))
    response = HttpResponse(booking_calendar(booking, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


@require_GET
def space_ics(request, slug):
    """The space's booked times from today on (no names): for a club's or a caretaker's calendar."""
    space = public_space(slug)
    atoms = services.atomic_space_ids(space)
    bookings = (
        Booking.objects.active()
        .filter(occupancies__space_id__in=atoms, ends_at__gte=timezone.now() - dt.timedelta(days=30))
        .distinct()
        .order_by("starts_at")[:2000]
    )
    response = HttpResponse(space_calendar(space, bookings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{space.slug}.ics"'
    return response


def book_link(space, stretch):
    """The booking form prefilled with a free stretch's date and start."""
    local = timezone.localtime(stretch.starts_at)
    query = urlencode({"date": local.date().isoformat(), "starts": local.strftime("%H:%M")})
    return f"{reverse('facilities:booking-create', args=[space.slug])}?{query}"


@require_GET
def round_list(request):
    """Seasonal rounds open for applications or with published results, with their principles."""
    rounds = (
        SeasonRound.objects.exclude(state=SeasonRound.State.DRAFT)
        .select_related("department")
        .prefetch_related("spaces__facility")
        .order_by("-applications_open")[:20]
    )
    return render(
        request,
        "facilities/round_list.html",
        {
            "rounds": rounds,
            "now": timezone.now(),
            "breadcrumbs": [(_("Facilities"), reverse("facilities:facility-list")), (_("Weekly slots"), "")],
        },
    )


@login_required
def round_apply(request, pk):
    season = get_object_or_404(SeasonRound.objects.exclude(state=SeasonRound.State.DRAFT), pk=pk)
    form = SeasonApplicationForm(request.POST or None, user=request.user, round=season)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.season_apply(
                round=season,
                applicant=request.user,
                association=data["association"],
                purpose=data["purpose"],
                age_group=data["age_group"],
                group_size=data["group_size"],
                slots_wanted=data["slots_wanted"],
                slots=form.slots(),
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("The application was sent. You will get the results by e-mail."))
            return redirect("facilities:booking-list")
    return render(
        request,
        "facilities/round_apply.html",
        {
            "round": season,
            "form": form,
            "breadcrumbs": [
                (_("Facilities"), reverse("facilities:facility-list")),
                (_("Weekly slots"), reverse("facilities:round-list")),
                (season.name, ""),
            ],
        },
    )


@login_required
@require_POST
def slot_watch(request, slug):
    """ "Tell me if this time frees up", from a taken stretch of the week view."""
    space = public_space(slug)
    try:
        starts_at = dt.datetime.fromisoformat(request.POST.get("starts_at", ""))
        ends_at = dt.datetime.fromisoformat(request.POST.get("ends_at", ""))
        if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
            raise ValueError
    except ValueError:
        messages.error(request, _("The time could not be read. Choose it on the week view."))
        return redirect(space.get_absolute_url())
    try:
        services.slot_watch_create(user=request.user, space=space, starts_at=starts_at, ends_at=ends_at)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("We will e-mail you if this time frees up."))
    week = timezone.localtime(starts_at).date().isoformat()
    return redirect(f"{space.get_absolute_url()}?week={week}")


@login_required
@require_POST
def booking_feedback(request, pk):
    booking = own_booking(request, pk)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    try:
        services.feedback_give(booking=booking, user=request.user, rating=rating, text=request.POST.get("text", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("facilities:booking-list")


@login_required
@require_GET
def lease_document(request, pk):
    """A lease document: for the facility's department staff and the tenant's representatives."""
    from django.http import FileResponse, Http404

    from facilities.models import Lease

    lease = get_object_or_404(Lease.objects.select_related("space__facility"), pk=pk)
    user = request.user
    staff_ok = acts_as_superuser(user) or (
        acts_as_staff(user) and user.groups.filter(department__pk=lease.space.facility.department_id).exists()
    )
    tenant_ok = lease.tenant_id and Association.objects.represented_by(user).filter(pk=lease.tenant_id).exists()
    if not (staff_ok or tenant_ok) or not lease.document:
        raise Http404("no document")
    response = FileResponse(lease.document.open("rb"), as_attachment=True, filename=f"lease-{lease.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
