"""Forms of the registry. Field-level validation with clear, translated messages (constants in
validators.py); the services hold the rules again under locking."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.countries import other_countries_fields
from associations.filters import fields_of_activity_in_tree_order
from associations.models import Association, Event, Language, Membership, PublicBenefitSphere
from associations.poland import KRS_TAKEN, NIP_TAKEN, REGON_TAKEN, normalize_krs, normalize_nip, normalize_regon
from associations.services.events import EVENT_FIELDS
from associations.services.registry import PROFILE_FIELDS
from associations.validators import (
    BUSINESS_ID_TAKEN,
    DESCRIPTION_HTML_NOT_ALLOWED,
    EVENT_END_BEFORE_START,
    EVENT_END_TIME_WITHOUT_START,
    IMAGE_FORMATS,
    POSTER_ALT_REQUIRED,
    REGISTER_NUMBER_TAKEN,
    URL_SCHEME_INVALID,
    normalize_business_id,
    normalize_register_number,
    validate_event_date,
    validate_http_url,
    validate_image_file,
)
from portal.models import AgeGroup, ServiceArea

DESCRIPTION_MAX_LENGTH = 5000
FOUNDED_YEAR_INVALID = _("Enter a year between 1800 and this year.")
_HTML_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def reject_html(value):
    """Texts are plain text or Markdown; markup is refused rather than silently dropped."""
    if value and _HTML_TAG_RE.search(value):
        raise ValidationError(DESCRIPTION_HTML_NOT_ALLOWED, code="html")
    return value


class FieldOfActivityMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


class PrivateClearableFileInput(forms.ClearableFileInput):
    """Says a file is there without linking it: uploads are served by views that check access."""

    template_name = "associations/widgets/clearable_file_input.html"


IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


class ImageFileField(forms.FileField):
    """An uploaded image, checked by content with Pillow and by size."""

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and hasattr(value, "size") and value is not initial:
            image_format = validate_image_file(value)
            # The stored name's suffix comes from the content, never from the uploader.
            value.name = f"image.{IMAGE_FORMATS[image_format]}"
        return value


def https_formfield(db_field, **kwargs):
    """Model URL fields become form fields that assume https:// when the scheme is left out."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class FieldMessagesModelForm(forms.ModelForm):
    """Runs the model's field validation but not its constraints: the form checks those rules
    itself with messages tied to the right field; the services and the database hold them."""

    def _post_clean(self):
        exclude = self._get_validation_exclusions()
        try:
            self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, exclude)
        except ValidationError as e:
            self._update_errors(e)
        try:
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            self._update_errors(e)


class AssociationProfileForm(FieldMessagesModelForm):
    """The self-service profile form (seed 003): the association keeps its own entry."""

    fields_of_activity = FieldOfActivityMultipleChoiceField(
        label=_("Fields of activity"),
        queryset=Association.fields_of_activity.field.related_model.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_areas = forms.ModelMultipleChoiceField(
        label=_("Service areas"),
        queryset=ServiceArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Wider than the stored digits: people type "778-14-13-251" or "PL 7781413251"; cleaned to digits.
    krs_number = forms.CharField(
        label=_("KRS number"), required=False, max_length=20, help_text=_("Ten digits, e.g. 0000123456.")
    )
    nip = forms.CharField(label=_("NIP"), required=False, max_length=20, help_text=_("Ten digits, e.g. 341-672-11-09."))
    regon = forms.CharField(label=_("REGON"), required=False, max_length=20, help_text=_("9 or 14 digits."))
    public_benefit_spheres = forms.ModelMultipleChoiceField(
        label=_("Spheres of public benefit"),
        queryset=PublicBenefitSphere.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The spheres of public tasks in art. 4 of the public benefit act that the statute names."),
    )
    age_groups = forms.ModelMultipleChoiceField(
        label=_("Age groups served"),
        queryset=AgeGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages"), queryset=Language.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    logo = ImageFileField(
        label=_("Logo"),
        required=False,
        widget=PrivateClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG, GIF or WebP."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the association does and for whom. Plain text; Markdown lists and links work."),
    )

    class Meta:
        model = Association
        formfield_callback = https_formfield
        fields = PROFILE_FIELDS  # one list with the service: a field added here is saved
        widgets = {"website": forms.URLInput(attrs={"placeholder": "https://"})}
        error_messages = {"website": {"invalid": URL_SCHEME_INVALID}}
        help_texts = {
            "is_public": _("Shown in the public directory. An informal group may keep its entry to itself."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the city's country's register identity (associations.countries).
        for name in other_countries_fields():
            self.fields.pop(name, None)
        self.fields["fields_of_activity"].queryset = fields_of_activity_in_tree_order()
        self.fields["founded_year"].widget.attrs.update({"min": 1800, "max": timezone.localdate().year})
        self.fields["email"].widget.attrs.setdefault("autocomplete", "email")
        self.fields["phone"].widget.attrs.setdefault("autocomplete", "tel")
        self.fields["phone"].widget.attrs.setdefault("type", "tel")

    def clean_register_number(self):
        value = normalize_register_number(self.cleaned_data.get("register_number", ""))
        if value and Association.objects.exclude(pk=self.instance.pk).filter(register_number=value).exists():
            raise ValidationError(REGISTER_NUMBER_TAKEN, code="unique")
        return value

    def clean_business_id(self):
        value = normalize_business_id(self.cleaned_data.get("business_id", ""))
        if value and Association.objects.exclude(pk=self.instance.pk).filter(business_id=value).exists():
            raise ValidationError(BUSINESS_ID_TAKEN, code="unique")
        return value

    def _clean_polish_identifier(self, field, normalize, taken):
        value = normalize(self.cleaned_data.get(field, ""))
        if value and Association.objects.exclude(pk=self.instance.pk).filter(**{field: value}).exists():
            raise ValidationError(taken, code="unique")
        return value

    def clean_krs_number(self):
        return self._clean_polish_identifier("krs_number", normalize_krs, KRS_TAKEN)

    def clean_nip(self):
        return self._clean_polish_identifier("nip", normalize_nip, NIP_TAKEN)

    def clean_regon(self):
        return self._clean_polish_identifier("regon", normalize_regon, REGON_TAKEN)

    def clean_website(self):
        value = self.cleaned_data.get("website", "")
        validate_http_url(value)
        return value

    def clean_description(self):
        return reject_html(self.cleaned_data.get("description", ""))

    def clean_name(self):
        return reject_html(" ".join(self.cleaned_data.get("name", "").split()))

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1800 <= year <= timezone.localdate().year:
            raise ValidationError(FOUNDED_YEAR_INVALID)
        return year

    def service_data(self):
        """The cleaned values the services take (files separately)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "logo"}
        return data

    @property
    def new_logo(self):
        value = self.cleaned_data.get("logo")
        return value if value and hasattr(value, "content_type") else None

    @property
    def clear_logo(self):
        return self.cleaned_data.get("logo") is False


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Your role in the association"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. chair, secretary or treasurer. The approver sees this."),
    )

    def clean_message(self):
        return reject_html(self.cleaned_data.get("message", ""))


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ActingForForm(forms.Form):
    association = forms.ModelChoiceField(label=_("I act for"), queryset=Association.objects.none(), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.represented_by(user).order_by("name")


def clean_event_date(form, field):
    """A new or changed event date within ``event_date_bounds``; an unchanged old one may stay."""
    value = form.cleaned_data.get(field)
    if field in form.changed_data:
        validate_event_date(value)
    return value


class EventForm(FieldMessagesModelForm):
    poster = ImageFileField(
        label=_("Poster image"),
        required=False,
        widget=PrivateClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG, GIF or WebP."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text; Markdown lists and links work."),
    )
    report = forms.CharField(
        label=_("Report after the project"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("After the event or project: what happened and what was achieved."),
    )

    class Meta:
        model = Event
        formfield_callback = https_formfield
        fields = EVENT_FIELDS  # one list with the service: a field added here is saved
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "online_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "link": forms.URLInput(attrs={"placeholder": "https://"}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"online_url": {"invalid": URL_SCHEME_INVALID}, "link": {"invalid": URL_SCHEME_INVALID}}

    def clean_title(self):
        return reject_html(self.cleaned_data.get("title", ""))

    def clean_description(self):
        return reject_html(self.cleaned_data.get("description", ""))

    def clean_report(self):
        return reject_html(self.cleaned_data.get("report", ""))

    def clean_place(self):
        return reject_html(self.cleaned_data.get("place", ""))

    def clean_address(self):
        return reject_html(self.cleaned_data.get("address", ""))

    def clean_price(self):
        return reject_html(self.cleaned_data.get("price", ""))

    def clean_accessibility(self):
        return reject_html(self.cleaned_data.get("accessibility", ""))

    def clean_poster_alt(self):
        return reject_html(self.cleaned_data.get("poster_alt", ""))

    def clean_online_url(self):
        value = self.cleaned_data.get("online_url", "")
        validate_http_url(value)
        return value

    def clean_link(self):
        value = self.cleaned_data.get("link", "")
        validate_http_url(value)
        return value

    def clean_start_date(self):
        return clean_event_date(self, "start_date")

    def clean_end_date(self):
        return clean_event_date(self, "end_date")

    def clean(self):
        data = super().clean()
        start_date, end_date = data.get("start_date"), data.get("end_date")
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if end_time and not start_time:
            self.add_error("end_time", EVENT_END_TIME_WITHOUT_START)
        if start_date and end_date and end_date < start_date:
            self.add_error("end_date", EVENT_END_BEFORE_START)
        elif start_date and start_time and end_time and (end_date in (None, start_date)) and end_time <= start_time:
            self.add_error("end_time", EVENT_END_BEFORE_START)
        poster = data.get("poster")
        has_poster = bool(poster) or (poster is None and self.instance.poster)
        if has_poster and not data.get("poster_alt"):
            self.add_error("poster_alt", POSTER_ALT_REQUIRED)
        return data

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "poster"}

    @property
    def new_poster(self):
        value = self.cleaned_data.get("poster")
        return value if value and hasattr(value, "content_type") else None

    @property
    def clear_poster(self):
        return self.cleaned_data.get("poster") is False


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Register extract (CSV)"),
        help_text=_(
            "UTF-8 CSV with the header row: register_number, name, business_id, prh_class, founded_year, "
            "website, email. Separated by commas or semicolons."
        ),
    )
