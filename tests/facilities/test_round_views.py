"""Applying for weekly slots in an open round."""

import datetime as dt

import pytest
from django.utils import timezone

from facilities import services
from facilities.models import SeasonApplication, SeasonRound
from tests.facilities.conftest import next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(department, half_a, half_b):
    starts = next_weekday(0, at_least_days=30)
    now = timezone.now()
    season = SeasonRound.objects.create(
        name="Kevätkausi",
        department=department,
        season_starts=starts,
        season_ends=starts + dt.timedelta(days=90),
        applications_open=now - dt.timedelta(days=1),
        applications_close=now + dt.timedelta(days=14),
        principles="Lasten ja nuorten ryhmät ensin.",
        state=SeasonRound.State.OPEN,
    )
    season.spaces.set([half_a, half_b])
    return season


def form_data(association, half_a, half_b):
    return {
        "association": association.pk,
        "purpose": "Salibandy, juniorit",
        "group_size": 18,
        "slots_wanted": 1,
        "space_1": half_a.pk,
        "weekday_1": 1,
        "starts_1": "18:00",
        "ends_1": "20:00",
        "space_2": half_b.pk,
        "weekday_2": 3,
        "starts_2": "18:00",
        "ends_2": "20:00",
    }


def test_the_round_list_shows_the_principles_and_the_apply_link(client, open_round):
    html = client.get("/en/facilities/rounds/").content.decode()
    assert "Lasten ja nuorten ryhmät ensin." in html and f"/rounds/{open_round.pk}/apply/" in html


def test_a_representative_applies_with_ranked_alternatives(
    client_for, open_round, association, association_member, half_a, half_b
):
    response = client_for(association_member).post(
        f"/en/facilities/rounds/{open_round.pk}/apply/", form_data(association, half_a, half_b), follow=True
    )
    assert "The application was sent." in response.content.decode()
    application = SeasonApplication.objects.get()
    assert [(s.rank, s.space, s.weekday) for s in application.slots.all()] == [(1, half_a, 1), (2, half_b, 3)]
    assert "Salibandy, juniorit" in response.content.decode()  # on the representative's own page


def test_an_outsider_cannot_apply_for_an_association(client_for, open_round, association, outsider, half_a, half_b):
    response = client_for(outsider).post(
        f"/en/facilities/rounds/{open_round.pk}/apply/", form_data(association, half_a, half_b)
    )
    assert response.status_code == 200 and response.context["form"].errors["association"]
    assert SeasonApplication.objects.count() == 0


def test_applying_after_the_round_closed_is_refused_with_a_message(
    client_for, open_round, association, association_member, half_a, half_b
):
    open_round.applications_close = timezone.now() - dt.timedelta(minutes=1)
    open_round.save()
    response = client_for(association_member).post(
        f"/en/facilities/rounds/{open_round.pk}/apply/", form_data(association, half_a, half_b)
    )
    assert str(services.ROUND_NOT_OPEN) in response.content.decode()
    assert SeasonApplication.objects.count() == 0
