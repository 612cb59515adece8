"""Hearings on "My associations": the open ones waiting for an answer of an association I
represent, and the answers I can still edit. ``associations/mine.py`` imports this module."""

from associations.hearings import selectors
from associations.models import Association
from portal.registries import my_section


@my_section("associations.hearings", order=25)
def my_hearings(request):
    waiting = selectors.hearings_waiting_for(request.user)
    answered = selectors.my_answers(request.user)
    if not waiting and not answered and not Association.objects.represented_by(request.user).exists():
        return None
    return "associations/mine_hearings.html", {"waiting": waiting, "answered": answered}
