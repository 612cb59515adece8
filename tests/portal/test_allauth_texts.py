"""The portal's own wording replaces allauth's awkward Finnish, Swedish and Polish texts."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

OVERRIDES = [
    ("fi", "Hello from %(site_name)s!", "Hei! Tämä on viesti palvelusta %(site_name)s."),
    ("sv", "Confirm Email Address", "Bekräfta e-postadressen"),
    ("pl", "Hello from %(site_name)s!", "Dzień dobry! Ta wiadomość pochodzi z serwisu %(site_name)s."),
    ("pl", "Sign In", "Zaloguj się"),
]


@pytest.mark.parametrize(("language", "msgid", "expected"), OVERRIDES)
def test_the_portal_s_wording_wins_over_allauth_s(language, msgid, expected):
    with translation.override(language):
        assert gettext(msgid) == expected
