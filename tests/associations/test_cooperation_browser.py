"""The letter of recommendation in a real browser: a representative asks, staff grant it in the
admin, the letter arrives (an e-mail in the outbox with its link) as a PDF in the association's
language, and the joint project is on the public list. axe on the request form, the request page,
the joint projects and the initiative pages at 375 and 1280 px."""

import os
import re
import subprocess

import pytest

from associations.cooperation import tasks
from associations.cooperation.models import CityRequest, JointProject, RequestKind
from associations.models import Language
from portal.models import Notification
from tests.associations.cooperation_factories import (
    CityEventFactory,
    LocalInitiativeFactory,
    grant_cooperation_permissions,
    handler,
)
from tests.browser.test_grants_browser import new_page, sign_in
from tests.conftest import assert_accessible, enable_totp, make_staff
from tests.factories import AssociationFactory, DepartmentFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def check(page, name):
    """axe, and a screenshot when SCREENSHOT_DIR is set (to look at the layout)."""
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_letter_of_recommendation_from_request_to_public_project(browser, live_server, monkeypatch):
    # The worker, as the broker would run it after the commit.
    monkeypatch.setattr(tasks.make_request_letter, "delay", lambda pk: tasks.make_request_letter(pk))
    department = DepartmentFactory(name="Sivistystoimiala")
    grant_cooperation_permissions(department.staff_group)
    staff = make_staff(department, "kumppanuudet@city.example", mfa=False)
    secret = enable_totp(staff)
    antti = handler(
        RequestKind.RECOMMENDATION, department=department, name="Antti Virtanen", title="Kehittämispäällikkö"
    )
    karhut = AssociationFactory(name="Porin Karhut ry", slug="porin-karhut")
    karhut.languages.add(Language.objects.create(code="sv", name="ruotsi", order=1))
    representative = MembershipFactory(association=karhut, role="admin", user__email="sihteeri@karhut.example").user
    base = live_server.url

    # 1. The representative asks for a letter for an external funding application.
    page = new_page(browser, base)
    sign_in(page, representative, next_url="/en/associations/cooperation/requests/new/?kind=recommendation")
    assert "Antti Virtanen" in page.locator("main").inner_text()
    check(page, "request-form-1280")
    page.get_by_role("button", name="Send the request", exact=True).click()  # empty: messages, no 500
    assert "This field is required" in page.locator("main").inner_text()
    check(page, "request-form-errors-1280")
    page.fill("#id_title", "Liikkuva Länsi-Pori")
    page.fill("#id_description", "Lasten ja ikääntyneiden liikuntaa Länsi-Porissa.")
    page.fill("#id_funder", "Opetus- ja kulttuuriministeriö")
    page.fill("#id_amount_sought", "30000")
    page.fill("#id_project_starts_on", "2030-01-01")
    page.fill("#id_project_ends_on", "2030-12-31")
    page.get_by_role("button", name="Send the request", exact=True).click()
    city_request = CityRequest.objects.get()
    page.wait_for_url(re.compile(rf"/en/associations/cooperation/requests/{city_request.pk}/$"))
    assert "Submitted" in page.locator("main").inner_text()
    check(page, "request-page-1280")
    assert Notification.objects.filter(template="city-request-submitted", to=antti.email).count() == 1

    # 2. Staff grant it in the admin, with an answer.
    staff_page = new_page(browser, base)
    sign_in(staff_page, staff, next_url="/admin/associations/cityrequest/", secret=secret)
    staff_page.check(f"input[name=_selected_action][value='{city_request.pk}']")
    staff_page.select_option("select[name=action]", "grant")
    staff_page.locator("button[name=index]").click()
    staff_page.fill("#id_reason", "Hanke tukee yhdistysyhteistyöohjelman tavoitteita.")
    staff_page.get_by_role("button", name="Grant requests", exact=True).click()
    assert "1 granted" in staff_page.locator(".messagelist").inner_text()
    city_request.refresh_from_db()
    assert city_request.state == CityRequest.State.GRANTED
    project = JointProject.objects.get()
    assert city_request.joint_project == project

    # 3. The answer arrives in the association's language, with the letter's link; the PDF is Swedish.
    mail = Notification.objects.get(template="city-request-granted", to=representative.email)
    assert mail.language == "sv"
    letter_url = re.search(r"https?://\S+/letter\.pdf", mail.body_text).group(0)
    assert f"/sv/associations/cooperation/requests/{city_request.pk}/letter.pdf" in letter_url
    path = re.sub(r"^https?://[^/]+", "", letter_url)
    response = page.request.get(f"{base}{path}")
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True).stdout
    text = text.decode()
    assert "Förening" in text and "Porin Karhut ry" in text and "Hanke tukee" in text
    page.reload()
    assert "Granted" in page.locator("main").inner_text()
    check(page, "request-granted-1280")
    page.goto(f"{base}/en/mine/")
    assert "Liikkuva Länsi-Pori" in page.locator("main").inner_text()

    # 4. The joint project is on the public list, for anybody.
    public = new_page(browser, base)
    public.goto(f"{base}/en/associations/cooperation/projects/")
    assert "Liikkuva Länsi-Pori" in public.locator("main").inner_text()
    assert "Porin Karhut ry" in public.locator("main").inner_text()
    check(public, "projects-1280")
    public.get_by_role("link", name="Liikkuva Länsi-Pori").click()
    assert "Opetus- ja kulttuuriministeriö" in public.locator("main").inner_text()
    check(public, "project-1280")

    # 5. The same pages on a phone.
    phone = new_page(browser, base, phone=True)
    sign_in(phone, representative, next_url="/en/associations/cooperation/requests/new/")
    check(phone, "request-form-375")
    phone.goto(f"{base}/en/associations/cooperation/requests/{city_request.pk}/")
    check(phone, "request-page-375")
    phone.goto(f"{base}/en/associations/cooperation/projects/")
    check(phone, "projects-375")
    phone.goto(f"{base}/en/associations/cooperation/projects/{project.pk}/")
    check(phone, "project-375")


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "375"])
def test_the_initiative_and_event_pages_are_accessible(browser, live_server, phone):
    from tests.factories import UserFactory

    resident = UserFactory(email="asukas@example.org")
    decided = LocalInitiativeFactory(
        created_by=resident, state="accepted", decision_reason="Meets the criteria.", group_name="Väinölän asukkaat"
    )
    event = CityEventFactory(title="Porin sadonkorjuujuhla")
    base = live_server.url
    size = "375" if phone else "1280"
    page = new_page(browser, base, phone=phone)
    page.goto(f"{base}/en/associations/cooperation/")
    check(page, f"cooperation-{size}")
    page.goto(f"{base}/en/associations/cooperation/initiatives/")
    assert decided.title in page.locator("main").inner_text()
    check(page, f"initiatives-{size}")
    page.goto(f"{base}/en/associations/cooperation/initiatives/{decided.pk}/")
    check(page, f"initiative-{size}")
    page.goto(f"{base}/en/associations/cooperation/events/{event.pk}/")
    check(page, f"event-{size}")
    sign_in(page, resident, next_url="/en/associations/cooperation/initiatives/new/")
    page.get_by_role("button", name="Send the initiative", exact=True).click()
    assert "Say what the city is asked for" in page.locator("main").inner_text()
    check(page, f"initiative-form-errors-{size}")
    page.fill("#id_title", "Puistotalkoot")
    page.fill("#id_description", "Penkit kuntoon.")
    page.fill("#id_group_name", "Väinölän asukkaat")
    page.fill("#id_residents_contribution", "Talkootyö.")
    page.check("input[name=help][value=materials]")
    page.get_by_role("button", name="Send the initiative", exact=True).click()
    page.wait_for_url(re.compile(r"/en/associations/cooperation/initiatives/\d+/$"))
    assert "Submitted" in page.locator("main").inner_text()
    check(page, f"initiative-submitted-{size}")
