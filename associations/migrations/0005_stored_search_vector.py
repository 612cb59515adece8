"""A stored full-text vector on PostgreSQL, replacing the expression index of 0003.

Recomputing ``to_tsvector`` for every candidate row (the index recheck and ts_rank) cost most of
the directory's time on a national-scale registry; a generated column computes it once per write.
Made with raw SQL outside the model state; migration 0007 re-creates it as the model's
``Association.search_vector`` (a ``GeneratedField``).
"""

from django.db import migrations

ADD = """
ALTER TABLE associations_association ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('finnish'::regconfig, COALESCE(name, '')), 'A') ||
    setweight(to_tsvector('finnish'::regconfig, COALESCE(description, '')), 'B')
) STORED;
CREATE INDEX association_search_vector_gin ON associations_association USING gin (search_vector);
DROP INDEX IF EXISTS association_search_gin;
"""

REMOVE = """
DROP INDEX IF EXISTS association_search_vector_gin;
ALTER TABLE associations_association DROP COLUMN IF EXISTS search_vector;
CREATE INDEX IF NOT EXISTS association_search_gin ON associations_association USING gin ((
    setweight(to_tsvector('finnish'::regconfig, COALESCE(name, '')::text), 'A') ||
    setweight(to_tsvector('finnish'::regconfig, COALESCE(description, '')), 'B')
));
"""


class Migration(migrations.Migration):
    dependencies = [("associations", "0004_constraint_messages_and_link_schemes")]

    operations = [migrations.RunSQL(sql=ADD, reverse_sql=REMOVE)]
