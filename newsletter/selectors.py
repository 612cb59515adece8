"""Reads: who receives an issue, the public archive, and the counts the indicators need."""

from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Concat

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


ARCHIVE_FIELDS = ("pk", "subject", "preheader", "language", "year", "quarter", "sent_at", "state", "translation_of_id")


def _sent_issues():
    return Issue.objects.sent().only(*ARCHIVE_FIELDS)


def _version_rank(issue, language):
    """Which version of a number a reader of ``language`` gets: theirs, else the original, else the first sent."""
    return (issue.language != language, issue.translation_of_id is not None, issue.sent_at, issue.pk)


def _in_language(issues, language):
    """One issue per number (year, quarter), newest number first: the version in ``language`` where
    there is one, otherwise the original version (shown with its own ``lang``)."""
    chosen = {}
    for issue in issues:
        key = (issue.year, issue.quarter)
        if key not in chosen or _version_rank(issue, language) < _version_rank(chosen[key], language):
            chosen[key] = issue
    return [chosen[key] for key in sorted(chosen, reverse=True)]


def archive_years():
    """The years with sent issues, newest first, with how many numbers each has (versions count once)."""
    rows = (
        Issue.objects.sent()
        .values("year")
        .annotate(n=Count(Concat("year", Value("-"), "quarter", output_field=CharField()), distinct=True))
        .order_by("-year")
    )
    return [(row["year"], row["n"]) for row in rows]


def archive_issues(*, language, year=None):
    """The archive in ``language``: each sent number once, in that language where it was written in it."""
    issues = _sent_issues()
    if year is not None:
        issues = issues.filter(year=year)
    return _in_language(issues, language)


def archive_issue(*, year, number, language):
    """The sent issue with this number in ``language``, else its original version; None when not sent."""
    found = _in_language(_sent_issues().filter(year=year, quarter=number), language)
    return found[0] if found else None


def archive_issue_by_id(*, pk):
    """A sent issue by its id, for the addresses before numbers (drafts are never public)."""
    return Issue.objects.sent().filter(pk=pk).only("pk", "language", "year", "quarter").first()


def archive_versions(*, issue):
    """The other sent language versions of the same number, for "read in Swedish" links."""
    return list(_sent_issues().filter(year=issue.year, quarter=issue.quarter).exclude(pk=issue.pk).order_by("language"))


def feed_issues(*, language, limit=20):
    """The feed in ``language``: the latest numbers, newest sent first, a version per number."""
    issues = _in_language(Issue.objects.sent(), language)  # whole rows: the feed carries the body
    return sorted(issues, key=lambda issue: issue.sent_at, reverse=True)[:limit]
