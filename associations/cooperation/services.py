"""Writes of the forms of cooperation: keyword-only ``<entity>_<action>`` functions, one
transaction each, e-mails through the outbox.

Requests to the city follow one state machine (``REQUEST_TRANSITIONS``) whatever their kind:
submitted → in handling → granted | declined (with grounds); the association may withdraw an
open request. The named handler of the kind (``RequestHandler``, else the city's coordinator) hears
of a new request; the association hears every answer, in its own language (the language of the
letter). A granted letter of recommendation or intent is rendered as a PDF by a Celery task after
the commit and linked to a joint project (an existing one, or one made from the request).
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from associations.cooperation.models import (
    CityEvent,
    CityRequest,
    JointProject,
    LocalInitiative,
    RequestHandler,
    RequestKind,
)
from associations.cooperation.validators import (
    CARRIED_OUT_IN_FUTURE,
    EVENT_NOT_OPEN,
    FIELD_REQUIRED_FOR_KIND,
    INITIATIVE_NEEDS_HELP,
    INITIATIVE_TRANSITION_NOT_ALLOWED,
    KIND_NOT_ALLOWED,
    PROJECT_NEEDS_PARTNER,
    REASON_REQUIRED_FOR_DECLINE,
    SIGNUP_CLOSED,
    SIGNUP_TWICE,
    TRANSITION_NOT_ALLOWED,
)
from associations.models import Association
from portal.db import assign_fields, set_many_to_many, violated_constraint
from portal.links import absolute_url, without_links
from portal.models import ContactPerson
from portal.outbox import change_key, coordinator_email, notify, site_language

logger = logging.getLogger(__name__)

State = CityRequest.State
IState = LocalInitiative.State

# The fields a representative fills in, in the form's order: ``CityRequestForm.Meta.fields``.
REQUEST_FIELDS = (
    "title",
    "description",
    "funder",
    "amount_sought",
    "project_starts_on",
    "project_ends_on",
    "event_name",
    "event_date",
)
# What each kind needs besides a title and a description.
REQUIRED_FOR_KIND = {
    RequestKind.RECOMMENDATION: ("funder", "project_starts_on"),
    RequestKind.INTENT: ("funder", "project_starts_on"),
    RequestKind.PATRONAGE_MAYOR: ("event_name", "event_date"),
    RequestKind.PATRONAGE_CITY: ("event_name", "event_date"),
    RequestKind.MEDIA_PATRONAGE: ("event_name",),
    RequestKind.EVENT_PARTICIPATION: (),
}
# Kinds filed through the request form (event participation is a sign-up on the city event's page).
FORM_KINDS = tuple(kind for kind in RequestKind if kind != RequestKind.EVENT_PARTICIPATION)

REQUEST_TRANSITIONS = {
    State.SUBMITTED: {State.IN_HANDLING, State.GRANTED, State.DECLINED, State.WITHDRAWN},
    State.IN_HANDLING: {State.GRANTED, State.DECLINED, State.WITHDRAWN},
    State.GRANTED: set(),
    State.DECLINED: set(),
    State.WITHDRAWN: set(),
}

INITIATIVE_FIELDS = (
    "title",
    "description",
    "group_name",
    "service_area",
    "place",
    "residents_contribution",
    "needs_work",
    "needs_materials",
    "needs_space",
    "help_details",
)
INITIATIVE_TRANSITIONS = {
    IState.SUBMITTED: {IState.IN_ASSESSMENT, IState.ACCEPTED, IState.DECLINED, IState.WITHDRAWN},
    IState.IN_ASSESSMENT: {IState.ACCEPTED, IState.DECLINED, IState.WITHDRAWN},
    IState.ACCEPTED: {IState.CARRIED_OUT},
    IState.DECLINED: set(),
    IState.CARRIED_OUT: set(),
    IState.WITHDRAWN: set(),
}

PROJECT_FIELDS = (
    "title",
    "department",
    "contact_person",
    "starts_on",
    "ends_on",
    "own_funding",
    "city_grant",
    "external_funding",
    "external_funder",
    "goals",
    "results",
    "is_public",
)


# --- Who handles, who hears ------------------------------------------------------------------
def handler_for(kind) -> ContactPerson | None:
    """The named handler of a kind of request; the city's coordinator when none is named."""
    row = RequestHandler.objects.select_related("contact").filter(kind=kind).first()
    if row is not None:
        return row.contact
    return ContactPerson.objects.filter(is_coordinator=True).first()


def applicant_language(association) -> str:
    """The applicant's language: the first of the association's languages the portal speaks."""
    from associations.cooperation.letters import letter_language

    return letter_language(association)


def _applicant_email(city_request):
    user = city_request.created_by
    return (user.email if user is not None and user.email else "") or city_request.association.email


def _notify_handler(city_request):
    handler = city_request.handler
    language = site_language()
    notify(
        key=f"city-request-{city_request.pk}-submitted",
        to=handler.email if handler is not None else coordinator_email(),
        template="city-request-submitted",
        context={
            "city_request": city_request,
            "association": city_request.association,
            "description": without_links(city_request.description),
            "admin_url": absolute_url(
                "admin:associations_cityrequest_change", args=[city_request.pk], language=language
            ),
        },
        language=language,
    )


def _notify_applicant(city_request, *, event):
    to = _applicant_email(city_request)
    if not to:
        return
    language = applicant_language(city_request.association)
    context = {
        "city_request": city_request,
        "association": city_request.association,
        "event": event,
        "reason": city_request.decision_reason,
        "url": absolute_url(
            "associations:cooperation:request-detail", kwargs={"pk": city_request.pk}, language=language
        ),
    }
    if event == "granted" and city_request.is_letter:
        context["letter_url"] = absolute_url(
            "associations:cooperation:request-letter", kwargs={"pk": city_request.pk}, language=language
        )
    if city_request.joint_project_id and city_request.joint_project.is_public:
        context["project_url"] = absolute_url(
            "associations:cooperation:project-detail", kwargs={"pk": city_request.joint_project_id}, language=language
        )
    notify(
        key=change_key(city_request, f"city-request-{city_request.pk}-{event}") + f":{to}",
        to=to,
        template=f"city-request-{event}",
        context=context,
        language=language,
    )


# --- Requests --------------------------------------------------------------------------------
def _check_required(kind, data):
    errors = {name: FIELD_REQUIRED_FOR_KIND for name in REQUIRED_FOR_KIND[kind] if data.get(name) in (None, "")}
    if errors:
        raise ValidationError({name: ValidationError(message, code="required") for name, message in errors.items()})


def city_request_submit(*, association, user, kind, data, city_event=None) -> CityRequest:
    """File a request for an association the user represents; its handler hears of it."""
    if not Association.objects.represented_by(user).filter(pk=association.pk).exists():
        raise PermissionDenied
    try:
        kind = RequestKind(kind)
    except ValueError:
        raise ValidationError({"kind": ValidationError(KIND_NOT_ALLOWED, code="kind")}) from None
    _check_required(kind, data)
    if (kind == RequestKind.EVENT_PARTICIPATION) != (city_event is not None):
        raise ValidationError(KIND_NOT_ALLOWED, code="kind")
    city_request = CityRequest(kind=kind, association=association, created_by=user, city_event=city_event)
    assign_fields(city_request, data, REQUEST_FIELDS)
    city_request.handler = handler_for(kind)
    city_request._history_user = user
    try:
        with transaction.atomic():
            if city_event is not None:
                # Lock the event: two representatives of one association signing up at once get one row.
                CityEvent.objects.select_for_update().filter(pk=city_event.pk).first()
            city_request.full_clean(exclude=["created_by", "handler", "city_event", "association"])
            city_request.save()
            _notify_handler(city_request)
    except IntegrityError as exc:
        if violated_constraint(exc) == "cityrequest_one_active_signup":
            raise ValidationError(SIGNUP_TWICE, code="signup_twice") from None
        raise
    return city_request


def city_event_signup(*, city_event, association, user, description) -> CityRequest:
    """An association signs up to take part in a city event (event cooperation, seed 001)."""
    today = timezone.localdate()
    if not city_event.is_published:
        raise ValidationError(EVENT_NOT_OPEN, code="not_open")
    if city_event.signup_until < today:
        raise ValidationError(SIGNUP_CLOSED, code="closed")
    if CityRequest.objects.active().filter(city_event=city_event, association=association).exists():
        raise ValidationError(SIGNUP_TWICE, code="signup_twice")
    return city_request_submit(
        association=association,
        user=user,
        kind=RequestKind.EVENT_PARTICIPATION,
        city_event=city_event,
        data={"title": city_event.title, "description": description},
    )


def _move(city_request, *, to_state, user):
    """Lock the request and check the transition; returns the locked row."""
    locked = CityRequest.objects.select_for_update().select_related("association").get(pk=city_request.pk)
    if to_state not in REQUEST_TRANSITIONS[locked.state]:
        raise ValidationError(
            TRANSITION_NOT_ALLOWED,
            code="transition",
            params={"from": locked.get_state_display(), "to": State(to_state).label},
        )
    locked.state = to_state
    locked._history_user = user
    return locked


@transaction.atomic
def city_request_take(*, city_request, user) -> CityRequest:
    """Staff take the request into handling; the association hears who handles it."""
    locked = _move(city_request, to_state=State.IN_HANDLING, user=user)
    if locked.handler is None or (locked.handler.user_id and locked.handler.user_id != user.pk):
        contact = getattr(user, "contact_person", None)
        if contact is not None:
            locked.handler = contact
    locked.save()
    _notify_applicant(locked, event="in-handling")
    return locked


@transaction.atomic
def city_request_grant(*, city_request, user, reason="", joint_project=None) -> CityRequest:
    """Grant the request. A letter is rendered after the commit (a Celery task) in the applicant's
    language, and the request is linked to the joint project it supports — the one given, or a
    new public one made from the request (seed 000: "Yhteiset hankkeet" is counted)."""
    locked = _move(city_request, to_state=State.GRANTED, user=user)
    locked.decision_reason = (reason or "").strip()
    locked.decided_by = user
    locked.decided_at = timezone.now()
    if locked.is_letter:
        locked.joint_project = joint_project or _project_from_request(locked, user=user)
        locked.joint_project.partners.add(locked.association)
    locked.save()
    if locked.is_letter:
        transaction.on_commit(lambda pk=locked.pk: _queue_letter(pk))
    _notify_applicant(locked, event="granted")
    return locked


@transaction.atomic
def city_request_decline(*, city_request, user, reason) -> CityRequest:
    """Decline with grounds (required): they are e-mailed to the association."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED_FOR_DECLINE, code="reason")})
    locked = _move(city_request, to_state=State.DECLINED, user=user)
    locked.decision_reason = reason
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save()
    _notify_applicant(locked, event="declined")
    return locked


@transaction.atomic
def city_request_withdraw(*, city_request, user) -> CityRequest:
    """The association withdraws its open request; its handler hears of it."""
    if not Association.objects.represented_by(user).filter(pk=city_request.association_id).exists():
        raise PermissionDenied
    locked = _move(city_request, to_state=State.WITHDRAWN, user=user)
    locked.save()
    handler = locked.handler
    notify(
        key=f"city-request-{locked.pk}-withdrawn",
        to=handler.email if handler is not None else coordinator_email(),
        template="city-request-withdrawn",
        context={"city_request": locked, "association": locked.association},
        language=site_language(),
    )
    return locked


def _project_from_request(city_request, *, user) -> JointProject:
    handler = city_request.handler
    if handler is None:
        raise ValidationError(FIELD_REQUIRED_FOR_KIND, code="no_department")
    project = JointProject(
        title=city_request.title,
        department_id=handler.department_id,
        contact_person=handler,
        starts_on=city_request.project_starts_on or timezone.localdate(),
        ends_on=city_request.project_ends_on,
        external_funding=city_request.amount_sought or 0,
        external_funder=city_request.funder,
        goals=city_request.description,
        created_by=user,
    )
    project._history_user = user
    project.full_clean(exclude=["partners"])
    project.save()
    return project


def _queue_letter(request_pk):
    """Ask a worker for the letter. With the broker down, the letter's page makes it on demand."""
    from associations.cooperation.tasks import make_request_letter

    try:
        make_request_letter.delay(request_pk)
    except Exception:  # noqa: BLE001 - a letter must never undo or fail a decision
        logger.warning("Could not queue the letter of request %s.", request_pk)


# --- Joint projects --------------------------------------------------------------------------
@transaction.atomic
def joint_project_save(*, user, data, partners, project=None) -> JointProject:
    """Create or update a joint project with its partner associations."""
    if not partners:
        raise ValidationError({"partners": ValidationError(PROJECT_NEEDS_PARTNER, code="partners")})
    project = project or JointProject(created_by=user)
    assign_fields(project, data, PROJECT_FIELDS)
    project._history_user = user
    project.full_clean(exclude=["partners", "created_by"])
    project.save()
    set_many_to_many(project, {"partners": partners})
    return project


# --- Local initiatives -----------------------------------------------------------------------
def local_initiative_submit(*, user, data, association=None) -> LocalInitiative:
    """A resident or an informal group proposes an initiative; the coordinator hears of it."""
    if association is not None and not Association.objects.represented_by(user).filter(pk=association.pk).exists():
        raise PermissionDenied
    if not (data.get("needs_work") or data.get("needs_materials") or data.get("needs_space")):
        raise ValidationError(INITIATIVE_NEEDS_HELP, code="help")
    initiative = LocalInitiative(created_by=user, association=association)
    assign_fields(initiative, data, INITIATIVE_FIELDS)
    initiative._history_user = user
    with transaction.atomic():
        initiative.full_clean(exclude=["created_by", "association"])
        initiative.save()
        language = site_language()
        notify(
            key=f"local-initiative-{initiative.pk}-submitted",
            to=coordinator_email(),
            template="local-initiative-submitted",
            context={
                "initiative": initiative,
                "admin_url": absolute_url(
                    "admin:associations_localinitiative_change", args=[initiative.pk], language=language
                ),
            },
            language=language,
        )
    return initiative


def _move_initiative(initiative, *, to_state, user):
    locked = LocalInitiative.objects.select_for_update().get(pk=initiative.pk)
    if to_state not in INITIATIVE_TRANSITIONS[locked.state]:
        raise ValidationError(
            INITIATIVE_TRANSITION_NOT_ALLOWED,
            code="transition",
            params={"from": locked.get_state_display(), "to": IState(to_state).label},
        )
    locked.state = to_state
    locked._history_user = user
    return locked


def _notify_proposer(initiative, event):
    user = initiative.created_by
    if user is None or not user.email:
        return
    language = site_language()
    notify(
        key=change_key(initiative, f"local-initiative-{initiative.pk}-{event}") + f":{user.email}",
        to=user.email,
        template="local-initiative-decided",
        context={
            "initiative": initiative,
            "url": absolute_url(
                "associations:cooperation:initiative-detail", kwargs={"pk": initiative.pk}, language=language
            ),
        },
        language=language,
    )


@transaction.atomic
def local_initiative_assess(*, initiative, user) -> LocalInitiative:
    locked = _move_initiative(initiative, to_state=IState.IN_ASSESSMENT, user=user)
    locked.save()
    return locked


def _decide(initiative, *, to_state, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED_FOR_DECLINE, code="reason")})
    locked = _move_initiative(initiative, to_state=to_state, user=user)
    locked.decision_reason = reason
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save()
    _notify_proposer(locked, to_state)
    return locked


@transaction.atomic
def local_initiative_accept(*, initiative, user, reason) -> LocalInitiative:
    """Accept with public grounds (by the published criteria): the city takes part."""
    return _decide(initiative, to_state=IState.ACCEPTED, user=user, reason=reason)


@transaction.atomic
def local_initiative_decline(*, initiative, user, reason) -> LocalInitiative:
    """Decline with public grounds (by the published criteria)."""
    return _decide(initiative, to_state=IState.DECLINED, user=user, reason=reason)


@transaction.atomic
def local_initiative_carried_out(*, initiative, user, on: dt.date | None = None) -> LocalInitiative:
    """Mark an accepted initiative carried out (counted by the indicator of its year)."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError(CARRIED_OUT_IN_FUTURE, code="future")
    locked = _move_initiative(initiative, to_state=IState.CARRIED_OUT, user=user)
    locked.carried_out_on = on
    locked.save()
    return locked


@transaction.atomic
def local_initiative_withdraw(*, initiative, user) -> LocalInitiative:
    if initiative.created_by_id != user.pk:
        raise PermissionDenied
    locked = _move_initiative(initiative, to_state=IState.WITHDRAWN, user=user)
    locked.save()
    return locked
