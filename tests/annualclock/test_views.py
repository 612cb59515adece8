"""The public pages: the wheel, the list, print, an entry, meetings, materials and the front page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annualclock.home import coming_up_section
from annualclock.models import ClockEntry, Kind, MeetingMaterial
from portal.registries import calendar_sources
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory, MeetingResponseFactory
from tests.dates import local

# Month-only 2027 entries say "exact date to be announced" only while their month is ahead:
# these tests look at them from a fixed day before 2027, whatever the clock says.
BEFORE_2027 = local(dt.date(2026, 6, 15), dt.time(12))

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_clock_without_a_year_is_this_years_wheel(client):
    response = client.get("/en/clock/")

    assert response.status_code == 200
    assert reverse("annualclock:year") == "/en/clock/"
    assert f"Annual clock {timezone.localdate().year}" in response.content.decode()


def test_the_wheel_places_each_entry_as_a_named_link(client, other_source):
    entry = ClockEntryFactory(year=2027, month=3, title="Yhdistysilta: avustukset")

    html = client.get("/en/clock/2027/").content.decode()

    assert 'role="group" aria-labelledby="wheel-title"' in html
    assert f'href="{entry.get_absolute_url()}"' in html
    assert 'aria-label="Association evening: Yhdistysilta: avustukset, March 2027"' in html
    # Another app's item is on the wheel too, linking to its own page.
    assert 'href="/en/grants/rounds/1/"' in html
    assert "Grant application period: Kulttuuriavustusten haku 2027" in html


def test_the_wheels_coordinates_are_numbers_in_every_language(client):
    ClockEntryFactory(year=2027, month=3)

    html = client.get("/fi/clock/2027/").content.decode()  # Finnish writes decimals with a comma

    assert re.search(r'<circle cx="-?\d+(\.\d+)?" cy="-?\d+(\.\d+)?"', html)
    assert not re.search(r'(cx|cy|x|y)="-?\d+,\d', html)


@time_machine.travel(BEFORE_2027, tick=False)
def test_the_list_groups_the_year_by_month(client):
    ClockEntryFactory(year=2027, month=2, kind=Kind.NEWSLETTER, title="Yhdistysuutiskirje 1/2027")
    ClockEntryFactory(year=2027, month=10, title="Yhdistysilta syksy")

    html = client.get("/en/clock/2027/list/").content.decode()

    february, october = html.index('id="month-2"'), html.index('id="month-10"')
    assert february < html.index("Yhdistysuutiskirje 1/2027") < html.index('id="month-3"')
    assert october < html.index("Yhdistysilta syksy")
    assert "exact date to be announced" in html


def test_the_list_can_show_one_kind(client):
    ClockEntryFactory(year=2027, month=2, kind=Kind.NEWSLETTER, title="Yhdistysuutiskirje 1/2027")
    ClockEntryFactory(year=2027, month=3, title="Yhdistysilta")

    html = client.get("/en/clock/2027/list/", {"kind": "newsletter"}).content.decode()

    assert "Yhdistysuutiskirje 1/2027" in html and "Yhdistysilta" not in html


def test_the_printable_page_has_the_wheel_and_every_month(client):
    ClockEntryFactory(year=2027, month=3, title="Yhdistysilta")

    response = client.get("/en/clock/2027/print/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "clock-print" in html and 'class="clock-wheel"' in html
    assert all(f'id="month-{n}"' in html for n in range(1, 13))


@pytest.mark.parametrize("url", ["/en/clock/1999/", "/en/clock/2101/list/"])
def test_years_outside_the_clock_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("view", ["annualclock:year", "annualclock:year-list"])
def test_year_pages_take_a_constant_number_of_queries(client, django_assert_max_num_queries, working_group, view):
    def add(count, offset):
        for i in range(count):
            ClockEntryFactory(year=2027, month=1 + (i + offset) % 12)
            MeetingFactory(
                forum=working_group,
                starts_at=dt.datetime(2027, 1 + (i + offset) % 12, 10, 14, tzinfo=dt.UTC),
                ends_at=dt.datetime(2027, 1 + (i + offset) % 12, 10, 16, tzinfo=dt.UTC),
            )

    url = reverse(view, kwargs={"year": 2027})
    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # One query for the plan entries and one for the meetings, whatever the other apps' sources need.
    assert len(few) <= 2 + 2 * len(calendar_sources())
    add(60, 3)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_a_draft_entry_is_hidden_from_the_public_but_shown_to_clock_staff(client, client_for, clock_staff):
    draft = ClockEntryFactory(state=ClockEntry.State.DRAFT, title="Luonnos")

    assert client.get(draft.get_absolute_url()).status_code == 404
    response = client_for(clock_staff).get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only staff see this entry." in response.content.decode()


@time_machine.travel(BEFORE_2027, tick=False)
def test_an_entry_page_tells_the_month_until_the_date_is_fixed(client):
    entry = ClockEntryFactory(title="Yhdistysilta", link="https://www.pori.fi/yhdistykset")

    html = client.get(entry.get_absolute_url()).content.decode()

    assert "March 2027" in html and "exact date to be announced" in html
    assert 'href="https://www.pori.fi/yhdistykset"' in html


def test_an_entry_whose_meeting_is_fixed_leads_to_the_meeting(client, working_group):
    entry = ClockEntryFactory(kind=Kind.WORKING_GROUP_MEETING)
    meeting = MeetingFactory(forum=working_group, clock_entry=entry)

    assert client.get(entry.get_absolute_url()).url == meeting.get_absolute_url()


def test_the_meeting_list_shows_upcoming_and_past_meetings(client, django_assert_max_num_queries):
    MeetingFactory(title="Tuleva kokous")
    MeetingFactory(
        title="Mennyt kokous",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=2),
    )
    with django_assert_max_num_queries(2):
        html = client.get(reverse("annualclock:meeting-list")).content.decode()
    assert html.index("Tuleva kokous") < html.index("Past meetings") < html.index("Mennyt kokous")

    for days in range(1, 40):  # many more meetings, each with its own forum
        MeetingFactory(starts_at=timezone.now() + dt.timedelta(days=days))
    with django_assert_max_num_queries(2):
        assert client.get(reverse("annualclock:meeting-list")).status_code == 200


def _with_material(meeting):
    return MeetingMaterial.objects.create(
        meeting=meeting, title="Esityslista", file=SimpleUploadedFile("esityslista.pdf", PDF)
    )


def test_before_the_meeting_materials_and_minutes_are_for_staff_only(client, client_for, clock_staff):
    meeting = MeetingFactory(minutes="Pöytäkirja: hyväksyttiin.")
    material = _with_material(meeting)

    public_html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Esityslista" not in public_html and "Pöytäkirja" not in public_html
    assert client.get(material.get_absolute_url()).status_code == 404

    staff = client_for(clock_staff)
    staff_html = staff.get(meeting.get_absolute_url()).content.decode()
    assert "Only staff see the materials until the meeting is over." in staff_html
    download = staff.get(material.get_absolute_url())
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_after_the_meeting_minutes_and_materials_are_public(client):
    meeting = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
        minutes="Ryhmä hyväksyi avustusperiaatteet.",
        matters_handled=5,
    )
    material = _with_material(meeting)

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert "Ryhmä hyväksyi avustusperiaatteet." in html and "5 matters handled." in html
    assert material.get_absolute_url() in html
    response = client.get(material.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "Answers closed when the meeting started." in html


def test_a_material_of_another_meeting_is_not_found(client):
    past = {"starts_at": timezone.now() - dt.timedelta(days=2), "ends_at": timezone.now() - dt.timedelta(days=1)}
    material = _with_material(MeetingFactory(**past))
    other = MeetingFactory(**past)

    url = reverse("annualclock:material-download", kwargs={"meeting_pk": other.pk, "pk": material.pk})
    assert client.get(url).status_code == 404


def test_staff_see_on_the_meeting_page_who_answered_and_who_did_not(client_for, clock_staff, invitees, association):
    from tests.annualclock.conftest import invite

    meeting = MeetingFactory(audience=invitees)
    invite(meeting)
    MeetingResponseFactory(meeting=meeting, association=association, attendees=2, names="Anna")

    html = client_for(clock_staff).get(meeting.get_absolute_url()).content.decode()

    assert "1 associations attend with 2 people." in html
    assert "Porin Karhut ry" in html and "Porin Sulkapallo ry" in html and "No answer yet" in html


def test_the_public_does_not_see_the_answers(client, association):
    meeting = MeetingFactory()
    MeetingResponseFactory(meeting=meeting, association=association, names="Anna Salainen")

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert "Anna Salainen" not in html and "Answers (staff only)" not in html


def test_coming_up_shows_the_next_60_days_of_every_source(other_source):
    today = timezone.localdate()
    soon = today + dt.timedelta(days=20)
    later = today + dt.timedelta(days=90)
    from portal.registries import CalendarItem

    other_source.clear()  # its fixed March 2027 round would be coming up in January 2027
    other_source.append(
        CalendarItem(uid="g@test", title="Avustushaku päättyy", start=soon, kind="grant_application_period")
    )
    other_source.append(CalendarItem(uid="h@test", title="Liian kaukana", start=later, kind="newsletter"))
    MeetingFactory(title="Työryhmän kokous")

    template, context = coming_up_section(RequestFactory().get("/"))

    assert template == "annualclock/home_coming_up.html"
    assert [ci.item.title for ci in context["items"]] == ["Työryhmän kokous", "Avustushaku päättyy"]


def test_the_front_page_shows_coming_up(client):
    MeetingFactory(title="Yhdistysilta marraskuussa")

    html = client.get("/en/").content.decode()

    assert "Coming up" in html and "Yhdistysilta marraskuussa" in html


@pytest.mark.parametrize("viewer", ["representative", "staff"])
def test_the_meeting_page_takes_the_same_few_queries_for_3_and_30_answers(
    client_for, association_member, clock_staff, viewer
):
    meeting = MeetingFactory(capacity=200)
    client = client_for(association_member if viewer == "representative" else clock_staff)

    def queries_with(answers):
        while meeting.responses.count() < answers:
            MeetingResponseFactory(meeting=meeting, attendees=2)
        with CaptureQueriesContext(connection) as context:
            html = client.get(meeting.get_absolute_url()).content.decode()
        return len(context.captured_queries), html

    few, html = queries_with(3)
    many, _html = queries_with(30)

    # Staff: one more query than before, for the authenticator that makes them staff (portal.permissions).
    assert few == many <= {"representative": 11, "staff": 16}[viewer]
    if viewer == "representative":
        assert "Answering for Porin Karhut ry" in html
        assert f'name="association" value="{association_member.memberships.get().association_id}"' in html


def test_plan_entries_and_meetings_written_in_finnish_are_marked_finnish_on_other_languages_pages(
    client, working_group
):
    working_group.name_sv = "Arbetsgruppen för föreningssamarbete"
    working_group.save()
    entry = ClockEntryFactory(year=2027, month=10, title="Yhdistysilta syksy", audience="Kaikki yhdistykset")
    meeting = MeetingFactory(forum=working_group, title="Syksyn kokous", agenda="1. Avustukset")

    swedish_list = client.get("/sv/clock/2027/list/").content.decode()
    finnish_list = client.get("/fi/clock/2027/list/").content.decode()
    swedish_entry = client.get(re.sub(r"^/\w\w/", "/sv/", entry.get_absolute_url())).content.decode()
    swedish_meeting = client.get(re.sub(r"^/\w\w/", "/sv/", meeting.get_absolute_url())).content.decode()

    assert re.search(r'<p class="clock-item-title" lang="fi">.*Yhdistysilta syksy', swedish_list)
    assert '<span lang="fi">Kaikki yhdistykset</span>' in swedish_list
    assert 'lang="fi"' not in finnish_list.split("<main", 1)[1]
    assert '<h1 lang="fi">Yhdistysilta syksy</h1>' in swedish_entry
    assert '<h1 lang="fi">Syksyn kokous</h1>' in swedish_meeting
    assert "Arbetsgruppen för föreningssamarbete</a>" in swedish_meeting  # the forum's own Swedish name
    assert '<div lang="fi"><p>1. Avustukset</p>' in swedish_meeting or '<div lang="fi"><ol>' in swedish_meeting
