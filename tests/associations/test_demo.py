import io

import pytest
from django.db.models import Count

from associations import demo
from associations.models import Association, Event, PartnershipAgreement
from portal import demo as portal_demo


@pytest.mark.django_db
def test_the_demo_follows_poris_prh_distribution_and_loading_twice_changes_nothing():
    out = io.StringIO()
    portal_demo.load(stdout=out)
    demo.load(stdout=out)
    counts = (Association.objects.count(), Event.objects.count(), PartnershipAgreement.objects.count())
    demo.load(stdout=out)
    assert (Association.objects.count(), Event.objects.count(), PartnershipAgreement.objects.count()) == counts
    registered = dict(Association.objects.filter(kind="registered").values_list("prh_class").annotate(n=Count("pk")))
    assert registered == {str(k): v for k, v in demo.DEMO_COUNTS.items()}
    assert Association.objects.filter(kind="informal").count() == len(demo.INFORMAL_GROUPS)
    assert PartnershipAgreement.objects.count() == 3
    assert Association.objects.filter(name="Porin Karhut ry", moderation_state="approved").exists()


@pytest.mark.django_db
def test_demo_sports_clubs_are_filed_under_their_own_sport():
    out = io.StringIO()
    portal_demo.load(stdout=out)
    demo.load(stdout=out)
    for stem, fields in demo.STEM_FIELDS.items():
        for association in Association.objects.filter(name__contains=f" {stem} ").prefetch_related(
            "fields_of_activity"
        ):
            assert sorted(f.name for f in association.fields_of_activity.all()) == sorted(fields), association.name
