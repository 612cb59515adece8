"""The front page's "coming up": the next 60 days of the merged calendar (every app's sources)."""

from annualclock.selectors import COMING_UP_DAYS, coming_up_cached
from portal.registries import home_section


@home_section("annualclock.coming_up", order=20)
def coming_up_section(request):
    return "annualclock/home_coming_up.html", {"items": coming_up_cached(), "days": COMING_UP_DAYS}
