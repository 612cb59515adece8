"""htmx autosave of a draft: the same service as "Save draft", a status line for the live region,
the same permissions; the page still saves with its buttons without JavaScript."""

import pytest
from django.conf import settings

from grants.models import Application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(client, draft, **fields):
    data = {
        "form_version": draft.form_version_id,
        "title": "Syysleiri",
        "answer_activity": "Leiri",
        "amount_requested": "700",
        **fields,
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(f"/en/grants/applications/{draft.pk}/autosave/", data, HTTP_HX_REQUEST="true")


def test_autosave_saves_the_draft_and_says_so(client_for, draft, association_admin):
    response = post(client_for(association_admin), draft)
    assert response.status_code == 200 and "Draft saved automatically at" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Syysleiri" and draft.amount_requested == 700


def test_autosave_of_a_bad_amount_saves_nothing_and_says_why(client_for, draft, association_admin):
    response = post(client_for(association_admin), draft, amount_requested="-5")
    assert "Not saved automatically: An amount cannot be negative." in response.content.decode()
    assert Application.objects.get(pk=draft.pk).title == draft.title


def test_autosave_of_a_stale_form_saves_nothing(client_for, draft, association_admin):
    response = post(client_for(association_admin), draft, form_version=draft.form_version_id + 999)
    assert "The application form was changed" in response.content.decode()


def test_autosave_is_refused_to_anyone_else_and_after_submission(client_for, draft, association_admin, submitted):
    assert post(client_for(UserFactory()), draft).status_code == 404
    response = post(client_for(association_admin), submitted)
    assert "can no longer be edited" in response.content.decode()


def test_the_edit_page_loads_htmx_from_our_own_origin(client_for, draft, association_admin):
    page = client_for(association_admin).get(f"/en/grants/applications/{draft.pk}/edit/").content.decode()
    assert 'src="/static/vendor/htmx/htmx.min.js"' in page or "vendor/htmx/htmx.min.js" in page
    assert f'hx-post="/en/grants/applications/{draft.pk}/autosave/"' in page
    assert 'id="autosave-status"' in page
