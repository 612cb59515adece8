"""Admin sections staff never use (Sites, social sign-in applications) are the superuser's only."""

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def test_staff_do_not_see_sites_or_social_applications_even_with_the_permissions(client_for):
    staff = make_staff(None, "officer@city.example")
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["sites", "socialaccount"]))
    client = client_for(staff)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/admin/sites/" not in index and "/admin/socialaccount/" not in index
    assert client.get("/admin/sites/site/", HTTP_ACCEPT_LANGUAGE="en").status_code == 403


def test_superuser_still_sees_them(client_for):
    root = make_staff(None, "root@city.example", superuser=True)
    index = client_for(root).get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/admin/sites/" in index and "/admin/socialaccount/" in index


def test_admin_index_says_what_waits_for_staff(client_for, association):
    from tests.associations.factories import EventFactory
    from tests.factories import MembershipFactory

    MembershipFactory(association=association, state="pending", approved_at=None)
    EventFactory(association=association, moderation_state="pending")
    root = make_staff(None, "root@city.example", superuser=True)
    index = client_for(root).get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for you" in index
    assert "/admin/associations/membership/?state__exact=pending" in index
    assert "/admin/associations/event/?moderation_state__exact=pending" in index
    assert (
        client_for(root).get("/admin/annualclock/meeting/?minutes__exact=", HTTP_ACCEPT_LANGUAGE="en").status_code
        == 200
    )


def test_staff_without_the_permission_see_no_such_line(client_for, association):
    from tests.factories import MembershipFactory

    MembershipFactory(association=association, state="pending", approved_at=None)
    officer = make_staff(None, "officer@city.example")
    index = client_for(officer).get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "membership/?state__exact=pending" not in index
