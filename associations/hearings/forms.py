"""Forms of hearings: an association's answer and a resident's comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.forms import DESCRIPTION_MAX_LENGTH, reject_html
from associations.hearings.models import HearingAnswer, HearingComment
from associations.hearings.services import ANSWER_FIELDS, COMMENT_FIELDS
from associations.hearings.validators import validate_attachment

ATTACHMENT_ACCEPT = "application/pdf,image/png,image/jpeg,image/gif,image/webp"
ANSWER_MAX_LENGTH = 20000


class AnswerForm(forms.ModelForm):
    """The association's answer: text, consent to publish, one new attachment per save."""

    text = forms.CharField(
        label=_("Your association's answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; Markdown lists and links work. You can edit the answer until the deadline."),
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
        help_text=_("A PDF document or an image (JPEG, PNG, GIF or WebP)."),
    )
    remove = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = HearingAnswer
        fields = ANSWER_FIELDS  # one list with the service
        labels = {"may_publish": _("The answer may be published on the hearing's page after the deadline")}
        help_texts = {
            "may_publish": _("Otherwise only the city and your association's representatives read it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["remove"].queryset = self.instance.attachments.all()
        else:
            del self.fields["remove"]

    def clean_text(self):
        return reject_html(self.cleaned_data.get("text", ""))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_attachment(upload)
        return upload

    def service_data(self):
        return {name: self.cleaned_data[name] for name in ANSWER_FIELDS}

    @property
    def new_attachments(self):
        upload = self.cleaned_data.get("attachment")
        return [upload] if upload else []

    @property
    def removed_attachments(self):
        return list(self.cleaned_data.get("remove") or [])


class CommentForm(forms.ModelForm):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Staff check comments before they are shown."),
    )

    class Meta:
        model = HearingComment
        fields = COMMENT_FIELDS

    def clean_text(self):
        return reject_html(self.cleaned_data.get("text", ""))

    def service_data(self):
        return {name: self.cleaned_data[name] for name in COMMENT_FIELDS}
