"""Every computed indicator of Pori's programme gives the figure the data holds.

For each app, a small fixture with known counts is built, and the programme's own indicator
(the demo's mapping of seed 000 to registry keys) is computed through ``selectors`` — the path
the dashboard and the report take — and compared with the count. A key the demo maps but no
case here covers fails ``test_every_mapped_key_has_a_known_count_case``.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.programme import selectors
from portal.programme.models import Indicator
from portal.registries import get_indicator
from tests.dates import this_year
from tests.facilities.conftest import at
from tests.factories import AgeGroupFactory, ForumFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


# --- Known counts, one builder per app: (year, {key: expected}) -----------------------------------


def annualclock_counts(request):
    from portal.models import Forum
    from tests.annualclock.factories import MeetingFactory

    year = this_year() - 1  # a year whose meetings have all been held

    def held(forum, month, year=year, **fields):
        starts_at = dt.datetime(year, month, 10, 14, tzinfo=dt.UTC)
        return MeetingFactory(forum=forum, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), **fields)

    group = ForumFactory(name="Yhdistysyhteistyöryhmä", kind=Forum.Kind.WORKING_GROUP)
    parliament = ForumFactory(name="Seuraparlamentti", kind=Forum.Kind.SPORTS_PARLIAMENT)
    evenings = ForumFactory(name="Yhdistysillat", kind=Forum.Kind.ASSOCIATION_EVENING)
    held(group, 2, matters_handled=4)
    held(group, 5, matters_handled=3)
    held(group, 6, year=year - 1, matters_handled=2)  # another year
    held(parliament, 4)
    held(evenings, 3)
    held(evenings, 10)
    return year, {
        "annualclock.working_group_meetings": 2,
        "annualclock.matters_handled": 7,
        "annualclock.sports_parliament_meetings": 1,
        "annualclock.association_evenings": 2,
    }


def associations_counts(request):
    from associations.hearings.models import Hearing
    from tests.associations.cooperation_factories import JointProjectFactory
    from tests.associations.factories import PartnershipAgreementFactory, PartnershipReviewFactory
    from tests.associations.hearing_factories import HearingFactory, answer
    from tests.factories import AssociationFactory

    year = this_year()
    first = PartnershipAgreementFactory(valid_from=dt.date(year, 1, 1), valid_until=dt.date(year, 12, 31))
    PartnershipAgreementFactory(valid_from=dt.date(year - 2, 1, 1), valid_until=dt.date(year + 2, 12, 31))
    PartnershipAgreementFactory(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1))  # long over
    PartnershipReviewFactory(agreement=first, held_on=dt.date(year, 3, 1))
    PartnershipReviewFactory(agreement=first, held_on=dt.date(year - 1, 3, 1))  # last year's
    # Hearings of last year (every deadline passed): the ones associations answered count.
    heard = year - 1
    tz = timezone.get_default_timezone()

    def hearing(kind, month, *answered_by):
        opens = dt.datetime(heard, month, 1, 9, tzinfo=tz)
        held = HearingFactory(kind=kind, opens_at=opens, closes_at=opens + dt.timedelta(days=20))
        for association in answered_by:
            answer(held, association)
        Hearing.objects.filter(pk=held.pk).update(state=Hearing.State.CLOSED)

    one, two = AssociationFactory(), AssociationFactory()
    hearing(Hearing.Kind.EX_ANTE, 2, one)
    hearing(Hearing.Kind.EX_ANTE, 3)  # nobody answered
    hearing(Hearing.Kind.DEVELOPMENT, 4, one, two)
    hearing(Hearing.Kind.DEVELOPMENT, 5, two)
    JointProjectFactory(starts_on=dt.date(year, 3, 1), ends_on=dt.date(year, 9, 30))
    JointProjectFactory(starts_on=dt.date(year - 1, 1, 1))  # open-ended, still running
    JointProjectFactory(starts_on=dt.date(year - 3, 1, 1), ends_on=dt.date(year - 2, 12, 31))  # over
    return year, {
        "associations.partnership_agreements_valid": 2,
        "associations.partnership_discussions_held": 1,
        "associations.joint_projects": 2,
    }


def hearings_counts(request):
    """The hearing keys count a year that is over; ``associations_counts`` built it."""
    year, _ = associations_counts(request)
    return year - 1, {
        "associations.hearing_ex_ante_assessments": 1,
        "associations.hearing_development_processes": 2,
    }


def facilities_counts(request):
    from facilities import services
    from tests.facilities.factories import BookableHoursFactory, FacilityFactory, SpaceFactory

    association = request.getfixturevalue("association")
    member = request.getfixturevalue("association_member")
    outsider = request.getfixturevalue("outsider")
    day = timezone.localdate() - dt.timedelta(days=1)  # used yesterday, booked a week before
    west = ServiceAreaFactory(name="Länsi-Pori")
    gym = SpaceFactory(facility=FacilityFactory(service_area=west), capacity=60)  # shared use
    for weekday in range(7):  # bookable 8–22 on that one day of the year only: 14 hours
        BookableHoursFactory(
            space=gym, weekday=weekday, starts=dt.time(8), ends=dt.time(22), valid_from=day, valid_until=day
        )

    def book(user, start, end, association=None):
        return services.booking_create(
            space=gym,
            booker=user,
            association=association,
            starts_at=at(day, start),
            ends_at=at(day, end),
            purpose="Vuoro",
            attendees=5,
            now=timezone.now() - dt.timedelta(days=8),
        )

    ours = book(member, 8, 12, association=association)  # 4 h for the association
    theirs = book(outsider, 14, 17)  # 3 h for a resident
    services.feedback_give(booking=ours, user=member, rating=4)
    services.feedback_give(booking=theirs, user=outsider, rating=5)
    return day.year, {
        "facilities.shared_use_utilisation": Decimal("50.0"),  # 7 of 14 hours
        "facilities.association_share": Decimal("57.1"),  # 4 of 7 hours
        "facilities.shared_use_utilisation_by_service_area": {"Länsi-Pori": Decimal("50.0")},
        "facilities.feedback_score": (Decimal("4.50"), 2),  # mean of 4 and 5, two answers
    }


def grants_counts(request):
    from grants import services
    from grants.models import Application
    from tests.grants.factories import ApplicationFactory, GrantRoundFactory

    staff = request.getfixturevalue("staff")
    staff.is_superuser = True
    staff.save()
    grant_round = GrantRoundFactory(department=request.getfixturevalue("department"))
    keskusta, noormarkku = ServiceAreaFactory(name="Keskusta"), ServiceAreaFactory(name="Noormarkku")
    granted = ApplicationFactory(round=grant_round, state=Application.State.IN_REVIEW)
    granted.service_areas.set([keskusta, noormarkku])
    granted.age_groups.set([AgeGroupFactory(name="Lapset")])
    ApplicationFactory(round=grant_round, state=Application.State.SUBMITTED)
    ApplicationFactory(round=grant_round, state=Application.State.DRAFT)  # not an applicant yet
    services.decision_make(application=granted, user=staff, amount="800", grounds="Hyvä hanke")
    return grant_round.year, {
        "grants.applicants_per_year": 2,
        "grants.recipients_per_year": 1,
        "grants.amount_granted_per_year": Decimal("800.00"),
        "grants.amount_by_service_area": {"Keskusta": Decimal("400.00"), "Noormarkku": Decimal("400.00")},
        "grants.amount_by_age_group": {"Lapset": Decimal("800.00")},
    }


def newsletter_counts(request):
    from tests.newsletter.factories import IssueFactory, SubscriberFactory, sent_issue

    def on(year, month, day):
        return timezone.make_aware(dt.datetime(year, month, day, 12, 0))

    def subscription(confirmed, ended=None):
        SubscriberFactory(requested_at=confirmed - dt.timedelta(hours=1), confirmed_at=confirmed, unsubscribed_at=ended)

    spring = sent_issue(sent_at=on(2026, 3, 10))
    sent_issue(sent_at=on(2026, 3, 10), language="sv", translation_of=spring)  # the same issue in Swedish
    sent_issue(sent_at=on(2026, 6, 10))
    sent_issue(sent_at=on(2025, 12, 10))
    IssueFactory(year=2026)  # a draft
    subscription(on(2024, 5, 1))
    subscription(on(2025, 2, 1))
    subscription(on(2025, 3, 1), ended=on(2026, 4, 1))
    subscription(on(2026, 9, 1))
    subscription(on(2026, 10, 1))
    SubscriberFactory(confirmed_at=None)  # never confirmed
    return 2026, {
        "newsletter.issues_per_year": 2,
        "newsletter.subscriber_change": 1,  # 3 at the end of 2025, 4 at the end of 2026
        "newsletter.subscribers_at_year_end": 4,
    }


def portal_counts(request):
    from portal.models import PageVisitDay

    year = this_year()
    ForumFactory(name="Liikuntaverkosto", joined_year=year - 3)
    ForumFactory(name="Kulttuuriverkosto")
    ForumFactory(name="Tuleva verkosto", joined_year=year + 1)  # not yet
    ForumFactory(name="Päättynyt verkosto", ended_year=year - 1)  # over
    ForumFactory(name="Lakkautettu", is_active=False)
    PageVisitDay.objects.create(day=dt.date(year, 1, 1), section="associations", count=5)
    PageVisitDay.objects.create(day=dt.date(year, 1, 2), section="associations", count=7)
    PageVisitDay.objects.create(day=dt.date(year, 1, 2), section="grants", count=100)  # another section
    PageVisitDay.objects.create(day=dt.date(year - 1, 12, 31), section="associations", count=9)  # last year
    return year, {"portal.forums_and_networks": 2, "portal.association_page_visitors": 12}


BUILDERS = {
    "annualclock": annualclock_counts,
    "associations": associations_counts,
    "hearings": hearings_counts,
    "facilities": facilities_counts,
    "grants": grants_counts,
    "newsletter": newsletter_counts,
    "portal": portal_counts,
}


def mapped_keys(programme):
    """{key: (indicator, position in its computed_key)} of every computed indicator of the programme."""
    keys = {}
    for indicator in Indicator.objects.filter(focus_area__programme=programme, source=Indicator.Source.COMPUTED):
        for position, key in enumerate(selectors.computed_keys(indicator)):
            keys[key] = (indicator, position)
    return keys


COVERED = {
    "annualclock": {
        "annualclock.working_group_meetings",
        "annualclock.matters_handled",
        "annualclock.sports_parliament_meetings",
        "annualclock.association_evenings",
    },
    "associations": {
        "associations.partnership_agreements_valid",
        "associations.partnership_discussions_held",
        "associations.joint_projects",
    },
    "hearings": {"associations.hearing_ex_ante_assessments", "associations.hearing_development_processes"},
    "facilities": {
        "facilities.shared_use_utilisation",
        "facilities.association_share",
        "facilities.shared_use_utilisation_by_service_area",
        "facilities.feedback_score",
    },
    "grants": {
        "grants.applicants_per_year",
        "grants.recipients_per_year",
        "grants.amount_granted_per_year",
        "grants.amount_by_service_area",
        "grants.amount_by_age_group",
    },
    "newsletter": {"newsletter.issues_per_year", "newsletter.subscriber_change", "newsletter.subscribers_at_year_end"},
    "portal": {"portal.forums_and_networks", "portal.association_page_visitors"},
}


def test_every_mapped_key_has_a_known_count_case(pori):
    assert set(mapped_keys(pori)) == set().union(*COVERED.values())


@pytest.mark.parametrize("app", sorted(BUILDERS))
def test_the_programme_shows_the_known_counts(app, pori, request):
    year, expected = BUILDERS[app](request)
    keys = mapped_keys(pori)
    assert set(expected) == COVERED[app]
    for key, want in expected.items():
        indicator, position = keys[key]
        computed = selectors.compute_indicator(indicator, year)
        label = str(get_indicator(key).label)
        if position == 0:  # the headline figure
            if isinstance(want, tuple):  # a feedback score: the mean and its number of answers
                assert (computed.total, computed.answers) == want, key
            elif isinstance(want, dict):
                assert computed.total == sum(want.values()), key
            else:
                assert computed.total == Decimal(want), key
        rows = {row["label"]: row["value"] for row in computed.rows}
        if isinstance(want, dict):
            for name, value in want.items():
                assert rows[f"{label}: {name}"] == value, key
        elif position > 0:
            assert rows[label] == Decimal(want), key
