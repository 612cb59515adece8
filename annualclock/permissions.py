"""Who may see what in the annual clock. Each helper returns the object or raises 404.

- Published plan entries and all meetings are public (the clock is for everyone).
- Draft entries, and a meeting's materials before the meeting is over, only for staff who
  may view them in the admin.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from annualclock.models import ClockEntry, Meeting, MeetingMaterial
from portal.permissions import staff_has_perm


def is_clock_staff(user, perm):
    """Staff with an authenticator app who hold ``perm`` (portal.permissions: no TOTP, no staff powers)."""
    return staff_has_perm(user, perm)


def entry_for_viewer(request, pk) -> ClockEntry:
    entry = get_object_or_404(ClockEntry.objects.select_related("meeting"), pk=pk)
    if entry.state != ClockEntry.State.PUBLISHED and not is_clock_staff(request.user, "annualclock.view_clockentry"):
        raise Http404(_("No such entry."))
    return entry


def meeting_for_viewer(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.with_forum(), pk=pk)


def materials_visible(request, meeting: Meeting, now=None) -> bool:
    """Materials and minutes are public once the meeting is over; staff see them before."""
    return meeting.is_over(now or timezone.now()) or is_clock_staff(request.user, "annualclock.view_meeting")


def material_for_download(request, meeting_pk, pk) -> MeetingMaterial:
    material = get_object_or_404(MeetingMaterial.objects.select_related("meeting"), meeting_id=meeting_pk, pk=pk)
    if not materials_visible(request, material.meeting):
        raise Http404(_("No such file."))
    return material
