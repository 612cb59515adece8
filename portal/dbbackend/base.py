"""Django's PostgreSQL backend, with a schema editor that keeps generated columns out of the way.

PostgreSQL refuses to change the type (or collation) of a column that a stored generated column
reads: "cannot alter type of a column used by a generated column". Django 5.2 emits a plain
``ALTER COLUMN … TYPE``, so an ordinary migration such as a longer ``Association.name`` would fail
because ``Association.search_vector`` reads the name. Around such a change this schema editor
drops the generated columns that read the column (their indexes go with them), alters the column,
then adds the generated columns and their indexes back, exactly as the model state declares them.
"""

from django.db.backends.postgresql import base, schema
from django.db.models import F
from django.db.models.expressions import Col


def _columns_read(generated_field):
    """The columns a generated field's expression reads."""
    expression = generated_field.expression.resolve_expression(generated_field._query, allow_joins=False)
    stack, columns = [expression], set()
    while stack:
        node = stack.pop()
        if isinstance(node, Col):
            columns.add(node.target.column)
        stack.extend(source for source in node.get_source_expressions() if source is not None)
    return columns


def _field_names(index):
    """The model fields an index covers, by name (plain fields and F() in expressions)."""
    names = {name.lstrip("-") for name in index.fields}
    stack = list(index.expressions)
    while stack:
        node = stack.pop()
        if isinstance(node, F):
            names.add(node.name)
        elif hasattr(node, "get_source_expressions"):
            stack.extend(source for source in node.get_source_expressions() if source is not None)
    return names


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _alter_field(self, model, old_field, new_field, old_type, new_type, old_db_params, new_db_params, strict=False):
        changes_type = old_type != new_type or old_db_params.get("collation") != new_db_params.get("collation")
        readers = [
            field
            for field in model._meta.local_concrete_fields
            if changes_type and field.generated and old_field.column in _columns_read(field)
        ]
        reader_names = {field.name for field in readers}
        indexes = [index for index in model._meta.indexes if _field_names(index) & reader_names]
        for field in readers:
            self.remove_field(model, field)
        super()._alter_field(
            model, old_field, new_field, old_type, new_type, old_db_params, new_db_params, strict=strict
        )
        for field in readers:
            self.add_field(model, field)
        for index in indexes:
            self.add_index(model, index)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
