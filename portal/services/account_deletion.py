"""Delete my account: memberships end, personal data is erased or anonymised, what the law
requires is kept (and the person is told what and why).

The user row stays, anonymised and inactive: grant applications, decisions and the history of
changes point at it, and the accounting and archives acts require those records to be kept. Every
app erases what it holds through its ``mine.py`` eraser (``portal.registries.my_data_eraser``),
all in one transaction: either everything is gone or nothing is.
"""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.permissions import acts_as_staff
from portal.registries import my_data_erasers

STAFF_CANNOT_DELETE = _(
    "A staff account cannot be deleted here. Ask the portal's administrator to close it, so your "
    "tasks can be handed over first."
)
CONFIRMATION_REQUIRED = _("Tick the box to confirm that you want to delete your account.")


def account_delete(*, user, confirmed: bool) -> list[str]:
    """Erase ``user``'s personal data and close the account. Returns what had to be kept."""
    if user.is_staff or user.is_superuser or acts_as_staff(user):
        raise ValidationError(STAFF_CANNOT_DELETE, code="staff")
    if not confirmed:
        raise ValidationError(CONFIRMATION_REQUIRED, code="unconfirmed")
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        kept = []
        for _key, eraser in my_data_erasers().items():
            kept.extend(str(sentence) for sentence in eraser(user) or [])
        EmailAddress.objects.filter(user=user).delete()
        _delete_optional_related(user)
        user.username = f"deleted-{user.pk}"
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        # Inactive: Django's authentication backend no longer accepts any session of it.
        user.save()
    return kept


def _delete_optional_related(user):
    """Sign-in methods: social accounts and authenticators (TOTP, recovery codes)."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
