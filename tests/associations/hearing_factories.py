"""Hearings for tests: a factory and small files to attach."""

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from associations.hearings.models import Hearing, HearingAnswer
from tests.factories import DepartmentFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="lausunto.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class HearingFactory(factory.django.DjangoModelFactory):
    """An open hearing: answers from an hour ago until a week ahead."""

    class Meta:
        model = Hearing

    title = factory.Sequence(lambda n: f"Kuuleminen {n}")
    kind = Hearing.Kind.DEVELOPMENT
    question = "Miten liikuntapaikkoja pitäisi kehittää?"
    department = factory.SubFactory(DepartmentFactory)
    audience = "associations.representatives"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    state = Hearing.State.OPEN
    opened_at = factory.LazyFunction(timezone.now)


def answer(hearing, association, *, text="Lausuntomme.", may_publish=True, **fields):
    """An answer written straight to the database (the hearing must be open: the trigger)."""
    return HearingAnswer.objects.create(
        hearing=hearing, association=association, text=text, may_publish=may_publish, **fields
    )


def close(hearing, *, summary=""):
    """Move a hearing's deadline into the past and close it (without the services' checks)."""
    now = timezone.now()
    Hearing.objects.filter(pk=hearing.pk).update(
        state=Hearing.State.CLOSED,
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(minutes=1),
    )
    hearing.refresh_from_db()
    return hearing
