"""The associations app's retention jobs (registry: ``portal.retention``)."""

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from associations.models import Membership
from portal.models import Notification
from portal.retention import retention_job


def rejected_memberships(cutoff):
    """Rejected claims whose last change (the rejection) is older than ``cutoff``."""
    history = Membership.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return (
        Membership.objects.filter(state=Membership.State.REJECTED)
        .annotate(rejected_at=Coalesce(Subquery(history.values("history_date")[:1]), "created_at"))
        .filter(rejected_at__lt=cutoff)
    )


@retention_job(
    "associations.rejected_claims",
    setting="REJECTED_CLAIMS",
    description="Rejected requests to represent an association: the request, its message and the reason "
    "deleted with their history; the texts of the e-mails about them blanked.",
)
def delete_rejected_claims(*, cutoff, dry_run):
    ids = list(rejected_memberships(cutoff).values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    mails = Q()
    for pk in ids:
        mails |= Q(key__startswith=f"membership-{pk}-")
    Notification.objects.filter(mails).update(body_text="", body_html="", headers={})
    Membership.objects.filter(pk__in=ids).delete()
    # After the delete: it writes a last history row (with the message) of its own.
    Membership.history.model.objects.filter(id__in=ids).delete()
    return len(ids)
