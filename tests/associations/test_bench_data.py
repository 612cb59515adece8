import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from associations.models import Association, PartnershipAgreement


@pytest.mark.django_db(transaction=True)
def test_the_generator_refuses_a_database_that_is_not_for_benchmarks(monkeypatch):
    # Whatever the test database is called (a helper's may be test_yp_bench).
    monkeypatch.setitem(connection.settings_dict, "NAME", "yhdistysportaali")
    with pytest.raises(CommandError, match="bench"):
        call_command("generate_associations", "--count", "10")


@pytest.mark.django_db(transaction=True)
def test_the_generator_writes_a_searchable_registry_with_copy(client):
    call_command("generate_associations", "--count", "600", "--force")
    assert Association.objects.count() == 600
    assert Association.service_areas.through.objects.count() >= 600
    assert PartnershipAgreement.objects.exists()
    response = client.get("/en/associations/", {"q": "ry", "prh_class": "sports"})
    assert response.status_code == 200
    assert all(a.prh_class == "sports" for a in response.context["associations"])
