"""Audiences other apps may invite by key (the annual clock's meetings, announcements)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Membership
from portal.registries import Recipient, recipient_list


@recipient_list("associations.contacts", label=_("Associations' public contact e-mails"))
def association_contacts():
    return [
        Recipient(email=email, name=name, association_id=pk, language=settings.LANGUAGE_CODE)
        for pk, name, email in Association.objects.public()
        .exclude(email="")
        .order_by("name")
        .values_list("pk", "name", "email")
    ]


@recipient_list("associations.representatives", label=_("Approved representatives of associations"))
def association_representatives():
    return [
        Recipient(email=email, name=name, association_id=association_id, language=settings.LANGUAGE_CODE)
        for email, name, association_id in Membership.objects.filter(
            state=Membership.State.APPROVED,
            association__moderation_state=Association.ModerationState.APPROVED,
        )
        .exclude(user__email="")
        .order_by("association__name", "user__email")
        .values_list("user__email", "association__name", "association_id")
    ]
