"""Messages of the cooperation forms and services: constants the tests assert on."""

from django.utils.translation import gettext_lazy as _

END_BEFORE_START = _("The end date cannot be before the start date.")
AMOUNT_NEGATIVE = _("An amount cannot be negative.")
REASON_REQUIRED_FOR_DECLINE = _("Give the grounds of the decision: they are sent to the applicant.")
SIGNUP_TWICE = _("Your association has already signed up for this event.")
INITIATIVE_NEEDS_HELP = _("Say what the city is asked for: work, materials or a space.")
TRANSITION_NOT_ALLOWED = _("This request cannot move from “%(from)s” to “%(to)s”.")
INITIATIVE_TRANSITION_NOT_ALLOWED = _("This initiative cannot move from “%(from)s” to “%(to)s”.")
FIELD_REQUIRED_FOR_KIND = _("This field is required for this kind of request.")
KIND_NOT_ALLOWED = _("Choose a kind of request from the list.")
SIGNUP_CLOSED = _("Sign-up for this event has closed.")
EVENT_NOT_OPEN = _("This event does not take sign-ups.")
CARRIED_OUT_IN_FUTURE = _("An initiative cannot be carried out on a future date.")
PROJECT_NEEDS_PARTNER = _("A joint project needs at least one partner association.")
