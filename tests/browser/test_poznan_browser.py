"""Poznań in a real browser: the public pages and the programme in Polish, axe-clean at 375 and 1280 px.

The city is switched for the test (``settings.CITY``/``CITY_PROFILE``) and Poznań's demo data
loaded, so the pages show what ``CITY=poznan make run`` shows. With ``POZNAN_SCREENSHOTS=<dir>``
the walk saves a screenshot of every page at both widths (docs/screenshots/poznan/).
"""

import io
import os
from pathlib import Path

import pytest

from associations import demo as associations_demo
from associations.models import Association
from portal import demo as portal_demo
from portal.cities import CITY_PROFILES
from portal.programme import demo as programme_demo
from tests.browser.test_programme_browser import signed_in
from tests.conftest import assert_accessible, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("home", ""),
    ("directory", "associations/"),
    ("directory-sphere", "associations/?sphere=15"),
    ("profile", None),  # the first organisation's profile
    ("forums", "forums/"),
    ("forum", "forums/poznanska-rada-dzialalnosci-pozytku-publicznego/"),
    ("clock", "clock/"),
    ("programme", "programme/"),
]


@pytest.fixture
def poznan(transactional_db, settings):
    settings.CITY = "poznan"
    settings.CITY_PROFILE = CITY_PROFILES["poznan"]
    out = io.StringIO()
    portal_demo.load(stdout=out)
    associations_demo.load(stdout=out)
    programme_demo.load(stdout=out)
    from annualclock import demo as clock_demo

    clock_demo.load(stdout=out)
    user = make_staff(None, "rada@poznan.example")
    user.groups.add(programme_demo._steering_group())
    return user


@pytest.mark.parametrize("viewport", ["page", "mobile_page"])
def test_poznan_pages_are_polish_and_pass_axe_at_375_and_1280_px(poznan, viewport, request):
    page = signed_in(request.getfixturevalue(viewport), poznan)
    width = page.viewport_size["width"]
    profile = Association.objects.public().order_by("name").first()
    shots = os.environ.get("POZNAN_SCREENSHOTS")
    for name, path in PAGES:
        path = path if path is not None else f"associations/{profile.slug}/"
        response = page.goto(f"{page.base}/pl/{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "pl", path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways at {width} px"
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
    # The directory speaks the Polish register: spheres of public benefit, not PRH classes.
    page.goto(f"{page.base}/pl/associations/")
    assert page.locator("#id_sphere").count() == 1
    assert page.locator("#id_prh_class").count() == 0
