"""The search column and its indexes, declared in the model instead of hidden from it.

Migrations 0003 and 0005 made the stored vector ``search_vector`` and the GIN indexes
``association_search_vector_gin`` and ``association_name_trgm_gin`` outside Django's model state,
so ``makemigrations`` could not see them and an ordinary change to ``name`` failed on PostgreSQL.
This migration drops those objects and adds them back as the model declares them (a
``GeneratedField`` and two ``GinIndex``), so the database holds exactly what Django expects.
The vector is recomputed once for every association. The name's trigram index now covers the
name without diacritics (``immutable_unaccent``), so "Elakelaiset" finds "Eläkeläiset".
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.operations
import django.contrib.postgres.search
from django.db import migrations, models

import associations.models

DROP_UNDECLARED = """
DROP INDEX IF EXISTS association_name_trgm_gin;
DROP INDEX IF EXISTS association_search_vector_gin;
ALTER TABLE associations_association DROP COLUMN IF EXISTS search_vector;
"""

RESTORE_UNDECLARED = """
ALTER TABLE associations_association ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('finnish'::regconfig, COALESCE(name, '')), 'A') ||
    setweight(to_tsvector('finnish'::regconfig, COALESCE(description, '')), 'B')
) STORED;
CREATE INDEX association_search_vector_gin ON associations_association USING gin (search_vector);
CREATE INDEX association_name_trgm_gin ON associations_association USING gin (name gin_trgm_ops);
"""

# unaccent() is only STABLE (its dictionary could change), and an index needs an IMMUTABLE
# function. The SQL-standard body binds the function and the dictionary when it is created.
CREATE_IMMUTABLE_UNACCENT = """
CREATE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN unaccent('unaccent'::regdictionary, $1);
"""


class Migration(migrations.Migration):
    dependencies = [("associations", "0006_filter_indexes_on_relations")]

    operations = [
        migrations.RunSQL(sql=DROP_UNDECLARED, reverse_sql=RESTORE_UNDECLARED),
        migrations.AddField(
            model_name="association",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("name", config="finnish", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("description", config="finnish", weight="B"),
                    django.contrib.postgres.search.SearchConfig("finnish"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                verbose_name="search vector",
            ),
        ),
        migrations.AddIndex(
            model_name="association",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="association_search_vector_gin"),
        ),
        django.contrib.postgres.operations.UnaccentExtension(),
        migrations.RunSQL(sql=CREATE_IMMUTABLE_UNACCENT, reverse_sql="DROP FUNCTION IF EXISTS immutable_unaccent(text)"),
        migrations.AddIndex(
            model_name="association",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(associations.models.Unaccented("name"), name="gin_trgm_ops"),
                name="association_name_trgm_gin",
            ),
        ),
    ]
