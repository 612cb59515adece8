"""Factories for the registry's own models (the shared ones live in tests/factories.py)."""

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image

from associations.models import Event, FieldOfActivity, Language, PartnershipAgreement, PartnershipReview
from tests.dates import days_ago, days_ahead
from tests.factories import AssociationFactory, CityNameFactory, ContactPersonFactory, DepartmentFactory


class FieldOfActivityFactory(CityNameFactory):
    class Meta:
        model = FieldOfActivity
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Field {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "fi"
    name = "suomi"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Event {n}")
    start_date = factory.LazyFunction(lambda: days_ahead(14))  # coming, so listed
    start_time = dt.time(18, 0)
    moderation_state = Event.ModerationState.APPROVED


class PartnershipAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipAgreement

    association = factory.SubFactory(AssociationFactory)
    department = factory.SubFactory(DepartmentFactory)
    responsible_person = factory.SubFactory(ContactPersonFactory, department=factory.SelfAttribute("..department"))
    title = factory.Sequence(lambda n: f"Partnership {n}")
    goals = "Liikuntaa kaikille porilaisille."
    valid_from = factory.LazyFunction(lambda: days_ago(365))  # in force today
    valid_until = factory.LazyFunction(lambda: days_ahead(2 * 365))
    is_public = True


class PartnershipReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipReview

    agreement = factory.SubFactory(PartnershipAgreementFactory)
    held_on = factory.LazyFunction(lambda: days_ago(30))


def image_bytes(fmt="PNG", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 84, 159)).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name="logo.png", fmt="PNG"):
    return SimpleUploadedFile(name, image_bytes(fmt), content_type=f"image/{fmt.lower()}")


def pdf_upload(name="agreement.pdf"):
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")
