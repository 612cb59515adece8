import io

import pytest

from associations import demo as associations_demo
from grants import demo
from grants.models import Decision, GrantRound
from portal import demo as portal_demo


@pytest.mark.django_db
def test_the_demo_has_an_open_call_and_public_decisions_and_loading_twice_changes_nothing(client):
    out = io.StringIO()
    portal_demo.load(stdout=out)
    associations_demo.load(stdout=out)
    demo.load(stdout=out)
    counts = (GrantRound.objects.count(), Decision.objects.count())
    demo.load(stdout=out)
    assert (GrantRound.objects.count(), Decision.objects.count()) == counts
    assert GrantRound.objects.open_at().count() == 2
    for grant_round in GrantRound.objects.all():
        assert grant_round.committed <= grant_round.appropriation
    assert client.get("/en/grants/").status_code == 200
    assert client.get("/en/grants/decisions/").status_code == 200
    assert Decision.objects.count() == 12
