"""Hearings on "My associations": the open ones waiting for an answer of an association I
represent, and the answers I can still edit. ``associations/mine.py`` imports this module."""

from django.utils.translation import gettext_lazy as _

from associations.hearings import selectors
from associations.hearings.models import HearingAnswer, HearingComment
from associations.models import Association
from portal.registries import my_data, my_data_eraser, my_section


@my_section("associations.hearings", order=25)
def my_hearings(request):
    waiting = selectors.hearings_waiting_for(request.user)
    answered = selectors.my_answers(request.user)
    if not waiting and not answered and not Association.objects.represented_by(request.user).exists():
        return None
    return "associations/mine_hearings.html", {"waiting": waiting, "answered": answered}


@my_data("associations.hearing_comments")
def comments_data(user):
    """A resident's comments on hearings (answers are the association's, not the person's)."""
    return [
        {
            "hearing": comment.hearing.title,
            "text": comment.text,
            "moderation_state": comment.moderation_state,
            "created_at": comment.created_at.isoformat(),
        }
        for comment in HearingComment.objects.filter(created_by=user).select_related("hearing")
    ]


ANSWERS_KEPT = _(
    "Hearing answers you wrote stay with the association that gave them; they no longer show who wrote them."
)


@my_data_eraser("associations.hearing_comments")
def erase_comments(user):
    """Comments go with the account; answers stay the association's (``created_by`` is emptied)."""
    HearingComment.objects.filter(created_by=user).delete()
    return [ANSWERS_KEPT] if HearingAnswer.objects.filter(created_by=user).exists() else []
