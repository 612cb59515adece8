"""Hearings in a real browser (issue 14, "done when"): staff open a hearing for sports
associations, the invitations are queued, a representative answers with an attachment, a second
one edits before the deadline, after it the summary with "how taken into account" is published
and the hearing is on the clock. axe on the list, the hearing and the answer form, phone and desktop."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from associations.hearings import services
from associations.hearings.models import Hearing, HearingAnswer
from portal.models import Notification
from tests.associations.factories import FieldOfActivityFactory
from tests.associations.hearing_factories import PDF_BYTES
from tests.browser.test_annualclock_browser import PASSWORD, in_english, sign_in_with_totp
from tests.conftest import assert_accessible, enable_totp, make_staff
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("HEARING_SCREENSHOTS", "/tmp/hearing-screenshots"))
TITLE = "Liikuntapaikkaverkon kehittäminen 2027"


def sign_in(page, email, *, next_url):
    page.goto(f"{page.base}/en/accounts/login/?next={next_url}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def sports_clubs(transactional_db):
    sports = FieldOfActivityFactory(name="Liikunta", slug="liikunta")
    clubs = []
    for name, slug, email in [
        ("Porin Karhut ry", "porin-karhut", "sihteeri@karhut.example"),
        ("Porin Sulkapallo ry", "porin-sulkapallo", "puheenjohtaja@sulkapallo.example"),
    ]:
        club = AssociationFactory(name=name, slug=slug)
        club.fields_of_activity.add(sports)
        MembershipFactory(association=club, user__email=email)
        clubs.append(club)
    choir = AssociationFactory(name="Porin Kuoro ry", slug="porin-kuoro")
    MembershipFactory(association=choir, user__email="laulaja@kuoro.example")
    return sports, clubs


def test_staff_open_a_hearing_associations_answer_and_the_summary_is_published_on_the_clock(
    page, browser, department, sports_clubs, tmp_path
):
    sports, (karhut, sulkapallo) = sports_clubs
    staff = make_staff(department, "kuuleminen@pori.example", mfa=False)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="associations",
            content_type__model__in=["hearing", "hearinganswer", "hearingdocument", "hearingcomment"],
        )
    )
    secret = enable_totp(staff)
    in_english(page)
    sign_in_with_totp(page, staff.email, secret, next_url="/admin/associations/hearing/add/")

    # Staff prepare a hearing for sports associations and open it: the invitations are queued.
    opens = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    closes = opens + dt.timedelta(days=14)
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", Hearing.Kind.DEVELOPMENT)
    page.select_option("#id_department", str(department.pk))
    page.fill("#id_question", "Miten liikuntapaikkaverkkoa pitäisi kehittää? Kertokaa seuranne tarpeet.")
    page.select_option("#id_audience", "associations.representatives")
    page.select_option("#id_fields_of_activity_from", str(sports.pk))
    page.click("#id_fields_of_activity_add")
    page.fill("#id_opens_at_0", opens.strftime("%Y-%m-%d"))
    page.fill("#id_opens_at_1", opens.strftime("%H:%M"))
    page.fill("#id_closes_at_0", closes.strftime("%Y-%m-%d"))
    page.fill("#id_closes_at_1", closes.strftime("%H:%M"))
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    shoot(page, "admin-add")
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()
    page.wait_for_url(re.compile(r"/admin/associations/hearing/$"))
    hearing = Hearing.objects.get()
    assert hearing.state == Hearing.State.DRAFT and list(hearing.fields_of_activity.all()) == [sports]

    page.locator(f"input[name=_selected_action][value='{hearing.pk}']").check()
    page.select_option("select[name=action]", "open_hearings")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert "1 hearing opened, 2 invitations queued." in page.locator(".messagelist").inner_text()
    invitations = Notification.objects.filter(template="hearing-invitation")
    assert sorted(invitations.values_list("to", flat=True)) == [
        "puheenjohtaja@sulkapallo.example",
        "sihteeri@karhut.example",
    ]

    # The first representative finds the hearing on their own page and answers with a PDF.
    first = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    rep = first.new_page()
    rep.base = page.base
    sign_in(rep, "sihteeri@karhut.example", next_url="/en/mine/")
    waiting = rep.locator("section[aria-labelledby=mine-hearings-title]")
    assert TITLE in waiting.inner_text()
    waiting.get_by_role("link", name=TITLE).click()
    rep.wait_for_url(re.compile(rf"/en/associations/hearings/{hearing.pk}/$"))
    assert_accessible(rep)
    rep.get_by_role("link", name="Answer for Porin Karhut ry").click()
    rep.wait_for_url(re.compile(r"/answer/$"))
    assert_accessible(rep)
    shoot(rep, "answer-form-1280")
    rep.fill("#id_text", "Tarvitsemme lisää iltavuoroja Porin keskustan saleista.")
    rep.check("#id_may_publish")
    pdf = tmp_path / "lausunto.pdf"
    pdf.write_bytes(PDF_BYTES)
    rep.set_input_files("#id_attachment", str(pdf))
    rep.locator("main form button[type=submit]").click()
    rep.wait_for_url(re.compile(rf"/en/associations/hearings/{hearing.pk}/$"))
    assert "was saved" in rep.locator(".message-success").inner_text()
    first.close()
    saved = HearingAnswer.objects.get(association=karhut)
    assert saved.may_publish and saved.attachments.get().name == "lausunto.pdf"

    # The second answers on a phone, then edits the answer before the deadline.
    second = browser.new_context(locale="fi-FI", viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = second.new_page()
    phone.base = page.base
    sign_in(phone, "puheenjohtaja@sulkapallo.example", next_url=f"/en/associations/hearings/{hearing.pk}/answer/")
    assert_accessible(phone)
    shoot(phone, "answer-form-375")
    phone.fill("#id_text", "Ensimmäinen luonnos.")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(rf"/en/associations/hearings/{hearing.pk}/$"))
    phone.get_by_role("link", name="Edit the answer").click()
    assert phone.input_value("#id_text") == "Ensimmäinen luonnos."
    phone.fill("#id_text", "Sulkapallo tarvitsee korkeamman salin.")
    phone.check("#id_may_publish")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(rf"/en/associations/hearings/{hearing.pk}/$"))
    edited = HearingAnswer.objects.get(association=sulkapallo)
    assert edited.text == "Sulkapallo tarvitsee korkeamman salin." and edited.history.count() == 2
    assert_accessible(phone)
    shoot(phone, "hearing-open-375")

    # The deadline passes (moved into the past through the service); an answer is refused.
    services.hearing_close(hearing=hearing, user=staff, closes_at=timezone.now() - dt.timedelta(minutes=1))
    phone.goto(f"{page.base}/en/associations/hearings/{hearing.pk}/answer/")
    phone.wait_for_url(re.compile(rf"/en/associations/hearings/{hearing.pk}/$"))
    assert "Answers can no longer be given or changed" in phone.locator(".message-error").inner_text()
    second.close()

    # Staff write how each answer was taken into account, the summary, and publish it.
    page.goto(f"{page.base}/admin/associations/hearing/{hearing.pk}/change/")
    notes = {
        "Porin Karhut ry": "Iltavuoroja lisätään Karhuhallissa syksystä alkaen.",
        "Porin Sulkapallo ry": "Korkea sali huomioidaan uuden liikuntahallin suunnittelussa.",
    }
    for index in range(2):
        prefix = f"#id_answers-{index}"
        name = page.locator(f"#answers-{index} .field-association .readonly").inner_text()
        page.fill(f"{prefix}-taken_into_account", notes[name])
    page.fill("#id_summary", "Kuulimme kahta liikuntaseuraa. Tarpeet koskivat iltavuoroja ja salien korkeutta.")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/associations/hearing/$"))
    page.locator(f"input[name=_selected_action][value='{hearing.pk}']").check()
    page.select_option("select[name=action]", "publish_summaries")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert "1 summaries published." in page.locator(".messagelist").inner_text()
    hearing.refresh_from_db()
    assert hearing.state == Hearing.State.SUMMARY_PUBLISHED

    # The public page: the summary and, answer by answer, how it was taken into account.
    visitor = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    for width in (1280, 375):
        public.set_viewport_size({"width": width, "height": 900})
        public.goto(f"{page.base}/en/associations/hearings/{hearing.pk}/")
        text = public.locator("main").inner_text()
        assert "Summary: what was heard" in text
        assert notes["Porin Karhut ry"] in text and notes["Porin Sulkapallo ry"] in text
        assert "Tarvitsemme lisää iltavuoroja" in text
        assert public.get_by_role("link", name="lausunto.pdf").count() == 1
        assert_accessible(public)
        shoot(public, f"hearing-summary-{width}")
        public.goto(f"{page.base}/en/associations/hearings/")
        assert TITLE in public.locator("main").inner_text()
        assert_accessible(public)
        shoot(public, f"hearing-list-{width}")

    # On the clock: the year's list shows the opening and the deadline.
    year = timezone.localdate(hearing.closes_at).year
    public.goto(f"{page.base}/en/clock/{year}/list/")
    clock = public.locator("main").inner_text()
    assert f"Hearing closes: {TITLE}" in clock
    visitor.close()


def test_a_resident_comments_on_an_open_hearing_and_the_page_passes_axe(page, mobile_page, department):
    from tests.associations.hearing_factories import HearingFactory
    from tests.factories import UserFactory

    hearing = HearingFactory(department=department, title="Kauppatorin kehittäminen", residents_may_comment=True)
    UserFactory(email="asukas@example.org")
    for view in (page, mobile_page):
        view.goto(f"{page.base}/en/associations/hearings/{hearing.pk}/")
        assert view.get_by_role("link", name="Sign in to comment").count() == 1
        assert_accessible(view)
    sign_in(page, "asukas@example.org", next_url=f"/en/associations/hearings/{hearing.pk}/")
    assert_accessible(page)
    page.fill("#id_text", "Torille lisää penkkejä ja varjoa.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/en/associations/hearings/{hearing.pk}/$"))
    assert "once staff have checked it" in page.locator(".message-success").inner_text()
    assert "Torille lisää penkkejä" not in page.locator("main").inner_text()  # waits for moderation
    shoot(page, "hearing-open-comment-1280")
    assert hearing.comments.get().moderation_state == "pending"
