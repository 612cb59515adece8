"""Cooperation's part of "My associations": my associations' requests to the city (with their
state, handler and letter) and my local initiatives; the same in "download my data"."""

from django.utils.translation import gettext_lazy as _

from associations.cooperation import selectors
from associations.cooperation.models import CityRequest, LocalInitiative
from associations.models import Association
from portal.registries import my_data, my_data_eraser, my_section

MY_REQUEST_COUNT = 20


@my_section("associations.cooperation_requests", order=35)
def my_requests(request):
    requests = list(selectors.requests_of_user(request.user)[:MY_REQUEST_COUNT])
    initiatives = list(selectors.initiatives_of_user(request.user)[:MY_REQUEST_COUNT])
    if not requests and not initiatives and not Association.objects.represented_by(request.user).exists():
        return None
    return "associations/mine_cooperation.html", {"requests": requests, "initiatives": initiatives}


def _iso(value):
    return value.isoformat() if value else None


@my_data("associations.cooperation")
def cooperation_data(user):
    return {
        "requests_to_the_city": [
            {
                "kind": r.kind,
                "association": r.association.name,
                "title": r.title,
                "description": r.description,
                "state": r.state,
                "created_at": _iso(r.created_at),
            }
            for r in CityRequest.objects.filter(created_by=user).select_related("association")
        ],
        "local_initiatives": [
            {
                "title": i.title,
                "group_name": i.group_name,
                "description": i.description,
                "state": i.state,
                "created_at": _iso(i.created_at),
            }
            for i in LocalInitiative.objects.filter(created_by=user)
        ],
    }


COOPERATION_KEPT = _(
    "Requests to the city and local initiatives stay with the city as records of its decisions; "
    "they no longer show who sent them."
)


@my_data_eraser("associations.cooperation")
def cooperation_kept(user):
    """Nothing to erase by hand: ``created_by`` is set to null when the account goes."""
    sent = (
        CityRequest.objects.filter(created_by=user).exists() or LocalInitiative.objects.filter(created_by=user).exists()
    )
    return [COOPERATION_KEPT] if sent else []
