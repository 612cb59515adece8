import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annualclock.kinds import ASSOCIATION_EVENT
from annualclock.models import ClockEntry, Meeting, MeetingResponse
from annualclock.selectors import describe_when
from annualclock.services import ANSWER_NEEDS_PEOPLE, ANSWER_REQUIRED
from associations.models import Association
from portal import registries

MAX_ATTENDEES = 50

ANSWER_NOT_YOUR_ASSOCIATION = _("You can only answer for an association you represent.")


class AnswerForm(forms.Form):
    """An association's answer to an invitation (seed 003: attend or cannot attend)."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=MeetingResponse.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ANSWER_REQUIRED, "invalid_choice": ANSWER_REQUIRED},
    )
    attendees = forms.IntegerField(
        label=_("How many people will come?"),
        min_value=1,
        max_value=MAX_ATTENDEES,
        required=False,
        help_text=_("Only if you attend."),
    )
    names = forms.CharField(
        label=_("Names (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line, if you wish. Helps with name tags and catering."),
    )

    def clean(self):
        cleaned = super().clean()
        attending = cleaned.get("answer") == MeetingResponse.Answer.ATTENDING
        if attending and not cleaned.get("attendees") and "attendees" not in self.errors:
            self.add_error("attendees", ANSWER_NEEDS_PEOPLE)
        return cleaned


class SiteAnswerForm(AnswerForm):
    """The same answer on the site: the signed-in representative chooses which association answers."""

    association = forms.ModelChoiceField(
        label=_("Answering for"),
        queryset=Association.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": ANSWER_NOT_YOUR_ASSOCIATION, "required": ANSWER_NOT_YOUR_ASSOCIATION},
    )
    field_order = ["association", "answer", "attendees", "names"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.represented_by(user).order_by("name")
        represented = list(self.fields["association"].queryset[:2])
        self.can_answer = bool(represented)
        # One association: no choice to make, the form just names it.
        self.only_association = represented[0] if len(represented) == 1 else None


def audience_choices():
    return [("", _("Nobody yet"))] + registries.recipient_list_choices()


class MeetingAdminForm(forms.ModelForm):
    online_url = forms.URLField(label=_("online meeting link"), required=False, assume_scheme="https", max_length=200)
    audience = forms.ChoiceField(
        label=_("invited audience"),
        required=False,
        choices=(),
        help_text=_("Who gets the invitation by e-mail. Invitations should go out at least 7 days before the meeting."),
    )
    send_invitations = forms.BooleanField(
        label=_("Send the invitations when saving"),
        required=False,
        initial=True,
        help_text=_(
            "Each address is invited once. Later additions to the audience can be invited with the "
            "“Send invitations” action."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "forum",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "agenda",
            "clock_entry",
            "audience",
            "minutes",
            "matters_handled",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = audience_choices()
        current = self.instance.audience if self.instance else ""
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["audience"].choices = choices


class ClockEntryAdminForm(forms.ModelForm):
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = ClockEntry
        fields = [
            "kind",
            "title",
            "year",
            "month",
            "state",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "description",
            "audience",
            "link",
            "replaced_by_uid",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Nothing: show this entry"))] + replacement_choices(self.instance)
        current = self.instance.replaced_by_uid if self.instance else ""
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["replaced_by_uid"].widget = forms.Select(choices=choices)


def replacement_choices(entry):
    """Dated items other apps publish around the entry's year, to pick the one that stands for it."""
    if entry is not None and entry.pk:
        first, last = entry.year, entry.year
    else:
        first = timezone.localdate().year
        last = first + 1
    # Association events never stand for a plan entry (thousands a year at national scale).
    items = registries.calendar_items(dt.date(first, 1, 1), dt.date(last + 1, 1, 1), exclude_kinds=[ASSOCIATION_EVENT])
    return [
        (item.uid, f"{describe_when(item)} – {item.title}")
        for item in items
        if not item.source.startswith("annualclock.")
    ]
