"""Pori's demo data and the admin user of ``make run``."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal import demo
from portal.models import AgeGroup, ContactPerson, Department, Forum, Page, ServiceArea, Topic

PORTAL_MODELS = [Department, ServiceArea, AgeGroup, Topic, ContactPerson, Page, Forum]


def counts():
    return {model.__name__: model.objects.count() for model in PORTAL_MODELS}


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    demo.load(stdout=io.StringIO())
    first = counts()
    titles = dict(Page.objects.values_list("pk", "title"))
    demo.load(stdout=io.StringIO())
    assert counts() == first
    assert dict(Page.objects.values_list("pk", "title")) == titles
    assert first["Page"] == 12
    assert first["Department"] == 4


@pytest.mark.django_db
def test_the_demo_keeps_what_staff_have_edited():
    demo.load(stdout=io.StringIO())
    page = Page.objects.get(slug="privacy", language="fi")
    page.title = "Tietosuojaseloste (päivitetty)"
    page.save()
    demo.load(stdout=io.StringIO())
    assert Page.objects.get(pk=page.pk).title == "Tietosuojaseloste (päivitetty)"


@pytest.mark.django_db
def test_the_demo_has_one_coordinator_and_the_cooperation_bodies_of_the_programme():
    demo.load(stdout=io.StringIO())
    coordinator = ContactPerson.objects.get(is_coordinator=True)
    assert "yhdistysyhteyshenkilö" in coordinator.title
    names = set(Forum.objects.values_list("name", flat=True))
    assert {"Yhdistysyhteistyöryhmä", "Seuraparlamentti", "Yhdistysillat", "UBC Union of Baltic Cities"} <= names
    assert Forum.objects.filter(kind=Forum.Kind.NETWORK).count() == 16
    assert set(ServiceArea.objects.values_list("name", flat=True)) >= {"Keskusta", "Noormarkku", "Lavia"}
    assert all(department.staff_group_id for department in Department.objects.all())


@pytest.mark.django_db
def test_the_demo_does_not_add_a_second_coordinator(settings):
    department = Department.objects.create(name="Konsernihallinto")
    ContactPerson.objects.create(
        name="Existing Coordinator",
        title="Koordinaattori",
        department=department,
        email="c@x.example",
        is_coordinator=True,
    )
    demo.load(stdout=io.StringIO())
    assert list(ContactPerson.objects.filter(is_coordinator=True).values_list("name", flat=True)) == [
        "Existing Coordinator"
    ]


@pytest.mark.parametrize("language", demo.PAGE_LANGUAGES)
@pytest.mark.parametrize("slug", demo.PAGE_SLUGS)
def test_every_demo_page_has_a_title_and_real_text_in_its_language(settings, slug, language):
    title, body = demo.page_text(slug, language)
    assert title and not title.startswith("#")
    assert len(body.split()) > 250
    assert "{{" not in body and "{%" not in body
    assert settings.CITY_PROFILE["coordinator_email"] in body


def test_the_accessibility_statement_names_the_law_the_feedback_channel_and_the_supervisor():
    for language in demo.PAGE_LANGUAGES:
        _title, body = demo.page_text("accessibility", language)
        assert "306/2019" in body
        assert "WCAG 2.1" in body
        assert "Traficom" in body
        assert "14" in body  # days to answer feedback


# --- ensure_admin ---------------------------------------------------------------------------


def run_ensure_admin():
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    text = out.getvalue()
    password = re.search(r"Password\s+(\S+)", text).group(1)
    return text, password


@pytest.mark.django_db
def test_ensure_admin_creates_a_verified_superuser_and_prints_a_working_password():
    text, password = run_ensure_admin()
    user = get_user_model().objects.get(email="admin@pori.example")
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.check_password(password)
    assert EmailAddress.objects.get(user=user, email="admin@pori.example").verified
    assert "admin@pori.example" in text
    assert "authenticator app (TOTP" in text
    assert "before the admin opens" in text


@pytest.mark.django_db
def test_ensure_admin_again_sets_a_new_password_for_the_same_user():
    _text, first = run_ensure_admin()
    _text, second = run_ensure_admin()
    assert first != second
    users = get_user_model().objects.filter(email="admin@pori.example")
    assert users.count() == 1
    assert users.get().check_password(second)
    assert not users.get().check_password(first)
    assert EmailAddress.objects.filter(email="admin@pori.example").count() == 1
