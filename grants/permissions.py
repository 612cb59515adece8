"""Who may see or change what in the grants app: one helper per resource, returning the object
or raising 404 (an outsider learns nothing, not even that an application exists)."""

from django.http import Http404

from associations.models import Association
from grants import workflow
from grants.models import Application, Review


def eligible_labels(round_):
    return [str(Association.Kind(kind).label) for kind in round_.eligible_kinds if kind in Association.Kind.values]


def _application(pk):
    try:
        return Application.objects.select_related(
            "round__department", "round__grant_type__contact", "association", "form_version", "submitted_by"
        ).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404


def application_for_representative(request, pk):
    """The application, if the user represents its association now (approved membership)."""
    application = _application(pk)
    if not workflow.represents(request.user, application.association):
        raise Http404
    return application


def application_for_user(request, pk):
    """The application and the user's role on it: applicant, staff (of the round's department)
    or reviewer (assigned, no conflict declared, not a representative of the applicant)."""
    application = _application(pk)
    user = request.user
    if workflow.represents(user, application.association):
        return application, "applicant"
    if workflow.manages(user, application.round):
        return application, "staff"
    contact = application.round.grant_type.contact
    if contact is not None and contact.user_id and contact.user_id == user.pk:
        return application, "staff"
    if Review.objects.filter(application=application, reviewer=user, conflict=Review.Conflict.NONE).exists():
        return application, "reviewer"
    raise Http404


def review_for_reviewer(request, pk):
    """A review assignment, only for its own reviewer."""
    try:
        review = Review.objects.select_related("application__round", "application__association").get(
            pk=pk, reviewer=request.user
        )
    except Review.DoesNotExist:
        raise Http404
    return review


def round_for_manager(request, slug):
    """A round the user runs on the site: a regranting round of an association they administer
    (or any round of their department, for staff). Everybody else gets 404."""
    from grants.models import GrantRound

    try:
        round_ = GrantRound.objects.select_related("department", "operator", "grant_type").get(slug=slug)
    except GrantRound.DoesNotExist:
        raise Http404
    if not workflow.manages(request.user, round_):
        raise Http404
    return round_


def managed_application(request, round_, pk):
    try:
        return Application.objects.select_related("round__department", "association").get(pk=pk, round=round_)
    except Application.DoesNotExist:
        raise Http404
