"""Staff powers on the public site need a verified authenticator app (TOTP), as the admin does.

A staff member who has not set up TOTP is an ordinary visitor outside the admin: a stolen
password alone must not open unpublished events, private entries, non-public agreements or a
meeting's materials before the meeting. The same people with TOTP keep those powers.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from annualclock.models import ClockEntry, MeetingMaterial
from associations.models import Association, Event
from portal.permissions import acts_as_staff
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory
from tests.associations.factories import EventFactory, PartnershipAgreementFactory, image_upload, pdf_upload
from tests.associations.utils import grant_registry_permissions
from tests.conftest import enable_totp, make_staff
from tests.factories import AssociationFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff_without_mfa(department):
    """A staff member of the department with every registry and clock permission, but no TOTP."""
    grant_registry_permissions(department.staff_group)
    user = make_staff(department, "nomfa@city.example", mfa=False)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="annualclock"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def superuser_without_mfa(db):
    return make_staff(None, "root.nomfa@city.example", superuser=True, mfa=False)


def _with_totp(user):
    enable_totp(user)
    return type(user).objects.get(pk=user.pk)


def _pending_event(association):
    return EventFactory(
        association=association,
        title="Salainen kevätjuhla",
        start_date=timezone.localdate() + dt.timedelta(days=20),
        moderation_state=Event.ModerationState.PENDING,
        poster=image_upload("juliste.png"),
        poster_alt="Juliste",
    )


def test_staff_without_totp_does_not_act_as_staff_and_with_totp_does(staff_without_mfa, superuser_without_mfa):
    assert not acts_as_staff(staff_without_mfa)
    assert not acts_as_staff(superuser_without_mfa)
    assert acts_as_staff(_with_totp(staff_without_mfa))
    assert acts_as_staff(_with_totp(superuser_without_mfa))


@pytest.mark.parametrize("who", ["staff_without_mfa", "superuser_without_mfa"])
def test_staff_without_totp_do_not_see_an_unpublished_event_or_its_poster(who, request, client_for, association):
    user = request.getfixturevalue(who)
    event = _pending_event(association)
    client = client_for(user)

    assert client.get(f"/en/associations/events/{event.pk}/").status_code == 404
    assert client.get(event.poster_url).status_code == 404

    client = client_for(_with_totp(user))
    assert "Salainen kevätjuhla" in client.get(f"/en/associations/events/{event.pk}/").content.decode()
    assert client.get(event.poster_url).status_code == 200


@pytest.mark.parametrize("who", ["staff_without_mfa", "superuser_without_mfa"])
def test_staff_without_totp_do_not_see_a_private_entry_or_its_logo(who, request, client_for, db):
    user = request.getfixturevalue(who)
    private = AssociationFactory(name="Piilotettu yhdistys ry", is_public=False, logo=image_upload())
    pending = AssociationFactory(name="Odottava yhdistys ry", moderation_state=Association.ModerationState.PENDING)
    client = client_for(user)

    assert client.get(f"/en/associations/{private.slug}/").status_code == 404
    assert client.get(private.logo_url).status_code == 404
    assert client.get(f"/en/associations/{pending.slug}/").status_code == 404

    client = client_for(_with_totp(user))
    assert "Piilotettu yhdistys ry" in client.get(f"/en/associations/{private.slug}/").content.decode()
    assert client.get(private.logo_url).status_code == 200
    page = client.get(f"/en/associations/{pending.slug}/").content.decode()
    assert "Odottava yhdistys ry" in page and "History of changes (administration)" in page


@pytest.mark.parametrize("who", ["staff_without_mfa", "superuser_without_mfa"])
def test_staff_without_totp_do_not_see_a_non_public_agreement_or_its_document(
    who, request, client_for, association, department
):
    user = request.getfixturevalue(who)
    agreement = PartnershipAgreementFactory(
        association=association, department=department, title="Salainen sopimus", is_public=False, document=pdf_upload()
    )
    client = client_for(user)

    assert client.get(f"/en/associations/agreements/{agreement.pk}/").status_code == 404
    assert client.get(f"/en/associations/agreements/{agreement.pk}/document/").status_code == 404

    client = client_for(_with_totp(user))
    assert "Salainen sopimus" in client.get(f"/en/associations/agreements/{agreement.pk}/").content.decode()
    assert client.get(f"/en/associations/agreements/{agreement.pk}/document/").status_code == 200


def test_staff_without_totp_do_not_see_meeting_materials_or_draft_entries_early(staff_without_mfa, client_for):
    meeting = MeetingFactory(minutes="Pöytäkirja: hyväksyttiin.")
    material = MeetingMaterial.objects.create(
        meeting=meeting, title="Esityslista", file=SimpleUploadedFile("esityslista.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    draft = ClockEntryFactory(title="Luonnos: yhdistysilta", state=ClockEntry.State.DRAFT)
    client = client_for(staff_without_mfa)

    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Esityslista" not in html and "Answers (staff only)" not in html
    assert client.get(material.get_absolute_url()).status_code == 404
    assert client.get(f"/en/clock/entries/{draft.pk}/").status_code == 404

    client = client_for(_with_totp(staff_without_mfa))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Esityslista" in html and "Answers (staff only)" in html
    assert client.get(material.get_absolute_url()).status_code == 200
    assert client.get(f"/en/clock/entries/{draft.pk}/").status_code == 200
