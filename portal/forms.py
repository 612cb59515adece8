"""Forms of the portal core, and a helper that ties every field's errors to the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import ContactPerson

# Validation messages are constants: the tests assert on them.
COORDINATOR_TAKEN = _("%(name)s is already the coordinator. Remove the mark from them first: there is only one.")


class ReasonForm(forms.Form):
    """The reason of a refusal (a moderation or a representative's request): e-mailed to its author."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the applicant by e-mail."),
    )


def describe_errors(form):
    """Point each invalid field at its error list (``<id>-errors``) with ``aria-describedby``.

    Screen readers then read the error with the field (WCAG 3.3.1). Templates render the list as
    ``<ul class="errorlist" id="{{ field.auto_id }}-errors">``. Returns the form.
    """
    for name in form.errors:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        error_id = f"{form[name].auto_id}-errors"
        described_by = [part for part in attrs.get("aria-describedby", "").split() if part != error_id]
        attrs["aria-describedby"] = " ".join([error_id, *described_by])
        attrs["aria-invalid"] = "true"
    return form


class ContactPersonAdminForm(forms.ModelForm):
    """The admin form: explains the one-coordinator rule instead of showing a constraint's name."""

    class Meta:
        model = ContactPerson
        fields = ["name", "title", "department", "topics", "email", "phone", "is_coordinator", "is_public", "user"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_coordinator"):
            current = ContactPerson.objects.filter(is_coordinator=True)
            if self.instance.pk:
                current = current.exclude(pk=self.instance.pk)
            other = current.first()
            if other is not None:
                self.add_error("is_coordinator", forms.ValidationError(COORDINATOR_TAKEN, params={"name": other.name}))
        return cleaned
