"""portal.datacache: a data version changes with every insert, edit and deletion of the tables it
covers, and a cached result is made again as soon as its version changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import Association, Event
from portal.datacache import Rows, cached, data_version
from portal.models import Department
from tests.associations.factories import EventFactory
from tests.factories import AssociationFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_a_version_changes_on_insert_edit_and_delete():
    first = EventFactory(title="Kevätkisat")
    versions = [data_version(Event)]

    EventFactory(title="Syysmarkkinat")
    versions.append(data_version(Event))
    first.title = "Kevätkisat ja arpajaiset"
    first.save()
    versions.append(data_version(Event))
    Event.objects.filter(pk=first.pk).delete()
    versions.append(data_version(Event))

    assert len(set(versions)) == 4
    assert data_version(Event) == versions[-1]  # nothing changed: the same version


def test_a_small_table_without_edit_times_is_versioned_by_its_rows():
    department = DepartmentFactory(name="Kulttuuri")
    before = data_version(Department)

    Department.objects.filter(pk=department.pk).update(name="Kulttuuri ja vapaa-aika")  # no save(), no updated_at

    assert data_version(Department) != before


def test_an_uncounted_table_still_shows_an_edit_and_an_insert():
    association = AssociationFactory(name="Porin Karhut ry")
    before = data_version(Rows(Association, counted=False))

    association.is_public = False
    association.save()
    hidden = data_version(Rows(Association, counted=False))
    AssociationFactory(name="Porin Palloseura ry")

    assert len({before, hidden, data_version(Rows(Association, counted=False))}) == 3


def test_the_version_of_many_tables_is_one_query():
    with CaptureQueriesContext(connection) as captured:
        data_version(Event, Rows(Association, counted=False), Department)
    assert len(captured) == 1


def test_a_cached_result_is_made_again_when_its_version_changes():
    made = []

    def compute():
        made.append(Event.objects.count())
        return made[-1]

    EventFactory()
    assert cached("tests:datacache", (data_version(Event), "fi"), compute) == 1
    assert cached("tests:datacache", (data_version(Event), "fi"), compute) == 1
    assert made == [1]  # the second came from the cache

    EventFactory()
    assert cached("tests:datacache", (data_version(Event), "fi"), compute) == 2
    assert cached("tests:datacache", (data_version(Event), "sv"), compute) == 2  # another key
    assert made == [1, 2, 2]
