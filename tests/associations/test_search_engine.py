"""The search column and indexes live in the model, and the database follows a change of a searched column."""

import pytest
from django.core.management import call_command
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from associations.models import Association
from tests.factories import AssociationFactory

URL = "/fi/associations/"


def names(response):
    return [a.name for a in response.context["associations"]]


@pytest.fixture
def registry(db):
    for name in ("Porin Karhut ry", "Porin Naiskuoro ry", "Länsi-Porin Eläkeläiset ry", "Ulvilan Shakkikerho ry"):
        AssociationFactory(name=name, description="Toimintaa porilaisille.")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Karhutt", "Porin Karhut ry"),  # a letter too many
        ("Naiskoro", "Porin Naiskuoro ry"),  # a letter missing
        ("Elakelaiset", "Länsi-Porin Eläkeläiset ry"),  # typed without ä
    ],
)
def test_small_typos_and_missing_diacritics_still_find_the_association(client, registry, typed, found):
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200
    assert names(response)[0] == found


def test_the_models_declare_every_column_and_index_the_migrations_make(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits non-zero on a difference


def _longer_name_migration(max_length):
    """What makemigrations writes for a longer ``Association.name`` (its history table follows)."""
    *_, args, kwargs = Association._meta.get_field("name").deconstruct()
    longer = {**kwargs, "max_length": max_length}
    migration = migrations.Migration("9999_longer_name", "associations")
    migration.operations = [
        migrations.AlterField(model, "name", models.CharField(*args, **longer))
        for model in ("association", "historicalassociation")
    ]
    return migration


def _name_length():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_name = 'associations_association' AND column_name = 'name'"
        )
        return cursor.fetchone()[0]


@pytest.mark.country("FI")
def test_a_migration_that_lengthens_the_searched_name_runs_and_the_search_still_works(client, registry):
    # PostgreSQL refuses to change the type of a column that a generated column reads; the
    # schema editor (portal/dbbackend/base.py) rebuilds search_vector and its index around the change.
    # The test's transaction rolls the schema change back.
    state = MigrationLoader(connection).project_state()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as between migrations: no pending FK checks
    with connection.schema_editor() as editor:
        _longer_name_migration(300).apply(state, editor)

    assert _name_length() == 300
    long_name = "Porin Karhujen " + "Kannattajat " * 20 + "ry"
    AssociationFactory(name=long_name, slug="kannattajat")
    assert len(long_name) > 200
    assert sorted(names(client.get(URL, {"q": "karhujen"}))) == [long_name, "Porin Karhut ry"]
    assert names(client.get(URL, {"q": "Elakelaiset"}))[0] == "Länsi-Porin Eläkeläiset ry"
