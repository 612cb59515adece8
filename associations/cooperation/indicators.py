"""Indicators of the forms of cooperation (seed 000, "Yhteiset hankkeet kaupungin ja yhdistysten
kanssa"; seed 004 goals 5, 7 and 9), computed for a year."""

from django.utils.translation import gettext_lazy as _

from associations.cooperation.models import LETTER_KINDS, PATRONAGE_KINDS, CityRequest, JointProject, LocalInitiative
from portal.registries import indicator


@indicator(
    "associations.joint_projects",
    label=_("Joint projects of the city and associations"),
    unit=_("projects"),
    description=_("Joint projects running at some time during the year (Mittarit: yhteiset hankkeet)."),
)
def joint_projects(year):
    return JointProject.objects.running_during_year(year).count()


@indicator(
    "associations.recommendation_letters_issued",
    label=_("Letters of recommendation or intent issued"),
    unit=_("letters"),
    description=_("Requests for a letter for an external funding application granted during the year."),
)
def recommendation_letters_issued(year):
    return CityRequest.objects.filter(
        kind__in=LETTER_KINDS, state=CityRequest.State.GRANTED, decided_at__year=year
    ).count()


@indicator(
    "associations.patronages_granted",
    label=_("Patronages granted"),
    unit=_("patronages"),
    description=_("The mayor's, the city's and media patronages granted during the year."),
)
def patronages_granted(year):
    return CityRequest.objects.filter(
        kind__in=PATRONAGE_KINDS, state=CityRequest.State.GRANTED, decided_at__year=year
    ).count()


@indicator(
    "associations.local_initiatives_carried_out",
    label=_("Local initiatives carried out"),
    unit=_("initiatives"),
    description=_("Initiatives of residents and informal groups carried out with the city during the year."),
)
def local_initiatives_carried_out(year):
    return LocalInitiative.objects.filter(state=LocalInitiative.State.CARRIED_OUT, carried_out_on__year=year).count()
