"""Facilities in a real browser: find a gym free on Tuesday 18–20, book it for the association,
staff approve, the .ics arrives, the slot shows taken; axe on the public pages, phone and desktop."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Permission

from facilities.models import Booking
from portal.models import Notification
from tests.conftest import assert_accessible, enable_totp, make_staff
from tests.facilities.conftest import next_weekday
from tests.facilities.factories import FacilityFactory, SpaceFactory, every_day
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def gym(department):
    facility = FacilityFactory(name="Länsi-Porin koulu", slug="lansi-porin-koulu", department=department)
    hall = SpaceFactory(
        facility=facility, name="Liikuntasali", slug="liikuntasali", capacity=60, requires_approval=True
    )
    every_day(hall)
    SpaceFactory(facility=facility, parent=hall, name="Salin A-puoli", slug="sali-a", capacity=30)
    small = SpaceFactory(facility=facility, name="Kerhohuone", slug="kerhohuone", capacity=10)
    every_day(small)
    return hall


def new_context_page(browser, base, *, width=1280, height=900):
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = context.new_page()
    page.base = base
    return page


def sign_in(page, email, *, next_url):
    page.goto(f"{page.base}/en/accounts/login/?next={next_url}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()


def test_find_a_gym_free_on_tuesday_book_it_staff_approve_and_the_slot_shows_taken(
    browser, live_server, gym, department
):
    tuesday = next_weekday(1)
    association = AssociationFactory(name="Porin Karhut ry", slug="porin-karhut")
    member = MembershipFactory(association=association, user=UserFactory(email="sihteeri@karhut.example")).user
    page = new_context_page(browser, live_server.url)

    # 1. The secretary looks for a gym for 30 people on Tuesday 18–20.
    page.goto(f"{page.base}/en/facilities/")
    page.fill("#id_date", tuesday.isoformat())
    page.fill("#id_starts", "18:00")
    page.fill("#id_ends", "20:00")
    page.fill("#id_capacity", "30")
    page.get_by_role("button", name="Show the spaces").click()
    page.wait_for_url(re.compile(r"date="))
    assert "Kerhohuone" not in page.locator(".result-list").inner_text()
    page.get_by_role("link", name="Liikuntasali").click()

    # 2. Prices and terms are on the page before booking; signing in leads to the form.
    assert page.get_by_role("heading", name="Terms").is_visible()
    page.get_by_role("link", name="Sign in to book").click()
    page.fill("#id_login", member.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/facilities/spaces/liikuntasali/book/"))
    page.select_option("#id_association", str(association.pk))
    page.fill("#id_date", tuesday.isoformat())
    page.fill("#id_starts", "18:00")
    page.fill("#id_ends", "20:00")
    page.fill("#id_purpose", "Salibandyharjoitus")
    page.fill("#id_attendees", "24")
    page.check("#id_accept_terms")
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url(re.compile(r"/en/facilities/bookings/$"))
    assert "Staff confirm it or tell you why not." in page.content()
    booking = Booking.objects.get()
    assert booking.state == "requested" and booking.association == association

    # 3. Staff approve it from the queue in the admin (with their authenticator app).
    staff = make_staff(department, "tilat@pori.example", mfa=False)
    department.staff_group.permissions.set(Permission.objects.filter(content_type__app_label="facilities"))
    secret = enable_totp(staff)
    admin = new_context_page(browser, live_server.url)
    sign_in(admin, staff.email, next_url="/admin/facilities/booking/?queue=waiting")
    admin.wait_for_url(re.compile(r"/2fa/authenticate/$"))
    admin.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    admin.locator("main form.account-form button[type=submit]").first.click()
    admin.wait_for_url(re.compile(r"/admin/facilities/booking/"))
    admin.locator("input[name=_selected_action]").first.check()
    admin.select_option("select[name=action]", "approve")
    with admin.expect_navigation():
        admin.locator("button[name=index]").click()
    assert "1 booking confirmed." in admin.content()
    booking.refresh_from_db()
    assert booking.state == "confirmed"

    # 4. The confirmation arrives with the .ics link, and the calendar file opens for the booker.
    mail = Notification.objects.get(to=member.email, template="booking-confirmed")
    link = re.search(r"https?://\S+/facilities/bookings/\d+/booking\.ics", mail.body_text).group(0)
    ics = page.request.get(re.sub(r"^https?://[^/]+", page.base, link))
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    assert "Salibandyharjoitus" in ics.text()
    # … and the e-mail itself carries the booking as an attached calendar file.
    (attachment,) = mail.attachments
    assert attachment["mimetype"] == "text/calendar" and "Salibandyharjoitus" in attachment["content"]

    # 5. The slot shows taken on the week view, and the gym is no longer free on Tuesday 18–20.
    page.goto(f"{page.base}/en/facilities/spaces/liikuntasali/?week={tuesday.isoformat()}")
    assert page.locator(".stretch-taken").filter(has_text="18:00–20:00").count() == 1
    page.goto(f"{page.base}/en/facilities/?date={tuesday.isoformat()}&starts=18:00&ends=20:00&capacity=30")
    assert "Liikuntasali" not in page.locator(".result-list").inner_text()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_facilities_pages_pass_axe_on_phone_and_desktop(browser, live_server, gym, width):
    tuesday = next_weekday(1)
    UserFactory(email="asukas@example.org")
    page = new_context_page(browser, live_server.url, width=width, height=800)
    page.goto(f"{page.base}/en/facilities/?date={tuesday.isoformat()}&starts=18:00&ends=20:00")
    assert_accessible(page)
    page.goto(f"{page.base}/en/facilities/spaces/liikuntasali/?week={tuesday.isoformat()}")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    sign_in(page, "asukas@example.org", next_url="/en/facilities/spaces/liikuntasali/book/")
    page.wait_for_url(re.compile(r"/book/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Book", exact=True).click()  # empty: the errors are accessible too
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{page.base}/en/facilities/bookings/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Make a calendar link").click()
    assert page.get_by_label("Calendar link").input_value().endswith("/bookings.ics")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def sign_in_staff(browser, base, department):
    staff = make_staff(department, "vuorojako@pori.example", mfa=False)
    department.staff_group.permissions.set(Permission.objects.filter(content_type__app_label="facilities"))
    secret = enable_totp(staff)
    admin = new_context_page(browser, base)
    sign_in(admin, staff.email, next_url="/admin/facilities/seasonround/")
    admin.wait_for_url(re.compile(r"/2fa/authenticate/$"))
    admin.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    admin.locator("main form.account-form button[type=submit]").first.click()
    admin.wait_for_url(re.compile(r"/admin/facilities/seasonround/"))
    return admin


def run_action(admin, action):
    admin.locator("input[name=_selected_action]").first.check()
    admin.select_option("select[name=action]", action)
    with admin.expect_navigation():
        admin.locator("button[name=index]").click()


def test_a_seasonal_round_from_application_through_assisted_allocation_to_a_booking_series(
    browser, live_server, gym, department
):
    import datetime as dt

    from django.utils import timezone

    from facilities.models import BookingSeries, SeasonRound, Space

    half = Space.objects.get(slug="sali-a")
    starts = next_weekday(0, at_least_days=7)
    season = SeasonRound.objects.create(
        name="Kevätkausi",
        department=department,
        season_starts=starts,
        season_ends=starts + dt.timedelta(days=20),  # three weeks
        applications_open=timezone.now() - dt.timedelta(days=1),
        applications_close=timezone.now() + dt.timedelta(days=7),
        principles="Lasten ja nuorten ryhmät ensin, sitten hakemusjärjestys.",
        state=SeasonRound.State.OPEN,
    )
    season.spaces.set([half])
    association = AssociationFactory(name="Porin Karhut ry", slug="porin-karhut")
    member = MembershipFactory(association=association, user=UserFactory(email="sihteeri@karhut.example")).user
    page = new_context_page(browser, live_server.url, width=375, height=800)

    # 1. The representative applies for a weekly slot, on a phone.
    sign_in(page, member.email, next_url="/en/facilities/rounds/")
    page.wait_for_url(re.compile(r"/en/facilities/rounds/$"))
    assert "Lasten ja nuorten ryhmät ensin" in page.content()
    page.get_by_role("link", name=re.compile("Apply for weekly slots")).click()
    assert_accessible(page)
    page.select_option("#id_association", str(association.pk))
    page.fill("#id_purpose", "Salibandy, juniorit")
    page.fill("#id_group_size", "18")
    page.select_option("#id_space_1", str(half.pk))
    page.select_option("#id_weekday_1", "1")
    page.fill("#id_starts_1", "18:00")
    page.fill("#id_ends_1", "20:00")
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_url(re.compile(r"/en/facilities/bookings/$"))
    assert "The application was sent." in page.content()

    # 2. Staff close the round, run the assisted allocation, read the fairness summary, publish.
    season.applications_close = timezone.now()
    season.save()
    admin = sign_in_staff(browser, live_server.url, department)
    run_action(admin, "propose")
    admin.goto(f"{admin.base}/admin/facilities/seasonround/{season.pk}/change/")
    assert "Porin Karhut ry" in admin.content() and "Hours a week given" in admin.content()
    admin.goto(f"{admin.base}/admin/facilities/seasonround/")
    run_action(admin, "publish")
    assert "results published" in admin.content()

    # 3. The series is booked every Tuesday of the season, and shows on the representative's page.
    series = BookingSeries.objects.get()
    assert series.bookings.count() == 3 and series.skipped == []
    page.goto(f"{page.base}/en/facilities/bookings/")
    assert page.locator(".result-list .card").count() == 3
    assert "Salin A-puoli" in page.content()
