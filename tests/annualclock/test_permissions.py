"""Who may see what: every view that takes an id, as a matrix of role × object."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from annualclock.models import ClockEntry, MeetingMaterial
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def objects():
    upcoming = MeetingFactory()
    past = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=3), ends_at=timezone.now() - dt.timedelta(days=2)
    )

    def material(meeting):
        return MeetingMaterial.objects.create(meeting=meeting, title="Liite", file=SimpleUploadedFile("liite.pdf", PDF))

    return {
        "published entry": ClockEntryFactory().get_absolute_url(),
        "draft entry": ClockEntryFactory(state=ClockEntry.State.DRAFT).get_absolute_url(),
        "upcoming meeting": upcoming.get_absolute_url(),
        "material before the meeting": material(upcoming).get_absolute_url(),
        "material after the meeting": material(past).get_absolute_url(),
    }


@pytest.fixture
def users(outsider, association_member, other_staff, clock_staff):
    return {
        "anonymous": None,
        "outsider": outsider,
        "representative": association_member,
        "staff of another department": other_staff,
        "clock staff": clock_staff,
    }


EXPECTED = {
    # object: roles that get it (everyone else gets 404)
    "published entry": {"anonymous", "outsider", "representative", "staff of another department", "clock staff"},
    "draft entry": {"clock staff"},
    "upcoming meeting": {"anonymous", "outsider", "representative", "staff of another department", "clock staff"},
    "material before the meeting": {"clock staff"},
    "material after the meeting": {
        "anonymous",
        "outsider",
        "representative",
        "staff of another department",
        "clock staff",
    },
}


def test_each_role_sees_exactly_what_it_may(client_for, objects, users):
    seen = {}
    for role, user in users.items():
        client = client_for(user)
        for name, url in objects.items():
            status = client.get(url).status_code
            assert status in (200, 404), (role, name, status)
            if status == 200:
                seen.setdefault(name, set()).add(role)

    assert seen == EXPECTED
