from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from associations.acting import acting_association
from associations.jsonld import render_jsonld
from associations.models import Association

register = template.Library()


@register.filter(name="jsonld")
def jsonld_filter(data):
    """``{{ data|jsonld }}``: a safely escaped ``<script type="application/ld+json">`` element."""
    return render_jsonld(data)


@register.inclusion_tag("associations/components/acting_for.html", takes_context=True)
def acting_for(context):
    """The header's "I act for …" line and chooser, for a signed-in representative."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    associations = list(Association.objects.represented_by(user).order_by("name").only("pk", "name", "slug"))
    if not associations:
        return {"show": False}
    current = acting_association(request) if len(associations) > 1 else associations[0]
    return {
        "show": True,
        "request": request,
        "associations": associations,
        "current": current,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def filter_fields(form, only="", exclude=""):
    """The directory's and events list's filter fields, rendered in Python.

    The same markup as Django's field group (label, help text and errors tied to the input with
    ``aria-describedby``, ``aria-invalid`` on errors), without a template per field: the filter
    form is on every search, and per-field templates were a fifth of the directory's time.
    """
    only_names = set(filter(None, only.split(",")))
    excluded = set(filter(None, exclude.split(",")))
    parts = []
    for field in form.visible_fields():
        if (only_names and field.name not in only_names) or field.name in excluded:
            continue
        field_id = field.auto_id
        label = str(field.label)
        suffix = form.label_suffix if form.label_suffix and label and label[-1] not in ":?.!" else ""
        help_html = (
            format_html('<div class="helptext" id="{}_helptext">{}</div>', field_id, field.help_text)
            if field.help_text
            else ""
        )
        errors_html = (
            format_html(
                '<ul class="errorlist" id="{}_error">{}</ul>',
                field_id,
                format_html_join("", "<li>{}</li>", ((e,) for e in field.errors)),
            )
            if field.errors
            else ""
        )
        parts.append(
            format_html(
                '<div class="field field-{}"><label for="{}">{}{}</label>{}{}{}</div>',
                field.name,
                field.id_for_label,
                label,
                suffix,
                help_html,
                errors_html,
                str(field),
            )
        )
    hidden = "" if only_names else "".join(str(f) for f in form.hidden_fields())
    return mark_safe(hidden + "\n".join(parts))  # noqa: S308 - every part is built with format_html
