"""Factories for the newsletter's tests."""

import datetime as dt

import factory
from django.utils import timezone

from newsletter.models import Issue, Subscriber, SubscriberTopic, Topic


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber; ``confirmed_at=None`` makes a pending one."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "fi"
    method = Subscriber.Method.DOUBLE_OPT_IN
    consent_source = "/fi/newsletter/subscribe/"
    consent_version = "2026-1"
    requested_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    confirmed_at = factory.LazyAttribute(lambda o: o.requested_at + dt.timedelta(minutes=5))

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if not create:
            return
        topics = list(Topic.values) if extracted is None else extracted
        SubscriberTopic.objects.bulk_create([SubscriberTopic(subscriber=obj, topic=t) for t in topics])


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    subject = factory.Sequence(lambda n: f"Yhdistysuutiset {n}")
    preheader = "Avustushaut, yhdistysillat ja tilat"
    body = "## Ajankohtaista\n\nKevään **avustushaku** alkaa helmikuussa. [Lue lisää](https://www.pori.fi/)."
    language = "fi"
    year = 2026
    quarter = 4
    planned_date = dt.date(2026, 11, 25)


def free_number(*, language, before):
    """The latest (year, quarter) not yet taken by a scheduled or sent issue in ``language``, from ``before`` back."""
    taken = set(Issue.objects.filter(language=language).exclude(state=Issue.State.DRAFT).values_list("year", "quarter"))
    year, quarter = before.year, (before.month - 1) // 3 + 1
    while (year, quarter) in taken:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return year, quarter


def sent_issue(**kwargs):
    """An issue already sent (for the archive and indicators).

    Without a number, it gets the quarter it was sent in, or the latest earlier one free in its
    language (one issue per number and language goes out).
    """
    kwargs.setdefault("state", Issue.State.SENT)
    kwargs.setdefault("sent_at", timezone.now())
    if "year" not in kwargs and "quarter" not in kwargs:
        local = timezone.localdate(kwargs["sent_at"])
        kwargs["year"], kwargs["quarter"] = free_number(language=kwargs.get("language", "fi"), before=local)
        kwargs.setdefault("planned_date", None)
    return IssueFactory(**kwargs)


def bulk_subscribers(count, *, prefix="bulk", language="fi", topics=None):
    """``count`` confirmed subscribers in two queries (for sending tests)."""
    now = timezone.now()
    rows = Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"{prefix}{i}@example.org",
                language=language,
                method=Subscriber.Method.DOUBLE_OPT_IN,
                consent_version="2026-1",
                requested_at=now - dt.timedelta(days=1),
                confirmed_at=now - dt.timedelta(hours=23),
            )
            for i in range(count)
        ]
    )
    topics = list(Topic.values) if topics is None else topics
    SubscriberTopic.objects.bulk_create([SubscriberTopic(subscriber=s, topic=t) for s in rows for t in topics])
    return rows
