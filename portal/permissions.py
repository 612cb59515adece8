"""Who acts as city staff: the one gate every staff privilege goes through, in the admin and outside it.

A staff account is a staff account only with an authenticator app (TOTP). Until its owner has
set one up, the account is an ordinary user everywhere: the admin sends it to the TOTP setup
(``portal.middleware.StaffMFAMiddleware``), and on the public site it sees no unpublished event,
private entry, non-public agreement or early meeting material. A password alone (phished,
reused, guessed) must never open what staff see. allauth stores a TOTP authenticator only
after its first code has been verified, and asks for a code at every sign-in once it exists.

Apps ask ``acts_as_staff(user)`` / ``staff_has_perm(user, perm)`` / ``acts_as_superuser(user)``
instead of reading ``is_staff``, ``is_superuser`` or ``has_perm`` themselves; templates use the
``acts_as_staff`` and ``staff_has_perm`` filters of ``portal_tags``.
"""

from allauth.mfa.models import Authenticator

_CACHE = "_portal_acts_as_staff"


def has_verified_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def acts_as_staff(user) -> bool:
    """An active staff user with a verified authenticator app. Cached on the user object."""
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = has_verified_totp(user)
        setattr(user, _CACHE, cached)
    return cached


def acts_as_superuser(user) -> bool:
    return acts_as_staff(user) and user.is_superuser


def staff_has_perm(user, perm: str) -> bool:
    """Staff (with TOTP) who hold ``perm`` (a superuser holds every one)."""
    return acts_as_staff(user) and user.has_perm(perm)
