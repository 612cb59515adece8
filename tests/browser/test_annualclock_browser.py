"""The annual clock in a real browser: staff invite, an association answers from the e-mail, the
meeting shows on the wheel and in the iCalendar feed; axe and the keyboard on the clock's pages."""

import datetime as dt
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Permission
from django.utils import timezone
from icalendar import Calendar

from annualclock.calendar import meeting_uid
from annualclock.models import ClockEntry, Kind, Meeting, MeetingResponse
from annualclock.selectors import year_items
from annualclock.tokens import make_answer_token
from portal import registries
from portal.models import Forum, Notification
from portal.registries import Recipient
from tests.conftest import assert_accessible, enable_totp, make_staff
from tests.factories import AssociationFactory, ForumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
AUDIENCE = "tests.browser-clock-invitees"


@pytest.fixture
def karhut(association):
    return association


@pytest.fixture
def invitees(karhut):
    """All associations' contacts, as the associations app registers them."""
    sulkapallo = AssociationFactory(name="Porin Sulkapallo ry", slug="porin-sulkapallo")

    def recipients():
        return [
            Recipient(email="sihteeri@karhut.example", language="en", association_id=karhut.pk),
            Recipient(email="info@sulkapallo.example", language="en", association_id=sulkapallo.pk),
        ]

    registries.recipient_list(AUDIENCE, label="All associations' contacts (test)")(recipients)
    yield AUDIENCE
    registries._recipient_lists.pop(AUDIENCE, None)


@pytest.fixture
def working_group(transactional_db):
    return ForumFactory(name="Yhdistysyhteistyöryhmä", slug="yhdistysyhteistyoryhma", kind=Forum.Kind.WORKING_GROUP)


def in_english(page):
    """Admin pages have no language prefix: a cookie chooses English there too."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base}])


def sign_in_with_totp(page, email, secret, *, next_url):
    page.goto(f"{page.base}/en/accounts/login/?next={next_url}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/accounts/2fa/authenticate/$"))
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("main form.account-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_staff_invite_an_association_answers_from_the_email_and_the_meeting_is_on_the_wheel_and_feed(
    page, browser, department, working_group, invitees, karhut
):
    staff = make_staff(department, "vuosikello@pori.example", mfa=False)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="annualclock"))
    secret = enable_totp(staff)
    in_english(page)
    sign_in_with_totp(page, staff.email, secret, next_url="/admin/annualclock/meeting/add/")

    # Staff create a meeting ten days ahead and invite all associations' contacts.
    starts_at = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) + dt.timedelta(days=10)
    page.select_option("#id_forum", str(working_group.pk))
    page.fill("#id_title", "Yhdistysyhteistyöryhmän kokous 4/2026")
    page.fill("#id_starts_at_0", starts_at.strftime("%Y-%m-%d"))
    page.fill("#id_starts_at_1", "17:00")
    page.fill("#id_ends_at_0", starts_at.strftime("%Y-%m-%d"))
    page.fill("#id_ends_at_1", "19:00")
    page.fill("#id_place", "Porin kaupungintalo, Hallituskatu 12")
    page.fill("#id_capacity", "40")
    page.fill("#id_agenda", "1. Vuosikello 2027\n2. Avustusperiaatteet")
    page.select_option("#id_audience", AUDIENCE)
    assert page.is_checked("#id_send_invitations")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/annualclock/meeting/$"))
    assert "2 invitations queued for sending." in page.locator(".messagelist").inner_text()
    meeting = Meeting.objects.get()
    assert not meeting.invited_late and meeting.created_by == staff

    # The invitations are in the outbox; the representative opens "We will attend" from theirs.
    invitation = Notification.objects.get(template="annualclock-meeting-invitation", to="sihteeri@karhut.example")
    assert Notification.objects.filter(template="annualclock-meeting-invitation").count() == 2
    attending_link = re.search(r"https?://\S+/clock/answer/\S+/\?answer=attending", invitation.body_text).group(0)
    representative = browser.new_context(locale="fi-FI")
    answer_page = representative.new_page()
    answer_page.goto(page.base + path_of(attending_link))
    assert answer_page.is_checked("input[name=answer][value=attending]")
    assert_accessible(answer_page)
    answer_page.fill("#id_attendees", "2")
    answer_page.fill("#id_names", "Anna Aaltonen\nBertta Berg")
    answer_page.locator("form.clock-answer-form button[type=submit]").click()
    answer_page.wait_for_load_state()
    assert answer_page.locator(".message-success").is_visible()
    assert_accessible(answer_page)
    representative.close()
    saved = MeetingResponse.objects.get()
    assert (saved.association, saved.answer, saved.attendees) == (karhut, "attending", 2)

    # Staff see the answer — and who has not answered yet.
    page.goto(f"{page.base}/admin/annualclock/meeting/{meeting.pk}/change/")
    overview = page.locator(".field-answer_overview table")
    karhut_row = overview.locator("tr", has_text="Porin Karhut ry")
    assert "Attending" in karhut_row.inner_text() and "2" in karhut_row.inner_text()
    assert "No answer yet" in overview.locator("tr", has_text="Porin Sulkapallo ry").inner_text()

    # The meeting is in the iCalendar feed …
    feed = page.request.get(f"{page.base}/en/clock/calendar.ics")
    events = {str(e["UID"]): e for e in Calendar.from_ical(feed.body()).walk("VEVENT")}
    assert events[meeting_uid(meeting.pk)].decoded("DTSTART") == starts_at

    # … and on the wheel, as a link with an accessible name that leads to the meeting.
    page.goto(f"{page.base}/en/clock/{starts_at.year}/")
    marker = page.get_by_role("link", name="Working-group meeting: Yhdistysyhteistyöryhmän kokous 4/2026")
    assert marker.count() == 1
    marker.click()
    page.wait_for_url(re.compile(rf"/en/clock/meetings/{meeting.pk}/$"))
    assert page.locator("h1").inner_text() == "Yhdistysyhteistyöryhmän kokous 4/2026"


@pytest.fixture
def clock_year(working_group, karhut):
    """A year of the clock with a plan, an upcoming meeting and a past one with minutes."""
    year = timezone.localdate().year
    for month, kind, title in [
        (1, Kind.GRANT_APPLICATION_PERIOD, "Toiminta-avustusten haku"),
        (2, Kind.NEWSLETTER, "Yhdistysuutiskirje 1"),
        (3, Kind.ASSOCIATION_EVENING, "Yhdistysilta: avustukset"),
        (4, Kind.GRANT_REPORTING_DEADLINE, "Käyttöselvitykset"),
        (4, Kind.SPORTS_PARLIAMENT, "Seuraparlamentti, kevät"),
        (8, Kind.WORKSHOP, "Työpaja: hankeyhteistyö"),
        (10, Kind.OTHER, "Yhdistyskysely"),
        (11, Kind.NEWSLETTER, "Yhdistysuutiskirje 4"),
    ]:
        ClockEntry.objects.create(year=year, month=month, kind=kind, title=title, state=ClockEntry.State.PUBLISHED)
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=9)
    upcoming = Meeting.objects.create(
        forum=working_group,
        title="Työryhmän kokous",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2),
        place="Kaupungintalo",
        agenda="1. Vuosikello\n2. Mittarit",
        capacity=30,
    )
    past = timezone.now() - dt.timedelta(days=30)
    Meeting.objects.create(
        forum=working_group,
        title="Työryhmän edellinen kokous",
        starts_at=past,
        ends_at=past + dt.timedelta(hours=2),
        place="Kaupungintalo",
        minutes="Hyväksyttiin avustusperiaatteet.",
        matters_handled=4,
    )
    return year, upcoming


def test_the_clocks_pages_pass_axe_and_the_wheel_works_by_keyboard(page, clock_year, karhut):
    year, upcoming = clock_year
    token = make_answer_token(meeting=upcoming, association_id=karhut.pk)
    for path in [
        "clock/",
        f"clock/{year}/list/",
        f"clock/{year}/print/",
        "clock/meetings/",
        f"clock/meetings/{upcoming.pk}/",
        f"clock/answer/{token}/?answer=attending",
        "",  # the front page with "coming up"
    ]:
        page.goto(f"{page.base}/fi/{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

    # A screen reader gets a name for every entry on the wheel: kind, title and time.
    page.goto(f"{page.base}/en/clock/{year}/")
    markers = page.locator("svg.clock-wheel a")
    assert markers.count() == len(year_items(year)) >= 9
    names = [markers.nth(i).get_attribute("aria-label") for i in range(markers.count())]
    assert "Newsletter: Yhdistysuutiskirje 1, February " + str(year) in names
    assert page.get_by_role("link", name=re.compile(r"^Workshop: Työpaja: hankeyhteistyö")).count() == 1

    # The keyboard reaches the wheel's entries in order and shows where the focus is.
    page.locator("#clock-kind").focus()
    page.keyboard.press("Tab")  # the filter's button
    reached = []
    for _ in range(markers.count()):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement;
                 return {label: el.getAttribute('aria-label'), inWheel: !!el.closest('svg.clock-wheel'),
                         stroke: getComputedStyle(el.querySelector('circle') || el).strokeWidth}; }"""
        )
        assert focused["inWheel"], f"Tab left the wheel after {reached}"
        assert float(focused["stroke"].rstrip("px")) >= 4, "the focused marker is visibly outlined"
        reached.append(focused["label"])
    assert reached == names
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")  # Enter follows the focused entry
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    assert page.locator("h1").count() == 1
