"""Leases: long-term rental and premises offered to organisations; the document is private."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from facilities.models import Lease
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def lease(room, association):
    lease = Lease.objects.create(
        space=room, tenant=association, starts_on=dt.date(2026, 1, 1), rent_per_month=120, preferential_terms="-50 %"
    )
    lease.document.save("vuokrasopimus.pdf", ContentFile(b"%PDF-1.4 test"))
    return lease


def test_the_lease_document_opens_for_the_tenant_and_the_departments_staff_only(
    client_for, lease, association_member, outsider, department, other_department
):
    assert client_for(association_member).get(f"/en/facilities/leases/{lease.pk}/document/").status_code == 200
    staff = make_staff(department, "tilat@city.example")
    assert client_for(staff).get(f"/en/facilities/leases/{lease.pk}/document/").status_code == 200
    assert client_for(outsider).get(f"/en/facilities/leases/{lease.pk}/document/").status_code == 404
    other = make_staff(other_department, "muu@city.example")
    assert client_for(other).get(f"/en/facilities/leases/{lease.pk}/document/").status_code == 404
    assert lease.document.name.startswith("facilities/leases/") and "vuokrasopimus" not in lease.document.name


def test_leases_are_listed_in_the_admin(client_for, superuser, lease):
    assert client_for(superuser).get("/admin/facilities/lease/").status_code == 200
