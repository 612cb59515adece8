"""Migration operations that apply only on PostgreSQL.

The embedded run uses SQLite, where GIN indexes (the full-text vector, trigrams) do not exist.
These indexes are therefore kept out of the model state: SQLite rebuilds a table from the
state when a column changes, and would try to create them. On PostgreSQL the operation runs
Django's own ``add_index`` so the indexed expression is exactly what the search queries use.
"""

from django.db.migrations.operations.base import Operation


class PostgresOnlyIndex(Operation):
    reversible = True

    def __init__(self, model_name, index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass  # not part of the model state; see the module docstring

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(to_state.apps.get_model(app_label, self.model_name), self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(from_state.apps.get_model(app_label, self.model_name), self.index)

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "index": self.index}

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.index.name.lower()}"


class PostgresOnlySQL(Operation):
    """Raw SQL that runs only on PostgreSQL (for objects the model state does not describe)."""

    reversible = True

    def __init__(self, sql, reverse_sql):
        self.sql = sql
        self.reverse_sql = reverse_sql

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.reverse_sql)

    def deconstruct(self):
        return self.__class__.__name__, [], {"sql": self.sql, "reverse_sql": self.reverse_sql}

    def describe(self):
        return "Raw SQL (PostgreSQL only)"
