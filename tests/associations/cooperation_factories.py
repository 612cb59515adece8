"""Factories and helpers for the forms of cooperation (tests/associations/test_cooperation*.py)."""

import datetime as dt

import factory
from django.contrib.auth.models import Permission
from django.utils import timezone

from associations.cooperation.models import CityEvent, CityRequest, JointProject, LocalInitiative, RequestHandler
from tests.factories import ContactPersonFactory, DepartmentFactory

COOPERATION_MODELS = (
    "jointproject",
    "cityrequest",
    "cityevent",
    "localinitiative",
    "initiativecriterion",
    "requesthandler",
)


def grant_cooperation_permissions(group):
    perms = Permission.objects.filter(
        content_type__app_label="associations", content_type__model__in=COOPERATION_MODELS
    )
    group.permissions.add(*perms)


def letter_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Liikkuva Länsi-Pori",
        "description": "Lasten ja ikääntyneiden liikuntaa.",
        "funder": "Opetus- ja kulttuuriministeriö",
        "amount_sought": "30000",
        "project_starts_on": today + dt.timedelta(days=30),
        "project_ends_on": today + dt.timedelta(days=400),
        "event_name": "",
        "event_date": None,
    }
    data.update(overrides)
    return data


def patronage_data(**overrides):
    data = {
        "title": "Kesäjuhlat",
        "description": "Pyydämme suojelijuutta.",
        "funder": "",
        "amount_sought": None,
        "project_starts_on": None,
        "project_ends_on": None,
        "event_name": "Kesäjuhlat",
        "event_date": timezone.localdate() + dt.timedelta(days=60),
    }
    data.update(overrides)
    return data


class JointProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointProject

    title = factory.Sequence(lambda n: f"Joint project {n}")
    department = factory.SubFactory(DepartmentFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    goals = "Goals."

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class CityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityEvent

    title = factory.Sequence(lambda n: f"Harvest festival {n}")
    description = "Come and take part."
    department = factory.SubFactory(DepartmentFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    signup_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    is_published = True


class CityRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRequest

    kind = CityRequest.Kind.PATRONAGE_CITY
    title = factory.Sequence(lambda n: f"Request {n}")
    description = "Please."
    event_name = "Event"


class LocalInitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalInitiative

    title = factory.Sequence(lambda n: f"Initiative {n}")
    description = "Let us fix the park."
    group_name = "Residents of the street"
    residents_contribution = "Our work."
    needs_materials = True


def handler(kind, **kwargs):
    contact = ContactPersonFactory(**kwargs)
    RequestHandler.objects.create(kind=kind, contact=contact)
    return contact
