"""Writes: values entered and corrected, survey answers, reports generated and signed.

Every function is keyword-only, validates, locks what it changes and saves in one transaction.
Signing freezes the report's snapshot (seed 000: the programme is assessed yearly by the
association cooperation group); a correction after signing becomes a dated ``Erratum``.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal import registries
from portal.programme import figures, selectors
from portal.programme.models import (
    Erratum,
    Indicator,
    IndicatorValue,
    Programme,
    Report,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

logger = logging.getLogger(__name__)

VALUE_NOT_A_NUMBER = _("Enter the value as a number, e.g. 12 or 3.5.")
VALUE_YEAR_OUTSIDE = _("The year is outside the programme's period.")
VALUE_QUARTER_INVALID = _("The quarter must be 1, 2, 3 or 4.")
VALUE_NOT_MANUAL = _("This indicator's values come from the portal's data or a survey; they cannot be typed in.")
SURVEY_CLOSED = _("The survey is not open.")
SURVEY_ALREADY_ANSWERED = _("Your association has already answered this survey.")
SURVEY_SCORE_INVALID = _("Choose a value from 1 to 5.")
REPORT_ALREADY_SIGNED = _("The report has already been signed.")
REPORT_NOT_READY = _("The report can be signed once it has been generated.")
REPORT_NOT_SIGNED = _("Errata are added to signed reports only.")
ERRATUM_TEXT_REQUIRED = _("Say what was corrected and why.")


def _parse_decimal(value) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(VALUE_NOT_A_NUMBER, code="not_a_number") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValidationError(VALUE_NOT_A_NUMBER, code="not_a_number")
    return number.quantize(Decimal("0.01"))


def _signed_report(programme, year):
    return Report.objects.filter(programme=programme, year=year, signed_at__isnull=False).order_by("-signed_at").first()


def _frozen_value(report, indicator_id):
    for item in selectors.overview_indicators(report.snapshot):
        if item["id"] == indicator_id and item["this_year"]:
            return item["this_year"]["value"]
    return None


@transaction.atomic
def indicator_value_enter(
    *, indicator, year, value, user, quarter=None, breakdown="", status=IndicatorValue.Status.FINAL, note=""
):
    """Enter or correct a staff-entered value (e.g. Lähellä.fi registrations).

    A correction to a year whose report is signed leaves the signed figures as they were and
    adds a dated erratum to that report, so nothing changes silently.
    """
    indicator = Indicator.objects.select_related("focus_area__programme").get(pk=indicator.pk)
    programme = indicator.focus_area.programme
    if indicator.source != Indicator.Source.MANUAL:
        raise ValidationError(VALUE_NOT_MANUAL, code="not_manual")
    number = _parse_decimal(value)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(VALUE_YEAR_OUTSIDE, code="year") from None
    if not (programme.start_year - 1 <= year <= programme.end_year):
        raise ValidationError(VALUE_YEAR_OUTSIDE, code="year")
    if quarter not in (None, "", 1, 2, 3, 4, "1", "2", "3", "4"):
        raise ValidationError(VALUE_QUARTER_INVALID, code="quarter")
    quarter = int(quarter) if quarter not in (None, "") else None
    breakdown = (breakdown or "").strip()[:200]
    row = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, year=year, quarter=quarter, breakdown=breakdown)
        .first()
    )
    old = row.value if row else None
    if row is None:
        row = IndicatorValue(indicator=indicator, year=year, quarter=quarter, breakdown=breakdown, created_by=user)
    row.value = number
    row.status = status
    row.source = "manual"
    row.as_of = timezone.now()
    row.entered_by = user
    row.note = note
    row.save()
    report = _signed_report(programme, year) if quarter is None and not breakdown else None
    if report is not None:
        frozen = _frozen_value(report, indicator.pk)
        if frozen is None or Decimal(frozen) != number:
            Erratum.objects.create(
                report=report,
                indicator=indicator,
                old_value=Decimal(frozen) if frozen is not None else old,
                new_value=number,
                text=note or str(_("Value corrected after signing.")),
                created_by=user,
            )
    return row


def programme_figures_refresh(*, languages=None, now=None) -> int:
    """Compute every programme's computed indicators afresh and replace the cached figures.

    Beat runs it every ``figures.REFRESH_SECONDS`` (task ``programme_figures_refresh``), so the
    dashboard's figures are never older than that and their "computed at" says so. One pass per
    language (labels and names are translated), sharing the costly reports between them.
    Idempotent: a second run only stores newer figures. Returns the number of computed figures per language.
    """
    now = now or timezone.now()
    programmes = list(Programme.objects.all())
    with registries.shared_results():
        for language in languages or figures.languages():
            refreshed = figures.refresh(programmes, language=language, now=now)
    return len(refreshed.results) if programmes else 0


def programme_figures_recompute(*, programme, user, language) -> None:
    """A staff member's "recompute now": the figures in ``language`` at once, the other languages'
    on their next page (their older figures are dropped rather than left beside newer ones)."""
    figures.forget()
    now = timezone.now()
    with registries.shared_results():
        figures.refresh([programme], language=language, now=now)
    logger.info("Programme %s: figures recomputed by user %s", programme.pk, user.pk)


@transaction.atomic
def survey_respond(*, survey, association_id, user, answers, today=None):
    """Save one association's answers (``answers``: question id → score 1–5 or text) and feed the indicators."""
    today = today or timezone.localdate()
    if not (survey.opens_on <= today <= survey.closes_on):
        raise ValidationError(SURVEY_CLOSED, code="closed")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if SurveyResponse.objects.filter(survey=survey, association_id=association_id).exists():
        raise ValidationError(SURVEY_ALREADY_ANSWERED, code="answered")
    questions = list(survey.questions.all())
    rows = []
    for question in questions:
        raw = answers.get(question.pk)
        if question.kind == SurveyQuestion.Kind.SCALE:
            if raw in (None, ""):
                continue
            try:
                score = int(raw)
            except (TypeError, ValueError):
                raise ValidationError(SURVEY_SCORE_INVALID, code="score") from None
            if not 1 <= score <= 5:
                raise ValidationError(SURVEY_SCORE_INVALID, code="score")
            rows.append(SurveyAnswer(question=question, score=score))
        elif raw and str(raw).strip():
            rows.append(SurveyAnswer(question=question, text=str(raw).strip()[:5000]))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, association_id=association_id, created_by=user)
    except IntegrityError:
        raise ValidationError(SURVEY_ALREADY_ANSWERED, code="answered") from None
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    survey_results_feed(survey=survey)
    return response


@transaction.atomic
def survey_results_feed(*, survey):
    """Each 1–5 question's mean becomes its indicators' value for the survey's year, with n answers."""
    now = timezone.now()
    results = (
        SurveyAnswer.objects.filter(question__survey=survey, score__isnull=False)
        .values("question")
        .annotate(mean=Avg("score"), n=Count("pk"))
    )
    by_question = {r["question"]: r for r in results}
    for indicator in Indicator.objects.filter(survey_question__survey=survey, source=Indicator.Source.SURVEY):
        result = by_question.get(indicator.survey_question_id)
        if not result:
            continue
        IndicatorValue.objects.update_or_create(
            indicator=indicator,
            year=survey.year,
            quarter=None,
            breakdown="",
            defaults={
                "value": Decimal(str(result["mean"])).quantize(Decimal("0.01")),
                "answers": result["n"],
                "status": IndicatorValue.Status.PRELIMINARY
                if timezone.localdate() <= survey.closes_on
                else IndicatorValue.Status.FINAL,
                "source": f"survey:{survey.pk}",
                "as_of": now,
            },
        )


@transaction.atomic
def report_request(*, programme, year, user, language="fi"):
    """Queue a report; the Celery task ``programme_report_generate`` makes the PDF."""
    from portal.programme.tasks import programme_report_generate

    report = Report.objects.create(programme=programme, year=year, language=language, created_by=user)
    transaction.on_commit(lambda: programme_report_generate.delay(report.pk))
    return report


def report_generate(*, report_id):
    """Fill the report: a fresh snapshot unless signed, then the PDF. Idempotent."""
    from portal.programme.pdf import render_report_pdf

    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        report.state = Report.State.RUNNING
        report.progress = 10
        report.save(update_fields=["state", "progress", "updated_at"])
    try:
        if report.signed_at is None:
            now = timezone.now()
            # The snapshot's labels (source, status, trend) in the report's language, not the worker's.
            with translation.override(report.language):
                report.snapshot = selectors.programme_overview(report.programme, report.year, now=now)
            report.as_of = now
            report.progress = 50
            report.save(update_fields=["snapshot", "as_of", "progress", "updated_at"])
        pdf_bytes = render_report_pdf(report)
        from django.core.files.base import ContentFile

        name = f"{report.programme.slug}-{report.year}-{report.language}-{report.pk}.pdf"
        if report.pdf:
            report.pdf.delete(save=False)
        report.pdf.save(name, ContentFile(pdf_bytes), save=False)
        report.state = Report.State.READY
        report.progress = 100
        report.generated_at = timezone.now()
        report.error = ""
        report.save(update_fields=["pdf", "state", "progress", "generated_at", "error", "updated_at"])
    except Exception as exc:
        Report.objects.filter(pk=report.pk).update(state=Report.State.FAILED, error=str(exc)[:2000])
        raise
    return report


@transaction.atomic
def report_sign(*, report, user):
    """Freeze the report: its snapshot (values, actions) as of now; computed values are stored as final."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.signed_at is not None:
        raise ValidationError(REPORT_ALREADY_SIGNED, code="signed")
    if report.state != Report.State.READY or not report.snapshot:
        raise ValidationError(REPORT_NOT_READY, code="not_ready")
    now = timezone.now()
    with translation.override(report.language):
        report.snapshot = selectors.programme_overview(report.programme, report.year, now=now)
    report.as_of = now
    report.signed_at = now
    report.signed_by = user
    report.state = Report.State.QUEUED
    report.progress = 0
    report.save()
    for item in selectors.overview_indicators(report.snapshot):
        point = item["this_year"]
        if item["source_kind"] == Indicator.Source.COMPUTED and point and point["value"] is not None:
            IndicatorValue.objects.get_or_create(
                indicator_id=item["id"],
                year=report.year,
                quarter=None,
                breakdown="",
                defaults={
                    "value": Decimal(point["value"]),
                    "answers": point["answers"],
                    "status": IndicatorValue.Status.FINAL,
                    "source": point["source"],
                    "as_of": now,
                    "created_by": user,
                },
            )
    from portal.programme.tasks import programme_report_generate

    transaction.on_commit(lambda: programme_report_generate.delay(report.pk))
    return report


@transaction.atomic
def report_erratum_add(*, report, indicator, new_value, text, user):
    """A dated correction to a signed report; the report shows it beside the frozen figure."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.signed_at is None:
        raise ValidationError(REPORT_NOT_SIGNED, code="not_signed")
    if not (text or "").strip():
        raise ValidationError(ERRATUM_TEXT_REQUIRED, code="text")
    number = _parse_decimal(new_value)
    frozen = _frozen_value(report, indicator.pk)
    erratum = Erratum.objects.create(
        report=report,
        indicator=indicator,
        old_value=Decimal(frozen) if frozen is not None else None,
        new_value=number,
        text=text.strip(),
        created_by=user,
    )
    from portal.programme.tasks import programme_report_generate

    transaction.on_commit(lambda: programme_report_generate.delay(report.pk))
    return erratum


IMPORT_COLUMNS_MISSING = _("The file must have the columns indicator_id, year and value.")
IMPORT_NOT_CSV = _("The file is not a UTF-8 CSV file.")
IMPORT_UNKNOWN_INDICATOR = _("No indicator of this programme has this id.")
IMPORT_ROW_SAVED = _("Saved.")


def indicator_values_import(*, programme, file, user, max_rows=2000):
    """Import staff-entered values from CSV (indicator_id, year, value[, quarter, breakdown, note]).

    Each row is saved or refused on its own; the result is one (row number, ok, message) per row,
    so staff see exactly which lines to fix. A file that is not CSV changes nothing.
    """
    import csv
    import io

    try:
        text = file.read().decode("utf-8-sig")
    except (UnicodeDecodeError, AttributeError):
        raise ValidationError(IMPORT_NOT_CSV, code="not_csv") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"indicator_id", "year", "value"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationError(IMPORT_COLUMNS_MISSING, code="columns")
    indicators = {str(i.pk): i for i in Indicator.objects.filter(focus_area__programme=programme)}
    report = []
    for number, row in enumerate(reader, start=2):
        if number > max_rows + 1:
            break
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        indicator = indicators.get(row.get("indicator_id", ""))
        if indicator is None:
            report.append((number, False, str(IMPORT_UNKNOWN_INDICATOR)))
            continue
        try:
            with transaction.atomic():
                indicator_value_enter(
                    indicator=indicator,
                    year=row.get("year"),
                    value=row.get("value", ""),
                    quarter=row.get("quarter") or None,
                    breakdown=row.get("breakdown", ""),
                    note=row.get("note", ""),
                    user=user,
                )
        except ValidationError as exc:
            report.append((number, False, exc.messages[0]))
        else:
            report.append((number, True, str(IMPORT_ROW_SAVED)))
    return report


# --- Reminders: staff-entered values that are due ------------------------------------------

# A year's values are due once the year has ended, by this day of the next year (month, day):
# the steering group assesses the programme in spring from the signed yearly report (seed 000).
VALUES_DUE_BY = (3, 1)
# The last reminder goes this many days before that day.
VALUES_LAST_CALL_DAYS = 14


def values_due_date(year: int) -> dt.date:
    return dt.date(year + 1, *VALUES_DUE_BY)


def _responsible_recipients(indicator):
    """(outbox key part, e-mail) of the indicator's responsible department's staff, else the coordinator."""
    from django.contrib.auth import get_user_model

    from portal.outbox import coordinator_email

    group = indicator.responsible_department.staff_group if indicator.responsible_department else None
    if group is not None:
        users = (
            get_user_model()
            .objects.filter(groups=group, is_active=True, is_staff=True)
            .exclude(email="")
            .order_by("pk")
            .values_list("pk", "email")
        )
        recipients = [(f"user-{pk}", email) for pk, email in users]
        if recipients:
            return recipients
    return [("coordinator", coordinator_email())]


def indicator_values_send_reminders(*, today=None) -> int:
    """Remind the responsible staff of staff-entered values missing for the year that has ended.

    Due: a manual indicator of a programme running that year without a whole-year value, from
    the first day of the next year until ``values_due_date``. One e-mail per person lists all
    their due indicators: first when the year is over, again ``VALUES_LAST_CALL_DAYS`` before
    the due date if still missing. The outbox key holds the year and the stage, so a daily run
    sends each at most once. Returns the number of new outbox rows.
    """
    from portal.links import absolute_url
    from portal.outbox import notify, site_language

    today = today or timezone.localdate()
    year = today.year - 1
    due = values_due_date(year)
    if today > due:
        return 0
    stage = "last-call" if today >= due - dt.timedelta(days=VALUES_LAST_CALL_DAYS) else "due"
    language = site_language()
    admin_add = absolute_url("admin:portal_indicatorvalue_add", language=language)
    queued = 0
    for programme in Programme.objects.filter(start_year__lte=year, end_year__gte=year).order_by("pk"):
        by_recipient: dict[tuple[str, str], list] = {}
        for indicator in selectors.manual_values_due(programme, year):
            for recipient in _responsible_recipients(indicator):
                by_recipient.setdefault(recipient, []).append(indicator)
        for (who, email), indicators in by_recipient.items():
            with transaction.atomic():
                row = notify(
                    key=f"programme-{programme.pk}-values-{year}-{stage}:{who}",
                    to=email,
                    template="programme-values-due",
                    context={
                        "programme": programme,
                        "year": year,
                        "due": due,
                        "last_call": stage == "last-call",
                        "indicators": [
                            {
                                "name": indicator.name,
                                "focus_area": indicator.focus_area.title,
                                "unit": indicator.unit,
                                "url": f"{admin_add}?indicator={indicator.pk}&year={year}",
                            }
                            for indicator in indicators
                        ],
                    },
                    language=language,
                )
            queued += row is not None
    return queued
