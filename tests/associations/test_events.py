import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from icalendar import Calendar

from associations.models import Association, Event
from associations.validators import EVENT_END_BEFORE_START, POSTER_ALT_REQUIRED
from tests.associations.factories import EventFactory, image_upload
from tests.associations.utils import en
from tests.dates import days_ago, days_ahead, local
from tests.factories import AssociationFactory, MembershipFactory, ServiceAreaFactory, UserFactory

FIXTURES = "tests/fixtures"


def event_form(**overrides):
    data = {
        "kind": "event",
        "title": "Joulunäytös",
        "description": "Tervetuloa!",
        "start_date": days_ahead(14).isoformat(),
        "start_time": "",
        "end_date": "",
        "end_time": "",
        "place": "Isomäen jäähalli",
        "online_url": "",
        "link": "",
        "poster_alt": "",
        "report": "",
    }
    data.update(overrides)
    return data


def test_a_representative_posts_a_date_only_event_with_a_poster_and_it_waits_for_moderation(
    client_for, association, association_member, client, outbox
):
    response = client_for(association_member).post(
        "/en/associations/events/new/",
        event_form(poster=image_upload("juliste.jpg", "JPEG"), poster_alt="Luistelijoita jäällä"),
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Joulunäytös")
    assert event.association == association and event.is_all_day
    assert event.moderation_state == "pending"
    assert event.poster.name.endswith(".jpg")
    assert outbox(template="event-submitted")
    assert "Joulunäytös" not in client.get("/en/associations/events/").content.decode()
    assert client.get(f"/en/associations/events/{event.pk}/").status_code == 404


def test_a_poster_without_alt_text_and_an_end_before_the_start_are_refused(client_for, association, association_member):
    response = client_for(association_member).post(
        "/en/associations/events/new/",
        event_form(poster=image_upload(), start_time="18:00", end_time="17:00"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["poster_alt"] == [en(POSTER_ALT_REQUIRED)]
    assert errors["end_time"] == [en(EVENT_END_BEFORE_START)]
    assert not Event.objects.exists()


def test_a_representative_of_several_must_choose_whom_to_post_for(client_for, db):
    user = UserFactory()
    MembershipFactory(user=user)
    MembershipFactory(user=user)
    response = client_for(user).get("/en/associations/events/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/associations/acting-for/?next=")


def test_staff_approval_publishes_the_event_and_tells_the_poster(
    association, association_member, staff, client, outbox
):
    from associations.services import events

    event = events.event_create(
        association=association, user=association_member, data={"title": "Turnaus", "start_date": days_ahead(8)}
    )
    events.event_approve(event=event, user=staff)
    assert "Turnaus" in client.get("/en/associations/events/").content.decode()
    (mail,) = outbox(template="event-approved")
    assert mail.to == "member@karhut.example"
    assert f"/associations/events/{event.pk}/" in mail.body_text


def test_editing_a_published_event_sends_it_back_to_moderation(client_for, association, association_member):
    event = EventFactory(association=association, title="Turnaus")
    client_for(association_member).post(f"/en/associations/events/{event.pk}/edit/", event_form(title="Turnaus 2"))
    event.refresh_from_db()
    assert (event.title, event.moderation_state) == ("Turnaus 2", "pending")
    assert event.history.first().history_user == association_member


def test_a_rejected_event_fixed_by_its_association_goes_back_to_the_moderators(
    client_for, association, association_member, outbox
):
    event = EventFactory(association=association, title="Turnaus", moderation_state="rejected")
    client_for(association_member).post(f"/en/associations/events/{event.pk}/edit/", event_form(title="Turnaus 2"))
    event.refresh_from_db()
    assert event.moderation_state == "pending"
    (mail,) = outbox(template="event-submitted")
    assert mail.to == "yhdistysyhteistyo@pori.fi" and "Turnaus 2" in mail.body_text


def test_the_events_list_shows_upcoming_published_events_with_filters(client, db):
    area = ServiceAreaFactory(name="Reposaari")
    village = AssociationFactory(name="Reposaaren Kyläyhdistys ry")
    village.service_areas.add(area)
    EventFactory(association=village, title="Kylätalkoot", start_date=days_ahead(4))
    market_day = days_ago(60)
    EventFactory(title="Menneet markkinat", start_date=market_day)
    EventFactory(title="Projektiuutinen", kind="project", start_date=days_ahead(35))
    body = client.get("/en/associations/events/").content.decode()
    assert "Kylätalkoot" in body and "Projektiuutinen" in body and "Menneet markkinat" not in body
    filtered = client.get("/en/associations/events/", {"service_area": area.pk}).content.decode()
    assert "Kylätalkoot" in filtered and "Projektiuutinen" not in filtered
    assert "Projektiuutinen" in client.get("/en/associations/events/", {"kind": "project"}).content.decode()
    window = {"start": market_day - dt.timedelta(days=5), "end": market_day + dt.timedelta(days=5)}
    past = client.get("/en/associations/events/", window).content.decode()
    assert "Menneet markkinat" in past and "Kylätalkoot" not in past


def test_the_events_list_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    for n in range(30):
        EventFactory(title=f"Tapahtuma {n}")
    with django_assert_max_num_queries(6):
        response = client.get("/en/associations/events/")
    assert len(response.context["events"]) == 20


def test_the_icalendar_feed_has_stable_uids_and_the_link_in_the_description(client, db):
    evening, market_day = days_ahead(15), days_ahead(22)
    timed = EventFactory(title="Ilta", start_date=evening, start_time=dt.time(18), end_time=dt.time(20))
    all_day = EventFactory(title="Markkinat", start_date=market_day, start_time=None)
    first = client.get("/en/associations/events.ics")
    assert first["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(first.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert str(events["Ilta"]["uid"]) == f"association-event-{timed.pk}@127.0.0.1"
    assert events["Ilta"].decoded("dtstart").isoformat() == local(evening, dt.time(18)).isoformat()  # Pori time
    assert events["Markkinat"].decoded("dtstart") == market_day
    assert events["Markkinat"].decoded("dtend") == market_day + dt.timedelta(days=1)
    assert f"/associations/events/{all_day.pk}/" in str(events["Markkinat"]["description"])
    second = Calendar.from_ical(client.get("/en/associations/events.ics").content)
    assert [str(e["uid"]) for e in second.walk("VEVENT")] == [str(e["uid"]) for e in calendar.walk("VEVENT")]


def test_a_published_event_has_event_json_ld(client, db):
    day = days_ahead(14)
    event = EventFactory(title="</script>Ilta", place="Karhuhalli", start_date=day)
    body = client.get(f"/en/associations/events/{event.pk}/").content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(block)
    assert data["@type"] == "Event"
    assert data["name"] == "</script>Ilta"
    assert data["startDate"] == local(day, dt.time(18)).isoformat()  # Pori time, with its offset
    assert data["location"] == {"@type": "Place", "name": "Karhuhalli"}
    assert data["organizer"]["@type"] == "Organization"


# --- Linked Events import -------------------------------------------------------------------
@pytest.fixture
def karhut(db):
    return AssociationFactory(name="Porin Karhut ry", slug="porin-karhut", linked_events_publisher="pori:karhut")


def imported():
    return {e.external_id: e for e in Event.objects.filter(source="linkedevents")}


def test_the_linked_events_import_creates_events_and_reports_what_it_skipped(karhut, capsys):
    call_command("import_linked_events", f"{FIXTURES}/linked_events.json")
    out = capsys.readouterr().out
    assert "created 3, updated 0, unchanged 1, deleted 0, skipped 1" in out
    assert "unknown publisher 'pori:unknown-organisation'" in out
    events = imported()
    show = events["pori:agk1karhut01"]
    assert show.title == "Karhujen joulunäytös"
    assert (show.start_date, show.start_time, show.end_time) == (dt.date(2026, 12, 12), dt.time(15), dt.time(17, 30))
    assert show.description.startswith("Perinteinen joulunäytös Isomäen jäähallissa.")
    assert "<" not in show.description and "& glögiä" in show.description
    assert show.place == "Isomäen jäähalli, Kuninkaanhaantie 37"
    assert show.link == "https://karhut.example/joulunaytos"
    assert show.moderation_state == "approved"
    market = events["pori:agk1karhut02"]
    assert market.title == "Vårmarknad" and market.is_all_day
    assert (market.start_date, market.end_date) == (dt.date(2027, 4, 24), dt.date(2027, 4, 25))
    assert market.link == ""  # a javascript: link is dropped


def test_the_linked_events_import_is_idempotent_and_honours_modified_time_and_deletion(karhut, capsys):
    call_command("import_linked_events", f"{FIXTURES}/linked_events.json")
    call_command("import_linked_events", f"{FIXTURES}/linked_events.json")
    assert "created 0, updated 0, unchanged 4, deleted 0, skipped 1" in capsys.readouterr().out.splitlines()[-2]
    assert Event.objects.count() == 3
    call_command("import_linked_events", f"{FIXTURES}/linked_events_update.json")
    events = imported()
    assert events["pori:agk1karhut01"].title == "Karhujen joulunäytös 2026"
    assert events["pori:agk1karhut01"].start_date == dt.date(2026, 12, 13)
    assert events["pori:agk1karhut02"].title == "Vårmarknad"  # the older copy did not win
    assert events["pori:agk1karhut03"].moderation_state == "rejected"  # cancelled at the source
    call_command("import_linked_events", f"{FIXTURES}/linked_events_deleted.json")
    assert "pori:agk1karhut01" not in imported()


def test_the_import_can_put_every_event_on_one_association(db, capsys):
    group = AssociationFactory(slug="kaupunki", kind=Association.Kind.OTHER)
    call_command("import_linked_events", f"{FIXTURES}/linked_events.json", association="kaupunki")
    assert Event.objects.filter(association=group).count() == 4


def test_posting_from_a_profile_acts_for_that_association(client_for, db):
    user = UserFactory()
    MembershipFactory(user=user, association__name="A ry")
    second = MembershipFactory(user=user, association__name="B ry").association
    client = client_for(user)
    response = client.post(
        "/en/associations/acting-for/", {"association": second.pk, "next": "/en/associations/events/new/"}
    )
    assert response["Location"] == "/en/associations/events/new/"
    client.post("/en/associations/events/new/", event_form(title="B:n tapahtuma"))
    assert Event.objects.get(title="B:n tapahtuma").association == second
    assert "B ry" in client.get(f"/en/associations/{second.slug}/").content.decode()


def test_an_unpublished_events_poster_is_served_only_to_its_association(client, client_for, association_member):
    from tests.associations.factories import image_upload as upload

    event = EventFactory(
        association=association_member.memberships.get().association,
        moderation_state="pending",
        poster=upload(),
        poster_alt="Juliste",
    )
    assert client.get(f"/en/associations/events/{event.pk}/poster/").status_code == 404
    response = client_for(association_member).get(f"/en/associations/events/{event.pk}/poster/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
