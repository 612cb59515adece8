from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualclockConfig(AppConfig):
    name = "annualclock"
    verbose_name = _("Annual clock")
