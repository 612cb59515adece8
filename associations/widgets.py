"""Lean form widgets for the directory's filter form.

Django renders every ``<option>`` through a template; with a few dozen options on a page that
is loaded at every search, that was a third of the directory's time. These build the same HTML
in Python. The choice fields keep their options, (value, label) strings, in the cache under the
data version of their tables (``portal.datacache``) and the language: a search asks one small
version query for all the form's selects (``share_choices_version``), not a query per select
and a model instance per option.
"""

from django import forms
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from portal import datacache


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if key in selected else "", label)
                for key, label in ((("" if v is None else str(v)), label) for v, label in self.choices)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class PlainModelChoiceIterator(ModelChoiceIterator):
    """The options as (value, label) strings, from the cache while their tables are unchanged."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._options()

    def _options(self):
        field, queryset = self.field, self.queryset.all()
        try:
            sql = str(queryset.query)  # which rows in which order: the field's own queryset
        except EmptyResultSet:
            return []
        version = getattr(field, "choices_version", None) or datacache.data_version(queryset.model)

        def compute():
            return [(str(field.prepare_value(obj)), str(field.label_from_instance(obj))) for obj in queryset]

        return datacache.cached("forms:choices", (version, sql, get_language()), compute)


class FilterModelChoiceField(forms.ModelChoiceField):
    iterator = PlainModelChoiceIterator
    widget = FastSelect


def share_choices_version(form):
    """One data version for all of ``form``'s cached selects (one query instead of one each)."""
    fields = [field for field in form.fields.values() if isinstance(field, FilterModelChoiceField)]
    version = datacache.data_version(*{field.queryset.model for field in fields})
    for field in fields:
        field.choices_version = version
