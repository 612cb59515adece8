"""The decision letter (päätöskirje) as PDF, in the applicant's language, made with WeasyPrint.

A Celery task (``grants.tasks.make_decision_letter``) calls ``decision_letter_make`` after the
decision's transaction commits; running it twice changes nothing.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from grants.models import Decision


def letter_language(association) -> str:
    """The first of the association's working languages the portal speaks; else the city's."""
    spoken = {code for code, _name in settings.LANGUAGES}
    for code in association.languages.order_by("order").values_list("code", flat=True):
        if code in spoken:
            return code
    return settings.LANGUAGE_CODE


def render_letter(decision, language) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "grants/decision_letter.html",
            {
                "decision": decision,
                "application": decision.application,
                "round": decision.application.round,
                "city": settings.CITY_PROFILE,
                "language": language,
            },
        )
    # No base URL: the letter loads nothing from the network or the disk.
    return HTML(string=html, base_url=None).write_pdf()


def decision_letter_make(*, decision_id) -> Decision | None:
    """Render and keep the letter once. Returns the decision, or None when it no longer exists."""
    decision = (
        Decision.objects.select_related("application__association", "application__round__department")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None or decision.letter:
        return decision
    language = letter_language(decision.application.association)
    pdf = render_letter(decision, language)
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.letter:
            return locked
        locked.letter.save(f"decision-{locked.pk}.pdf", ContentFile(pdf), save=False)
        locked.letter_language = language
        Decision.objects.filter(pk=locked.pk).update(letter=locked.letter.name, letter_language=language)
    decision.refresh_from_db()
    return decision
