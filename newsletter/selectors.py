"""Reads: who receives an issue, the public archive, and the counts the indicators need."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from newsletter.models import Delivery, Issue, Subscriber


def issue_recipients(*, issue):
    """Active subscribers who receive ``issue``.

    Those who chose the issue's language; with ``all_languages`` also everyone whose language
    has no version of its own of the same edition. Topics narrow it when the issue has any.
    """
    recipients = Subscriber.objects.active().interested_in(issue.topics)
    if not issue.all_languages:
        return recipients.filter(language=issue.language)
    edition_id = issue.translation_of_id or issue.pk
    if edition_id is None:
        return recipients
    other_versions = (
        Issue.objects.filter(Q(pk=edition_id) | Q(translation_of_id=edition_id))
        .exclude(pk=issue.pk)
        .values_list("language", flat=True)
    )
    return recipients.exclude(language__in=list(other_versions))


def issue_recipient_count(*, issue):
    return issue_recipients(issue=issue).count()


def recipient_counts_by_language(*, issue):
    """{language: count} of the issue's recipients, for the admin's "before sending" summary."""
    rows = issue_recipients(issue=issue).values("language").annotate(n=Count("pk")).order_by("language")
    return {row["language"]: row["n"] for row in rows}


def delivery_counts(*, issue):
    rows = Delivery.objects.filter(issue=issue).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Delivery.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def archive_years():
    """The years with sent issues, newest first, with how many issues each has."""
    rows = (
        Issue.objects.sent()
        .annotate(sent_year=ExtractYear("sent_at"))
        .values("sent_year")
        .annotate(n=Count("pk"))
        .order_by("-sent_year")
    )
    return [(row["sent_year"], row["n"]) for row in rows]


def _year_in_range(year):
    """A year the database's date functions take (an address may carry any number)."""
    return dt.MINYEAR < year < dt.MAXYEAR


def archive_issues(*, year=None):
    issues = Issue.objects.for_archive().only(
        "pk", "subject", "preheader", "language", "year", "quarter", "sent_at", "state"
    )
    if year is not None:
        issues = issues.filter(sent_at__year=year) if _year_in_range(year) else issues.none()
    return issues


def archive_issue(*, year, pk):
    """A sent issue, or None (drafts and scheduled issues are never public)."""
    if not _year_in_range(year):
        return None
    return Issue.objects.sent().filter(pk=pk, sent_at__year=year).select_related("translation_of").first()


def archive_versions(*, issue):
    """The other sent language versions of the same edition, for "read in Swedish" links."""
    edition_id = issue.translation_of_id or issue.pk
    return list(
        Issue.objects.sent()
        .filter(Q(pk=edition_id) | Q(translation_of_id=edition_id))
        .exclude(pk=issue.pk)
        .only("pk", "subject", "language", "sent_at", "state", "year")
    )


def feed_issues(*, limit=20):
    return Issue.objects.for_archive()[:limit]
