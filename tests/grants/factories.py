"""Factories of the grants app: a round that is open now, an application in any state."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from grants.models import Application, Criterion, FormVersion, GrantRound, GrantType, PlannedResult
from tests.factories import AssociationFactory, ContactPersonFactory, DepartmentFactory

FORM_FIELDS = [
    {"name": "activity", "label": "What will you do?", "type": "textarea", "required": True},
    {"name": "participants", "label": "How many take part?", "type": "number", "required": False},
]


class GrantTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Project grant {n}")
    slug = factory.Sequence(lambda n: f"project-grant-{n}")
    kind = GrantType.Kind.PROJECT
    instructions = "Apply by the deadline."
    contact = factory.SubFactory(ContactPersonFactory)


class FormVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormVersion

    grant_type = factory.SubFactory(GrantTypeFactory)
    number = factory.Sequence(lambda n: n + 1)
    fields = factory.LazyFunction(lambda: [dict(f) for f in FORM_FIELDS])


class GrantRoundFactory(factory.django.DjangoModelFactory):
    """Open now: opened a week ago, closes in two weeks."""

    class Meta:
        model = GrantRound

    grant_type = factory.SubFactory(GrantTypeFactory)
    department = factory.SubFactory(DepartmentFactory)
    form_version = factory.LazyAttribute(lambda o: FormVersionFactory(grant_type=o.grant_type))
    title = factory.Sequence(lambda n: f"Project grants round {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    appropriation = Decimal("10000.00")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    eligible_kinds = factory.LazyFunction(lambda: ["registered", "foundation"])
    report_due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    is_published = True

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        Criterion.objects.create(round=obj, name="Impact", weight=Decimal("2"), guidance="Who benefits?", order=1)
        Criterion.objects.create(
            round=obj, name="Feasibility", weight=Decimal("1"), guidance="Is it realistic?", order=2
        )


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(GrantRoundFactory)
    association = factory.SubFactory(AssociationFactory)
    form_version = factory.LazyAttribute(lambda o: o.round.form_version)
    title = factory.Sequence(lambda n: f"Summer camp {n}")
    summary = "Five days of camp for children."
    answers = factory.LazyFunction(lambda: {"activity": "Camp", "participants": "40"})
    budget_lines = factory.LazyFunction(
        lambda: [{"item": "Food", "amount": "600.00"}, {"item": "Bus", "amount": "400.00"}]
    )
    own_contribution = Decimal("200.00")
    amount_requested = Decimal("1000.00")
    state = Application.State.DRAFT

    @factory.post_generation
    def results(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        PlannedResult.objects.create(application=obj, description="Children at camp", target_value=40, measure="Count")
