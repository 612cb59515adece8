"""The letter of recommendation or intent (suosituskirje / aiesopimus) as PDF, in the applicant's
language, made with WeasyPrint as ``grants.letters`` makes the decision letter.

A Celery task (``associations.cooperation.tasks.make_request_letter``) calls
``request_letter_make`` after the grant's transaction commits; running it twice changes nothing.
The letter loads nothing from the network or the disk (no base URL, a fetcher that refuses all).
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from associations.cooperation.models import CityRequest
from portal.cities import localized_profile


def letter_language(association) -> str:
    """The first of the association's working languages the portal speaks; else the city's."""
    spoken = {code for code, _name in settings.LANGUAGES}
    for code in association.languages.order_by("order").values_list("code", flat=True):
        if code in spoken:
            return code
    return settings.LANGUAGE_CODE


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"The letter loads nothing: {url}")


def render_letter(city_request, language) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "associations/cooperation/request_letter.html",
            {
                "city_request": city_request,
                "association": city_request.association,
                "project": city_request.joint_project,
                "handler": city_request.handler,
                "city": localized_profile(settings.CITY_PROFILE, language),
                "language": language,
            },
        )
    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()


def request_letter_make(*, request_id) -> CityRequest | None:
    """Render and keep the letter of a granted letter request once. None when there is none to make."""
    city_request = (
        CityRequest.objects.select_related("association", "handler__department", "joint_project")
        .filter(pk=request_id, state=CityRequest.State.GRANTED, kind__in=[k.value for k in CityRequest.Kind])
        .first()
    )
    if city_request is None or not city_request.is_letter:
        return None
    if city_request.letter:
        return city_request
    language = letter_language(city_request.association)
    pdf = render_letter(city_request, language)
    with transaction.atomic():
        locked = CityRequest.objects.select_for_update().get(pk=city_request.pk)
        if locked.letter:
            return locked
        locked.letter.save(f"letter-{locked.pk}.pdf", ContentFile(pdf), save=False)
        CityRequest.objects.filter(pk=locked.pk).update(letter=locked.letter.name, letter_language=language)
    city_request.refresh_from_db()
    return city_request
