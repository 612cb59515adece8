"""The grants app's retention jobs (registry: ``portal.retention``)."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from grants.models import Application, Attachment, Clawback, Transition
from portal.retention import retention_job

S = Application.State

# The states in which an application's case is over (``grants.workflow``): rejected, withdrawn,
# its report approved, or clawed back — the last only once every claim has been returned.
CLOSED_STATES = (S.REJECTED, S.WITHDRAWN, S.REPORT_APPROVED, S.CLAWBACK)


def closed_applications(cutoff):
    """Applications closed before ``cutoff``: the move into their current (closed) state, and for a
    clawback the return of its last claim, are older than the cutoff."""
    moved = Transition.objects.filter(application=OuterRef("pk"), to_state=OuterRef("state")).order_by("-at")
    claims = Clawback.objects.filter(application=OuterRef("pk"))
    unsettled = claims.filter(Q(returned_on__isnull=True) | Q(returned_on__gte=cutoff.date()))
    return (
        Application.objects.filter(state__in=CLOSED_STATES)
        .annotate(closed_at=Coalesce(Subquery(moved.values("at")[:1]), "updated_at"))
        .filter(closed_at__lt=cutoff)
        .exclude(Q(state=S.CLAWBACK) & (~Exists(claims) | Exists(unsettled)))
    )


@retention_job(
    "grants.closed_application_attachments",
    setting="GRANT_ATTACHMENTS",
    description="Private attachments (files and their rows) of applications closed longer than the legal "
    "retention period; the application, decision, report, state changes and advice messages stay.",
)
def delete_closed_application_attachments(*, cutoff, dry_run):
    """Delete the attachment files of long-closed applications.

    Closed: rejected, withdrawn, report approved, or clawed back with every claim returned. What
    stays is the public record — the application's own fields, the decision (and its letter), the
    report, payments, clawbacks and the state changes — and the advice messages
    (``grants.Message``): they are part of the case file under public-records and archives law
    and go with it by the city's records management plan, not by this job. Counts attachments.

    The rows are deleted in the job's transaction and the files once it commits
    (``fieldfile.delete(save=False)``, so local disk and S3-compatible storage alike): a failed
    run leaves both, and the next run tries again.
    """
    rows = Attachment.objects.filter(Exists(closed_applications(cutoff).filter(pk=OuterRef("application_id"))))
    attachments = list(rows.only("pk", "file"))
    if dry_run or not attachments:
        return len(attachments)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()

    def delete_files():
        for attachment in attachments:
            if attachment.file:
                attachment.file.delete(save=False)

    transaction.on_commit(delete_files)
    return len(attachments)
