import datetime as dt

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from facilities.models import Equipment
from portal.models import AgeGroup, ServiceArea

FREE_AT_INCOMPLETE = _("To find a free space, give the date and both times.")
FREE_AT_ORDER = _("The end time must be after the start time.")


class _PlainChoiceIterator(ModelChoiceIterator):
    """Iterate the queryset itself, not ``queryset.iterator()``: one ordinary query, cached on
    the field, instead of a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) each
    time a widget lists the choices. The catalogue's filter form lists a handful of areas and
    equipment on every search."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _ListedModelChoiceField(forms.ModelChoiceField):
    iterator = _PlainChoiceIterator


class _ListedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _PlainChoiceIterator


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters; "free at a given time" needs a date and both times."""

    service_area = _ListedModelChoiceField(
        label=_("Service area"), queryset=ServiceArea.objects.all(), required=False, empty_label=_("Any area")
    )
    capacity = forms.IntegerField(label=_("At least this many people"), min_value=1, max_value=10000, required=False)
    equipment = _ListedModelMultipleChoiceField(
        label=_("Equipment"),
        queryset=Equipment.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Spaces that have all of the chosen equipment."),
    )
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    shared_use = forms.BooleanField(label=_("Shared-use spaces only"), required=False)
    date = forms.DateField(
        label=_("Free on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts = forms.TimeField(
        label=_("from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self):
        cleaned = super().clean()
        parts = [cleaned.get("date"), cleaned.get("starts"), cleaned.get("ends")]
        if any(parts) and not all(parts) and not self.errors:
            raise forms.ValidationError(FREE_AT_INCOMPLETE)
        if all(parts) and cleaned["ends"] <= cleaned["starts"]:
            self.add_error("ends", FREE_AT_ORDER)
        return cleaned

    def free_at(self):
        """(starts_at, ends_at) when the user asks for a free time, else None."""
        if not self.is_valid() or not self.cleaned_data.get("date"):
            return None
        day = self.cleaned_data["date"]
        return (
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["starts"])),
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["ends"])),
        )


MYSELF = "self"


class BookingForm(forms.Form):
    """Book a space: for an association the user represents, or for oneself."""

    association = forms.ChoiceField(label=_("Booking for"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    purpose = forms.CharField(label=_("Purpose"), max_length=300, help_text=_("E.g. floorball practice for juniors."))
    age_group = forms.ModelChoiceField(
        label=_("Age group"), queryset=AgeGroup.objects.all(), required=False, empty_label=_("All ages or mixed")
    )
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=100000)
    accept_terms = forms.BooleanField(label=_("I have read the terms of use and the prices above."))

    def __init__(self, *args, user, acting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.associations = {a.pk: a for a in Association.objects.represented_by(user).order_by("name")}
        choices = [(str(pk), a.name) for pk, a in self.associations.items()]
        self.fields["association"].choices = [*choices, (MYSELF, _("Myself (a resident)"))]
        if acting is not None and not self.is_bound:
            self.initial.setdefault("association", str(acting.pk))
        elif not self.is_bound:
            self.initial.setdefault("association", MYSELF)

    def clean_association(self):
        value = self.cleaned_data["association"]
        if value == MYSELF:
            return None
        return self.associations[int(value)]

    def times(self):
        day = self.cleaned_data["date"]
        end_day = day + dt.timedelta(days=1) if self.cleaned_data["ends"] == dt.time(0) else day
        return (
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["starts"])),
            timezone.make_aware(dt.datetime.combine(end_day, self.cleaned_data["ends"])),
        )


ALTERNATIVES = 3


class SeasonApplicationForm(forms.Form):
    """Apply for weekly slots: up to three ranked alternatives (space, weekday, times)."""

    association = forms.ModelChoiceField(label=_("Association"), queryset=Association.objects.none())
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    age_group = forms.ModelChoiceField(
        label=_("Age group"), queryset=AgeGroup.objects.all(), required=False, empty_label=_("All ages or mixed")
    )
    group_size = forms.IntegerField(label=_("Group size"), min_value=1, max_value=10000)
    slots_wanted = forms.IntegerField(label=_("Weekly slots needed"), min_value=1, max_value=ALTERNATIVES, initial=1)

    def __init__(self, *args, user, round, **kwargs):
        from facilities.models import WEEKDAYS

        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.represented_by(user).order_by("name")
        spaces = round.spaces.select_related("facility").order_by("facility__name", "name")
        for n in range(1, ALTERNATIVES + 1):
            required = n == 1
            self.fields[f"space_{n}"] = forms.ModelChoiceField(
                label=_("Choice %(n)d: space") % {"n": n}, queryset=spaces, required=required
            )
            self.fields[f"weekday_{n}"] = forms.TypedChoiceField(
                label=_("Choice %(n)d: weekday") % {"n": n},
                choices=[("", "—"), *WEEKDAYS],
                coerce=int,
                required=required,
            )
            self.fields[f"starts_{n}"] = forms.TimeField(
                label=_("Choice %(n)d: from") % {"n": n},
                required=required,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"ends_{n}"] = forms.TimeField(
                label=_("Choice %(n)d: until") % {"n": n},
                required=required,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    def slots(self):
        slots = []
        for n in range(1, ALTERNATIVES + 1):
            parts = [self.cleaned_data.get(f"{name}_{n}") for name in ("space", "weekday", "starts", "ends")]
            if all(part not in (None, "") for part in parts):
                space, weekday, starts, ends = parts
                slots.append({"space": space, "weekday": weekday, "starts": starts, "ends": ends})
        return slots
