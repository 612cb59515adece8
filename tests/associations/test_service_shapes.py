"""The forms and the services share one field list, and a lost race is named by its constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from associations.forms import AssociationProfileForm, EventForm
from associations.models import Association
from associations.services import events, registry
from associations.validators import REGISTER_NUMBER_TAKEN
from tests.associations.factories import FieldOfActivityFactory, LanguageFactory
from tests.associations.utils import en
from tests.factories import AgeGroupFactory, AssociationFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


def test_the_profile_and_event_forms_take_their_fields_from_the_services():
    assert tuple(AssociationProfileForm._meta.fields) == registry.PROFILE_FIELDS
    assert tuple(EventForm._meta.fields) == events.EVENT_FIELDS


def test_every_field_of_the_profile_form_is_saved(association, association_admin):
    related = {
        "fields_of_activity": [FieldOfActivityFactory(name="Kuorolaulu")],
        "service_areas": [ServiceAreaFactory(name="Reposaari")],
        "age_groups": [AgeGroupFactory()],
        "languages": [LanguageFactory()],
    }
    data = {
        "name": "Porin Laulu ry",
        "kind": "foundation",
        "register_number": "123.456",
        "business_id": "0112038-9",
        "prh_class": "culture",
        "description": "Laulamme.",
        "website": "https://laulu.example",
        "email": "info@laulu.example",
        "phone": "02 123 4567",
        "founded_year": "1921",
        **{name: [obj.pk for obj in objs] for name, objs in related.items()},
        # "is_public" unticked: False
    }
    form = AssociationProfileForm(data, instance=association)
    assert form.is_valid(), form.errors
    registry.association_update_profile(association=association, user=association_admin, data=form.service_data())
    association.refresh_from_db()
    for name in form.fields:
        if name in registry.PROFILE_FILES:
            continue
        value = getattr(association, name)
        if name in related:
            assert list(value.all()) == related[name], name
        else:
            assert value == form.cleaned_data[name], name
    assert association.is_public is False


def test_a_field_the_service_does_not_know_is_refused_loudly(association, association_admin):
    with pytest.raises(TypeError):
        registry.association_update_profile(
            association=association, user=association_admin, data={"name": "X ry", "secret_flag": True}
        )


def test_a_lost_race_on_a_register_number_is_named_by_its_constraint():
    AssociationFactory(register_number="123.456")
    late = Association(name="Myöhässä ry", slug="myohassa-ry", register_number="123.456")
    with pytest.raises(ValidationError) as refused:
        registry.save_association(late)
    with translation.override("en"):  # compared in English whatever the compiled Finnish catalogue says
        assert refused.value.message_dict == {"register_number": [en(REGISTER_NUMBER_TAKEN)]}


def test_a_lost_race_on_a_slug_gets_a_fresh_slug():
    AssociationFactory(name="Porin Karhut ry", slug="porin-karhut-ry")
    late = Association(name="Porin Karhut ry", slug="porin-karhut-ry")
    registry.save_association(late)
    assert late.pk and late.slug.startswith("porin-karhut-ry-")
