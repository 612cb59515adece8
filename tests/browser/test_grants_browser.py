"""The grant journey in a real browser: apply, ask, review behind the conflict gate, decide,
publish, report and approve; and axe on the call, form, review and decisions pages."""

import json
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from grants import services
from grants.models import Application, Review
from portal.models import Notification
from tests.associations.factories import pdf_upload
from tests.conftest import assert_accessible, axe_violations, enable_totp, make_staff
from tests.factories import AssociationFactory, DepartmentFactory, MembershipFactory, UserFactory
from tests.grants.conftest import grant_grants_permissions
from tests.grants.factories import GrantRoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


def new_page(browser, base, *, phone=False):
    size = {"width": 375, "height": 740} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="en-GB", viewport=size, is_mobile=phone)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = context.new_page()
    page.base = base
    return page


def sign_in(page, user, *, next_url, secret=None):
    page.goto(f"{page.base}/en/accounts/login/?next={next_url}")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    if secret:
        page.wait_for_url(re.compile(r"/en/accounts/2fa/authenticate/$"))
        page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
        page.locator("main form.account-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_a_grant_from_application_to_approved_report(browser, live_server, tmp_path):
    department = DepartmentFactory(name="Sivistystoimiala")
    grant_grants_permissions(department.staff_group)
    staff = make_staff(department, "avustukset@city.example", mfa=False)
    secret = enable_totp(staff)
    grant_round = GrantRoundFactory(department=department, title="Projektiavustukset", slug="projektiavustukset")
    karhut = AssociationFactory(name="Porin Karhut ry", business_id="0737546-2")
    representative = MembershipFactory(association=karhut, role="admin", user__email="sihteeri@karhut.example").user
    conflicted = MembershipFactory(association=karhut, user__email="hallitus@karhut.example").user
    reviewer = UserFactory(email="arvioija@example.org")
    base = live_server.url

    # 1. The representative reads the call and applies: a draft saved, a file attached, submitted.
    page = new_page(browser, base)
    sign_in(page, representative, next_url=f"/en/grants/calls/{grant_round.slug}/")
    assert "Impact" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Apply for Porin Karhut ry").click()
    page.fill("#id_title", "Kesäleiri lapsille")
    page.fill("#id_answer_activity", "Viiden päivän leiri")
    page.fill("#budget_item_1", "Ruoka")
    page.fill("#budget_amount_1", "600")
    page.fill("#id_amount", "900")
    page.fill("#rd1", "Lapsia leirillä")
    page.fill("#rt1", "40")
    page.fill("#rm1", "Osallistujalista")
    page.get_by_role("button", name="Save draft", exact=True).click()
    assert "The draft was saved" in page.locator(".messages").inner_text()
    assert_accessible(page)
    application = Application.objects.get()
    pdf = tmp_path / "talousarvio.pdf"
    pdf.write_bytes(pdf_upload().read())
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="Attach", exact=True).click()
    assert "The file was attached" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Submit the application", exact=True).click()
    page.wait_for_url(re.compile(rf"/en/grants/applications/{application.pk}/$"))
    assert "Submitted" in page.locator("main").inner_text()

    # 2. They ask a question; the grant's staff answer it.
    page.fill("#id_body", "Saako bussin vuokran sisällyttää?")
    page.get_by_role("button", name="Send", exact=True).click()
    staff_page = new_page(browser, base)
    sign_in(staff_page, staff, next_url=f"/en/grants/applications/{application.pk}/", secret=secret)
    assert "Saako bussin vuokran" in staff_page.locator("main").inner_text()
    staff_page.fill("#id_body", "Saa, kun se näkyy talousarviossa.")
    staff_page.get_by_role("button", name="Send", exact=True).click()
    page.reload()
    assert "Saa, kun se näkyy talousarviossa." in page.locator("main").inner_text()
    assert Notification.objects.filter(to=representative.email, template="grant-message").exists()

    # 3. A reviewer who represents the association is recused: no assignment, no page.
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from the service
        services.review_assign(application=application, reviewer=conflicted, user=staff)
    review = services.review_assign(application=application, reviewer=reviewer, user=staff)
    outsider_page = new_page(browser, base)
    sign_in(outsider_page, conflicted, next_url="/en/grants/applications/")
    assert outsider_page.goto(f"{base}/en/grants/reviews/{review.pk}/").status == 404

    # 4. Another reviewer declares no conflict, then sees the content and scores.
    review_page = new_page(browser, base, phone=True)
    sign_in(review_page, reviewer, next_url=f"/en/grants/reviews/{review.pk}/")
    assert "Kesäleiri lapsille" not in review_page.locator("main").inner_text()
    assert_accessible(review_page)
    review_page.check("#c-no")
    review_page.get_by_role("button", name="Declare", exact=True).click()
    assert "Kesäleiri lapsille" in review_page.locator("main").inner_text()
    for criterion in grant_round.criteria.all():
        review_page.fill(f"#s{criterion.pk}", "4")
    review_page.fill("#comment", "Selkeä suunnitelma")
    assert_accessible(review_page)
    review_page.get_by_role("button", name="Save the review", exact=True).click()
    assert Review.objects.get(pk=review.pk).submitted_at is not None

    # 5. Staff decide in the admin; the decision is on the public list and in the open data.
    services.application_start_review(application=application, user=staff)
    staff_page.goto(f"{base}/admin/grants/application/")
    staff_page.check(f"input[name=_selected_action][value='{application.pk}']")
    staff_page.select_option("select[name=action]", "decide")
    staff_page.locator("button[name=index]").click()
    staff_page.fill("#id_amount", "800")
    staff_page.fill("#id_grounds", "Vastaa avustusperiaatteita.")
    staff_page.get_by_role("button", name="Decide", exact=True).click()
    assert "1 decided" in staff_page.locator(".messagelist").inner_text()
    public = new_page(browser, base)
    public.goto(f"{base}/en/grants/decisions/")
    assert "Kesäleiri lapsille" in public.locator("main").inner_text()
    assert_accessible(public)
    data = json.loads(public.goto(f"{base}/en/grants/decisions.json").text())
    assert data["grants"][0]["recipientOrganization"][0]["id"] == "FI-PRO-0737546-2"

    # 6. Staff pay; the representative reports the achieved result; staff approve.
    staff_page.goto(f"{base}/admin/grants/application/")
    staff_page.check(f"input[name=_selected_action][value='{application.pk}']")
    staff_page.select_option("select[name=action]", "record_payment")
    staff_page.locator("button[name=index]").click()
    staff_page.get_by_role("button", name="Record a payment", exact=True).click()
    page.goto(f"{base}/en/grants/applications/{application.pk}/")
    page.get_by_role("link", name="Report on the use of the grant").click()
    page.fill("#id_use", "Leiri pidettiin kesäkuussa.")
    page.fill("#id_used", "800")
    page.fill(f"#r{application.planned_results.get().pk}", "38")
    page.get_by_role("button", name="Submit the report", exact=True).click()
    assert "The report was submitted" in page.locator(".messages").inner_text()
    staff_page.goto(f"{base}/admin/grants/application/")
    staff_page.check(f"input[name=_selected_action][value='{application.pk}']")
    staff_page.select_option("select[name=action]", "approve_report")
    staff_page.locator("button[name=index]").click()
    staff_page.get_by_role("button", name="Approve the report", exact=True).click()
    application.refresh_from_db()
    assert application.state == "report_approved"
    page.reload()
    assert "Report approved" in page.locator("main").inner_text()


def test_the_grant_pages_are_accessible_on_a_phone(browser, live_server):
    grant_round = GrantRoundFactory(title="Kevätavustukset", slug="kevat")
    page = new_page(browser, live_server.url, phone=True)
    for path in ("/en/grants/", f"/en/grants/calls/{grant_round.slug}/", "/en/grants/decisions/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def _signed_in(page, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.base}])
    return page


@pytest.fixture
def grant_pages(transactional_db):
    """One of everything a grants page shows: a draft, a submitted application under review by a
    reviewer who has not declared and one who has, a paid grant awaiting its report, a decision
    on the public list and an offer open for public comments."""
    import datetime as dt

    from django.utils import timezone

    from tests.grants.factories import ApplicationFactory

    department = DepartmentFactory(name="Sivistystoimiala")
    grant_grants_permissions(department.staff_group)
    staff = make_staff(department, "avustukset@city.example")
    grant_round = GrantRoundFactory(department=department, title="Projektiavustukset", slug="projektiavustukset")
    small = GrantRoundFactory(department=department, title="Pienet avustukset", slug="pienet", comment_days=7)
    karhut = AssociationFactory(name="Porin Karhut ry", business_id="0737546-2")
    representative = MembershipFactory(association=karhut, role="admin", user__email="sihteeri@karhut.example").user
    draft = ApplicationFactory(round=grant_round, association=karhut, title="Syysleiri")
    submitted = services.application_submit(
        application=ApplicationFactory(round=grant_round, association=karhut, title="Kesäleiri"), user=representative
    )
    gate, scoring = UserFactory(email="arvioija1@example.org"), UserFactory(email="arvioija2@example.org")
    services.review_assign(application=submitted, reviewer=gate, user=staff)
    review = services.review_assign(application=submitted, reviewer=scoring, user=staff)
    services.review_declare_conflict(review=review, user=scoring, has_conflict=False)
    paid = services.application_submit(
        application=ApplicationFactory(round=grant_round, association=karhut, title="Talvileiri"), user=representative
    )
    services.application_start_review(application=paid, user=staff)
    services.decision_make(application=paid, user=staff, amount="800", grounds="Hyvä suunnitelma.")
    services.payment_record(application=paid, user=staff, amount="800", paid_on=timezone.localdate())
    offer = services.application_submit(
        application=ApplicationFactory(round=small, association=karhut, title="Piknik puistossa"), user=representative
    )
    services.application_publish_for_comment(application=offer, user=staff, now=timezone.now() - dt.timedelta(days=1))
    # The Polish statutory offer form (sections, radios, statements) and a regranting round run by
    # an operator association, whose administrator handles it on the site.
    from grants.forms_schema import form_version_from_schema
    from grants.models import GrantType

    competition = GrantRoundFactory(department=department, title="Otwarty konkurs ofert", slug="konkurs")
    competition.form_version = form_version_from_schema(grant_type=competition.grant_type, key="pl-offer-2018")
    competition.save()
    offer_draft = ApplicationFactory(
        round=competition, association=karhut, title="Warsztaty", form_version=competition.form_version
    )
    operator = AssociationFactory(name="Centrum Inicjatyw Lokalnych")
    operator_admin = MembershipFactory(association=operator, role="admin", user__email="cil@example.org").user
    regranting = GrantRoundFactory(department=department, title="Mikrogranty", slug="mikrogranty", operator=operator)
    regranting.grant_type.kind = GrantType.Kind.REGRANTING
    regranting.grant_type.save()
    services.application_submit(
        application=ApplicationFactory(round=regranting, association=karhut, title="Ogród"), user=representative
    )
    return {
        "representative": representative,
        "operator": operator_admin,
        "gate": gate,
        "scoring": scoring,
        "paths": {
            "representative": [
                "/en/grants/",
                f"/en/grants/calls/{grant_round.slug}/",
                f"/en/grants/calls/{grant_round.slug}/apply/",
                f"/en/grants/applications/{draft.pk}/edit/",
                f"/en/grants/applications/{submitted.pk}/",
                f"/en/grants/applications/{paid.pk}/report/",
                "/en/grants/applications/",
                "/en/grants/decisions/",
                f"/en/grants/offers/{offer.pk}/",
                f"/en/grants/applications/{offer_draft.pk}/edit/",
            ],
            "operator": [f"/en/grants/manage/{regranting.slug}/"],
            "gate": [f"/en/grants/reviews/{services.Review.objects.get(reviewer=gate).pk}/"],
            "scoring": [f"/en/grants/reviews/{review.pk}/", "/en/grants/applications/"],
        },
        "draft": draft,
    }


@pytest.mark.parametrize("phone", [True, False], ids=["375px", "1280px"])
def test_every_grants_page_passes_axe_and_fits_on_a_phone_and_a_desktop(browser, live_server, grant_pages, phone):
    """Call, application form (empty, saved, with errors), review (gate and scores), decisions,
    offers, report: axe finds nothing serious or critical and nothing scrolls sideways."""
    width = "375" if phone else "1280"
    problems = []
    for who, paths in grant_pages["paths"].items():
        page = _signed_in(new_page(browser, live_server.url, phone=phone), grant_pages[who])
        for n, path in enumerate(paths):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            page.screenshot(path=f"/tmp/grants-axe-{width}-{who}-{n}.png", full_page=True)
            problems += [f"{path}: {v['id']} ({v['impact']}) {v['nodes'][0]['target']}" for v in axe_violations(page)]
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                problems.append(f"{path} scrolls sideways by {overflow}px at {width}px")
        page.context.close()
    assert problems == []
    # The form with its error summary: a negative amount and an absurd one.
    page = _signed_in(new_page(browser, live_server.url, phone=phone), grant_pages["representative"])
    page.goto(f"{live_server.url}/en/grants/applications/{grant_pages['draft'].pk}/edit/")
    page.fill("#id_amount", "-5")
    page.get_by_role("button", name="Save draft", exact=True).click()
    assert "An amount cannot be negative." in page.locator(".error-summary").inner_text()
    page.screenshot(path=f"/tmp/grants-axe-{width}-errors.png", full_page=True)
    assert_accessible(page)


def test_the_draft_saves_itself_while_the_applicant_types(browser, live_server, grant_pages):
    from grants.models import Application

    draft = grant_pages["draft"]
    page = _signed_in(new_page(browser, live_server.url), grant_pages["representative"])
    page.goto(f"{live_server.url}/en/grants/applications/{draft.pk}/edit/")
    page.fill("#id_title", "Syysleiri metsässä")
    page.wait_for_selector("#autosave-status:has-text('Draft saved automatically')", timeout=15_000)
    assert Application.objects.get(pk=draft.pk).title == "Syysleiri metsässä"
    assert_accessible(page)


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "375px"])
def test_staff_page_through_a_large_rounds_evaluation_summary_and_go_on_to_decide(browser, live_server, phone):
    from grants.admin import SUMMARY_PAGE_SIZE
    from tests.grants.factories import ApplicationFactory

    department = DepartmentFactory(name="Sivistystoimiala")
    grant_grants_permissions(department.staff_group)
    staff = make_staff(department, "arviointi@city.example", mfa=False)
    secret = enable_totp(staff)
    grant_round = GrantRoundFactory(department=department, title="Suuri haku", slug="suuri-haku")
    ApplicationFactory.create_batch(SUMMARY_PAGE_SIZE + 5, round=grant_round, state=Application.State.IN_REVIEW)
    page = new_page(browser, live_server.url, phone=phone)
    url = f"/admin/grants/grantround/{grant_round.pk}/summary/"
    sign_in(page, staff, next_url=url, secret=secret)
    caption = page.locator("table caption").inner_text()
    assert f"Applications 1–{SUMMARY_PAGE_SIZE} of {SUMMARY_PAGE_SIZE + 5}" in caption
    assert_accessible(page)
    page.get_by_role("link", name="Page 2", exact=True).click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert f"{SUMMARY_PAGE_SIZE + 1}–{SUMMARY_PAGE_SIZE + 5}" in page.locator("table caption").inner_text()
    assert page.locator("tbody tr").count() == 5
    assert_accessible(page)
    page.get_by_role("link", name="Decide: the round's applications").click()
    page.wait_for_url(re.compile(rf"/admin/grants/application/\?round__id__exact={grant_round.pk}$"))
    assert "Suuri haku" in page.locator("#changelist").inner_text()
