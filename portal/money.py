"""Money in the reader's conventions and the city's currency: "1 234,50 zł", "1 234,50 €", "€1,234.50".

The number comes from Django's formats of the active language (portal/formats/ and Django's own:
a no-break space groups thousands in Polish, Finnish and Swedish); the currency is the city
profile's unless a record carries its own (a grant round's). No Babel: four languages and two
currencies do not need it.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

# Currency code: (symbol, symbol before the amount in English)
CURRENCIES = {"EUR": ("€", True), "PLN": ("zł", False)}
NBSP = "\xa0"


def money(value, currency=None, *, decimals=2, language=None) -> str:
    """``value`` with two decimals, grouped, and the currency where the language puts it."""
    if value is None or value == "":
        return ""
    currency = currency or settings.CITY_PROFILE["currency"]
    with translation.override(language or translation.get_language()):
        number = formats.number_format(Decimal(value), decimals, use_l10n=True, force_grouping=True)
        english = (translation.get_language() or "").startswith("en")
    symbol, before_in_english = CURRENCIES.get(currency, (currency, False))
    if english:
        return f"{symbol}{number}" if before_in_english else f"{currency}{NBSP}{number}"
    return f"{number}{NBSP}{symbol}"
