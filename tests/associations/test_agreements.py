import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from associations.models import PartnershipAgreement
from associations.services.agreements import agreement_send_review_reminders
from associations.validators import PDF_INVALID
from tests.associations.factories import PartnershipAgreementFactory, PartnershipReviewFactory, pdf_upload
from tests.associations.utils import as_shown
from tests.dates import days_ago, days_ahead
from tests.factories import AssociationFactory, ContactPersonFactory


@pytest.mark.django_db
def test_the_public_page_lists_only_valid_public_agreements(client):
    PartnershipAgreementFactory(title="Voimassa oleva", valid_from=days_ago(300), valid_until=None)
    PartnershipAgreementFactory(title="Päättynyt", valid_from=days_ago(6 * 365), valid_until=days_ago(1))
    PartnershipAgreementFactory(title="Tuleva", valid_from=days_ahead(1), valid_until=None)
    PartnershipAgreementFactory(title="Ei julkinen", is_public=False)
    PartnershipAgreementFactory(title="Piilotetun seuran", association=AssociationFactory(is_public=False))
    body = client.get("/en/associations/agreements/").content.decode()
    assert "Voimassa oleva" in body
    for hidden in ("Päättynyt", "Tuleva", "Ei julkinen", "Piilotetun seuran"):
        assert hidden not in body


@pytest.mark.django_db
def test_the_agreements_page_makes_as_many_queries_for_30_agreements_as_for_2(client, django_assert_max_num_queries):
    for size in (2, 30):
        PartnershipAgreementFactory.create_batch(size - PartnershipAgreement.objects.count())
        with django_assert_max_num_queries(6):
            response = client.get("/en/associations/agreements/")
        assert response.content.decode().count('scope="row"') == size


@pytest.mark.django_db
def test_the_public_agreement_document_is_served_as_a_pdf(client):
    agreement = PartnershipAgreementFactory(document=pdf_upload())
    response = client.get(f"/en/associations/agreements/{agreement.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_admin_refuses_a_document_that_is_not_a_pdf(client_for, staff, department):
    association = AssociationFactory()
    person = ContactPersonFactory(department=department)
    response = client_for(staff).post(
        "/admin/associations/partnershipagreement/add/",
        {
            "association": association.pk,
            "department": department.pk,
            "responsible_person": person.pk,
            "title": "Kumppanuus",
            "initiated_by": "staff",
            "goals": "Tavoitteet",
            "valid_from": "2026-01-01",
            "document": SimpleUploadedFile("sopimus.pdf", b"MZ not a pdf", content_type="application/pdf"),
            "reviews-TOTAL_FORMS": "0",
            "reviews-INITIAL_FORMS": "0",
            "reviews-MIN_NUM_FORMS": "0",
            "reviews-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["document"] == [as_shown(response, PDF_INVALID)]
    assert not association.agreements.exists()


@pytest.mark.django_db
def test_the_responsible_person_is_reminded_once_when_the_discussion_is_due(outbox):
    agreement = PartnershipAgreementFactory(valid_from=dt.date(2025, 12, 1), valid_until=None)
    assert agreement_send_review_reminders(today=dt.date(2026, 11, 1)) == 0
    assert agreement_send_review_reminders(today=dt.date(2026, 11, 21)) == 1
    assert agreement_send_review_reminders(today=dt.date(2026, 11, 22)) == 0
    (mail,) = outbox(template="partnership-review-due")
    assert mail.to == agreement.responsible_person.email
    assert "1.12.2026" in mail.body_text
    assert f"/admin/associations/partnershipagreement/{agreement.pk}/change/" in mail.body_text


@pytest.mark.django_db
def test_a_held_discussion_moves_the_next_reminder_to_its_next_date(outbox):
    agreement = PartnershipAgreementFactory(valid_from=dt.date(2025, 12, 1), valid_until=None)
    PartnershipReviewFactory(agreement=agreement, held_on=dt.date(2026, 11, 10), next_due_on=dt.date(2027, 11, 15))
    assert agreement_send_review_reminders(today=dt.date(2026, 11, 21)) == 0
    assert agreement_send_review_reminders(today=dt.date(2027, 11, 2)) == 1
    assert "15.11.2027" in outbox(template="partnership-review-due")[0].body_text
