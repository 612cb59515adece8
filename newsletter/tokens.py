"""Signed links: confirming a subscription (expires) and managing one (never expires).

Both carry only the subscription's id, signed with the site's SECRET_KEY and a salt of their own,
so a confirmation link cannot be used to unsubscribe someone and vice versa. The management
link must keep working from old messages (RFC 8058 one-click unsubscribe), so it has no expiry.
"""

from django.core import signing

from newsletter import conf

CONFIRM_SALT = "newsletter.confirm"
MANAGE_SALT = "newsletter.manage"
SEPARATOR = "."


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def confirm_token(subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT, sep=SEPARATOR).sign(str(subscriber.pk))


def manage_token(subscriber) -> str:
    return manage_token_for_id(subscriber.pk)


def manage_token_for_id(subscriber_id) -> str:
    return signing.Signer(salt=MANAGE_SALT, sep=SEPARATOR).sign(str(subscriber_id))


def read_confirm_token(token: str) -> int:
    """The subscription id in ``token``; raises TokenExpired or TokenInvalid."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT, sep=SEPARATOR)
    try:
        value = signer.unsign(token, max_age=conf.confirm_max_age())
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    return _as_id(value)


def read_manage_token(token: str) -> int:
    try:
        value = signing.Signer(salt=MANAGE_SALT, sep=SEPARATOR).unsign(token)
    except signing.BadSignature:
        raise TokenInvalid from None
    return _as_id(value)


def _as_id(value):
    if not value.isdigit():
        raise TokenInvalid
    return int(value)
