"""Reading database errors: which constraint a write broke."""


def violated_constraint(exc) -> str:
    """The name of the constraint an ``IntegrityError`` reports (PostgreSQL's diagnostics), or "".

    Map the name to a message; never search the error's text, which changes with the server's
    language and version.
    """
    diag = getattr(exc.__cause__, "diag", None)
    return (getattr(diag, "constraint_name", None) or "") if diag is not None else ""


def assign_fields(instance, data, fields, *, files=()) -> dict:
    """Copy ``data`` (a form's cleaned data) onto ``instance`` for the names in ``fields``.

    ``fields`` is the one list the form (``Meta.fields``) and the service share, so a field added
    to the form is saved. File fields (``files``) are the caller's (an upload is checked apart);
    a key of ``data`` outside ``fields`` is a programming error and raises, never dropped. A
    ``None`` becomes "" in a field that cannot be null. Returns the many-to-many values to set
    once the instance is saved (``set_many_to_many``).
    """
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"{type(instance).__name__} does not take {sorted(unknown)} from a form.")
    many = {}
    for name in fields:
        if name in files or name not in data:
            continue
        field = instance._meta.get_field(name)
        value = data[name]
        if field.many_to_many:
            many[name] = value
        else:
            setattr(instance, name, "" if value is None and not field.null else value)
    return many


def set_many_to_many(instance, many):
    for name, values in many.items():
        getattr(instance, name).set(values)
