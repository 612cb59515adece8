"""The steering group's dashboard in a real browser: axe at phone and desktop width."""

import pytest
from django.conf import settings
from django.test import Client

from portal.programme import demo, services
from portal.programme.models import Indicator
from tests.conftest import assert_accessible, make_staff
from tests.factories import DepartmentFactory, ForumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def steering(transactional_db):
    demo.load()
    user = make_staff(DepartmentFactory(name="Konsernihallinto"), "steering@city.example")
    user.groups.add(demo._steering_group())
    ForumFactory.create_batch(2)
    manual = Indicator.objects.filter(source="manual").first()
    services.indicator_value_enter(indicator=manual, year=2026, value="12", user=user)
    return user


def signed_in(page, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.base}])
    return page


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_the_dashboard_passes_axe_at_375_and_1280_px(steering, viewport, request):
    page = signed_in(request.getfixturevalue(viewport), steering)
    page.goto(f"{page.base}/en/programme/?year=2026")
    assert page.locator("h1").inner_text() == "Yhdistysyhteistyöohjelma 2026–2029"
    assert page.locator("svg.indicator-chart").count() >= 1
    assert_accessible(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1


def test_the_survey_page_passes_axe_on_a_phone(transactional_db, mobile_page):
    import datetime as dt

    from django.utils import timezone

    from portal.programme.models import Programme, Survey, SurveyQuestion
    from tests.factories import AssociationFactory, MembershipFactory

    demo.load()
    today = timezone.localdate()
    survey = Survey.objects.create(
        programme=Programme.objects.get(slug=demo.PORI_SLUG),
        year=today.year,
        title="Viestintäkysely",
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
    )
    SurveyQuestion.objects.create(survey=survey, order=1, text="Kuinka hyvin viestintä palvelee?")
    SurveyQuestion.objects.create(survey=survey, order=2, text="Mitä toivotte?", kind="text")
    member = MembershipFactory(association=AssociationFactory(), role="admin").user
    page = signed_in(mobile_page, member)
    page.goto(f"{page.base}/en/programme/surveys/{survey.pk}/")
    assert page.locator("legend").first.inner_text() == "Kuinka hyvin viestintä palvelee?"
    assert_accessible(page)
