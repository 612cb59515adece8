"""Forms of the forms of cooperation: field messages are constants (``validators.py``); the
services hold the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.cooperation.models import CityRequest, LocalInitiative, RequestKind
from associations.cooperation.services import FORM_KINDS, INITIATIVE_FIELDS, REQUEST_FIELDS, REQUIRED_FOR_KIND
from associations.cooperation.validators import (
    AMOUNT_NEGATIVE,
    END_BEFORE_START,
    FIELD_REQUIRED_FOR_KIND,
    INITIATIVE_NEEDS_HELP,
)
from associations.forms import FieldMessagesModelForm, reject_html

TEXT_MAX_LENGTH = 5000
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CityRequestForm(FieldMessagesModelForm):
    """A request to the city: a letter of recommendation or intent, or patronage."""

    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=[(k.value, k.label) for k in FORM_KINDS])
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the project or event is, its goals, and what you ask of the city."),
    )

    class Meta:
        model = CityRequest
        fields = ("kind", *REQUEST_FIELDS)
        labels = {
            "title": _("Name of the project or event"),
            "funder": _("Funder of the external application"),
            "amount_sought": _("Amount applied for"),
            "project_starts_on": _("Project starts on"),
            "project_ends_on": _("Project ends on"),
            "event_name": _("Event"),
            "event_date": _("Event date"),
        }
        help_texts = {
            "funder": _("For a letter: the foundation, ministry or EU programme you apply to."),
            "amount_sought": _("For a letter, in the city's currency."),
            "event_name": _("For patronage: the event the patronage is asked for."),
        }
        widgets = {
            "project_starts_on": DATE_WIDGET,
            "project_ends_on": DATE_WIDGET,
            "event_date": DATE_WIDGET,
        }

    def clean_title(self):
        return reject_html(self.cleaned_data.get("title", ""))

    def clean_description(self):
        return reject_html(self.cleaned_data.get("description", ""))

    def clean_amount_sought(self):
        amount = self.cleaned_data.get("amount_sought")
        if amount is not None and amount < 0:
            raise forms.ValidationError(AMOUNT_NEGATIVE, code="negative")
        return amount

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            for name in REQUIRED_FOR_KIND[RequestKind(kind)]:
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, forms.ValidationError(FIELD_REQUIRED_FOR_KIND, code="required"))
        starts, ends = cleaned.get("project_starts_on"), cleaned.get("project_ends_on")
        if starts and ends and ends < starts:
            self.add_error("project_ends_on", forms.ValidationError(END_BEFORE_START, code="end_before_start"))
        return cleaned

    def service_data(self):
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}


class SignupForm(forms.Form):
    """An association signs up for a city event."""

    description = forms.CharField(
        label=_("What would your association do at the event?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_description(self):
        return reject_html(self.cleaned_data.get("description", ""))


HELP_FLAGS = {"work": "needs_work", "materials": "needs_materials", "space": "needs_space"}


class LocalInitiativeForm(FieldMessagesModelForm):
    """A resident's or an informal group's local initiative.

    The three "what is asked of the city" flags of the model are one group of checkboxes here (a
    fieldset with a legend, one error for the group); ``service_data()`` turns it back into the
    service's ``INITIATIVE_FIELDS``.
    """

    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you want to do, where and for whom."),
    )
    residents_contribution = forms.CharField(
        label=_("What the residents do"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your own work and what you bring."),
    )
    help = forms.MultipleChoiceField(
        label=_("What do you ask of the city?"),
        choices=[("work", _("The city's work")), ("materials", _("Materials")), ("space", _("A space"))],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": INITIATIVE_NEEDS_HELP},
    )

    class Meta:
        model = LocalInitiative
        fields = tuple(name for name in INITIATIVE_FIELDS if name not in HELP_FLAGS.values())
        widgets = {"help_details": forms.Textarea(attrs={"rows": 3})}

    field_order = [
        "title",
        "description",
        "group_name",
        "service_area",
        "place",
        "residents_contribution",
        "help",
        "help_details",
    ]

    def clean_title(self):
        return reject_html(self.cleaned_data.get("title", ""))

    def clean_description(self):
        return reject_html(self.cleaned_data.get("description", ""))

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        chosen = set(self.cleaned_data["help"])
        data.update({flag: key in chosen for key, flag in HELP_FLAGS.items()})
        return data
