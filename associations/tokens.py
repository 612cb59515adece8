"""Signed links in e-mails: "our profile is still current" works without signing in."""

from django.core import signing

CONFIRMATION_SALT = "associations.confirm-profile"
CONFIRMATION_MAX_AGE = 90 * 24 * 3600  # the reminder's link works for three months


def confirmation_token(association) -> str:
    return signing.dumps({"a": association.pk}, salt=CONFIRMATION_SALT, compress=True)


def association_id_from_token(token: str) -> int | None:
    """The association id in a valid, unexpired token; None for anything else."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    value = data.get("a") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None
