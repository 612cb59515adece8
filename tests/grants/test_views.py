"""The public pages, the open data and the applicant's and reviewer's pages."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants import services
from grants.models import Application, Decision, GrantRound, Review
from tests.factories import AssociationFactory, MembershipFactory, UserFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db
SCHEMA = Path(settings.BASE_DIR) / "grants" / "schemas" / "360giving-grant.schema.json"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_decisions(n, *, department, staff):
    grant_round = GrantRoundFactory(department=department, appropriation=Decimal("1000000"))
    for i in range(n):
        application = ApplicationFactory(round=grant_round, state=Application.State.IN_REVIEW)
        services.decision_make(application=application, user=staff, amount=str(100 + i), grounds="Hyvä")
    return grant_round


# --- Public ---------------------------------------------------------------------------------
def test_the_call_page_shows_everything_an_applicant_needs(client, grant_round):
    response = client.get(f"/en/grants/calls/{grant_round.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    local_close = timezone.localtime(grant_round.closes_at)
    assert local_close.strftime("%H:%M") in page and grant_round.title in page
    for text in (
        "Impact",
        "Who benefits?",
        "Feasibility",
        "Apply by the deadline.",
        grant_round.grant_type.contact.email,
    ):
        assert text in page
    assert "Europe/Helsinki" in page
    assert "Sign in to apply" in page


def test_an_unpublished_call_is_not_found(client):
    hidden = GrantRoundFactory(is_published=False)
    assert client.get(f"/en/grants/calls/{hidden.slug}/").status_code == 404


def test_the_calls_list_shows_open_calls(client, grant_round):
    response = client.get("/en/grants/")
    assert response.status_code == 200 and grant_round.title in response.content.decode()


def test_decisions_list_and_open_data_keep_constant_query_counts(
    client, department, staff, django_assert_max_num_queries
):
    staff.is_superuser = True
    staff.save()
    make_decisions(60, department=department, staff=staff)
    with django_assert_max_num_queries(8):
        response = client.get("/en/grants/decisions/")
    assert response.status_code == 200 and "Summer camp" in response.content.decode()
    with django_assert_max_num_queries(6):
        body = b"".join(client.get("/en/grants/decisions.json").streaming_content)
    assert len(json.loads(body)["grants"]) == 60
    with django_assert_max_num_queries(6):
        b"".join(client.get("/en/grants/decisions.csv").streaming_content)
    with django_assert_max_num_queries(8):
        client.get(f"/en/grants/calls/{GrantRound.objects.first().slug}/")


def test_the_decisions_list_shows_the_latest_year_a_page_at_a_time(client, department, staff):
    from grants.views import DECISIONS_PAGE_SIZE

    staff.is_superuser = True
    staff.save()
    latest = make_decisions(DECISIONS_PAGE_SIZE + 3, department=department, staff=staff)
    older = GrantRoundFactory(department=department, year=latest.year - 1, title="Vanha haku")
    application = ApplicationFactory(round=older, state=Application.State.IN_REVIEW, title="Leiri viime vuonna")
    services.decision_make(application=application, user=staff, amount="100", grounds="Hyvä")
    first = client.get("/en/grants/decisions/").content.decode()
    assert f"Grant decisions {latest.year}: 1–{DECISIONS_PAGE_SIZE}" in first  # the caption
    assert "Leiri viime vuonna" not in first and first.count(f'href="{latest.get_absolute_url()}"') == 50
    assert f'<option value="{latest.year}" selected>' in first and f'<option value="{older.year}">' in first
    assert 'aria-label="Pages of the decisions"' in first and '<li aria-current="page">Page 1</li>' in first
    assert f'href="?year={latest.year}&amp;page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get(f"/en/grants/decisions/?year={latest.year}&page=2").content.decode()
    assert f"Grant decisions {latest.year}: {DECISIONS_PAGE_SIZE + 1}–{DECISIONS_PAGE_SIZE + 3}" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "Leiri viime vuonna" in client.get(f"/en/grants/decisions/?year={older.year}").content.decode()
    every = client.get("/en/grants/decisions/?year=all&page=2").content.decode()
    assert "Grant decisions, all years: 51–54" in every
    assert "Leiri viime vuonna" in client.get("/en/grants/decisions/?year=all").content.decode()  # the newest
    assert 'href="?year=all&amp;page=1" rel="prev"' in every
    beyond = client.get(f"/en/grants/decisions/?year={latest.year}&page=9").content.decode()
    assert "There are no more decisions." in beyond


def test_the_json_export_validates_against_the_360giving_schema(client, department, staff):
    staff.is_superuser = True
    staff.save()
    grant_round = GrantRoundFactory(department=department)
    registered = AssociationFactory(business_id="0737546-2", name="Porin Tanssijat ry")
    for association in (registered, AssociationFactory(kind="informal")):
        application = ApplicationFactory(round=grant_round, association=association, state="in_review")
        services.decision_make(application=application, user=staff, amount="500", grounds="ok")
    rejected = ApplicationFactory(round=grant_round, state="in_review")
    services.decision_make(application=rejected, user=staff, amount="0", grounds="no")
    package = json.loads(b"".join(client.get("/en/grants/decisions.json").streaming_content))
    jsonschema.validate(package, json.loads(SCHEMA.read_text()))
    assert len(package["grants"]) == 2  # the rejection is not a grant
    by_name = {g["recipientOrganization"][0]["name"]: g for g in package["grants"]}
    grant = by_name["Porin Tanssijat ry"]
    assert grant["recipientOrganization"][0]["id"] == "FI-PRO-0737546-2"
    assert grant["currency"] == "EUR" and grant["amountAwarded"] == 500.0
    assert grant["awardDate"] == timezone.localdate().isoformat()
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get("/en/grants/decisions.csv").streaming_content).decode().lstrip("\ufeff"))
        )
    )
    assert {r["Recipient Org:Identifier"] for r in rows} >= {"FI-PRO-0737546-2"}
    assert all(r["Amount Awarded"] == "500.00" and r["Currency"] == "EUR" for r in rows)


def test_a_broken_export_would_fail_the_schema():
    schema = json.loads(SCHEMA.read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"grants": [{"id": "360G-x", "title": "t"}]}, schema)


# --- Applying through the pages -------------------------------------------------------------
def form_post(**overrides):
    data = {
        "form_version": "",
        "title": "Kesäleiri",
        "summary": "Leiri lapsille",
        "answer_activity": "Leiri",
        "answer_participants": "30",
        "budget_item": ["Ruoka", "Bussi"],
        "budget_amount": ["500", "300"],
        "own_contribution": "100",
        "amount_requested": "800",
        "result_description": ["Lapsia leirillä"],
        "result_target": ["30"],
        "result_measure": ["Osallistujalista"],
    }
    data.update(overrides)
    return data


def test_a_representative_saves_a_draft_without_javascript_and_submits(client_for, grant_round, association_admin):
    client = english(client_for(association_admin))
    response = client.post(f"/en/grants/calls/{grant_round.slug}/apply/", form_post())
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/grants/applications/{application.pk}/edit/"
    assert application.state == "draft" and application.budget_total == Decimal("800.00")
    page = client.get(response["Location"]).content.decode()
    assert "Kesäleiri" in page and "Osallistujalista" in page
    response = client.post(
        f"/en/grants/applications/{application.pk}/edit/",
        form_post(form_version=str(application.form_version_id), submit="1"),
    )
    application.refresh_from_db()
    assert response.status_code == 302 and application.state == "submitted"


def test_a_bad_amount_on_the_form_shows_the_message_and_saves_nothing(client_for, grant_round, association_admin):
    client = english(client_for(association_admin))
    response = client.post(f"/en/grants/calls/{grant_round.slug}/apply/", form_post(amount_requested="-100"))
    assert response.status_code == 400
    assert str(services.AMOUNT_NEGATIVE) in response.content.decode()
    assert not Application.objects.exists()


def test_submitting_after_the_deadline_on_the_page_is_refused(client_for, draft, association_admin):
    GrantRound.objects.filter(pk=draft.round_id).update(
        closes_at=timezone.now() - timezone.timedelta(minutes=1), opens_at=timezone.now() - timezone.timedelta(days=9)
    )
    client = english(client_for(association_admin))
    response = client.post(
        f"/en/grants/applications/{draft.pk}/edit/", form_post(form_version=str(draft.form_version_id), submit="1")
    )
    assert response.status_code == 400 and "The call closed on" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_stale_form_version_is_refused(client_for, draft, association_admin):
    response = english(client_for(association_admin)).post(
        f"/en/grants/applications/{draft.pk}/edit/", form_post(form_version=str(draft.form_version_id + 999))
    )
    assert response.status_code == 400 and "form was changed" in response.content.decode()


def test_the_applicant_asks_and_sees_the_timeline(client_for, submitted, association_admin):
    client = english(client_for(association_admin))
    client.post(f"/en/grants/applications/{submitted.pk}/messages/", {"body": "Saako vuokran sisällyttää?"})
    page = client.get(f"/en/grants/applications/{submitted.pk}/").content.decode()
    assert "Saako vuokran sisällyttää?" in page and "Submitted" in page


# --- The permission matrix ------------------------------------------------------------------
PRIVATE_URLS = [
    ("get", "/en/grants/applications/{pk}/"),
    ("get", "/en/grants/applications/{pk}/edit/"),
    ("post", "/en/grants/applications/{pk}/edit/"),
    ("post", "/en/grants/applications/{pk}/withdraw/"),
    ("post", "/en/grants/applications/{pk}/messages/"),
    ("post", "/en/grants/applications/{pk}/attachments/"),
    ("get", "/en/grants/applications/{pk}/report/"),
    ("post", "/en/grants/applications/{pk}/report/"),
    ("get", "/en/grants/applications/{pk}/decision.pdf"),
]


@pytest.mark.parametrize(("method", "url"), PRIVATE_URLS)
@pytest.mark.parametrize("who", ["outsider", "other_representative", "unassigned_reviewer", "other_staff"])
def test_no_one_else_can_open_or_change_an_application(client_for, draft, who, method, url, request):
    users = {
        "outsider": lambda: request.getfixturevalue("outsider"),
        "other_representative": lambda: MembershipFactory(association=AssociationFactory()).user,
        "unassigned_reviewer": lambda: UserFactory(),
        "other_staff": lambda: request.getfixturevalue("other_staff"),
    }
    client = client_for(users[who]())
    before = (draft.state, draft.title)
    response = getattr(client, method)(url.format(pk=draft.pk), form_post(body="x") if method == "post" else None)
    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert (draft.state, draft.title) == before and not draft.messages.exists()


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    assert client.get(f"/en/grants/applications/{draft.pk}/").status_code == 302


def test_a_reviewer_representing_the_applicant_cannot_open_it_and_another_must_declare_first(
    client_for, in_review, staff, association_member
):
    with pytest.raises(ValidationError) as refused:
        services.review_assign(application=in_review, reviewer=association_member, user=staff)
    assert refused.value.code == "recused"
    assert (
        client_for(association_member).get(f"/en/grants/applications/{in_review.pk}/").status_code == 200
    )  # as applicant
    reviewer = UserFactory()
    review = services.review_assign(application=in_review, reviewer=reviewer, user=staff)
    client = english(client_for(reviewer))
    page = client.get(f"/en/grants/reviews/{review.pk}/").content.decode()
    assert "declare whether you have a conflict" in page and in_review.summary not in page
    assert client.get(f"/en/grants/applications/{in_review.pk}/").status_code == 404
    client.post(f"/en/grants/reviews/{review.pk}/", {"declare": "1", "conflict": "no"})
    page = client.get(f"/en/grants/reviews/{review.pk}/").content.decode()
    assert in_review.summary in page
    criteria = list(in_review.round.criteria.all())
    client.post(f"/en/grants/reviews/{review.pk}/", {f"score_{c.pk}": "4" for c in criteria} | {"comment": "Hyvä"})
    review.refresh_from_db()
    assert review.submitted_at and review.scores.count() == 2
    assert client_for(UserFactory()).get(f"/en/grants/reviews/{review.pk}/").status_code == 404
    assert Review.objects.count() == 1 and Decision.objects.count() == 0


def test_the_recipient_reports_achieved_results_beside_the_targets(client_for, in_review, staff, association_admin):
    staff.is_superuser = True
    staff.save()
    services.decision_make(application=in_review, user=staff, amount="1000", grounds="ok")
    services.payment_record(application=in_review, user=staff, amount="1000", paid_on=timezone.localdate())
    client = english(client_for(association_admin))
    page = client.get(f"/en/grants/applications/{in_review.pk}/report/").content.decode()
    planned = in_review.planned_results.get()
    assert "target 40 (Count)" in page
    bad = client.post(f"/en/grants/applications/{in_review.pk}/report/", {"use_of_funds": "Camp", "amount_used": "-1"})
    assert bad.status_code == 400 and str(services.AMOUNT_NEGATIVE) in bad.content.decode()
    response = client.post(
        f"/en/grants/applications/{in_review.pk}/report/",
        {"use_of_funds": "Camp held", "amount_used": "950", f"result_{planned.pk}": "38"},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == "report_submitted"
    assert in_review.report.results.get().achieved_value == 38


def test_last_years_application_is_copied_into_a_new_draft(client_for, submitted, association_admin, department):
    new_round = GrantRoundFactory(department=department, slug="next-year")
    client = english(client_for(association_admin))
    page = client.get("/en/grants/calls/next-year/").content.decode()
    assert "Or start from an earlier application" in page and submitted.title in page
    response = client.post("/en/grants/calls/next-year/copy/", {"source": submitted.pk})
    copy = Application.objects.get(round=new_round)
    assert response.status_code == 302 and copy.state == "draft" and copy.title == submitted.title
    assert copy.planned_results.get().target_value == 40 and copy.budget_total == submitted.budget_total


def test_another_associations_application_cannot_be_copied(client_for, submitted, department):
    GrantRoundFactory(department=department, slug="next-year")
    other = MembershipFactory(association=AssociationFactory()).user
    assert client_for(other).post("/en/grants/calls/next-year/copy/", {"source": submitted.pk}).status_code == 404


def test_the_representatives_page_says_what_to_do_next(client_for, draft, association_admin):
    page = english(client_for(association_admin)).get("/en/grants/applications/").content.decode()
    assert draft.title in page and "Complete and submit the application by" in page


@pytest.fixture
def decided_with_files(in_review, staff, association_admin):
    """A decided and paid application with an attachment, a letter and a submitted review."""
    from grants.letters import decision_letter_make
    from grants.models import Attachment
    from tests.associations.factories import pdf_upload

    Application.objects.filter(pk=in_review.pk).update(state="draft")
    attachment = services.attachment_add(application=in_review, user=association_admin, file=pdf_upload())
    Application.objects.filter(pk=in_review.pk).update(state="in_review")
    reviewer = UserFactory()
    review = services.review_assign(application=in_review, reviewer=reviewer, user=staff)
    services.review_declare_conflict(review=review, user=reviewer, has_conflict=False)
    decision = services.decision_make(application=in_review, user=staff, amount="900", grounds="ok")
    decision_letter_make(decision_id=decision.pk)
    services.payment_record(application=in_review, user=staff, amount="900", paid_on=timezone.localdate())
    in_review.refresh_from_db()
    review.refresh_from_db()
    assert Attachment.objects.count() == 1
    return in_review, attachment, review


EVERY_PRIVATE_URL = [
    ("get", "/en/grants/applications/{pk}/"),
    ("get", "/en/grants/applications/{pk}/attachments/{attachment}/"),
    ("get", "/en/grants/applications/{pk}/decision.pdf"),
    ("get", "/en/grants/applications/{pk}/report/"),
    ("post", "/en/grants/applications/{pk}/report/"),
    ("post", "/en/grants/applications/{pk}/messages/"),
    ("post", "/en/grants/applications/{pk}/withdraw/"),
    ("post", "/en/grants/applications/{pk}/attachments/"),
    ("get", "/en/grants/reviews/{review}/"),
    ("post", "/en/grants/reviews/{review}/"),
    ("post", "/en/grants/calls/{slug}/copy/"),
]


@pytest.mark.parametrize(("method", "url"), EVERY_PRIVATE_URL)
@pytest.mark.parametrize("who", ["outsider", "other_representative", "unassigned_reviewer", "other_staff"])
def test_no_one_else_reaches_a_decided_application_its_files_or_its_review(
    client_for, decided_with_files, who, method, url, request
):
    application, attachment, review = decided_with_files
    user = {
        "outsider": lambda: request.getfixturevalue("outsider"),
        "other_representative": lambda: MembershipFactory(association=AssociationFactory()).user,
        "unassigned_reviewer": lambda: UserFactory(),
        "other_staff": lambda: request.getfixturevalue("other_staff"),
    }[who]()
    target = url.format(pk=application.pk, attachment=attachment.pk, review=review.pk, slug=application.round.slug)
    data = {
        "body": "x",
        "use_of_funds": "x",
        "amount_used": "1",
        "source": application.pk,
        "declare": "1",
        "conflict": "yes",
    }
    before = (application.state, Application.objects.count(), review.conflict, review.submitted_at)
    response = getattr(client_for(user), method)(target, data if method == "post" else None)
    assert response.status_code in (403, 404)
    application.refresh_from_db()
    review.refresh_from_db()
    assert (application.state, Application.objects.count(), review.conflict, review.submitted_at) == before
    assert not application.messages.exists() and not hasattr(application, "report")


def test_a_tampered_form_with_unknown_ids_saves_without_a_server_error(client_for, grant_round, association_admin):
    response = client_for(association_admin).post(
        f"/en/grants/calls/{grant_round.slug}/apply/", form_post(age_groups=["999999"], service_areas=["1", "x"])
    )
    assert response.status_code == 302
    assert Application.objects.get().age_groups.count() == 0


def test_the_year_filter_offers_only_years_with_published_grants(department, staff):
    from grants import selectors

    staff.is_superuser = True
    staff.save()
    this_year = make_decisions(1, department=department, staff=staff).year
    rejected = GrantRoundFactory(department=department, year=this_year - 1)
    services.decision_make(
        application=ApplicationFactory(round=rejected, state=Application.State.IN_REVIEW),
        user=staff,
        amount="0",
        grounds="Ei",
    )
    hidden = GrantRoundFactory(department=department, year=this_year - 2, is_published=False)
    services.decision_make(
        application=ApplicationFactory(round=hidden, state=Application.State.IN_REVIEW),
        user=staff,
        amount="100",
        grounds="Hyvä",
    )
    GrantRoundFactory(department=department, year=this_year - 3)  # no decisions at all
    older = GrantRoundFactory(department=department, year=this_year - 4)
    services.decision_make(
        application=ApplicationFactory(round=older, state=Application.State.IN_REVIEW),
        user=staff,
        amount="100",
        grounds="Hyvä",
    )
    assert selectors.decision_years() == [this_year, this_year - 4]
