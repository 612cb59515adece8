"""Reads of hearings: the audience, the public list, a hearing's page, my hearings waiting."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from associations.hearings.models import Hearing, HearingAnswer, HearingAnswerAttachment, HearingComment
from associations.models import Association
from portal import registries


def audience_associations(hearing):
    """The associations a hearing's filters select (fields of activity incl. subfields, service
    areas), or None when it has no filters (everybody in the recipient list)."""
    field_ids = list(hearing.fields_of_activity.values_list("pk", flat=True))
    area_ids = list(hearing.service_areas.values_list("pk", flat=True))
    if not field_ids and not area_ids:
        return None
    queryset = Association.objects.filter(moderation_state=Association.ModerationState.APPROVED)
    if field_ids:
        queryset = queryset.filter(Q(fields_of_activity__in=field_ids) | Q(fields_of_activity__parent__in=field_ids))
    if area_ids:
        queryset = queryset.filter(service_areas__in=area_ids)
    return set(queryset.values_list("pk", flat=True).distinct())


def audience_recipients(hearing):
    """(recipients, {association id: association}) of the hearing's audience.

    The audience is a registered recipient list (``portal.registries.recipient_list``: all
    associations' contacts, approved representatives, a topic's subscribers …); the hearing's
    filters keep only the recipients who answer for an association that matches them.
    """
    allowed = audience_associations(hearing)
    only = None if allowed is None else (lambda recipient: recipient.association_id in allowed)
    recipients = registries.recipients(hearing.audience, only=only)
    ids = {r.association_id for r in recipients if r.association_id}
    return recipients, Association.objects.in_bulk(ids)


def public_hearings():
    """The public list: every hearing but drafts, open ones first, with their answer counts."""
    return (
        Hearing.objects.public()
        .select_related("department")
        .annotate(
            answer_count=Count("answers", distinct=True),
            is_open=Q(state=Hearing.State.OPEN),
        )
        .order_by("-is_open", "-closes_at", "title")
    )


def hearing_page(hearing, *, user, acting=None, sees_all_answers=False):
    """What a hearing's page shows to ``user``: documents, the answers they may read, comments."""
    documents = [d for d in hearing.documents.all() if d.is_public or sees_all_answers]
    answers = HearingAnswer.objects.filter(hearing=hearing).select_related("association")
    if not sees_all_answers:
        answers = answers.published().filter(association__is_public=True)
    answers = answers.prefetch_related(Prefetch("attachments", queryset=HearingAnswerAttachment.objects.order_by("pk")))
    own = None
    if acting is not None:
        own = HearingAnswer.objects.filter(hearing=hearing, association=acting).prefetch_related("attachments").first()
    comments = HearingComment.objects.filter(hearing=hearing).approved().order_by("created_at", "pk")
    return {
        "documents": documents,
        "answers": list(answers.order_by("association__name")),
        "own_answer": own,
        "comments": list(comments),
    }


def hearings_waiting_for(user, *, now=None):
    """Open hearings that invited an association the user represents and that has not answered."""
    now = now or timezone.now()
    represented = Association.objects.represented_by(user)
    answered = HearingAnswer.objects.filter(hearing=OuterRef("hearing"), association=OuterRef("association"))
    invitations = (
        Hearing.invitations.rel.related_model.objects.filter(
            association__in=represented, hearing__in=Hearing.objects.accepting_answers(now)
        )
        .annotate(answered=Exists(answered))
        .filter(answered=False)
        .select_related("hearing", "association")
        .order_by("hearing__closes_at", "association__name")
    )
    seen, rows = set(), []
    for invitation in invitations:
        key = (invitation.hearing_id, invitation.association_id)
        if key not in seen:
            seen.add(key)
            rows.append({"hearing": invitation.hearing, "association": invitation.association})
    return rows


def my_answers(user, *, now=None):
    """Answers of the associations the user represents to hearings still open (to edit)."""
    now = now or timezone.now()
    return list(
        HearingAnswer.objects.filter(
            association__in=Association.objects.represented_by(user),
            hearing__in=Hearing.objects.accepting_answers(now),
        )
        .select_related("hearing", "association")
        .order_by("hearing__closes_at")
    )
