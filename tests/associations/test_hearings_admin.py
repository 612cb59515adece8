"""Staff run hearings in the admin: scoped by department; the actions call the services."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from associations.hearings.models import Hearing
from tests.associations.hearing_factories import HearingFactory

pytestmark = pytest.mark.django_db


def grant(group):
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="associations",
            content_type__model__in=["hearing", "hearinganswer", "hearingdocument", "hearingcomment"],
        )
    )


def test_staff_add_a_draft_hearing_in_the_admin(client_for, department, staff):
    grant(department.staff_group)
    opens = timezone.localtime() + dt.timedelta(days=1)
    closes = opens + dt.timedelta(days=14)
    response = client_for(staff).post(
        "/admin/associations/hearing/add/",
        {
            "title": "Uusi kuuleminen",
            "kind": "development",
            "department": department.pk,
            "question": "Mitä mieltä olette?",
            "audience": "associations.representatives",
            "opens_at_0": opens.strftime("%Y-%m-%d"),
            "opens_at_1": "09:00",
            "closes_at_0": closes.strftime("%Y-%m-%d"),
            "closes_at_1": "16:00",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
            "invitations-TOTAL_FORMS": "0",
            "invitations-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    hearing = Hearing.objects.get()
    assert hearing.state == Hearing.State.DRAFT and hearing.created_by == staff


def test_staff_of_another_department_do_not_see_the_hearing(client_for, department, other_department, other_staff):
    grant(other_department.staff_group)
    hearing = HearingFactory(department=department)
    client = client_for(other_staff)
    assert hearing.title not in client.get("/admin/associations/hearing/").content.decode()
    assert client.get(f"/admin/associations/hearing/{hearing.pk}/change/").status_code in (302, 403, 404)
