"""The grants' programme indicators (seed 000, Avustukset › Mittarit), computed for a year.

"Avustuksia hakeneiden ja saaneiden yhdistysten määrä/vuosi" and "Avustetun toiminnan
kohdistuminen palvelualueittain ja ikäryhmittäin". The year is the round's year.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import BigIntegerField, Case, Count, Exists, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Cast, Coalesce, Mod
from django.utils.translation import gettext_lazy as _

from grants import services, workflow
from grants.models import Application, Clawback, Decision, PlannedResult, ReportResult
from portal.models import AgeGroup, ServiceArea
from portal.registries import indicator


@indicator(
    "grants.applicants_per_year",
    label=_("Associations that applied for grants"),
    unit=_("associations"),
    description=_("Distinct applicants with a submitted application in the year's rounds."),
)
def applicants_per_year(year):
    return (
        Application.objects.filter(round__year=year, state__in=workflow.APPLIED_STATES)
        .values("association")
        .distinct()
        .count()
    )


@indicator(
    "grants.recipients_per_year",
    label=_("Associations that received grants"),
    unit=_("associations"),
    description=_("Distinct associations with a positive decision in the year's rounds."),
)
def recipients_per_year(year):
    return (
        Decision.objects.filter(application__round__year=year, amount__gt=0)
        .values("application__association")
        .distinct()
        .count()
    )


@indicator(
    "grants.amount_granted_per_year",
    label=_("Grants decided"),
    unit=_("currency"),
    description=_("The sum of the year's decisions, less what was clawed back."),
)
def amount_granted_per_year(year):
    decided = Decision.objects.filter(application__round__year=year).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    returned = Clawback.objects.filter(application__round__year=year).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    return decided - returned


def _split(year, relation, names, label="name"):
    """Each decision's amount split evenly over the areas (or age groups) its application names,
    so the breakdown adds up to the total; an application naming none counts as "not given".

    Computed in the database, a fixed number of queries however many applications the year has:
    each link row of the application's through table gets the application's share in whole cents,
    ``amount / n`` rounded half to even (as ``Decimal.quantize`` does), and the shares are summed
    per target; only the totals' labels are read as objects."""
    field = Application._meta.get_field(relation)
    through = field.remote_field.through
    target = field.m2m_reverse_field_name()  # the through table's foreign key to the target
    decided = Decision.objects.filter(application__round__year=year, amount__gt=0)
    links = through.objects.filter(application__round__year=year, application__decision__amount__gt=0)
    per_application = through.objects.filter(application=OuterRef("application")).order_by().values("application")
    cents = (
        links.annotate(
            cents=Cast(F("application__decision__amount") * 100, BigIntegerField()),
            n=Subquery(per_application.annotate(c=Count("pk")).values("c")[:1], output_field=BigIntegerField()),
        )
        .annotate(q=F("cents") / F("n"), r2=Mod("cents", "n") * 2)
        .annotate(
            share=Case(
                When(r2__gt=F("n"), then=F("q") + 1),
                When(r2=F("n"), then=F("q") + Mod("q", 2)),
                default=F("q"),
                output_field=BigIntegerField(),
            )
        )
        .order_by()
        .values(target)
        .annotate(total=Sum("share"))
        .values_list(target, "total")
    )
    by_target = dict(cents)
    totals = defaultdict(Decimal)
    for obj in field.related_model.objects.filter(pk__in=by_target):
        totals[getattr(obj, label)] += Decimal(by_target[obj.pk]).scaleb(-2)
    not_given = (
        decided.exclude(Exists(through.objects.filter(application=OuterRef("application"))))
        .order_by()
        .aggregate(t=Sum("amount"), n=Count("pk"))
    )
    result = {name: totals.get(name, Decimal("0.00")) for name in names}
    if not_given["n"]:
        result[str(_("Not given"))] = Decimal(0) + not_given["t"]
    return result


@indicator(
    "grants.amount_by_service_area",
    label=_("Grant money by service area"),
    unit=_("currency"),
    description=_("The year's grants by the service areas the applications target (split evenly)."),
)
def amount_by_service_area(year):
    return _split(year, "service_areas", ServiceArea.objects.values_list("name", flat=True))


@indicator(
    "grants.amount_by_age_group",
    label=_("Grant money by age group"),
    unit=_("currency"),
    description=_("The year's grants by the age groups the applications target (split evenly)."),
)
def amount_by_age_group(year):
    return _split(year, "age_groups", AgeGroup.objects.values_list("name", flat=True))


@indicator(
    "grants.amount_by_strategy_goal",
    label=_("Grant money by strategy goal"),
    unit=_("currency"),
    description=_(
        "The year's grants by the cooperation programme's goals (focus areas) the applications serve (split evenly)."
    ),
)
def amount_by_strategy_goal(year):
    goals = services.strategy_goal_choices().values_list("title", flat=True)
    return _split(year, "strategy_goals", goals, label="title")


@indicator(
    "grants.reports_on_time",
    label=_("Share of grant reports on time"),
    unit="%",
    description=_("Reports submitted by the round's reporting deadline, of the year's paid grants that had one."),
)
def reports_on_time(year):
    due = (
        Application.objects.filter(round__year=year, state__in=workflow.GRANTED_STATES)
        .exclude(state__in=[Application.State.GRANTED, Application.State.PARTLY_GRANTED])
        .annotate(due=Coalesce("decision__report_due_on", "round__report_due_on"))
        .filter(due__isnull=False)
    )
    total = due.count()
    if not total:
        return None
    on_time = due.filter(report__isnull=False, report__submitted_at__date__lte=F("due"))
    return round(100 * on_time.count() / total, 1)


@indicator(
    "grants.results_achieved",
    label=_("Results achieved against planned"),
    unit="%",
    description=_("The achieved values reported, as a share of the targets promised, over the year's reports."),
)
def results_achieved(year):
    planned = PlannedResult.objects.filter(application__round__year=year, achievements__isnull=False).aggregate(
        t=Sum("target_value"), n=Count("pk")
    )
    achieved = ReportResult.objects.filter(report__application__round__year=year).aggregate(t=Sum("achieved_value"))
    if not planned["n"] or not planned["t"]:
        return None
    return round(float(100 * (achieved["t"] or 0) / planned["t"]), 1)
