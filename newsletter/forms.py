"""Forms: subscribing (page, footer, account), preferences, and the admin's issue tools."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from newsletter import conf
from newsletter.models import Issue, Topic
from newsletter.services import drafting, subscriptions

# One rule about topics, the same words for the subscriber and for staff (selectors.issue_recipients:
# Subscriber.objects.active().interested_in(issue.topics)).
TOPIC_RULE = _(
    "An issue for everyone reaches every subscriber; an issue on chosen topics, and invitations on "
    "a topic, reach only the subscribers who chose one of those topics."
)
SCHEDULE_TIME_REQUIRED = _("Enter the date and time to send, like 2027-02-15 09:00.")


def _language_field():
    return forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": subscriptions.LANGUAGE_UNKNOWN, "required": subscriptions.LANGUAGE_UNKNOWN},
    )


def _topics_field():
    return forms.MultipleChoiceField(
        label=_("Topics that interest you"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=TOPIC_RULE,
        error_messages={"invalid_choice": subscriptions.TOPIC_UNKNOWN},
    )


class EmailField(forms.CharField):
    """One e-mail address, with the messages of subscriptions.normalize_email (also for a long paste)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("E-mail address"))
        kwargs.setdefault("error_messages", {"required": subscriptions.EMAIL_INVALID})
        kwargs.setdefault(
            "widget",
            forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}),
        )
        super().__init__(strip=True, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return subscriptions.normalize_email(value)


class SubscribeForm(forms.Form):
    email = EmailField()
    language = _language_field()
    topics = _topics_field()
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        self.fields["topics"].initial = list(Topic.values)


class FooterSubscribeForm(forms.Form):
    """The small form in every page's footer: the address only; language is the page's."""

    email = EmailField()
    source = forms.CharField(required=False, widget=forms.HiddenInput)


class AccountSubscribeForm(forms.Form):
    language = _language_field()
    topics = _topics_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        self.fields["topics"].initial = list(Topic.values)


class PreferencesForm(forms.Form):
    language = _language_field()
    topics = _topics_field()


# --- Admin -----------------------------------------------------------------------------------
class IssueAdminForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=TOPIC_RULE,
    )

    class Meta:
        model = Issue
        fields = [
            "subject",
            "preheader",
            "body",
            "language",
            "year",
            "quarter",
            "planned_date",
            "translation_of",
            "all_languages",
            "topics",
        ]

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        drafting.validate_single_line(subject)
        return subject

    def clean_preheader(self):
        preheader = self.cleaned_data["preheader"]
        drafting.validate_single_line(preheader)
        return preheader

    def _post_clean(self):
        super()._post_clean()
        try:
            drafting.issue_validate(issue=self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class TestSendForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more e-mail addresses, separated by commas or lines."),
        error_messages={"required": drafting.TEST_NO_ADDRESSES},
    )

    def clean_addresses(self):
        addresses = drafting.parse_addresses(self.cleaned_data["addresses"])
        maximum = conf.max_test_recipients()
        if len(addresses) > maximum:
            raise ValidationError(
                drafting.TEST_TOO_MANY, code="too_many", params={"max": maximum, "count": len(addresses)}
            )
        invalid = []
        for address in addresses:
            try:
                subscriptions.normalize_email(address)
            except ValidationError:
                invalid.append(address[:80])
        if invalid:
            raise ValidationError(drafting.TEST_INVALID, code="invalid", params={"addresses": ", ".join(invalid[:5])})
        return addresses


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        error_messages={"required": SCHEDULE_TIME_REQUIRED, "invalid": SCHEDULE_TIME_REQUIRED},
    )

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value < timezone.now():
            raise ValidationError(drafting.SCHEDULE_IN_PAST, code="past")
        return value


class AssembleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    planned_date = forms.DateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        planned, year, quarter = data.get("planned_date"), data.get("year"), data.get("quarter")
        if planned and year and quarter:
            probe = Issue(year=year, quarter=quarter, planned_date=planned, subject="", language="fi")
            try:
                drafting.issue_validate(issue=probe)
            except ValidationError as exc:
                raise ValidationError({"planned_date": exc.message_dict.get("planned_date", [])}) from None
        return data
