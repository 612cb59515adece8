"""The dashboard's computed figures come from the cache and say when they were computed.

Beat recomputes them, the secretary can recompute them from the page, a value staff enter shows
at once, and the yearly report still computes its own figures afresh.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from portal.programme import figures, services, tasks
from portal.programme.models import Indicator, Report
from portal.templatetags.portal_tags import html_datetime
from tests.conftest import make_staff
from tests.dates import this_year
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db
FORUMS = "portal.forums_and_networks"
LAHELLA = "Lähellä.fi-palveluun rekisteröityneiden porilaisten yhdistysten määrä/vuosi"


@pytest.fixture
def member(pori, department):
    """A member who may see the dashboard but not sign or recompute."""
    group = Group.objects.create(name="Steering group, members")
    group.permissions.add(Permission.objects.get(codename="view_programme_report"))
    user = make_staff(department, "member@city.example")
    user.groups.add(group)
    return user


def url(name):
    with translation.override("en"):
        return reverse(name)


def shown_year(pori):
    """The dashboard's year: this year within the programme's period (computed up to this year)."""
    return min(max(this_year(), pori.start_year), pori.end_year)


def dashboard(client, pori):
    response = client.get(url("portal:programme-dashboard"), {"year": shown_year(pori)})
    assert response.status_code == 200
    return response.content.decode()


def figure(html, indicator, year):
    """The figure the page shows for ``indicator`` in ``year`` (its first <dd>)."""
    article = html.split(f'id="indicator-{indicator.pk}-name"', 1)[1].split("</article>", 1)[0]
    shown = re.search(rf"<dt>{year}</dt><dd>(.*?)</dd>", article).group(1)
    return re.sub(r"<[^>]+>", "", shown).strip()


def active_forums(count):
    ForumFactory.create_batch(count, is_active=True, joined_year=None, ended_year=None)


def test_the_warm_dashboard_asks_a_few_queries_however_much_the_figures_read(pori, steering, client_for):
    client = client_for(steering)
    dashboard(client, pori)  # computes the figures into the cache

    def queries():
        with CaptureQueriesContext(connection) as captured:
            dashboard(client, pori)
        return len(captured)

    warm = queries()
    active_forums(5)  # data the computed indicators read: the cached figures do not ask it again
    assert queries() == warm
    assert warm <= 14  # session, user, authenticator, permissions, programme, data version, reports…


def test_a_value_staff_enter_shows_at_once_beside_the_cached_figures(pori, steering, client_for):
    client = client_for(steering)
    year = shown_year(pori)
    indicator = Indicator.objects.get(name=LAHELLA)
    assert figure(dashboard(client, pori), indicator, year) == "not yet measured"

    services.indicator_value_enter(indicator=indicator, year=year, value="41", user=steering)
    assert figure(dashboard(client, pori), indicator, year) == "41"

    services.indicator_value_enter(indicator=indicator, year=year, value="45", user=steering, note="Recounted.")
    assert figure(dashboard(client, pori), indicator, year) == "45"


def test_the_page_says_when_the_figures_were_computed_in_the_citys_time(pori, steering, client_for):
    computed_at = (timezone.now() - dt.timedelta(minutes=10)).replace(microsecond=0)
    services.programme_figures_refresh(now=computed_at)
    with translation.override("en"):
        html = dashboard(client_for(steering), pori)
        when = formats.date_format(timezone.localtime(computed_at), "DATETIME_FORMAT")
    local = timezone.localtime(computed_at)
    assert str(local.tzinfo) == settings.TIME_ZONE
    assert f'Figures computed from the portal\'s data as of <time datetime="{html_datetime(computed_at)}">' in html
    assert f">{when}</time> (time in {settings.CITY_PROFILE['time_zone']})." in html
    assert f"They are recomputed every {figures.REFRESH_SECONDS // 60} minutes" in html
    assert html_datetime(computed_at).endswith(local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:])


def test_the_cached_figures_stay_until_recomputed_and_the_page_says_since_when(pori, steering, client_for):
    client = client_for(steering)
    year = shown_year(pori)
    indicator = Indicator.objects.get(focus_area__programme=pori, computed_key=FORUMS)
    active_forums(2)
    shown = int(figure(dashboard(client, pori), indicator, year))
    active_forums(3)
    assert int(figure(dashboard(client, pori), indicator, year)) == shown  # as of the time the page states

    response = client.post(url("portal:programme-figures-recompute"), {"programme": pori.slug, "year": year})
    assert response.status_code == 302
    assert response["Location"] == f"{url('portal:programme-dashboard')}?programme={pori.slug}&year={year}"
    page = client.get(response["Location"]).content.decode()
    assert int(figure(page, indicator, year)) == shown + 3
    assert "The computed figures have been recomputed." in page


def test_only_the_secretary_may_recompute_and_only_by_a_post_with_its_token(pori, steering, member, client_for):
    recompute = url("portal:programme-figures-recompute")
    assert "Recompute the figures now" not in dashboard(client_for(member), pori)
    assert client_for(member).post(recompute, {"programme": pori.slug}).status_code == 404
    assert client_for(None).post(recompute, {"programme": pori.slug}).status_code == 404
    assert client_for(steering).get(recompute).status_code == 405

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(steering, backend="django.contrib.auth.backends.ModelBackend")
    assert guarded.post(recompute, {"programme": pori.slug}).status_code == 403
    assert "Recompute the figures now" in dashboard(guarded, pori)
    token = guarded.cookies[settings.CSRF_COOKIE_NAME].value
    response = guarded.post(recompute, {"programme": pori.slug, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_beat_recomputes_the_figures_in_every_language(pori, steering, client_for):
    entry = settings.CELERY_BEAT_SCHEDULE["programme-figures-refresh"]
    assert entry["task"] == "portal.programme.tasks.programme_figures_refresh"
    assert entry["schedule"] == figures.REFRESH_SECONDS <= figures.MAX_AGE_SECONDS

    client = client_for(steering)
    year = shown_year(pori)
    indicator = Indicator.objects.get(focus_area__programme=pori, computed_key=FORUMS)
    shown = int(figure(dashboard(client, pori), indicator, year))
    active_forums(4)

    before = timezone.now()
    computed = tasks.programme_figures_refresh.delay().get()
    assert computed > 0
    for code, _name in settings.LANGUAGES:
        entry = cache.get(figures.cache_key(code))
        assert entry["computed_at"] >= before and (FORUMS, year) in entry["results"]
    assert int(figure(dashboard(client, pori), indicator, year)) == shown + 4
    assert tasks.programme_figures_refresh.delay().get() == computed  # idempotent


def test_the_report_computes_its_own_figures_afresh(pori, steering, client_for):
    client = client_for(steering)
    year = shown_year(pori)
    indicator = Indicator.objects.get(focus_area__programme=pori, computed_key=FORUMS)
    active_forums(1)
    shown = int(figure(dashboard(client, pori), indicator, year))
    active_forums(2)

    report = Report.objects.create(programme=pori, year=year, created_by=steering)
    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    item = next(i for area in report.snapshot["focus_areas"] for i in area["indicators"] if i["id"] == indicator.pk)
    assert item["this_year"]["value"] == f"{shown + 2}.00"
    assert int(figure(dashboard(client, pori), indicator, year)) == shown  # the cached figure, with its time


class DownCache:
    def __getattr__(self, name):
        def down(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return down


def test_the_dashboard_computes_its_figures_when_the_cache_is_down(pori, steering, client_for, monkeypatch):
    year = shown_year(pori)
    indicator = Indicator.objects.get(focus_area__programme=pori, computed_key=FORUMS)
    monkeypatch.setattr(figures, "cache", DownCache())
    shown = int(figure(dashboard(client_for(steering), pori), indicator, year))
    active_forums(2)
    assert int(figure(dashboard(client_for(steering), pori), indicator, year)) == shown + 2
