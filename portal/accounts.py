"""django-allauth adapter: allauth's e-mails go through the outbox, like every other e-mail."""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import ngettext

from portal.cities import localized_profile
from portal.outbox import notify


@dataclass(frozen=True)
class PortalSite:
    """What allauth's messages call ``current_site``: the portal's name and host.

    allauth greets with ``current_site.name`` ("Hello from …"); django.contrib.sites' default
    row would say "example.com", so the messages name the city's portal instead.
    """

    name: str
    domain: str


def portal_site(request=None):
    domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
    name = localized_profile(settings.CITY_PROFILE, translation.get_language())["portal_name"]
    return PortalSite(name=name, domain=domain)


def user_display(user):
    """How allauth names a user in pages and e-mails: by the address they sign in with.

    Signing in is by e-mail only; allauth's default would show the username it derived from
    the address ("m" for m@example.org), which the user never chose or saw.
    """
    return user.email or user.get_username()


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule, with its message in the portal's own catalogue.

    Django 5.2 ships no Finnish for this message (Swedish and Polish it has), so a Finnish
    sign-up page would show it in English. The same msgid here puts it into our catalogue.
    """

    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )


def allauth_outbox_key(template_prefix):
    """A unique outbox key per message, e.g. ``allauth:email_confirmation_signup:<uuid>``.

    Every allauth message answers one request (a signup, a reset, a resend) and carries a
    fresh link, so each is its own e-mail: a repeat request must send again, never dedupe.
    The recipient stays out of the key: it would only lengthen it past the column and cut
    off the part that makes it unique.
    """
    return f"allauth:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}"


def client_ip(request) -> str:
    """The visitor's address, the one every rate limit counts (allauth's and django-ratelimit's).

    Behind the TLS proxy every request comes from the proxy; allauth then reads the address
    the last ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies appended to X-Forwarded-For (or the
    ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` one proxy sets), and believes nothing a visitor wrote
    to the left of it. django-ratelimit reads it through ``RATELIMIT_IP_META_KEY``.
    """
    return get_adapter(request).get_client_ip(request)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            # Fewer X-Forwarded-For entries than trusted proxies, or no client-IP header: the
            # request did not come through the proxies (portal.middleware.TrustedProxyMiddleware
            # dropped what another peer sent), so none of it is believed. Count the peer rather
            # than answer every such request with an error.
            peer = request.META.get("REMOTE_ADDR")
            if not peer:
                raise PermissionDenied("Unable to determine client IP address") from None
            return peer

    def send_mail(self, template_prefix, email, context):
        """Queue allauth's message in the outbox instead of sending it inline.

        The message is rendered now, in the language of the request that caused it (the
        language of the page the user signed up or asked for a reset on), and kept whole in
        the outbox row, through the ``emails/allauth-passthrough`` trio: it is kept, retried
        and never lost when SMTP is down.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": portal_site(request), **context}
        msg = self.render_mail(template_prefix, email, ctx)
        html = next((content for content, mimetype in getattr(msg, "alternatives", []) if mimetype == "text/html"), "")
        with transaction.atomic():
            notify(
                key=allauth_outbox_key(template_prefix),
                to=email,
                template="allauth-passthrough",
                context={"subject": msg.subject, "body_text": msg.body, "body_html": html},
                language=translation.get_language(),
            )
