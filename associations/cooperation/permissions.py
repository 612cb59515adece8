"""Who may see or change what: one helper per resource that returns the object or 404s.

Somebody with nothing to do with a request learns nothing about it (404). Staff privileges on
the public site go through ``portal.permissions.staff_has_perm`` only (staff work in the admin).
"""

from django.http import Http404

from associations.cooperation.models import CityEvent, CityRequest, JointProject, LocalInitiative
from associations.models import Association
from portal.permissions import staff_has_perm

NOT_FOUND = "Not found"


def _represents(user, association_id) -> bool:
    return Association.objects.represented_by(user).filter(pk=association_id).exists()


def can_see_request(user, city_request) -> bool:
    if not user.is_authenticated:
        return False
    return staff_has_perm(user, "associations.view_cityrequest") or _represents(user, city_request.association_id)


def request_visible_to(user, pk) -> CityRequest:
    """A request to its association's representatives and to staff who may view requests."""
    city_request = (
        CityRequest.objects.select_related("association", "handler", "city_event", "joint_project")
        .filter(pk=pk)
        .first()
    )
    if city_request is None or not can_see_request(user, city_request):
        raise Http404(NOT_FOUND)
    return city_request


def request_for_representative(user, pk) -> CityRequest:
    """A request the user may act on (withdraw): its association's representatives only."""
    city_request = CityRequest.objects.select_related("association").filter(pk=pk).first()
    if city_request is None or not user.is_authenticated or not _represents(user, city_request.association_id):
        raise Http404(NOT_FOUND)
    return city_request


def project_visible_to(user, pk) -> JointProject:
    """A public project to anyone; a non-public one to its partners' representatives and staff."""
    project = JointProject.objects.select_related("department", "contact_person").filter(pk=pk).first()
    if project is None:
        raise Http404(NOT_FOUND)
    if project.is_public:
        return project
    if user.is_authenticated and (
        staff_has_perm(user, "associations.view_jointproject")
        or Association.objects.represented_by(user).filter(joint_projects=project).exists()
    ):
        return project
    raise Http404(NOT_FOUND)


def city_event_visible_to(user, pk) -> CityEvent:
    event = CityEvent.objects.select_related("department").filter(pk=pk).first()
    if event is None or not (event.is_published or staff_has_perm(user, "associations.view_cityevent")):
        raise Http404(NOT_FOUND)
    return event


def can_see_initiative(user, initiative) -> bool:
    if initiative.is_public:
        return True
    if not user.is_authenticated:
        return False
    return initiative.created_by_id == user.pk or staff_has_perm(user, "associations.view_localinitiative")


def initiative_visible_to(user, pk) -> LocalInitiative:
    """A decided initiative to anyone (decisions are public); an open one to its proposer and staff."""
    initiative = LocalInitiative.objects.select_related("service_area", "association").filter(pk=pk).first()
    if initiative is None or not can_see_initiative(user, initiative):
        raise Http404(NOT_FOUND)
    return initiative


def initiative_for_proposer(user, pk) -> LocalInitiative:
    initiative = LocalInitiative.objects.filter(pk=pk).first()
    if initiative is None or not user.is_authenticated or initiative.created_by_id != user.pk:
        raise Http404(NOT_FOUND)
    return initiative
