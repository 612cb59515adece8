import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from associations import tasks
from associations.models import Association
from associations.services.registry import association_send_confirmation_reminders
from associations.tokens import confirmation_token
from portal.registries import calendar_items, get_indicator, home_sections, recipients
from tests.associations.factories import EventFactory, PartnershipAgreementFactory, PartnershipReviewFactory
from tests.dates import days_ahead, this_year
from tests.factories import AssociationFactory, MembershipFactory

TODAY = dt.date(2026, 11, 21)


@pytest.mark.django_db
def test_associations_unconfirmed_for_a_year_are_asked_once_a_year(outbox):
    stale = AssociationFactory(email="info@stale.example", last_confirmed_on=dt.date(2025, 11, 1))
    MembershipFactory(association=stale, role="admin", user__email="chair@stale.example")
    AssociationFactory(last_confirmed_on=dt.date(2026, 6, 1))
    AssociationFactory(moderation_state="pending", last_confirmed_on=None)
    assert association_send_confirmation_reminders(today=TODAY) == 2
    assert association_send_confirmation_reminders(today=TODAY + dt.timedelta(days=1)) == 0
    mails = outbox(template="association-confirm-reminder")
    assert sorted(m.to for m in mails) == ["chair@stale.example", "info@stale.example"]
    assert "/associations/confirm/" in mails[0].body_text


@pytest.mark.django_db
def test_the_beat_task_is_idempotent(outbox):
    AssociationFactory(email="info@x.example", last_confirmed_on=None)
    tasks.send_confirmation_reminders()
    tasks.send_confirmation_reminders()
    assert len(outbox(template="association-confirm-reminder")) == 1


@pytest.mark.django_db
def test_the_link_in_the_reminder_confirms_without_signing_in_but_only_on_post(client):
    association = AssociationFactory(last_confirmed_on=dt.date(2024, 1, 1))
    url = f"/en/associations/confirm/{confirmation_token(association)}/"
    assert client.get(url).status_code == 200
    association.refresh_from_db()
    assert association.last_confirmed_on == dt.date(2024, 1, 1)
    client.post(url)
    association.refresh_from_db()
    assert association.last_confirmed_on > dt.date(2024, 1, 1)
    assert client.post("/en/associations/confirm/forged-token/").status_code == 400


@pytest.mark.django_db
def test_indicators_count_the_year():
    AssociationFactory(prh_class=Association.PRHClass.SPORTS)
    AssociationFactory(prh_class=Association.PRHClass.SPORTS)
    AssociationFactory(prh_class=Association.PRHClass.CULTURE, moderation_state="pending")
    year = this_year()  # the entries above were created this year
    agreement = PartnershipAgreementFactory(valid_from=dt.date(year, 1, 1), valid_until=dt.date(year, 12, 31))
    PartnershipAgreementFactory(valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1))
    PartnershipReviewFactory(agreement=agreement, held_on=dt.date(year, 3, 1))
    EventFactory(start_date=dt.date(year, 5, 1))
    EventFactory(start_date=dt.date(year, 6, 1), moderation_state="pending")
    by_class = get_indicator("associations.per_prh_class").value_for(year)
    assert by_class[str(Association.PRHClass.SPORTS.label)] >= 2
    assert sum(by_class.values()) == Association.objects.filter(moderation_state="approved").count()
    assert get_indicator("associations.partnership_agreements_valid").value_for(year) == 1
    assert get_indicator("associations.partnership_agreements_valid").value_for(2020) == 1
    assert get_indicator("associations.partnership_discussions_held").value_for(year) == 1
    assert get_indicator("associations.events_published").value_for(year) == 1


@pytest.mark.django_db
def test_the_year_of_an_entry_ends_at_midnight_in_pori_not_in_utc():
    helsinki = ZoneInfo("Europe/Helsinki")
    last_evening = AssociationFactory(prh_class=Association.PRHClass.SPORTS)
    new_years_night = AssociationFactory(prh_class=Association.PRHClass.SPORTS)
    Association.objects.filter(pk=last_evening.pk).update(created_at=dt.datetime(2026, 12, 31, 23, 30, tzinfo=helsinki))
    Association.objects.filter(pk=new_years_night.pk).update(created_at=dt.datetime(2027, 1, 1, 0, 30, tzinfo=helsinki))
    sports = str(Association.PRHClass.SPORTS.label)
    assert get_indicator("associations.per_prh_class").value_for(2026)[sports] == 1
    assert get_indicator("associations.per_prh_class").value_for(2027)[sports] == 2


@pytest.mark.django_db
def test_published_events_are_on_the_merged_calendar():
    event = EventFactory(title="Kylätalkoot", start_date=dt.date(2026, 12, 5), start_time=None)
    EventFactory(title="Odottaa", start_date=dt.date(2026, 12, 6), moderation_state="pending")
    items = calendar_items(dt.date(2026, 12, 1), dt.date(2027, 1, 1), sources=["associations.events"])
    assert [i.title for i in items] == ["Kylätalkoot"]
    assert items[0].start == dt.date(2026, 12, 5) and items[0].is_all_day
    assert items[0].url == event.get_absolute_url()


@pytest.mark.django_db
def test_recipient_lists_give_public_contacts_and_representatives_with_their_association():
    public = AssociationFactory(email="info@public.example")
    AssociationFactory(email="info@hidden.example", is_public=False)
    MembershipFactory(association=public, user__email="rep@public.example")
    MembershipFactory(association=public, user__email="pending@public.example", state="pending", approved_at=None)
    contacts = recipients("associations.contacts")
    assert [(r.email, r.association_id) for r in contacts] == [("info@public.example", public.pk)]
    reps = recipients("associations.representatives")
    assert [(r.email, r.association_id) for r in reps] == [("rep@public.example", public.pk)]


@pytest.mark.django_db
def test_the_front_page_shows_coming_events(client):
    EventFactory(title="Joulumyyjäiset", start_date=days_ahead(8))
    request = RequestFactory().get("/")
    sections = {key: context for key, _template, context in home_sections(request)}
    assert [e.title for e in sections["associations.events"]["events"]] == ["Joulumyyjäiset"]
    assert "Joulumyyjäiset" in client.get("/en/").content.decode()
