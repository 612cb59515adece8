"""django-allauth's texts that the portal words better, listed so that ``make messages`` keeps them.

allauth's own Finnish, Swedish and Polish catalogues read awkwardly in places ("Terve
palvelusta…"). The portal's catalogue (``locale/``, first in ``LOCALE_PATHS``) translates these
exact msgids, and Django prefers it over allauth's. Without this list ``makemessages
--no-obsolete`` would drop the translations, since no template of the portal uses the msgids.
``tests/portal/test_allauth_texts.py`` checks that the portal's wording wins.
"""

from django.utils.translation import gettext_noop

ALLAUTH_TEXTS = [
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Email Address"),
    gettext_noop("Sign In"),
]
