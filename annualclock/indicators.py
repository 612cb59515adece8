"""The programme's indicators the annual clock computes (seed 000, "Yhteistyö ja yhteiskehittäminen", Mittarit)."""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from annualclock import selectors
from annualclock.models import MeetingResponse
from portal.models import Forum
from portal.registries import indicator


@indicator(
    "annualclock.working_group_meetings",
    label=_("Meetings of the cooperation working group"),
    unit=_("meetings"),
    description=_("Meetings of the cooperation working group held in the year."),
)
def working_group_meetings(year):
    """Seed 000: "Yhdistysyhteistyöryhmän kokousten määrä/vuosi"."""
    return selectors.meetings_held(year, forum_kind=Forum.Kind.WORKING_GROUP).count()


@indicator(
    "annualclock.matters_handled",
    label=_("Matters handled in the cooperation working group"),
    unit=_("matters"),
    description=_("Matters furthering cooperation with associations handled by the working group in the year."),
)
def matters_handled(year):
    """Seed 000: "Yhdistysyhteistyöryhmässä käsiteltyjen yhdistysyhteistyötä edistävien asioiden määrä/vuosi"."""
    meetings = selectors.meetings_held(year, forum_kind=Forum.Kind.WORKING_GROUP)
    return meetings.aggregate(total=Sum("matters_handled"))["total"] or 0


@indicator(
    "annualclock.sports_parliament_meetings",
    label=_("Seuraparlamentti meetings"),
    unit=_("meetings"),
    description=_("Times Seuraparlamentti, the city's forum with sports clubs, met in the year."),
)
def sports_parliament_meetings(year):
    """Seed 000: "Seuraparlamentin kokoontumiskerrat/vuosi"."""
    return selectors.meetings_held(year, forum_kind=Forum.Kind.SPORTS_PARLIAMENT).count()


@indicator(
    "annualclock.association_evenings",
    label=_("Association evenings"),
    unit=_("evenings"),
    description=_("Association evenings the city held in the year."),
)
def association_evenings(year):
    """Seed 000: "Yhdistysiltojen määrä/vuosi"."""
    return selectors.meetings_held(year, forum_kind=Forum.Kind.ASSOCIATION_EVENING).count()


@indicator(
    "annualclock.invited_on_time_share",
    label=_("Meetings invited at least 7 days ahead"),
    unit="%",
    description=_("Of the year's meetings with invitations sent, the share invited at least 7 days ahead."),
)
def invited_on_time_share(year):
    counts = selectors.invitation_timeliness(year)
    if not counts["total"]:
        return None  # no invited meetings: no share to report (not 0 %)
    return round(100 * (counts["total"] - counts["late"]) / counts["total"], 1)


@indicator(
    "annualclock.participating_associations",
    label=_("Associations that took part in the city's meetings"),
    unit=_("associations"),
    description=_("Different associations that answered “attending” to a meeting held in the year."),
)
def participating_associations(year):
    return (
        MeetingResponse.objects.filter(
            meeting__in=selectors.meetings_held(year), answer=MeetingResponse.Answer.ATTENDING
        )
        .values("association")
        .distinct()
        .count()
    )
