"""The city's clock and money conventions: time zone and Celery beat from the profile, PLN in Polish."""

import os
import subprocess
import sys
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from portal.money import money

NBSP = "\xa0"


def test_money_in_polish_is_grouped_with_a_space_and_ends_in_zloty(settings):
    settings.CITY_PROFILE = {**settings.CITY_PROFILE, "currency": "PLN"}
    with translation.override("pl"):
        assert money(Decimal("1234.5")) == f"1{NBSP}234,50{NBSP}zł"
        assert money(Decimal("1234567")) == f"1{NBSP}234{NBSP}567,00{NBSP}zł"


def test_money_follows_the_readers_language_and_the_records_currency():
    with translation.override("fi"):
        assert money(Decimal("1234.5"), "EUR") == f"1{NBSP}234,50{NBSP}€"
    with translation.override("en"):
        assert money(Decimal("1234.5"), "EUR") == "€1,234.50"
        assert money(Decimal("1234.5"), "PLN") == f"PLN{NBSP}1,234.50"
    assert money(None) == ""


def test_the_money_filter_uses_the_citys_currency(settings):
    settings.CITY_PROFILE = {**settings.CITY_PROFILE, "currency": "PLN"}
    with translation.override("pl"):
        rendered = Template("{% load portal_tags %}{{ amount|money }} / {{ amount|money:'EUR' }}").render(
            Context({"amount": Decimal("1234.50")})
        )
    assert rendered == f"1{NBSP}234,50{NBSP}zł / 1{NBSP}234,50{NBSP}€"


def _settings_under(city):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; "
        "from django.conf import settings as s; "
        "print(s.TIME_ZONE, s.CELERY_TIMEZONE, s.LANGUAGE_CODE, s.MODELTRANSLATION_DEFAULT_LANGUAGE)"
    )
    env = {"CITY": city, "DJANGO_ENV": "test", "PATH": "/usr/bin:/bin"}
    env.update({k: v for k, v in os.environ.items() if k in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_the_city_sets_the_time_zone_celery_beat_and_the_default_language():
    assert _settings_under("poznan").split() == ["Europe/Warsaw", "Europe/Warsaw", "pl", "pl"]
    assert _settings_under("pori").split() == ["Europe/Helsinki", "Europe/Helsinki", "fi", "fi"]
