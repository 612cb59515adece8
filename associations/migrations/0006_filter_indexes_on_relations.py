"""Indexes that let the directory's filters (service area, age group, language, field of activity)
answer from the index alone: (related id, association id) on each auto-created through table.

The through tables are Django's own, so the indexes are plain SQL that every database accepts;
they are not in the model state.
"""

from django.db import migrations

TABLES = [
    ("associations_association_service_areas", "servicearea_id", "association_areas_by_area"),
    ("associations_association_age_groups", "agegroup_id", "association_ages_by_age"),
    ("associations_association_languages", "language_id", "association_languages_by_language"),
    ("associations_association_fields_of_activity", "fieldofactivity_id", "association_fields_by_field"),
]


class Migration(migrations.Migration):
    dependencies = [("associations", "0005_stored_search_vector")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {table} ({column}, association_id)",
            reverse_sql=f"DROP INDEX {name}",
        )
        for table, column, name in TABLES
    ]
