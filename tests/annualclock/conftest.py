import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import translation

from annualclock.models import Meeting
from portal import registries
from portal.models import Forum
from portal.registries import CalendarItem, Recipient
from tests.factories import AssociationFactory, ForumFactory, MembershipFactory

INVITEES = "tests.clock-invitees"


@pytest.fixture(autouse=True)
def _english():
    """Tests read the English msgids: pages under /en/, messages in English, whatever the catalogues say."""
    with translation.override("en"):
        yield


def in_english(client):
    """A client whose admin pages (no language prefix) are in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def clock_staff(staff):
    """A staff member (with MFA) allowed to keep the annual clock and its meetings."""
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="annualclock"))
    return type(staff).objects.get(pk=staff.pk)  # a fresh object: no cached permissions


@pytest.fixture
def staff_client(client_for, clock_staff):
    """The clock staff member signed in, reading the admin in English."""
    return in_english(client_for(clock_staff))


@pytest.fixture
def working_group(db):
    return ForumFactory(name="Yhdistysyhteistyöryhmä", slug="yhdistysyhteistyoryhma", kind=Forum.Kind.WORKING_GROUP)


@pytest.fixture
def other_association(db):
    return AssociationFactory(name="Porin Sulkapallo ry", slug="porin-sulkapallo", email="info@sulkapallo.example")


@pytest.fixture
def other_representative(other_association):
    return MembershipFactory(association=other_association, user__email="rep@sulkapallo.example").user


@pytest.fixture
def invitees(association, other_association):
    """A recipient list as the associations app registers them: a contact per association, plus a resident."""

    def recipients():
        return [
            Recipient(
                email="secretary@karhut.example", language="fi", name="Karhujen sihteeri", association_id=association.pk
            ),
            Recipient(email="info@sulkapallo.example", language="sv", association_id=other_association.pk),
            Recipient(email="resident@example.org", language="en"),
        ]

    registries.recipient_list(INVITEES, label="Test invitees")(recipients)
    yield INVITEES
    registries._recipient_lists.pop(INVITEES, None)


@pytest.fixture
def other_source():
    """Another app's calendar source (as grants registers its rounds): its items join the clock."""
    import datetime as dt

    items = []

    def source(start, end):
        return [item for item in items if start <= item.start < end]

    registries.calendar_source("tests.grants")(source)
    items.append(
        CalendarItem(
            uid="grant-round-1-opens@test",
            title="Kulttuuriavustusten haku 2027",
            start=dt.date(2027, 3, 1),
            end=dt.date(2027, 3, 27),
            kind="grant_application_period",
            url="/en/grants/rounds/1/",
        )
    )
    yield items
    registries._calendar_sources.pop("tests.grants", None)


def invite(meeting, **kwargs):
    from annualclock.services import meeting_invite

    result = meeting_invite(meeting=meeting, **kwargs)
    return result, Meeting.objects.get(pk=meeting.pk)


def says(response, message):
    """The page shows ``message`` (as the template escapes it)."""
    from django.utils.html import escape

    return escape(str(message)) in response.content.decode()
